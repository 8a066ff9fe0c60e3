/*
 * field.c  Decoders of the SDP lines with a grammar of their own: o=, c=,
 * b=, t=, m= and the a= split (RFC 4566 5.2, 5.7 - 5.9, 5.13, 5.14, 9),
 * with IPv6 addresses as RFC 5118 4.6, 4.8 and 4.9 show them.
 *
 * Each reads one line value b[p, e) (the text after "<type>=", without the
 * line end) and fills spans relative to @b. Fields are separated by exactly
 * one SP, as the grammar says; that is also what lets tz_sdp_print()
 * rebuild a line byte for byte.
 */
#include <errno.h>

#include "tz/tz_uri.h"
#include "sdp_int.h"

bool sdp_uint(const char *b, uint32_t p, uint32_t e, uint64_t max, uint64_t *v)
{
	uint64_t n = 0;

	if (p >= e)
		return false;
	for (; p < e; p++) {
		unsigned d = (unsigned)(unsigned char)b[p] - '0';
		if (d > 9 || n > (max - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*v = n;
	return true;
}

/*
 * Read one SP-separated field of class token (or non-ws-string when @vchar)
 * at *pp; with @sep, the SP after it is consumed and required.
 */
static int field(const char *b, uint32_t *pp, uint32_t e, bool vchar, bool sep,
                 struct tz_span *out)
{
	uint32_t p = *pp;
	uint32_t q = vchar ? sdp_skip_vchar(b, p, e) : sdp_skip_token(b, p, e);

	if (q == p)
		return -EBADMSG;
	*out = tz_span_of(b, b + p, b + q);
	if (sep) {
		if (q >= e || b[q] != ' ')
			return -EBADMSG;
		q++;
	}
	*pp = q;
	return 0;
}

static enum tz_sdp_atype atype_of(const char *b, struct tz_span nettype,
                                  struct tz_span addrtype)
{
	/* RFC4566 5.7: "IN" with "IP4" or "IP6" are the defined types */
	if (!tz_span_eqi(b, nettype, "IN"))
		return TZ_SDP_AT_OTHER;
	if (tz_span_eqi(b, addrtype, "IP4"))
		return TZ_SDP_AT_IP4;
	if (tz_span_eqi(b, addrtype, "IP6"))
		return TZ_SDP_AT_IP6;
	return TZ_SDP_AT_OTHER;
}

/*
 * Check a unicast address of type @at: an IP literal of that family, or a
 * FQDN (RFC 4566 9: unicast-address = IP4-address / IP6-address / FQDN /
 * extn-addr). Sets *literal. Extension types take any non-ws-string.
 */
static bool unicast_ok(const char *p, size_t len, enum tz_sdp_atype at,
                       bool *literal)
{
	*literal = false;
	if (at == TZ_SDP_AT_OTHER)
		return len > 0;
	if (at == TZ_SDP_AT_IP4 ? tz_ipv4_check(p, len)
	                        : tz_ipv6_check(p, len)) {
		*literal = true;
		return true;
	}
	/* RFC5118 4.9: "IN IP6" with an IPv4-mapped address is a literal
	 * too; tz_ipv6_check() takes it. Anything else must be a name. */
	return tz_host_check(p, len) == TZ_HOST_NAME;
}

int sdp_origin_parse(struct tz_sdp_origin *o, const char *b, uint32_t p,
                     uint32_t e)
{
	bool literal;
	int err;

	/* RFC4566 5.2: o=<username> <sess-id> <sess-version> <nettype>
	 * <addrtype> <unicast-address> */
	memset(o, 0, sizeof(*o));
	err = field(b, &p, e, true, true, &o->username);
	if (!err)
		err = field(b, &p, e, true, true, &o->sess_id);
	if (!err)
		err = field(b, &p, e, true, true, &o->sess_ver);
	if (!err)
		err = field(b, &p, e, false, true, &o->nettype);
	if (!err)
		err = field(b, &p, e, false, true, &o->addrtype);
	if (!err)
		err = field(b, &p, e, true, false, &o->address);
	if (err || p != e)
		return -EBADMSG;
	/* RFC4566 9: sess-id = 1*DIGIT; sess-version = 1*DIGIT, a number we
	 * must be able to increment (RFC 3264 8) */
	if (sdp_skip_digits(b, o->sess_id.off, e) !=
	            o->sess_id.off + o->sess_id.len ||
	    !sdp_uint(b, o->sess_ver.off, o->sess_ver.off + o->sess_ver.len,
	              UINT64_MAX, &o->version))
		return -EBADMSG;
	o->atype = atype_of(b, o->nettype, o->addrtype);
	if (!unicast_ok(b + o->address.off, o->address.len, o->atype, &literal))
		return -EBADMSG;
	return 0;
}

/* RFC4566 9: m1 = ("22" ("4"/"5"/"6"/"7"/"8"/"9")) / ("23" DIGIT) */
static bool ip4_multicast(const char *p)
{
	unsigned v = 0;

	while (*p >= '0' && *p <= '9')
		v = v * 10 + (unsigned)(*p++ - '0');
	return v >= 224 && v <= 239;
}

/* RFC4566 9: IP6-multicast = hexpart [ "/" integer ] with hexpart an
 * IPv6 multicast address, ff00::/8 */
static bool ip6_multicast(const char *p, size_t len)
{
	return len >= 2 && (p[0] == 'f' || p[0] == 'F') &&
	       (p[1] == 'f' || p[1] == 'F');
}

/* The "/<ttl>[/<count>]" (IP4) or "/<count>" (IP6) after a multicast
 * address, at b[p, e) starting with the first '/'. */
static int multicast_suffix(struct tz_sdp_conn *c, const char *b, uint32_t p,
                            uint32_t e)
{
	uint32_t q;
	uint64_t v;

	if (!c->literal)
		return -EBADMSG;
	if (c->atype == TZ_SDP_AT_IP4) {
		if (!ip4_multicast(b + c->host.off))
			return -EBADMSG;
		/* RFC4566 5.7: TTL 0..255 is required for IP4 multicast */
		q = sdp_skip_digits(b, p + 1, e);
		if (!sdp_uint(b, p + 1, q, 255, &v))
			return -EBADMSG;
		c->has_ttl = true;
		c->ttl = (uint8_t)v;
		p = q;
		if (p == e)
			return 0;
	} else if (!ip6_multicast(b + c->host.off, c->host.len)) {
		return -EBADMSG;
	}
	/* RFC4566 5.7: "/<number of addresses>" */
	if (b[p] != '/' || !sdp_uint(b, p + 1, e, UINT32_MAX, &v) || v == 0)
		return -EBADMSG;
	c->count = (uint32_t)v;
	return 0;
}

int sdp_conn_parse(struct tz_sdp_conn *c, const char *b, uint32_t p, uint32_t e)
{
	uint32_t h;
	int err;

	/* RFC4566 5.7: c=<nettype> <addrtype> <connection-address> */
	memset(c, 0, sizeof(*c));
	err = field(b, &p, e, false, true, &c->nettype);
	if (!err)
		err = field(b, &p, e, false, true, &c->addrtype);
	if (!err)
		err = field(b, &p, e, true, false, &c->address);
	if (err || p != e)
		return -EBADMSG;
	c->atype = atype_of(b, c->nettype, c->addrtype);
	c->host = c->address;
	if (c->atype == TZ_SDP_AT_OTHER)
		return 0; /* RFC4566 9: extn-addr = non-ws-string */
	for (h = c->address.off; h < e && b[h] != '/'; h++)
		;
	c->host.len = h - c->address.off;
	if (!unicast_ok(b + c->host.off, c->host.len, c->atype, &c->literal))
		return -EBADMSG;
	return h < e ? multicast_suffix(c, b, h, e) : 0;
}

int sdp_bw_parse(struct tz_sdp_bw *bw, const char *b, uint32_t p, uint32_t e)
{
	uint32_t q = sdp_skip_token(b, p, e);
	uint64_t v;

	/* RFC4566 5.8: b=<bwtype>:<bandwidth>, bandwidth = 1*DIGIT */
	if (q == p || q >= e || b[q] != ':' ||
	    !sdp_uint(b, q + 1, e, UINT64_MAX, &v))
		return -EBADMSG;
	bw->type = tz_span_of(b, b + p, b + q);
	bw->value = tz_span_of(b, b + q + 1, b + e);
	return 0;
}

int sdp_time_parse(struct tz_sdp_time *t, const char *b, uint32_t p, uint32_t e)
{
	uint32_t q = sdp_skip_digits(b, p, e);

	/* RFC4566 5.9: t=<start-time> <stop-time>, decimal NTP seconds */
	if (q >= e || b[q] != ' ' ||
	    !sdp_uint(b, p, q, UINT64_MAX, &t->start) ||
	    !sdp_uint(b, q + 1, e, UINT64_MAX, &t->stop))
		return -EBADMSG;
	t->start_s = tz_span_of(b, b + p, b + q);
	t->stop_s = tz_span_of(b, b + q + 1, b + e);
	return 0;
}

/* RTP profiles carry payload type numbers as formats (RFC 4566 5.14):
 * "RTP/AVP", "RTP/SAVP", "RTP/AVPF", "UDP/TLS/RTP/SAVPF", ... */
static bool proto_rtp(const char *b, struct tz_span proto)
{
	uint32_t i;

	for (i = 0; i + 4 <= proto.len; i++) {
		struct tz_span s = {proto.off + i, 4};
		if ((i == 0 || b[proto.off + i - 1] == '/') &&
		    tz_span_eqi(b, s, "RTP/"))
			return true;
	}
	return false;
}

/* One format of an m= line at b[p, q). */
static int media_fmt(struct tz_sdp_media *m, const char *b, uint32_t p,
                     uint32_t q)
{
	struct tz_sdp_fmt *f;
	uint64_t v;
	unsigned i;

	if (m->nfmt == TZ_SDP_MAX_FMTS)
		return -EOVERFLOW;
	f = &m->fmts[m->nfmt];
	memset(f, 0, sizeof(*f));
	f->fmt = tz_span_of(b, b + p, b + q);
	f->pt = -1;
	/* RFC4566 5.14: for RTP/AVP the formats are RTP payload type
	 * numbers (RFC 3551 6: 0..127) */
	if (m->rtp) {
		if (!sdp_uint(b, p, q, 127, &v))
			return -EBADMSG;
		f->pt = (int16_t)v;
	}
	/* A format listed twice would make rtpmap and fmtp ambiguous. */
	for (i = 0; i < m->nfmt; i++)
		if (m->rtp ? m->fmts[i].pt == f->pt
		           : sdp_span_same(b, m->fmts[i].fmt, b, f->fmt))
			return -EBADMSG;
	m->nfmt++;
	return 0;
}

int sdp_media_parse(struct tz_sdp_media *m, const char *b, uint32_t p,
                    uint32_t e)
{
	uint32_t q;
	uint64_t v;
	int err;

	/* RFC4566 5.14: m=<media> <port>[/<number of ports>] <proto>
	 * <fmt> ... */
	memset(m, 0, sizeof(*m));
	err = field(b, &p, e, false, true, &m->media);
	if (err)
		return err;
	q = sdp_skip_digits(b, p, e);
	if (!sdp_uint(b, p, q, 65535, &v))
		return -EBADMSG;
	m->port_s = tz_span_of(b, b + p, b + q);
	m->port = (uint16_t)v;
	p = q;
	if (p < e && b[p] == '/') {
		q = sdp_skip_digits(b, p + 1, e);
		if (!sdp_uint(b, p + 1, q, 65535, &v) || v == 0)
			return -EBADMSG;
		m->nports_s = tz_span_of(b, b + p + 1, b + q);
		m->nports = (uint16_t)v;
		p = q;
	}
	if (p >= e || b[p] != ' ')
		return -EBADMSG;
	p++;
	/* RFC4566 9: proto = token *("/" token) */
	for (q = p;;) {
		uint32_t t = sdp_skip_token(b, q, e);
		if (t == q)
			return -EBADMSG;
		q = t;
		if (q < e && b[q] == '/')
			q++;
		else
			break;
	}
	m->proto = tz_span_of(b, b + p, b + q);
	m->rtp = proto_rtp(b, m->proto);
	p = q;
	/* RFC4566 9: 1*(SP fmt), fmt = token */
	do {
		if (p >= e || b[p] != ' ')
			return -EBADMSG;
		q = sdp_skip_token(b, ++p, e);
		if (q == p)
			return -EBADMSG;
		err = media_fmt(m, b, p, q);
		if (err)
			return err;
		p = q;
	} while (p < e);
	return 0;
}

int sdp_attr_parse(struct tz_sdp_attr *a, const char *b, uint32_t p, uint32_t e)
{
	uint32_t q = sdp_skip_token(b, p, e);

	/* RFC4566 5.13: a=<attribute> / a=<attribute>:<value>; RFC4566 9:
	 * att-field = token, att-value = byte-string (not empty) */
	if (q == p)
		return -EBADMSG;
	a->name = tz_span_of(b, b + p, b + q);
	a->value = tz_span_of(b, b + e, b + e);
	if (q == e)
		return 0;
	if (b[q] != ':' || q + 1 == e)
		return -EBADMSG;
	a->value = tz_span_of(b, b + q + 1, b + e);
	return 0;
}
