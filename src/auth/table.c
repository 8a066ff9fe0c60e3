/*
 * table.c  The sharded, bounded hash tables behind nonce-count replay
 * protection and throttling (see auth_int.h): one mutex per shard, chains
 * hashed with a keyed SipHash-2-4 so that chosen keys (usernames) cannot
 * pile into one bucket, an LRU list per shard, and a cap on entries that
 * drops expired entries first, then the least recently used.
 */
#include <errno.h>
#include <string.h>

#include <openssl/rand.h>

#include "tz/tz_mem.h"
#include "tz/tz_rand.h"
#include "tz/tz_siphash.h"
#include "auth_int.h"

/* expired entries looked for near the LRU end before evicting a live one */
#define EVICT_SCAN 8

void tz_authtab_init(struct tz_authtab *t, size_t max)
{
	uint64_t k[2];

	memset(t, 0, sizeof(*t));
	t->max = max / TZ_AUTHTAB_SHARDS ? max / TZ_AUTHTAB_SHARDS : 1;
	t->nbucket = 1;
	while (t->nbucket < t->max)
		t->nbucket <<= 1;
	if (RAND_bytes((unsigned char *)k, sizeof(k)) != 1) {
		k[0] = tz_rand64();
		k[1] = tz_rand64();
	}
	t->k0 = k[0];
	t->k1 = k[1];
	for (size_t i = 0; i < TZ_AUTHTAB_SHARDS; i++)
		pthread_mutex_init(&t->shard[i].lock, NULL);
}

void tz_authtab_fini(struct tz_authtab *t)
{
	for (size_t i = 0; i < TZ_AUTHTAB_SHARDS; i++) {
		struct tz_authtab_shard *s = &t->shard[i];
		struct tz_authtab_ent *e, *next;

		for (e = s->lru; e; e = next) {
			next = e->next;
			tz_free(e);
		}
		tz_free(s->bucket);
		pthread_mutex_destroy(&s->lock);
	}
	memset(t, 0, sizeof(*t));
}

struct tz_authtab_shard *tz_authtab_lock(struct tz_authtab *t, const void *key,
                                         size_t klen, uint64_t *hash)
{
	struct tz_authtab_shard *s;

	*hash = tz_siphash(t->k0, t->k1, key, klen);
	/* the top bits pick the shard, the low bits the bucket */
	s = &t->shard[*hash >> 60 & (TZ_AUTHTAB_SHARDS - 1)];
	pthread_mutex_lock(&s->lock);
	return s;
}

void tz_authtab_unlock(struct tz_authtab_shard *s)
{
	pthread_mutex_unlock(&s->lock);
}

static void lru_unlink(struct tz_authtab_shard *s, struct tz_authtab_ent *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		s->lru = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		s->mru = e->prev;
	e->prev = e->next = NULL;
}

static void lru_append(struct tz_authtab_shard *s, struct tz_authtab_ent *e)
{
	e->prev = s->mru;
	e->next = NULL;
	if (s->mru)
		s->mru->next = e;
	else
		s->lru = e;
	s->mru = e;
}

void tz_authtab_del(struct tz_authtab *t, struct tz_authtab_shard *s,
                    struct tz_authtab_ent *e)
{
	struct tz_authtab_ent **pp = &s->bucket[e->hash & (t->nbucket - 1)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(s, e);
	s->n--;
	tz_free(e);
}

struct tz_authtab_ent *tz_authtab_find(struct tz_authtab *t,
                                       struct tz_authtab_shard *s,
                                       uint64_t hash, const void *key,
                                       size_t klen, uint64_t now_ms)
{
	struct tz_authtab_ent *e;

	if (!s->bucket)
		return NULL;
	for (e = s->bucket[hash & (t->nbucket - 1)]; e; e = e->hnext) {
		if (e->hash == hash && e->klen == klen &&
		    memcmp(e->key, key, klen) == 0)
			break;
	}
	if (!e)
		return NULL;
	if (now_ms >= e->expires) {
		tz_authtab_del(t, s, e);
		return NULL;
	}
	lru_unlink(s, e);
	lru_append(s, e);
	return e;
}

/* make room for one entry: an expired one near the LRU end if there is
 * one, else the least recently used, remembered in the floor */
static void evict(struct tz_authtab *t, struct tz_authtab_shard *s,
                  uint64_t now_ms)
{
	struct tz_authtab_ent *e = s->lru;

	for (int i = 0; e && i < EVICT_SCAN; i++, e = e->next) {
		if (now_ms >= e->expires) {
			tz_authtab_del(t, s, e);
			return;
		}
	}
	e = s->lru;
	if (e->stamp > s->floor)
		s->floor = e->stamp;
	tz_authtab_del(t, s, e);
}

int tz_authtab_add(struct tz_authtab *t, struct tz_authtab_shard *s,
                   uint64_t hash, const void *key, size_t klen, uint64_t now_ms,
                   uint64_t expires, struct tz_authtab_ent **ep)
{
	struct tz_authtab_ent *e, **b;

	if (klen > TZ_AUTHTAB_KEY_MAX)
		return -EINVAL;
	if (!s->bucket) {
		s->bucket = tz_malloc(t->nbucket * sizeof(*s->bucket));
		if (!s->bucket)
			return -ENOMEM;
		memset(s->bucket, 0, t->nbucket * sizeof(*s->bucket));
	}
	/* drop what expired at the old end, a few at a time */
	for (int i = 0; s->lru && i < EVICT_SCAN && now_ms >= s->lru->expires;
	     i++)
		tz_authtab_del(t, s, s->lru);
	e = tz_malloc(sizeof(*e) + klen);
	if (!e)
		return -ENOMEM;
	if (s->n >= t->max)
		evict(t, s, now_ms);
	memset(e, 0, sizeof(*e));
	e->hash = hash;
	e->expires = expires;
	e->klen = (uint16_t)klen;
	memcpy(e->key, key, klen);
	b = &s->bucket[hash & (t->nbucket - 1)];
	e->hnext = *b;
	*b = e;
	lru_append(s, e);
	s->n++;
	*ep = e;
	return 0;
}
