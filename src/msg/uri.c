/*
 * uri.c  URI reading: SIP/SIPS (RFC 3261 19.1.1, 25.1), tel (RFC 3966 3),
 * other absoluteURIs (RFC 3261 25.1, RFC 2396 3), and host checks shared
 * with Via (RFC 3261 25.1 hostport, RFC 5118).
 */
#include <errno.h>

#include "tz/tz_hdr.h"
#include "tz/tz_uri.h"
#include "chars.h"

/* RFC3261 25.1: escaped = "%" HEXDIG HEXDIG, at b[i] */
static bool escape_ok(const char *b, uint32_t i, uint32_t end)
{
	return end - i >= 3 && chr_is((unsigned char)b[i + 1], C_HEX) &&
	       chr_is((unsigned char)b[i + 2], C_HEX);
}

/*
 * Check that base[i, end) holds only bytes of class @cls or escapes
 * ("%" HEXDIG HEXDIG), and is not empty when @nonempty.
 */
static bool run_ok(const char *b, uint32_t i, uint32_t end, uint16_t cls,
                   bool nonempty)
{
	if (nonempty && i >= end)
		return false;
	while (i < end) {
		unsigned char c = (unsigned char)b[i];
		if (c == '%') {
			if (!escape_ok(b, i, end))
				return false;
			i += 3;
			continue;
		}
		if (!chr_is(c, cls))
			return false;
		i++;
	}
	return true;
}

bool tz_ipv4_check(const char *p, size_t len)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, d;
		size_t s;

		if (part > 0) {
			if (i >= len || p[i] != '.')
				return false;
			i++;
		}
		/* RFC3261 25.1: dec-octet is 0-255, 1 to 3 digits (a fourth
		 * digit is then where a '.' or the end must be) */
		for (s = i; i < len && i - s < 3 &&
		            (d = (unsigned)(unsigned char)p[i] - '0') <= 9;
		     i++)
			v = v * 10 + d;
		if (i == s || v > 255)
			return false;
	}
	return i == len;
}

bool tz_ipv6_check(const char *p, size_t len)
{
	size_t i = 0, groups = 0;
	bool dcolon = false;

	/* RFC3261 25.1: IPv6address = hexpart [ ":" IPv4address ];
	 * hexpart = hexseq / hexseq "::" [ hexseq ] / "::" [ hexseq ];
	 * hex4 = 1*4HEXDIG. 45 bytes is the longest form, plus one colon of
	 * RFC 5118 tolerance. */
	if (len < 2 || len > 46)
		return false;
	while (i < len) {
		size_t s = i;
		if (p[i] == ':') {
			while (i < len && p[i] == ':')
				i++;
			if (i - s == 1) {
				/* a single colon only between two groups */
				if (s == 0 || i == len)
					return false;
				continue;
			}
			/* RFC5118 4.10: tolerate ":::" before an IPv4 tail */
			if (dcolon || i - s > 3 ||
			    (i - s == 3 && !tz_ipv4_check(p + i, len - i)))
				return false;
			dcolon = true;
			continue;
		}
		while (i < len && chr_is((unsigned char)p[i], C_HEX))
			i++;
		if (i < len && p[i] == '.') {
			/* the IPv4 tail ends the address and counts twice */
			if (s == 0 || !tz_ipv4_check(p + s, len - s))
				return false;
			groups += 2;
			break;
		}
		if (i == s || i - s > 4 || (i < len && p[i] != ':'))
			return false;
		groups++;
	}
	return dcolon ? groups <= 7 : groups == 8;
}

uint32_t tz_host_scan(const char *b, uint32_t i, uint32_t end,
                      enum tz_host_type *type)
{
	uint32_t s = i, label = i, prev = i, top, top_end;
	uint16_t seen = 0; /* classes of the alphanumerics met */
	bool numeric;

	*type = TZ_HOST_NONE;
	if (i < end && b[i] == '[') {
		const char *rb = memchr(b + i, ']', end - i);
		if (!rb)
			return i;
		i = (uint32_t)(rb - b) + 1;
		if (tz_ipv6_check(b + s + 1, i - s - 2))
			*type = TZ_HOST_IPV6;
		return i;
	}
	/* RFC3261 25.1: hostname = *( domainlabel "." ) toplabel [ "." ];
	 * labels of alphanum and inner '-'; one pass, labels checked as
	 * their '.' is met; the classes of the bytes are OR-ed together: a
	 * letter (or '-') anywhere makes it a name. */
	for (; i < end; i++) {
		uint16_t k = tz_chr[(unsigned char)b[i]];

		if (k & C_ALNUM) {
			seen |= k; /* one lookup for the usual byte */
		} else if (b[i] == '.') {
			if (i == label || b[i - 1] == '-')
				return i;
			prev = label;
			label = i + 1;
		} else if (b[i] == '-') {
			if (i == label)
				return i;
			seen |= C_ALPHA;
		} else {
			break;
		}
	}
	if (i == s || i - s > 255)
		return i;
	numeric = !(seen & C_ALPHA);
	if (numeric) {
		if (tz_ipv4_check(b + s, i - s))
			*type = TZ_HOST_IPV4;
		return i;
	}
	/* the toplabel, before an optional trailing '.' */
	top = label == i ? prev : label;
	top_end = label == i ? i - 1 : i;
	if (top < top_end && chr_is((unsigned char)b[top], C_ALPHA) &&
	    b[top_end - 1] != '-')
		*type = TZ_HOST_NAME;
	return i;
}

enum tz_host_type tz_host_check(const char *p, size_t len)
{
	enum tz_host_type type;

	if (len == 0 || len > 65535 ||
	    tz_host_scan(p, 0, (uint32_t)len, &type) != len)
		return TZ_HOST_NONE;
	return type;
}

/* RFC3261 25.1: uri-parameters = *( ";" uri-parameter ) */
static bool params_ok(const char *b, uint32_t i, uint32_t end)
{
	if (i >= end)
		return false; /* a ';' with nothing after it */
	while (i < end) {
		uint32_t s = i, e = i;
		while (e < end && b[e] != ';')
			e++;
		/* pname = 1*paramchar; pvalue = 1*paramchar */
		uint32_t eq = s;
		while (eq < e && b[eq] != '=')
			eq++;
		if (!run_ok(b, s, eq, C_PARAM | C_UNRES, true))
			return false;
		if (eq < e && !run_ok(b, eq + 1, e, C_PARAM | C_UNRES, true))
			return false;
		i = e + 1;
		if (e == end)
			break;
		if (i == end)
			return false; /* trailing ';' */
	}
	return true;
}

/* RFC3261 25.1: headers = "?" header *( "&" header ) */
static bool headers_ok(const char *b, uint32_t i, uint32_t end)
{
	if (i == end)
		return false;
	while (i < end) {
		uint32_t e = i, eq;
		while (e < end && b[e] != '&')
			e++;
		eq = i;
		while (eq < e && b[eq] != '=')
			eq++;
		if (eq == e || !run_ok(b, i, eq, C_HNV | C_UNRES, true) ||
		    !run_ok(b, eq + 1, e, C_HNV | C_UNRES, false))
			return false;
		if (e < end && e + 1 == end)
			return false;
		i = e + 1;
	}
	return true;
}

static int sip_parse(struct tz_uri *uri, const char *b, uint32_t i,
                     uint32_t end)
{
	const char *atp = memchr(b + i, '@', end - i);
	uint32_t q;

	if (atp) {
		/* RFC3261 25.1: userinfo = user [ ":" password ] "@";
		 * user = 1*( unreserved / escaped / user-unreserved ),
		 * password = *( unreserved / escaped / & = + $ , ) */
		uint32_t at = (uint32_t)(atp - b), colon = 0, p;
		uint16_t cls = C_UNRES | C_USER;
		for (p = i; p < at; p++) {
			unsigned char c = (unsigned char)b[p];
			if (c == ':' && !colon) {
				colon = p;
				cls = C_UNRES | C_PASS;
			} else if (c == '%') {
				if (!escape_ok(b, p, at))
					return -EBADMSG;
				p += 2;
			} else if (!chr_is(c, cls)) {
				return -EBADMSG;
			}
		}
		if ((colon ? colon : at) == i)
			return -EBADMSG;
		uri->user = tz_span_of(b, b + i, b + (colon ? colon : at));
		if (colon)
			uri->password = tz_span_of(b, b + colon + 1, b + at);
		uri->has_userinfo = true;
		i = at + 1;
	}
	/* RFC3261 25.1: hostport = host [ ":" port ] */
	q = tz_host_scan(b, i, end, &uri->host_type);
	if (uri->host_type == TZ_HOST_NONE)
		return -EBADMSG;
	uri->host = tz_span_of(b, b + i, b + q);
	if (q < end && b[q] == ':') {
		uint32_t d = q + 1;
		uint64_t v;
		q = skip_cls(b, d, end, C_DIGIT);
		if (q == d ||
		    tz_hdr_uint(b, (struct tz_span){d, q - d}, 65535, &v))
			return -EBADMSG;
		uri->port = (int32_t)v;
	}
	if (q < end && b[q] == ';') {
		const char *qm = memchr(b + q, '?', end - q);
		uint32_t pe = qm ? (uint32_t)(qm - b) : end;
		if (!params_ok(b, q + 1, pe))
			return -EBADMSG;
		uri->params = tz_span_of(b, b + q + 1, b + pe);
		q = pe;
	}
	if (q < end) {
		if (b[q] != '?' || !headers_ok(b, q + 1, end))
			return -EBADMSG;
		uri->headers = tz_span_of(b, b + q + 1, b + end);
	}
	return 0;
}

/* RFC3966 3: telephone-subscriber = global-number / local-number */
static int tel_parse(struct tz_uri *uri, const char *b, uint32_t i,
                     uint32_t end)
{
	uint32_t e = i, s = i;
	bool global = e < end && b[e] == '+', digit = false;

	/*
	 * global-number-digits = "+" *phonedigit DIGIT *phonedigit;
	 * local-number-digits = *phonedigit-hex (HEXDIG / "*" / "#")
	 * *phonedigit-hex; visual separators - . ( ) anywhere. A local
	 * number's phone-context is not enforced: UAs omit it too often.
	 */
	if (global)
		e++;
	for (; e < end && b[e] != ';'; e++) {
		unsigned char c = (unsigned char)b[e];
		if (!chr_is(c, C_PHONE))
			return -EBADMSG;
		if (global ? chr_is(c, C_DIGIT)
		           : (chr_is(c, C_HEX) || c == '*' || c == '#'))
			digit = true;
		else if (global && c != '-' && c != '.' && c != '(' && c != ')')
			return -EBADMSG; /* no hex, '*' or '#' in a global
			                    number */
	}
	if (!digit)
		return -EBADMSG;
	uri->user = tz_span_of(b, b + s, b + e);
	if (e < end) {
		if (!params_ok(b, e + 1, end))
			return -EBADMSG;
		uri->params = tz_span_of(b, b + e + 1, b + end);
	}
	return 0;
}

int tz_uri_parse(struct tz_uri *uri, const char *base, uint32_t off,
                 uint32_t len)
{
	uint32_t i = off, end = off + len, colon;
	struct tz_span scheme;

	memset(uri, 0, sizeof(*uri));
	uri->port = -1;
	/* the usual scheme first, "sip:" in any case, with something after
	 * it: four compares instead of the walk below */
	if (len > 4 && (base[i] | 0x20) == 's' && (base[i + 1] | 0x20) == 'i' &&
	    (base[i + 2] | 0x20) == 'p' && base[i + 3] == ':') {
		uri->scheme_s = tz_span_of(base, base + i, base + i + 3);
		uri->scheme = TZ_URI_SIP;
		return sip_parse(uri, base, i + 4, end);
	}
	/* RFC3261 25.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
	if (len == 0 || !chr_is((unsigned char)base[i], C_ALPHA))
		return -EBADMSG;
	colon = i;
	while (colon < end &&
	       (chr_is((unsigned char)base[colon], C_ALPHA | C_DIGIT) ||
	        base[colon] == '+' || base[colon] == '-' || base[colon] == '.'))
		colon++;
	if (colon == end || base[colon] != ':' || colon + 1 == end)
		return -EBADMSG;
	scheme = tz_span_of(base, base + i, base + colon);
	uri->scheme_s = scheme;
	i = colon + 1;
	if (tz_span_eqi(base, scheme, "sip")) {
		uri->scheme = TZ_URI_SIP;
		return sip_parse(uri, base, i, end);
	}
	if (tz_span_eqi(base, scheme, "sips")) {
		uri->scheme = TZ_URI_SIPS;
		return sip_parse(uri, base, i, end);
	}
	if (tz_span_eqi(base, scheme, "tel")) {
		uri->scheme = TZ_URI_TEL;
		return tel_parse(uri, base, i, end);
	}
	/* RFC3261 25.1: absoluteURI = scheme ":" ( hier-part / opaque-part );
	 * both are runs of uric (reserved / unreserved / escaped). */
	uri->scheme = TZ_URI_OTHER;
	if (!run_ok(base, i, end, C_RESERVED | C_UNRES, true))
		return -EBADMSG;
	uri->host = tz_span_of(base, base + i, base + end);
	return 0;
}
