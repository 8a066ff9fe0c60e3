/*
 * auth_int.h  Internals of the digest module shared by its files: the
 * nonce parser that also yields the issue time, and the sharded bounded
 * tables behind nonce-count replay protection and throttling.
 */
#ifndef TZ_AUTH_INT_H
#define TZ_AUTH_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tz/tz_digest.h"

/**
 * tz_nonce_check() that also gives the issue time written in the nonce
 * (valid when the result is 0 or -ESTALE).
 */
int tz_auth_nonce_parse(const uint8_t secret[TZ_DIGEST_SECRET_LEN],
                        const char *nonce, size_t len, const char *realm,
                        size_t realmlen, uint64_t now_ms, uint64_t lifetime_ms,
                        uint64_t *issued_ms);

/* ---- OpenSSL objects made once (ossl.c) ---- */

struct evp_md_st;
struct evp_md_ctx_st;
/** The digest of base algorithm @p base, fetched once; NULL if unknown. */
const struct evp_md_st *auth_md(enum tz_digest_alg base);
/** This thread's digest context (reset by each EVP_DigestInit_ex); NULL
 *  without memory. */
struct evp_md_ctx_st *auth_md_ctx(void);

/** @p n unpredictable bytes (RAND_bytes, drawn ahead per thread): 0;
 *  -EIO; -ENOMEM. */
int auth_random(uint8_t *out, size_t n);

/* ---- sharded, bounded tables (table.c) ---- */

/** Shards per table: one lock each, picked by the key's hash. */
#define TZ_AUTHTAB_SHARDS 16

/** Longest key a table takes. */
#define TZ_AUTHTAB_KEY_MAX 1024

/** One entry; the key follows it. */
struct tz_authtab_ent {
	struct tz_authtab_ent *hnext;       /* bucket chain */
	struct tz_authtab_ent *prev, *next; /* LRU list, least recent first */
	uint64_t hash;
	uint64_t expires; /* ms: gone once now_ms reaches it */
	uint64_t stamp;   /* the owner's time; see tz_authtab_shard.floor */
	union {
		uint32_t nc; /* nonce counts: highest nc accepted */
		struct {     /* throttling */
			unsigned count;
			uint64_t window_start;
			uint64_t blocked_until;
			uint64_t backoff;
		} th;
	} v;
	uint16_t klen;
	unsigned char key[];
};

struct tz_authtab_shard {
	pthread_mutex_t lock;
	struct tz_authtab_ent **bucket; /* allocated on the first add */
	struct tz_authtab_ent *lru, *mru;
	size_t n;
	/** Highest @c stamp of an entry evicted before it expired: what the
	 *  table forgot, for the owner to be careful about. */
	uint64_t floor;
};

struct tz_authtab {
	struct tz_authtab_shard shard[TZ_AUTHTAB_SHARDS];
	size_t max;      /* entries per shard */
	size_t nbucket;  /* buckets per shard, a power of two */
	uint64_t k0, k1; /* SipHash key: chains stay short whatever the keys */
};

/** Prepare a table of at most about @p max entries; allocates nothing. */
void tz_authtab_init(struct tz_authtab *t, size_t max);

/** Release every entry and bucket array. */
void tz_authtab_fini(struct tz_authtab *t);

/** Hash @p key and lock the shard it belongs to. */
struct tz_authtab_shard *tz_authtab_lock(struct tz_authtab *t, const void *key,
                                         size_t klen, uint64_t *hash);

void tz_authtab_unlock(struct tz_authtab_shard *s);

/**
 * The live entry for @p key in locked shard @p s, made most recently
 * used; an expired one is dropped instead. NULL when none.
 */
struct tz_authtab_ent *tz_authtab_find(struct tz_authtab *t,
                                       struct tz_authtab_shard *s,
                                       uint64_t hash, const void *key,
                                       size_t klen, uint64_t now_ms);

/**
 * Add an entry for @p key (not present) to locked shard @p s, payload
 * zeroed, expiring at @p expires. A full shard first drops an expired
 * entry near the LRU end, else the least recently used one.
 * @return 0 with *ep set; -EINVAL key too long; -ENOMEM.
 */
int tz_authtab_add(struct tz_authtab *t, struct tz_authtab_shard *s,
                   uint64_t hash, const void *key, size_t klen, uint64_t now_ms,
                   uint64_t expires, struct tz_authtab_ent **ep);

/** Unlink and free @p e from locked shard @p s. */
void tz_authtab_del(struct tz_authtab *t, struct tz_authtab_shard *s,
                    struct tz_authtab_ent *e);

/* ---- nonce counts (nonce_count.c) ---- */

/**
 * Accept one use of @p nonce (issued at @p issued_ms): with @p qop its
 * count @p nc must exceed every count accepted before; without, the
 * nonce must not have been used at all.
 * @return 0 accepted and recorded; -EALREADY a replay; -ESTALE the table
 *         may have forgotten this nonce under pressure (ask for a new
 *         one); -ENOMEM.
 */
int tz_auth_nc_use(struct tz_authtab *t, const char *nonce, size_t len,
                   uint64_t issued_ms, bool qop, uint32_t nc,
                   uint64_t lifetime_ms, uint64_t now_ms);

/* ---- throttling (throttle.c) ---- */

/** Milliseconds @p key stays refused; 0 when it is not. */
uint64_t tz_auth_throttle_left(struct tz_authtab *t, const void *key,
                               size_t klen, uint64_t now_ms);

/**
 * Count @p n failures of @p key under the settings @p c.
 * @return 0; -ENOMEM; -EINVAL key too long.
 */
int tz_auth_throttle_fail(struct tz_authtab *t, const struct tz_auth_conf *c,
                          const void *key, size_t klen, unsigned n,
                          uint64_t now_ms);

/** Forget @p key's failures. */
void tz_auth_throttle_clear(struct tz_authtab *t, const void *key, size_t klen);

/* ---- the server (server.c) ---- */

struct tz_auth_server {
	pthread_mutex_t conf_lock; /* guards conf against a reload */
	struct tz_auth_conf conf;
	struct tz_authtab nc;       /* nonce -> highest nc */
	struct tz_authtab throttle; /* "a" address / "u" user NUL realm */
};

/** A copy of the current settings, taken under the lock. */
void tz_auth_server_conf(struct tz_auth_server *as, struct tz_auth_conf *c);

/* hash.c: H() over several parts joined by ':' (RFC 7616 3.4.1 writes
 * A1, A2 and the KD argument that way), in lowercase hex; no copy of the
 * parts. 0; -EINVAL for an unknown algorithm; -ENOMEM. */
/* MD5 (RFC 1321) of our own (md5.c): the digest hashes' usual case,
 * without the EVP layer's cost */
struct auth_md5 {
	uint32_t st[4];
	uint64_t len; /* bytes taken */
	uint8_t buf[64];
};
void auth_md5_init(struct auth_md5 *m);
void auth_md5_update(struct auth_md5 *m, const void *p, size_t n);
void auth_md5_final(struct auth_md5 *m, uint8_t out[16]);

struct auth_part {
	const void *p;
	size_t len;
};
int auth_hash_parts(enum tz_digest_alg alg, const struct auth_part *parts,
                    size_t n, char out[TZ_DIGEST_HEX]);

#endif
