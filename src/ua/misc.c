/*
 * misc.c  Requests other than INVITE, ACK, CANCEL, BYE and REGISTER:
 * MESSAGE (RFC 3428) and OPTIONS (RFC 3261 11) to a URI, INFO (RFC 6086;
 * DTMF as application/dtmf-relay) and UPDATE (RFC 3311) in a call; and
 * the answers to those we receive.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tz/tz_hval.h"
#include "tz/tz_mem.h"
#include "tz/tz_msg_typed.h"
#include "tz/tz_tsx.h"
#include "ua_int.h"

/* RFC3428 5: a MESSAGE outside a session stays under 1300 bytes */
#define MESSAGE_MAX 1300

static void report(struct ua_req *r, int err, const struct tz_msg *resp)
{
	struct tz_ua *ua = r->ua;
	struct tz_ua_event ev = {0};
	struct ua_call *c = r->arg ? ua_call_find(ua, r->arg) : NULL;

	if (!err && resp->status < 200)
		return;
	ev.type = TZ_UA_EV_RESPONSE;
	ev.method = r->method;
	/* SIP outcomes are data: no answer is a 408 (STYLE.md rule 6) */
	ev.code = err ? 408 : resp->status;
	ev.call = c ? c->id : NULL;
	ev.peer = c ? c->peer : NULL;
	/* the DTMF INFOs are not reported one by one */
	if (strcmp(r->method, "INFO"))
		ua_post(ua, &ev);
	ua_req_free(r);
}

static int out_of_dialog(struct tz_ua *ua, const char *method, const char *uri,
                         struct ua_req **rp)
{
	struct tz_uri u;
	struct ua_req *r;

	if (tz_uri_parse(&u, uri, 0, (uint32_t)strlen(uri)) ||
	    (u.scheme != TZ_URI_SIP && u.scheme != TZ_URI_SIPS) ||
	    strlen(uri) >= TZ_DLG_STR - 2)
		return -EINVAL;
	r = ua_req_new(ua, method, report, NULL);
	if (!r)
		return -ENOMEM;
	snprintf(r->ruri, sizeof(r->ruri), "%s", uri);
	snprintf(r->to, sizeof(r->to), "<%s>", uri);
	snprintf(r->from, sizeof(r->from), "<%s>", ua->aor_uri);
	ua_rand_hex(r->from_tag, sizeof(r->from_tag));
	ua_rand_hex(r->call_id, sizeof(r->call_id));
	r->cseq = 1;
	*rp = r;
	return 0;
}

static int send_or_free(struct ua_req *r)
{
	int err = ua_req_send(r);

	if (err)
		ua_req_free(r);
	return err;
}

int tz_ua_message(struct tz_ua *ua, const char *uri, const char *text)
{
	struct ua_req *r;
	size_t n = strlen(text);
	int err;

	if (n > MESSAGE_MAX)
		return -EMSGSIZE;
	err = out_of_dialog(ua, "MESSAGE", uri, &r);
	if (err)
		return err;
	err = ua_req_set_body(r, "text/plain;charset=UTF-8", text, n);
	if (err) {
		ua_req_free(r);
		return err;
	}
	return send_or_free(r);
}

int tz_ua_options(struct tz_ua *ua, const char *uri)
{
	struct ua_req *r;
	int err = out_of_dialog(ua, "OPTIONS", uri, &r);

	if (err)
		return err;
	snprintf(r->hdrs, sizeof(r->hdrs), "Accept: application/sdp\r\n");
	return send_or_free(r);
}

/* A request in call @p id's dialog; @p early: an early dialog will do
 * (RFC 3311 5.1: UPDATE may be sent in one). */
static int in_dialog(struct tz_ua *ua, const char *id, const char *method,
                     bool early, struct ua_req **rp)
{
	struct ua_call *c = ua_call_find(ua, id);
	struct ua_req *r;

	if (!c)
		return -ENOENT;
	if (!c->dlg || (c->state != TZ_UA_CALL_CONFIRMED &&
	                !(early && c->dlg->early &&
	                  (c->state == TZ_UA_CALL_CALLING ||
	                   c->state == TZ_UA_CALL_INCOMING))))
		return -EPROTO;
	r = ua_req_new(ua, method, report, c->id);
	if (!r)
		return -ENOMEM;
	r->dlg = tz_mem_ref(c->dlg);
	*rp = r;
	return 0;
}

int tz_ua_dtmf(struct tz_ua *ua, const char *id, const char *digits)
{
	int err = 0;

	if (!*digits)
		return -EINVAL;
	for (const char *d = digits; *d && !err; d++) {
		struct ua_req *r;
		char body[64];
		int n;

		if (!strchr("0123456789*#ABCDabcd", *d))
			return -EINVAL;
		err = in_dialog(ua, id, "INFO", false, &r);
		if (err)
			return err;
		/* RFC6086 4: the Info Package is a legacy usage here:
		 * application/dtmf-relay as SIP INFO DTMF peers expect */
		n = snprintf(body, sizeof(body),
		             "Signal=%c\r\nDuration=160\r\n", *d);
		err = ua_req_set_body(r, "application/dtmf-relay", body,
		                      (size_t)n);
		if (err)
			ua_req_free(r);
		else
			err = send_or_free(r);
	}
	return err;
}

int tz_ua_update(struct tz_ua *ua, const char *id)
{
	struct ua_req *r;
	int err = in_dialog(ua, id, "UPDATE", true, &r);

	if (err)
		return err;
	/* RFC3311 5.1: UPDATE is a target refresh: our Contact */
	r->contact = true;
	return send_or_free(r);
}

/* The digit of an application/dtmf-relay body ("Signal=5"). */
static char dtmf_digit(const struct tz_msg *m)
{
	const char *b = m->buf + m->body.off, *e = b + m->body.len;
	const char *p;

	for (p = b; p + 7 <= e; p++) {
		if (!strncasecmp(p, "signal=", 7)) {
			p += 7;
			while (p < e && (*p == ' ' || *p == '\t'))
				p++;
			return p < e && strchr("0123456789*#ABCDabcd", *p) ? *p
			                                                   : 0;
		}
	}
	return 0;
}

static bool ctype_is(struct tz_msg *m, const char *type, const char *sub)
{
	const struct tz_mtype *mt;

	return !tz_msg_ctype(m, &mt) && tz_span_eqi(m->buf, mt->type, type) &&
	       tz_span_eqi(m->buf, mt->subtype, sub);
}

static void got_message(struct tz_ua *ua, struct ua_call *c, struct tz_msg *m)
{
	struct tz_ua_event ev = {0};
	char from[TZ_DLG_STR], text[MESSAGE_MAX * 4];

	snprintf(from, sizeof(from), "%.*s", (int)m->from.uri.len,
	         m->buf + m->from.uri.off);
	snprintf(text, sizeof(text), "%.*s",
	         (int)(m->body.len < sizeof(text) - 1 ? m->body.len
	                                              : sizeof(text) - 1),
	         m->buf + m->body.off);
	ev.type = TZ_UA_EV_MESSAGE;
	ev.call = c ? c->id : NULL;
	ev.peer = from;
	ev.text = text;
	ua_post(ua, &ev);
}

void ua_misc_request(struct tz_ua *ua, struct ua_call *c, struct tz_msg *m,
                     const struct tz_tp_dest *src)
{
	const char *b = m->buf;
	char allow[128], d[2] = {0};

	if (tz_span_eq(b, m->method, "MESSAGE")) {
		/* RFC3428 7: 200, then the application sees it */
		if (m->body.len && !ctype_is(m, "text", "plain")) {
			ua_reply_sl(ua, m, src, 415, "Accept: text/plain\r\n");
			return;
		}
		ua_reply_sl(ua, m, src, 200, NULL);
		got_message(ua, c, m);
		return;
	}
	snprintf(allow, sizeof(allow), "Allow: %s\r\n", UA_ALLOW);
	if (tz_span_eq(b, m->method, "OPTIONS")) {
		/* RFC3261 11.2: what we would answer to an INVITE */
		snprintf(allow, sizeof(allow),
		         "Allow: %s\r\nAccept: application/sdp\r\n", UA_ALLOW);
		ua_reply_sl(ua, m, src, 200, allow);
		return;
	}
	if (c && tz_span_eq(b, m->method, "INFO")) {
		if (ctype_is(m, "application", "dtmf-relay")) {
			d[0] = dtmf_digit(m);
			if (!d[0]) {
				ua_reply_sl(ua, m, src, 400, NULL);
				return;
			}
			ua_reply_sl(ua, m, src, 200, NULL);
			ua_event(ua, TZ_UA_EV_DTMF, c, 0, true, d);
			return;
		}
		/* RFC6086 4.2.2: an INFO without a package we know: 469;
		 * one without a body is a keep-alive probe: 200 */
		ua_reply_sl(ua, m, src, m->body.len ? 469 : 200, NULL);
		return;
	}
	if (c && tz_span_eq(b, m->method, "UPDATE")) {
		ua_call_update(ua, c, m, src);
		return;
	}
	/* RFC3261 8.2.1: a method we know but do not allow here: 405 with
	 * Allow; one we do not know at all: 501 */
	if (tz_span_eq(b, m->method, "INFO") ||
	    tz_span_eq(b, m->method, "UPDATE") ||
	    tz_span_eq(b, m->method, "BYE") ||
	    tz_span_eq(b, m->method, "NOTIFY")) {
		ua_reply_sl(ua, m, src, 481, NULL);
		return;
	}
	/* RFC3515 2.4.2: a REFER outside a call is not carried out */
	if (tz_span_eq(b, m->method, "REFER")) {
		ua_reply_sl(ua, m, src, 403, NULL);
		return;
	}
	if (tz_span_eq(b, m->method, "REGISTER") ||
	    tz_span_eq(b, m->method, "SUBSCRIBE") ||
	    tz_span_eq(b, m->method, "PUBLISH") ||
	    tz_span_eq(b, m->method, "PRACK")) {
		ua_reply_sl(ua, m, src, 405, allow);
		return;
	}
	ua_reply_sl(ua, m, src, 501, allow);
}
