/*
 * cmd_cdr.c  `trapezoid cdr [--since TIME] [--format csv|json]`
 * (DESIGN.md "Interfaces"): the call detail records of the database, as
 * CSV (RFC 4180 quoting) or one JSON array, oldest first. It reads a
 * database that a running server writes (WAL: readers do not block it).
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "cmds.h"
#include "json_out.h"

#define ME "trapezoid cdr"

static const char usage[] =
        "usage: trapezoid cdr [--since TIME] [--format csv|json]\n"
        "The call detail records that ended at TIME or later (all without\n"
        "--since), oldest first. TIME is Unix seconds, a UTC date and time\n"
        "(2026-11-21T10:00:00Z, \"2026-11-21 10:00:00\", 2026-11-21) or an\n"
        "age (30s, 15min, 2h, 7d ago). CSV (the default) has a header line;\n"
        "times are ISO 8601 UTC with milliseconds, the duration (answer to\n"
        "end) in seconds. Also takes --db URL and --config FILE.\n";

/* ---- times ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static unsigned month_days(int64_t y, unsigned m)
{
	static const unsigned char n[] = {31, 28, 31, 30, 31, 30,
	                                  31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : n[m - 1];
}

/* Exactly @p n digits at *p into *v; advances *p. */
static bool digits(const char **p, int n, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return false;
		*v = *v * 10 + (unsigned)(**p - '0');
	}
	return true;
}

/* A run of at least one digit (at most 12) at *p; advances *p. */
static bool number(const char **p, int64_t *v)
{
	int n = 0;

	*v = 0;
	for (; **p >= '0' && **p <= '9'; (*p)++)
		if (++n > 12)
			return false;
		else
			*v = *v * 10 + (**p - '0');
	return n > 0;
}

/* "YYYY-MM-DD" then optionally 'T' or ' ' and "HH:MM[:SS[.frac]]", then
 * optionally 'Z' or an offset "+HH:MM" / "-HH:MM"; without a zone: UTC. */
static bool iso_time(const char *p, int64_t *ms)
{
	unsigned y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, oh, om;
	int64_t off = 0, scale = 100;

	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) ||
	    *p++ != '-' || !digits(&p, 2, &d))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return false;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			return false;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &sec))
				return false;
			if (*p == '.' || *p == ',') {
				if (p[1] < '0' || p[1] > '9')
					return false;
				/* milliseconds; finer digits are dropped */
				for (p++; *p >= '0' && *p <= '9'; p++) {
					frac += (unsigned)(*p - '0') * scale;
					scale /= 10;
				}
			}
		}
		if (h > 23 || mi > 59 || sec > 59)
			return false;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1;

			if (!digits(&p, 2, &oh))
				return false;
			if (*p == ':')
				p++;
			if (!digits(&p, 2, &om) || oh > 23 || om > 59)
				return false;
			off = sign * (int64_t)(oh * 60 + om) * 60;
		}
	}
	if (*p)
		return false;
	*ms = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	        off) *
	       1000) +
	      frac;
	return true;
}

/* TIME of --since (see usage) as Unix ms; false when it is none. */
static bool parse_since(const char *t, int64_t now_ms, int64_t *ms)
{
	static const struct {
		const char *unit;
		int64_t ms;
	} units[] = {
	        {"s", 1000},    {"sec", 1000},   {"min", 60000},
	        {"h", 3600000}, {"d", 86400000}, {"w", 604800000},
	};
	const char *p = t;
	int64_t n;

	if (!number(&p, &n))
		return false;
	if (!*p) { /* Unix seconds */
		*ms = n * 1000;
		return true;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(p, units[i].unit)) {
			if (n > INT64_MAX / units[i].ms)
				return false;
			*ms = now_ms - n * units[i].ms;
			return true;
		}
	}
	return iso_time(t, ms);
}

/* Unix ms as "2026-11-21T10:00:00.123Z" (@p cap 80 holds any year). */
static void iso_ms(char *out, size_t cap, int64_t ms)
{
	int64_t s = ms / 1000, r = ms % 1000;
	time_t tt;
	struct tm tm;

	if (r < 0) { /* before 1970: floor, not truncation */
		r += 1000;
		s--;
	}
	tt = (time_t)s;
	if (!gmtime_r(&tt, &tm)) {
		snprintf(out, cap, "%" PRId64, ms);
		return;
	}
	snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	         tm.tm_min, tm.tm_sec, (int)r);
}

/* Answer to end; 0 when not answered (or the clock went back). */
static int64_t duration_ms(const struct tz_cdr_rec *c)
{
	return c->answer_ms && c->end_ms > c->answer_ms
	               ? c->end_ms - c->answer_ms
	               : 0;
}

/* ---- output ---- */

/* A CSV field (RFC 4180 2.6, 2.7): quoted, with quotes doubled, when it
 * holds a comma, a quote, CR or LF. */
static void csv_field(FILE *f, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

static int csv_row(void *arg, const struct tz_cdr_rec *c)
{
	FILE *f = arg;
	char start[80], answer[80] = "", end[80];
	int64_t d = duration_ms(c);

	iso_ms(start, sizeof(start), c->start_ms);
	if (c->answer_ms)
		iso_ms(answer, sizeof(answer), c->answer_ms);
	iso_ms(end, sizeof(end), c->end_ms);
	fprintf(f, "%" PRId64 ",", c->id);
	csv_field(f, c->caller, false);
	csv_field(f, c->callee, false);
	csv_field(f, c->call_id, false);
	fprintf(f, "%s,%s,%s,%" PRId64 ".%03d,%u,", start, answer, end,
	        d / 1000, (int)(d % 1000), c->status);
	csv_field(f, c->ended_by, false);
	csv_field(f, c->reason, true);
	return ferror(f) ? -EIO : 0;
}

static json_t *json_ms(int64_t ms)
{
	char t[80];

	iso_ms(t, sizeof(t), ms);
	return json_string(t);
}

struct json_walk {
	FILE *f;
	unsigned n;
};

/* One object per line inside the array: a large export never sits in
 * memory as a whole. */
static int json_row(void *arg, const struct tz_cdr_rec *c)
{
	struct json_walk *w = arg;
	json_t *o;
	char *line;

	o = json_pack(
	        "{s:I,s:o,s:o,s:o,s:o,s:I,s:o,s:o,s:o,s:I,s:I,s:i,s:o,s:o}",
	        "id", (json_int_t)c->id, "caller", json_text(c->caller),
	        "callee", json_text(c->callee), "call_id",
	        json_text(c->call_id), "start", json_ms(c->start_ms),
	        "start_ms", (json_int_t)c->start_ms, "answer",
	        c->answer_ms ? json_ms(c->answer_ms) : json_null(), "answer_ms",
	        c->answer_ms ? json_integer(c->answer_ms) : json_null(), "end",
	        json_ms(c->end_ms), "end_ms", (json_int_t)c->end_ms,
	        "duration_ms", (json_int_t)duration_ms(c), "status",
	        (int)c->status, "ended_by", json_text(c->ended_by), "reason",
	        json_text(c->reason));
	line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!line)
		return -ENOMEM;
	fprintf(w->f, "%s%s", w->n++ ? ",\n" : "\n", line);
	free(line);
	return ferror(w->f) ? -EIO : 0;
}

int cmd_cdr(int argc, char **argv)
{
	static const char *const names[] = {"--since", "--format", NULL};
	static struct tz_config cfg; /* large: off the stack */
	struct json_walk jw = {stdout, 0};
	struct admin_args a;
	struct timespec now;
	struct tz_store *s;
	int64_t since = 0;
	bool json = false;
	int rc, e;

	rc = admin_split(ME, usage, argc, argv, names, &a);
	if (rc >= 0)
		return rc;
	if (a.npos)
		goto usage;
	clock_gettime(CLOCK_REALTIME, &now);
	if (a.own[0] &&
	    !parse_since(a.own[0],
	                 (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000,
	                 &since)) {
		fprintf(stderr,
		        ME ": --since: bad time \"%s\" (expected Unix seconds, "
		           "2026-11-21T10:00:00Z, \"2026-11-21 10:00:00\", "
		           "2026-11-21, or an age such as 30s, 15min, 2h, "
		           "7d)\n",
		        a.own[0]);
		return 2;
	}
	if (a.own[1] && strcmp(a.own[1], "csv") != 0) {
		json = !strcmp(a.own[1], "json");
		if (!json) {
			fprintf(stderr,
			        ME ": --format: expected csv or json, not "
			           "\"%s\"\n",
			        a.own[1]);
			return 2;
		}
	}
	rc = admin_open(ME, &a, &cfg, &s);
	if (rc)
		return rc;
	/* --since 0 or before 1970 is everything: 0 means that to the store
	 */
	if (since < 0)
		since = 0;
	if (json) {
		fputs("[", stdout);
		e = tz_store_cdr_each(s, since, json_row, &jw);
		if (!e)
			fputs(jw.n ? "\n]\n" : "]\n", stdout);
	} else {
		fputs("id,caller,callee,call_id,start,answer,end,duration,"
		      "status,ended_by,reason\n",
		      stdout);
		e = tz_store_cdr_each(s, since, csv_row, stdout);
	}
	if (!e && fflush(stdout) != 0)
		e = -EIO;
	if (e)
		fprintf(stderr, ME ": %s\n",
		        e == -EIO && ferror(stdout) ? strerror(errno)
		        : e == -ENOMEM              ? "out of memory"
		                                    : tz_store_errmsg(s));
	tz_store_close(s);
	return e ? 1 : 0;
usage:
	fputs(usage, stderr);
	return 2;
}
