/* reg_int.h  Internals of the registry (src/reg/): the sharded binding
 * table, the user cache and the storage thread. */
#ifndef REG_INT_H
#define REG_INT_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "tz/tz_buf.h"
#include "tz/tz_loop.h"
#include "tz/tz_mbox.h"
#include "tz/tz_registry.h"
#include "tz/tz_timer.h"

#define REG_SHARDS   64
#define REG_WATCHERS 8

struct reg_aor;

/* One binding in memory. Written by one writer at a time (apply_mu: the
 * storage thread, or with write-behind a worker), under its shard's
 * write lock; read by any thread under the read lock. The text fields
 * follow the struct: contact, Call-ID, path, instance, UA, each
 * NUL-terminated. */
struct reg_binding {
	struct reg_binding *next;      /* in the AOR's list; once dead, in the
	                                  registry's grave */
	struct reg_binding *todo_next; /* its timer yet to start */
	bool dead; /* out of the table by a worker: freed by the storage
	              thread, which also cancels its timer */
	struct reg_aor *aor;
	struct tz_registry *reg;
	struct tz_timer expiry;  /* the storage thread's wheel */
	int64_t expires_at;      /* wall clock, Unix seconds */
	uint64_t seq;            /* registration order (newest wins ties) */
	uint64_t conn;           /* the flow's connection (0: none) */
	struct sockaddr_in6 src; /* the source: sockaddr_in fits too */
	uint32_t cseq;
	uint32_t reg_id;
	uint16_t q;
	uint8_t tp; /* enum tz_tp_proto */
	uint16_t contact_len, callid_len, path_len, inst_len, ua_len;
	char s[];
};

struct reg_aor {
	struct reg_aor *next; /* in the shard's bucket */
	uint32_t hash;
	unsigned n;
	struct reg_binding *b; /* bindings, newest first */
	char aor[];
};

struct reg_shard {
	pthread_rwlock_t lock;
	struct reg_aor **tab;
	uint32_t size; /* buckets, a power of two */
	uint32_t count;
};

/* The forwarding rules of a user, in the order of struct tz_forward_rec. */
enum reg_fwd { REG_FWD_ALWAYS, REG_FWD_BUSY, REG_FWD_NO_ANSWER, REG_FWD_N };

/* A cached user. The AOR is followed, only when set, by the forwarding
 * URIs, each NUL-terminated: most users forward nothing and pay nothing. */
struct reg_user {
	struct reg_user *next;
	uint32_t hash;
	char ha1_md5[33];
	char ha1_sha256[65];
	bool reject_anonymous, dnd;
	uint16_t fwd[REG_FWD_N]; /* offset of each URI in aor[]; 0: unset */
	unsigned fwd_after;      /* no-answer seconds; 0: the default */
	char aor[];
};

struct reg_users {
	pthread_rwlock_t lock;
	struct reg_user **tab;
	uint32_t size, count;
};

struct reg_pending; /* a request waiting for the commit */

/* Write-behind, a change made by a worker, for the storage thread to
 * write: put binding @b (its AOR follows: the AOR may be gone by the
 * write), or with @b NULL delete a row (AOR and Contact follow), each
 * NUL-terminated. */
struct reg_op {
	struct reg_op *next;
	struct reg_binding *b;
	bool skip; /* @b was replaced or removed before the drain */
	char s[];
};

struct tz_registry {
	struct reg_shard shard[REG_SHARDS];
	struct reg_users users;
	struct tz_store *store; /* the storage thread's, after start */
	struct tz_loop *loop;
	struct tz_mbox *mbox;
	pthread_t thread;
	bool started;
	bool polling; /* tz_registry_poll() runs the loop */
	atomic_bool closed;
	uint8_t secret[TZ_DIGEST_SECRET_LEN];
	atomic_uint max_contacts;
	uint64_t seq;
	/* the open batch */
	bool in_tx;
	bool store_failed; /* a write of the open batch failed */
	unsigned batch;
	unsigned batch_cdrs;        /* call records written in the open batch */
	unsigned batch_early;       /* its registrations answered already
	                               (write-behind) */
	struct tz_timer cdr_linger; /* a batch nobody waits for only waits */
	bool held;                  /* lazy posts wait for cdr_linger */
	atomic_uint write_behind;   /* ms; 0: answer after the commit */
	bool resync;                /* a write-behind batch was lost: write
	                               the whole table again */
	struct tz_timer resync_retry;
	/* One writer of the table at a time: the storage thread, or a
	 * worker that applies a REGISTER itself (write-behind). The
	 * worker's changes to the store and to the storage thread's wheel
	 * wait in these lists, drained by the storage thread (reg_drain). */
	pthread_mutex_t apply_mu;
	struct reg_pending *direct_p; /* its answer, given after unlocking */
	struct reg_op *ops, **ops_tail;
	struct reg_binding *todo;  /* new bindings: their timers to start */
	struct reg_binding *grave; /* dead bindings to free */
	unsigned direct_n;         /* requests applied by workers */
	unsigned nops;             /* changes in ops */
	bool drain_asked;          /* MSG_DRAIN sent for them */
	bool kicked;               /* the storage thread knows of the ops */
	bool ops_lost;             /* a worker's change did not make it into
	                              the lists: write the whole table */
	struct tz_timer wb_due;    /* the write-behind window's end */
	struct reg_pending *pend, **pend_tail;
	/* watchers */
	unsigned nwatch;
	struct {
		tz_reg_event_h *h;
		void *arg;
	} watch[REG_WATCHERS];
	/* counters (storage thread writes, status reads) */
	atomic_uint_fast64_t naors, nbindings, registers, commits, max_batch,
	        expired, store_errors, cdrs;
};

/* table.c */
uint32_t reg_hash(const char *s, size_t n);
int reg_table_init(struct tz_registry *r);
void reg_table_fini(struct tz_registry *r);
/* free every AOR and binding of @p sh (its lock held, or no threads) */
void reg_shard_clear(struct reg_shard *sh);
struct reg_shard *reg_shard_of(struct tz_registry *r, uint32_t h);
/* find (storage thread: no lock needed; others: hold the read lock) */
struct reg_aor *reg_aor_find(struct reg_shard *sh, const char *aor, uint32_t h);
/* under the write lock */
struct reg_aor *reg_aor_get(struct tz_registry *r, struct reg_shard *sh,
                            const char *aor, uint32_t h);
void reg_aor_put(struct tz_registry *r, struct reg_shard *sh,
                 struct reg_aor *a);
struct reg_binding *reg_binding_new(const struct tz_binding_rec *rec,
                                    const struct tz_tp_dest *flow);
/* the binding's source as stored: "proto:addr:port", "" when unknown */
void reg_binding_src(const struct reg_binding *b, char *out, size_t n);
void reg_binding_to_loc(const struct reg_binding *b, int64_t now,
                        struct tz_location *out);
/* the row of @p b (of AOR @p aor) as the store keeps it */
void reg_binding_rec(const struct reg_binding *b, const char *aor,
                     struct tz_binding_rec *rec);
static inline const char *reg_b_contact(const struct reg_binding *b)
{
	return b->s;
}
static inline const char *reg_b_callid(const struct reg_binding *b)
{
	return b->s + b->contact_len + 1;
}
static inline const char *reg_b_path(const struct reg_binding *b)
{
	return reg_b_callid(b) + b->callid_len + 1;
}
static inline const char *reg_b_instance(const struct reg_binding *b)
{
	return reg_b_path(b) + b->path_len + 1;
}
static inline const char *reg_b_ua(const struct reg_binding *b)
{
	return reg_b_instance(b) + b->inst_len + 1;
}

/* users.c */
int reg_users_init(struct reg_users *u);
void reg_users_fini(struct reg_users *u);
int reg_users_load(struct reg_users *u, struct tz_store *s);
int reg_users_sync_one(struct reg_users *u, struct tz_store *s, const char *aor,
                       bool *gone);
uint64_t reg_users_count(struct reg_users *u);

/* ---- the storage thread (registry.c, apply.c) ---- */

enum msg_kind {
	MSG_REGISTER,
	MSG_SYNC,
	MSG_CDR,
	MSG_KICK,  /* workers' changes wait: start the window */
	MSG_DRAIN, /* ... a full batch of them: commit now */
	MSG_STOP
};

/* A posted request: this header, then (REGISTER) n struct msg_contact,
 * then the strings: AOR, Call-ID, path, UA, and per contact its URI and
 * instance, each NUL-terminated; (SYNC) the AOR; (CDR) a struct
 * tz_cdr_rec. */
struct msg {
	enum msg_kind kind;
	void *done; /* tz_reg_done_h or tz_reg_sync_h */
	void *done_arg;
	uint32_t cseq;
	bool star;
	unsigned n;
	struct tz_tp_dest src;
	size_t len; /* bytes of the whole message */
};

struct msg_contact {
	uint32_t expires;
	uint32_t reg_id;
	uint16_t q;
	uint16_t uri_len, inst_len;
};

/* An answer waiting for its commit. */
struct reg_pending {
	struct reg_pending *next;
	tz_reg_done_h *done;
	tz_reg_sync_h *sync_done;
	void *arg;
	struct tz_reg_reply rep;
	bool ok; /* changed something that the commit must make durable */
	int err; /* a sync that failed before the commit: its -errno */
	char reason[64];
	size_t nev;
	struct ev {
		enum tz_reg_event ev;
		char aor[TZ_AOR_MAX + 1];
		struct tz_location loc;
	} * evs;
	char text[]; /* the Contact fields */
};

/* The strings of a posted REGISTER. */
struct view {
	const char *aor, *callid, *path, *ua;
	const struct msg_contact *mc;
	const char **uri, **inst;
	struct tz_uri *u; /* each parsed when first compared (reg_view_uri) */
	uint64_t *parsed; /* bit i: u[i] is */
};

/* The registry a worker is applying a REGISTER to (write-behind, with
 * apply_mu held), per thread: the storage thread never sees it set. */
extern _Thread_local const struct tz_registry *reg_applying;

static inline bool reg_direct(const struct tz_registry *r)
{
	return reg_applying == r;
}

/* A batch is committed when the thread has nothing else to do, or at
 * this many requests (write-behind: changes), whichever comes first. */
#define BATCH_MAX 1024
/* After a write-behind batch was lost, the table is written again whole
 * this long after (and again after each failure). */
#define RESYNC_RETRY_MS 1000

/* registry.c: the open batch */
int64_t reg_now(void); /* wall clock, Unix seconds */
/* BEGIN unless a transaction is open; 0 at once for a worker */
int reg_ensure_tx(struct tz_registry *r);
void reg_pend_add(struct tz_registry *r, struct reg_pending *p);
/* answer @p p (500 when @p failed and it changed something), events
 * first */
void reg_deliver(struct tz_registry *r, struct reg_pending *p, bool failed);
/* commit the open batch, then answer everything waiting for it */
void reg_flush(struct tz_registry *r);
/* post @p m to the storage thread; -ESHUTDOWN once closed */
int reg_post(struct tz_registry *r, const struct msg *m);
/* storage thread (or a worker with apply_mu, reg_direct): apply one
 * posted REGISTER and answer it, now or after the commit */
void reg_run_register(struct tz_registry *r, const struct msg *m);

/* behind.c: write-behind */
/* storage thread, apply_mu held: start the timers, write the changes
 * and free the bindings that workers left in the lists */
void reg_drain(struct tz_registry *r);
/* a worker applies @p m itself and answers before returning; 0 */
int reg_register_direct(struct tz_registry *r, const struct msg *m);
/* timer: the window is over, the workers' changes are committed */
void reg_wb_due(void *arg);
/* every binding in memory into the open batch, after deleting every row
 * (retried by timer on failure) */
void reg_resync(struct tz_registry *r);
/* timer: reg_resync when one is still wanted */
void reg_resync_due(void *arg);
void reg_add_event(struct tz_registry *r, struct reg_pending *p,
                   enum tz_reg_event ev, const struct reg_binding *b);

/* apply.c: binding changes, each in memory (under the shard lock) and in
 * the open batch */
void reg_start_timer(struct tz_registry *r, struct reg_binding *b);
void reg_drop(struct tz_registry *r, struct reg_shard *sh,
              struct reg_binding *b, struct reg_pending *p,
              enum tz_reg_event ev);
/* RFC 3261 10.3 items 6-8 for one posted REGISTER; @p p gets the answer */
void reg_apply(struct tz_registry *r, const struct msg *m, const struct view *v,
               struct reg_pending *p);
void reg_fail(struct reg_pending *p, uint16_t status, const char *reason);
/* the Contact fields of the 200: every binding of @p a with its expires */
int reg_contacts_text(struct tz_buf *b, const struct reg_aor *a);

#endif
