/*
 * dialog.c  The dialogs a dialog-stateful proxy record-routed (RFC 3261
 * 12, 16.6 item 4) and their call detail records: a dialog is created by
 * the 2xx to an INVITE we forwarded, ends with a BYE from either side, or
 * expires when its session timer (RFC 4028 10: Session-Expires with no
 * refresh) or the dialog-timeout runs out. A call that fails gets its
 * record at once. The table is shared by the workers: sharded, one mutex
 * per shard; expiry is a scan from the main thread once a second.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "srv_int.h"
#include "tz/tz_build.h"
#include "tz/tz_hval.h"
#include "tz/tz_log.h"
#include "tz/tz_mem.h"
#include "tz/tz_msg_typed.h"
#include "tz/tz_registry.h"
#include "tz/tz_siphash.h"

#define SHARDS 64

struct dlg_table {
	struct {
		pthread_mutex_t lock;
		struct dlg *head;
	} sh[SHARDS];
	atomic_uint count;
};

uint64_t srv_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int dlg_table_alloc(struct dlg_table **out)
{
	struct dlg_table *t = tz_malloc(sizeof(*t));

	if (!t)
		return -ENOMEM;
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < SHARDS; i++)
		pthread_mutex_init(&t->sh[i].lock, NULL);
	*out = t;
	return 0;
}

void dlg_table_free(struct dlg_table *t)
{
	if (!t)
		return;
	for (unsigned i = 0; i < SHARDS; i++) {
		struct dlg *d, *n;

		for (d = t->sh[i].head; d; d = n) {
			n = d->next;
			tz_free(d);
		}
		pthread_mutex_destroy(&t->sh[i].lock);
	}
	tz_free(t);
}

unsigned dlg_count(struct dlg_table *t)
{
	return t ? atomic_load(&t->count) : 0;
}

static uint32_t hash_callid(const char *p, size_t n)
{
	return tz_table_hash(p, n); /* the peer's choice: keyed */
}

/* What fits of span @p s into @p out (@p n >= 1), terminated: no
 * printf on the per-call path. */
static void span_copy(char *out, size_t n, const char *base, struct tz_span s)
{
	size_t k = s.len < n ? s.len : n - 1;

	memcpy(out, base + s.off, k);
	out[k] = '\0';
}

/* "<status> <phrase>" into @p out (@p n >= 1), cut to fit. */
static void reason_text(char *out, size_t n, uint16_t status,
                        const char *phrase)
{
	char t[128];
	size_t k = srv_put_dec(t, status);

	t[k++] = ' ';
	tz_str_copy(t + k, sizeof(t) - k, phrase);
	tz_str_copy(out, n, t);
}

/* The parts of a record the INVITE gives. */
static void cdr_from_invite(struct tz_cdr_rec *c, const struct tz_msg *req)
{
	memset(c, 0, sizeof(*c));
	span_copy(c->caller, sizeof(c->caller), req->buf, req->from.uri);
	span_copy(c->callee, sizeof(c->callee), req->buf, req->to.uri);
	span_copy(c->call_id, sizeof(c->call_id), req->buf, req->call_id);
}

static void cdr_write(struct tz_server *s, const struct tz_cdr_rec *c)
{
	int err = tz_registry_cdr(s->reg, c);

	if (err)
		tz_log(TZ_LOG_WARN, "call detail record lost: %s",
		       strerror(-err));
}

void acct_final(struct worker *w, const struct tz_msg *req, uint16_t status,
                uint64_t start_ms)
{
	struct tz_cdr_rec c;

	cdr_from_invite(&c, req);
	c.start_ms = (int64_t)start_ms;
	c.end_ms = (int64_t)srv_wall_ms();
	c.status = status;
	/* who ended it: the caller's CANCEL, or the callee's (or the
	 * network's) final answer */
	tz_str_copy(c.ended_by, sizeof(c.ended_by),
	            status == 487 ? "caller"
	            : status == 408 || status == 480 || status >= 500
	                    ? "proxy"
	                    : "callee");
	reason_text(c.reason, sizeof(c.reason), status,
	            status == 487 ? "CANCEL" : tz_status_phrase(status));
	cdr_write(w->srv, &c);
}

/* RFC4028 4, 10: the session interval of the 2xx (or the INVITE). */
static uint32_t session_interval(const struct tz_msg *resp,
                                 const struct tz_msg *req)
{
	const struct tz_msg *m[2] = {resp, req};

	for (int i = 0; i < 2; i++) {
		const struct tz_hdr *h =
		        tz_msg_hdr_find(m[i], TZ_HDR_SESSION_EXPIRES, 0);
		struct tz_session_expires se;

		if (h &&
		    tz_session_expires_decode(&se, m[i]->buf, h->value) == 0)
			return se.delta;
	}
	return 0;
}

/* The Contact URI of @p m (its remote target, RFC 3261 12.1.1); false
 * when there is none or it does not fit. */
static bool contact_uri(const struct tz_msg *m, char *out, size_t n)
{
	const struct tz_hdr *h = tz_msg_hdr_find(m, TZ_HDR_CONTACT, 0);
	struct tz_contact ct;
	uint32_t pos;

	out[0] = 0;
	if (!h)
		return false;
	pos = h->value.off;
	if (tz_contact_next(&ct, m->buf, &pos, h->value.off + h->value.len) ||
	    ct.star || ct.na.uri.len >= n)
		return false;
	span_copy(out, n, m->buf, ct.na.uri);
	return true;
}

/* Append element @p e (a Record-Route value) to the list in @p out. */
static bool route_add(char *out, size_t n, const char *base, struct tz_span e)
{
	size_t len = strlen(out);

	if (len + e.len + 3 > n)
		return false;
	if (len) {
		memcpy(out + len, ", ", 2);
		len += 2;
	}
	span_copy(out + len, n - len, base, e);
	return true;
}

/* RFC3261 12.1.1, 16.6 item 4: the Record-Route of the 2xx lists the
 * proxies of the request path, the callee's nearest first. The entries
 * above ours lie toward the callee (P's Route set toward it is theirs,
 * reversed); those below ours lie toward the caller, in order. False
 * when they cannot be told apart (we did not record-route) or do not
 * fit. */
static bool route_sets(const struct tz_config *c, const struct tz_msg *resp,
                       struct dlg *d)
{
	struct tz_span el[RINFO_MAX];
	unsigned n = 0, first = RINFO_MAX, last = 0;
	const struct tz_hdr *h;

	for (unsigned nth = 0;
	     (h = tz_msg_hdr_find(resp, TZ_HDR_RECORD_ROUTE, nth)); nth++) {
		uint32_t pos = h->value.off, end = h->value.off + h->value.len;
		struct tz_naddr na;

		while (pos < end) {
			uint32_t at;

			while (pos < end && (resp->buf[pos] == ' ' ||
			                     resp->buf[pos] == '\t' ||
			                     resp->buf[pos] == ','))
				pos++;
			at = pos;
			if (pos >= end)
				break;
			if (n == RINFO_MAX ||
			    tz_route_next(&na, resp->buf, &pos, end))
				return false;
			el[n] = (struct tz_span){at, pos - at};
			while (el[n].len &&
			       (resp->buf[at + el[n].len - 1] == ' ' ||
			        resp->buf[at + el[n].len - 1] == '\t'))
				el[n].len--;
			if (!na.u.has_userinfo &&
			    srv_is_local(c, resp->buf + na.u.host.off,
			                 na.u.host.len, na.u.port, TZ_TP_UDP)) {
				if (first == RINFO_MAX)
					first = n;
				last = n;
			}
			n++;
		}
	}
	if (!n)
		return true;
	if (first == RINFO_MAX)
		return false;
	for (unsigned i = first; i-- > 0;)
		if (!route_add(d->side[1].routes, sizeof(d->side[1].routes),
		               resp->buf, el[i]))
			return false;
	for (unsigned i = last + 1; i < n; i++)
		if (!route_add(d->side[0].routes, sizeof(d->side[0].routes),
		               resp->buf, el[i]))
			return false;
	return true;
}

void acct_answered(struct worker *w, const struct tz_msg *req,
                   const struct tz_msg *resp, uint64_t start_ms,
                   const struct tz_tp_dest *caller,
                   const struct tz_tp_dest *callee)
{
	struct dlg_table *t = w->srv->dlgs;
	struct dlg *d = tz_malloc(sizeof(*d));
	const struct tz_config *c = &w->conf->c;
	unsigned sh;

	if (!d) {
		tz_log(TZ_LOG_WARN, "no memory for a dialog");
		return;
	}
	memset(d, 0, sizeof(*d));
	cdr_from_invite(&d->cdr, req);
	d->cdr.start_ms = (int64_t)start_ms;
	d->cdr.answer_ms = (int64_t)srv_wall_ms();
	d->cdr.status = resp->status;
	span_copy(d->from_tag, sizeof(d->from_tag), req->buf, req->from.tag);
	span_copy(d->to_tag, sizeof(d->to_tag), resp->buf, resp->to.tag);
	/* what a BYE of our own needs (dlg_end): each side's address,
	 * remote target, Route set and CSeq; a dialog we could not reach
	 * both ways keeps no target */
	d->side[0].dst = *caller;
	d->side[1].dst = *callee;
	d->side[0].cseq = req->cseq;
	if (!contact_uri(req, d->side[0].target, sizeof(d->side[0].target)) ||
	    !contact_uri(resp, d->side[1].target, sizeof(d->side[1].target)) ||
	    !route_sets(c, resp, d))
		d->side[0].target[0] = 0;
	/* RFC4028 10: a proxy may forget a session not refreshed within
	 * its interval; without session timers the dialog-timeout bounds
	 * a dialog whose BYE was lost */
	d->refresh_s = session_interval(resp, req);
	d->expires_ms =
	        tz_loop_now() + 1000ull * (d->refresh_s ? d->refresh_s + 32
	                                                : c->dialog_timeout);
	d->hash = hash_callid(req->buf + req->call_id.off, req->call_id.len);
	sh = d->hash % SHARDS;
	pthread_mutex_lock(&t->sh[sh].lock);
	d->next = t->sh[sh].head;
	t->sh[sh].head = d;
	pthread_mutex_unlock(&t->sh[sh].lock);
	atomic_fetch_add(&t->count, 1);
}

/* The dialog of an in-dialog request: Call-ID and both tags, in either
 * direction; *@p from_caller says which side sent it. Shard locked. */
static struct dlg **find(struct dlg_table *t, const struct tz_msg *m,
                         unsigned *sh, bool *from_caller)
{
	uint32_t h = hash_callid(m->buf + m->call_id.off, m->call_id.len);
	struct dlg **pp;

	*sh = h % SHARDS;
	pthread_mutex_lock(&t->sh[*sh].lock);
	for (pp = &t->sh[*sh].head; *pp; pp = &(*pp)->next) {
		struct dlg *d = *pp;

		if (d->hash != h ||
		    !tz_span_eq(m->buf, m->call_id, d->cdr.call_id))
			continue;
		if (tz_span_eq(m->buf, m->from.tag, d->from_tag) &&
		    tz_span_eq(m->buf, m->to.tag, d->to_tag)) {
			*from_caller = true;
			return pp;
		}
		if (tz_span_eq(m->buf, m->from.tag, d->to_tag) &&
		    tz_span_eq(m->buf, m->to.tag, d->from_tag)) {
			*from_caller = false;
			return pp;
		}
	}
	return NULL;
}

void dlg_cdr_end(struct tz_server *s, struct dlg *d, const char *by,
                 const char *reason)
{
	d->cdr.end_ms = (int64_t)srv_wall_ms();
	tz_str_copy(d->cdr.ended_by, sizeof(d->cdr.ended_by), by);
	tz_str_copy(d->cdr.reason, sizeof(d->cdr.reason), reason);
	cdr_write(s, &d->cdr);
	tz_free(d);
}

void dlg_request(struct worker *w, const struct tz_msg *m,
                 const struct tz_tp_dest *src)
{
	struct dlg_table *t = w->srv->dlgs;
	struct dlg **pp, *d = NULL;
	bool from_caller;
	unsigned sh;

	if (!t || !m->to.has_tag || !atomic_load(&t->count))
		return;
	pp = find(t, m, &sh, &from_caller);
	if (pp && tz_span_eq(m->buf, m->method, "BYE")) {
		/* RFC3261 15: BYE ends the dialog: the record is written */
		d = *pp;
		*pp = d->next;
	} else if (pp && !tz_span_eq(m->buf, m->method, "ACK") &&
	           !tz_span_eq(m->buf, m->method, "CANCEL")) {
		struct dlg_side *sd = &(*pp)->side[from_caller ? 0 : 1];

		/* RFC3261 12.2.2: the side's CSeq space, and where it is */
		if (m->cseq > sd->cseq)
			sd->cseq = m->cseq;
		sd->dst = *src;
		if (tz_span_eq(m->buf, m->method, "INVITE") ||
		    tz_span_eq(m->buf, m->method, "UPDATE")) {
			/* RFC4028 10: a refresh restarts the session
			 * timer */
			const struct tz_config *c = &w->conf->c;
			char target[sizeof(sd->target)];

			(*pp)->expires_ms =
			        tz_loop_now() +
			        1000ull * ((*pp)->refresh_s
			                           ? (*pp)->refresh_s + 32
			                           : c->dialog_timeout);
			/* RFC3261 12.2.2: a target refresh request
			 * replaces the remote target */
			if ((*pp)->side[0].target[0] &&
			    contact_uri(m, target, sizeof(target)))
				memcpy(sd->target, target, sizeof(target));
		}
	}
	pthread_mutex_unlock(&t->sh[sh].lock);
	if (!d)
		return;
	atomic_fetch_sub(&t->count, 1);
	dlg_cdr_end(w->srv, d, from_caller ? "caller" : "callee", "BYE");
}

void dlg_expire(struct tz_server *s, uint64_t now)
{
	struct dlg_table *t = s->dlgs;

	if (!t || !atomic_load(&t->count))
		return;
	for (unsigned i = 0; i < SHARDS; i++) {
		struct dlg **pp, *gone = NULL;

		pthread_mutex_lock(&t->sh[i].lock);
		for (pp = &t->sh[i].head; *pp;) {
			struct dlg *d = *pp;

			if (d->expires_ms > now) {
				pp = &d->next;
				continue;
			}
			*pp = d->next;
			d->next = gone;
			gone = d;
		}
		pthread_mutex_unlock(&t->sh[i].lock);
		while (gone) {
			struct dlg *d = gone;

			gone = d->next;
			atomic_fetch_sub(&t->count, 1);
			dlg_cdr_end(s, d, "proxy",
			            d->refresh_s ? "session expired"
			                         : "dialog timeout");
		}
	}
}

int dlg_take(struct dlg_table *t, const char *call_id, struct dlg **out)
{
	uint32_t h = hash_callid(call_id, strlen(call_id));
	unsigned sh = h % SHARDS;
	struct dlg **pp, *d = NULL;
	int err = -ENOENT;

	if (!t)
		return -ENOENT;
	pthread_mutex_lock(&t->sh[sh].lock);
	for (pp = &t->sh[sh].head; *pp; pp = &(*pp)->next) {
		d = *pp;
		if (d->hash != h || strcmp(d->cdr.call_id, call_id))
			continue;
		err = -EOPNOTSUPP;
		if (!d->side[0].target[0])
			continue;
		*pp = d->next;
		err = 0;
		break;
	}
	pthread_mutex_unlock(&t->sh[sh].lock);
	if (err)
		return err;
	atomic_fetch_sub(&t->count, 1);
	*out = d;
	return 0;
}

json_t *dlg_list_json(struct dlg_table *t, unsigned max)
{
	json_t *arr = json_array(), *o;
	uint64_t now = srv_wall_ms();
	unsigned total = 0;

	if (!arr)
		return NULL;
	for (unsigned i = 0; t && i < SHARDS; i++) {
		pthread_mutex_lock(&t->sh[i].lock);
		for (struct dlg *d = t->sh[i].head; d; d = d->next) {
			if (total++ >= max)
				continue;
			json_array_append_new(
			        arr,
			        json_pack(
			                "{s:s,s:s,s:s,s:I,s:I,s:b}", "call_id",
			                d->cdr.call_id, "caller", d->cdr.caller,
			                "callee", d->cdr.callee, "answered_ms",
			                (json_int_t)d->cdr.answer_ms, "seconds",
			                (json_int_t)(now - (uint64_t)d->cdr
			                                           .answer_ms) /
			                        1000,
			                "endable", d->side[0].target[0] != 0));
		}
		pthread_mutex_unlock(&t->sh[i].lock);
	}
	o = json_pack("{s:o,s:i}", "dialogs", arr, "total", (int)total);
	return o;
}
