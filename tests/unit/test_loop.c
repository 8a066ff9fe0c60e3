/*
 * test_loop.c  The epoll loop: fd readiness reaches its handler, timers
 * fire through the loop no earlier than due, the before-sleep hook runs,
 * watches can be changed and removed, and bad arguments are refused.
 */
#include <errno.h>
#include <unistd.h>

#include "tz_test.h"
#include "tz/tz_loop.h"

struct ctx {
	struct tz_loop *l;
	int reads, idles, timers;
	uint64_t fired_at;
};

static void on_read(int fd, unsigned ev, void *arg)
{
	struct ctx *c = arg;
	char b[16];

	TZ_EXPECT(ev & TZ_LOOP_READ);
	TZ_EXPECT(read(fd, b, sizeof(b)) > 0);
	c->reads++;
	tz_loop_stop(c->l);
}

static void on_idle(void *arg)
{
	struct ctx *c = arg;

	c->idles++;
}

static void on_timer(void *arg)
{
	struct ctx *c = arg;

	c->timers++;
	c->fired_at = tz_loop_now();
	tz_loop_stop(c->l);
}

static int test_loop_fd_and_idle(void)
{
	struct ctx c = {0};
	int p[2], err;

	err = tz_loop_alloc(&c.l, 1024);
	if (err)
		return err;
	TZ_EXPECT_INT(pipe(p), 0);
	TZ_EXPECT_INT(tz_loop_fd(c.l, p[0], TZ_LOOP_READ, on_read, &c), 0);
	tz_loop_set_idle(c.l, on_idle, &c);
	TZ_EXPECT_INT(write(p[1], "x", 1), 1);
	/* the handler is not called from registration, only from the loop */
	TZ_EXPECT_INT(c.reads, 0);
	TZ_EXPECT_INT(tz_loop_run(c.l), 0);
	TZ_EXPECT_INT(c.reads, 1);
	TZ_EXPECT(c.idles >= 1);
	/* a removed watch is not reported any more */
	TZ_EXPECT_INT(tz_loop_fd(c.l, p[0], 0, NULL, NULL), 0);
	TZ_EXPECT_INT(tz_loop_fd(c.l, p[0], 0, NULL, NULL), 0);
	TZ_EXPECT_INT(write(p[1], "y", 1), 1);
	{
		struct tz_timer t;
		tz_timer_init(&t);
		tz_timer_start(tz_loop_wheel(c.l), &t, 30, on_timer, &c);
		TZ_EXPECT_INT(tz_loop_run(c.l), 0);
	}
	TZ_EXPECT_INT(c.reads, 1);
	TZ_EXPECT_INT(c.timers, 1);
	TZ_EXPECT_INT(tz_loop_fd(c.l, 4096, TZ_LOOP_READ, on_read, &c), -EBADF);
	TZ_EXPECT_INT(tz_loop_fd(c.l, -1, TZ_LOOP_READ, on_read, &c), -EBADF);
	close(p[0]);
	close(p[1]);
	tz_loop_free(c.l);
	return 0;
}

/* A timer fires through the loop, never before it is due. */
static int test_loop_timer(void)
{
	struct ctx c = {0};
	struct tz_timer t;
	uint64_t start;
	int err;

	err = tz_loop_alloc(&c.l, 64);
	if (err)
		return err;
	tz_timer_init(&t);
	start = tz_loop_now();
	tz_timer_start(tz_loop_wheel(c.l), &t, 25, on_timer, &c);
	TZ_EXPECT_INT(tz_loop_run(c.l), 0);
	TZ_EXPECT_INT(c.timers, 1);
	TZ_EXPECT(c.fired_at >= start + 25);
	tz_loop_free(c.l);
	TZ_EXPECT_INT(tz_loop_alloc(&c.l, 0), -EINVAL);
	tz_loop_free(NULL);
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_loop_fd_and_idle),
        TZ_TEST(test_loop_timer),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
