/*
 * table.c  The bindings in memory: AORs hashed into shards, one
 * read-write lock per shard (DESIGN.md "Shared tables ... sharded"), and
 * the lookups of the location service.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reg_int.h"
#include "tz/tz_mem.h"
#include "tz/tz_siphash.h"

uint32_t reg_hash(const char *s, size_t n)
{
	/* without auth a peer registers the AORs it likes: keyed */
	return tz_table_hash(s, n);
}

int reg_table_init(struct tz_registry *r)
{
	for (unsigned i = 0; i < REG_SHARDS; i++) {
		struct reg_shard *sh = &r->shard[i];

		sh->size = 64;
		sh->tab = tz_malloc(sh->size * sizeof(*sh->tab));
		if (!sh->tab)
			return -ENOMEM;
		memset(sh->tab, 0, sh->size * sizeof(*sh->tab));
		pthread_rwlock_init(&sh->lock, NULL);
	}
	return 0;
}

void reg_shard_clear(struct reg_shard *sh)
{
	for (uint32_t j = 0; j < sh->size; j++) {
		struct reg_aor *a = sh->tab[j], *an;

		for (; a; a = an) {
			struct reg_binding *b = a->b, *bn;

			an = a->next;
			for (; b; b = bn) {
				bn = b->next;
				tz_timer_cancel(&b->expiry);
				tz_free(b);
			}
			tz_free(a);
		}
		sh->tab[j] = NULL;
	}
	sh->count = 0;
}

void reg_table_fini(struct tz_registry *r)
{
	for (unsigned i = 0; i < REG_SHARDS; i++) {
		struct reg_shard *sh = &r->shard[i];

		if (!sh->tab)
			continue;
		reg_shard_clear(sh);
		tz_free(sh->tab);
		sh->tab = NULL;
		pthread_rwlock_destroy(&sh->lock);
	}
}

struct reg_shard *reg_shard_of(struct tz_registry *r, uint32_t h)
{
	return &r->shard[h % REG_SHARDS];
}

struct reg_aor *reg_aor_find(struct reg_shard *sh, const char *aor, uint32_t h)
{
	struct reg_aor *a = sh->tab[(h / REG_SHARDS) & (sh->size - 1)];

	for (; a; a = a->next)
		if (a->hash == h && !strcmp(a->aor, aor))
			return a;
	return NULL;
}

static void grow(struct reg_shard *sh)
{
	uint32_t nsize = sh->size * 2;
	struct reg_aor **nt = tz_malloc(nsize * sizeof(*nt));

	if (!nt)
		return; /* longer chains; still correct */
	memset(nt, 0, nsize * sizeof(*nt));
	for (uint32_t i = 0; i < sh->size; i++) {
		struct reg_aor *a = sh->tab[i], *an;

		for (; a; a = an) {
			uint32_t k = (a->hash / REG_SHARDS) & (nsize - 1);

			an = a->next;
			a->next = nt[k];
			nt[k] = a;
		}
	}
	tz_free(sh->tab);
	sh->tab = nt;
	sh->size = nsize;
}

struct reg_aor *reg_aor_get(struct tz_registry *r, struct reg_shard *sh,
                            const char *aor, uint32_t h)
{
	struct reg_aor *a = reg_aor_find(sh, aor, h);
	size_t n = strlen(aor);
	uint32_t k;

	if (a)
		return a;
	a = tz_malloc(sizeof(*a) + n + 1);
	if (!a)
		return NULL;
	memset(a, 0, sizeof(*a));
	memcpy(a->aor, aor, n + 1);
	a->hash = h;
	if (sh->count >= sh->size)
		grow(sh);
	k = (h / REG_SHARDS) & (sh->size - 1);
	a->next = sh->tab[k];
	sh->tab[k] = a;
	sh->count++;
	atomic_fetch_add(&r->naors, 1);
	return a;
}

/* Drop @p a from its shard once it has no binding left. */
void reg_aor_put(struct tz_registry *r, struct reg_shard *sh, struct reg_aor *a)
{
	struct reg_aor **pp;

	if (a->b)
		return;
	pp = &sh->tab[(a->hash / REG_SHARDS) & (sh->size - 1)];
	for (; *pp; pp = &(*pp)->next) {
		if (*pp == a) {
			*pp = a->next;
			sh->count--;
			atomic_fetch_sub(&r->naors, 1);
			tz_free(a);
			return;
		}
	}
}

static bool sa_from_text(const char *t, struct sockaddr_in6 *sa, uint8_t *tp)
{
	char proto[8], host[64];
	const char *c1 = strchr(t, ':'), *lc;
	struct sockaddr_storage ss;
	enum tz_tp_proto pr;
	socklen_t sl;
	size_t n;
	long port;

	/* "proto:addr:port", IPv6 in brackets */
	if (!c1 || (size_t)(c1 - t) >= sizeof(proto))
		return false;
	memcpy(proto, t, (size_t)(c1 - t));
	proto[c1 - t] = 0;
	lc = strrchr(c1 + 1, ':');
	if (!lc)
		return false;
	n = (size_t)(lc - (c1 + 1));
	if (n >= sizeof(host))
		return false;
	memcpy(host, c1 + 1, n);
	host[n] = 0;
	port = strtol(lc + 1, NULL, 10);
	if (port <= 0 || port > 65535 ||
	    tz_tp_from_name(proto, strlen(proto), &pr) != 0 ||
	    tz_sa_from_host(host, strlen(host), (uint16_t)port, &ss, &sl) != 0)
		return false;
	memcpy(sa, &ss, sizeof(*sa));
	*tp = (uint8_t)pr;
	return true;
}

struct reg_binding *reg_binding_new(const struct tz_binding_rec *rec,
                                    const struct tz_tp_dest *flow)
{
	size_t lc = strlen(rec->contact), li = strlen(rec->call_id),
	       lp = strlen(rec->path), ln = strlen(rec->instance),
	       lu = strlen(rec->user_agent);
	struct reg_binding *b;
	char *p;

	b = tz_malloc(sizeof(*b) + lc + li + lp + ln + lu + 5);
	if (!b)
		return NULL;
	memset(b, 0, sizeof(*b));
	tz_timer_init(&b->expiry);
	b->expires_at = rec->expires_at;
	b->cseq = rec->cseq;
	b->reg_id = rec->reg_id;
	b->q = rec->q;
	b->contact_len = (uint16_t)lc;
	b->callid_len = (uint16_t)li;
	b->path_len = (uint16_t)lp;
	b->inst_len = (uint16_t)ln;
	b->ua_len = (uint16_t)lu;
	p = b->s;
	memcpy(p, rec->contact, lc + 1);
	p += lc + 1;
	memcpy(p, rec->call_id, li + 1);
	p += li + 1;
	memcpy(p, rec->path, lp + 1);
	p += lp + 1;
	memcpy(p, rec->instance, ln + 1);
	p += ln + 1;
	memcpy(p, rec->user_agent, lu + 1);
	if (flow && flow->addrlen <= sizeof(b->src)) {
		memcpy(&b->src, &flow->addr, flow->addrlen);
		b->tp = (uint8_t)flow->tp;
		b->conn = flow->reliable ? flow->conn : 0;
	} else {
		uint8_t tp = TZ_TP_UDP;

		if (sa_from_text(rec->received, &b->src, &tp))
			b->tp = tp;
		else
			b->src.sin6_family = AF_UNSPEC;
	}
	return b;
}

void reg_binding_src(const struct reg_binding *b, char *out, size_t n)
{
	char addr[TZ_SA_STRLEN];
	struct sockaddr_storage ss;
	const char *p = tz_tp_name((enum tz_tp_proto)b->tp);
	size_t i;

	if (b->src.sin6_family == AF_UNSPEC) {
		out[0] = 0;
		return;
	}
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, &b->src, sizeof(b->src));
	for (i = 0; p[i] && i + 1 < n; i++)
		out[i] = (char)(p[i] | 0x20);
	if (i + 1 < n)
		out[i++] = ':';
	tz_str_copy(out + i, n - i, tz_sa_print(&ss, true, addr, sizeof(addr)));
}

void reg_binding_to_loc(const struct reg_binding *b, int64_t now,
                        struct tz_location *out)
{
	memset(out, 0, sizeof(*out));
	tz_str_copy(out->uri, sizeof(out->uri), reg_b_contact(b));
	tz_str_copy(out->path, sizeof(out->path), reg_b_path(b));
	tz_str_copy(out->instance, sizeof(out->instance), reg_b_instance(b));
	out->q = b->q;
	out->reg_id = b->reg_id;
	out->expires =
	        b->expires_at > now ? (uint32_t)(b->expires_at - now) : 0;
	if (b->src.sin6_family != AF_UNSPEC) {
		memcpy(&out->flow.addr, &b->src, sizeof(b->src));
		out->flow.addrlen = b->src.sin6_family == AF_INET6
		                            ? sizeof(struct sockaddr_in6)
		                            : sizeof(struct sockaddr_in);
		out->flow.tp = (enum tz_tp_proto)b->tp;
		out->flow.reliable = b->tp != TZ_TP_UDP;
		out->flow.conn = b->conn;
	}
}

void reg_binding_rec(const struct reg_binding *b, const char *aor,
                     struct tz_binding_rec *rec)
{
	memset(rec, 0, sizeof(*rec));
	tz_str_copy(rec->aor, sizeof(rec->aor), aor);
	tz_str_copy(rec->contact, sizeof(rec->contact), reg_b_contact(b));
	tz_str_copy(rec->call_id, sizeof(rec->call_id), reg_b_callid(b));
	tz_str_copy(rec->path, sizeof(rec->path), reg_b_path(b));
	tz_str_copy(rec->instance, sizeof(rec->instance), reg_b_instance(b));
	tz_str_copy(rec->user_agent, sizeof(rec->user_agent), reg_b_ua(b));
	reg_binding_src(b, rec->received, sizeof(rec->received));
	rec->q = b->q;
	rec->cseq = b->cseq;
	rec->reg_id = b->reg_id;
	rec->expires_at = b->expires_at;
}

/* RFC3261 16.6: highest q first; RFC5626 5: among equals, the newest */
static bool before(const struct reg_binding *a, const struct reg_binding *b)
{
	return a->q != b->q ? a->q > b->q : a->seq > b->seq;
}

size_t tz_registry_lookup(struct tz_registry *r, const char *aor,
                          struct tz_location *out, size_t max)
{
	uint32_t h = reg_hash(aor, strlen(aor));
	struct reg_shard *sh = reg_shard_of(r, h);
	const struct reg_binding *sel[64];
	struct reg_aor *a;
	size_t n = 0;
	int64_t now = (int64_t)time(NULL);

	if (max > 64)
		max = 64;
	pthread_rwlock_rdlock(&sh->lock);
	a = reg_aor_find(sh, aor, h);
	for (const struct reg_binding *b = a ? a->b : NULL; b; b = b->next) {
		size_t i;

		if (b->expires_at <= now)
			continue; /* its timer is about to remove it */
		/* insertion into the sorted selection, keeping the best max */
		for (i = n; i > 0 && before(b, sel[i - 1]); i--)
			;
		if (i >= max)
			continue;
		if (n < max)
			n++;
		memmove(&sel[i + 1], &sel[i], (n - 1 - i) * sizeof(*sel));
		sel[i] = b;
	}
	for (size_t i = 0; i < n; i++)
		reg_binding_to_loc(sel[i], now, &out[i]);
	pthread_rwlock_unlock(&sh->lock);
	return n;
}
