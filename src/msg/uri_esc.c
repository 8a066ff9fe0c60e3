/*
 * uri_esc.c  %HH escapes of URI components: decoding (RFC 3261 25.1
 * escaped, RFC 4475 3.1.1.4 escnull: %00 decodes to a NUL byte, so lengths
 * travel with the bytes) and encoding per component (RFC 3261 19.1.2, 25.1:
 * user, password, uri-parameter, header).
 */
#include <errno.h>

#include "tz/tz_buf.h"
#include "tz/tz_uri.h"
#include "chars.h"

int tz_uri_unescape(char *out, size_t cap, const char *in, size_t len,
                    size_t *outlen)
{
	size_t i, n = 0;

	/* First pass: validate and size, so a bad escape is reported the
	 * same way whatever @cap is, and nothing is written on error. */
	for (i = 0; i < len; n++) {
		if (in[i] != '%') {
			i++;
			continue;
		}
		/* RFC3261 25.1: escaped = "%" HEXDIG HEXDIG */
		if (len - i < 3 || hexval((unsigned char)in[i + 1]) < 0 ||
		    hexval((unsigned char)in[i + 2]) < 0)
			return -EBADMSG;
		i += 3;
	}
	*outlen = n;
	if (n > cap)
		return -EOVERFLOW;
	/* Writes never pass reads (n <= i), so out == in is safe. */
	for (i = 0, n = 0; i < len; n++) {
		if (in[i] == '%') {
			out[n] = (char)(hexval((unsigned char)in[i + 1]) << 4 |
			                hexval((unsigned char)in[i + 2]));
			i += 3;
		} else {
			out[n] = in[i++];
		}
	}
	return 0;
}

int tz_uri_escape(struct tz_buf *b, const char *in, size_t len,
                  enum tz_uri_part part)
{
	static const char hex[] = "0123456789ABCDEF";
	uint16_t cls;
	size_t i, run = 0;

	switch (part) {
	case TZ_URI_PART_USER:
		/* RFC3261 25.1: user = 1*( unreserved / escaped /
		 * user-unreserved ) */
		cls = C_UNRES | C_USER;
		break;
	case TZ_URI_PART_PASSWORD:
		/* RFC3261 25.1: password = *( unreserved / escaped /
		 * "&" / "=" / "+" / "$" / "," ) */
		cls = C_UNRES | C_PASS;
		break;
	case TZ_URI_PART_PARAM:
		/* RFC3261 25.1: paramchar = param-unreserved / unreserved /
		 * escaped */
		cls = C_UNRES | C_PARAM;
		break;
	case TZ_URI_PART_HEADER:
		/* RFC3261 25.1: hname, hvalue = *( hnv-unreserved /
		 * unreserved / escaped ) */
		cls = C_UNRES | C_HNV;
		break;
	default:
		return -EINVAL;
	}
	if (len == 0)
		return b->err; /* @in may be NULL */
	/* Runs of allowed bytes go out in one put. No class holds '%', so
	 * a literal '%' is always escaped. */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		char e[3];

		if (chr_is(c, cls)) {
			run++;
			continue;
		}
		tz_buf_put(b, in + i - run, run);
		run = 0;
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		tz_buf_put(b, e, sizeof(e));
	}
	tz_buf_put(b, in + len - run, run);
	return b->err;
}
