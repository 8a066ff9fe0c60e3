/*
 * stimer.c  Session timers (RFC 4028): the Session-Expires and Min-SE we
 * ask for, 422 for an interval below our minimum (and the retry after a
 * 422 we get), the interval and refresher a 2xx settles, the refresh by
 * re-INVITE at half the interval when we are the refresher, and the BYE
 * when the session expires unrefreshed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tz/tz_hval.h"
#include "tz/tz_msg_typed.h"
#include "ua_int.h"

/* RFC4028 4: Min-SE is at least 90 s */
#define MIN_SE 90

int ua_st_request_hdrs(const struct tz_ua *ua, const struct ua_call *c,
                       char *out, size_t cap)
{
	uint32_t se = c && c->se ? c->se : ua->se;
	uint32_t min = c && c->min_se ? c->min_se : ua->min_se;

	out[0] = 0;
	if (!se)
		return 0;
	/* RFC4028 7.1: Session-Expires with ourselves as refresher (we send
	 * the refreshes), Min-SE, and Supported: timer (UA_SUPPORTED) */
	snprintf(out, cap,
	         "Session-Expires: %u;refresher=uac\r\nMin-SE: %u\r\n",
	         (unsigned)se, (unsigned)(min ? min : MIN_SE));
	return 0;
}

int ua_st_check(const struct tz_ua *ua, struct tz_msg *m, char *hdrs,
                size_t cap)
{
	const struct tz_session_expires *se;
	int err = tz_msg_session_expires(m, &se);

	hdrs[0] = 0;
	if (err == -ENOENT)
		return 0;
	if (err)
		return 400;
	/* RFC4028 8.1: an interval below our minimum: 422 with Min-SE */
	if (se->delta < MIN_SE) {
		snprintf(hdrs, cap, "Min-SE: %u\r\n", MIN_SE);
		return 422;
	}
	(void)ua;
	return 0;
}

static void st_fire(void *arg);

void ua_st_start(struct ua_call *c)
{
	struct tz_ua *ua = c->ua;
	uint64_t ms;

	if (!c->se) {
		tz_timer_cancel(&c->st_timer);
		return;
	}
	/* RFC4028 10: the refresher refreshes at half the interval; the
	 * other side ends the session before it runs out (interval minus
	 * the smaller of 32 s and a third of it) */
	if (c->se_refresher)
		ms = (uint64_t)c->se * 500;
	else
		ms = ((uint64_t)c->se - (c->se / 3 < 32 ? c->se / 3 : 32)) *
		     1000;
	tz_timer_start(ua->wheel, &c->st_timer, ms, st_fire, c);
}

static void st_fire(void *arg)
{
	struct ua_call *c = arg;

	if (c->dead || c->state != TZ_UA_CALL_CONFIRMED)
		return;
	if (c->se_refresher) {
		/* a pending re-INVITE: try again a little later */
		if (ua_call_refresh(c))
			tz_timer_start(c->ua->wheel, &c->st_timer, 1000,
			               st_fire, c);
		return;
	}
	ua_call_expired(c);
}

void ua_st_uas(struct ua_call *c, struct tz_msg *req, char *hdrs, size_t cap)
{
	struct tz_ua *ua = c->ua;
	const struct tz_session_expires *se;
	bool peer_timer = ua_msg_option(req, "timer");
	uint32_t delta = 0;
	bool uac_refreshes;

	hdrs[0] = 0;
	if (!tz_msg_session_expires(req, &se)) {
		delta = se->delta;
		/* RFC4028 9: the UAS may lower the interval to its own wish,
		 * never below Min-SE */
		if (ua->se && ua->se < delta && ua->se >= MIN_SE)
			delta = ua->se;
		uac_refreshes = se->refresher != TZ_REFRESHER_UAS;
	} else if (ua->se) {
		/* RFC4028 9: the UAS may ask for a session timer itself */
		delta = ua->se;
		uac_refreshes = true;
	} else {
		c->se = 0;
		return;
	}
	/* RFC4028 9: a UAC without timer support cannot refresh */
	if (!peer_timer)
		uac_refreshes = false;
	c->se = delta;
	c->se_refresher = !uac_refreshes;
	snprintf(hdrs, cap, "Session-Expires: %u;refresher=%s\r\n%s",
	         (unsigned)delta, uac_refreshes ? "uac" : "uas",
	         peer_timer ? "Require: timer\r\n" : "");
}

void ua_st_uac(struct ua_call *c, struct tz_msg *resp)
{
	const struct tz_session_expires *se;

	/* RFC4028 7.2: no Session-Expires in the 2xx: no session timer */
	if (tz_msg_session_expires(resp, &se) || se->delta < 1) {
		c->se = 0;
		ua_st_start(c);
		return;
	}
	c->se = se->delta;
	c->se_refresher = se->refresher != TZ_REFRESHER_UAS;
	ua_st_start(c);
}

int ua_st_422(struct tz_ua *ua, struct ua_call *c, struct tz_msg *resp)
{
	const struct tz_hdr *h = tz_msg_hdr_find(resp, TZ_HDR_MIN_SE, 0);
	uint32_t min;

	/* RFC4028 7.4: retry once with the Min-SE the 422 asks */
	if (!h || tz_min_se_decode(&min, resp->buf, h->value) ||
	    min <= (c->se ? c->se : ua->se))
		return -EINVAL;
	/* RFC4028 7.4: the retry's Min-SE is the 422's */
	c->se = min;
	c->min_se = min;
	return 0;
}
