/*
 * apply.c  Binding changes: a REGISTER applied to the in-memory table and
 * written into the open batch (RFC 3261 10.3 items 6-8, RFC 5626 6),
 * removal and expiry by timer. On the storage thread, or with
 * write-behind on a worker, whose writes and timers wait in lists for
 * the storage thread (reg_direct).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "reg_int.h"
#include "tz/tz_log.h"
#include "tz/tz_mem.h"
#include "tz/tz_uri.h"

/* ---- binding changes (storage thread; each under the shard lock) ---- */

static void expire(void *arg);

void reg_start_timer(struct tz_registry *r, struct reg_binding *b)
{
	int64_t left = b->expires_at - reg_now();

	tz_timer_start(tz_loop_wheel(r->loop), &b->expiry,
	               left > 0 ? (uint64_t)left * 1000 : 0, expire, b);
}

/* ---- where a change goes: the store and the wheel, or the lists ---- */

/* a change for the storage thread to write: put @p b (at its state
 * then), or with @p b NULL delete the row of the strings of @p o */
static void op_add(struct tz_registry *r, struct reg_op *o,
                   struct reg_binding *b)
{
	o->next = NULL;
	o->b = b;
	o->skip = false;
	*r->ops_tail = o;
	r->ops_tail = &o->next;
	r->nops++;
}

static int op_put(struct tz_registry *r, struct reg_binding *b)
{
	size_t la = strlen(b->aor->aor) + 1;
	struct reg_op *o = tz_malloc(sizeof(*o) + la);

	if (!o)
		return -ENOMEM;
	memcpy(o->s, b->aor->aor, la);
	op_add(r, o, b);
	return 0;
}

static int op_del(struct tz_registry *r, const char *aor, const char *contact)
{
	size_t la = strlen(aor) + 1, lc = strlen(contact) + 1;
	struct reg_op *o = tz_malloc(sizeof(*o) + la + lc);

	if (!o)
		return -ENOMEM;
	memcpy(o->s, aor, la);
	memcpy(o->s + la, contact, lc);
	op_add(r, o, NULL);
	return 0;
}

/* delete a row; one that is not there is no error */
static int store_del(struct tz_registry *r, const char *aor,
                     const char *contact)
{
	int err;

	if (reg_direct(r))
		return op_del(r, aor, contact);
	err = tz_store_binding_del(r->store, aor, contact);
	return err == -ENOENT ? 0 : err;
}

static const char *store_why(struct tz_registry *r)
{
	return reg_direct(r) ? "out of memory" : tz_store_errmsg(r->store);
}

/* @p b is out of the table: freed, or left to the storage thread */
static void binding_gone(struct tz_registry *r, struct reg_binding *b)
{
	if (reg_direct(r)) {
		b->dead = true;
		b->next = r->grave;
		r->grave = b;
		return;
	}
	tz_timer_cancel(&b->expiry);
	tz_free(b);
}

static void start_timer(struct tz_registry *r, struct reg_binding *b)
{
	if (reg_direct(r)) {
		b->todo_next = r->todo;
		r->todo = b;
	} else {
		reg_start_timer(r, b);
	}
}

static void unlink_binding(struct reg_aor *a, struct reg_binding *b)
{
	struct reg_binding **pp = &a->b;

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == b) {
			*pp = b->next;
			a->n--;
			return;
		}
	}
}

/* Remove @p b from memory and (in the batch) from the store. */
void reg_drop(struct tz_registry *r, struct reg_shard *sh,
              struct reg_binding *b, struct reg_pending *p,
              enum tz_reg_event ev)
{
	struct reg_aor *a = b->aor;
	int err = store_del(r, a->aor, reg_b_contact(b));

	if (err) {
		tz_log(TZ_LOG_ERROR, "storage: delete binding: %s",
		       store_why(r));
		if (reg_direct(r))
			r->ops_lost = true;
	}
	reg_add_event(r, p, ev, b);
	pthread_rwlock_wrlock(&sh->lock);
	unlink_binding(a, b);
	reg_aor_put(r, sh, a);
	pthread_rwlock_unlock(&sh->lock);
	atomic_fetch_sub(&r->nbindings, 1);
	binding_gone(r, b);
}

/* RFC3261 10.3: a binding reaches its expiration: it goes */
static void expire(void *arg)
{
	struct reg_binding *b = arg;
	struct tz_registry *r = b->reg;
	struct reg_pending *p = NULL;

	pthread_mutex_lock(&r->apply_mu);
	if (b->dead) {
		/* a worker replaced it meanwhile: the drain frees it */
		pthread_mutex_unlock(&r->apply_mu);
		return;
	}
	reg_drain(r); /* the workers' changes first, in order */
	if (reg_ensure_tx(r) != 0) {
		/* try again shortly: the store is failing */
		tz_timer_start(tz_loop_wheel(r->loop), &b->expiry, 1000, expire,
		               b);
		pthread_mutex_unlock(&r->apply_mu);
		return;
	}
	if (r->nwatch) {
		/* an answer-less pending entry carries the event past the
		 * commit */
		p = tz_malloc(sizeof(*p) + 1);
		if (p) {
			memset(p, 0, sizeof(*p) + 1);
			p->ok = true;
			reg_pend_add(r, p);
		}
	}
	atomic_fetch_add(&r->expired, 1);
	reg_drop(r, reg_shard_of(r, b->aor->hash), b, p, TZ_REG_EXPIRED);
	pthread_mutex_unlock(&r->apply_mu);
}

/* Put @p nb in memory (replacing @p old, when not NULL) and in the
 * batch. */
static int put(struct tz_registry *r, struct reg_shard *sh, struct reg_aor *a,
               struct reg_binding *nb, struct reg_binding *old,
               struct reg_pending *p, const struct tz_binding_rec *rec)
{
	int err;

	nb->aor = a;
	nb->reg = r;
	nb->seq = ++r->seq;
	if (old && strcmp(reg_b_contact(old), rec->contact)) {
		/* RFC5626 6: the same instance and reg-id with a new
		 * Contact URI replaces the old row */
		err = store_del(r, a->aor, reg_b_contact(old));
		if (err)
			return err;
	}
	err = reg_direct(r) ? op_put(r, nb)
	                    : tz_store_binding_put(r->store, rec);
	if (err)
		return err;
	pthread_rwlock_wrlock(&sh->lock);
	if (old)
		unlink_binding(a, old);
	nb->next = a->b;
	a->b = nb;
	a->n++;
	pthread_rwlock_unlock(&sh->lock);
	start_timer(r, nb);
	reg_add_event(r, p, old ? TZ_REG_REFRESHED : TZ_REG_ADDED, nb);
	if (old)
		binding_gone(r, old);
	else
		atomic_fetch_add(&r->nbindings, 1);
	return 0;
}

/* RFC3261 10.3 item 8: every current binding with its expires */
int reg_contacts_text(struct tz_buf *b, const struct reg_aor *a)
{
	int64_t now = reg_now();
	int err = 0;

	for (const struct reg_binding *x = a ? a->b : NULL; x && !err;
	     x = x->next) {
		int64_t left = x->expires_at - now;

		if (left <= 0)
			continue; /* not current: its timer is on the way */
		/* put, not printf: this runs for every registration */
		tz_buf_puts(b, "Contact: <");
		tz_buf_puts(b, reg_b_contact(x));
		tz_buf_puts(b, ">;expires=");
		tz_buf_put_u64(b, left > 0 ? (uint64_t)left : 0);
		if (x->q != 1000)
			tz_buf_printf(b, ";q=0.%03u", x->q);
		if (x->inst_len) {
			tz_buf_puts(b, ";+sip.instance=\"");
			tz_buf_puts(b, reg_b_instance(x));
			tz_buf_putc(b, '"');
		}
		if (x->reg_id) {
			tz_buf_puts(b, ";reg-id=");
			tz_buf_put_u64(b, x->reg_id);
		}
		err = tz_buf_puts(b, "\r\n");
	}
	return err;
}

/* Contact @p i of the request, parsed the first time a comparison
 * needs it (a new binding or a byte-identical refresh never does). */
static const struct tz_uri *view_uri(const struct view *v, unsigned i)
{
	if (!(*v->parsed & (UINT64_C(1) << i))) {
		if (tz_uri_parse(&v->u[i], v->uri[i], 0, v->mc[i].uri_len) != 0)
			memset(&v->u[i], 0, sizeof(v->u[i])); /* checked by
			                                          the caller */
		*v->parsed |= UINT64_C(1) << i;
	}
	return &v->u[i];
}

static bool same_contact(const struct view *v, unsigned i,
                         const struct reg_binding *b)
{
	const struct msg_contact *c = &v->mc[i];
	struct tz_uri bu;
	const char *bs = reg_b_contact(b);

	/* RFC5626 6: with +sip.instance and reg-id, the binding is the
	 * AOR, instance and reg-id, whatever the Contact URI */
	if (c->inst_len && c->reg_id)
		return b->reg_id == c->reg_id && b->inst_len == c->inst_len &&
		       !memcmp(reg_b_instance(b), v->inst[i], c->inst_len);
	if (b->reg_id && b->inst_len)
		return false;
	/* RFC3261 10.3 item 7: the Contact URI, compared per 19.1.4 (the
	 * same bytes are the same URI: a refresh mostly sends them) */
	if (b->contact_len == c->uri_len && !memcmp(bs, v->uri[i], c->uri_len))
		return true;
	if (tz_uri_parse(&bu, bs, 0, b->contact_len) != 0)
		return false;
	return tz_uri_equal(v->uri[i], view_uri(v, i), bs, &bu);
}

static struct reg_binding *find(const struct view *v, unsigned i,
                                struct reg_aor *a)
{
	for (struct reg_binding *b = a ? a->b : NULL; b; b = b->next)
		if (same_contact(v, i, b))
			return b;
	return NULL;
}

/* RFC3261 10.3 item 7: same Call-ID needs a higher CSeq */
static bool stale_cseq(const struct view *v, const struct msg *m,
                       const struct reg_binding *b)
{
	return !strcmp(reg_b_callid(b), v->callid) && m->cseq <= b->cseq;
}

void reg_fail(struct reg_pending *p, uint16_t status, const char *reason)
{
	p->rep.status = status;
	tz_str_copy(p->reason, sizeof(p->reason), reason);
	p->rep.reason = p->reason;
}

/* Apply one REGISTER; @p p gets its answer. All or nothing: every check
 * is made before the first change. */
void reg_apply(struct tz_registry *r, const struct msg *m, const struct view *v,
               struct reg_pending *p)
{
	uint32_t h = reg_hash(v->aor, strlen(v->aor));
	struct reg_shard *sh = reg_shard_of(r, h);
	struct reg_aor *a = reg_aor_find(sh, v->aor, h);
	unsigned max = atomic_load(&r->max_contacts);
	int64_t now = reg_now();
	unsigned after;
	int err = 0;

	p->rep.status = 200;
	if (m->star) {
		/* RFC3261 10.3 item 6: "*" removes every binding, unless
		 * one from this Call-ID has a CSeq not below the request's */
		for (struct reg_binding *b = a ? a->b : NULL; b; b = b->next) {
			if (stale_cseq(v, m, b)) {
				reg_fail(p, 400, "Invalid CSeq number");
				return;
			}
		}
		if (a && (err = reg_ensure_tx(r)) == 0) {
			p->ok = true;
			while (a->b && !err) {
				bool last = a->n == 1;

				reg_drop(r, sh, a->b, p, TZ_REG_REMOVED);
				if (last)
					break; /* the AOR is freed */
			}
		}
		goto done;
	}
	/* the checks */
	after = a ? a->n : 0;
	for (unsigned i = 0; i < m->n; i++) {
		struct reg_binding *b = find(v, i, a);
		bool dup = false;

		for (unsigned j = 0; j < i && !dup; j++)
			dup = (v->mc[j].inst_len && v->mc[j].reg_id)
			              ? v->mc[j].reg_id == v->mc[i].reg_id &&
			                        v->mc[j].inst_len ==
			                                v->mc[i].inst_len &&
			                        !memcmp(v->inst[j], v->inst[i],
			                                v->mc[i].inst_len)
			              : tz_uri_equal(v->uri[j], view_uri(v, j),
			                             v->uri[i], view_uri(v, i));
		if (b && stale_cseq(v, m, b)) {
			reg_fail(p, 400, "Invalid CSeq number");
			return;
		}
		if (dup)
			continue; /* the later one wins; counted once */
		if (!b && v->mc[i].expires)
			after++;
		else if (b && !v->mc[i].expires)
			after--;
	}
	if (after > max && after > (a ? a->n : 0)) {
		snprintf(p->reason, sizeof(p->reason),
		         "Forbidden: more than %u contacts", max);
		p->rep.status = 403;
		p->rep.reason = p->reason;
		return;
	}
	if (m->n && (err = reg_ensure_tx(r)) != 0)
		goto done;
	/* the changes */
	for (unsigned i = 0; i < m->n && !err; i++) {
		const struct msg_contact *c = &v->mc[i];
		struct reg_binding *b = find(v, i, a), *nb;
		struct tz_binding_rec rec;

		p->ok = true;
		if (!c->expires) {
			/* RFC3261 10.3 item 7: expires 0 removes */
			if (b) {
				bool last = a->n == 1;

				reg_drop(r, sh, b, p, TZ_REG_REMOVED);
				if (last)
					a = NULL;
			}
			continue;
		}
		memset(&rec, 0, sizeof(rec));
		memcpy(rec.aor, v->aor, strlen(v->aor));
		memcpy(rec.contact, v->uri[i], c->uri_len);
		tz_str_copy(rec.call_id, sizeof(rec.call_id), v->callid);
		tz_str_copy(rec.path, sizeof(rec.path), v->path);
		memcpy(rec.instance, v->inst[i], c->inst_len);
		tz_str_copy(rec.user_agent, sizeof(rec.user_agent), v->ua);
		rec.q = c->q;
		rec.cseq = m->cseq;
		rec.reg_id = c->reg_id;
		rec.expires_at = now + c->expires;
		nb = reg_binding_new(&rec, &m->src);
		if (!nb) {
			err = -ENOMEM;
			break;
		}
		/* the row's source: written here only without write-behind
		 * (with it, drain_write makes the row from the binding) */
		if (!reg_direct(r))
			reg_binding_src(nb, rec.received, sizeof(rec.received));
		if (!a) {
			pthread_rwlock_wrlock(&sh->lock);
			a = reg_aor_get(r, sh, v->aor, h);
			pthread_rwlock_unlock(&sh->lock);
			if (!a) {
				tz_free(nb);
				err = -ENOMEM;
				break;
			}
		}
		err = put(r, sh, a, nb, b, p, &rec);
		if (err)
			tz_free(nb);
	}
done:
	if (err) {
		/* the batch is rolled back with the others in it */
		tz_log(TZ_LOG_ERROR, "registrar: %s: %s", v->aor,
		       err == -ENOMEM ? "out of memory"
		                      : tz_store_errmsg(r->store));
		if (reg_direct(r)) {
			/* a worker's (write-behind): memory and the lists
			 * may hold part of it; the table is written again */
			r->ops_lost = true;
			reg_fail(p, 500,
			         "Server Internal Error: out of memory");
		} else {
			p->ok = true;
			r->store_failed = true;
		}
	}
	atomic_fetch_add(&r->registers, 1);
}
