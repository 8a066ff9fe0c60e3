/*
 * hv_warning.c  The Warning header (RFC 3261 20.43 and 25.1): warn-code,
 * warn-agent and quoted warn-text, as a list.
 */
#include <errno.h>

#include "tz/tz_hval.h"
#include "chars.h"

/* RFC3261 25.1: warn-agent = hostport / pseudonym; pseudonym = token */
static bool warn_agent(const char *b, uint32_t p, uint32_t e)
{
	uint32_t h = e, c;

	if (tz_span_is_token(b, (struct tz_span){p, e - p}))
		return true;
	/* hostport = host [ ":" port ] */
	if (b[p] == '[') {
		for (h = p; h < e && b[h] != ']'; h++)
			;
		if (h++ == e)
			return false;
	} else {
		for (h = p; h < e && b[h] != ':'; h++)
			;
	}
	if (tz_host_check(b + p, h - p) == TZ_HOST_NONE)
		return false;
	if (h == e)
		return true;
	if (b[h] != ':')
		return false;
	c = skip_cls(b, h + 1, e, C_DIGIT);
	return c == e && c > h + 1;
}

int tz_warning_next(struct tz_warning *out, const char *base, uint32_t *posp,
                    uint32_t end)
{
	uint32_t p = *posp, e, a, t;
	bool first;
	int err = tz_list_enter(base, &p, end, &first);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	/* RFC3261 25.1: warning-value = warn-code SP warn-agent SP
	 * warn-text; warn-code = 3DIGIT (RFC 4475 3.1.2.5: 1812 is not) */
	e = skip_cls(base, p, end, C_DIGIT);
	if (e - p != 3)
		return -EBADMSG;
	out->code = (uint16_t)((base[p] - '0') * 100 +
	                       (base[p + 1] - '0') * 10 + (base[p + 2] - '0'));
	/* SP is what the grammar says; any LWS is read as well */
	a = skip_lws(base, e, end);
	if (a == e)
		return -EBADMSG;
	for (e = a; e < end && !is_wsp(base[e]) && base[e] != '\r'; e++)
		;
	if (e == a || !warn_agent(base, a, e))
		return -EBADMSG;
	out->agent = tz_span_of(base, base + a, base + e);
	t = skip_lws(base, e, end);
	if (t == e || t >= end || base[t] != '"')
		return -EBADMSG;
	/* warn-text = quoted-string */
	e = tz_skip_quoted(base, t, end);
	if (e == 0)
		return -EBADMSG;
	out->text = (struct tz_span){t + 1, e - t - 2};
	p = skip_lws(base, e, end);
	if (p < end && base[p] != ',')
		return -EBADMSG;
	*posp = p;
	return 0;
}
