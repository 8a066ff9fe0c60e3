/*
 * resolve_rfc3263.c  The procedure of RFC 3263 (tz_resolve.h): 4.1
 * transport selection, 4.2 address and port, 4.3 the failover order, with
 * the SRV ordering of RFC 2782.
 *
 * A query runs in stages: NAPTR, then SRV, then A/AAAA of each SRV target.
 * Each stage issues its lookups together and the next stage starts when
 * the last answer is in (q->pending back to 0). Override answers are
 * synchronous, c-ares ones come from ares_process_fd(); either way the
 * query starts from a zero-delay timer and its result is handed over from
 * another, so the caller's handler never runs inside tz_resolve() nor
 * inside c-ares (where freeing the channel would be fatal).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tz/tz_loop.h"
#include "tz/tz_mem.h"
#include "resolve_int.h"
#include "tz/tz_rand.h"

static void advance(struct tz_resolve_q *q);

/*
 * Transports and ports.
 */

static bool tp_ok(const struct tz_resolver *r, int tp)
{
	/* only what this resolver knows how to look up, and the caller has */
	return (tp == TZ_TP_UDP || tp == TZ_TP_TCP || tp == TZ_TP_TLS) &&
	       (r->supported & (1u << tp));
}

/* RFC3263 4.1: no transport parameter, no NAPTR or SRV to say: UDP for a
 * SIP URI, TCP (i.e. TLS) for a SIPS URI. A caller without UDP takes the
 * next it has rather than nothing. */
static int default_tp(const struct tz_resolve_q *q)
{
	static const int8_t order[] = {TZ_TP_UDP, TZ_TP_TCP, TZ_TP_TLS};

	if (q->sips)
		return tp_ok(q->r, TZ_TP_TLS) ? TZ_TP_TLS : -1;
	for (unsigned i = 0; i < sizeof(order); i++)
		if (tp_ok(q->r, order[i]))
			return order[i];
	return -1;
}

/* RFC3263 4.1: the transport parameter, if any, SHOULD be used. */
static int param_tp(const struct tz_resolve_q *q)
{
	int tp = q->tp;

	/* SIPS means TLS over TCP; it cannot run over UDP (RFC 3261 26.2.2) */
	if (q->sips)
		tp = tp == TZ_TP_TCP || tp == TZ_TP_TLS ? TZ_TP_TLS : -1;
	return tp_ok(q->r, tp) ? tp : -1;
}

/* RFC3263 4.2: the default port of a transport: 5061 for TLS, else 5060. */
static uint16_t default_port(int tp)
{
	return tp == TZ_TP_TLS ? 5061 : 5060;
}

/* RFC3263 4.2: _sip._udp, _sip._tcp; _sips._tcp for TLS, SIP URI or not. */
static const char *srv_prefix(int tp)
{
	return tp == TZ_TP_UDP   ? "_sip._udp"
	       : tp == TZ_TP_TCP ? "_sip._tcp"
	                         : "_sips._tcp";
}

void res_dest_make(struct tz_tp_dest *d, int af, const uint8_t *ip,
                   uint16_t port, int tp)
{
	memset(d, 0, sizeof(*d));
	if (af == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&d->addr;
		s->sin_family = AF_INET;
		memcpy(&s->sin_addr, ip, 4);
		d->addrlen = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&d->addr;
		s->sin6_family = AF_INET6;
		memcpy(&s->sin6_addr, ip, 16);
		d->addrlen = sizeof(*s);
	}
	tz_sa_set_port(&d->addr, port);
	d->tp = (enum tz_tp_proto)tp;
	d->reliable = tp != TZ_TP_UDP;
	d->conn = 0;
}

static bool dest_same(const struct tz_tp_dest *a, const struct tz_tp_dest *b)
{
	return a->tp == b->tp && a->addrlen == b->addrlen &&
	       !memcmp(&a->addr, &b->addr, a->addrlen);
}

/* RFC3263 4.3: keep the destinations in the order to try them; a
 * duplicate keeps its earlier place. */
static void dest_add(struct tz_resolve_q *q, uint32_t key,
                     const struct tz_tp_dest *d)
{
	unsigned i, pos;

	for (i = 0; i < q->ndest; i++) {
		if (!dest_same(&q->dest[i], d))
			continue;
		if (q->key[i] <= key)
			return;
		memmove(&q->dest[i], &q->dest[i + 1],
		        (q->ndest - i - 1) * sizeof(q->dest[0]));
		memmove(&q->key[i], &q->key[i + 1],
		        (q->ndest - i - 1) * sizeof(q->key[0]));
		q->ndest--;
		break;
	}
	for (pos = 0; pos < q->ndest && q->key[pos] <= key; pos++)
		;
	if (pos == TZ_RESOLVE_MAX)
		return;
	if (q->ndest == TZ_RESOLVE_MAX)
		q->ndest--; /* the last one falls off */
	memmove(&q->dest[pos + 1], &q->dest[pos],
	        (q->ndest - pos) * sizeof(q->dest[0]));
	memmove(&q->key[pos + 1], &q->key[pos],
	        (q->ndest - pos) * sizeof(q->key[0]));
	q->dest[pos] = *d;
	q->key[pos] = key;
	q->ndest++;
}

/* Errors ranked by how much they tell the caller (tz_resolve_h). */
static int err_rank(int err)
{
	switch (err) {
	case -ENOMEM:
		return 5;
	case -ETIMEDOUT:
		return 4;
	case -ECONNREFUSED:
	case -EIO:
		return 3;
	case -EPROTONOSUPPORT:
		return 2;
	case -ENOENT:
		return 1;
	default:
		return 0;
	}
}

static void note_err(struct tz_resolve_q *q, int err)
{
	if (err_rank(err) > err_rank(q->err))
		q->err = err;
}

/*
 * Answers: the same code for override records and DNS records.
 */

/* RFC3263 4.1: the NAPTR services SIP uses, D2X over the transport X. */
static int naptr_tp(const char *service, bool *sips)
{
	static const struct {
		const char *s;
		int8_t tp;
		bool sips;
	} map[] = {
	        {"SIP+D2U", TZ_TP_UDP, false},  {"SIP+D2T", TZ_TP_TCP, false},
	        {"SIPS+D2T", TZ_TP_TLS, true},  {"SIP+D2S", TZ_TP_SCTP, false},
	        {"SIPS+D2S", TZ_TP_SCTP, true}, {"SIP+D2W", TZ_TP_WS, false},
	        {"SIPS+D2W", TZ_TP_WSS, true},
	};

	for (unsigned i = 0; service && i < sizeof(map) / sizeof(map[0]); i++) {
		if (!strcasecmp(service, map[i].s)) {
			*sips = map[i].sips;
			return map[i].tp;
		}
	}
	return -1;
}

static void got_naptr(struct tz_resolve_q *q, const struct res_rr *rr, size_t n)
{
	const struct res_rr *use[RES_ANS_MAX];
	bool unsupported = false;
	size_t i, j, m = 0;

	for (i = 0; i < n && m < RES_ANS_MAX; i++) {
		const struct res_rr *v = &rr[i];
		bool sips = false;
		int tp = naptr_tp(v->service, &sips);

		/* RFC3263 4.1: only terminal "s" records leading to SRV;
		 * a service other than SIP D2X is discarded */
		if (!v->flags || strcasecmp(v->flags, "s") || tp < 0)
			continue;
		/* RFC3263 4.1: a SIPS URI discards services that are not
		 * SIPS; a SIP URI keeps SIPS ones if TLS is supported;
		 * unsupported transports are discarded (RFC 2915) */
		if ((q->sips && !sips) || !tp_ok(q->r, tp)) {
			unsupported = true;
			continue;
		}
		if (!v->target || !v->target[0] ||
		    strlen(v->target) > RES_NAME_MAX)
			continue;
		/* RFC3263 4.1: ordered by order, then preference (stable) */
		for (j = m; j > 0 && (use[j - 1]->n[0] > v->n[0] ||
		                      (use[j - 1]->n[0] == v->n[0] &&
		                       use[j - 1]->n[1] > v->n[1]));
		     j--)
			use[j] = use[j - 1];
		use[j] = v;
		m++;
	}
	if (!m && unsupported)
		note_err(q, -EPROTONOSUPPORT);
	for (i = 0; i < m && q->nsq < RES_SQ_MAX; i++) {
		bool sips;
		struct res_srvq *s = &q->sq[q->nsq++];
		strcpy(s->name, use[i]->target);
		s->tp = (int8_t)naptr_tp(use[i]->service, &sips);
	}
}

/*
 * RFC2782 usage rules: ascending priority; within one priority, a
 * weighted random order. The RFC draws from [0, sum], which favours the
 * first record (weights 1 and 3 would lead 40/60, not 25/75); drawing
 * from [1, sum] makes each pick proportional to weight, so weight-0
 * records go last, among themselves in random order.
 */
static void srv_order(struct res_rr *v, size_t n)
{
	size_t i, j, a, b;

	for (i = 1; i < n; i++) {
		struct res_rr t = v[i];
		for (j = i; j > 0 && v[j - 1].n[0] > t.n[0]; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	for (a = 0; a < n; a = b) {
		for (b = a + 1; b < n && v[b].n[0] == v[a].n[0]; b++)
			;
		for (i = a; i + 1 < b; i++) {
			uint32_t sum = 0, run = 0, pick;
			struct res_rr t;
			for (j = i; j < b; j++)
				sum += v[j].n[1];
			if (!sum) {
				j = i + (uint32_t)tz_rand64() % (b - i);
			} else {
				pick = 1 + (uint32_t)tz_rand64() % sum;
				for (j = i; j < b; j++) {
					run += v[j].n[1];
					if (run >= pick)
						break;
				}
			}
			t = v[i];
			v[i] = v[j];
			v[j] = t;
		}
	}
}

static void got_srv(struct tz_resolve_q *q, unsigned group,
                    const struct res_rr *rr, size_t n)
{
	struct res_rr v[RES_ANS_MAX];
	size_t i, m = 0;
	unsigned pos;

	for (i = 0; i < n && m < RES_ANS_MAX; i++) {
		/* RFC2782: a target of "." means no such service here */
		if (!rr[i].target || !rr[i].target[0] ||
		    strlen(rr[i].target) > RES_NAME_MAX)
			continue;
		v[m++] = rr[i];
	}
	srv_order(v, m);
	/* the groups (NAPTR order, or transport) stay in query order */
	for (pos = 0; pos < q->nsrv && q->srv[pos].group <= group; pos++)
		;
	for (i = 0; i < m && pos < RES_SRV_MAX; i++, pos++) {
		struct res_target *t;
		if (q->nsrv == RES_SRV_MAX)
			q->nsrv--;
		memmove(&q->srv[pos + 1], &q->srv[pos],
		        (q->nsrv - pos) * sizeof(q->srv[0]));
		q->nsrv++;
		t = &q->srv[pos];
		strcpy(t->target, v[i].target);
		t->port = v[i].n[2];
		t->tp = q->sq[group].tp;
		t->group = (uint8_t)group;
	}
}

static uint16_t first_family(const struct tz_resolver *r)
{
	if (r->family == AF_INET)
		return RES_T_A;
	if (r->family == AF_INET6)
		return RES_T_AAAA;
	return r->ipv4_first ? RES_T_A : RES_T_AAAA;
}

static void got_addr(struct tz_resolve_q *q, const struct res_lookup *lk,
                     const struct res_rr *rr, size_t n)
{
	const struct res_target *t = &q->srv[lk->idx];
	uint32_t fam = lk->type == first_family(q->r) ? 0 : 1;
	struct tz_tp_dest d;

	/* RFC3263 4.3: a target's addresses in the order given, its two
	 * families together, the targets in SRV order */
	for (size_t i = 0; i < n && i < 256; i++) {
		res_dest_make(&d, lk->type == RES_T_A ? AF_INET : AF_INET6,
		              rr[i].ip, t->port, t->tp);
		dest_add(q, (uint32_t)lk->idx << 16 | fam << 8 | (uint32_t)i,
		         &d);
	}
}

void res_answer(struct res_lookup *lk, int err, const struct res_rr *rr,
                size_t n)
{
	struct tz_resolve_q *q = lk->q;

	if (q->cancelled)
		return;
	if (err)
		note_err(q, err);
	switch (lk->type) {
	case RES_T_NAPTR:
		got_naptr(q, rr, n);
		break;
	case RES_T_SRV:
		got_srv(q, lk->idx, rr, n);
		break;
	default:
		got_addr(q, lk, rr, n);
		break;
	}
}

/* One lookup of the stage answered. */
void res_lookup_done(struct tz_resolve_q *q)
{
	if (--q->pending || q->issuing)
		return;
	if (q->cancelled) {
		res_unlink(q);
		tz_free(q);
		return;
	}
	advance(q);
}

/*
 * The stages.
 */

static void finish(struct tz_resolve_q *q, int err);

static void stage_begin(struct tz_resolve_q *q, enum res_stage st)
{
	q->st = (uint8_t)st;
	q->nlk = 0;
	q->issuing = true;
}

/* All lookups of the stage issued: go on if they are all answered. */
static void stage_end(struct tz_resolve_q *q)
{
	q->issuing = false;
	res_rearm(q->r);
	if (!q->pending)
		advance(q);
}

static void naptr_begin(struct tz_resolve_q *q)
{
	/* RFC3263 4.1: no transport, no port, a name: NAPTR first */
	stage_begin(q, RES_ST_NAPTR);
	res_lookup_start(q, RES_T_NAPTR, 0, q->host);
	stage_end(q);
}

static void srv_begin(struct tz_resolve_q *q)
{
	stage_begin(q, RES_ST_SRV);
	for (unsigned i = 0; i < q->nsq; i++)
		res_lookup_start(q, RES_T_SRV, i, q->sq[i].name);
	stage_end(q);
}

static void addr_begin(struct tz_resolve_q *q)
{
	uint16_t fam[2] = {first_family(q->r), 0};
	unsigned nf = 1;

	if (q->r->family != AF_INET && q->r->family != AF_INET6) {
		fam[1] = fam[0] == RES_T_A ? RES_T_AAAA : RES_T_A;
		nf = 2;
	}
	stage_begin(q, RES_ST_ADDR);
	for (unsigned i = 0; i < q->nsrv; i++)
		for (unsigned f = 0; f < nf; f++)
			res_lookup_start(q, fam[f], i, q->srv[i].target);
	stage_end(q);
}

/* One target to look up as A/AAAA: the host itself. */
static void addr_host(struct tz_resolve_q *q, uint16_t port, int tp)
{
	strcpy(q->srv[0].target, q->host);
	q->srv[0].port = port;
	q->srv[0].tp = (int8_t)tp;
	q->srv[0].group = 0;
	q->nsrv = 1;
	addr_begin(q);
}

static void srv_add(struct tz_resolve_q *q, int tp)
{
	struct res_srvq *s = &q->sq[q->nsq++];

	snprintf(s->name, sizeof(s->name), "%s.%s", srv_prefix(tp), q->host);
	s->tp = (int8_t)tp;
}

static void naptr_done(struct tz_resolve_q *q)
{
	static const int8_t order[] = {TZ_TP_UDP, TZ_TP_TCP, TZ_TP_TLS};

	if (q->nsq) {
		/* RFC3263 4.2: SRV of the NAPTR replacements; 4.1: failing
		 * those, A/AAAA over the first NAPTR's transport */
		q->fb_tp = q->sq[0].tp;
		srv_begin(q);
		return;
	}
	/* RFC3263 4.1: no NAPTR: SRV for each supported transport, "_sips"
	 * for a SIPS URI; tried in the order UDP, TCP, TLS */
	for (unsigned i = 0; i < sizeof(order); i++)
		if (tp_ok(q->r, order[i]) &&
		    (!q->sips || order[i] == TZ_TP_TLS))
			srv_add(q, order[i]);
	q->fb_tp = (int8_t)default_tp(q);
	if (!q->nsq) {
		finish(q, -EPROTONOSUPPORT);
		return;
	}
	srv_begin(q);
}

static void srv_done(struct tz_resolve_q *q)
{
	if (q->nsrv) {
		/* RFC3263 4.2: the SRV targets, RFC 2782 order */
		addr_begin(q);
		return;
	}
	/* RFC3263 4.2: no SRV: A/AAAA of the name at the default port */
	if (q->fb_tp < 0) {
		finish(q, -EPROTONOSUPPORT);
		return;
	}
	addr_host(q, default_port(q->fb_tp), q->fb_tp);
}

static void advance(struct tz_resolve_q *q)
{
	switch (q->st) {
	case RES_ST_NAPTR:
		naptr_done(q);
		break;
	case RES_ST_SRV:
		srv_done(q);
		break;
	case RES_ST_ADDR:
		finish(q, q->ndest ? 0 : q->err ? q->err : -ENOENT);
		break;
	}
}

static void deliver(void *arg)
{
	struct tz_resolve_q *q = arg;

	q->st = RES_ST_DELIVER;
	/* unlinked first: the handler may free the resolver */
	res_unlink(q);
	q->h(q->err, q->err ? NULL : q->dest, q->err ? 0 : q->ndest, q->arg);
	tz_free(q);
}

static void finish(struct tz_resolve_q *q, int err)
{
	q->st = RES_ST_DONE;
	q->err = err;
	tz_timer_start(tz_loop_wheel(q->r->loop), &q->tmr, 0, deliver, q);
}

void res_start(void *arg)
{
	struct tz_resolve_q *q = arg;
	int tp;

	if (q->numeric) {
		/* RFC3263 4.1: a numeric address: the transport parameter,
		 * else UDP (TLS for SIPS); 4.2: that address, the port or the
		 * transport's default port */
		tp = q->tp >= 0 ? param_tp(q) : default_tp(q);
		if (tp < 0) {
			finish(q, -EPROTONOSUPPORT);
			return;
		}
		q->dest[0].tp = (enum tz_tp_proto)tp;
		q->dest[0].reliable = tp != TZ_TP_UDP;
		tz_sa_set_port(&q->dest[0].addr,
		               q->port ? q->port : default_port(tp));
		q->ndest = 1;
		finish(q, 0);
		return;
	}
	if (q->tp >= 0) {
		tp = param_tp(q);
		if (tp < 0) {
			finish(q, -EPROTONOSUPPORT);
			return;
		}
		/* RFC3263 4.2: a port: A/AAAA only */
		if (q->port) {
			addr_host(q, q->port, tp);
			return;
		}
		/* RFC3263 4.2: a transport, no port: SRV for that transport,
		 * then A/AAAA at its default port */
		srv_add(q, tp);
		q->fb_tp = (int8_t)tp;
		srv_begin(q);
		return;
	}
	if (q->port) {
		/* RFC3263 4.1: a name with a port: UDP (TLS for SIPS); 4.2:
		 * A/AAAA only */
		tp = default_tp(q);
		if (tp < 0) {
			finish(q, -EPROTONOSUPPORT);
			return;
		}
		addr_host(q, q->port, tp);
		return;
	}
	naptr_begin(q);
}
