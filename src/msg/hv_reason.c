/*
 * hv_reason.c  The Reason header (RFC 3326 2): why a request was sent,
 * as protocol;cause=N;text="..." elements.
 */
#include <errno.h>

#include "tz/tz_hval.h"
#include "chars.h"

int tz_reason_next(struct tz_reason *out, const char *base, uint32_t *posp,
                   uint32_t end)
{
	uint32_t p = *posp, e, pe;
	struct tz_param prm;
	struct tz_span v;
	bool first, range = false;
	uint64_t n;
	int err = tz_list_enter(base, &p, end, &first);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	/* RFC3326 2: reason-value = protocol *(SEMI reason-params);
	 * protocol = "SIP" / "Q.850" / token */
	e = p;
	err = tz_token_params(base, &e, end, true, &out->protocol,
	                      &out->params);
	if (err)
		return err;
	p = out->params.off;
	pe = p + out->params.len;
	while ((err = tz_param_next(base, &p, pe, &prm)) == 0) {
		if (tz_span_eqi(base, prm.name, "cause")) {
			/* RFC3326 2: protocol-cause = "cause" EQUAL cause;
			 * cause = 1*DIGIT */
			if (out->has_cause || !prm.has_value)
				return -EBADMSG;
			err = tz_hdr_uint(base, prm.value, UINT32_MAX, &n);
			if (err == -EBADMSG)
				return err;
			range = err == -ERANGE;
			out->cause = (uint32_t)n;
			out->has_cause = true;
		} else if (tz_span_eqi(base, prm.name, "text")) {
			/* RFC3326 2: reason-text = "text" EQUAL
			 * quoted-string */
			v = tz_span_unquote(base, prm.value);
			if (out->has_text || v.len == prm.value.len)
				return -EBADMSG;
			out->text = v;
			out->has_text = true;
		}
	}
	if (err != -ENOENT)
		return err;
	*posp = e;
	return range ? -ERANGE : 0;
}
