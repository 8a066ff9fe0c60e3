/*
 * users.c  The users cached in memory: AOR to HA1 per base hash for
 * digest authentication (never a password), and the call features the
 * proxy applies (RFC 5079 anonymous-call rejection, do not disturb, call
 * forwarding). Read by every worker under a read lock, refreshed from
 * the store by the storage thread.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "reg_int.h"
#include "tz/tz_mem.h"

int reg_users_init(struct reg_users *u)
{
	memset(u, 0, sizeof(*u));
	u->size = 1024;
	u->tab = tz_malloc(u->size * sizeof(*u->tab));
	if (!u->tab)
		return -ENOMEM;
	memset(u->tab, 0, u->size * sizeof(*u->tab));
	pthread_rwlock_init(&u->lock, NULL);
	return 0;
}

static void free_all(struct reg_user **tab, uint32_t size)
{
	for (uint32_t i = 0; i < size; i++) {
		struct reg_user *x = tab[i], *xn;

		for (; x; x = xn) {
			xn = x->next;
			tz_free(x);
		}
	}
	tz_free(tab);
}

void reg_users_fini(struct reg_users *u)
{
	if (!u->tab)
		return;
	free_all(u->tab, u->size);
	u->tab = NULL;
	pthread_rwlock_destroy(&u->lock);
}

/* A user with the settings of @p base (hash, HA1s, flags; its own
 * forwarding ignored) and the forwarding @p f (NULL: none). */
static struct reg_user *user_build(const struct reg_user *base, const char *aor,
                                   const struct tz_forward_rec *f)
{
	const char *uri[REG_FWD_N] = {NULL, NULL, NULL};
	size_t n = strlen(aor), len = n + 1, ulen[REG_FWD_N] = {0, 0, 0};
	struct reg_user *x;

	if (f) {
		uri[REG_FWD_ALWAYS] = f->always;
		uri[REG_FWD_BUSY] = f->busy;
		uri[REG_FWD_NO_ANSWER] = f->no_answer;
	}
	for (int i = 0; i < REG_FWD_N; i++) {
		/* the store keeps them below 512 bytes */
		ulen[i] = uri[i] ? strnlen(uri[i], 511) : 0;
		len += ulen[i] ? ulen[i] + 1 : 0;
	}
	x = tz_malloc(sizeof(*x) + len);
	if (!x)
		return NULL;
	memcpy(x, base, sizeof(*x));
	x->next = NULL;
	memset(x->fwd, 0, sizeof(x->fwd));
	x->fwd_after = f ? f->after : 0;
	memcpy(x->aor, aor, n + 1);
	len = n + 1;
	for (int i = 0; i < REG_FWD_N; i++) {
		if (!ulen[i])
			continue;
		x->fwd[i] = (uint16_t)len;
		memcpy(x->aor + len, uri[i], ulen[i]);
		x->aor[len + ulen[i]] = 0;
		len += ulen[i] + 1;
	}
	return x;
}

static struct reg_user *user_new(const struct tz_user_rec *rec,
                                 const struct tz_forward_rec *f)
{
	struct reg_user base;

	memset(&base, 0, sizeof(base));
	base.hash = reg_hash(rec->aor, strlen(rec->aor));
	memcpy(base.ha1_md5, rec->ha1_md5, sizeof(base.ha1_md5) - 1);
	snprintf(base.ha1_sha256, sizeof(base.ha1_sha256), "%s",
	         rec->ha1_sha256);
	base.reject_anonymous = rec->reject_anonymous;
	base.dnd = rec->dnd;
	return user_build(&base, rec->aor, f);
}

static struct reg_user **slot(struct reg_user **tab, uint32_t size,
                              const char *aor, uint32_t h)
{
	struct reg_user **pp = &tab[h & (size - 1)];

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->hash == h && !strcmp((*pp)->aor, aor))
			break;
	return pp;
}

struct load {
	struct reg_user **tab;
	uint32_t size, count;
};

static int load_one(void *arg, const struct tz_user_rec *rec)
{
	struct load *l = arg;
	struct reg_user *x = user_new(rec, NULL), **pp;

	if (!x)
		return -ENOMEM;
	pp = slot(l->tab, l->size, x->aor, x->hash);
	if (*pp) { /* cannot happen: the AOR is the key */
		tz_free(x);
		return 0;
	}
	*pp = x;
	l->count++;
	return 0;
}

/* Give the user of a forwarding row its rules: a new block replaces the
 * old one in its chain (the table is not published yet). */
static int load_fwd(void *arg, const struct tz_forward_rec *f)
{
	struct load *l = arg;
	struct reg_user **pp, *x;

	pp = slot(l->tab, l->size, f->aor, reg_hash(f->aor, strlen(f->aor)));
	if (!*pp)
		return 0; /* cannot happen: a forwarding belongs to a user */
	x = user_build(*pp, f->aor, f);
	if (!x)
		return -ENOMEM;
	x->next = (*pp)->next;
	tz_free(*pp);
	*pp = x;
	return 0;
}

int reg_users_load(struct reg_users *u, struct tz_store *s)
{
	struct load l = {NULL, 1024, 0};
	struct reg_user **old;
	uint32_t oldsize;
	int err;

	/* 64k buckets: short chains up to ~100k users */
	l.size = 1u << 16;
	l.tab = tz_malloc(l.size * sizeof(*l.tab));
	if (!l.tab)
		return -ENOMEM;
	memset(l.tab, 0, l.size * sizeof(*l.tab));
	err = tz_store_user_each(s, NULL, load_one, &l);
	if (!err)
		err = tz_store_forward_each(s, load_fwd, &l);
	if (err) {
		free_all(l.tab, l.size);
		return err;
	}
	pthread_rwlock_wrlock(&u->lock);
	old = u->tab;
	oldsize = u->size;
	u->tab = l.tab;
	u->size = l.size;
	u->count = l.count;
	pthread_rwlock_unlock(&u->lock);
	free_all(old, oldsize);
	return 0;
}

int reg_users_sync_one(struct reg_users *u, struct tz_store *s, const char *aor,
                       bool *gone)
{
	struct tz_user_rec rec;
	struct tz_forward_rec f;
	struct reg_user *x = NULL, **pp, *old;
	int err = tz_store_user_get(s, aor, &rec);

	if (err && err != -ENOENT)
		return err;
	if (!err) {
		err = tz_store_forward_get(s, aor, &f);
		if (err && err != -ENOENT)
			return err;
		x = user_new(&rec, err ? NULL : &f);
		if (!x)
			return -ENOMEM;
	}
	*gone = !x;
	pthread_rwlock_wrlock(&u->lock);
	pp = slot(u->tab, u->size, aor, reg_hash(aor, strlen(aor)));
	old = *pp;
	if (old) {
		*pp = old->next;
		u->count--;
	}
	if (x) {
		x->next = *pp;
		*pp = x;
		u->count++;
	}
	pthread_rwlock_unlock(&u->lock);
	tz_free(old);
	return 0;
}

uint64_t reg_users_count(struct reg_users *u)
{
	uint64_t n;

	pthread_rwlock_rdlock(&u->lock);
	n = u->count;
	pthread_rwlock_unlock(&u->lock);
	return n;
}

int tz_registry_ha1(void *arg, const char *user, const char *realm,
                    enum tz_digest_alg base, char out[TZ_DIGEST_HEX])
{
	struct tz_registry *r = arg;
	struct reg_users *u = &r->users;
	char aor[TZ_AOR_MAX + 1];
	struct reg_user *x;
	size_t ul, rl;
	int n, err = -ENOENT;

	/* DESIGN.md: the digest username is the user part, the realm the
	 * domain: the user is "username@realm" */
	ul = strlen(user);
	rl = strlen(realm);
	if (ul + 1 + rl >= sizeof(aor))
		return -ENOENT;
	memcpy(aor, user, ul);
	aor[ul] = '@';
	memcpy(aor + ul + 1, realm, rl + 1);
	n = (int)(ul + 1 + rl);
	pthread_rwlock_rdlock(&u->lock);
	x = *slot(u->tab, u->size, aor, reg_hash(aor, (size_t)n));
	if (x && base == TZ_DIGEST_MD5 && x->ha1_md5[0]) {
		memcpy(out, x->ha1_md5, sizeof(x->ha1_md5));
		err = 0;
	} else if (x && base == TZ_DIGEST_SHA256 && x->ha1_sha256[0]) {
		memcpy(out, x->ha1_sha256, sizeof(x->ha1_sha256));
		err = 0;
	}
	pthread_rwlock_unlock(&u->lock);
	return err;
}

int tz_registry_user_features(struct tz_registry *r, const char *aor,
                              struct tz_user_features *out)
{
	struct reg_users *u = &r->users;
	char *uri[REG_FWD_N] = {out->fwd_always, out->fwd_busy,
	                        out->fwd_no_answer};
	struct reg_user *x;

	memset(out, 0, sizeof(*out));
	pthread_rwlock_rdlock(&u->lock);
	x = *slot(u->tab, u->size, aor, reg_hash(aor, strlen(aor)));
	if (x) {
		out->reject_anonymous = x->reject_anonymous;
		out->dnd = x->dnd;
		out->fwd_after = x->fwd_after;
		for (int i = 0; i < REG_FWD_N; i++)
			if (x->fwd[i])
				snprintf(uri[i], sizeof(out->fwd_always), "%s",
				         x->aor + x->fwd[i]);
	}
	pthread_rwlock_unlock(&u->lock);
	return x ? 0 : -ENOENT;
}
