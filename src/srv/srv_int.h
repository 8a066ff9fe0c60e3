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
	bool draining;
	struct tz_timer drain_tick;
	/* graceful stop: published by the worker, read by the main thread */
	atomic_bool drain_ack; /* draining has begun here */
	atomic_uint live;      /* transactions left */
	atomic_bool exited;    /* the loop has ended */
	uint64_t parse_errors;
	uint64_t answered[7];
	struct tz_buf out; /* responses being built */
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
/* the first option tags of header @p id we lack, as an Unsupported
 * field into @p out; false when all are supported (RFC 3261 8.2.2.3) */
bool uas_unsupported(const struct tz_msg *m, enum tz_hdr_id id, char *out,
                     size_t n);

/* registrar.c: REGISTER to one of our domains (RFC 3261 10.3) */
void registrar_request(struct worker *w, struct tz_msg *m,
                       const struct tz_tp_dest *src);
void uas_reply_bad(struct worker *w, const struct tz_msg *m, uint16_t status,
                   const char *what, const struct tz_tp_dest *src);

/* route.c: RFC 3261 18.2.1 / 18.2.2, RFC 3581 */
int via_needs_fix(const struct tz_msg *m, const struct tz_tp_dest *src);
int via_fix(const struct tz_msg *m, const struct tz_tp_dest *src, char *out,
            size_t cap, size_t *outlen);
void resp_dest(const struct tz_msg *req, const struct tz_tp_dest *src,
               struct tz_tp_dest *out);
bool srv_is_local(const struct tz_config *c, const char *host, size_t hlen,
                  int port, enum tz_tp_proto tp);
bool srv_is_domain(const struct tz_config *c, const char *host, size_t hlen);

/* branch.c: RFC 3261 16.6 item 8 branches, 16.3 item 4 loop check */
#define BRANCH_MAGIC "z9hG4bKtz"
uint32_t loop_hash(const struct tz_msg *m, struct tz_span topvia);
int make_branch(char *out, size_t n, unsigned worker, uint32_t lh);
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
