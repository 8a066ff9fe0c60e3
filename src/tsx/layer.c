/*
 * layer.c  The per-worker transaction layer: configuration, the hash table
 * of transactions, the received-message entry point, and what every
 * machine shares (kept request copies, sending, termination). RFC 3261 17,
 * RFC 6026.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "tz/tz_mem.h"
#include "tz/tz_siphash.h"
#include "tsx_int.h"

void tz_tsx_config_default(struct tz_tsx_config *cfg)
{
	/* RFC3261 17.1.1.1: T1 500 ms, T2 4 s, T4 5 s (Table 4) */
	cfg->t1 = 500;
	cfg->t2 = 4000;
	cfg->t4 = 5000;
	/* RFC3261 17.1.1.2: Timer D at least 32 s on unreliable transports */
	cfg->td = 32000;
	/* RFC3261 17.2.1: 100 Trying unless the TU answers within 200 ms */
	cfg->trying = 200;
	cfg->buckets = 4096;
	cfg->lazy_ends = true;
}

static bool config_ok(const struct tz_tsx_config *cfg)
{
	return cfg->t1 && cfg->t2 >= cfg->t1 && cfg->buckets &&
	       !(cfg->buckets & (cfg->buckets - 1)) &&
	       cfg->t1 <= UINT32_MAX / 64;
}

int tz_tsx_layer_alloc(struct tz_tsx_layer **lp, struct tz_wheel *wheel,
                       const struct tz_tsx_config *cfg, tz_tsx_send_h *sendh,
                       void *arg)
{
	struct tz_tsx_layer *l;
	struct tz_tsx_config def;

	if (!lp || !wheel || !sendh)
		return -EINVAL;
	if (!cfg) {
		tz_tsx_config_default(&def);
		cfg = &def;
	}
	if (!config_ok(cfg))
		return -EINVAL;
	l = tz_malloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	memset(l, 0, sizeof(*l));
	l->bucket = tz_malloc(cfg->buckets * sizeof(*l->bucket));
	if (!l->bucket) {
		tz_free(l);
		return -ENOMEM;
	}
	memset(l->bucket, 0, cfg->buckets * sizeof(*l->bucket));
	l->wheel = wheel;
	l->cfg = *cfg;
	l->sendh = sendh;
	l->arg = arg;
	*lp = l;
	return 0;
}

static void tsx_unlink(struct tz_tsx *t)
{
	if (!t->hpprev)
		return;
	*t->hpprev = t->hnext;
	if (t->hnext)
		t->hnext->hpprev = t->hpprev;
	t->hnext = NULL;
	t->hpprev = NULL;
	t->l->count--;
}

static void tsx_stop(struct tz_tsx *t)
{
	tz_timer_cancel(&t->t_retx);
	tz_timer_cancel(&t->t_life);
	tz_timer_cancel(&t->t_wait);
	if (t->l)
		tsx_unlink(t);
	t->l = NULL;
	t->state = TZ_TSX_TERMINATED;
}

void tz_tsx_layer_free(struct tz_tsx_layer *l)
{
	uint32_t i;

	if (!l)
		return;
	for (i = 0; i < l->cfg.buckets; i++) {
		while (l->bucket[i]) {
			struct tz_tsx *t = l->bucket[i];
			t->reported = true;
			tsx_stop(t);
			tz_mem_deref(t); /* the layer's reference */
		}
	}
	tz_free(l->bucket);
	tz_free(l);
}

unsigned tz_tsx_layer_count(const struct tz_tsx_layer *l)
{
	return l ? l->count : 0;
}

unsigned tz_tsx_layer_buckets(const struct tz_tsx_layer *l)
{
	return l ? l->cfg.buckets : 0;
}

static bool same_dest(const struct tz_tp_dest *a, const struct tz_tp_dest *b)
{
	if (a->tp != b->tp)
		return false;
	if (a->conn && b->conn && a->tp != TZ_TP_UDP)
		return a->conn == b->conn;
	return a->addrlen == b->addrlen &&
	       memcmp(&a->addr, &b->addr, a->addrlen) == 0;
}

unsigned tz_tsx_layer_tp_error(struct tz_tsx_layer *l,
                               const struct tz_tp_dest *dst, int err)
{
	unsigned n = 0;

	/* rare: a scan of every bucket; restarted after each termination,
	 * as the TU's handler may end other transactions */
	for (uint32_t b = 0; b < l->cfg.buckets; b++) {
		struct tz_tsx *t;

	again:
		for (t = l->bucket[b]; t; t = t->hnext) {
			if (t->state != TZ_TSX_TERMINATED &&
			    same_dest(&t->dst, dst)) {
				tsx_terminate(t, err);
				n++;
				goto again;
			}
		}
	}
	return n;
}

const struct tz_tsx_stats *tz_tsx_layer_stats(const struct tz_tsx_layer *l)
{
	return &l->st;
}

int tz_tsx_layer_set_config(struct tz_tsx_layer *l,
                            const struct tz_tsx_config *cfg)
{
	if (!config_ok(cfg))
		return -EINVAL;
	/* the bucket count is fixed at allocation */
	l->cfg.t1 = cfg->t1;
	l->cfg.t2 = cfg->t2;
	l->cfg.t4 = cfg->t4;
	l->cfg.td = cfg->td;
	l->cfg.trying = cfg->trying;
	return 0;
}

bool tsx_has_cookie(const char *base, struct tz_span branch)
{
	/* RFC3261 17.2.3: the magic cookie marks an RFC 3261 branch */
	return branch.len >= TSX_COOKIE_LEN &&
	       !memcmp(base + branch.off, TSX_COOKIE, TSX_COOKIE_LEN);
}

uint32_t tsx_hash_span(const char *base, struct tz_span s)
{
	/* the branch (or Call-ID) is the peer's choice: keyed */
	return tz_table_hash(base + s.off, s.len);
}

/* Put @p t at the front of the chain @p head. */
static void push(struct tz_tsx **head, struct tz_tsx *t)
{
	t->hnext = *head;
	if (*head)
		(*head)->hpprev = &t->hnext;
	*head = t;
	t->hpprev = head;
}

/* Chains are kept at two transactions a bucket or fewer on average. */
#define TSX_LOAD        2
#define TSX_BUCKETS_MAX (1u << 24)

/*
 * Double the buckets when the table holds TSX_LOAD transactions a bucket
 * (RFC3261 17.2.2: a non-INVITE server transaction stays 64*T1 = 32 s
 * after its final response over UDP, so at 16,000 OPTIONS/s a worker
 * holds half a million: with the table fixed at 4,096 buckets each match
 * walked a chain of ~125). One pass relinks every transaction; without
 * memory for the new array the chains just grow longer.
 */
static void tsx_grow(struct tz_tsx_layer *l)
{
	uint32_t n = l->cfg.buckets * 2, b;
	struct tz_tsx **nb;

	if (n > TSX_BUCKETS_MAX)
		return;
	nb = tz_malloc(n * sizeof(*nb));
	if (!nb)
		return;
	memset(nb, 0, n * sizeof(*nb));
	for (b = 0; b < l->cfg.buckets; b++) {
		struct tz_tsx *t = l->bucket[b], *next;

		for (; t; t = next) {
			next = t->hnext;
			push(&nb[t->hash & (n - 1)], t);
		}
	}
	tz_free(l->bucket);
	l->bucket = nb;
	l->cfg.buckets = n;
}

void tsx_link(struct tz_tsx_layer *l, struct tz_tsx *t)
{
	if (l->count >= l->cfg.buckets * TSX_LOAD)
		tsx_grow(l);
	push(&l->bucket[t->hash & (l->cfg.buckets - 1)], t);
	l->count++;
}

int tsx_send(struct tz_tsx *t, const char *buf, size_t len)
{
	t->l->st.sent++;
	return t->l->sendh(buf, len, &t->dst, t->l->arg);
}

void tsx_terminate(struct tz_tsx *t, int err)
{
	if (t->state == TZ_TSX_TERMINATED)
		return;
	tsx_stop(t);
	/* RFC3261 17.1.4, 17.2.4: the TU hears of a failure, once */
	if (err && !t->reported) {
		t->reported = true;
		if (t->rh)
			t->rh(err, NULL, t->arg);
		else if (t->eh)
			t->eh(err, t->arg);
	}
	tz_mem_deref(t); /* the layer's reference */
}

static void tsx_destroy(void *data)
{
	struct tz_tsx *t = data;

	tsx_stop(t);
	tz_free(t->req);
	tz_free(t->keys);
	tz_free(t->reqhdr);
	tz_free(t->out);
}

struct tz_tsx *tsx_new(struct tz_tsx_layer *l, const struct tz_msg *req,
                       const struct tz_tp_dest *dst, enum tsx_kind kind)
{
	size_t hb = req->nhdr * sizeof(struct tz_hdr);
	struct tz_tsx *t;
	struct tz_msg *k;
	char *mem;

	t = tz_mem_zalloc(sizeof(*t), tsx_destroy);
	if (!t)
		return NULL;
	/* one block: the message, its header array, then the bytes
	 * (DESIGN.md: a kept message is one memcpy, its spans stay valid) */
	mem = tz_malloc(sizeof(*k) + hb + req->len);
	if (!mem) {
		tz_mem_deref(t);
		return NULL;
	}
	k = (struct tz_msg *)(void *)mem;
	*k = *req;
	k->hdr = (struct tz_hdr *)(void *)(mem + sizeof(*k));
	memcpy(k->hdr, req->hdr, hb);
	k->hdr_cap = req->nhdr;
	k->buf = mem + sizeof(*k) + hb;
	memcpy(mem + sizeof(*k) + hb, req->buf, req->len);
	k->arena = NULL;
	k->ncache = 0;
	t->req = k;
	t->l = l;
	t->kind = kind;
	t->dst = *dst;
	t->cookie = (req->via1.has & TZ_VIA_BRANCH) &&
	            tsx_has_cookie(req->buf, req->via1.branch);
	if (kind == TSX_ICT || kind == TSX_NICT || t->cookie)
		t->hash = tsx_hash_span(req->buf, req->via1.branch);
	else
		t->hash = tsx_hash_span(req->buf, req->call_id);
	tz_timer_init(&t->t_retx);
	tz_timer_init(&t->t_life);
	tz_timer_init(&t->t_wait);
	return t;
}

int tsx_keep(char **outp, size_t *lenp, const char *buf, size_t len)
{
	char *p = tz_malloc(len);

	if (!p)
		return -ENOMEM;
	memcpy(p, buf, len);
	tz_free(*outp);
	*outp = p;
	*lenp = len;
	return 0;
}

int tz_tsx_layer_recv(struct tz_tsx_layer *l, const struct tz_msg *m,
                      const struct tz_tp_dest *src)
{
	struct tz_tsx *t;

	(void)src;
	if (!m->request) {
		/* RFC3261 18.1.2: a response that matches no client
		 * transaction goes to the core (a proxy forwards it) */
		t = tsx_match_response(l, m);
		if (!t)
			return 0;
		tsx_client_recv(t, m);
		return 1;
	}
	t = tsx_match_request(l, m, false);
	if (!t)
		return 0;
	if (tsx_server_recv(t, m) == 0)
		return 0;
	l->st.absorbed++;
	return 1;
}

struct tz_tsx *tz_tsx_find_cancel(struct tz_tsx_layer *l,
                                  const struct tz_msg *cancel)
{
	if (!l || !cancel || !cancel->request)
		return NULL;
	return tsx_match_request(l, cancel, true);
}

void tz_tsx_detach(struct tz_tsx *t)
{
	if (!t)
		return;
	t->rh = NULL;
	t->eh = NULL;
	t->arg = NULL;
}

enum tz_tsx_state tz_tsx_state(const struct tz_tsx *t)
{
	return (enum tz_tsx_state)t->state;
}

void *tz_tsx_arg(const struct tz_tsx *t)
{
	return t->arg;
}

const struct tz_msg *tsx_req(struct tz_tsx *t)
{
	struct tz_hdr h[TZ_MSG_HDRS_DEFAULT], *copy;
	struct tz_msg m;
	size_t hb;

	if (!t->req_light)
		return t->req; /* NULL once forgotten */
	tz_msg_init(&m, h, TZ_MSG_HDRS_DEFAULT);
	if (tz_msg_parse(&m, t->req->buf, t->req->len, NULL) != 0)
		return t->req;
	hb = m.nhdr * sizeof(struct tz_hdr);
	copy = tz_malloc(hb ? hb : 1);
	if (!copy)
		return t->req; /* out of memory: the next call tries again */
	memcpy(copy, h, hb);
	m.hdr = copy;
	m.hdr_cap = m.nhdr;
	m.arena = NULL;
	m.ncache = 0;
	t->reqhdr = copy;
	*t->req = m; /* m.buf is the block's own bytes */
	t->req_light = false;
	return t->req;
}

const struct tz_msg *tz_tsx_request(const struct tz_tsx *t)
{
	/* a client transaction's request is parsed at the first ask */
	return tsx_req((struct tz_tsx *)(uintptr_t)t);
}

const char *tz_tsx_state_name(enum tz_tsx_state s)
{
	static const char *const names[] = {
	        "Calling",   "Trying",    "Proceeding", "Accepted",
	        "Completed", "Confirmed", "Terminated",
	};

	if ((unsigned)s >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[s];
}
