/*
 * behind.c  Write-behind (tz_registry_set_write_behind): a worker applies
 * a REGISTER itself under apply_mu and answers at once; what only the
 * storage thread may do (write the changes, start expiry timers, free
 * replaced bindings) waits in lists it drains once per window, writing
 * and committing outside the mutex. After a lost commit the whole table
 * is written again (memory is the truth then).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "reg_int.h"
#include "tz/tz_log.h"
#include "tz/tz_mem.h"

/* Write every binding in memory into the open batch, after deleting
 * every row: the disk catches up with what was answered. */
void reg_resync(struct tz_registry *r)
{
	struct tz_binding_rec rec;
	int err;

	pthread_mutex_lock(&r->apply_mu);
	reg_drain(r);
	err = reg_ensure_tx(r);
	if (!err)
		err = tz_store_binding_expire(r->store, INT64_MAX, NULL);
	for (unsigned i = 0; i < REG_SHARDS && !err; i++) {
		const struct reg_shard *sh = &r->shard[i];

		for (uint32_t k = 0; k < sh->size && !err; k++)
			for (const struct reg_aor *a = sh->tab[k]; a && !err;
			     a = a->next)
				for (const struct reg_binding *b = a->b;
				     b && !err; b = b->next) {
					reg_binding_rec(b, a->aor, &rec);
					err = tz_store_binding_put(r->store,
					                           &rec);
				}
	}
	if (err) {
		tz_log(TZ_LOG_ERROR, "storage: writing the bindings again: %s",
		       tz_store_errmsg(r->store));
		atomic_fetch_add(&r->store_errors, 1);
		if (r->in_tx) {
			/* what else the batch held goes too: the next resync
			 * writes the whole table anyway */
			tz_store_rollback(r->store);
			r->in_tx = false;
		}
		tz_timer_start(tz_loop_wheel(r->loop), &r->resync_retry,
		               RESYNC_RETRY_MS, reg_resync_due, r);
		pthread_mutex_unlock(&r->apply_mu);
		return;
	}
	r->resync = false;
	r->batch_early++; /* nobody waits: the commit comes as for them */
	pthread_mutex_unlock(&r->apply_mu);
	tz_log(TZ_LOG_INFO, "storage: all bindings written again");
}

/* What one drain took from the lists. */
struct drained {
	struct reg_op *ops;
	struct reg_binding *grave;
	unsigned nops, nreq;
	bool lost;
};

/* apply_mu held: start the timers of new bindings, take the rest */
static void drain_take(struct tz_registry *r, struct drained *d)
{
	struct reg_binding *b, *bn;

	for (b = r->todo; b; b = bn) {
		bn = b->todo_next;
		b->todo_next = NULL;
		if (!b->dead)
			reg_start_timer(r, b);
	}
	r->todo = NULL;
	d->ops = r->ops;
	d->nops = r->nops;
	d->grave = r->grave;
	d->nreq = r->direct_n;
	d->lost = r->ops_lost;
	/* replaced or removed already: a later op says what to write */
	for (struct reg_op *o = d->ops; o; o = o->next)
		o->skip = o->b && o->b->dead;
	r->ops = NULL;
	r->ops_tail = &r->ops;
	r->nops = 0;
	r->grave = NULL;
	r->direct_n = 0;
	r->ops_lost = false;
	r->kicked = false;
	r->drain_asked = false;
}

/* The writes, with or without apply_mu: what the ops point at lives
 * until the grave taken with them is freed, here, after them; a binding
 * never changes once in the table. */
static void drain_write(struct tz_registry *r, struct drained *d)
{
	struct reg_binding *b, *bn;
	struct reg_op *o, *on;
	struct tz_binding_rec rec;
	int err = d->ops ? reg_ensure_tx(r) : 0;

	for (o = d->ops; o; o = on) {
		on = o->next;
		if (err || o->skip) {
			/* lost with the batch (resync below), or skipped */
		} else if (o->b) {
			reg_binding_rec(o->b, o->s, &rec);
			err = tz_store_binding_put(r->store, &rec);
		} else {
			err = tz_store_binding_del(r->store, o->s,
			                           o->s + strlen(o->s) + 1);
			if (err == -ENOENT)
				err = 0;
		}
		tz_free(o);
	}
	for (b = d->grave; b; b = bn) {
		bn = b->next;
		tz_timer_cancel(&b->expiry);
		tz_free(b);
	}
	r->batch += d->nreq;
	r->batch_early += d->nops;
	if (err) {
		tz_log(TZ_LOG_ERROR, "storage: write-behind: %s",
		       tz_store_errmsg(r->store));
		if (r->in_tx)
			r->store_failed = true; /* the commit rolls back */
		d->lost = true;
	}
	if (d->lost) {
		/* memory is the truth: the table is written again */
		r->resync = true;
		if (!tz_timer_active(&r->resync_retry))
			tz_timer_start(tz_loop_wheel(r->loop), &r->resync_retry,
			               RESYNC_RETRY_MS, reg_resync_due, r);
	}
}

void reg_drain(struct tz_registry *r)
{
	struct drained d;

	drain_take(r, &d);
	drain_write(r, &d);
}

/* the write-behind window is over: the workers' changes are committed */
void reg_wb_due(void *arg)
{
	struct tz_registry *r = arg;
	struct drained d;

	/* the workers wait for the lists only, not for the writes */
	pthread_mutex_lock(&r->apply_mu);
	drain_take(r, &d);
	pthread_mutex_unlock(&r->apply_mu);
	drain_write(r, &d);
	reg_flush(r);
}

void reg_resync_due(void *arg)
{
	struct tz_registry *r = arg;

	if (r->resync)
		reg_resync(r);
}

/* Write-behind: the calling worker applies the REGISTER itself and
 * answers at once; its writes wait for the storage thread, told once
 * per window (MSG_KICK). No thread hand-off, no wake-up per request. */
int reg_register_direct(struct tz_registry *r, const struct msg *m)
{
	struct msg kick = {.kind = MSG_KICK, .len = sizeof(kick)};
	struct reg_pending *p;
	bool tell, full;

	pthread_mutex_lock(&r->apply_mu);
	reg_applying = r;
	reg_run_register(r, m);
	reg_applying = NULL;
	p = r->direct_p;
	r->direct_p = NULL;
	r->direct_n++;
	tell = !r->kicked && (r->ops || r->todo || r->grave || r->ops_lost);
	if (tell && r->started)
		r->kicked = true;
	/* at BATCH_MAX changes the batch goes at once */
	full = r->started && r->nops >= BATCH_MAX && !r->drain_asked;
	if (full)
		r->drain_asked = true;
	pthread_mutex_unlock(&r->apply_mu);
	if (tell && r->started && reg_post(r, &kick) != 0) {
		pthread_mutex_lock(&r->apply_mu);
		r->kicked = false; /* the next request tries again */
		pthread_mutex_unlock(&r->apply_mu);
	}
	kick.kind = MSG_DRAIN;
	if (full && reg_post(r, &kick) != 0) {
		pthread_mutex_lock(&r->apply_mu);
		r->drain_asked = false;
		pthread_mutex_unlock(&r->apply_mu);
	}
	if (p) {
		reg_deliver(r, p, false);
		tz_free(p->evs);
		tz_free(p);
	}
	return 0;
}
