/*
 * uri_print.c  Printing URIs: the canonical form of a parsed URI (RFC 3261
 * 19.1.1, 19.1.4), a Request-URI made from a Contact or redirect target
 * (RFC 3261 19.1.5, 8.1.1.1), and name-addr (RFC 3261 20.10, 25.1).
 *
 * The canonical form differs from what was parsed only where RFC 3261
 * 19.1.4 says the difference does not matter, so it stays equivalent to
 * the original, and printing it again changes nothing.
 */
#include <errno.h>

#include "tz/tz_buf.h"
#include "tz/tz_uri.h"
#include "chars.h"

static const char hexdig[] = "0123456789ABCDEF";

static void put_esc(struct tz_buf *b, unsigned char c)
{
	char e[3] = {'%', hexdig[c >> 4], hexdig[c & 15]};

	tz_buf_put(b, e, sizeof(e));
}

/*
 * Print the escaped string p[0, n) of a component whose unescaped bytes
 * are class @cls. An escape of a byte outside the reserved set that the
 * component allows bare is decoded (RFC3261 19.1.4: they are equivalent);
 * other escapes are kept, in upper-case hex. A bare byte the component
 * does not allow (never from the parser) is escaped, so the output always
 * parses.
 */
static void put_units(struct tz_buf *b, const char *p, size_t n, uint16_t cls)
{
	size_t i = 0, run = 0;

	while (i < n) {
		unsigned char c = (unsigned char)p[i];

		if (c == '%' && n - i >= 3 &&
		    hexval((unsigned char)p[i + 1]) >= 0 &&
		    hexval((unsigned char)p[i + 2]) >= 0) {
			c = (unsigned char)(hexval((unsigned char)p[i + 1])
			                            << 4 |
			                    hexval((unsigned char)p[i + 2]));
			tz_buf_put(b, p + i - run, run);
			run = 0;
			if (!chr_is(c, C_RESERVED) && chr_is(c, cls))
				tz_buf_putc(b, (char)c);
			else
				put_esc(b, c);
			i += 3;
			continue;
		}
		if (chr_is(c, cls)) {
			run++;
			i++;
			continue;
		}
		tz_buf_put(b, p + i - run, run);
		run = 0;
		put_esc(b, c);
		i++;
	}
	tz_buf_put(b, p + n - run, run);
}

/* Print p[0, n) in ASCII lower case. */
static void put_lower(struct tz_buf *b, const char *p, size_t n)
{
	char tmp[64];
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		char c = p[i];
		tmp[k++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		if (k == sizeof(tmp)) {
			tz_buf_put(b, tmp, k);
			k = 0;
		}
	}
	tz_buf_put(b, tmp, k);
}

/* True when the escaped string p[0, n) spells @name, ignoring case. */
static bool is_name(const char *p, size_t n, const char *name)
{
	size_t i = 0;

	for (; *name; name++) {
		unsigned char c;

		if (i >= n)
			return false;
		c = (unsigned char)p[i];
		if (c == '%' && n - i >= 3 &&
		    hexval((unsigned char)p[i + 1]) >= 0 &&
		    hexval((unsigned char)p[i + 2]) >= 0) {
			c = (unsigned char)(hexval((unsigned char)p[i + 1])
			                            << 4 |
			                    hexval((unsigned char)p[i + 2]));
			i += 3;
		} else {
			i++;
		}
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if (c != (unsigned char)*name)
			return false;
	}
	return i == n;
}

/*
 * Print a list of "name[=value]" entries split at @sep, each led by
 * @lead (the first) or @sep (the rest), escapes normalized for @cls.
 * With @drop_method, a method uri-parameter is left out.
 */
static void put_list(struct tz_buf *b, const char *p, size_t len, char lead,
                     char sep, uint16_t cls, bool drop_method)
{
	const char *end = p + len;
	bool first = true;

	while (p < end) {
		const char *e = p, *eq;

		while (e < end && *e != sep)
			e++;
		eq = p;
		while (eq < e && *eq != '=')
			eq++;
		if (!drop_method || !is_name(p, (size_t)(eq - p), "method")) {
			tz_buf_putc(b, first ? lead : sep);
			first = false;
			put_units(b, p, (size_t)(eq - p), cls);
			/* RFC3261 25.1: header = hname "=" hvalue, even when
			 * hvalue is empty */
			if (eq < e || sep == '&')
				tz_buf_putc(b, '=');
			if (eq < e)
				put_units(b, eq + 1, (size_t)(e - eq - 1), cls);
		}
		p = e < end ? e + 1 : end;
	}
}

static int print(struct tz_buf *b, const char *base, const struct tz_uri *u,
                 bool ruri)
{
	put_lower(b, base + u->scheme_s.off, u->scheme_s.len);
	tz_buf_putc(b, ':');
	if (u->scheme == TZ_URI_TEL) {
		/* RFC3966 3: the number is digits and separators: no escapes,
		 * nothing to normalize. */
		tz_buf_put_span(b, base, u->user);
		put_list(b, base + u->params.off, u->params.len, ';', ';',
		         C_UNRES | C_PARAM, false);
		return b->err;
	}
	if (u->scheme != TZ_URI_SIP && u->scheme != TZ_URI_SIPS) {
		/* another scheme: its rest means what that scheme says */
		tz_buf_put_span(b, base, u->host);
		return b->err;
	}
	if (u->has_userinfo) {
		/* RFC3261 25.1: userinfo = user [ ":" password ] "@" */
		put_units(b, base + u->user.off, u->user.len, C_UNRES | C_USER);
		if (u->password.len ||
		    (u->host.off > u->user.off &&
		     u->user.off + u->user.len < u->host.off - 1)) {
			tz_buf_putc(b, ':');
			put_units(b, base + u->password.off, u->password.len,
			          C_UNRES | C_PASS);
		}
		tz_buf_putc(b, '@');
	}
	/* RFC3261 19.1.4: the host is case-insensitive */
	put_lower(b, base + u->host.off, u->host.len);
	if (u->port >= 0) {
		tz_buf_putc(b, ':');
		tz_buf_put_u64(b, (uint64_t)u->port);
	}
	/* RFC3261 19.1.5: a Request-URI formed from a Contact or redirect
	 * target carries no method parameter and no headers. */
	put_list(b, base + u->params.off, u->params.len, ';', ';',
	         C_UNRES | C_PARAM, ruri);
	if (!ruri)
		put_list(b, base + u->headers.off, u->headers.len, '?', '&',
		         C_UNRES | C_HNV, false);
	return b->err;
}

int tz_uri_print(struct tz_buf *b, const char *base, const struct tz_uri *u)
{
	return print(b, base, u, false);
}

int tz_uri_print_ruri(struct tz_buf *b, const char *base,
                      const struct tz_uri *u)
{
	return print(b, base, u, true);
}

/* RFC3261 25.1: display-name = *(token LWS) / quoted-string; tokens here
 * are split by single spaces so that the name reads back unchanged. */
static bool plain_name(const char *p, size_t n)
{
	size_t i;

	if (p[0] == ' ' || p[n - 1] == ' ')
		return false;
	for (i = 0; i < n; i++) {
		if (p[i] == ' ' ? p[i + 1] == ' '
		                : !chr_is((unsigned char)p[i], C_TOKEN))
			return false;
	}
	return true;
}

static void put_quoted(struct tz_buf *b, const char *p, size_t n)
{
	size_t i, run = 0;

	tz_buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		/* RFC3261 25.1: qdtext excludes '"', '\\' and controls
		 * other than HTAB; quoted-pair carries them (CR, LF aside) */
		if (c != '"' && c != '\\' && (c >= 0x20 || c == '\t') &&
		    c != 0x7f) {
			run++;
			continue;
		}
		tz_buf_put(b, p + i - run, run);
		run = 0;
		tz_buf_putc(b, '\\');
		tz_buf_putc(b, (char)c);
	}
	tz_buf_put(b, p + n - run, run);
	tz_buf_putc(b, '"');
}

int tz_naddr_print(struct tz_buf *b, const char *dname, size_t dlen,
                   const char *base, const struct tz_uri *u, const char *params,
                   size_t plen)
{
	if (!dname)
		dlen = 0;
	/* RFC3261 25.1: quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F):
	 * no form carries CR or LF. */
	if (dlen && (memchr(dname, '\r', dlen) || memchr(dname, '\n', dlen)))
		return -EINVAL;
	if (dlen) {
		if (plain_name(dname, dlen))
			tz_buf_put(b, dname, dlen);
		else
			put_quoted(b, dname, dlen);
		tz_buf_putc(b, ' ');
	}
	/* RFC3261 20.10: brackets are needed when the URI holds ',', ';'
	 * or '?', and always with a display name; always is simplest. */
	tz_buf_putc(b, '<');
	tz_uri_print(b, base, u);
	tz_buf_putc(b, '>');
	if (plen) {
		if (params[0] != ';')
			tz_buf_putc(b, ';');
		tz_buf_put(b, params, plen);
	}
	return b->err;
}
