/*
 * resolve.c  Locating SIP servers (tz_resolve.h): the resolver, its c-ares
 * channel driven by the worker's loop (sockets watched with tz_loop_fd(),
 * c-ares timeouts on the wheel), lookups answered by the override file
 * (resolve_hosts.c) or by DNS, and the API. The RFC 3263 procedure itself
 * is in resolve_rfc3263.c.
 */
#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tz/tz_loop.h"
#include "tz/tz_mem.h"
#include "resolve_int.h"

/*
 * The resolver and c-ares on the loop.
 */

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static int lib_status;

static void lib_init(void)
{
	lib_status = ares_library_init(ARES_LIB_INIT_ALL);
}

static void on_timeout(void *arg);

void res_rearm(struct tz_resolver *r)
{
	struct timeval tv, *tvp = ares_timeout(r->ch, NULL, &tv);
	uint64_t ms;

	if (!tvp) {
		tz_timer_cancel(&r->tmr);
		return;
	}
	ms = (uint64_t)tvp->tv_sec * 1000 +
	     ((uint64_t)tvp->tv_usec + 999) / 1000;
	tz_timer_start(tz_loop_wheel(r->loop), &r->tmr, ms, on_timeout, r);
}

static void on_timeout(void *arg)
{
	struct tz_resolver *r = arg;

	ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	res_rearm(r);
}

static void on_fd(int fd, unsigned ev, void *arg)
{
	struct tz_resolver *r = arg;

	/* an error is reported as readable: c-ares learns it by reading */
	ares_process_fd(r->ch,
	                ev & (TZ_LOOP_READ | TZ_LOOP_ERROR) ? fd
	                                                    : ARES_SOCKET_BAD,
	                ev & TZ_LOOP_WRITE ? fd : ARES_SOCKET_BAD);
	res_rearm(r);
}

/* c-ares opens, changes and (with 0, 0) closes its sockets through here. */
static void sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct tz_resolver *r = data;
	unsigned ev = (readable ? TZ_LOOP_READ : 0u) |
	              (writable ? TZ_LOOP_WRITE : 0u);

	/* an fd the loop cannot watch (over its maxfd) leaves the lookups
	 * on it to time out through the wheel timer */
	(void)tz_loop_fd(r->loop, fd, ev, on_fd, r);
}

static void say(char *err, size_t errlen, const char *what, const char *why)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", what, why);
}

int tz_resolver_alloc(struct tz_resolver **rp, struct tz_loop *loop,
                      const struct tz_resolve_opts *o, char *err, size_t errlen)
{
	static const struct tz_resolve_opts defaults = {0};
	struct ares_options ao = {0};
	struct tz_resolver *r;
	int mask = ARES_OPT_SOCK_STATE_CB, st, ret;

	if (!o)
		o = &defaults;
	if (err && errlen)
		err[0] = '\0';
	pthread_once(&lib_once, lib_init);
	if (lib_status != ARES_SUCCESS) {
		say(err, errlen, "c-ares", ares_strerror(lib_status));
		return lib_status == ARES_ENOMEM ? -ENOMEM : -EIO;
	}
	r = tz_malloc(sizeof(*r));
	if (!r) {
		say(err, errlen, "resolver", "out of memory");
		return -ENOMEM;
	}
	*r = (struct tz_resolver){.loop = loop,
	                          .supported = o->supported,
	                          .family = o->family,
	                          .ipv4_first = o->ipv4_first};
	if (!r->supported)
		r->supported = 1u << TZ_TP_UDP | 1u << TZ_TP_TCP;
	tz_timer_init(&r->tmr);
	if (o->hosts_file) {
		ret = res_hosts_load(&r->hosts, o->hosts_file, err, errlen);
		if (ret)
			goto out_free;
	}
	ao.sock_state_cb = sock_state;
	ao.sock_state_cb_data = r;
	if (o->timeout_ms) {
		mask |= ARES_OPT_TIMEOUTMS;
		ao.timeout = o->timeout_ms > INT32_MAX ? INT32_MAX
		                                       : (int)o->timeout_ms;
	}
	if (o->tries) {
		mask |= ARES_OPT_TRIES;
		ao.tries = o->tries > 100 ? 100 : (int)o->tries;
	}
	st = ares_init_options(&r->ch, &ao, mask);
	if (st != ARES_SUCCESS) {
		say(err, errlen, "c-ares", ares_strerror(st));
		ret = st == ARES_ENOMEM ? -ENOMEM : -EIO;
		goto out_hosts;
	}
	if (o->servers) {
		st = ares_set_servers_ports_csv(r->ch, o->servers);
		if (st != ARES_SUCCESS) {
			say(err, errlen, o->servers, ares_strerror(st));
			ret = st == ARES_ENOMEM ? -ENOMEM : -EINVAL;
			goto out_channel;
		}
	}
	*rp = r;
	return 0;

out_channel:
	ares_destroy(r->ch);
out_hosts:
	res_hosts_free(r->hosts);
out_free:
	tz_free(r);
	return ret;
}

void res_unlink(struct tz_resolve_q *q)
{
	if (!q->pprev)
		return;
	*q->pprev = q->next;
	if (q->next)
		q->next->pprev = q->pprev;
	q->pprev = NULL;
	q->next = NULL;
}

void tz_resolver_free(struct tz_resolver *r)
{
	struct tz_resolve_q *q;

	if (!r)
		return;
	tz_timer_cancel(&r->tmr);
	/* answers every lookup with ARES_EDESTRUCTION (ignored) and takes
	 * its sockets out of the loop through sock_state() */
	ares_destroy(r->ch);
	while ((q = r->qs)) {
		res_unlink(q);
		tz_timer_cancel(&q->tmr);
		tz_free(q);
	}
	res_hosts_free(r->hosts);
	tz_free(r);
}

static int ares_err(int status)
{
	switch (status) {
	case ARES_ENODATA:
	case ARES_ENOTFOUND:
	case ARES_EBADNAME:
		return -ENOENT;
	case ARES_ETIMEOUT:
		return -ETIMEDOUT;
	case ARES_ENOMEM:
		return -ENOMEM;
	case ARES_ECONNREFUSED:
		return -ECONNREFUSED;
	default:
		return -EIO;
	}
}

/* Decode a DNS answer into records and hand them to res_answer(). */
static void ares_answer(struct res_lookup *lk, const unsigned char *abuf,
                        int alen)
{
	struct res_rr rr[RES_ANS_MAX];
	size_t n = 0;
	int st;

	memset(rr, 0, sizeof(rr));
	if (lk->type == RES_T_NAPTR) {
		struct ares_naptr_reply *v = NULL, *p;
		st = ares_parse_naptr_reply(abuf, alen, &v);
		for (p = v; st == ARES_SUCCESS && p && n < RES_ANS_MAX;
		     p = p->next) {
			rr[n].n[0] = p->order;
			rr[n].n[1] = p->preference;
			rr[n].flags = (const char *)p->flags;
			rr[n].service = (const char *)p->service;
			/* no regexp rewriting: SIP uses the replacement */
			rr[n].target =
			        p->regexp && p->regexp[0] ? "" : p->replacement;
			n++;
		}
		res_answer(lk, st ? ares_err(st) : n ? 0 : -ENOENT, rr, n);
		ares_free_data(v);
	} else if (lk->type == RES_T_SRV) {
		struct ares_srv_reply *v = NULL, *p;
		st = ares_parse_srv_reply(abuf, alen, &v);
		for (p = v; st == ARES_SUCCESS && p && n < RES_ANS_MAX;
		     p = p->next) {
			rr[n].n[0] = p->priority;
			rr[n].n[1] = p->weight;
			rr[n].n[2] = p->port;
			rr[n].target = p->host;
			n++;
		}
		res_answer(lk, st ? ares_err(st) : n ? 0 : -ENOENT, rr, n);
		ares_free_data(v);
	} else if (lk->type == RES_T_A) {
		struct ares_addrttl v[RES_ANS_MAX];
		int k = RES_ANS_MAX;
		st = ares_parse_a_reply(abuf, alen, NULL, v, &k);
		for (int i = 0; st == ARES_SUCCESS && i < k; i++)
			memcpy(rr[n++].ip, &v[i].ipaddr, 4);
		res_answer(lk, st ? ares_err(st) : n ? 0 : -ENOENT, rr, n);
	} else {
		struct ares_addr6ttl v[RES_ANS_MAX];
		int k = RES_ANS_MAX;
		st = ares_parse_aaaa_reply(abuf, alen, NULL, v, &k);
		for (int i = 0; st == ARES_SUCCESS && i < k; i++)
			memcpy(rr[n++].ip, &v[i].ip6addr, 16);
		res_answer(lk, st ? ares_err(st) : n ? 0 : -ENOENT, rr, n);
	}
}

static void on_ares(void *arg, int status, int timeouts, unsigned char *abuf,
                    int alen)
{
	struct res_lookup *lk = arg;

	(void)timeouts;
	if (status == ARES_EDESTRUCTION)
		return; /* tz_resolver_free() frees the query */
	if (status == ARES_SUCCESS)
		ares_answer(lk, abuf, alen);
	else
		res_answer(lk, ares_err(status), NULL, 0);
	res_lookup_done(lk->q);
}

/* Look @name up as @type: from the override file when it knows the name,
 * else through c-ares. */
void res_lookup_start(struct tz_resolve_q *q, uint16_t type, unsigned idx,
                      const char *name)
{
	struct tz_resolver *r = q->r;
	struct res_lookup *lk = &q->lk[q->nlk++];
	const struct res_rr *rr;
	size_t n;

	*lk = (struct res_lookup){q, type, (uint8_t)idx};
	q->pending++;
	if (r->hosts && !res_hosts_find(r->hosts, name, type, &rr, &n)) {
		res_answer(lk, n ? 0 : -ENOENT, rr, n);
		res_lookup_done(q);
		return;
	}
	/* ares_query: no search domains, no hosts file; may answer at once */
	ares_query(r->ch, name, ns_c_in, type, on_ares, lk);
}

/*
 * The API.
 */

/* Read a numeric host (IPv4, IPv6 with or without brackets) into @d. */
static bool numeric_host(const char *host, size_t len, struct tz_tp_dest *d)
{
	memset(d, 0, sizeof(*d));
	d->tp = TZ_TP_UDP;
	return tz_sa_from_host(host, len, 0, &d->addr, &d->addrlen) == 0;
}

static int resolve_start(struct tz_resolver *r, struct tz_resolve_q **qp,
                         const char *host, size_t hostlen, uint16_t port,
                         int tp, bool sips, tz_resolve_h *h, void *arg)
{
	struct tz_resolve_q *q;
	struct tz_tp_dest num;
	bool numeric;

	if (!h || !hostlen || memchr(host, '\0', hostlen))
		return -EINVAL;
	numeric = numeric_host(host, hostlen, &num);
	if (!numeric) {
		if (host[hostlen - 1] == '.')
			hostlen--; /* the root: example.com. is example.com */
		if (!hostlen || hostlen > RES_NAME_MAX || host[0] == '[')
			return -EINVAL;
	}
	q = tz_malloc(sizeof(*q));
	if (!q)
		return -ENOMEM;
	memset(q, 0, sizeof(*q));
	q->r = r;
	q->h = h;
	q->arg = arg;
	q->sips = sips;
	q->numeric = numeric;
	q->tp = (int8_t)tp;
	q->fb_tp = -1;
	q->port = port;
	if (numeric)
		q->dest[0] = num;
	else
		memcpy(q->host, host, hostlen);
	tz_timer_init(&q->tmr);
	q->next = r->qs;
	if (r->qs)
		r->qs->pprev = &q->next;
	r->qs = q;
	q->pprev = &r->qs;
	tz_timer_start(tz_loop_wheel(r->loop), &q->tmr, 0, res_start, q);
	if (qp)
		*qp = q;
	return 0;
}

int tz_resolve(struct tz_resolver *r, struct tz_resolve_q **qp,
               const char *host, size_t hostlen, uint16_t port, int tp,
               bool sips, tz_resolve_h *h, void *arg)
{
	if (tp < -1 || tp > TZ_TP_WSS)
		return -EINVAL;
	return resolve_start(r, qp, host, hostlen, port, tp, sips, h, arg);
}

static bool name_is(const char *p, size_t n, const char *name)
{
	return n == strlen(name) && !strncasecmp(p, name, n);
}

int tz_resolve_uri(struct tz_resolver *r, struct tz_resolve_q **qp,
                   const char *base, const struct tz_uri *u, tz_resolve_h *h,
                   void *arg)
{
	char maddr[RES_NAME_MAX + 3], tpname[16];
	const char *host = base + u->host.off, *p, *end;
	size_t hostlen = u->host.len, len;
	int tp = -1;

	if ((u->scheme != TZ_URI_SIP && u->scheme != TZ_URI_SIPS) ||
	    !u->host.len)
		return -EINVAL;
	p = base + u->params.off;
	end = p + u->params.len;
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *eq;
		if (!semi)
			semi = end;
		eq = memchr(p, '=', (size_t)(semi - p));
		if (eq && name_is(p, (size_t)(eq - p), "maddr")) {
			/* RFC3263 4.1: maddr, when present, is the target */
			if (tz_uri_unescape(maddr, sizeof(maddr), eq + 1,
			                    (size_t)(semi - eq - 1), &len))
				return -EINVAL;
			host = maddr;
			hostlen = len;
		} else if (eq && name_is(p, (size_t)(eq - p), "transport")) {
			enum tz_tp_proto v;
			int ret =
			        tz_uri_unescape(tpname, sizeof(tpname), eq + 1,
			                        (size_t)(semi - eq - 1), &len);
			if (ret == -EBADMSG)
				return -EINVAL;
			tp = !ret && !tz_tp_from_name(tpname, len, &v)
			             ? (int)v
			             : RES_TP_UNKNOWN;
		}
		p = semi + 1;
	}
	return resolve_start(r, qp, host, hostlen,
	                     u->port > 0 ? (uint16_t)u->port : 0, tp,
	                     u->scheme == TZ_URI_SIPS, h, arg);
}

void tz_resolve_cancel(struct tz_resolve_q *q)
{
	if (!q || q->st == RES_ST_DELIVER)
		return;
	tz_timer_cancel(&q->tmr);
	q->cancelled = true;
	/* lookups still with c-ares keep the query until they come back */
	if (!q->pending) {
		res_unlink(q);
		tz_free(q);
	}
}
