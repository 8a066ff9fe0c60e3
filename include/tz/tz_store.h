/**
 * @file tz_store.h  Durable storage (DESIGN.md "State and storage"): users
 * and their digest credentials, registrar bindings, call-feature and
 * forwarding settings, call detail records, and server metadata. The embedded
 * backend is SQLite in WAL mode with synchronous=FULL, so a committed
 * transaction survives kill -9 and power loss. The schema carries its version
 * (PRAGMA user_version) and is migrated forward on open.
 *
 * A struct tz_store is one database connection: use it from one thread
 * at a time. The server keeps one on its storage thread; each admin
 * command opens its own. Concurrent writers wait (busy timeout) rather
 * than fail.
 *
 * Every function returns 0 or a negative errno: -ENOENT (no such row),
 * -EEXIST (already there), -EINVAL (bad argument), -EIO (the database
 * failed; tz_store_errmsg() says why), -ENOMEM.
 */
#ifndef TZ_STORE_H
#define TZ_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tz_digest.h"
#include "tz_uri.h"

/** Longest AOR ("user@domain") kept, NUL excluded. */
#define TZ_AOR_MAX 255

/* ---- addresses of record ---- */

/**
 * Check and canonicalise an AOR written as "user@domain" (admin commands,
 * DESIGN.md): it must read as the userinfo and host of a SIP URI with no
 * password, port, parameters or headers. Canonical form (RFC 3261 10.3
 * item 5): user with %HH escapes decoded, '@', host lowercased. The
 * user's case is kept (RFC 3261 19.1.4: the user part is case-sensitive).
 * A user that decodes to a control byte (%00, %0A, ...) is refused; one
 * that decodes to '@' (%40) is kept, so the domain is what follows the
 * last '@' of a canonical AOR. Reads in[0, len); @p in need not be
 * NUL-terminated.
 * @param out  at least TZ_AOR_MAX + 1 bytes.
 * @param why  may be NULL.
 * @return 0; -EINVAL with @p why (static text) saying what is wrong,
 *         e.g. "no user part", "no domain", "a port is not part of an
 *         AOR".
 */
int tz_aor_canon(char out[TZ_AOR_MAX + 1], const char *in, size_t len,
                 const char **why);

/**
 * The canonical AOR of a parsed SIP/SIPS URI (a To header, RFC 3261 10.3
 * item 5): parameters and port dropped, user unescaped, host lowercased.
 * @return 0; -EINVAL when the URI is not sip/sips, has no user part,
 *         its user decodes to a control byte, or the AOR is too long.
 */
int tz_aor_from_uri(char out[TZ_AOR_MAX + 1], const char *base,
                    const struct tz_uri *u);

/* ---- the store ---- */

struct tz_store;

/**
 * Open (and create, and migrate) the database named by @p url:
 * "sqlite:PATH" or a plain PATH. Other schemes (postgres://) are
 * -EPROTONOSUPPORT for now. "sqlite:" is followed by the path as is
 * (relative to the working directory unless it starts with '/').
 * Each migration step runs in a transaction of its own.
 * @return 0; -errno with @p err set to a message naming the path;
 *         -EPROTO when the database's schema is newer than this code.
 */
int tz_store_open(struct tz_store **out, const char *url, char *err,
                  size_t errlen);
void tz_store_close(struct tz_store *s);

/** The last error text of @p s (valid until its next call). */
const char *tz_store_errmsg(const struct tz_store *s);

/** The schema version of an open store (the latest after migration), or
 *  a negative errno. */
int tz_store_schema_version(struct tz_store *s);

/** Group several writes into one durable transaction. tz_store_commit()
 *  returns only when the data is on disk. Calls outside begin/commit
 *  are each their own transaction. No nesting: begin inside a
 *  transaction, commit or rollback outside one are -EINVAL. Inside a
 *  transaction, a call that fails undoes only its own writes (a
 *  savepoint); tz_store_close() rolls back an open transaction. */
int tz_store_begin(struct tz_store *s);
int tz_store_commit(struct tz_store *s);
int tz_store_rollback(struct tz_store *s);

/* ---- metadata (e.g. the nonce secret) ---- */

/** A blob by key; -ENOENT when absent. @p *lenp is in: cap, out: size;
 *  -EOVERFLOW (nothing copied, @p *lenp the size) when it does not fit. */
int tz_store_meta_get(struct tz_store *s, const char *key, void *buf,
                      size_t *lenp);
int tz_store_meta_set(struct tz_store *s, const char *key, const void *buf,
                      size_t len);

/* ---- users ---- */

/** A user: canonical AOR, HA1 per base algorithm, feature settings. */
struct tz_user_rec {
	char aor[TZ_AOR_MAX + 1];
	char ha1_md5[TZ_DIGEST_HEX];    /**< MD5(user:domain:password) */
	char ha1_sha256[TZ_DIGEST_HEX]; /**< SHA-256(user:domain:password) */
	bool reject_anonymous;
	bool dnd;
};

/** Fill @p rec's HA1 fields from @p rec->aor (canonical) and @p password:
 *  H(user ":" domain ":" password) with tz_digest_ha1() for MD5 and
 *  SHA-256, user and domain split at the last '@'.
 *  @return 0; -EINVAL for an empty password or an AOR without user or
 *  domain (@p rec unchanged); -ENOMEM. */
int tz_user_rec_set_password(struct tz_user_rec *rec, const char *password);

/** Add a user; -EEXIST when the AOR is already a user; -EINVAL when the
 *  AOR has no '@' or the HA1s are not set (tz_user_rec_set_password). */
int tz_store_user_add(struct tz_store *s, const struct tz_user_rec *rec);
/** Replace the HA1s of an existing user; -ENOENT. */
int tz_store_user_passwd(struct tz_store *s, const struct tz_user_rec *rec);
/** Store reject_anonymous and dnd of an existing user; -ENOENT. */
int tz_store_user_set(struct tz_store *s, const struct tz_user_rec *rec);
/** Delete a user with its bindings and forwarding; -ENOENT. */
int tz_store_user_del(struct tz_store *s, const char *aor);
int tz_store_user_get(struct tz_store *s, const char *aor,
                      struct tz_user_rec *rec);

/** Called per row; a non-zero return stops the walk and is returned.
 *  The callback may read the store (get) but should not write to it. */
typedef int(tz_store_user_h)(void *arg, const struct tz_user_rec *rec);
/** Every user (of @p domain, when not NULL; compared lowercased), ordered
 *  by AOR bytewise (as `LC_ALL=C sort`). */
int tz_store_user_each(struct tz_store *s, const char *domain,
                       tz_store_user_h *h, void *arg);

/**
 * "trapezoid user import FILE": CSV lines "aor,password"; an optional
 * first line "aor,password" (header; any case; the first line that is
 * not blank or a comment), blank lines (spaces and tabs only) and lines
 * starting with '#' are skipped; CR before LF is allowed, and a UTF-8
 * byte order mark at the start. The AOR (spaces and tabs around it
 * ignored) goes through tz_aor_canon(); a password is the rest of the
 * line after the first comma, exactly (it may contain commas and
 * spaces), and must not be empty. Every problem is written to @p errs
 * (may be NULL) as "FILE:LINE: what" (bad AOR "x": why, no password,
 * empty password, duplicate of line N, user AOR exists); after 100 of
 * them the rest are only counted: "FILE: ... N problems in all". Any
 * problem imports nothing. All users go in one transaction (a savepoint
 * inside tz_store_begin).
 * @return the number of users imported; -EINVAL after problems were
 *         reported; -errno for I/O (also reported).
 */
int tz_store_user_import(struct tz_store *s, const char *path, FILE *errs);

/* ---- registrar bindings (RFC 3261 10.3) ---- */

/** A binding as stored. Text fields are NUL-terminated. */
struct tz_binding_rec {
	char aor[TZ_AOR_MAX + 1];
	char contact[512];  /**< the Contact URI as registered (key) */
	uint16_t q;         /**< thousandths */
	int64_t expires_at; /**< wall clock, Unix seconds */
	char call_id[256];
	uint32_t cseq;
	char path[1024];    /**< RFC 3327 Path values, comma separated,
	                         in the order received; "" for none */
	char received[128]; /**< source "proto:addr:port" (RFC 3581) */
	char instance[256]; /**< RFC 5626 +sip.instance, "" for none */
	uint32_t reg_id;    /**< RFC 5626 reg-id, 0 for none */
	char user_agent[128];
};

/** Insert or replace the binding (aor, contact); -EINVAL for an empty
 *  aor or contact or a text field without its NUL. */
int tz_store_binding_put(struct tz_store *s, const struct tz_binding_rec *b);
/** Delete one binding; -ENOENT when absent. */
int tz_store_binding_del(struct tz_store *s, const char *aor,
                         const char *contact);
/** Delete every binding of @p aor (none is not an error). */
int tz_store_binding_del_aor(struct tz_store *s, const char *aor);
/** Delete bindings with expires_at <= @p now; @p *n (may be NULL) gets
 *  how many. */
int tz_store_binding_expire(struct tz_store *s, int64_t now, unsigned *n);

typedef int(tz_store_binding_h)(void *arg, const struct tz_binding_rec *b);
/** Every binding, ordered by AOR then contact (bytewise). */
int tz_store_binding_each(struct tz_store *s, tz_store_binding_h *h, void *arg);

/* ---- call forwarding ---- */

struct tz_forward_rec {
	char aor[TZ_AOR_MAX + 1];
	char always[512];    /**< "" when unset */
	char busy[512];      /**< "" when unset */
	char no_answer[512]; /**< "" when unset */
	unsigned after;      /**< no-answer seconds; 0: the server default */
};

/** Set the forwarding of an existing user (replaces); -ENOENT. */
int tz_store_forward_set(struct tz_store *s, const struct tz_forward_rec *f);
/** -ENOENT when @p aor has no forwarding. */
int tz_store_forward_get(struct tz_store *s, const char *aor,
                         struct tz_forward_rec *f);
/** Remove the forwarding of @p aor (none is not an error). */
int tz_store_forward_clear(struct tz_store *s, const char *aor);

/** Called per forwarding row; a non-zero return stops the walk and is
 *  returned. */
typedef int(tz_store_forward_h)(void *arg, const struct tz_forward_rec *f);
/** Every user's forwarding, ordered by AOR (bytewise). */
int tz_store_forward_each(struct tz_store *s, tz_store_forward_h *h, void *arg);

/* ---- call detail records ---- */

/** One call as the proxy saw it (a call detail record). Text fields are
 *  NUL-terminated. The duration (answer to end, 0 when not answered) is
 *  computed by whoever prints the record. */
struct tz_cdr_rec {
	int64_t id; /**< assigned by the store (read only): rising, and never
	                 given twice, even after the newest records were
	                 deleted (by any client) */
	char caller[256];  /**< From URI */
	char callee[256];  /**< To URI (the dialled address) */
	char call_id[256]; /**< Call-ID of the INVITE */
	int64_t start_ms;  /**< INVITE received, Unix ms */
	int64_t answer_ms; /**< 2xx forwarded, Unix ms; 0 when not answered */
	int64_t end_ms;    /**< BYE, failure or CANCEL, Unix ms */
	uint16_t status;   /**< final status of the INVITE (200, 486, 487...) */
	char ended_by[16]; /**< "caller", "callee", "proxy" (timeout, session
	                        expiry, admin), or "" */
	char reason[128];  /**< e.g. "BYE", "CANCEL", "486 Busy Here",
	                        "session expired" */
};

/** Append a record (its id is ignored: the store assigns the next one).
 *  @return 0; -EINVAL for a text field without its NUL. */
int tz_store_cdr_add(struct tz_store *s, const struct tz_cdr_rec *c);

/** Called per record; a non-zero return stops the walk and is returned.
 *  @p c (borrowed) is valid during the call only. */
typedef int(tz_store_cdr_h)(void *arg, const struct tz_cdr_rec *c);
/** Records with end_ms >= @p since_ms (0: all), oldest first (by end_ms,
 *  then id). The walk reads one snapshot: a running server may append
 *  meanwhile (WAL). */
int tz_store_cdr_each(struct tz_store *s, int64_t since_ms, tz_store_cdr_h *h,
                      void *arg);

#endif
