/*
 * test_loop.c  The epoll loop: fd readiness reaches its handler, timers
 * fire through the loop no earlier than due, the before-sleep hook runs,
 * watches can be changed and removed, and bad arguments are refused; the
 * mailbox into a loop, with its lazy posts.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "tz_test.h"
#include "tz/tz_loop.h"
#include "tz/tz_mbox.h"

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

/* Mailbox posts run on the loop in order; a lazy post wakes nobody
 * while the owner holds the mailbox, a plain one still does. */
static struct ctx mc;
static char seq[16];

static void on_post(void *data, void *arg)
{
	size_t n = strlen(seq);

	(void)arg;
	if (n + 1 < sizeof(seq)) {
		seq[n] = *(const char *)data;
		seq[n + 1] = 0;
	}
	if (*(const char *)data >= 'a') /* lower case ends the run */
		tz_loop_stop(mc.l);
}

static int test_mbox_lazy(void)
{
	struct tz_mbox *m = NULL;
	struct tz_timer t;
	int err;

	memset(&mc, 0, sizeof(mc));
	seq[0] = 0;
	tz_timer_init(&t);
	err = tz_loop_alloc(&mc.l, 64);
	if (err)
		return err;
	err = tz_mbox_alloc(&m, mc.l);
	if (err)
		goto out;
	/* (a post that failed must not be waited for: the loop would not
	 * end) */
	err = tz_mbox_post(m, on_post, NULL, "a", 1);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_loop_run(mc.l), 0);
	TZ_EXPECT(!strcmp(seq, "a"));
	/* held: a lazy post waits; the loop ends by the timer */
	tz_mbox_hold(m, true);
	err = tz_mbox_post_lazy(m, on_post, NULL, "B", 1, NULL, 0);
	if (err)
		goto out;
	tz_timer_start(tz_loop_wheel(mc.l), &t, 30, on_timer, &mc);
	TZ_EXPECT_INT(tz_loop_run(mc.l), 0);
	TZ_EXPECT_INT(mc.timers, 1);
	TZ_EXPECT(!strcmp(seq, "a"));
	TZ_EXPECT_INT(tz_mbox_pending(m), 1);
	tz_mbox_run(m);
	TZ_EXPECT(!strcmp(seq, "aB"));
	/* held: a plain post after a lazy one wakes the loop for both */
	err = tz_mbox_post_lazy(m, on_post, NULL, "C", 1, NULL, 0);
	if (!err)
		err = tz_mbox_post(m, on_post, NULL, "d", 1);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_loop_run(mc.l), 0);
	TZ_EXPECT(!strcmp(seq, "aBCd"));
	/* not held: a lazy post wakes it */
	tz_mbox_hold(m, false);
	err = tz_mbox_post_lazy(m, on_post, NULL, "e", 1, NULL, 0);
	if (err)
		goto out;
	TZ_EXPECT_INT(tz_loop_run(mc.l), 0);
	TZ_EXPECT(!strcmp(seq, "aBCde"));
out:
	tz_timer_cancel(&t);
	tz_mbox_free(m);
	tz_loop_free(mc.l);
	return err;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_mbox_lazy),
        TZ_TEST(test_loop_fd_and_idle),
        TZ_TEST(test_loop_timer),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
