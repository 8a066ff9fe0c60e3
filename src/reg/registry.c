/*
 * registry.c  The storage thread: posted REGISTER requests taken in order
 * (applied by apply.c), their writes grouped into one durable transaction
 * per batch (group commit) with the call detail records posted meanwhile,
 * answers released only after the commit, bindings restored at start,
 * users re-read on admin changes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "reg_int.h"
#include "tz/tz_buf.h"
#include "tz/tz_log.h"
#include "tz/tz_mem.h"
#include "tz/tz_uri.h"

/* A batch of call records alone (nobody waits for an answer) waits this
 * long for more to share its commit: at a low call rate every record
 * was its own fsync'd commit. A crash loses at most this much of them. */
#define CDR_LINGER_MS 100

_Thread_local const struct tz_registry *reg_applying;

int64_t reg_now(void)
{
	return (int64_t)time(NULL);
}

/* ---- the batch ---- */

int reg_ensure_tx(struct tz_registry *r)
{
	int err;

	if (reg_direct(r) || r->in_tx)
		return 0;
	err = tz_store_begin(r->store);
	if (err) {
		tz_log(TZ_LOG_ERROR, "storage: begin: %s",
		       tz_store_errmsg(r->store));
		return err;
	}
	r->in_tx = true;
	return 0;
}

static void restore_all(struct tz_registry *r);

void reg_deliver(struct tz_registry *r, struct reg_pending *p, bool failed)
{
	if (failed && p->ok) {
		p->rep.status = 500;
		p->rep.reason = "Server Internal Error: storage failed";
		p->rep.contacts = "";
		p->nev = 0;
	}
	for (size_t i = 0; i < p->nev; i++)
		for (unsigned w = 0; w < r->nwatch; w++)
			r->watch[w].h(r->watch[w].arg, p->evs[i].ev,
			              p->evs[i].aor, &p->evs[i].loc);
	if (p->done)
		p->done(p->arg, &p->rep);
	if (p->sync_done)
		p->sync_done(p->arg, p->err ? p->err : failed ? -EIO : 0);
}

/* Commit the open batch, then answer everything waiting for it
 * (DESIGN.md: no 200 before its binding is durable). */
void reg_flush(struct tz_registry *r)
{
	struct reg_pending *p, *pn;
	bool failed = false, early = r->batch_early != 0;

	tz_timer_cancel(&r->cdr_linger);
	if (r->held) {
		tz_mbox_hold(r->mbox, false);
		r->held = false;
	}
	r->batch_early = 0;
	if (r->in_tx) {
		r->in_tx = false;
		if (r->store_failed || tz_store_commit(r->store) != 0) {
			tz_log(TZ_LOG_ERROR, "storage: commit failed: %s",
			       tz_store_errmsg(r->store));
			tz_store_rollback(r->store);
			atomic_fetch_add(&r->store_errors, 1);
			failed = true;
		} else {
			uint64_t mb = atomic_load(&r->max_batch);

			atomic_fetch_add(&r->commits, 1);
			atomic_fetch_add(&r->cdrs, r->batch_cdrs);
			if (r->batch > mb)
				atomic_store(&r->max_batch, r->batch);
		}
	}
	r->store_failed = false;
	if (failed && r->batch_cdrs)
		tz_log(TZ_LOG_ERROR, "storage: %u call records lost",
		       r->batch_cdrs);
	r->batch_cdrs = 0;
	if (failed && (early || r->resync)) {
		/* write-behind: bindings already answered 200 were in the
		 * batch; memory is the truth, the disk follows it */
		tz_log(TZ_LOG_ERROR, "storage: registrations answered before "
		                     "the commit are not on disk: all bindings "
		                     "are written again");
		r->resync = true;
		if (!tz_timer_active(&r->resync_retry))
			tz_timer_start(tz_loop_wheel(r->loop), &r->resync_retry,
			               RESYNC_RETRY_MS, reg_resync_due, r);
	} else if (failed) {
		restore_all(r); /* memory back to what is on disk */
	}
	p = r->pend;
	r->pend = NULL;
	r->pend_tail = &r->pend;
	r->batch = 0;
	for (; p; p = pn) {
		pn = p->next;
		reg_deliver(r, p, failed);
		tz_free(p->evs);
		tz_free(p);
	}
}

static void cdr_due(void *arg)
{
	struct tz_registry *r = arg;

	/* the call records posted meanwhile join this commit */
	tz_mbox_hold(r->mbox, false);
	r->held = false;
	tz_mbox_run(r->mbox);
	reg_flush(r);
}

/* How long a batch nobody waits for stays open: the write-behind the
 * operator chose when it holds answered registrations. */
static unsigned linger_ms(const struct tz_registry *r)
{
	unsigned wb = atomic_load(&r->write_behind);

	return r->batch_early && wb ? wb : CDR_LINGER_MS;
}

static void on_idle(void *arg)
{
	struct tz_registry *r = arg;

	if (!r->polling && r->in_tx && !r->pend &&
	    (r->batch_cdrs || r->batch_early)) {
		/* nobody waits for this commit (call records, registrations
		 * answered already): it waits a little for company */
		if (!tz_timer_active(&r->cdr_linger)) {
			tz_timer_start(tz_loop_wheel(r->loop), &r->cdr_linger,
			               linger_ms(r), cdr_due, r);
			/* call records posted until then wake nobody */
			tz_mbox_hold(r->mbox, true);
			r->held = true;
		}
		return;
	}
	reg_flush(r);
	if (r->polling && !tz_mbox_pending(r->mbox))
		tz_loop_stop(r->loop);
}

void reg_pend_add(struct tz_registry *r, struct reg_pending *p)
{
	p->next = NULL;
	*r->pend_tail = p;
	r->pend_tail = &p->next;
	r->batch++;
}

void reg_add_event(struct tz_registry *r, struct reg_pending *p,
                   enum tz_reg_event ev, const struct reg_binding *b)
{
	struct ev *e;

	if (!r->nwatch || !p)
		return;
	e = tz_realloc(p->evs, (p->nev + 1) * sizeof(*e));
	if (!e) {
		tz_log(TZ_LOG_WARN, "binding event lost: out of memory");
		return;
	}
	p->evs = e;
	e = &p->evs[p->nev++];
	e->ev = ev;
	tz_str_copy(e->aor, sizeof(e->aor), b->aor->aor);
	reg_binding_to_loc(b, reg_now(), &e->loc);
}

/* ---- posted work ---- */

static struct reg_pending *pending_new(const struct msg *m, size_t textlen)
{
	struct reg_pending *p = tz_malloc(sizeof(*p) + textlen + 1);

	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->text[0] = 0;
	p->done = m->kind == MSG_REGISTER ? (tz_reg_done_h *)m->done : NULL;
	p->sync_done = m->kind == MSG_SYNC ? (tz_reg_sync_h *)m->done : NULL;
	p->arg = m->done_arg;
	p->rep.contacts = p->text;
	return p;
}

void reg_run_register(struct tz_registry *r, const struct msg *m)
{
	const struct msg_contact *mc = (const void *)(m + 1);
	const char *s = (const char *)(mc + m->n);
	const char *uri[64], *inst[64];
	struct tz_uri u[64];
	uint64_t parsed = 0;
	struct view v = {0};
	struct reg_pending *p, *tmp;
	struct tz_buf text;
	char mem[512];
	uint32_t h;
	struct reg_aor *a;

	v.aor = s;
	s += strlen(s) + 1;
	v.callid = s;
	s += strlen(s) + 1;
	v.path = s;
	s += strlen(s) + 1;
	v.ua = s;
	s += strlen(s) + 1;
	for (unsigned i = 0; i < m->n; i++) {
		uri[i] = s;
		s += mc[i].uri_len + 1;
		inst[i] = s;
		s += mc[i].inst_len + 1;
	}
	v.mc = mc;
	v.uri = uri;
	v.inst = inst;
	v.u = u;
	v.parsed = &parsed;
	tmp = pending_new(m, 0);
	if (!tmp) {
		struct tz_reg_reply rep = {
		        500, "Server Internal Error: out of memory", "", 0};

		((tz_reg_done_h *)m->done)(m->done_arg, &rep);
		return;
	}
	reg_apply(r, m, &v, tmp);
	/* the answer lists the bindings as they are now */
	tz_buf_init_local(&text, mem, sizeof(mem));
	h = reg_hash(v.aor, strlen(v.aor));
	a = reg_aor_find(reg_shard_of(r, h), v.aor, h);
	if (tmp->rep.status == 200) {
		p = reg_contacts_text(&text, a) == 0
		            ? tz_realloc(tmp, sizeof(*tmp) + text.len + 1)
		            : NULL;
		if (p) {
			tmp = p;
			if (text.len)
				memcpy(tmp->text, text.p, text.len);
			tmp->text[text.len] = 0;
		} else {
			reg_fail(tmp, 500,
			         "Server Internal Error: out of memory");
		}
	}
	tz_buf_free(&text);
	/* the reason may point into the old block: point it anew */
	tmp->rep.reason = tmp->reason[0] ? tmp->reason : NULL;
	tmp->rep.contacts = tmp->text;
	tmp->rep.nbindings = a ? a->n : 0;
	if (reg_direct(r)) {
		/* a worker applied it (write-behind); it answers once it has
		 * let go of apply_mu */
		r->direct_p = tmp;
		return;
	}
	if (atomic_load(&r->write_behind) && !r->store_failed) {
		/* write-behind: the answer leaves now, its changes are
		 * committed within write-behind ms (a crash loses them) */
		reg_deliver(r, tmp, false);
		tz_free(tmp->evs);
		tz_free(tmp);
		if (r->in_tx) {
			r->batch++;
			r->batch_early++;
			if (r->batch + r->batch_cdrs >= BATCH_MAX)
				reg_flush(r);
		}
		return;
	}
	reg_pend_add(r, tmp);
	if (!r->in_tx || r->batch >= BATCH_MAX)
		reg_flush(r); /* nothing to commit (a query), or a full batch */
}

static void drop_aor(struct tz_registry *r, const char *aor,
                     struct reg_pending *p)
{
	uint32_t h = reg_hash(aor, strlen(aor));
	struct reg_shard *sh = reg_shard_of(r, h);
	struct reg_aor *a = reg_aor_find(sh, aor, h);

	while (a && a->b) {
		bool last = a->n == 1;

		reg_drop(r, sh, a->b, p, TZ_REG_REMOVED);
		if (last)
			break;
	}
}

static void run_sync(struct tz_registry *r, const struct msg *m)
{
	const char *aor = (const char *)(m + 1);
	struct reg_pending *p = pending_new(m, 0);
	bool gone = false;
	int err;

	if (!p) {
		((tz_reg_sync_h *)m->done)(m->done_arg, -ENOMEM);
		return;
	}
	if (*aor)
		err = reg_users_sync_one(&r->users, r->store, aor, &gone);
	else
		err = reg_users_load(&r->users, r->store);
	if (!err && gone && (err = reg_ensure_tx(r)) == 0) {
		/* a deleted user's bindings go with it */
		p->ok = true;
		drop_aor(r, aor, p);
	}
	if (err)
		tz_log(TZ_LOG_ERROR, "user sync %s: %s", *aor ? aor : "(all)",
		       strerror(-err));
	p->err = err; /* the caller learns that the cache is stale */
	reg_pend_add(r, p);
	reg_flush(r);
}

/* A call detail record joins the open batch; nobody waits for it. */
static void run_cdr(struct tz_registry *r, const struct msg *m)
{
	struct tz_cdr_rec c;
	int err;

	memcpy(&c, m + 1, sizeof(c)); /* the payload may be unaligned */
	err = reg_ensure_tx(r);       /* which logs its failure */
	if (!err) {
		err = tz_store_cdr_add(r->store, &c);
		if (err)
			tz_log(TZ_LOG_ERROR, "call record %.200s lost: %s",
			       c.call_id, tz_store_errmsg(r->store));
	}
	if (err) {
		atomic_fetch_add(&r->store_errors, 1);
		return;
	}
	r->batch_cdrs++;
	if (r->batch + r->batch_cdrs >= BATCH_MAX)
		reg_flush(r);
}

static void on_msg(void *data, void *arg)
{
	struct tz_registry *r = arg;
	const struct msg *m = data;

	switch (m->kind) {
	case MSG_REGISTER:
	case MSG_SYNC:
		pthread_mutex_lock(&r->apply_mu);
		reg_drain(r); /* the workers' changes first, in order */
		if (m->kind == MSG_REGISTER)
			reg_run_register(r, m);
		else
			run_sync(r, m);
		pthread_mutex_unlock(&r->apply_mu);
		break;
	case MSG_CDR:
		run_cdr(r, m);
		break;
	case MSG_DRAIN:
		tz_timer_cancel(&r->wb_due);
		reg_wb_due(r);
		break;
	case MSG_KICK:
		if (!tz_timer_active(&r->wb_due)) {
			unsigned ms = atomic_load(&r->write_behind);

			tz_timer_start(tz_loop_wheel(r->loop), &r->wb_due,
			               ms ? ms : 1, reg_wb_due, r);
		}
		break;
	case MSG_STOP:
		reg_flush(r);
		tz_loop_stop(r->loop);
		break;
	}
}

int reg_post(struct tz_registry *r, const struct msg *m)
{
	if (atomic_load(&r->closed))
		return -ESHUTDOWN;
	return tz_mbox_post(r->mbox, on_msg, r, m, m->len);
}

int tz_registry_register(struct tz_registry *r,
                         const struct tz_reg_request *req)
{
	size_t alen = strlen(req->aor), ulen = req->user_agent_len, len;
	struct msg *m;
	struct msg_contact *mc;
	char *s;
	int err;

	if (ulen > 127)
		ulen = 127;
	if (req->ncontacts > 64 || alen > TZ_AOR_MAX ||
	    req->call_id_len > 255 || req->path_len > 1023)
		return -EINVAL;
	len = sizeof(*m) + req->ncontacts * sizeof(*mc) + alen +
	      req->call_id_len + req->path_len + ulen + 4;
	for (unsigned i = 0; i < req->ncontacts; i++) {
		if (req->contacts[i].urilen > 511 ||
		    req->contacts[i].instlen > 255)
			return -EINVAL;
		len += req->contacts[i].urilen + req->contacts[i].instlen + 2;
	}
	m = tz_malloc(len);
	if (!m)
		return -ENOMEM;
	memset(m, 0, sizeof(*m));
	m->kind = MSG_REGISTER;
	m->done = (void *)req->done;
	m->done_arg = req->done_arg;
	m->cseq = req->cseq;
	m->star = req->star;
	m->n = req->ncontacts;
	m->src = *req->src;
	m->len = len;
	mc = (struct msg_contact *)(m + 1);
	s = (char *)(mc + req->ncontacts);
#define PUT(p, n)                                                              \
	do {                                                                   \
		if (n)                                                         \
			memcpy(s, p, n);                                       \
		s[n] = 0;                                                      \
		s += (n) + 1;                                                  \
	} while (0)
	PUT(req->aor, alen);
	PUT(req->call_id, req->call_id_len);
	PUT(req->path, req->path_len);
	PUT(req->user_agent, ulen);
	for (unsigned i = 0; i < req->ncontacts; i++) {
		const struct tz_reg_contact *c = &req->contacts[i];

		mc[i].expires = c->expires;
		mc[i].reg_id = c->reg_id;
		mc[i].q = c->q;
		mc[i].uri_len = (uint16_t)c->urilen;
		mc[i].inst_len = (uint16_t)c->instlen;
		PUT(c->uri, c->urilen);
		PUT(c->instance, c->instlen);
	}
#undef PUT
	if (atomic_load(&r->closed))
		err = -ESHUTDOWN;
	else if (atomic_load(&r->write_behind) && !r->nwatch)
		err = reg_register_direct(r, m);
	else
		err = reg_post(r, m);
	tz_free(m);
	return err;
}

int tz_registry_user_sync(struct tz_registry *r, const char *aor,
                          tz_reg_sync_h *done, void *arg)
{
	size_t alen = aor ? strlen(aor) : 0;
	struct msg *m;
	int err;

	if (alen > TZ_AOR_MAX)
		return -EINVAL;
	m = tz_malloc(sizeof(*m) + alen + 1);
	if (!m)
		return -ENOMEM;
	memset(m, 0, sizeof(*m));
	m->kind = MSG_SYNC;
	m->done = (void *)done;
	m->done_arg = arg;
	m->len = sizeof(*m) + alen + 1;
	memcpy(m + 1, aor ? aor : "", alen + 1);
	err = reg_post(r, m);
	tz_free(m);
	return err;
}

int tz_registry_cdr(struct tz_registry *r, const struct tz_cdr_rec *c)
{
	struct msg m;

	if (!memchr(c->caller, 0, sizeof(c->caller)) ||
	    !memchr(c->callee, 0, sizeof(c->callee)) ||
	    !memchr(c->call_id, 0, sizeof(c->call_id)) ||
	    !memchr(c->ended_by, 0, sizeof(c->ended_by)) ||
	    !memchr(c->reason, 0, sizeof(c->reason)))
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	m.kind = MSG_CDR;
	m.len = sizeof(m) + sizeof(*c);
	if (atomic_load(&r->closed))
		return -ESHUTDOWN;
	/* nobody waits for it: no wake-up of its own while a batch of
	 * them lingers (on_idle) */
	return tz_mbox_post_lazy(r->mbox, on_msg, r, &m, sizeof(m), c,
	                         sizeof(*c));
}

/* ---- open, restore, thread ---- */

struct restore {
	struct tz_registry *r;
	int64_t now;
	unsigned n, expired;
};

static int restore_one(void *arg, const struct tz_binding_rec *rec)
{
	struct restore *rs = arg;
	struct tz_registry *r = rs->r;
	uint32_t h = reg_hash(rec->aor, strlen(rec->aor));
	struct reg_shard *sh = reg_shard_of(r, h);
	struct reg_binding *b;
	struct reg_aor *a;

	if (rec->expires_at <= rs->now) {
		rs->expired++;
		return 0;
	}
	b = reg_binding_new(rec, NULL);
	if (!b)
		return -ENOMEM;
	pthread_rwlock_wrlock(&sh->lock);
	a = reg_aor_get(r, sh, rec->aor, h);
	if (a) {
		b->aor = a;
		b->reg = r;
		b->seq = ++r->seq;
		b->next = a->b;
		a->b = b;
		a->n++;
	}
	pthread_rwlock_unlock(&sh->lock);
	if (!a) {
		tz_free(b);
		return -ENOMEM;
	}
	atomic_fetch_add(&r->nbindings, 1);
	reg_start_timer(r, b);
	rs->n++;
	return 0;
}

static void clear_all(struct tz_registry *r)
{
	for (unsigned i = 0; i < REG_SHARDS; i++) {
		struct reg_shard *sh = &r->shard[i];

		if (!sh->tab)
			continue; /* a failed open */
		pthread_rwlock_wrlock(&sh->lock);
		reg_shard_clear(sh);
		pthread_rwlock_unlock(&sh->lock);
	}
	atomic_store(&r->naors, 0);
	atomic_store(&r->nbindings, 0);
}

static int restore(struct tz_registry *r, unsigned *n, unsigned *expired)
{
	struct restore rs = {r, reg_now(), 0, 0};
	int err = tz_store_binding_each(r->store, restore_one, &rs);

	/* bindings that ended while the server was down */
	if (!err && rs.expired)
		err = tz_store_binding_expire(r->store, rs.now, NULL);
	*n = rs.n;
	*expired = rs.expired;
	return err;
}

static void restore_all(struct tz_registry *r)
{
	unsigned n, x;

	pthread_mutex_lock(&r->apply_mu);
	reg_drain(r); /* nothing of the lists may point at what goes */
	clear_all(r);
	if (restore(r, &n, &x) != 0)
		tz_log(TZ_LOG_ERROR, "storage: reloading bindings: %s",
		       tz_store_errmsg(r->store));
	pthread_mutex_unlock(&r->apply_mu);
}

static int load_secret(struct tz_registry *r)
{
	size_t len = sizeof(r->secret);
	int err = tz_store_meta_get(r->store, "nonce-secret", r->secret, &len);

	if (!err && len == sizeof(r->secret))
		return 0;
	if (err && err != -ENOENT)
		return err;
	/* RFC7616 5.4: nonces must not be forgeable: a random key */
	if (RAND_bytes(r->secret, sizeof(r->secret)) != 1)
		return -EIO;
	return tz_store_meta_set(r->store, "nonce-secret", r->secret,
	                         sizeof(r->secret));
}

int tz_registry_open(struct tz_registry **out, const char *db, char *err,
                     size_t errlen)
{
	struct tz_registry *r = tz_malloc(sizeof(*r));
	unsigned n = 0, x = 0;
	int e;

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memset(r, 0, sizeof(*r));
	r->pend_tail = &r->pend;
	tz_timer_init(&r->cdr_linger);
	tz_timer_init(&r->resync_retry);
	tz_timer_init(&r->wb_due);
	r->ops_tail = &r->ops;
	{
		pthread_mutexattr_t ma;

		/* recursive: a commit that fails on the storage thread
		 * reloads the table while it may hold the lock already */
		pthread_mutexattr_init(&ma);
		pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
		pthread_mutex_init(&r->apply_mu, &ma);
		pthread_mutexattr_destroy(&ma);
	}
	atomic_store(&r->max_contacts, 10);
	e = reg_table_init(r);
	if (!e)
		e = reg_users_init(&r->users);
	if (!e)
		e = tz_loop_alloc(&r->loop, 64);
	if (!e)
		e = tz_mbox_alloc(&r->mbox, r->loop);
	if (e) {
		snprintf(err, errlen, "registry: %s", strerror(-e));
		goto fail;
	}
	tz_loop_set_idle(r->loop, on_idle, r);
	e = tz_store_open(&r->store, db, err, errlen);
	if (e)
		goto fail;
	e = load_secret(r);
	if (!e)
		e = reg_users_load(&r->users, r->store);
	if (!e)
		e = restore(r, &n, &x);
	if (e) {
		snprintf(err, errlen, "%s: %s", db,
		         e == -ENOMEM ? "out of memory"
		                      : tz_store_errmsg(r->store));
		goto fail;
	}
	tz_log(TZ_LOG_INFO,
	       "storage %s: %" PRIu64 " users, %u bindings restored, %u "
	       "expired while down",
	       db, reg_users_count(&r->users), n, x);
	*out = r;
	return 0;
fail:
	tz_registry_free(r);
	return e;
}

static void *thread_main(void *arg)
{
	struct tz_registry *r = arg;

	tz_log_thread("store");
	tz_loop_run(r->loop);
	return NULL;
}

int tz_registry_start(struct tz_registry *r)
{
	int e = pthread_create(&r->thread, NULL, thread_main, r);

	if (e)
		return -e;
	r->started = true;
	return 0;
}

/* Without the thread: run what is queued on the calling thread; on_idle
 * ends the loop once the queue is empty and the batch committed. */
static void run_queue(struct tz_registry *r)
{
	if (tz_mbox_pending(r->mbox)) {
		r->polling = true;
		tz_loop_run(r->loop);
		r->polling = false;
	}
	reg_flush(r);
}

void tz_registry_poll(struct tz_registry *r)
{
	if (r->started)
		return;
	/* timers due first, then the queue */
	tz_wheel_advance(tz_loop_wheel(r->loop), tz_loop_now());
	pthread_mutex_lock(&r->apply_mu);
	reg_drain(r);
	pthread_mutex_unlock(&r->apply_mu);
	run_queue(r);
}

void tz_registry_free(struct tz_registry *r)
{
	if (!r)
		return;
	if (r->started) {
		struct msg m = {.kind = MSG_STOP, .len = sizeof(m)};

		tz_mbox_post(r->mbox, on_msg, r, &m, sizeof(m));
		atomic_store(&r->closed, true);
		pthread_join(r->thread, NULL);
	}
	atomic_store(&r->closed, true);
	if (r->store) {
		/* the workers' last changes (no worker runs any more) */
		pthread_mutex_lock(&r->apply_mu);
		reg_drain(r);
		pthread_mutex_unlock(&r->apply_mu);
	}
	/* what was queued is done (call records written); with the thread,
	 * MSG_STOP came after it */
	if (!r->started && r->store && r->mbox)
		run_queue(r);
	else if (r->store)
		reg_flush(r);
	if (r->store && r->resync) {
		/* a last try: answered bindings still missing on disk */
		reg_resync(r);
		reg_flush(r);
		if (r->resync)
			tz_log(TZ_LOG_ERROR, "storage: bindings answered with "
			                     "write-behind were not written");
	}
	tz_timer_cancel(&r->resync_retry);
	tz_timer_cancel(&r->wb_due);
	clear_all(r);
	tz_mbox_free(r->mbox);
	tz_loop_free(r->loop);
	tz_store_close(r->store);
	reg_users_fini(&r->users);
	reg_table_fini(r);
	pthread_mutex_destroy(&r->apply_mu);
	tz_free(r);
}

void tz_registry_set_max_contacts(struct tz_registry *r, unsigned n)
{
	atomic_store(&r->max_contacts, n);
}

void tz_registry_set_write_behind(struct tz_registry *r, unsigned ms)
{
	atomic_store(&r->write_behind, ms);
}

void tz_registry_secret(const struct tz_registry *r,
                        uint8_t out[TZ_DIGEST_SECRET_LEN])
{
	memcpy(out, r->secret, TZ_DIGEST_SECRET_LEN);
}

int tz_registry_watch(struct tz_registry *r, tz_reg_event_h *h, void *arg)
{
	if (r->nwatch >= REG_WATCHERS)
		return -ENOSPC;
	r->watch[r->nwatch].h = h;
	r->watch[r->nwatch].arg = arg;
	r->nwatch++;
	return 0;
}

void tz_registry_stats(struct tz_registry *r, struct tz_registry_stats *st)
{
	st->aors = atomic_load(&r->naors);
	st->bindings = atomic_load(&r->nbindings);
	st->users = reg_users_count(&r->users);
	st->registers = atomic_load(&r->registers);
	st->commits = atomic_load(&r->commits);
	st->max_batch = atomic_load(&r->max_batch);
	st->expired = atomic_load(&r->expired);
	st->store_errors = atomic_load(&r->store_errors);
	st->cdrs = atomic_load(&r->cdrs);
}
