/*
 * via.c  Via header decoding (RFC 3261 20.42 and 25.1 via-parm; RFC 3581
 * rport; RFC 5118 IPv6 sent-by and received).
 */
#include <errno.h>

#include "tz/tz_hdr.h"
#include "chars.h"

/* Read one sent-protocol part (a token) and the SLASH after it. */
static int proto_part(const char *b, uint32_t *pp, uint32_t end,
                      struct tz_span *out, bool slash)
{
	uint32_t p = skip_lws(b, *pp, end);
	uint32_t e = skip_cls(b, p, end, C_TOKEN);

	if (e == p)
		return -EBADMSG;
	*out = tz_span_of(b, b + p, b + e);
	if (slash) {
		/* RFC3261 25.1: SLASH = SWS "/" SWS */
		e = skip_lws(b, e, end);
		if (e >= end || b[e] != '/')
			return -EBADMSG;
		e++;
	}
	*pp = e;
	return 0;
}

static bool port_value(const char *b, struct tz_span v, int32_t *port)
{
	uint64_t n;

	/* RFC3261 25.1: port = 1*DIGIT (leading zeros allowed) */
	if (v.len == 0 || tz_hdr_uint(b, v, 65535, &n))
		return false;
	*port = (int32_t)n;
	return true;
}

/* RFC3261 20.42 / RFC3581 4: the via-params with a grammar of their own */
static int via_param(struct tz_via *via, const char *b,
                     const struct tz_param *prm)
{
	const char *v = b + prm->value.off;
	uint64_t n;

	/* only names of these lengths are interpreted: skip the rest fast */
	if (prm->name.len != 6 && prm->name.len != 8 && prm->name.len != 5 &&
	    prm->name.len != 3)
		return 0;
	if (tz_span_eqi(b, prm->name, "branch")) {
		if (!prm->has_value || *v == '"' || (via->has & TZ_VIA_BRANCH))
			return -EBADMSG;
		via->branch = prm->value;
		via->has |= TZ_VIA_BRANCH;
	} else if (tz_span_eqi(b, prm->name, "received")) {
		/* received = IPv4address / IPv6address; RFC 5118 4.5 asks us
		 * to tolerate the bracketed form too. */
		size_t l = prm->value.len;
		if (!prm->has_value ||
		    !(tz_ipv4_check(v, l) || tz_ipv6_check(v, l) ||
		      (l > 2 && v[0] == '[' && v[l - 1] == ']' &&
		       tz_ipv6_check(v + 1, l - 2))))
			return -EBADMSG;
		via->received = prm->value;
		via->has |= TZ_VIA_RECEIVED;
	} else if (tz_span_eqi(b, prm->name, "rport")) {
		/* RFC3581 3: response-port = "rport" [EQUAL 1*DIGIT] */
		via->has |= TZ_VIA_RPORT;
		if (prm->has_value) {
			if (!port_value(b, prm->value, &via->rport))
				return -EBADMSG;
			via->has |= TZ_VIA_RPORT_VALUE;
		}
	} else if (tz_span_eqi(b, prm->name, "maddr")) {
		if (!prm->has_value ||
		    tz_host_check(v, prm->value.len) == TZ_HOST_NONE)
			return -EBADMSG;
		via->maddr = prm->value;
		via->has |= TZ_VIA_MADDR;
	} else if (tz_span_eqi(b, prm->name, "ttl")) {
		/* ttl = 1*3DIGIT ; 0 to 255 */
		if (!prm->has_value || prm->value.len > 3 ||
		    tz_hdr_uint(b, prm->value, 255, &n))
			return -EBADMSG;
		via->ttl = (uint16_t)n;
		via->has |= TZ_VIA_TTL;
	}
	return 0;
}

int tz_via_decode(struct tz_via *via, const char *base, uint32_t *posp,
                  uint32_t end)
{
	uint32_t p = *posp, h, pstart, pend;
	struct tz_param prm;
	int err;

	memset(via, 0, sizeof(*via));
	via->port = -1;
	/* RFC3261 25.1: sent-protocol = protocol-name SLASH protocol-version
	 * SLASH transport */
	if (proto_part(base, &p, end, &via->proto, true) ||
	    proto_part(base, &p, end, &via->version, true) ||
	    proto_part(base, &p, end, &via->transport, false))
		return -EBADMSG;
	/* via-parm = sent-protocol LWS sent-by: the LWS is required */
	h = skip_lws(base, p, end);
	if (h == p || h >= end)
		return -EBADMSG;
	p = h;
	p = tz_host_scan(base, h, end, &via->host_type);
	if (via->host_type == TZ_HOST_NONE)
		return -EBADMSG;
	via->host = tz_span_of(base, base + h, base + p);
	/* sent-by = host [ COLON port ]; COLON = SWS ":" SWS */
	h = skip_lws(base, p, end);
	if (h < end && base[h] == ':') {
		uint32_t d = skip_lws(base, h + 1, end);
		p = skip_cls(base, d, end, C_DIGIT);
		if (!port_value(base, tz_span_of(base, base + d, base + p),
		                &via->port))
			return -EBADMSG;
	}
	pstart = skip_lws(base, p, end);
	pend = pstart;
	while ((err = tz_param_next(base, &p, end, &prm)) == 0) {
		if (via_param(via, base, &prm))
			return -EBADMSG;
		pend = p;
	}
	if (err != -ENOENT)
		return err;
	if (pend > pstart)
		via->params = tz_span_of(base, base + pstart, base + pend);
	if (p < end && base[p] != ',')
		return -EBADMSG;
	*posp = p;
	return 0;
}
