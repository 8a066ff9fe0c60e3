/*
 * hval_table.h  The table harness shared by the typed-decoder tests
 * (test_hval.c, test_hvalx.c): each row is a value, the return expected
 * and a rendering of every decoded field; every row runs twice, alone and
 * embedded between a header name and trailing bytes a decoder reading
 * past the value's end would trip on.
 */
#ifndef TZ_TEST_HVAL_TABLE_H
#define TZ_TEST_HVAL_TABLE_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "tz_test.h"
#include "tz/tz_hval.h"
#include "tz/tz_msg.h"

/* ---- rendering ---- */

struct out {
	char s[1024];
	size_t n;
};

__attribute__((format(printf, 2, 3))) static void ap(struct out *o,
                                                     const char *fmt, ...)
{
	va_list va;
	int k;

	if (o->n >= sizeof(o->s))
		return;
	va_start(va, fmt);
	k = vsnprintf(o->s + o->n, sizeof(o->s) - o->n, fmt, va);
	va_end(va);
	if (k > 0)
		o->n += (size_t)k;
}

/* Append " key=span" when the span is non-empty. */
static inline void aps(struct out *o, const char *key, const char *b,
                       struct tz_span s)
{
	if (s.len)
		ap(o, " %s=%.*s", key, (int)s.len, b + s.off);
}

/* Separate list elements. */
static inline void sep(struct out *o)
{
	if (o->n)
		ap(o, " | ");
}

#define S(b, s) (int)(s).len, (b) + (s).off

/* A decoder under test: decodes @v of @b and renders it into @o. */
struct hv_case {
	const char *in;
	int ret;
	const char *want;
};

static inline void
run_table(const char *what, const struct hv_case *c, size_t n,
          int (*fn)(const char *b, struct tz_span v, struct out *o))
{
	static const char pre[] = "X-Hdr: ", post[] = ",<;\"x\r\n";
	static char buf[2048];
	size_t i;
	int pass;

	for (i = 0; i < n; i++) {
		size_t len = strlen(c[i].in);
		for (pass = 0; pass < 2; pass++) {
			struct out o = {.n = 0};
			struct tz_span v = {0, (uint32_t)len};
			const char *b = c[i].in;
			int ret;

			o.s[0] = '\0';
			if (pass) {
				memcpy(buf, pre, sizeof(pre) - 1);
				memcpy(buf + sizeof(pre) - 1, c[i].in, len);
				memcpy(buf + sizeof(pre) - 1 + len, post,
				       sizeof(post));
				v.off = sizeof(pre) - 1;
				b = buf;
			}
			ret = fn(b, v, &o);
			if (ret != c[i].ret || strcmp(o.s, c[i].want) != 0) {
				if (!tz_test_quiet)
					fprintf(stderr,
					        "%s case %zu pass %d \"%s\":\n"
					        "  got  %d \"%s\"\n"
					        "  want %d \"%s\"\n",
					        what, i, pass, c[i].in, ret,
					        o.s, c[i].ret, c[i].want);
				tz_test_fails++;
			}
		}
	}
}

#define RUN(what, table, fn)                                                   \
	run_table(what, table, sizeof(table) / sizeof(table[0]), fn)

/* List runs end with -ENOENT; a table says 0 for that. */
static inline int list_ret(int err)
{
	return err == -ENOENT ? 0 : err;
}

/* ---- shared pieces ---- */

#endif
