/*
 * tz_test.c  The runner behind tz_test.h.
 */
#include <errno.h>

#include "tz_test.h"
#include "tz/tz_mem.h"

int tz_test_fails;
bool tz_test_quiet;

/* Rerun @t with the N-th allocation failing until none fails. */
static void run_oom(const struct tz_test *t)
{
	long n;

	for (n = 0; n < 1000000; n++) {
		long live = tz_mem_live();
		int before = tz_test_fails, ret;
		bool hit;

		tz_test_quiet = true;
		tz_mem_fail_after(n);
		ret = t->fn();
		hit = tz_mem_failed();
		tz_mem_fail_after(-1);
		tz_test_quiet = false;
		if (tz_mem_live() != live) {
			fprintf(stderr,
			        "%s: %ld blocks leaked with allocation "
			        "%ld failing\n",
			        t->name, tz_mem_live() - live, n);
			tz_test_fails++;
			return;
		}
		if (!hit) {
			if (tz_test_fails != before) /* say what failed */
				t->fn();
			return;
		}
		if (ret != -ENOMEM) {
			fprintf(stderr,
			        "%s: allocation %ld failed but the test "
			        "returned %d, not -ENOMEM\n",
			        t->name, n, ret);
			tz_test_fails = before + 1;
			return;
		}
		tz_test_fails = before;
	}
}

int tz_test_main(const struct tz_test *tests, size_t n, int argc, char **argv)
{
	size_t i, passed = 0, failed = 0;
	bool oom = argc > 1 && !strcmp(argv[1], "--oom");
	const char *only = argc > (oom ? 2 : 1) ? argv[oom ? 2 : 1] : NULL;

	for (i = 0; i < n; i++) {
		int before = tz_test_fails;
		long live = tz_mem_live();
		if (only && !strstr(tests[i].name, only))
			continue;
		if (oom) {
			run_oom(&tests[i]);
		} else {
			tests[i].fn();
			if (tz_mem_live() != live) {
				fprintf(stderr, "%s: %ld blocks leaked\n",
				        tests[i].name, tz_mem_live() - live);
				tz_test_fails++;
			}
		}
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
