/*
 * hv_unescape.c  Copies of escaped values into caller buffers: the
 * quoted-string (RFC 3261 25.1 quoted-pair, 7.3.1 folding) and %HH escapes
 * of URI components (RFC 3986 2.1). The only decoders here that write
 * bytes; both are bounded by the caller's capacity.
 */
#include <errno.h>
#include <string.h>

#include "tz/tz_hval.h"
#include "tz/tz_uri.h"
#include "chars.h"

/* The contents of a quoted-string checked whole (tz_skip_quoted): only
 * quoted-pairs and folds to undo; the copy is no longer than them. */
static int copy_checked(char *dst, size_t *lenp, const char *base, uint32_t p,
                        uint32_t end)
{
	size_t n = 0;

	while (p < end) {
		uint32_t q = skip_cls(base, p, end, C_QDTEXT);

		memcpy(dst + n, base + p, q - p);
		n += q - p;
		if (q >= end)
			break;
		/* RFC3261 25.1 quoted-pair: the byte after "\";
		 * RFC3261 7.3.1: a fold (CR LF WSP) keeps its WSP */
		dst[n++] = base[q] == '\\' ? base[q + 1] : base[q + 2];
		p = q + (base[q] == '\\' ? 2 : 3);
	}
	dst[n] = '\0';
	*lenp = n;
	return 0;
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
		if (end - p < cap)
			return copy_checked(dst, lenp, base, p, end);
		/* longer than @p cap: the loop below finds whether its
		 * unescaped copy fits */
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
	size_t n;
	int err;

	/* the decoding is the URI layer's; this adds the NUL after it */
	if (cap == 0)
		return -EOVERFLOW;
	err = tz_uri_unescape(dst, cap - 1, base + s.off, s.len, &n);
	if (err)
		return err;
	dst[n] = '\0';
	*lenp = n;
	return 0;
}
