/*
 * hv_date.c  The Date header (RFC 3261 20.17 and 25.1 SIP-date): an RFC
 * 1123 date restricted to GMT, decoded to seconds since the Unix epoch.
 */
#include <errno.h>
#include <strings.h>

#include "tz/tz_hval.h"
#include "chars.h"

static const char wkdays[7][4] = {"Sun", "Mon", "Tue", "Wed",
                                  "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
/* days before each month in a common year */
static const uint16_t mdays_before[13] = {0,   31,  59,  90,  120, 151, 181,
                                          212, 243, 273, 304, 334, 365};

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 0001-01-01 to y-01-01 in the proleptic Gregorian calendar. */
static int64_t days_before_year(int64_t y)
{
	int64_t p = y - 1;

	return 365 * p + p / 4 - p / 100 + p / 400;
}

/* Index of the 3-letter name at @p in @names, or -1. ABNF strings are
 * case-insensitive (RFC 5234 2.3). */
static int name3(const char *p, const char (*names)[4], int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (strncasecmp(p, names[i], 3) == 0)
			return i;
	return -1;
}

/* @n DIGITs at @p as a number, or -1. */
static int num(const char *p, int n)
{
	int v = 0;

	while (n--) {
		if (!chr_is((unsigned char)*p, C_DIGIT))
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	return v;
}

int tz_date_decode(int64_t *secs, const char *base, struct tz_span value)
{
	uint32_t end = value.off + value.len;
	uint32_t p = skip_lws(base, value.off, end);
	const char *d = base + p;
	int wd, day, mon, year, hh, mm, ss;
	int64_t days, y;

	/* RFC3261 25.1: rfc1123-date = wkday "," SP date1 SP time SP "GMT";
	 * date1 = 2DIGIT SP month SP 4DIGIT; time = 2DIGIT ":" 2DIGIT ":"
	 * 2DIGIT: "Sun, 06 Nov 1994 08:49:37 GMT" is 29 bytes */
	if (end - p < 29 || skip_lws(base, p + 29, end) != end)
		return -EBADMSG;
	wd = name3(d, wkdays, 7);
	mon = name3(d + 8, months, 12);
	day = num(d + 5, 2);
	year = num(d + 12, 4);
	hh = num(d + 17, 2);
	mm = num(d + 20, 2);
	ss = num(d + 23, 2);
	if (wd < 0 || d[3] != ',' || d[4] != ' ' || day < 0 || d[7] != ' ' ||
	    mon < 0 || d[11] != ' ' || year < 0 || d[16] != ' ' || hh < 0 ||
	    d[19] != ':' || mm < 0 || d[22] != ':' || ss < 0 || d[25] != ' ')
		return -EBADMSG;
	/* RFC3261 20.17: "only one time zone": GMT (RFC 4475 3.1.2.12) */
	if (strncasecmp(d + 26, "GMT", 3) != 0)
		return -EBADMSG;
	/* seconds 60 is a leap second (RFC 5322 3.3) */
	if (hh > 23 || mm > 59 || ss > 60 || day < 1)
		return -EBADMSG;
	if (day > mdays_before[mon + 1] - mdays_before[mon] +
	                  (mon == 1 && leap(year)))
		return -EBADMSG;
	/* shift by 400 years (one whole Gregorian cycle) so year 0 works */
	y = year + 400;
	days = days_before_year(y) - days_before_year(1970 + 400) +
	       mdays_before[mon] + (mon > 1 && leap(y)) + day - 1;
	/* 1970-01-01 was a Thursday; the weekday written must agree */
	if (((days % 7) + 7 + 4) % 7 != wd)
		return -EBADMSG;
	*secs = days * 86400 + hh * 3600 + mm * 60 + ss;
	return 0;
}
