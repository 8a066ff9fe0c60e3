/*
 * hv_common.c  Grammar pieces every typed header decoder shares: list
 * element stepping (RFC 3261 7.3.1 COMMA), header parameter runs (25.1
 * generic-param), parameter lookup, and qvalue (25.1).
 */
#include <errno.h>

#include "tz/tz_hval.h"
#include "chars.h"

int tz_list_enter(const char *base, uint32_t *posp, uint32_t end, bool *first)
{
	uint32_t p = skip_lws(base, *posp, end);

	*first = true;
	if (p >= end)
		return -ENOENT;
	if (base[p] == ',') {
		/* RFC3261 7.3.1: COMMA = SWS "," SWS; no empty elements */
		*first = false;
		p = skip_lws(base, p + 1, end);
		if (p >= end || base[p] == ',')
			return -EBADMSG;
	}
	*posp = p;
	return 0;
}

int tz_params_read(const char *base, uint32_t *posp, uint32_t end, bool list,
                   struct tz_span *params)
{
	uint32_t p = *posp, pstart = skip_lws(base, p, end), pend = pstart;
	struct tz_param prm;
	int err;

	while ((err = tz_param_next(base, &p, end, &prm)) == 0)
		pend = p;
	if (err != -ENOENT)
		return err;
	/* tz_param_next left p at the first non-LWS byte after them */
	if (p < end && !(list && base[p] == ','))
		return -EBADMSG;
	*params = (struct tz_span){pstart, pend - pstart};
	*posp = p;
	return 0;
}

int tz_token_params(const char *base, uint32_t *posp, uint32_t end, bool list,
                    struct tz_span *tok, struct tz_span *params)
{
	uint32_t p = *posp, e = skip_cls(base, p, end, C_TOKEN);
	int err;

	if (e == p)
		return -EBADMSG;
	*tok = tz_span_of(base, base + p, base + e);
	err = tz_params_read(base, &e, end, list, params);
	if (err)
		return err;
	*posp = e;
	return 0;
}

int tz_param_find(const char *base, struct tz_span params, const char *name,
                  struct tz_param *out)
{
	uint32_t p = params.off, end = params.off + params.len;
	struct tz_param prm;
	int err;

	while ((err = tz_param_next(base, &p, end, &prm)) == 0) {
		if (tz_span_eqi(base, prm.name, name)) {
			*out = prm;
			return 0;
		}
	}
	if (err == -ENOENT && skip_lws(base, p, end) != end)
		return -EBADMSG;
	return err;
}

bool tz_span_is_token(const char *base, struct tz_span s)
{
	uint32_t end = s.off + s.len;

	return s.len > 0 && skip_cls(base, s.off, end, C_TOKEN) == end;
}

struct tz_span tz_span_unquote(const char *base, struct tz_span s)
{
	if (s.len >= 2 && base[s.off] == '"' && base[s.off + s.len - 1] == '"')
		return (struct tz_span){s.off + 1, s.len - 2};
	return s;
}

int tz_qvalue_decode(const char *base, struct tz_span v, uint16_t *q)
{
	uint32_t end = v.off + v.len;
	uint32_t p = skip_lws(base, v.off, end), n = 0;
	unsigned val, scale = 100;
	char lead;

	/* RFC3261 25.1: qvalue = ( "0" [ "." 0*3DIGIT ] )
	 *                      / ( "1" [ "." 0*3("0") ] ) */
	if (p >= end || (base[p] != '0' && base[p] != '1'))
		return -EBADMSG;
	lead = base[p++];
	val = lead == '1' ? 1000 : 0;
	if (p < end && base[p] == '.') {
		for (p++; p < end && chr_is((unsigned char)base[p], C_DIGIT);
		     p++) {
			if (++n > 3 || (lead == '1' && base[p] != '0'))
				return -EBADMSG;
			val += (unsigned)(base[p] - '0') * scale;
			scale /= 10;
		}
	}
	if (skip_lws(base, p, end) != end)
		return -EBADMSG;
	*q = (uint16_t)val;
	return 0;
}
