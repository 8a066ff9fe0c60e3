/*
 * hv_event.c  SIP-specific event notification headers (RFC 6665 8.2.1
 * Event, 8.2.2 Allow-Events, 8.2.3 Subscription-State; 8.4 grammar).
 */
#include <errno.h>

#include "tz/tz_hval.h"
#include "chars.h"

/*
 * RFC6665 8.4: event-type = event-package *( "." event-template ), both
 * token-nodot (a token without '.'). Reads it at *pp.
 */
static int event_type(struct tz_event_type *t, const char *b, uint32_t *pp,
                      uint32_t end)
{
	uint32_t p = *pp, e = skip_cls(b, p, end, C_TOKEN), i, dot = 0;

	if (e == p || b[p] == '.' || b[e - 1] == '.')
		return -EBADMSG;
	for (i = p; i < e; i++) {
		if (b[i] != '.')
			continue;
		if (b[i - 1] == '.')
			return -EBADMSG;
		if (!dot)
			dot = i;
	}
	t->type = tz_span_of(b, b + p, b + e);
	t->package = tz_span_of(b, b + p, b + (dot ? dot : e));
	t->templates = dot ? tz_span_of(b, b + dot + 1, b + e)
	                   : (struct tz_span){e, 0};
	*pp = e;
	return 0;
}

int tz_allow_events_next(struct tz_event_type *out, const char *base,
                         uint32_t *posp, uint32_t end)
{
	uint32_t p = *posp, q;
	bool first;
	int err = tz_list_enter(base, &p, end, &first);

	if (err)
		return err;
	/* RFC6665 8.4: Allow-Events = ( "Allow-Events" / "u" ) HCOLON
	 * event-type *(COMMA event-type) */
	err = event_type(out, base, &p, end);
	if (err)
		return err;
	q = skip_lws(base, p, end);
	if (q < end && base[q] != ',')
		return -EBADMSG;
	*posp = q;
	return 0;
}

int tz_event_decode(struct tz_event *out, const char *base,
                    struct tz_span value)
{
	uint32_t end = value.off + value.len;
	uint32_t p = skip_lws(base, value.off, end), pe;
	struct tz_param prm;
	int err;

	memset(out, 0, sizeof(*out));
	/* RFC6665 8.4: Event = ( "Event" / "o" ) HCOLON event-type
	 * *( SEMI event-param ) */
	err = event_type(&out->type, base, &p, end);
	if (err)
		return err;
	err = tz_params_read(base, &p, end, false, &out->params);
	if (err)
		return err;
	p = out->params.off;
	pe = p + out->params.len;
	while ((err = tz_param_next(base, &p, pe, &prm)) == 0) {
		if (!tz_span_eqi(base, prm.name, "id"))
			continue;
		/* RFC6665 8.4: event-param = generic-param / ( "id" EQUAL
		 * token ) */
		if (out->has_id || !tz_span_is_token(base, prm.value))
			return -EBADMSG;
		out->id = prm.value;
		out->has_id = true;
	}
	return err == -ENOENT ? 0 : err;
}

/* RFC6665 8.4: ("expires" / "retry-after") EQUAL delta-seconds, once */
static int delta_param(const char *b, const struct tz_param *prm, uint32_t *val,
                       bool *has, bool *range)
{
	uint64_t n;
	int err;

	if (*has || !prm->has_value)
		return -EBADMSG;
	err = tz_hdr_uint(b, prm->value, UINT32_MAX, &n);
	if (err == -EBADMSG)
		return err;
	*range = *range || err == -ERANGE;
	*val = (uint32_t)n;
	*has = true;
	return 0;
}

int tz_subscription_state_decode(struct tz_subscription_state *out,
                                 const char *base, struct tz_span value)
{
	uint32_t end = value.off + value.len;
	uint32_t p = skip_lws(base, value.off, end), e, pe;
	struct tz_param prm;
	bool range = false;
	int err;

	memset(out, 0, sizeof(*out));
	/* RFC6665 8.4: Subscription-State = "Subscription-State" HCOLON
	 * substate-value *( SEMI subexp-params ); substate-value = "active"
	 * / "pending" / "terminated" / extension-substate (token) */
	e = p;
	err = tz_token_params(base, &e, end, false, &out->value, &out->params);
	if (err)
		return err;
	if (tz_span_eqi(base, out->value, "active"))
		out->state = TZ_SUBSTATE_ACTIVE;
	else if (tz_span_eqi(base, out->value, "pending"))
		out->state = TZ_SUBSTATE_PENDING;
	else if (tz_span_eqi(base, out->value, "terminated"))
		out->state = TZ_SUBSTATE_TERMINATED;
	p = out->params.off;
	pe = p + out->params.len;
	while ((err = tz_param_next(base, &p, pe, &prm)) == 0) {
		if (tz_span_eqi(base, prm.name, "reason")) {
			/* RFC6665 8.4: "reason" EQUAL event-reason-value
			 * (a token) */
			if (out->reason.len ||
			    !tz_span_is_token(base, prm.value))
				return -EBADMSG;
			out->reason = prm.value;
		} else if (tz_span_eqi(base, prm.name, "expires")) {
			err = delta_param(base, &prm, &out->expires,
			                  &out->has_expires, &range);
		} else if (tz_span_eqi(base, prm.name, "retry-after")) {
			err = delta_param(base, &prm, &out->retry_after,
			                  &out->has_retry_after, &range);
		}
		if (err)
			return err;
	}
	if (err != -ENOENT)
		return err;
	return range ? -ERANGE : 0;
}
