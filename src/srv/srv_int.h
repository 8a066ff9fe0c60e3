/* srv_int.h  Internals of the server process (src/srv/). */
#ifndef SRV_INT_H
#define SRV_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "tz/tz_arena.h"
#include "tz/tz_buf.h"
#include "tz/tz_digest.h"
#include "tz/tz_edit.h"
#include "tz/tz_hdr.h"
#include "tz/tz_registry.h"
#include "tz/tz_config.h"
#include "tz/tz_loop.h"
#include "tz/tz_msg.h"
#include "tz/tz_server.h"
#include "tz/tz_transport.h"
#include "tz/tz_tsx.h"

#define SRV_MAX_HDRS 128

/* One configuration generation; kept until exit so workers can read the
 * current one without locks (reloads are rare). */
struct conf {
	struct conf *older;
	struct tz_config c;
};

/* Counters of the proxy on one worker. */
struct pstats {
	uint64_t forwarded;  /* requests sent on by a response context */
	uint64_t stateless;  /* requests and responses forwarded statelessly */
	uint64_t responses;  /* responses forwarded upstream */
	uint64_t cancelled;  /* branches CANCELled */
	uint64_t timer_c;    /* Timer C expiries */
	uint64_t redirected; /* 3xx answers of redirect mode */
	uint64_t challenged; /* 407 sent */
};

/* Counters of one worker, copied out on request (status). */
struct wstats {
	uint64_t received;
	uint64_t sent;
	uint64_t retransmissions;
	uint64_t absorbed;
	uint64_t parse_errors;
	uint64_t transactions;
	uint64_t tx_errors;
	uint64_t tcp_accepted, tcp_refused, tcp_timeouts, tcp_bad_frame;
	uint64_t answered[7]; /* by class: [1]..[6] */
	uint64_t tcp_open;
	struct pstats ps;
	unsigned contexts;
};

/* rr_uri's printed Record-Route URIs (fwd.c) */
#define RR_CACHE 4
struct rr_cached {
	const struct conf *conf; /* NULL: empty */
	enum tz_tp_proto tp;
	int family;
	int len;
	char uri[TZ_CONFIG_NAME_MAX + 64];
};

struct worker {
	struct tz_server *srv;
	unsigned index;
	pthread_t thread;
	bool started;
	struct tz_loop *loop;
	struct tz_transport *tp;
	struct tz_tsx_layer *tsx;
	struct tz_resolver *res; /* RFC 3263, this worker's c-ares channel */
	const struct conf *conf; /* the generation this worker applied */
	struct rr_cached rrc[RR_CACHE];
	bool draining;
	struct tz_timer drain_tick;
	/* graceful stop: published by the worker, read by the main thread */
	atomic_bool drain_ack; /* draining has begun here */
	atomic_uint live;      /* transactions left */
	atomic_bool exited;    /* the loop has ended */
	uint64_t parse_errors;
	uint64_t answered[7];
	struct tz_buf out;  /* responses being built */
	struct tz_edits ed; /* a message being forwarded (RFC 3261 16.6) */
	/* the last local address fwd_build printed for a Via, and its text
	 * (one address per transport and family: printed once) */
	struct sockaddr_storage via_sa;
	socklen_t via_salen;
	char via_hp[TZ_SA_STRLEN];
	unsigned contexts; /* proxy response contexts alive here */
	struct pstats ps;
	struct tz_hdr hdrs[SRV_MAX_HDRS];
	struct tz_arena arena; /* typed header values of the message */
	_Alignas(16) char arena_mem[8192];
	char *scratch; /* a request rewritten by 18.2.1 */
	uint32_t tag_serial;
	bool rx_forwarded; /* the message being handled came from another
	                      worker (cross-worker queue) */
};

struct tz_server {
	_Atomic(struct conf *) conf;
	int argc; /* "serve" arguments, re-read on reload */
	char **argv;
	unsigned nworkers;
	unsigned ninit; /* workers set up */
	struct worker *w;
	struct tz_timer watch;
	struct tz_hub *hub;
	struct tz_registry *reg;     /* bindings, users, storage thread */
	struct tz_auth_server *auth; /* digest state shared by workers */
	struct dlg_table *dlgs;      /* dialog mode: the dialogs */
	uint64_t dlg_scan;           /* next expiry scan */
	struct tz_loop *loop;        /* main thread: signals, control */
	struct tz_mbox *mbox;        /* work for the main thread */
	struct ctl_conn *ctls;       /* open control connections */
	uint64_t ctl_serial;
	int sigfd;
	int ctl_fd;
	bool stopping;
	bool stop_sent;         /* workers told to end their loops */
	uint64_t stop_deadline; /* shutdown-timeout from SIGTERM */
	uint64_t started;
	uint64_t tag_key[2]; /* stateless To tags (RFC3261 8.2.7) */
	unsigned reloads;
	/* status snapshots */
	pthread_mutex_t snap_lock;
	pthread_cond_t snap_cond;
	unsigned snap_done;
	struct wstats *snap;
	/* workers finished */
	atomic_uint running;
};

/* server.c: the transport limits of a configuration */
void srv_limits(const struct tz_config *c, struct tz_tp_limits *lim);

/* worker.c */
int worker_init(struct worker *w, struct tz_server *s, unsigned index,
                char *err, size_t errlen);
void worker_fini(struct worker *w);
void *worker_main(void *arg);
void worker_post_drain(struct worker *w);
void worker_post_stop(struct worker *w);
void worker_post_reload(struct worker *w);
void worker_post_snapshot(struct worker *w);
int worker_send(struct worker *w, const char *buf, size_t len,
                const struct tz_tp_dest *dst);

/* uas.c: the answers of any RFC 3261 server */
void uas_request(struct worker *w, struct tz_msg *m,
                 const struct tz_tp_dest *src);
/* a server transaction for @p m (0 or -ENOMEM, logged) */
int uas_tsx(struct worker *w, const struct tz_msg *m,
            const struct tz_tp_dest *src, struct tz_tsx **out);
/* answer a server transaction's request; @p hdrs: extra fields */
void uas_answer(struct worker *w, struct tz_tsx *st, uint16_t status,
                const char *reason, const char *hdrs);
/* both at once */
void uas_reply(struct worker *w, const struct tz_msg *m,
               const struct tz_tp_dest *src, uint16_t status,
               const char *reason, const char *hdrs);
/* uas_reply() with the reason "<standard phrase>: <why>" */
void uas_reply_why(struct worker *w, const struct tz_msg *m,
                   const struct tz_tp_dest *src, uint16_t status,
                   const char *why, const char *hdrs);
/* RFC3261 8.2.7: the same answer without a server transaction (the To
 * tag a hash of the request: a retransmission gets the response again);
 * @p why as in uas_reply_why(), or NULL */
void uas_reply_stateless(struct worker *w, const struct tz_msg *m,
                         const struct tz_tp_dest *src, uint16_t status,
                         const char *why, const char *hdrs);
/* the first option tags of header @p id we lack, as an Unsupported
 * field into @p out; false when all are supported (RFC 3261 8.2.2.3) */
bool uas_unsupported(const struct tz_msg *m, enum tz_hdr_id id, char *out,
                     size_t n);

/* challenge.c: digest authentication; true when the request may go on
 * (user set); otherwise it has been answered (401/407, 400, 403, 500) */
bool srv_authenticate(struct worker *w, struct tz_msg *m,
                      const struct tz_tp_dest *src, const char *realm,
                      bool proxy, char *user, size_t un);

/* registrar.c: REGISTER to one of our domains (RFC 3261 10.3) */
void registrar_request(struct worker *w, struct tz_msg *m,
                       const struct tz_tp_dest *src);
void uas_reply_bad(struct worker *w, const struct tz_msg *m, uint16_t status,
                   const char *what, const struct tz_tp_dest *src);

/* route.c: RFC 3261 18.2.1 / 18.2.2, RFC 3581 */
int via_needs_fix(const struct tz_msg *m, const struct tz_tp_dest *src);
/* via_fix on the raw bytes of a request, before it is parsed: 1 with
 * @p out filled; 0 when no fix is needed or the scan cannot tell (the
 * parsed message is checked with via_needs_fix then). With no fix needed,
 * @p hint holds the top Via decoded for the parse (else hint->buf NULL). */
int via_prefix(const char *buf, size_t len, const struct tz_tp_dest *src,
               char *out, size_t cap, size_t *outlen, struct tz_via_hint *hint);
int via_fix(const struct tz_msg *m, const struct tz_tp_dest *src, char *out,
            size_t cap, size_t *outlen);
bool srv_is_local(const struct tz_config *c, const char *host, size_t hlen,
                  int port, enum tz_tp_proto tp);
bool srv_is_domain(const struct tz_config *c, const char *host, size_t hlen);

/* fwd.c: a request forwarded (RFC 3261 16.4, 16.6) */
#define RINFO_MAX 16
struct route_el {
	const struct tz_hdr *h; /* the Route field holding it */
	struct tz_span span;    /* the element as written */
	struct tz_naddr na;
};
struct rinfo {
	struct route_el el[RINFO_MAX]; /* every Route entry, in order */
	unsigned nel;
	unsigned popped; /* the first entries name us: removed */
	bool strict;     /* the Request-URI is our Record-Route: the last
	                    entry is the real one (16.4) */
};
/* What one forwarded copy changes. */
struct fwd {
	const char *ruri; /* new Request-URI (16.6 item 2) or NULL */
	size_t rurilen;
	const char *path;             /* Route values to put first, or NULL */
	const char *branch;           /* our Via branch */
	const struct tz_tp_dest *dst; /* the next hop */
	const struct tz_tp_dest *src; /* where the request came from */
	bool rr;                      /* add Record-Route */
	const char *pai;              /* P-Asserted-Identity to add, or NULL */
	bool strip_pai;               /* the source is untrusted (RFC 3325) */
	const char *realm; /* Proxy-Authorization consumed, or NULL */
};
/* the uri-parameter @p name of @p u (its value into @p val if not NULL) */
bool uri_param(const char *base, const struct tz_uri *u, const char *name,
               struct tz_span *val);
/* 0; -EBADMSG for a malformed Route; -E2BIG for too many entries */
int route_info(const struct tz_config *c, const struct tz_msg *m,
               enum tz_tp_proto tp, struct rinfo *ri);
/* the first Route entry that stays, or NULL */
const struct route_el *rinfo_next(const struct rinfo *ri);
int fwd_build(struct worker *w, const struct tz_msg *m, const struct rinfo *ri,
              const struct fwd *f, struct tz_buf *out);
/* the URI the forwarded copy goes to (16.6 item 7): parsed into @p u
 * relative to *@p base (the message or @p text) */
int fwd_hop_uri(const struct tz_msg *m, const struct rinfo *ri,
                const struct fwd *f, struct tz_uri *u, char *text, size_t n,
                const char **base);
/* 0 with @p dst set for a numeric host; 1 when DNS is needed; -errno */
int next_hop(const char *base, const struct tz_uri *u, struct tz_tp_dest *dst);
/* "<sip:ADDR:PORT;lr>" of our listen address of @p tp and @p family */
int rr_uri(struct worker *w, enum tz_tp_proto tp, int family, char *out,
           size_t n);

/* pctx.c: the response context of a stateful proxy (16.7-16.10) */
struct pctx;
struct ptarget {
	const char *uri; /* new Request-URI, or NULL to keep it */
	size_t urilen;
	const char *path;              /* RFC 3327 Route values, or NULL */
	const struct tz_tp_dest *flow; /* a registered flow to send on */
	uint16_t q;
};
struct popts {
	bool rr;
	const char *pai; /* identity to assert, or NULL */
	bool strip_pai;
	const char *realm;         /* credentials consumed */
	const char *callee;        /* local AOR called (features, accounting) */
	const char *fwd_busy;      /* forward on 486/600 to this URI */
	const char *fwd_no_answer; /* forward when unanswered */
	unsigned no_answer_ms;
	bool account; /* keep a call detail record (dialog mode) */
};
/* Forward @p m to @p n targets (highest q first: equal q in parallel,
 * lower q after); answers it itself on failure. */
void pctx_start(struct worker *w, struct tz_msg *m,
                const struct tz_tp_dest *src, const struct popts *o,
                const struct ptarget *t, unsigned n);
/* RFC 3261 16.10: a CANCEL for the INVITE of @p px */
void pctx_cancel(struct pctx *px);
bool pctx_is(const void *arg);

/* stateless.c: RFC 3261 16.11 and stray responses (16.7 item 3) */
/* forward @p m as @p f says (branch set here) to @p dst, or to the next
 * hop of its route or target when @p dst is NULL */
void sl_request(struct worker *w, struct tz_msg *m,
                const struct tz_tp_dest *src, const struct rinfo *ri,
                const struct fwd *f, const struct tz_tp_dest *dst);
void sl_response(struct worker *w, const struct tz_msg *m);

/* proxy.c: a request for someone else (RFC 3261 16) */
void proxy_request(struct worker *w, struct tz_msg *m,
                   const struct tz_tp_dest *src, const struct rinfo *ri);
void proxy_ack(struct worker *w, struct tz_msg *m,
               const struct tz_tp_dest *src);
bool proxy_is_peer(const struct tz_config *c, const struct tz_tp_dest *src);
/* targets for a forwarding URI: the bindings of a user of ours (0 when
 * none), else the URI itself */
unsigned proxy_targets(struct worker *w, const char *uri,
                       struct tz_location *loc, struct ptarget *t,
                       unsigned max);

/* dialog.c: dialogs and call detail records (dialog mode) */
struct dlg_table;
/* One side of a dialog as P reaches it (RFC 3261 12.2.1.1): enough for a
 * BYE of P's own, the prepaid case. Side 0 is the caller, 1 the callee. */
struct dlg_side {
	struct tz_tp_dest dst; /* where its last request or 2xx came from */
	uint32_t cseq;         /* the highest CSeq it sent (0: none yet) */
	char target[256];      /* its Contact URI, "" when unknown */
	char routes[512];      /* the Route set toward it, "" when none */
};
struct dlg {
	struct dlg *next;
	uint32_t hash;
	uint64_t expires_ms; /* monotonic: session timer or dialog-timeout */
	uint32_t refresh_s;  /* the session interval, 0 when none */
	struct tz_cdr_rec cdr;
	char from_tag[96], to_tag[96];
	struct dlg_side side[2];
};
uint64_t srv_wall_ms(void);
int dlg_table_alloc(struct dlg_table **out);
void dlg_table_free(struct dlg_table *t);
unsigned dlg_count(struct dlg_table *t);
/* a failed INVITE: its record now */
void acct_final(struct worker *w, const struct tz_msg *req, uint16_t status,
                uint64_t start_ms);
/* the first 2xx of an INVITE: a dialog */
void acct_answered(struct worker *w, const struct tz_msg *req,
                   const struct tz_msg *resp, uint64_t start_ms,
                   const struct tz_tp_dest *caller,
                   const struct tz_tp_dest *callee);
/* an in-dialog request from @p src passing: BYE ends, re-INVITE/UPDATE
 * refresh (session timer, remote target), every request its CSeq */
void dlg_request(struct worker *w, const struct tz_msg *m,
                 const struct tz_tp_dest *src);
/* write @p d's record (ended by @p by, for @p reason) and free it */
void dlg_cdr_end(struct tz_server *s, struct dlg *d, const char *by,
                 const char *reason);
/* the dialog of @p call_id out of the table, into *@p out: 0; -ENOENT;
 * -EOPNOTSUPP when P cannot reach both sides (no BYE of its own) */
int dlg_take(struct dlg_table *t, const char *call_id, struct dlg **out);
/* {"dialogs":[at most @p max],"total":N} (jansson), NULL without memory */
struct json_t *dlg_list_json(struct dlg_table *t, unsigned max);
/* dlg_end.c: P ends dialog @p d (taken) with a BYE to each side, from
 * worker @p worker; the answer goes to control connection @p ctl_id */
struct dlg_end_res {
	uint64_t ctl_id;
	char call_id[256];
	int status[2]; /* the answers to the BYEs to caller and callee */
};
int dlg_end_post(struct tz_server *s, struct dlg *d, uint64_t ctl_id);
void dlg_end_result(void *data, void *arg); /* on the main thread */
/* end the dialogs whose time is up (main thread, once a second) */
void dlg_expire(struct tz_server *s, uint64_t now);

/* branch.c: RFC 3261 16.6 item 8 branches, 16.3 item 4 loop check */
#define BRANCH_MAGIC "z9hG4bKtz"
uint32_t loop_hash(const struct tz_msg *m, struct tz_span topvia);
/* Text by hand, for the per-message paths where printf costs: the
 * decimal digits of @p v at @p p (how many: at most 10), and @p digits
 * hex digits of @p v (0: as many as needed; returns the end). Nothing is
 * terminated. */
size_t srv_put_dec(char *p, uint32_t v);
char *srv_put_hex(char *p, uint64_t v, int digits);
int make_branch(char *out, size_t n, unsigned worker, uint32_t lh);
/* RFC3261 8.2.7: the To tag of a stateless answer, the same for the same
 * request (a retransmission): a hash keyed by @p key of its Call-ID, From
 * tag, CSeq and top Via branch; "tzs" and 16 hex digits, terminated. */
void stateless_tag(const struct tz_msg *m, const uint64_t key[2], char *out,
                   size_t n);
/* the branch of the first Via element of @p m for a forwarded copy */
int fwd_branch(char *out, size_t n, unsigned worker, const struct tz_msg *m,
               bool stateless);
int branch_worker(const char *b, size_t n);
bool via_loop(const struct tz_config *c, const struct tz_msg *m);

/* ping.c: OPTIONS from the server ("trapezoid ping") */
struct ping_req {
	uint64_t ctl_id; /* control connection waiting for the answer */
	bool rport;
	char uri[512];
	char to[520];
};
struct ping_res {
	uint64_t ctl_id;
	int status; /* 0: not sent */
	unsigned worker;
	bool forwarded; /* the response came through another worker */
	char reason[640];
};
int ping_post(struct tz_server *s, unsigned worker, const struct ping_req *pr);
void ping_result(void *data, void *arg); /* on the main thread */

/* control.c */
int control_open(struct tz_server *s, char *err, size_t errlen);
void control_close(struct tz_server *s);
char *server_status_json(struct tz_server *s);

/* server.c: a new configuration generation from the same arguments and
 * the file (refused whole on any error; 0 or -errno with @p err set), and
 * the graceful stop */
int server_reload(struct tz_server *s, char *err, size_t errlen);
void server_stop(struct tz_server *s);

#endif
