/*
 * hv_unescape.c  Copies of escaped values into caller buffers: the
 * quoted-string (RFC 3261 25.1 quoted-pair, 7.3.1 folding) and %HH escapes
 * of URI components (RFC 3986 2.1). The only decoders here that write
 * bytes; both are bounded by the caller's capacity.
 */
#include <errno.h>

#include "tz/tz_hval.h"
#include "chars.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tz_qstr_unescape(char *dst, size_t cap, size_t *lenp, const char *base,
                     struct tz_span s)
{
	uint32_t p = s.off, end = s.off + s.len;
	size_t n = 0;

	if (p < end && base[p] == '"') {
		/* the whole quoted-string: its closing DQUOTE must end it */
		if (tz_skip_quoted(base, p, end) != end)
			return -EBADMSG;
		p++;
		end--;
	}
	while (p < end) {
		char c = base[p];
		if (c == '"')
			return -EBADMSG; /* contents hold no bare DQUOTE */
		if (c == '\\') {
			/* RFC3261 25.1: quoted-pair = "\" (%x00-09 / %x0B-0C
			 * / %x0E-7F) */
			if (p + 1 >= end || base[p + 1] == '\r' ||
			    base[p + 1] == '\n' ||
			    (unsigned char)base[p + 1] > 0x7f)
				return -EBADMSG;
			c = base[p + 1];
			p += 2;
		} else if (c == '\r') {
			/* RFC3261 7.3.1: a fold is LWS: keep only its WSP */
			if (p + 2 >= end || base[p + 1] != '\n' ||
			    !is_wsp(base[p + 2]))
				return -EBADMSG;
			c = base[p + 2];
			p += 3;
		} else {
			/* RFC3261 25.1: qdtext excludes control bytes */
			if (((unsigned char)c < 0x20 && c != '\t') || c == 0x7f)
				return -EBADMSG;
			p++;
		}
		if (n + 1 >= cap)
			return -EOVERFLOW;
		dst[n++] = c;
	}
	if (n >= cap)
		return -EOVERFLOW;
	dst[n] = '\0';
	*lenp = n;
	return 0;
}

int tz_pct_unescape(char *dst, size_t cap, size_t *lenp, const char *base,
                    struct tz_span s)
{
	uint32_t p = s.off, end = s.off + s.len;
	size_t n = 0;

	while (p < end) {
		char c = base[p];
		if (c == '%') {
			/* RFC3986 2.1: pct-encoded = "%" HEXDIG HEXDIG */
			int hi, lo;
			if (end - p < 3)
				return -EBADMSG;
			hi = hexval(base[p + 1]);
			lo = hexval(base[p + 2]);
			if (hi < 0 || lo < 0)
				return -EBADMSG;
			c = (char)(hi << 4 | lo);
			p += 3;
		} else {
			p++;
		}
		if (n + 1 >= cap)
			return -EOVERFLOW;
		dst[n++] = c;
	}
	if (n >= cap)
		return -EOVERFLOW;
	dst[n] = '\0';
	*lenp = n;
	return 0;
}
