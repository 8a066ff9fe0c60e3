/*
 * tz_test.h  A small in-tree test runner (libre's retest / libuv's TEST_IMPL
 * shape): each test is `static int test_x(void)`, checks with TZ_EXPECT*,
 * and returns 0 or the number of failed checks. tz_test_main() runs a table
 * of them and ends with the line "N passed, N failed".
 *
 * The macros jump nowhere and return nothing (STYLE.md: no control flow in
 * macros); they count a failure and print where it happened.
 */
#ifndef TZ_TEST_H
#define TZ_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

extern int tz_test_fails;

#define TZ_EXPECT(cond)                                                        \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: expected %s\n", __FILE__,      \
			        __LINE__, #cond);                              \
			tz_test_fails++;                                       \
		}                                                              \
	} while (0)

#define TZ_EXPECT_INT(a, b)                                                    \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_) {                                                \
			fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n",  \
			        __FILE__, __LINE__, #a, a_, b_);               \
			tz_test_fails++;                                       \
		}                                                              \
	} while (0)

/* Compare a span of @base with a C string. */
#define TZ_EXPECT_SPAN(base, span, str)                                        \
	do {                                                                   \
		const char *s_ = (str);                                        \
		if ((span).len != strlen(s_) ||                                \
		    memcmp((base) + (span).off, s_, (span).len) != 0) {        \
			fprintf(stderr,                                        \
			        "%s:%d: %s == \"%.*s\", expected "             \
			        "\"%s\"\n",                                    \
			        __FILE__, __LINE__, #span, (int)(span).len,    \
			        (base) + (span).off, s_);                      \
			tz_test_fails++;                                       \
		}                                                              \
	} while (0)

struct tz_test {
	const char *name;
	int (*fn)(void);
};

#define TZ_TEST(fn)                                                            \
	{                                                                      \
#fn, fn                                                        \
	}

/* Run the table; a test's failures are the checks that failed in it. */
int tz_test_main(const struct tz_test *tests, size_t n, int argc, char **argv);

#endif
