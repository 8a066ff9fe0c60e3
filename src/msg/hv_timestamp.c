/*
 * hv_timestamp.c  The Timestamp header (RFC 3261 20.38, 8.2.6.1): a
 * decimal time value and an optional decimal delay.
 */
#include <errno.h>

#include "tz/tz_hval.h"
#include "chars.h"

#define US_PER_S 1000000u

/*
 * Read *DIGIT [ "." *DIGIT ] at *pp (at least one digit before the '.'
 * when @need_int) into microseconds; digits finer than a microsecond are
 * read and dropped.
 */
static int decimal(const char *b, uint32_t *pp, uint32_t end, bool need_int,
                   uint64_t *us)
{
	uint32_t p = *pp, s = p, n = 0;
	uint64_t secs = 0, frac = 0, scale = US_PER_S / 10;
	bool range = false;

	for (; p < end && chr_is((unsigned char)b[p], C_DIGIT); p++) {
		if (secs > (UINT64_MAX / US_PER_S - 9) / 10)
			range = true;
		else
			secs = secs * 10 + (uint64_t)(b[p] - '0');
	}
	if (need_int && p == s)
		return -EBADMSG;
	if (p < end && b[p] == '.') {
		for (p++; p < end && chr_is((unsigned char)b[p], C_DIGIT);
		     p++) {
			if (n++ < 6) {
				frac += (uint64_t)(b[p] - '0') * scale;
				scale /= 10;
			}
		}
	}
	*pp = p;
	*us = secs * US_PER_S + frac;
	return range ? -ERANGE : 0;
}

int tz_timestamp_decode(struct tz_timestamp *out, const char *base,
                        struct tz_span value)
{
	uint32_t end = value.off + value.len;
	uint32_t p = skip_lws(base, value.off, end), s = p, d;
	int err, range;

	memset(out, 0, sizeof(*out));
	/* RFC3261 20.38: Timestamp = 1*(DIGIT) [ "." *(DIGIT) ]
	 * [ LWS delay ]; delay = *(DIGIT) [ "." *(DIGIT) ] */
	range = decimal(base, &p, end, true, &out->value_us);
	if (range == -EBADMSG)
		return range;
	out->value = tz_span_of(base, base + s, base + p);
	d = skip_lws(base, p, end);
	if (d < end) {
		if (d == p)
			return -EBADMSG; /* the delay needs LWS before it */
		p = d;
		err = decimal(base, &p, end, false, &out->delay_us);
		if (err == -ERANGE)
			range = err;
		out->delay = tz_span_of(base, base + d, base + p);
		out->has_delay = p > d;
		if (skip_lws(base, p, end) != end)
			return -EBADMSG;
	}
	return range;
}
