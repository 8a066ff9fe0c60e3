/*
 * hv_toklist.c  Headers that are lists of tokens: Allow, Supported,
 * Require, Proxy-Require, Unsupported (RFC 3261 19.2, 20.5, 20.29, 20.32,
 * 20.37, 20.40), Privacy (RFC 3323 4.2), and the q-weighted Accept-Encoding
 * and Accept-Language (RFC 3261 20.2, 20.3).
 */
#include <errno.h>

#include "tz/tz_hval.h"
#include "chars.h"

int tz_toklist_next(struct tz_span *tok, const char *base, uint32_t *posp,
                    uint32_t end)
{
	uint32_t p = *posp, e, q;
	bool first;
	int err = tz_list_enter(base, &p, end, &first);

	if (err)
		return err;
	/* RFC3261 25.1: option-tag = token; Method = ... / extension-method
	 * (token) */
	e = skip_cls(base, p, end, C_TOKEN);
	if (e == p)
		return -EBADMSG;
	q = skip_lws(base, e, end);
	if (q < end && base[q] != ',')
		return -EBADMSG;
	*tok = tz_span_of(base, base + p, base + e);
	*posp = q;
	return 0;
}

bool tz_toklist_has(const char *base, struct tz_span value, const char *tok,
                    bool exact)
{
	uint32_t p = value.off, end = value.off + value.len;
	struct tz_span t;

	while (tz_toklist_next(&t, base, &p, end) == 0) {
		if (exact ? tz_span_eq(base, t, tok)
		          : tz_span_eqi(base, t, tok))
			return true;
	}
	return false;
}

int tz_privacy_next(struct tz_span *tok, const char *base, uint32_t *posp,
                    uint32_t end)
{
	uint32_t p = skip_lws(base, *posp, end), e, q;

	if (p >= end)
		return -ENOENT;
	/* RFC3323 4.2: Privacy-hdr = "Privacy" HCOLON priv-value *(";"
	 * priv-value); LWS around the ';' is tolerated as for SEMI */
	if (base[p] == ';')
		p = skip_lws(base, p + 1, end);
	e = skip_cls(base, p, end, C_TOKEN);
	if (e == p)
		return -EBADMSG;
	q = skip_lws(base, e, end);
	if (q < end && base[q] != ';')
		return -EBADMSG;
	*tok = tz_span_of(base, base + p, base + e);
	*posp = q;
	return 0;
}

bool tz_privacy_has(const char *base, struct tz_span value, const char *tok)
{
	uint32_t p = value.off, end = value.off + value.len;
	struct tz_span t;

	while (tz_privacy_next(&t, base, &p, end) == 0) {
		if (tz_span_eqi(base, t, tok))
			return true;
	}
	return false;
}

int tz_qtok_next(struct tz_qtok *out, const char *base, uint32_t *posp,
                 uint32_t end)
{
	uint32_t p = *posp, e, pe;
	struct tz_param prm;
	bool first;
	int err = tz_list_enter(base, &p, end, &first);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->q = 1000;
	/* RFC3261 25.1: encoding = codings *(SEMI accept-param); language =
	 * language-range *(SEMI accept-param); both are tokens or "*" */
	e = p;
	err = tz_token_params(base, &e, end, true, &out->tok, &out->params);
	if (err)
		return err;
	p = out->params.off;
	pe = p + out->params.len;
	while ((err = tz_param_next(base, &p, pe, &prm)) == 0) {
		if (!tz_span_eqi(base, prm.name, "q"))
			continue;
		/* RFC3261 25.1: accept-param = ("q" EQUAL qvalue) /
		 * generic-param */
		if (out->has_q || !prm.has_value ||
		    tz_qvalue_decode(base, prm.value, &out->q))
			return -EBADMSG;
		out->has_q = true;
	}
	if (err != -ENOENT)
		return err;
	*posp = e;
	return 0;
}
