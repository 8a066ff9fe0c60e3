/*
 * naddr.c  name-addr / addr-spec with header parameters: From, To, Route,
 * Record-Route, Contact and friends (RFC 3261 20.10, 20.20, 20.39, 25.1).
 */
#include <errno.h>

#include "tz/tz_hdr.h"
#include "chars.h"

/*
 * RFC3261 25.1: display-name = *(token LWS) / quoted-string. Returns the
 * position of the '<' that must follow a display name, or 0 when the bytes
 * at @p do not start a name-addr (they are then an addr-spec).
 */
static uint32_t display_name(struct tz_naddr *na, const char *b, uint32_t p,
                             uint32_t end, bool *bad)
{
	uint32_t q, last = p;

	if (b[p] == '"') {
		q = tz_skip_quoted(b, p, end);
		if (q == 0) {
			*bad = true; /* RFC 4475 3.1.2.8: unbalanced quote */
			return 0;
		}
		na->dname = tz_span_of(b, b + p, b + q);
		q = skip_lws(b, q, end);
		if (q >= end || b[q] != '<') {
			*bad = true;
			return 0;
		}
		return q;
	}
	q = p;
	for (;;) {
		uint32_t e = skip_cls(b, q, end, C_TOKEN);
		if (e == q)
			break;
		last = e;
		q = skip_lws(b, e, end);
	}
	if (q < end && b[q] == '<') {
		na->dname = tz_span_of(b, b + p, b + last);
		return q;
	}
	return 0;
}

int tz_naddr_decode(struct tz_naddr *na, const char *base, uint32_t *posp,
                    uint32_t end, bool list)
{
	uint32_t p = skip_lws(base, *posp, end), u0, ue, pstart, pend;
	struct tz_param prm;
	bool bad = false;
	int err;

	memset(na, 0, sizeof(*na));
	if (p >= end)
		return -EBADMSG;
	if (base[p] != '<') {
		uint32_t lt = display_name(na, base, p, end, &bad);
		if (bad)
			return -EBADMSG;
		if (lt)
			p = lt;
	}
	if (base[p] == '<') {
		/* RFC3261 25.1: LAQUOT addr-spec RAQUOT, no LWS inside */
		const char *gt = memchr(base + p + 1, '>', end - p - 1);
		na->angle = true;
		u0 = ++p;
		if (!gt)
			return -EBADMSG;
		ue = (uint32_t)(gt - base);
		p = ue + 1;
	} else {
		/*
		 * RFC3261 20.10: in addr-spec form the URI cannot contain
		 * ',', ';' or '?', so a ';' starts the header parameters.
		 */
		u0 = p;
		while (p < end && base[p] != ';' && base[p] != ',' &&
		       !is_wsp(base[p]) && base[p] != '\r')
			p++;
		ue = p;
	}
	err = tz_uri_parse(&na->u, base, u0, ue - u0);
	if (err)
		return err;
	if (!na->angle && na->u.headers.len)
		return -EBADMSG;
	na->uri = tz_span_of(base, base + u0, base + ue);
	pstart = skip_lws(base, p, end);
	pend = pstart;
	while ((err = tz_param_next(base, &p, end, &prm)) == 0) {
		pend = p;
		if (tz_span_eqi(base, prm.name, "tag")) {
			/* RFC3261 25.1: tag-param = "tag" EQUAL token */
			if (!prm.has_value || na->has_tag ||
			    skip_cls(base, prm.value.off,
			             prm.value.off + prm.value.len,
			             C_TOKEN) != prm.value.off + prm.value.len)
				return -EBADMSG;
			na->tag = prm.value;
			na->has_tag = true;
		}
	}
	if (err != -ENOENT)
		return err;
	if (pend > pstart)
		na->params = tz_span_of(base, base + pstart, base + pend);
	p = skip_lws(base, p, end);
	if (p < end && !(list && base[p] == ','))
		return -EBADMSG;
	*posp = p;
	return 0;
}
