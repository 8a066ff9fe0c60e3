/*
 * uri_cmp.c  URI equivalence: SIP and SIPS URIs by RFC 3261 19.1.4, tel
 * URIs by RFC 3966 4, and any other scheme as a case-insensitive scheme
 * plus an exact rest.
 *
 * Everything is compared in place, escape by escape: no allocation, no
 * copy. Parameter and header lists are matched by name, which is
 * quadratic in their length; past CMP_MAX entries (a hostile message, not
 * a real URI) the lists must instead match in order, which stays linear
 * and keeps the relation reflexive and symmetric.
 */
#include <arpa/inet.h>

#include "tz/tz_hdr.h"
#include "tz/tz_uri.h"
#include "chars.h"

#define CMP_MAX 64 /* entries of a list matched by name, order-insensitive */

enum {
	U_ICASE = 1 << 0, /* ASCII case-insensitive */
	U_VSEP = 1 << 1,  /* skip tel visual separators */
};

/* One uri-parameter ("name[=value]") or header ("name=value"). */
struct item {
	const char *n;
	size_t nlen;
	const char *v;
	size_t vlen;
	bool has_v;
	enum tz_hdr_id hid; /* headers only: the name's id, or OTHER */
};

/*
 * Read the unit at p[i]: a byte, or an escape standing for one. Returns the
 * next index. The parser only lets valid escapes through; a '%' that does
 * not start one is taken as itself.
 */
static size_t unit(const char *p, size_t i, size_t n, unsigned char *c,
                   bool *esc)
{
	if (p[i] == '%' && n - i >= 3 && hexval((unsigned char)p[i + 1]) >= 0 &&
	    hexval((unsigned char)p[i + 2]) >= 0) {
		*c = (unsigned char)(hexval((unsigned char)p[i + 1]) << 4 |
		                     hexval((unsigned char)p[i + 2]));
		*esc = true;
		return i + 3;
	}
	*c = (unsigned char)p[i];
	*esc = false;
	return i + 1;
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* RFC3966 5.1.1: visual-separator = "-" / "." / "(" / ")" */
static bool is_vsep(char c)
{
	return c == '-' || c == '.' || c == '(' || c == ')';
}

/* Skip separators, escaped or not: they are unreserved, so "%2D" is "-". */
static size_t skip_vsep(const char *p, size_t i, size_t n, unsigned flags)
{
	unsigned char c;
	bool esc;
	size_t next;

	if (!(flags & U_VSEP))
		return i;
	while (i < n && (next = unit(p, i, n, &c, &esc)) && is_vsep((char)c))
		i = next;
	return i;
}

/* Compare two escaped strings unit by unit. */
static bool units_eq(const char *a, size_t an, const char *b, size_t bn,
                     unsigned flags)
{
	size_t i = 0, j = 0;

	for (;;) {
		unsigned char ca, cb;
		bool ea, eb;

		i = skip_vsep(a, i, an, flags);
		j = skip_vsep(b, j, bn, flags);
		if (i == an || j == bn)
			return i == an && j == bn;
		i = unit(a, i, an, &ca, &ea);
		j = unit(b, j, bn, &cb, &eb);
		if (flags & U_ICASE) {
			ca = lower(ca);
			cb = lower(cb);
		}
		if (ca != cb)
			return false;
		/* RFC3261 19.1.4: characters other than those in the
		 * "reserved" set are equivalent to their escaped form; an
		 * escaped reserved character is not the literal one. */
		if (ea != eb && chr_is(ca, C_RESERVED))
			return false;
	}
}

/* Case-insensitive and escape-aware comparison with a literal name. */
static bool name_is(const struct item *it, const char *name)
{
	return units_eq(it->n, it->nlen, name, strlen(name), U_ICASE);
}

/*
 * Take the next entry of a list at *pp: entries end at @sep, the name at
 * the first '='. Returns false at the end of the list.
 */
static bool next_item(const char **pp, const char *end, char sep,
                      struct item *it)
{
	const char *p = *pp, *e = p, *eq;

	if (p >= end)
		return false;
	while (e < end && *e != sep)
		e++;
	eq = p;
	while (eq < e && *eq != '=')
		eq++;
	it->n = p;
	it->nlen = (size_t)(eq - p);
	it->has_v = eq < e;
	it->v = it->has_v ? eq + 1 : e;
	it->vlen = it->has_v ? (size_t)(e - eq - 1) : 0;
	it->hid = TZ_HDR_OTHER;
	*pp = e < end ? e + 1 : end;
	return true;
}

/* Split a list into @it; returns the count, or CMP_MAX + 1 if longer. */
static size_t split(const char *p, size_t len, char sep, struct item *it)
{
	const char *end = p + len;
	struct item tmp;
	size_t n = 0;

	while (next_item(&p, end, sep, n < CMP_MAX ? &it[n] : &tmp))
		if (++n > CMP_MAX)
			break;
	return n;
}

/* ---- uri-parameters (SIP, SIPS, tel) ---- */

static bool pname_eq(const struct item *x, const struct item *y)
{
	return units_eq(x->n, x->nlen, y->n, y->nlen, U_ICASE);
}

static bool pvalue_eq(const struct item *x, const struct item *y, bool tel)
{
	unsigned flags = U_ICASE;

	if (x->has_v != y->has_v)
		return false;
	/* RFC3966 4: phone-context as global-number-digits, and the
	 * extension, compare digit by digit without visual separators. A
	 * domainname never starts with '+', so the choice is symmetric. */
	if (tel && (name_is(x, "ext") ||
	            (name_is(x, "phone-context") && x->vlen && y->vlen &&
	             x->v[0] == '+' && y->v[0] == '+')))
		flags |= U_VSEP;
	/* RFC3261 19.1.4: all components but userinfo are compared
	 * case-insensitively, uri-parameter values included. */
	return units_eq(x->v, x->vlen, y->v, y->vlen, flags);
}

/*
 * RFC3261 19.1.4: a user, ttl or method uri-parameter in only one URI
 * never matches; nor does a maddr in only one. transport is not in the
 * RFC's list, but its own example pair "sip:bob@biloxi.com" and
 * "sip:bob@biloxi.com;transport=udp" is given as not equivalent ("can
 * resolve to different transports"), so it is treated like maddr.
 */
static bool param_must_match(const struct item *it)
{
	return name_is(it, "user") || name_is(it, "ttl") ||
	       name_is(it, "method") || name_is(it, "maddr") ||
	       name_is(it, "transport");
}

/* Index of the first entry of it[0, n) named like @x, or n. */
static size_t find_param(const struct item *it, size_t n, const struct item *x)
{
	size_t i;

	for (i = 0; i < n && !pname_eq(&it[i], x); i++)
		;
	return i;
}

/*
 * A parameter only in @it[0, n) (not in @other) may be ignored: SIP lets
 * all but the ones above go (RFC3261 19.1.4); tel does not (RFC3966 4:
 * a parameter name not found in the other URI makes them differ).
 */
static bool extras_ok(const struct item *it, size_t n, const struct item *other,
                      size_t on, bool tel)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (find_param(it, i, &it[i]) < i)
			continue; /* a repeat: only the first one counts */
		if (find_param(other, on, &it[i]) == on &&
		    (tel || param_must_match(&it[i])))
			return false;
	}
	return true;
}

static bool params_equal(const char *abase, struct tz_span as,
                         const char *bbase, struct tz_span bs, bool tel)
{
	struct item ia[CMP_MAX], ib[CMP_MAX];
	const char *ap = abase + as.off, *bp = bbase + bs.off;
	size_t na, nb, i, j;

	na = split(ap, as.len, ';', ia);
	nb = split(bp, bs.len, ';', ib);
	if (na > CMP_MAX || nb > CMP_MAX) {
		const char *ae = ap + as.len, *be = bp + bs.len;
		struct item x = {0}, y = {0};
		bool hx, hy;

		for (;;) {
			hx = next_item(&ap, ae, ';', &x);
			hy = next_item(&bp, be, ';', &y);
			if (!hx || !hy)
				return hx == hy;
			if (!pname_eq(&x, &y) || !pvalue_eq(&x, &y, tel))
				return false;
		}
	}
	/* RFC3261 19.1.4: any uri-parameter appearing in both URIs must
	 * match (the first of repeated names is the one that counts). */
	for (i = 0; i < na; i++) {
		if (find_param(ia, i, &ia[i]) < i)
			continue;
		j = find_param(ib, nb, &ia[i]);
		if (j < nb && !pvalue_eq(&ia[i], &ib[j], tel))
			return false;
	}
	return extras_ok(ia, na, ib, nb, tel) && extras_ok(ib, nb, ia, na, tel);
}

/* ---- headers ---- */

static enum tz_hdr_id hname_id(const struct item *it)
{
	char name[64];
	size_t n;

	if (tz_uri_unescape(name, sizeof(name), it->n, it->nlen, &n))
		return TZ_HDR_OTHER; /* longer than any known name */
	return tz_hdr_id_lookup(name, n);
}

/*
 * RFC3261 19.1.4: header components match per Section 20. Names compare
 * as header names do (case-insensitive, compact form equal to the long
 * one, RFC3261 7.3.3); values compare exactly, escapes aside: that is
 * right for most fields and errs towards "different" for the rest.
 */
static bool header_eq(const struct item *x, const struct item *y)
{
	if (x->hid != TZ_HDR_OTHER || y->hid != TZ_HDR_OTHER) {
		if (x->hid != y->hid)
			return false;
	} else if (!units_eq(x->n, x->nlen, y->n, y->nlen, U_ICASE)) {
		return false;
	}
	return units_eq(x->v, x->vlen, y->v, y->vlen, 0);
}

static size_t count_eq(const struct item *it, size_t n, const struct item *x)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += header_eq(&it[i], x);
	return c;
}

static bool headers_equal(const char *abase, struct tz_span as,
                          const char *bbase, struct tz_span bs)
{
	struct item ia[CMP_MAX], ib[CMP_MAX];
	const char *ap = abase + as.off, *bp = bbase + bs.off;
	size_t na, nb, i;

	na = split(ap, as.len, '&', ia);
	nb = split(bp, bs.len, '&', ib);
	if (na > CMP_MAX || nb > CMP_MAX) {
		const char *ae = ap + as.len, *be = bp + bs.len;
		struct item x = {0}, y = {0};
		bool hx, hy;

		for (;;) {
			hx = next_item(&ap, ae, '&', &x);
			hy = next_item(&bp, be, '&', &y);
			if (!hx || !hy)
				return hx == hy;
			x.hid = hname_id(&x);
			y.hid = hname_id(&y);
			if (!header_eq(&x, &y))
				return false;
		}
	}
	/* RFC3261 19.1.4: any present header component must be present in
	 * both URIs and match; order does not matter. header_eq is an
	 * equivalence, so equal counts per class make equal multisets. */
	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		ia[i].hid = hname_id(&ia[i]);
	for (i = 0; i < nb; i++)
		ib[i].hid = hname_id(&ib[i]);
	for (i = 0; i < na; i++)
		if (count_eq(ia, na, &ia[i]) != count_eq(ib, nb, &ia[i]))
			return false;
	return true;
}

/* ---- SIP and SIPS ---- */

static bool bytes_eqi(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return false;
	return true;
}

/* An IPv6reference (brackets kept) as 16 bytes; false if unreadable. */
static bool ipv6_bytes(const char *p, size_t len, unsigned char out[16])
{
	char tmp[64];

	if (len < 2 || len - 2 >= sizeof(tmp))
		return false;
	memcpy(tmp, p + 1, len - 2);
	tmp[len - 2] = '\0';
	return inet_pton(AF_INET6, tmp, out) == 1;
}

static bool host_equal(const char *abase, const struct tz_uri *a,
                       const char *bbase, const struct tz_uri *b)
{
	const char *ah = abase + a->host.off, *bh = bbase + b->host.off;
	unsigned char a6[16], b6[16];

	/* RFC3261 19.1.4: an IP address never matches a host name, even
	 * one that resolves to it. */
	if (a->host_type != b->host_type)
		return false;
	/* Two spellings of one IPv6 address ("::1", "0:0::1") are one
	 * host; the RFC 5118 4.10 ":::" form inet_pton refuses compares
	 * as text. */
	if (a->host_type == TZ_HOST_IPV6 && ipv6_bytes(ah, a->host.len, a6) &&
	    ipv6_bytes(bh, b->host.len, b6))
		return memcmp(a6, b6, sizeof(a6)) == 0;
	/* RFC3261 19.1.4: the host compares case-insensitively. */
	return a->host.len == b->host.len && bytes_eqi(ah, bh, a->host.len);
}

/* userinfo (user [":" password]) runs from the user to the '@'. */
static size_t userinfo_len(const struct tz_uri *u)
{
	return u->host.off > u->user.off ? u->host.off - 1 - u->user.off
	                                 : u->user.len;
}

static bool sip_equal(const char *abase, const struct tz_uri *a,
                      const char *bbase, const struct tz_uri *b)
{
	/* RFC3261 19.1.4: userinfo is compared case-sensitively, and as a
	 * whole, so "a:" (an empty password) is not "a". */
	if (a->has_userinfo != b->has_userinfo ||
	    (a->has_userinfo &&
	     !units_eq(abase + a->user.off, userinfo_len(a),
	               bbase + b->user.off, userinfo_len(b), 0)))
		return false;
	if (!host_equal(abase, a, bbase, b))
		return false;
	/* RFC3261 19.1.4: an omitted port does not match an explicit one,
	 * even 5060: they can resolve differently (RFC 3263). */
	if (a->port != b->port)
		return false;
	return params_equal(abase, a->params, bbase, b->params, false) &&
	       headers_equal(abase, a->headers, bbase, b->headers);
}

/* ---- tel, other ---- */

static bool tel_equal(const char *abase, const struct tz_uri *a,
                      const char *bbase, const struct tz_uri *b)
{
	/* RFC3966 4: both global ('+') or both local, digits equal once
	 * visual separators are removed; case-insensitive throughout;
	 * parameters compared by name in any order. */
	return units_eq(abase + a->user.off, a->user.len, bbase + b->user.off,
	                b->user.len, U_ICASE | U_VSEP) &&
	       params_equal(abase, a->params, bbase, b->params, true);
}

static bool other_equal(const char *abase, const struct tz_uri *a,
                        const char *bbase, const struct tz_uri *b)
{
	/* RFC3986 6.2.2.1: the scheme is case-insensitive; the rest is
	 * scheme-specific, so only identical bytes are known equal. */
	return a->scheme_s.len == b->scheme_s.len &&
	       bytes_eqi(abase + a->scheme_s.off, bbase + b->scheme_s.off,
	                 a->scheme_s.len) &&
	       a->host.len == b->host.len &&
	       memcmp(abase + a->host.off, bbase + b->host.off, a->host.len) ==
	               0;
}

bool tz_uri_equal(const char *abase, const struct tz_uri *a, const char *bbase,
                  const struct tz_uri *b)
{
	/* RFC3261 19.1.4: a SIP and a SIPS URI are never equivalent. */
	if (a->scheme != b->scheme)
		return false;
	switch (a->scheme) {
	case TZ_URI_SIP:
	case TZ_URI_SIPS:
		return sip_equal(abase, a, bbase, b);
	case TZ_URI_TEL:
		return tel_equal(abase, a, bbase, b);
	default:
		return other_equal(abase, a, bbase, b);
	}
}
