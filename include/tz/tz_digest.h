/**
 * @file tz_digest.h  HTTP Digest as a SIP server uses it (RFC 3261 22,
 * RFC 7616, RFC 8760, RFC 2617 compatibility): the hashes, stateless
 * nonces, nonce-count replay protection, throttling of failed attempts,
 * and the check of a request's credentials.
 *
 * Hashes come from OpenSSL's libcrypto (EVP); the nonce MAC is SipHash.
 */
#ifndef TZ_DIGEST_H
#define TZ_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "tz_buf.h"
#include "tz_hval.h"
#include "tz_msg.h"

/** Room for a lowercase hex digest of any supported algorithm, NUL
 *  included (SHA-256: 64 hex digits). */
#define TZ_DIGEST_HEX 65

/** Size of the server secret keying the nonce MAC. */
#define TZ_DIGEST_SECRET_LEN 32

/**
 * The base hash of @p alg: MD5 for TZ_DIGEST_ALG_NONE, MD5, MD5-sess;
 * SHA-256 for SHA-256 and SHA-256-sess; SHA-512-256 for its two.
 * @return the base algorithm (TZ_DIGEST_MD5, TZ_DIGEST_SHA256 or
 *         TZ_DIGEST_SHA512_256); TZ_DIGEST_ALG_OTHER when unsupported.
 */
enum tz_digest_alg tz_digest_base(enum tz_digest_alg alg);

/**
 * H(data) of @p alg's base hash as lowercase hex into @p out.
 * @return 0; -EINVAL for an unsupported algorithm; -ENOMEM.
 */
int tz_digest_hash(enum tz_digest_alg alg, const void *data, size_t len,
                   char out[TZ_DIGEST_HEX]);

/**
 * HA1 = H(username ":" realm ":" password) (RFC 7616 3.4.2, RFC 2617
 * 3.2.2.2) for the base hash of @p alg, lowercase hex. This is what the
 * store keeps instead of the password, one per base algorithm.
 * @return 0; -EINVAL; -ENOMEM.
 */
int tz_digest_ha1(enum tz_digest_alg alg, const char *user, const char *realm,
                  const char *password, char out[TZ_DIGEST_HEX]);

/** The inputs of a request-digest; strings NUL-terminated, unescaped. */
struct tz_digest_in {
	enum tz_digest_alg alg; /**< as the credentials name it */
	const char *ha1;        /**< H(user:realm:password), hex, base hash */
	const char *nonce;
	const char *cnonce; /**< required for -sess and for qop */
	const char *nc;     /**< 8 hex digits as sent; NULL without qop */
	const char *qop;    /**< "auth", or NULL (RFC 2617 compatibility) */
	const char *method; /**< the request method (A2) */
	const char *uri;    /**< the digest-uri as sent (A2) */
};

/**
 * The expected "response" value (RFC 7616 3.4.1; RFC 2617 3.2.2.1
 * without qop): KD(HA1', nonce:nc:cnonce:qop:H(A2)) with HA1' the
 * session key for -sess algorithms.
 * @return 0; -EINVAL (unsupported algorithm, missing input); -ENOMEM.
 */
int tz_digest_response(const struct tz_digest_in *in, char out[TZ_DIGEST_HEX]);

/* ---- stateless nonces ---- */

/** Size of a nonce string we issue, NUL included. */
#define TZ_NONCE_LEN 64

/**
 * A nonce carrying its own issue time: base64url of (issue time in ms,
 * 64 random bits, the 16-byte SipHash-2-4-128 keyed by secret of (time |
 * random | realm)): 43 characters of [A-Za-z0-9_-]. No state is kept
 * per challenge.
 * @return 0; -EIO when the random generator fails; -ENOMEM.
 */
int tz_nonce_make(const uint8_t secret[TZ_DIGEST_SECRET_LEN], uint64_t now_ms,
                  const char *realm, size_t realmlen, char out[TZ_NONCE_LEN]);

/**
 * Check a nonce: issued by us for @p realm (MAC matches) and not older
 * than @p lifetime_ms at @p now_ms (age == lifetime is still valid).
 * @return 0 valid; -ESTALE issued by us but expired (answer stale=true);
 *         -EINVAL not ours, malformed, or issued more than a second after
 *         @p now_ms.
 */
int tz_nonce_check(const uint8_t secret[TZ_DIGEST_SECRET_LEN],
                   const char *nonce, size_t len, const char *realm,
                   size_t realmlen, uint64_t now_ms, uint64_t lifetime_ms);

/* ---- the server side ---- */

/** Settings of a tz_auth_server (tz_auth_server_alloc copies them). */
struct tz_auth_conf {
	uint8_t secret[TZ_DIGEST_SECRET_LEN]; /**< nonce MAC key */
	uint64_t nonce_lifetime_ms; /**< older nonces are stale (e.g. 300 s) */
	/** Failed-attempt throttling; failures 0 turns it off. After
	 *  @c failures failed attempts for one username@realm, or from one
	 *  source IP address (IPv6: one /64), within @c window_ms, that key
	 *  is refused for @c backoff_ms, doubled at each further failure up
	 *  to @c backoff_max_ms. A key at the limit stays counted until
	 *  @c window_ms after its block ends, so a failure right after a
	 *  block doubles it. A success clears the user's count, not the
	 *  address's. Only wrong passwords and unknown users count (not
	 *  replays, bad syntax, unknown nonces). */
	unsigned failures;
	uint64_t window_ms;
	uint64_t backoff_ms;
	uint64_t backoff_max_ms;
	/** Offer SHA-256 in challenges, first (preferred); offer MD5 after
	 *  it. The caller sets both (a zeroed struct offers nothing, which
	 *  tz_auth_server_alloc refuses). An algorithm not offered is also
	 *  refused in credentials ("unsupported algorithm"): turning MD5
	 *  off stops MD5 answers too. */
	bool offer_sha256;
	bool offer_md5;
	/** List MD5 before SHA-256 (for clients that read only the first
	 *  challenge, e.g. SIPp 3.6, whose digest is MD5 only). */
	bool md5_first;
};

/** A server's digest state, shared by every worker (thread-safe): the
 *  nonce-count table and the throttling tables, each sharded with one
 *  lock per shard and bounded in size. */
struct tz_auth_server;

/**
 * A server with settings @p conf (copied). The tables start empty and
 * grow on demand, to about 64k entries each.
 * @return 0; -EINVAL when neither algorithm is offered; -ENOMEM.
 */
int tz_auth_server_alloc(struct tz_auth_server **out,
                         const struct tz_auth_conf *conf);
/** Replace the settings (reload; safe while other threads check); the
 *  tables are kept. */
void tz_auth_server_set_conf(struct tz_auth_server *as,
                             const struct tz_auth_conf *conf);
/** Free the server and its tables; accepts NULL. No check may run. */
void tz_auth_server_free(struct tz_auth_server *as);

/**
 * Look up the stored HA1 of username@realm for the base hash @p base
 * (TZ_DIGEST_MD5 or TZ_DIGEST_SHA256) into @p out. May be called from any
 * worker thread.
 * @return 0; -ENOENT when there is no such user or no HA1 for @p base;
 *         any other negative errno is passed on by tz_auth_check().
 */
typedef int(tz_ha1_lookup_h)(void *arg, const char *user, const char *realm,
                             enum tz_digest_alg base, char out[TZ_DIGEST_HEX]);

/** What tz_auth_check() decided. */
enum tz_auth_verdict {
	TZ_VERDICT_OK,        /**< credentials valid: @c user is set */
	TZ_VERDICT_CHALLENGE, /**< no credentials for this realm: 401/407 */
	TZ_VERDICT_STALE,     /**< right password, expired nonce: 401/407
	                           with stale=true (RFC 7616 3.3) */
	TZ_VERDICT_FAILED,    /**< wrong password or unknown user, a nonce not
	                        ours, an nc already used: 401/407 again
	                        (counted for throttling unless a replay) */
	TZ_VERDICT_BAD, /**< malformed credentials: 400, @c why says what */
	TZ_VERDICT_THROTTLED, /**< too many failures: 403 with Retry-After
	                        @c retry_after */
};

struct tz_auth_result {
	enum tz_auth_verdict verdict;
	char user[128];       /**< the authenticated username (TZ_VERDICT_OK) */
	unsigned retry_after; /**< seconds (TZ_VERDICT_THROTTLED) */
	const char *why;      /**< a static text for logs and reason phrases,
	                           never NULL after a 0 return: "authenticated",
	                           "no credentials", "stale nonce", "too many
	                           failures", "wrong credentials" (wrong
	                           password and unknown user alike), "unknown
	                           nonce", "nonce-count replayed", "unsupported
	                           algorithm" / "qop" / "userhash", or for BAD
	                           what is malformed ("missing nonce",
	                           "digest-uri differs from Request-URI", ...) */
};

/**
 * Check the credentials of request @p m for @p realm (RFC 3261 22.3,
 * 22.4; RFC 7616 3.4): the Authorization fields (@p proxy false) or the
 * Proxy-Authorization fields (@p proxy true) whose realm is @p realm are
 * tried; none is TZ_VERDICT_CHALLENGE. Requires a typed-value arena on
 * @p m (tz_msg_set_arena). The digest-uri must equal the Request-URI
 * text; qop must be "auth" or absent (RFC 2617); algorithm MD5,
 * MD5-sess, SHA-256, SHA-256-sess or absent (MD5); anything else is
 * TZ_VERDICT_FAILED with a fresh challenge (RFC 7616 3.3: the server
 * lists what it supports). With qop, nc must exceed every nc seen with
 * that nonce; without qop a nonce is good for one request.
 * @p src (may be NULL) is the source address for per-address
 * throttling; @p now_ms is CLOCK_MONOTONIC milliseconds.
 *
 * Order: a throttled address, or a throttled user of a field for @p realm
 * (THROTTLED, the password unseen); no field for @p realm (CHALLENGE; but
 * BAD when a field that might be ours cannot be read: undecodable, no
 * realm, another scheme naming @p realm); then per field BAD, FAILED
 * unsupported, FAILED unknown nonce, FAILED wrong credentials, STALE,
 * FAILED replayed, OK. At most 4 fields for @p realm are tried (each is a
 * password guess); any OK wins, else any STALE, else the first field's
 * verdict. Wrong credentials count for throttling only when no field
 * succeeded. Unescaped copies of the values live in @p m's arena.
 * @return 0 with @p res filled; -ENOMEM; -EINVAL when @p m has no arena
 *         or the lookup gave something that is not an HA1 of the right
 *         length; the lookup's own errors other than -ENOENT. On an error
 *         @p res is zeroed.
 */
int tz_auth_check(struct tz_auth_server *as, struct tz_msg *m, bool proxy,
                  const char *realm, tz_ha1_lookup_h *lookup, void *arg,
                  const struct sockaddr *src, uint64_t now_ms,
                  struct tz_auth_result *res);

/**
 * Append challenge header fields for @p realm to @p b: WWW-Authenticate
 * (@p proxy false, for 401) or Proxy-Authenticate (@p proxy true, for
 * 407), one per offered algorithm, SHA-256 first, each with its own
 * fresh nonce, qop="auth", algorithm and, when @p stale, stale=true. Each
 * field ends with CRLF. @p realm is written as a quoted-string (escaped).
 * @return 0; -EINVAL when @p realm holds a control character or nothing
 *         is offered; -EIO; -ENOMEM.
 */
int tz_auth_challenge(struct tz_auth_server *as, struct tz_buf *b,
                      const char *realm, bool proxy, bool stale,
                      uint64_t now_ms);

#endif
