/**
 * @file tz_registry.h  The registrar's bindings and the location service
 * (RFC 3261 10.3, RFC 3327, RFC 5626), kept in memory and written through
 * to durable storage (tz_store.h) by one storage thread.
 *
 * Readers (the proxy, the redirect server, status) look bindings up from
 * any thread: the table is sharded by AOR with one read-write lock per
 * shard. Every change runs on the storage thread, in order: it applies
 * REGISTER requests to memory, collects their writes into one SQLite
 * transaction (group commit: everything that arrived while the previous
 * commit was being made), commits, and only then reports each request's
 * answer (with write-behind, tz_registry_set_write_behind(), the
 * calling worker applies and answers, and the storage thread writes
 * behind it). Bindings expire by timers on that thread's timing wheel,
 * not by scans. The users (digest HA1s and call features) are also cached here,
 * and call detail records reach the store through the same thread and
 * commits.
 */
#ifndef TZ_REGISTRY_H
#define TZ_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tz_digest.h"
#include "tz_store.h"
#include "tz_tp.h"

struct tz_registry;

/**
 * Open the store at @p db (tz_store_open), load the users, and restore
 * every binding that has not expired, with its remaining lifetime
 * (expired ones are deleted). Reads the nonce secret from the store, or
 * creates and stores one.
 * @return 0; -errno with @p err set.
 */
int tz_registry_open(struct tz_registry **out, const char *db, char *err,
                     size_t errlen);

/** Start the storage thread. */
int tz_registry_start(struct tz_registry *r);

/**
 * Without a started thread (tests): do the queued work on the calling
 * thread, commit, and call the answers, then return. Expired bindings
 * go too.
 */
void tz_registry_poll(struct tz_registry *r);

/** Finish the requests queued, commit, stop the thread, close the store,
 *  free everything (NULL accepted). Call once no thread posts any more. */
void tz_registry_free(struct tz_registry *r);

/** Settings that a reload may change. */
void tz_registry_set_max_contacts(struct tz_registry *r, unsigned n);

/**
 * Write-behind (off, 0, by default): with @p ms > 0 the thread calling
 * tz_registry_register() applies the REGISTER to the table itself (one
 * writer at a time) and gets its answer before the call returns; the
 * storage thread, told once per window, writes the changes and commits
 * them within @p ms (or at 1,024 changes), starts the expiry timers and
 * frees replaced bindings. A crash or kill -9 then loses the
 * registrations of the last @p ms; a failed commit keeps them in memory
 * and writes every binding again (retried each second) instead of
 * answering 500. With 0 no answer leaves before the commit that made its
 * binding durable. (With watchers, the storage thread applies and
 * answers before the commit.)
 */
void tz_registry_set_write_behind(struct tz_registry *r, unsigned ms);

/** The nonce secret kept in the store (the same across restarts, so
 *  nonces issued before a restart stay valid). */
void tz_registry_secret(const struct tz_registry *r,
                        uint8_t out[TZ_DIGEST_SECRET_LEN]);

/* ---- REGISTER (RFC 3261 10.3 items 6-8) ---- */

/** One Contact of a REGISTER, checked by the caller. */
struct tz_reg_contact {
	const char *uri; /**< the URI as written (no angle brackets) */
	size_t urilen;
	uint32_t expires;     /**< seconds, already bounded; 0 removes */
	uint16_t q;           /**< thousandths */
	const char *instance; /**< +sip.instance value or NULL */
	size_t instlen;
	uint32_t reg_id; /**< 0: none */
};

/** The answer to a REGISTER, given to tz_reg_done_h. */
struct tz_reg_reply {
	uint16_t status;    /**< 200, or 400 (CSeq order), 403 (too many
	                         contacts), 500 (storage failed) */
	const char *reason; /**< NULL for the standard phrase */
	/** For a 200: a Contact field per current binding, each
	 *  "Contact: <uri>;expires=N[;q=...][;+sip.instance=...][;reg-id=N]"
	 *  ending CRLF (RFC 3261 10.3 item 8); "" when none. */
	const char *contacts;
	unsigned nbindings; /**< bindings of the AOR after the request */
};

/** Called on the storage thread once the request's changes are durable
 *  (or failed), or with write-behind once they are in memory (then on
 *  the calling thread, inside tz_registry_register()): the caller hands
 *  the answer to its own thread. */
typedef void(tz_reg_done_h)(void *arg, const struct tz_reg_reply *rep);

/** A REGISTER for tz_registry_register(); everything is copied. */
struct tz_reg_request {
	const char *aor; /**< canonical (tz_aor_from_uri) */
	const char *call_id;
	size_t call_id_len;
	uint32_t cseq;
	bool star; /**< "Contact: *" with Expires 0: remove all */
	const struct tz_reg_contact *contacts;
	unsigned ncontacts; /**< 0 with star false: a query */
	const char *path;   /**< RFC 3327 Path values, comma separated, or
	                         NULL */
	size_t path_len;
	const char *user_agent;
	size_t user_agent_len;
	const struct tz_tp_dest *src; /**< where the REGISTER came from: the
	                                   flow (RFC 5626) and the NAT
	                                   address (RFC 3581) */
	tz_reg_done_h *done;
	void *done_arg;
};

/**
 * Queue a REGISTER for the storage thread (thread-safe). Its answer comes
 * through req->done, once, on the storage thread.
 * @return 0; -ENOMEM; -EINVAL (too long); -ESHUTDOWN after stop.
 */
int tz_registry_register(struct tz_registry *r,
                         const struct tz_reg_request *req);

/* ---- the location service ---- */

/** A current binding as the proxy and the redirect server see it. */
struct tz_location {
	char uri[512];    /**< Contact URI */
	uint16_t q;       /**< thousandths */
	uint32_t expires; /**< seconds left */
	char path[1024];  /**< RFC 3327 route set, comma separated, or "" */
	char instance[256];
	uint32_t reg_id;
	struct tz_tp_dest flow; /**< the source of the REGISTER: address,
	                             transport and, over TCP, the connection
	                             (conn 0 after a restart) */
};

/**
 * The bindings of @p aor (canonical), highest q first, then the most
 * recently registered (RFC 3261 16.6: the proxy tries them in that
 * order). Thread-safe.
 * @return how many were written to @p out (at most @p max); the total may
 *         be more.
 */
size_t tz_registry_lookup(struct tz_registry *r, const char *aor,
                          struct tz_location *out, size_t max);

/** Binding events for other modules (presence "reg" events, RFC 3680). */
enum tz_reg_event {
	TZ_REG_ADDED,
	TZ_REG_REFRESHED,
	TZ_REG_REMOVED, /**< by the user (expires 0, "*", user deleted) */
	TZ_REG_EXPIRED, /**< by its timer */
};

/** Called on the storage thread after the change is committed (with
 *  write-behind: made in memory). */
typedef void(tz_reg_event_h)(void *arg, enum tz_reg_event ev, const char *aor,
                             const struct tz_location *b);

/** Watch binding events; call before tz_registry_start(). At most 8.
 *  @return 0; -ENOSPC. */
int tz_registry_watch(struct tz_registry *r, tz_reg_event_h *h, void *arg);

/* ---- users ---- */

/**
 * The HA1 of username @p user at @p realm (the user "user@realm") for
 * digest base hash @p base: the tz_ha1_lookup_h of tz_auth_check().
 * Thread-safe. @p arg is the registry.
 */
int tz_registry_ha1(void *arg, const char *user, const char *realm,
                    enum tz_digest_alg base, char out[TZ_DIGEST_HEX]);

/** The call features of a user (RFC 5079 barring, DND, forwarding). */
struct tz_user_features {
	bool reject_anonymous;   /**< refuse calls with anonymous identity
	                              (RFC 5079: 433 Anonymity Disallowed) */
	bool dnd;                /**< do not disturb */
	char fwd_always[512];    /**< forward every call; "" when unset */
	char fwd_busy[512];      /**< forward on busy; "" when unset */
	char fwd_no_answer[512]; /**< forward on no answer; "" when unset */
	unsigned fwd_after; /**< no-answer seconds; 0: the server default */
};

/**
 * The features of user @p aor (canonical) as last loaded from the store
 * (at open and by tz_registry_user_sync). Thread-safe (read lock).
 * @return 0; -ENOENT when @p aor is not a user (@p out is then zeroed).
 */
int tz_registry_user_features(struct tz_registry *r, const char *aor,
                              struct tz_user_features *out);

/** Called on the storage thread when a user sync is done: 0 or -errno. */
typedef void(tz_reg_sync_h)(void *arg, int err);

/**
 * Re-read user @p aor (or every user when NULL) from the store, with its
 * features and forwarding, after an admin command changed it; a deleted
 * user's bindings go too.
 * @return 0 (then @p done is called); -ENOMEM; -ESHUTDOWN.
 */
int tz_registry_user_sync(struct tz_registry *r, const char *aor,
                          tz_reg_sync_h *done, void *arg);

/* ---- call detail records ---- */

/**
 * Queue a call detail record; it is written in the storage thread's next
 * commit (thread-safe, copied; the id is the store's to assign). Records
 * queued before tz_registry_free() are written by it.
 * @return 0; -ENOMEM; -EINVAL (a text field without its NUL);
 *         -ESHUTDOWN after stop.
 */
int tz_registry_cdr(struct tz_registry *r, const struct tz_cdr_rec *c);

/** Counters for status. */
struct tz_registry_stats {
	uint64_t aors, bindings, users;
	uint64_t registers;    /**< REGISTER requests applied */
	uint64_t commits;      /**< storage transactions */
	uint64_t max_batch;    /**< most requests in one commit */
	uint64_t expired;      /**< bindings ended by their timer */
	uint64_t store_errors; /**< failed commits and call record writes */
	uint64_t cdrs;         /**< call detail records written */
};

void tz_registry_stats(struct tz_registry *r, struct tz_registry_stats *st);

#endif
