/*
 * hv_timer.c  Header values that are one number, with or without
 * parameters: Expires and Min-Expires (RFC 3261 20.19, 20.23), RSeq and
 * RAck (RFC 3262 7.1, 7.2), Session-Expires and Min-SE (RFC 4028 4, 5).
 */
#include <errno.h>

#include "tz/tz_hval.h"
#include "chars.h"

/*
 * Read the delta-seconds at *pp (after LWS) and the parameters after it.
 * The value must hold nothing else. A number over 2^32-1 gives -ERANGE,
 * but only once the rest is known to be well-formed.
 */
static int delta_params(const char *b, struct tz_span value, uint32_t *secs,
                        struct tz_span *params)
{
	uint32_t end = value.off + value.len;
	uint32_t p = skip_lws(b, value.off, end);
	uint32_t e = skip_cls(b, p, end, C_DIGIT);
	uint64_t n;
	int err, range;

	/* RFC3261 25.1: delta-seconds = 1*DIGIT */
	if (e == p)
		return -EBADMSG;
	range = tz_hdr_uint(b, (struct tz_span){p, e - p}, UINT32_MAX, &n);
	err = tz_params_read(b, &e, end, false, params);
	if (err)
		return err;
	if (range)
		return range;
	*secs = (uint32_t)n;
	return 0;
}

int tz_expires_decode(uint32_t *secs, const char *base, struct tz_span value)
{
	uint64_t n;
	/* RFC3261 20.19: an integral number of seconds from 0 to 2^32-1 */
	int err = tz_hdr_uint(base, value, UINT32_MAX, &n);

	if (err)
		return err;
	*secs = (uint32_t)n;
	return 0;
}

int tz_rseq_decode(uint32_t *rseq, const char *base, struct tz_span value)
{
	uint64_t n;
	/* RFC3262 7.1: response-num = 1*DIGIT; 3: 1 to 2^31 - 1 */
	int err = tz_hdr_uint(base, value, INT32_MAX, &n);

	if (err)
		return err;
	if (n == 0)
		return -ERANGE;
	*rseq = (uint32_t)n;
	return 0;
}

int tz_rack_decode(struct tz_rack *out, const char *base, struct tz_span value)
{
	uint32_t end = value.off + value.len;
	uint32_t p = skip_lws(base, value.off, end);
	uint32_t e = skip_cls(base, p, end, C_DIGIT), m;
	uint64_t n;
	int err, range;

	/* RFC3262 7.2: RAck = "RAck" HCOLON response-num LWS CSeq-num LWS
	 * Method */
	if (e == p)
		return -EBADMSG;
	m = skip_lws(base, e, end);
	if (m == e)
		return -EBADMSG;
	range = tz_hdr_uint(base, (struct tz_span){p, e - p}, INT32_MAX, &n);
	err = tz_cseq_decode(base, (struct tz_span){m, end - m}, &out->cseq,
	                     &out->method);
	if (err)
		return err;
	if (range || n == 0)
		return -ERANGE;
	out->rseq = (uint32_t)n;
	return 0;
}

int tz_session_expires_decode(struct tz_session_expires *out, const char *base,
                              struct tz_span value)
{
	struct tz_param prm;
	uint32_t p, end;
	int err, range;

	memset(out, 0, sizeof(*out));
	/* RFC4028 4: Session-Expires = delta-seconds *(SEMI se-params) */
	range = delta_params(base, value, &out->delta, &out->params);
	if (range && range != -ERANGE)
		return range;
	p = out->params.off;
	end = p + out->params.len;
	while ((err = tz_param_next(base, &p, end, &prm)) == 0) {
		if (!tz_span_eqi(base, prm.name, "refresher"))
			continue;
		/* RFC4028 4: refresher-param = "refresher" EQUAL
		 * ("uas" / "uac") */
		if (out->refresher != TZ_REFRESHER_NONE || !prm.has_value)
			return -EBADMSG;
		if (tz_span_eqi(base, prm.value, "uac"))
			out->refresher = TZ_REFRESHER_UAC;
		else if (tz_span_eqi(base, prm.value, "uas"))
			out->refresher = TZ_REFRESHER_UAS;
		else
			return -EBADMSG;
	}
	if (err != -ENOENT)
		return err;
	return range;
}

int tz_min_se_decode(uint32_t *secs, const char *base, struct tz_span value)
{
	struct tz_span params;

	/* RFC4028 5: Min-SE = delta-seconds *(SEMI generic-param) */
	return delta_params(base, value, secs, &params);
}
