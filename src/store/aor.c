/*
 * aor.c  Addresses of record: the canonical "user@domain" key under which
 * users and bindings are stored (RFC 3261 10.3 item 5).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "tz/tz_store.h"

/* out = unescaped user '@' lowercased host; "why" on failure */
static int canon(char out[TZ_AOR_MAX + 1], const char *user, size_t ulen,
                 const char *host, size_t hlen, const char **why)
{
	size_t n, i;

	if (!ulen) {
		*why = "no user part";
		return -EINVAL;
	}
	if (!hlen) {
		*why = "no domain";
		return -EINVAL;
	}
	/* RFC3261 10.3: the AOR compares with escapes decoded */
	switch (tz_uri_unescape(out, TZ_AOR_MAX, user, ulen, &n)) {
	case 0:
		break;
	case -EOVERFLOW:
		*why = "longer than 255 bytes";
		return -EINVAL;
	default:
		*why = "a '%' in the user part is not followed by two hex "
		       "digits";
		return -EINVAL;
	}
	/* a decoded control byte (%00, %0A, ...) would cut the key short
	 * or break the one-AOR-per-line listings */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];

		if (c < 0x20 || c == 0x7f) {
			*why = "the user part decodes to a control character";
			return -EINVAL;
		}
	}
	if (n + 1 + hlen > TZ_AOR_MAX) {
		*why = "longer than 255 bytes";
		return -EINVAL;
	}
	out[n++] = '@';
	/* RFC3261 19.1.4: the host compares case-insensitively */
	for (i = 0; i < hlen; i++) {
		char c = host[i];

		out[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	out[n] = '\0';
	return 0;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* RFC3261 25.1: user = 1*( unreserved / escaped / user-unreserved ) */
static bool is_user_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("-_.!~*'()&=+$,;?/", c));
}

/* Which part of "user@domain" spoiled the parse (tz_uri_parse says only
 * -EBADMSG); the input has one '@' at least, not first nor last. */
static const char *diagnose(const char *in, size_t len)
{
	const char *at = memchr(in, '@', len);
	size_t ulen = (size_t)(at - in), i;

	if (memchr(at + 1, '@', len - ulen - 1))
		return "more than one '@' (write an '@' of the user part as "
		       "%40)";
	for (i = 0; i < ulen; i++) {
		if (in[i] == ':')
			return "a password is not part of an AOR";
		if (in[i] == '%' &&
		    (i + 2 >= ulen || !is_hex(in[i + 1]) || !is_hex(in[i + 2])))
			return "a '%' in the user part is not followed by two "
			       "hex digits";
		if (in[i] != '%' && !is_user_char(in[i]))
			return "a character of the user part needs escaping "
			       "as %HH";
	}
	for (i = ulen + 1; i < len; i++) {
		if (in[i] == ';')
			return "parameters are not part of an AOR";
		if (in[i] == '?')
			return "headers are not part of an AOR";
		if (in[i] == ':' && in[ulen + 1] != '[')
			return "a port is not part of an AOR";
	}
	return "the domain is not a valid host name or IP address";
}

int tz_aor_canon(char out[TZ_AOR_MAX + 1], const char *in, size_t len,
                 const char **why)
{
	/* "sip:" + the longest input we accept + room to see it is longer */
	char buf[4 + TZ_AOR_MAX + 2];
	struct tz_uri u;
	const char *at;
	const char *dummy;

	if (!why)
		why = &dummy;
	if (!len) {
		*why = "empty";
		return -EINVAL;
	}
	if (len > TZ_AOR_MAX) {
		*why = "longer than 255 bytes";
		return -EINVAL;
	}
	if (memchr(in, '\0', len)) {
		*why = "a NUL byte";
		return -EINVAL;
	}
	if ((len > 4 && !strncasecmp(in, "sip:", 4)) ||
	    (len > 5 && !strncasecmp(in, "sips:", 5))) {
		*why = "write user@domain, without the sip: scheme";
		return -EINVAL;
	}
	at = memchr(in, '@', len);
	if (!at) {
		*why = "no '@' (expected user@domain)";
		return -EINVAL;
	}
	if (at == in) {
		*why = "no user part";
		return -EINVAL;
	}
	if (at + 1 == in + len) {
		*why = "no domain";
		return -EINVAL;
	}
	memcpy(buf, "sip:", 4);
	memcpy(buf + 4, in, len);
	if (tz_uri_parse(&u, buf, 0, (uint32_t)(4 + len)) != 0) {
		*why = diagnose(in, len);
		return -EINVAL;
	}
	if (u.password.len || buf[u.user.off + u.user.len] == ':') {
		*why = "a password is not part of an AOR";
		return -EINVAL;
	}
	if (u.port >= 0) {
		*why = "a port is not part of an AOR";
		return -EINVAL;
	}
	if (u.params.len) {
		*why = "parameters are not part of an AOR";
		return -EINVAL;
	}
	if (u.headers.len) {
		*why = "headers are not part of an AOR";
		return -EINVAL;
	}
	return canon(out, buf + u.user.off, u.user.len, buf + u.host.off,
	             u.host.len, why);
}

int tz_aor_from_uri(char out[TZ_AOR_MAX + 1], const char *base,
                    const struct tz_uri *u)
{
	const char *why;

	/* RFC3261 10.3: the AOR of a REGISTER is its To URI's user@host */
	if ((u->scheme != TZ_URI_SIP && u->scheme != TZ_URI_SIPS) ||
	    !u->has_userinfo)
		return -EINVAL;
	return canon(out, base + u->user.off, u->user.len, base + u->host.off,
	             u->host.len, &why);
}
