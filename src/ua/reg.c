/*
 * reg.c  The registration client (RFC 3261 10.2): REGISTER of our Contact
 * with one Call-ID and increasing CSeq (10.2.4), refreshed before the
 * granted expiry runs out, retried after a failure, and removed with
 * Expires: 0 (10.2.2) on unregister.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tz/tz_hval.h"
#include "ua_int.h"

/* Retry after a failed registration (seconds). */
#define REG_RETRY 30

static void reg_refresh(void *arg);
static int reg_send(struct tz_ua *ua, uint32_t expires);

/* RFC3261 10.2.4: the expiry the registrar granted for our Contact: its
 * expires param, else the Expires header, else what we asked. */
static uint32_t granted(struct tz_ua *ua, const struct tz_msg *m)
{
	const struct tz_hdr *h;
	uint32_t secs = ua->expires;

	for (unsigned i = 0; (h = tz_msg_hdr_find(m, TZ_HDR_CONTACT, i)); i++) {
		uint32_t pos = h->value.off, end = pos + h->value.len;
		struct tz_contact c;
		int err;

		while ((err = tz_contact_next(&c, m->buf, &pos, end)) == 0 ||
		       err == -ERANGE) {
			char uri[TZ_DLG_STR];

			snprintf(uri, sizeof(uri), "<%.*s>", (int)c.na.uri.len,
			         m->buf + c.na.uri.off);
			if (c.has_expires && !strcmp(uri, ua->contact))
				return c.expires;
		}
	}
	h = tz_msg_hdr_find(m, TZ_HDR_EXPIRES, 0);
	if (h)
		tz_expires_decode(&secs, m->buf, h->value);
	return secs;
}

static void reg_resp(struct ua_req *r, int err, const struct tz_msg *resp)
{
	struct tz_ua *ua = r->ua;
	bool unreg = !ua->want_reg;
	uint32_t secs;
	int code = err ? 408 : resp->status;

	if (!err && resp->status < 200)
		return;
	ua->reg_cseq = r->cseq;
	ua->reg = NULL;
	ua_req_free(r);
	if (unreg) {
		ua->registered = false;
		ua_event(ua, TZ_UA_EV_UNREGISTERED, NULL, code, false, NULL);
		return;
	}
	if (code == 423 && !ua->reg_423) {
		const struct tz_hdr *h =
		        tz_msg_hdr_find(resp, TZ_HDR_MIN_EXPIRES, 0);
		uint32_t min;

		/* RFC3261 10.2.8: 423: once more with the registrar's
		 * Min-Expires */
		if (h && !tz_expires_decode(&min, resp->buf, h->value) &&
		    min > ua->expires) {
			ua->expires = min;
			ua->reg_423 = true;
			if (!reg_send(ua, ua->expires))
				return;
		}
	}
	if (code >= 300) {
		ua->registered = false;
		ua_event(ua, TZ_UA_EV_REGISTRATION_FAILED, NULL, code, false,
		         NULL);
		tz_timer_start(ua->wheel, &ua->reg_timer, REG_RETRY * 1000,
		               reg_refresh, ua);
		return;
	}
	ua->reg_423 = false;
	secs = granted(ua, resp);
	/* refresh at half the granted time (at least 1 s) */
	tz_timer_start(ua->wheel, &ua->reg_timer,
	               (uint64_t)(secs > 2 ? secs / 2 : 1) * 1000, reg_refresh,
	               ua);
	if (!ua->registered) {
		ua->registered = true;
		ua_event(ua, TZ_UA_EV_REGISTERED, NULL, code, false, NULL);
	}
}

static int reg_send(struct tz_ua *ua, uint32_t expires)
{
	struct ua_req *r;
	int err;

	if (ua->reg) {
		/* RFC3261 10.2: one REGISTER at a time per Call-ID */
		ua_req_free(ua->reg);
		ua->reg = NULL;
	}
	r = ua_req_new(ua, "REGISTER", reg_resp, NULL);
	if (!r)
		return -ENOMEM;
	snprintf(r->ruri, sizeof(r->ruri), "sip:%s", ua->domain);
	snprintf(r->to, sizeof(r->to), "<%s>", ua->aor_uri);
	snprintf(r->from, sizeof(r->from), "<%s>", ua->aor_uri);
	snprintf(r->from_tag, sizeof(r->from_tag), "%s", ua->reg_tag);
	snprintf(r->call_id, sizeof(r->call_id), "%s", ua->reg_call_id);
	r->cseq = ++ua->reg_cseq;
	r->contact = true;
	snprintf(r->hdrs, sizeof(r->hdrs), "Expires: %u\r\nAllow: %s\r\n",
	         (unsigned)expires, UA_ALLOW);
	err = ua_req_send(r);
	if (err) {
		ua_req_free(r);
		return err;
	}
	ua->reg = r;
	return 0;
}

static void reg_refresh(void *arg)
{
	struct tz_ua *ua = arg;

	if (ua->want_reg && reg_send(ua, ua->expires))
		ua_error(ua, "cannot send REGISTER");
}

int tz_ua_register(struct tz_ua *ua)
{
	ua->want_reg = true;
	tz_timer_cancel(&ua->reg_timer);
	return reg_send(ua, ua->expires);
}

int tz_ua_unregister(struct tz_ua *ua)
{
	ua->want_reg = false;
	tz_timer_cancel(&ua->reg_timer);
	return reg_send(ua, 0);
}

bool tz_ua_shutdown(struct tz_ua *ua)
{
	struct ua_call *c;

	for (c = ua->calls; c; c = c->next)
		if (!c->dead)
			tz_ua_hangup(ua, c->id);
	/* a binding we have, or one a REGISTER in flight may create; a
	 * registration that failed leaves nothing to remove (and a refused
	 * password must not be tried again, RFC 3261 22.2) */
	if (ua->registered || ua->reg)
		tz_ua_unregister(ua);
	else
		ua->want_reg = false;
	return tz_ua_idle(ua);
}
