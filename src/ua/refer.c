/*
 * refer.c  Call transfer: REFER (RFC 3515) with its implicit subscription
 * and NOTIFY message/sipfrag progress, both sides; Replaces in the
 * Refer-To for attended transfer (RFC 3891); Referred-By (RFC 3892).
 *
 * The referrer keeps a struct ua_sub per REFER, holding the dialog, so
 * NOTIFYs still match once the call itself has ended (the subscription is
 * a dialog usage of its own, RFC 5057). The referee keeps a struct
 * ua_xfer on the call it places, to NOTIFY that call's outcome.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tz/tz_hval.h"
#include "tz/tz_mem.h"
#include "tz/tz_msg_typed.h"
#include "ua_int.h"

#define SIPFRAG "message/sipfrag;version=2.0"

/* The referrer's side of one REFER. */
struct ua_sub {
	struct ua_sub *next;
	struct tz_ua *ua;
	struct tz_dlg *dlg;
	char call[16];
};

/* The referee's side: where to NOTIFY the outcome of the new call. */
struct ua_xfer {
	struct tz_ua *ua;
	struct tz_dlg *dlg;
	bool done;
};

static void sub_free(struct ua_sub *s)
{
	struct ua_sub **pp;

	for (pp = &s->ua->subs; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	tz_mem_deref(s->dlg);
	tz_free(s);
}

void ua_refer_put(struct ua_xfer *x)
{
	if (!x)
		return;
	tz_mem_deref(x->dlg);
	tz_free(x);
}

void ua_refer_free_all(struct tz_ua *ua)
{
	while (ua->subs)
		sub_free(ua->subs);
}

static void done_resp(struct ua_req *r, int err, const struct tz_msg *resp)
{
	if (err || resp->status >= 200)
		ua_req_free(r);
}

/* RFC3515 2.4.4, 2.4.5: a NOTIFY with a status line as message/sipfrag:
 * 100 Trying at once, then the final response of the new call, which
 * ends the subscription (provisionals are not reported). */
static void notify(struct ua_xfer *x, int code, bool last)
{
	struct ua_req *r = ua_req_new(x->ua, "NOTIFY", done_resp, NULL);
	char body[96];
	int n;

	if (!r)
		return;
	r->dlg = tz_mem_ref(x->dlg);
	r->contact = true;
	snprintf(r->hdrs, sizeof(r->hdrs),
	         "Event: refer\r\nSubscription-State: %s\r\n",
	         last ? "terminated;reason=noresource" : "active;expires=60");
	n = snprintf(body, sizeof(body), "SIP/2.0 %d %s\r\n", code,
	             tz_status_phrase((uint16_t)code));
	if (ua_req_set_body(r, SIPFRAG, body, (size_t)n) || ua_req_send(r))
		ua_req_free(r);
}

void ua_refer_outcome(struct ua_call *c, int code)
{
	if (c->xfer->done)
		return;
	c->xfer->done = true;
	notify(c->xfer, code, true);
}

/* ---- the referee: a REFER received in call @p c ---- */

void ua_refer_request(struct tz_ua *ua, struct ua_call *c, struct tz_msg *m,
                      const struct tz_tp_dest *src)
{
	const struct tz_refer_to *rt;
	const struct tz_hdr *rb = tz_msg_hdr_find(m, TZ_HDR_REFERRED_BY, 0);
	char uri[TZ_DLG_STR], rep[400], hdrs[700];
	struct ua_call *nc;
	struct ua_xfer *x;
	size_t n;
	int len;

	if (c->state != TZ_UA_CALL_CONFIRMED) {
		ua_reply_sl(ua, m, src, 403, NULL);
		return;
	}
	/* RFC3515 2.4.1: exactly one Refer-To, else 400 */
	if (tz_msg_refer_to(m, &rt) || tz_msg_hdr_find(m, TZ_HDR_REFER_TO, 1) ||
	    rt->na.uri.len >= sizeof(uri)) {
		ua_reply_sl(ua, m, src, 400, NULL);
		return;
	}
	/* the target without its headers component */
	n = rt->na.u.headers.len ? rt->na.u.headers.off - 1 - rt->na.uri.off
	                         : rt->na.uri.len;
	memcpy(uri, m->buf + rt->na.uri.off, n);
	uri[n] = 0;
	hdrs[0] = 0;
	len = 0;
	if (rt->has_replaces) {
		/* RFC3891 6.1: the Replaces header escaped in the URI */
		if (tz_pct_unescape(rep, sizeof(rep), &n, m->buf,
		                    rt->replaces)) {
			ua_reply_sl(ua, m, src, 400, NULL);
			return;
		}
		len = snprintf(hdrs, sizeof(hdrs), "Replaces: %s\r\n", rep);
	}
	/* RFC3892 3: the new INVITE carries the Referred-By it got */
	if (rb && rb->value.len < 400)
		snprintf(hdrs + len, sizeof(hdrs) - (size_t)len,
		         "Referred-By: %.*s\r\n", (int)rb->value.len,
		         m->buf + rb->value.off);
	x = tz_malloc(sizeof(*x));
	if (!x) {
		ua_reply_sl(ua, m, src, 500, NULL);
		return;
	}
	x->ua = ua;
	x->dlg = tz_mem_ref(c->dlg);
	x->done = false;
	/* RFC3515 2.4.2: 202 Accepted, then a first NOTIFY (2.4.4) */
	ua_reply_sl(ua, m, src, 202, NULL);
	notify(x, 100, false);
	if (ua_call_place(ua, uri, 0, hdrs, &nc)) {
		notify(x, 503, true);
		ua_refer_put(x);
		return;
	}
	nc->xfer = x;
}

/* ---- the referrer ---- */

static void post(struct tz_ua *ua, enum tz_ua_ev_type type, const char *call,
                 int code)
{
	struct ua_call *c = ua_call_find(ua, call);
	struct tz_ua_event ev = {0};

	ev.type = type;
	ev.call = call;
	ev.peer = c ? c->peer : NULL;
	ev.code = code;
	ev.remote = true;
	ua_post(ua, &ev);
}

static void refer_resp(struct ua_req *r, int err, const struct tz_msg *resp)
{
	struct ua_sub *s = r->arg;
	int code = err ? 408 : resp->status;

	if (!err && code < 200)
		return;
	ua_req_free(r);
	if (code < 300)
		return;
	/* the REFER was refused: no subscription */
	post(s->ua, TZ_UA_EV_TRANSFER_PROGRESS, s->call, code);
	sub_free(s);
}

static int refer_send(struct ua_call *c, const char *refer_to)
{
	struct tz_ua *ua = c->ua;
	struct ua_sub *s;
	struct ua_req *r;
	int err;

	if (c->state != TZ_UA_CALL_CONFIRMED || !c->dlg)
		return -EPROTO;
	s = tz_malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	memset(s, 0, sizeof(*s));
	s->ua = ua;
	s->dlg = tz_mem_ref(c->dlg);
	snprintf(s->call, sizeof(s->call), "%s", c->id);
	s->next = ua->subs;
	ua->subs = s;
	r = ua_req_new(ua, "REFER", refer_resp, s);
	if (!r) {
		sub_free(s);
		return -ENOMEM;
	}
	r->dlg = tz_mem_ref(c->dlg);
	r->contact = true;
	if (snprintf(r->hdrs, sizeof(r->hdrs),
	             "Refer-To: %s\r\nReferred-By: <%s>\r\n", refer_to,
	             ua->aor_uri) >= (int)sizeof(r->hdrs)) {
		ua_req_free(r);
		sub_free(s);
		return -EOVERFLOW;
	}
	err = ua_req_send(r);
	if (err) {
		ua_req_free(r);
		sub_free(s);
	}
	return err;
}

int tz_ua_transfer(struct tz_ua *ua, const char *id, const char *uri)
{
	struct ua_call *c = ua_call_find(ua, id);
	char to[TZ_DLG_STR + 2];
	struct tz_uri u;

	if (!c)
		return -ENOENT;
	if (tz_uri_parse(&u, uri, 0, (uint32_t)strlen(uri)) ||
	    (u.scheme != TZ_URI_SIP && u.scheme != TZ_URI_SIPS) ||
	    strlen(uri) >= TZ_DLG_STR)
		return -EINVAL;
	snprintf(to, sizeof(to), "<%s>", uri);
	return refer_send(c, to);
}

int tz_ua_transfer_attended(struct tz_ua *ua, const char *id_a,
                            const char *id_c)
{
	struct ua_call *a = ua_call_find(ua, id_a), *c = ua_call_find(ua, id_c);
	char target[TZ_DLG_STR], rep[TZ_DLG_ID * 3 + 32];
	const char *s, *e;
	struct tz_buf b;
	int err;

	if (!a || !c || a == c)
		return -ENOENT;
	if (c->state != TZ_UA_CALL_CONFIRMED || !c->dlg)
		return -EPROTO;
	/* the peer of C by its address of record (the remote URI), so the
	 * INVITE goes through the proxy like any call */
	s = strchr(c->dlg->remote_uri, '<');
	e = s ? strchr(s, '>') : NULL;
	if (!e || (size_t)(e - s) >= sizeof(target))
		return -EINVAL;
	snprintf(target, sizeof(target), "%.*s", (int)(e - s - 1), s + 1);
	/* RFC3891 3: to-tag is the tag of C's side (our remote tag),
	 * from-tag ours, as C will match them against its dialog */
	snprintf(rep, sizeof(rep), "%s;to-tag=%s;from-tag=%s", c->dlg->call_id,
	         c->dlg->remote_tag, c->dlg->local_tag);
	tz_buf_init(&b);
	tz_buf_printf(&b, "<%s?Replaces=", target);
	tz_uri_escape(&b, rep, strlen(rep), TZ_URI_PART_HEADER);
	tz_buf_puts(&b, ">");
	tz_buf_putc(&b, 0);
	err = b.err ? b.err : refer_send(a, b.p);
	tz_buf_free(&b);
	return err;
}

/* The status code of a message/sipfrag body ("SIP/2.0 200 OK"). */
static int sipfrag_code(const struct tz_msg *m)
{
	const char *p = m->buf + m->body.off;
	int code = 0;

	if (m->body.len < 11 || strncmp(p, "SIP/2.0 ", 8))
		return -1;
	for (int i = 8; i < 11; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		code = code * 10 + (p[i] - '0');
	}
	return code >= 100 && code <= 699 ? code : -1;
}

bool ua_refer_notify(struct tz_ua *ua, struct tz_msg *m,
                     const struct tz_tp_dest *src)
{
	const struct tz_event *ev;
	const struct tz_subscription_state *ss;
	struct ua_sub *s;
	bool last;
	int code;

	for (s = ua->subs; s; s = s->next)
		if (tz_dlg_match(s->dlg, m))
			break;
	/* RFC6665 4.1.3: a NOTIFY for no subscription of ours: 481 */
	if (!s) {
		ua_reply_sl(ua, m, src, 481, NULL);
		return false;
	}
	/* RFC3261 12.2.2: out of order: 500 (the subscription stays) */
	if (tz_dlg_recv_cseq(s->dlg, m)) {
		ua_reply_sl(ua, m, src, 500, "Retry-After: 1\r\n");
		return true;
	}
	/* RFC6665 8.2.1: an event package we did not subscribe to: 489 */
	if (tz_msg_event(m, &ev) ||
	    !tz_span_eq(m->buf, ev->type.type, "refer")) {
		ua_reply_sl(ua, m, src, 489, NULL);
		return true;
	}
	code = sipfrag_code(m);
	if (code < 0) {
		ua_reply_sl(ua, m, src, 400, NULL);
		return true;
	}
	last = !tz_msg_subscription_state(m, &ss) &&
	       ss->state == TZ_SUBSTATE_TERMINATED;
	ua_reply_sl(ua, m, src, 200, NULL);
	post(ua, TZ_UA_EV_TRANSFER_PROGRESS, s->call, code);
	/* the referrer's part is done once the transfer succeeded: it
	 * leaves the call (CALLFLOWS.md 8, 9) */
	if (code >= 200 && code < 300) {
		post(ua, TZ_UA_EV_TRANSFERRED, s->call, 0);
		tz_ua_hangup(ua, s->call);
	}
	if (last)
		sub_free(s);
	return true;
}
