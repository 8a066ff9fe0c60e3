/*
 * hv_retry_after.c  The Retry-After header (RFC 3261 20.33 and 25.1):
 * delta-seconds, an optional comment, and retry-params.
 */
#include <errno.h>

#include "tz/tz_hval.h"
#include "chars.h"

/*
 * RFC3261 25.1: comment = LPAREN *(ctext / quoted-pair / comment) RPAREN,
 * ctext = %x21-27 / %x2A-5B / %x5D-7E / UTF8-NONASCII / LWS. Comments nest.
 * @p at the '('; returns the position after the matching ')', or 0.
 */
static uint32_t comment_end(const char *b, uint32_t p, uint32_t end)
{
	uint32_t depth = 0;

	while (p < end) {
		unsigned char c = (unsigned char)b[p];
		if (c == '(') {
			depth++;
		} else if (c == ')') {
			if (--depth == 0)
				return p + 1;
		} else if (c == '\\') {
			if (p + 1 >= end || b[p + 1] == '\r' ||
			    b[p + 1] == '\n' || (unsigned char)b[p + 1] > 0x7f)
				return 0;
			p++;
		} else if (c == '\r') {
			if (p + 2 >= end || b[p + 1] != '\n' ||
			    !is_wsp(b[p + 2]))
				return 0;
			p += 2;
		} else if ((c < 0x20 && c != '\t') || c == 0x7f) {
			return 0;
		}
		p++;
	}
	return 0;
}

int tz_retry_after_decode(struct tz_retry_after *out, const char *base,
                          struct tz_span value)
{
	uint32_t end = value.off + value.len;
	uint32_t p = skip_lws(base, value.off, end);
	uint32_t e = skip_cls(base, p, end, C_DIGIT), c, pe;
	struct tz_param prm;
	bool range = false;
	uint64_t n = 0;
	int err;

	memset(out, 0, sizeof(*out));
	/* RFC3261 25.1: Retry-After = "Retry-After" HCOLON delta-seconds
	 * [ comment ] *( SEMI retry-param ) */
	if (e == p)
		return -EBADMSG;
	err = tz_hdr_uint(base, (struct tz_span){p, e - p}, UINT32_MAX, &n);
	range = err == -ERANGE;
	out->delta = (uint32_t)n;
	c = skip_lws(base, e, end);
	if (c < end && base[c] == '(') {
		e = comment_end(base, c, end);
		if (e == 0)
			return -EBADMSG;
		out->comment = (struct tz_span){c + 1, e - c - 2};
	}
	err = tz_params_read(base, &e, end, false, &out->params);
	if (err)
		return err;
	p = out->params.off;
	pe = p + out->params.len;
	while ((err = tz_param_next(base, &p, pe, &prm)) == 0) {
		if (!tz_span_eqi(base, prm.name, "duration"))
			continue;
		/* RFC3261 25.1: retry-param = ("duration" EQUAL
		 * delta-seconds) / generic-param */
		if (out->has_duration || !prm.has_value)
			return -EBADMSG;
		err = tz_hdr_uint(base, prm.value, UINT32_MAX, &n);
		if (err == -EBADMSG)
			return err;
		range = range || err == -ERANGE;
		out->duration = (uint32_t)n;
		out->has_duration = true;
	}
	if (err != -ENOENT)
		return err;
	return range ? -ERANGE : 0;
}
