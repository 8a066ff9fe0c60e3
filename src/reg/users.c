/*
 * users.c  The users cached in memory for digest authentication: AOR to
 * HA1 per base hash (never a password). Read by every worker under a
 * read lock, refreshed from the store by the storage thread.
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

static struct reg_user *user_new(const struct tz_user_rec *rec)
{
	size_t n = strlen(rec->aor);
	struct reg_user *x = tz_malloc(sizeof(*x) + n + 1);

	if (!x)
		return NULL;
	memset(x, 0, sizeof(*x));
	memcpy(x->aor, rec->aor, n + 1);
	x->hash = reg_hash(rec->aor, n);
	memcpy(x->ha1_md5, rec->ha1_md5, sizeof(x->ha1_md5) - 1);
	x->ha1_md5[sizeof(x->ha1_md5) - 1] = 0;
	snprintf(x->ha1_sha256, sizeof(x->ha1_sha256), "%s", rec->ha1_sha256);
	x->reject_anonymous = rec->reject_anonymous;
	x->dnd = rec->dnd;
	return x;
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
	struct reg_user *x = user_new(rec), **pp;

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
	struct reg_user *x = NULL, **pp, *old;
	int err = tz_store_user_get(s, aor, &rec);

	if (err && err != -ENOENT)
		return err;
	if (!err) {
		x = user_new(&rec);
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
	int n, err = -ENOENT;

	/* DESIGN.md: the digest username is the user part, the realm the
	 * domain: the user is "username@realm" */
	n = snprintf(aor, sizeof(aor), "%s@%s", user, realm);
	if (n < 0 || (size_t)n >= sizeof(aor))
		return -ENOENT;
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
