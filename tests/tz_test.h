/*
 * tz_test.h  A small in-tree test runner (libre's retest / libuv's TEST_IMPL
 * shape): each test is `static int test_x(void)`, checks with TZ_EXPECT*,
 * and returns 0, or the negative errno of a library call that failed (a
 * test must return -ENOMEM when it saw one: the OOM mode relies on it).
 * tz_test_main() runs a table of them and ends with "N passed, N failed".
 *
 * OOM mode (`test_x --oom`, SQLite's and libre's malloc tests): each test
 * runs again and again with allocation N failing, for N = 0, 1, 2, ...,
 * until a run makes no allocation fail. Every failing run must return
 * -ENOMEM and leave no block allocated; checks that fail meanwhile are
 * expected and ignored. The last run must pass all its checks.
 *
 * The macros jump nowhere and return nothing (STYLE.md: no control flow in
 * macros); they count a failure and print where it happened.
 */
#ifndef TZ_TEST_H
#define TZ_TEST_H

#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

extern int tz_test_fails;
extern bool tz_test_quiet; /* set while the OOM mode injects failures */

#define TZ_EXPECT(cond)                                                        \
	do {                                                                   \
		if (!(cond)) {                                                 \
			if (!tz_test_quiet)                                    \
				fprintf(stderr, "%s:%d: expected %s\n",        \
				        __FILE__, __LINE__, #cond);            \
			tz_test_fails++;                                       \
		}                                                              \
	} while (0)

#define TZ_EXPECT_INT(a, b)                                                    \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_) {                                                \
			if (!tz_test_quiet)                                    \
				fprintf(stderr,                                \
				        "%s:%d: %s == %lld, expected %lld\n",  \
				        __FILE__, __LINE__, #a, a_, b_);       \
			tz_test_fails++;                                       \
		}                                                              \
	} while (0)

/* Compare a span of @base with a C string. */
#define TZ_EXPECT_SPAN(base, span, str)                                        \
	do {                                                                   \
		const char *s_ = (str);                                        \
		if ((span).len != strlen(s_) ||                                \
		    memcmp((base) + (span).off, s_, (span).len) != 0) {        \
			if (!tz_test_quiet)                                    \
				fprintf(stderr,                                \
				        "%s:%d: %s == \"%.*s\", expected "     \
				        "\"%s\"\n",                            \
				        __FILE__, __LINE__, #span,             \
				        (int)(span).len, (base) + (span).off,  \
				        s_);                                   \
			tz_test_fails++;                                       \
		}                                                              \
	} while (0)

/* Compare @len bytes at @p with a C string. */
#define TZ_EXPECT_MEM(p, len, str)                                             \
	do {                                                                   \
		const char *s_ = (str);                                        \
		size_t l_ = (len);                                             \
		if (l_ != strlen(s_) || memcmp((p), s_, l_) != 0) {            \
			if (!tz_test_quiet)                                    \
				fprintf(stderr,                                \
				        "%s:%d: got \"%.*s\", expected "       \
				        "\"%s\"\n",                            \
				        __FILE__, __LINE__, (int)l_, (p), s_); \
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

/* Run the table; a test's failures are the checks that failed in it.
 * Arguments: an optional "--oom", then an optional name substring. */
int tz_test_main(const struct tz_test *tests, size_t n, int argc, char **argv);

#endif
