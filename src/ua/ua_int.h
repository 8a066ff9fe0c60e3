/*
 * ua_int.h  Inside the user-agent core: the UA, the requests it sends
 * (struct ua_req: resolution, transaction, digest retry) and the calls
 * (struct ua_call: an INVITE session and its dialog).
 */
#ifndef TZ_UA_INT_H
#define TZ_UA_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "tz/tz_arena.h"
#include "tz/tz_buf.h"
#include "tz/tz_digest.h"
#include "tz/tz_dlg.h"
#include "tz/tz_msg.h"
#include "tz/tz_resolve.h"
#include "tz/tz_sdp.h"
#include "tz/tz_timer.h"
#include "tz/tz_tsx.h"
#include "tz/tz_ua.h"

#define UA_MAX_HDRS 128
/* early dialogs kept per call (RFC 3261 13.2.2.4: one per fork) */
#define UA_FORKS 4
/* calls kept at once; an INVITE beyond them gets 486 */
#define UA_MAX_CALLS 64
/* RFC3261 20.5: what we accept (advertised in Allow) */
#define UA_ALLOW                                                               \
	"INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, INFO, UPDATE, REFER, "    \
	"PRACK, "                                                              \
	"NOTIFY"
/* RFC3891 6, RFC 4028 7.1: we understand Replaces and session timers */
#define UA_SUPPORTED "Supported: replaces, timer\r\n"
#define UA_AGENT     "tzphone/" TZ_VERSION

struct ua_req;
struct ua_call;
struct ua_evq;
struct ua_xfer;
struct ua_sub;

/* Response handler of a request we sent: @p err 0 with each response
 * (after the digest retry, which it never sees), or a negative errno and
 * no response (no destination, timeout, transport error). */
typedef void(ua_resp_h)(struct ua_req *r, int err, const struct tz_msg *resp);

/* A request we send, kept so it can be sent again with credentials (RFC
 * 3261 22.2, 22.3) and so CANCEL and ACK can be made from it. */
#define UA_ALTERNATES 4 /* RFC 3263 targets kept after the first */

struct ua_req {
	struct ua_req *next; /* in ua->reqs */
	struct tz_ua *ua;
	struct tz_dlg *dlg; /* a reference: an in-dialog request */
	char method[16];
	char ruri[TZ_DLG_STR];
	char to[TZ_DLG_STR];
	char from[TZ_DLG_STR];
	char from_tag[48];
	char call_id[96];
	uint32_t cseq;
	bool fixed_cseq;  /* ACK, CANCEL: keep @c cseq inside a dialog */
	bool no_tsx;      /* ACK for a 2xx: sent by us, no transaction */
	bool keep_branch; /* CANCEL: the INVITE's Via (RFC3261 9.1) */
	bool contact;     /* add our Contact */
	char hdrs[768];   /* extra header fields, each ending CRLF */
	char st[96];      /* Session-Expires, Min-SE (RFC 4028) */
	char auth[1536];  /* Authorization / Proxy-Authorization field */
	char *body;       /* tz_malloc'ed */
	size_t body_len;
	const char *ctype; /* static */
	char via[128];
	char branch[48];
	char hop[TZ_DLG_STR];
	struct tz_uri hop_u;
	struct tz_tp_dest dst;
	bool have_dst;
	struct tz_tp_dest alt[UA_ALTERNATES]; /* RFC 3263 4.3: the others */
	uint8_t nalt, ialt;
	bool prov; /* a provisional came: no failover any more */
	struct tz_tsx *t;
	struct tz_resolve_q *q;
	struct tz_buf sent; /* no_tsx: the bytes, resent for a 2xx copy */
	unsigned nauth;
	bool final; /* a final response or an error came */
	ua_resp_h *h;
	void *arg;
};

struct tz_ua {
	struct tz_loop *loop;
	struct tz_wheel *wheel;
	struct tz_hub *hub;
	struct tz_transport *tp;
	struct tz_resolver *res;
	struct tz_tsx_layer *tsx;
	tz_ua_event_h *h;
	void *arg;
	uint32_t t1, t2;

	char user[128];
	char domain[128];
	char password[128];
	bool has_password;
	/* RFC3261 22.3: the last challenge answered, per kind (0: 401
	 * WWW-Authenticate from the registrar, 1: 407 from the proxy), sent
	 * again with the next nonce-count on later requests */
	struct ua_cred {
		bool valid;
		bool qop;
		bool has_opaque;
		enum tz_digest_alg alg;
		uint32_t nc;
		char realm[256], nonce[256], opaque[256];
		char ha1[TZ_DIGEST_HEX];
	} cred[2];
	char aor_uri[300]; /* "sip:alice@localhost" */
	char proxy_uri[96];
	enum tz_tp_proto ltp;
	char lhost[64];    /* "127.0.0.1" */
	char local[80];    /* "127.0.0.1:5062" */
	char contact[400]; /* "<sip:alice@127.0.0.1:5062>" */
	int rtp_fd;
	uint16_t rtp_port;
	uint32_t expires;
	uint32_t se;     /* session interval we ask for (RFC 4028), 0: none */
	uint32_t min_se; /* our Min-SE */
	bool rel100;     /* reliable provisionals (RFC 3262) */

	/* registration (RFC 3261 10.2) */
	struct ua_req *reg;
	struct tz_timer reg_timer;
	char reg_call_id[64];
	char reg_tag[24];
	uint32_t reg_cseq;
	bool registered;
	bool want_reg;
	bool reg_423; /* retried once with Min-Expires */

	struct ua_req *reqs;
	struct ua_call *calls;
	struct ua_sub *subs;           /* REFERs we sent, waiting for NOTIFYs */
	struct ua_evq *evq, *evq_tail; /* events not delivered yet */
	struct tz_timer evq_timer;
	unsigned next_call;

	struct tz_buf out;
	struct tz_hdr hdrs[UA_MAX_HDRS];
	struct tz_arena arena;
	char arena_mem[4096];
	struct tz_sdp *sdp; /* scratch for parsing bodies (large) */
};

/* A call: one INVITE session (RFC 3261 13-15) and its dialog. */
struct ua_call {
	struct ua_call *next;
	struct tz_ua *ua;
	char id[16];
	char peer[TZ_DLG_STR];
	bool uac;
	bool anonymous;
	enum tz_ua_call_state state;
	struct tz_dlg *dlg;

	/* UAC: the INVITE, CANCEL after a provisional (RFC3261 9.1) */
	struct ua_req *inv;
	struct ua_req *ack;
	struct tz_dlg *forks[UA_FORKS]; /* early dialogs, one per fork */
	uint32_t fork_rseq[UA_FORKS];   /* the last RSeq PRACKed in each */
	unsigned nforks;
	bool got_prov;
	bool cancel_pending;
	bool hangup_pending;

	/* UAS: the INVITE server transaction (initial or re-INVITE) */
	struct tz_tsx *st;
	struct tz_tp_dest st_dst;
	char *offer; /* the received offer (tz_malloc'ed), or NULL */
	size_t offer_len;
	struct tz_buf ok; /* our 2xx, resent until the ACK (13.3.1.4) */
	struct tz_timer ok_timer;
	uint32_t ok_iv, ok_spent;
	bool wait_ack;
	bool established_on_ack;

	/* the session */
	struct tz_sdp_local sdp;
	bool held_local;
	bool held_remote;
	struct ua_req *reinv;
	bool reinv_hold;
	bool reinv_refresh; /* a session refresh: no held/resumed event */
	bool st_retried;    /* an INVITE sent again after 422 */

	/* session timer (RFC 4028): interval, who refreshes, the timer */
	uint32_t se;
	uint32_t min_se;   /* a 422's Min-SE (RFC 4028 7.4), 0: ours */
	bool se_refresher; /* we refresh */
	struct tz_timer st_timer;
	char st_hdrs[128]; /* Session-Expires for our 2xx */
	struct tz_timer glare;
	bool glare_hold;
	bool glare_refresh;
	struct ua_req *bye;

	/* a call we place for a REFER (RFC 3515): its outcome is NOTIFYed
	 * to the referrer */
	struct ua_xfer *xfer;

	/* RFC 3262: our reliable provisional awaiting its PRACK (UAS), the
	 * last RSeq sent (UAS) or PRACKed (UAC) */
	struct tz_buf prov;
	struct tz_timer prov_timer;
	uint32_t prov_iv, prov_spent;
	bool prov_wait;
	bool prov_offered;  /* our offer went in a reliable 18x (RFC 3262
	                       5): the answer comes in the PRACK, the 2xx
	                       carries none */
	bool prov_answered; /* ... and the PRACK brought it */
	int prov_next;      /* a provisional to send after the PRACK */
	uint32_t rseq;
	uint32_t inv_cseq; /* CSeq of the INVITE (UAS) */
	bool peer_100rel;  /* the INVITE supports 100rel */

	bool dead;
	struct tz_timer free_timer;
};

/* ---- ua.c ---- */
void ua_event(struct tz_ua *ua, enum tz_ua_ev_type type,
              const struct ua_call *c, int code, bool remote, const char *text);
void ua_error(struct tz_ua *ua, const char *what);
void ua_post(struct tz_ua *ua, const struct tz_ua_event *ev);
void ua_rand_hex(char *out, size_t cap);
int ua_reply(struct tz_ua *ua, struct tz_tsx *st, int status,
             const char *to_tag, const char *hdrs, const char *ctype,
             const char *body, size_t body_len, bool dialog);
int ua_reply_sl(struct tz_ua *ua, const struct tz_msg *req,
                const struct tz_tp_dest *src, int status, const char *hdrs);

/* ---- req.c ---- */
struct ua_req *ua_req_new(struct tz_ua *ua, const char *method, ua_resp_h *h,
                          void *arg);
int ua_req_set_body(struct ua_req *r, const char *ctype, const char *body,
                    size_t len);
int ua_req_send(struct ua_req *r);
void ua_req_free(struct ua_req *r);
int ua_req_resend_ack(struct ua_req *r);
int ua_req_retry(struct ua_req *r);
/* Credentials from the cache for a new request (REGISTER: the
 * registrar's; anything else but ACK and CANCEL: the proxy's) into @p
 * out ("" when none). */
void ua_auth_cached(struct tz_ua *ua, const char *method, const char *uri,
                    char *out, size_t cap);
/* A challenge of this 401 / 407 says stale=true (RFC 7616 3.3): the
 * credentials were right, only the nonce too old. */
bool ua_auth_stale(const struct tz_msg *resp);
int ua_auth_header(struct tz_ua *ua, struct tz_msg *resp, const char *method,
                   const char *uri, char *out, size_t cap);

/* ---- call.c ---- */
void ua_call_invite(struct tz_ua *ua, struct tz_msg *m,
                    const struct tz_tp_dest *src);
void ua_call_request(struct tz_ua *ua, struct ua_call *c, struct tz_msg *m,
                     const struct tz_tp_dest *src);
void ua_call_ack(struct tz_ua *ua, struct tz_msg *m);
void ua_call_update(struct tz_ua *ua, struct ua_call *c, struct tz_msg *m,
                    const struct tz_tp_dest *src);
void ua_call_cancel(struct tz_ua *ua, struct tz_msg *m,
                    const struct tz_tp_dest *src);
struct ua_call *ua_call_find(const struct tz_ua *ua, const char *id);
struct ua_call *ua_call_match(const struct tz_ua *ua, const struct tz_msg *m);
void ua_call_free_all(struct tz_ua *ua);

int ua_call_place(struct tz_ua *ua, const char *uri, unsigned flags,
                  const char *hdrs, struct ua_call **cp);

int ua_call_refresh(struct ua_call *c);
void ua_call_expired(struct ua_call *c);

/* ---- stimer.c ---- */
int ua_st_request_hdrs(const struct tz_ua *ua, const struct ua_call *c,
                       char *out, size_t cap);
int ua_st_check(const struct tz_ua *ua, struct tz_msg *m, char *hdrs,
                size_t cap);
void ua_st_uas(struct ua_call *c, struct tz_msg *req, char *hdrs, size_t cap);
void ua_st_uac(struct ua_call *c, struct tz_msg *resp);
int ua_st_422(struct tz_ua *ua, struct ua_call *c, struct tz_msg *resp);
void ua_st_start(struct ua_call *c);

void ua_call_end(struct ua_call *c, int code, bool remote);

/* ---- prack.c ---- */
bool ua_msg_option(const struct tz_msg *m, const char *tag);
int ua_prack_ring(struct ua_call *c, int code);
/* Our SDP offer for call @p c into @p b (0 or the buffer's error). */
int ua_call_offer(struct ua_call *c, struct tz_buf *b);
void ua_prack_stop(struct ua_call *c);
void ua_prack_request(struct tz_ua *ua, struct ua_call *c, struct tz_msg *m,
                      const struct tz_tp_dest *src);
bool ua_prack_recv(struct ua_call *c, const struct tz_msg *resp);

/* ---- refer.c ---- */
void ua_refer_request(struct tz_ua *ua, struct ua_call *c, struct tz_msg *m,
                      const struct tz_tp_dest *src);
bool ua_refer_notify(struct tz_ua *ua, struct tz_msg *m,
                     const struct tz_tp_dest *src);
void ua_refer_outcome(struct ua_call *c, int code);
void ua_refer_put(struct ua_xfer *x);
void ua_refer_free_all(struct tz_ua *ua);

/* ---- misc.c ---- */
void ua_misc_request(struct tz_ua *ua, struct ua_call *c, struct tz_msg *m,
                     const struct tz_tp_dest *src);

#endif
