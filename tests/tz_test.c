/*
 * tz_test.c  The runner behind tz_test.h. Optional argument: a substring;
 * only tests whose name contains it run.
 */
#include "tz_test.h"

int tz_test_fails;

int tz_test_main(const struct tz_test *tests, size_t n, int argc, char **argv)
{
	size_t i, passed = 0, failed = 0;

	for (i = 0; i < n; i++) {
		int before = tz_test_fails;
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		tests[i].fn();
		if (tz_test_fails == before) {
			passed++;
		} else {
			failed++;
			fprintf(stderr, "FAIL %s (%d checks)\n", tests[i].name,
			        tz_test_fails - before);
		}
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed ? 1 : 0;
}
