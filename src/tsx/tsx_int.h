/*
 * tsx_int.h  What the files of the transaction layer share: the layer and
 * transaction structures, the hash table and the common helpers.
 */
#ifndef TZ_TSX_INT_H
#define TZ_TSX_INT_H

#include "tz/tz_tsx.h"

/** Which of the four machines a transaction runs. */
enum tsx_kind {
	TSX_ICT,  /* INVITE client, RFC 3261 17.1.1 */
	TSX_NICT, /* non-INVITE client, 17.1.2 */
	TSX_IST,  /* INVITE server, 17.2.1 */
	TSX_NIST, /* non-INVITE server, 17.2.2 */
};

struct tz_tsx_layer {
	struct tz_wheel *wheel; /* borrowed */
	struct tz_tsx_config cfg;
	tz_tsx_send_h *sendh;
	void *arg;
	struct tz_tsx **bucket; /* cfg.buckets heads */
	unsigned count;         /* transactions linked */
	struct tz_tsx_stats st;
};

/* The parts of a request that match its retransmissions to a server
 * transaction with an RFC 3261 branch (17.2.3): top Via branch and
 * sent-by, and the method; spans into @c buf (the bytes follow). */
struct tsx_keys {
	const char *buf;
	struct tz_span branch, host, transport, method;
	int32_t port;
};

struct tz_tsx {
	struct tz_tsx *hnext,
	        **hpprev;       /* bucket chain; hpprev NULL: unlinked */
	struct tz_tsx_layer *l; /* NULL once terminated or detached */
	uint32_t hash;
	uint8_t kind;   /* enum tsx_kind */
	uint8_t state;  /* enum tz_tsx_state */
	bool cookie;    /* branch starts with the RFC 3261 magic cookie */
	bool responded; /* server: the TU sent some response */
	bool reported;  /* the failure handler ran (or may no longer) */
	struct tz_tp_dest dst;

	/* kept copy of the request, one block: the struct, its header
	 * array, its bytes; NULL once the TU forgot it */
	struct tz_msg *req;
	/* what matching a retransmission needs, kept instead of @c req by
	 * tz_tsx_forget_request (RFC 3261 17.2.3) */
	struct tsx_keys *keys;
	/* client: only the method and the top Via of @c req are parsed
	 * yet (tsx_req() parses the rest when asked, into reqhdr) */
	bool req_light;
	struct tz_hdr *reqhdr;

	/* server: the last response sent; ICT: the ACK of a non-2xx */
	char *out;
	size_t outlen;
	struct tz_span out_totag; /* server: To tag of @c out (RFC 2543 ACK) */
	bool out_has_totag;

	struct tz_timer t_retx; /* A, E, G */
	struct tz_timer t_life; /* B, F, H, L, M */
	struct tz_timer t_wait; /* D, I, J, K; the automatic 100 */
	uint32_t interval;      /* current retransmission interval */

	tz_tsx_resp_h *rh;
	tz_tsx_err_h *eh;
	void *arg;
};

/* RFC3261 8.1.1.7: the magic cookie of RFC 3261 branches */
#define TSX_COOKIE     "z9hG4bK"
#define TSX_COOKIE_LEN 7

/* Start one of the timers that only end a transaction (D, I, J, K, L,
 * M): with cfg.lazy_ends they may fire a little late, together with
 * the others due close by (tz_timer_start_lazy): RFC 3261 17 sets how
 * long retransmissions are absorbed at least, not at most. */
static inline void tsx_start_end(struct tz_tsx *t, struct tz_timer *tm,
                                 uint64_t ms, tz_timer_h *h)
{
	if (t->l->cfg.lazy_ends)
		tz_timer_start_lazy(t->l->wheel, tm, ms, h, t);
	else
		tz_timer_start(t->l->wheel, tm, ms, h, t);
}

/* match.c: the matching keys of request @p r (spans into r->buf) */
void tsx_keys_of(const struct tz_msg *r, struct tsx_keys *k);

/* layer.c */
bool tsx_has_cookie(const char *base, struct tz_span branch);
uint32_t tsx_hash_span(const char *base, struct tz_span s);
void tsx_link(struct tz_tsx_layer *l, struct tz_tsx *t);
int tsx_send(struct tz_tsx *t, const char *buf, size_t len);
void tsx_terminate(struct tz_tsx *t, int err);
struct tz_tsx *tsx_new(struct tz_tsx_layer *l, const struct tz_msg *req,
                       const struct tz_tp_dest *dst, enum tsx_kind kind);
int tsx_keep(char **outp, size_t *lenp, const char *buf, size_t len);
/* The request of @p t, parsed in full: a client transaction's is parsed
 * at the first call. Should that parse fail (we built the request), what
 * was parsed at once: the method and the top Via, no header fields. */
const struct tz_msg *tsx_req(struct tz_tsx *t);

/* client.c */
void tsx_client_recv(struct tz_tsx *t, const struct tz_msg *resp);

/* server.c */
int tsx_server_recv(struct tz_tsx *t, const struct tz_msg *req);

/* match.c */
struct tz_tsx *tsx_match_response(struct tz_tsx_layer *l,
                                  const struct tz_msg *m);
struct tz_tsx *tsx_match_request(struct tz_tsx_layer *l, const struct tz_msg *m,
                                 bool cancel);

#endif
