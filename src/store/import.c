/*
 * import.c  "trapezoid user import FILE": users from CSV lines
 * "aor,password", all or nothing, in one transaction. Every problem of
 * the file is reported, not just the first, so one run fixes them all.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "store_int.h"
#include "tz/tz_mem.h"

/* Reports beyond this many are counted, not printed. */
#define MAX_REPORTS 100

/* The canonical AORs seen so far, for "duplicate of line N": an open
 * addressing table of offsets into a pool of NUL-terminated strings. */
struct slot {
	uint32_t line; /* 0: empty */
	uint32_t off;  /* into pool */
};

struct import {
	struct tz_store *s;
	const char *path;
	FILE *errs;
	unsigned nerr;
	char *pool;
	size_t pool_len, pool_cap;
	struct slot *tab;
	size_t tab_cap, tab_n; /* tab_cap a power of two */
};

__attribute__((format(printf, 3, 4))) static void
report(struct import *im, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (++im->nerr > MAX_REPORTS || !im->errs)
		return;
	if (line)
		fprintf(im->errs, "%s:%u: ", im->path, line);
	else
		fprintf(im->errs, "%s: ", im->path);
	va_start(ap, fmt);
	vfprintf(im->errs, fmt, ap);
	va_end(ap);
	fputc('\n', im->errs);
}

static uint32_t hash(const char *p)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

static struct slot *find(struct slot *tab, size_t cap, const char *pool,
                         const char *aor)
{
	size_t i = hash(aor) & (cap - 1);

	while (tab[i].line && strcmp(pool + tab[i].off, aor) != 0)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static int grow(struct import *im)
{
	size_t cap = im->tab_cap ? im->tab_cap * 2 : 1024;
	struct slot *tab = tz_malloc(cap * sizeof(*tab));

	if (!tab)
		return -ENOMEM;
	memset(tab, 0, cap * sizeof(*tab));
	for (size_t i = 0; i < im->tab_cap; i++) {
		if (im->tab[i].line)
			*find(tab, cap, im->pool, im->pool + im->tab[i].off) =
			        im->tab[i];
	}
	tz_free(im->tab);
	im->tab = tab;
	im->tab_cap = cap;
	return 0;
}

/* Remember @p aor at @p line; *first gets the line that had it first,
 * 0 when it is new. */
static int seen(struct import *im, const char *aor, unsigned line,
                unsigned *first)
{
	size_t n = strlen(aor) + 1;
	struct slot *sl;
	int rc;

	if (2 * (im->tab_n + 1) > im->tab_cap && (rc = grow(im)) != 0)
		return rc;
	sl = find(im->tab, im->tab_cap, im->pool, aor);
	*first = sl->line;
	if (sl->line)
		return 0;
	if (im->pool_len + n > im->pool_cap) {
		size_t cap = im->pool_cap ? im->pool_cap * 2 : 16384;
		char *p;

		while (cap < im->pool_len + n)
			cap *= 2;
		p = tz_realloc(im->pool, cap);
		if (!p)
			return -ENOMEM;
		im->pool = p;
		im->pool_cap = cap;
	}
	memcpy(im->pool + im->pool_len, aor, n);
	sl->line = line;
	sl->off = (uint32_t)im->pool_len;
	im->pool_len += n;
	im->tab_n++;
	return 0;
}

/* The whole file, NUL-terminated, into a tz_malloc block. */
static int read_all(FILE *f, char **out, size_t *lenp)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *p;

	for (;;) {
		if (cap - len < 4096 + 1) {
			cap = cap ? cap * 2 : 65536;
			p = tz_realloc(buf, cap);
			if (!p) {
				tz_free(buf);
				return -ENOMEM;
			}
			buf = p;
		}
		len += fread(buf + len, 1, cap - len - 1, f);
		if (ferror(f)) {
			tz_free(buf);
			return -EIO;
		}
		if (feof(f))
			break;
	}
	buf[len] = '\0';
	*out = buf;
	*lenp = len;
	return 0;
}

static bool blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != ' ' && p[i] != '\t')
			return false;
	}
	return true;
}

/* One "aor,password" line at @p line (NUL-terminated at @p n, ours to
 * modify). 0, or a fatal -errno (already reported). */
static int one(struct import *im, unsigned line, char *p, size_t n, int *count)
{
	struct tz_user_rec rec = {0};
	char *comma = memchr(p, ',', n), *a = p, *e = comma ? comma : p + n;
	const char *why, *pw;
	unsigned first;
	int rc;

	if (memchr(p, '\0', n)) {
		report(im, line, "a NUL byte in the line");
		return 0;
	}
	/* the AOR may be padded; the password is taken as it stands */
	while (a < e && (*a == ' ' || *a == '\t'))
		a++;
	while (e > a && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (tz_aor_canon(rec.aor, a, (size_t)(e - a), &why) != 0) {
		report(im, line, "bad AOR \"%.*s\": %s", (int)(e - a), a, why);
		return 0;
	}
	rc = seen(im, rec.aor, line, &first);
	if (rc) {
		report(im, 0, "out of memory");
		return rc;
	}
	if (first) {
		report(im, line, "duplicate of line %u", first);
		return 0;
	}
	if (!comma) {
		report(im, line, "no password (expected aor,password)");
		return 0;
	}
	pw = comma + 1;
	if (!*pw) {
		report(im, line, "empty password");
		return 0;
	}
	rc = tz_user_rec_set_password(&rec, pw);
	if (!rc)
		rc = tz_store_user_add(im->s, &rec);
	if (rc == -EEXIST) {
		report(im, line, "user %s exists", rec.aor);
		return 0;
	}
	if (rc) {
		report(im, line, "%s",
		       rc == -ENOMEM ? "out of memory"
		                     : tz_store_errmsg(im->s));
		return rc;
	}
	++*count;
	return 0;
}

static int lines(struct import *im, char *buf, size_t len, int *count)
{
	char *p = buf, *end = buf + len, *nl;
	bool content = false; /* a line other than blank or comment seen */
	unsigned line = 0;
	size_t n;
	int rc;

	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3; /* a UTF-8 byte order mark (spreadsheet exports) */
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end; /* the last line without its newline */
		line++;
		n = (size_t)(nl - p);
		if (n && p[n - 1] == '\r')
			n--;
		p[n] = '\0';
		if (blank(p, n) || p[0] == '#')
			continue;
		if (!content && n == 12 &&
		    !strncasecmp(p, "aor,password", 12)) {
			content = true; /* the header */
			continue;
		}
		content = true;
		rc = one(im, line, p, n, count);
		if (rc)
			return rc;
	}
	return 0;
}

int tz_store_user_import(struct tz_store *s, const char *path, FILE *errs)
{
	struct import im = {.s = s, .path = path, .errs = errs};
	char *buf = NULL;
	size_t len;
	int rc, count = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		rc = -errno;
		report(&im, 0, "%s", strerror(-rc));
		return rc;
	}
	rc = read_all(f, &buf, &len);
	fclose(f);
	if (rc) {
		report(&im, 0, "%s",
		       rc == -ENOMEM ? "out of memory" : "read error");
		return rc;
	}
	/* DESIGN.md: all or nothing, in one transaction */
	rc = store_unit_begin(s);
	if (rc) {
		report(&im, 0, "%s", tz_store_errmsg(s));
	} else {
		rc = lines(&im, buf, len, &count);
		if (!rc && im.nerr)
			rc = -EINVAL;
		rc = store_unit_end(s, rc);
		if (rc && rc != -EINVAL && !im.nerr)
			report(&im, 0, "%s", tz_store_errmsg(s));
	}
	if (im.nerr > MAX_REPORTS && errs)
		fprintf(errs, "%s: ... %u problems in all\n", path, im.nerr);
	tz_free(im.tab);
	tz_free(im.pool);
	tz_free(buf);
	return rc ? rc : count;
}
