/*
 * hv_media.c  Media types and dispositions: Content-Type (RFC 3261 20.15),
 * Accept (20.1), Content-Disposition (20.11), per the 25.1 grammar.
 */
#include <errno.h>

#include "tz/tz_hval.h"
#include "chars.h"

/* RFC3261 25.1: m-type SLASH m-subtype, both tokens; SLASH = SWS "/" SWS */
static int type_subtype(struct tz_mtype *mt, const char *b, uint32_t *pp,
                        uint32_t end)
{
	uint32_t p = *pp, e = skip_cls(b, p, end, C_TOKEN), s;

	if (e == p)
		return -EBADMSG;
	mt->type = tz_span_of(b, b + p, b + e);
	s = skip_lws(b, e, end);
	if (s >= end || b[s] != '/')
		return -EBADMSG;
	s = skip_lws(b, s + 1, end);
	e = skip_cls(b, s, end, C_TOKEN);
	if (e == s)
		return -EBADMSG;
	mt->subtype = tz_span_of(b, b + s, b + e);
	*pp = e;
	return 0;
}

/* RFC3261 25.1: m-parameter = m-attribute EQUAL m-value; m-value = token /
 * quoted-string. charset and boundary are kept, once each. */
static int m_param(struct tz_mtype *mt, const char *b,
                   const struct tz_param *prm)
{
	struct tz_span v = tz_span_unquote(b, prm->value);
	struct tz_span *dst = NULL;

	if (!prm->has_value ||
	    (v.len == prm->value.len && !tz_span_is_token(b, v)))
		return -EBADMSG;
	if (tz_span_eqi(b, prm->name, "charset"))
		dst = &mt->charset;
	else if (tz_span_eqi(b, prm->name, "boundary"))
		dst = &mt->boundary;
	if (!dst)
		return 0;
	/* A repeated one would leave two meanings for the body. A value
	 * never starts at offset 0 (the type comes first), so off tells a
	 * seen empty quoted value from an absent one. */
	if (dst->off != 0)
		return -EBADMSG;
	*dst = v;
	return 0;
}

int tz_ctype_decode(struct tz_mtype *out, const char *base,
                    struct tz_span value)
{
	uint32_t end = value.off + value.len;
	uint32_t p = skip_lws(base, value.off, end), pe;
	struct tz_param prm;
	int err;

	memset(out, 0, sizeof(*out));
	out->q = 1000;
	/* RFC3261 20.15: media-type = m-type SLASH m-subtype *(SEMI
	 * m-parameter) */
	err = type_subtype(out, base, &p, end);
	if (err)
		return err;
	err = tz_params_read(base, &p, end, false, &out->params);
	if (err)
		return err;
	p = out->params.off;
	pe = p + out->params.len;
	while ((err = tz_param_next(base, &p, pe, &prm)) == 0) {
		if (m_param(out, base, &prm))
			return -EBADMSG;
	}
	return err == -ENOENT ? 0 : err;
}

int tz_accept_next(struct tz_mtype *out, const char *base, uint32_t *posp,
                   uint32_t end)
{
	uint32_t p = *posp, e, pe, before, last;
	struct tz_param prm;
	struct tz_span all;
	bool first;
	int err = tz_list_enter(base, &p, end, &first);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->q = 1000;
	/* RFC3261 20.1: media-range = ( "*" "/" "*" / ( m-type SLASH "*" ) /
	 * ( m-type SLASH m-subtype ) ) *( SEMI m-parameter ) */
	err = type_subtype(out, base, &p, end);
	if (err)
		return err;
	if (tz_span_eq(base, out->type, "*") &&
	    !tz_span_eq(base, out->subtype, "*"))
		return -EBADMSG;
	e = p;
	err = tz_params_read(base, &e, end, true, &all);
	if (err)
		return err;
	p = all.off;
	pe = p + all.len;
	last = p;
	for (;;) {
		before = skip_lws(base, p, pe);
		err = tz_param_next(base, &p, pe, &prm);
		if (err)
			break;
		if (out->has_q || tz_span_eqi(base, prm.name, "q")) {
			/* RFC3261 25.1: accept-range = media-range *(SEMI
			 * accept-param): q starts the accept-params */
			if (!out->has_q) {
				if (!prm.has_value ||
				    tz_qvalue_decode(base, prm.value, &out->q))
					return -EBADMSG;
				out->has_q = true;
				out->accept_params =
				        (struct tz_span){before, pe - before};
			} else if (tz_span_eqi(base, prm.name, "q")) {
				return -EBADMSG;
			}
			continue;
		}
		if (m_param(out, base, &prm))
			return -EBADMSG;
		last = p;
	}
	if (err != -ENOENT)
		return err;
	out->params = (struct tz_span){all.off, last - all.off};
	*posp = e;
	return 0;
}

int tz_cdisp_decode(struct tz_cdisp *out, const char *base,
                    struct tz_span value)
{
	uint32_t end = value.off + value.len;
	uint32_t p = skip_lws(base, value.off, end), e, pe;
	struct tz_param prm;
	bool seen = false;
	int err;

	memset(out, 0, sizeof(*out));
	/* RFC3261 20.11: Content-Disposition = disp-type *( SEMI disp-param
	 * ); disp-type = "render" / "session" / "icon" / "alert" /
	 * disp-extension-token */
	e = p;
	err = tz_token_params(base, &e, end, false, &out->type, &out->params);
	if (err)
		return err;
	p = out->params.off;
	pe = p + out->params.len;
	while ((err = tz_param_next(base, &p, pe, &prm)) == 0) {
		if (!tz_span_eqi(base, prm.name, "handling"))
			continue;
		/* RFC3261 25.1: handling-param = "handling" EQUAL (
		 * "optional" / "required" / other-handling ); token */
		if (seen || !tz_span_is_token(base, prm.value))
			return -EBADMSG;
		seen = true;
		out->handling = prm.value;
		out->optional = tz_span_eqi(base, prm.value, "optional");
	}
	return err == -ENOENT ? 0 : err;
}
