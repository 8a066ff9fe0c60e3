/*
 * hv_info.c  Headers that list <URI> with parameters: Call-Info (RFC 3261
 * 20.9), Alert-Info (20.4), Error-Info (20.18).
 */
#include <errno.h>

#include "tz/tz_hval.h"
#include "chars.h"

int tz_info_next(struct tz_info *out, const char *base, uint32_t *posp,
                 uint32_t end)
{
	uint32_t p = *posp, u, e, pe;
	struct tz_param prm;
	bool first;
	int err = tz_list_enter(base, &p, end, &first);

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	/* RFC3261 25.1: info = LAQUOT absoluteURI RAQUOT *( SEMI
	 * info-param ); alert-param and error-uri have the same shape */
	if (base[p] != '<')
		return -EBADMSG;
	u = ++p;
	while (p < end && base[p] != '>')
		p++;
	if (p >= end)
		return -EBADMSG;
	err = tz_uri_parse(&out->u, base, u, p - u);
	if (err)
		return err;
	out->uri = tz_span_of(base, base + u, base + p);
	e = p + 1;
	err = tz_params_read(base, &e, end, true, &out->params);
	if (err)
		return err;
	p = out->params.off;
	pe = p + out->params.len;
	while ((err = tz_param_next(base, &p, pe, &prm)) == 0) {
		if (!tz_span_eqi(base, prm.name, "purpose"))
			continue;
		/* RFC3261 25.1: info-param = ( "purpose" EQUAL ( "icon" /
		 * "info" / "card" / token ) ) / generic-param */
		if (out->purpose.len || !tz_span_is_token(base, prm.value))
			return -EBADMSG;
		out->purpose = prm.value;
	}
	if (err != -ENOENT)
		return err;
	*posp = e;
	return 0;
}
