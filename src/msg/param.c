/*
 * param.c  Header parameters and list separators shared by every header
 * decoder (RFC 3261 7.3.1, 25.1: SEMI, EQUAL, COMMA, generic-param).
 */
#include <errno.h>

#include "tz/tz_hdr.h"
#include "chars.h"

/* RFC3261 25.1: gen-value = token / host / quoted-string */
static uint32_t gen_value_end(const char *b, uint32_t p, uint32_t end)
{
	if (p < end && b[p] == '"')
		return tz_skip_quoted(b, p, end);
	return skip_cls(b, p, end, C_GENVAL);
}

int tz_param_next(const char *base, uint32_t *posp, uint32_t end,
                  struct tz_param *param)
{
	uint32_t p = skip_lws(base, *posp, end), n, v;

	/* RFC3261 25.1: SEMI = SWS ";" SWS */
	if (p >= end || base[p] != ';') {
		*posp = p;
		return -ENOENT;
	}
	p = skip_lws(base, p + 1, end);
	n = skip_cls(base, p, end, C_TOKEN);
	if (n == p)
		return -EBADMSG;
	param->name = tz_span_of(base, base + p, base + n);
	param->value = (struct tz_span){n, 0};
	param->has_value = false;
	p = skip_lws(base, n, end);
	/* RFC3261 25.1: EQUAL = SWS "=" SWS */
	if (p < end && base[p] == '=') {
		p = skip_lws(base, p + 1, end);
		v = gen_value_end(base, p, end);
		if (v == 0 || v == p)
			return -EBADMSG;
		param->value = tz_span_of(base, base + p, base + v);
		param->has_value = true;
		n = v;
	}
	*posp = n;
	return 0;
}

bool tz_list_next(const char *base, uint32_t *posp, uint32_t end)
{
	uint32_t p = skip_lws(base, *posp, end);

	/* RFC3261 7.3.1: COMMA = SWS "," SWS between list elements */
	if (p >= end || base[p] != ',')
		return false;
	*posp = skip_lws(base, p + 1, end);
	return true;
}

int tz_hdr_list_split(const char *base, uint32_t *posp, uint32_t end,
                      struct tz_span *elem)
{
	uint32_t p = skip_lws(base, *posp, end), s = p, e;

	if (p >= end)
		return -ENOENT;
	while (p < end && base[p] != ',') {
		if (base[p] == '"') {
			p = tz_skip_quoted(base, p, end);
			if (p == 0)
				return -EBADMSG;
		} else if (base[p] == '<') {
			/* RFC3261 25.1: no quotes or LWS inside <...> */
			while (p < end && base[p] != '>')
				p++;
			if (p++ >= end)
				return -EBADMSG;
		} else {
			p++;
		}
	}
	/* trailing LWS belongs to the separator, not to the element */
	e = p;
	for (;;) {
		if (e > s && is_wsp(base[e - 1]))
			e--;
		else if (e - s >= 2 && base[e - 1] == '\n' &&
		         base[e - 2] == '\r')
			e -= 2;
		else
			break;
	}
	*elem = tz_span_of(base, base + s, base + e);
	*posp = p < end ? p + 1 : end;
	return 0;
}
