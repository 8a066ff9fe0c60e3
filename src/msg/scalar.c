/*
 * scalar.c  Single-value headers the parser decodes eagerly: numbers
 * (Content-Length, Max-Forwards), Call-ID and CSeq (RFC 3261 20.8, 20.14,
 * 20.16, 20.22, 25.1).
 */
#include <errno.h>

#include "tz/tz_hdr.h"
#include "chars.h"

/* Read 1*DIGIT at *pp; values above @max give -ERANGE (no overflow). */
static int digits(const char *b, uint32_t *pp, uint32_t end, uint64_t max,
                  uint64_t *out)
{
	uint32_t p = *pp;
	uint64_t v = 0, lim = max / 10, last = max % 10;
	bool over = false;

	if (p >= end || !chr_is((unsigned char)b[p], C_DIGIT))
		return -EBADMSG;
	/* one division before the loop, none per digit: v * 10 + d <= max
	 * exactly when v < max / 10, or v == max / 10 and d <= max % 10 */
	for (; p < end && chr_is((unsigned char)b[p], C_DIGIT); p++) {
		uint64_t d = (uint64_t)(b[p] - '0');
		if (!over) {
			over = v > lim || (v == lim && d > last);
			v = v * 10 + d;
		}
	}
	*pp = p;
	*out = v;
	return over ? -ERANGE : 0;
}

/* The common case: the value is 1 to 9 digits and nothing else (a
 * port, a length, Max-Forwards), which cannot overflow 64 bits. */
static bool short_digits(const char *base, struct tz_span val, uint64_t *out)
{
	const unsigned char *c = (const unsigned char *)base + val.off;
	uint64_t v = 0;

	if (val.len == 0 || val.len > 9)
		return false;
	for (uint32_t i = 0; i < val.len; i++) {
		if ((unsigned)(c[i] - '0') > 9)
			return false;
		v = v * 10 + (c[i] - '0');
	}
	*out = v;
	return true;
}

int tz_hdr_uint(const char *base, struct tz_span val, uint64_t max,
                uint64_t *out)
{
	uint32_t p, end = val.off + val.len;
	int err;

	if (short_digits(base, val, out))
		return *out > max ? -ERANGE : 0;
	p = skip_lws(base, val.off, end);
	err = digits(base, &p, end, max, out);
	if (err == -EBADMSG)
		return err;
	if (skip_lws(base, p, end) != end)
		return -EBADMSG;
	return err;
}

bool tz_callid_check(const char *base, struct tz_span val)
{
	uint32_t p = val.off, end = val.off + val.len, e;

	/* RFC3261 25.1: callid = word [ "@" word ] */
	e = skip_cls(base, p, end, C_WORD);
	if (e == p)
		return false;
	if (e < end && base[e] == '@') {
		p = e + 1;
		e = skip_cls(base, p, end, C_WORD);
		if (e == p)
			return false;
	}
	return e == end;
}

int tz_cseq_decode(const char *base, struct tz_span val, uint32_t *num,
                   struct tz_span *method)
{
	uint32_t end = val.off + val.len;
	uint32_t p = skip_lws(base, val.off, end), m;
	uint64_t v;
	int err;

	/* RFC3261 20.16: CSeq = 1*DIGIT LWS Method; the number is a 32-bit
	 * unsigned integer (8.1.1.5). */
	err = digits(base, &p, end, UINT32_MAX, &v);
	if (err == -EBADMSG)
		return err;
	m = skip_lws(base, p, end);
	if (m == p)
		return -EBADMSG;
	p = skip_cls(base, m, end, C_TOKEN);
	if (p == m || skip_lws(base, p, end) != end)
		return -EBADMSG;
	if (err)
		return err;
	*num = (uint32_t)v;
	*method = tz_span_of(base, base + m, base + p);
	return 0;
}
