/*
 * test_timer.c  The timing wheel on a fake clock: every timer fires at
 * exactly its due millisecond across all levels and cascades, cancel and
 * restart (also from handlers), the poll timeout, and a seeded random
 * load of thousands of timers.
 */
#include <stdlib.h>

#include "tz_test.h"
#include "tz/tz_timer.h"

struct probe {
	struct tz_timer t;
	struct tz_wheel *w;
	uint64_t due;   /* when it should fire */
	uint64_t fired; /* when it did (0: never) */
	int count;
	uint64_t period;      /* restart itself with this delay, if set */
	struct probe *victim; /* cancel this one, if set */
};

static void on_fire(void *arg)
{
	struct probe *p = arg;

	p->fired = p->w->now;
	p->count++;
	if (p->victim)
		tz_timer_cancel(&p->victim->t);
	if (p->period && p->count < 5) {
		p->due = p->w->now + p->period;
		tz_timer_start(p->w, &p->t, p->period, on_fire, p);
	}
}

static void arm(struct tz_wheel *w, struct probe *p, uint64_t delay)
{
	memset(p, 0, sizeof(*p));
	p->w = w;
	p->due = w->now + (delay ? delay : 1);
	tz_timer_init(&p->t);
	tz_timer_start(w, &p->t, delay, on_fire, p);
}

/* A lazy timer fires on the first multiple of its granule (the largest
 * power of two <= delay / 8, at most 128) at or after its due time:
 * never early, at most a granule late; short delays stay exact. */
static int test_timer_lazy(void)
{
	static const struct {
		uint64_t now, delay, fires;
	} t[] = {
	        {1000003, 10, 1000013},       /* granule 1: exact */
	        {1000003, 15, 1000018},       /* 15 / 8 = 1 */
	        {1000003, 16, 1000020},       /* granule 2 */
	        {1000003, 1000, 1001024},     /* 64: 1001003 up to 64k */
	        {1001000, 32000, 1033088},    /* 128 (capped): 1033000 up */
	        {1000056, 5000, 1005056},     /* due on a multiple: on time */
	        {1000003, 40000000, 41000064} /* 128, cascading levels */
	};
	struct tz_wheel w;
	struct probe a, b;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		tz_wheel_init(&w, t[i].now);
		memset(&a, 0, sizeof(a));
		a.w = &w;
		tz_timer_init(&a.t);
		tz_timer_start_lazy(&w, &a.t, t[i].delay, on_fire, &a);
		TZ_EXPECT_INT(tz_wheel_advance(&w, t[i].fires - 1), 0);
		TZ_EXPECT_INT(tz_wheel_advance(&w, t[i].fires), 1);
		TZ_EXPECT_INT(a.fired, t[i].fires);
	}
	/* two started 10 ms apart fire at the same moment */
	tz_wheel_init(&w, 5000);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.w = b.w = &w;
	tz_timer_start_lazy(&w, &a.t, 32000, on_fire, &a);
	tz_wheel_advance(&w, 5010);
	tz_timer_start_lazy(&w, &b.t, 32000, on_fire, &b);
	TZ_EXPECT_INT(tz_wheel_advance(&w, 37119), 0);
	TZ_EXPECT_INT(tz_wheel_advance(&w, 37120), 2);
	TZ_EXPECT_INT(a.fired, 37120);
	TZ_EXPECT_INT(b.fired, 37120);
	return 0;
}

/* Each delay around every level boundary fires exactly on time. */
static int test_timer_exact(void)
{
	static const uint64_t delays[] = {
	        0,        1,        2,       63,
	        64,       65,       127,     4095,
	        4096,     4097,     32000,   262143,
	        262144,   262145,   180000,  /* Timer C */ 16777215,
	        16777216, 16777221, 40000000};
	struct tz_wheel w;
	struct probe p;
	size_t i;
	uint64_t start;

	for (i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
		/* start at an odd offset so slots are not aligned */
		start = 1000003 + i * 37;
		tz_wheel_init(&w, start);
		arm(&w, &p, delays[i]);
		TZ_EXPECT(tz_timer_active(&p.t));
		TZ_EXPECT_INT(tz_timer_left(&p.t), p.due - start);
		TZ_EXPECT_INT(tz_wheel_advance(&w, p.due - 1), 0);
		TZ_EXPECT_INT(p.count, 0);
		TZ_EXPECT_INT(tz_wheel_advance(&w, p.due), 1);
		TZ_EXPECT_INT(p.fired, p.due);
		TZ_EXPECT(!tz_timer_active(&p.t));
		TZ_EXPECT_INT(w.count, 0);
		TZ_EXPECT_INT(tz_wheel_next(&w), UINT64_MAX);
	}
	return 0;
}

static int test_timer_cancel_restart(void)
{
	struct tz_wheel w;
	struct probe a, b, c;

	tz_wheel_init(&w, 0);
	arm(&w, &a, 100);
	arm(&w, &b, 5000);
	tz_timer_cancel(&a.t);
	tz_timer_cancel(&a.t); /* twice is fine */
	TZ_EXPECT(!tz_timer_active(&a.t));
	TZ_EXPECT_INT(w.count, 1);
	/* restarting moves the timer */
	tz_timer_start(&w, &b.t, 10, on_fire, &b);
	b.due = 10;
	tz_wheel_advance(&w, 10000);
	TZ_EXPECT_INT(a.count, 0);
	TZ_EXPECT_INT(b.count, 1);
	TZ_EXPECT_INT(b.fired, 10);
	/* a periodic timer restarting itself from its handler */
	arm(&w, &c, 500);
	c.period = 500;
	tz_wheel_advance(&w, w.now + 10000);
	TZ_EXPECT_INT(c.count, 5);
	TZ_EXPECT_INT(c.fired, 10000 + 2500);
	return 0;
}

/* A handler cancels a timer due at the same millisecond: it never fires. */
static int test_timer_cancel_from_handler(void)
{
	struct tz_wheel w;
	struct probe a, b;

	tz_wheel_init(&w, 7);
	arm(&w, &a, 300);
	arm(&w, &b, 300);
	a.victim = &b;
	TZ_EXPECT_INT(tz_wheel_advance(&w, 400), 1);
	TZ_EXPECT_INT(a.count, 1);
	TZ_EXPECT_INT(b.count, 0);
	TZ_EXPECT_INT(w.count, 0);
	return 0;
}

/* The poll timeout is never late. */
static int test_timer_next(void)
{
	struct tz_wheel w;
	struct probe a, b;
	uint64_t n;

	tz_wheel_init(&w, 50);
	TZ_EXPECT_INT(tz_wheel_next(&w), UINT64_MAX);
	arm(&w, &a, 30);
	TZ_EXPECT_INT(tz_wheel_next(&w), 30);
	arm(&w, &b, 100000);
	TZ_EXPECT_INT(tz_wheel_next(&w), 30);
	tz_wheel_advance(&w, a.due);
	/* from here on only b: step by the advertised timeout until it fires */
	while (b.count == 0) {
		n = tz_wheel_next(&w);
		TZ_EXPECT(n >= 1 && w.now + n <= b.due);
		if (n == 0 || w.now + n > b.due)
			break;
		tz_wheel_advance(&w, w.now + n);
	}
	TZ_EXPECT_INT(b.fired, b.due);
	return 0;
}

/* A level-1 timer that cascades before a level-0 one is due: the poll
 * timeout names the cascade, and one long advance (which skips empty
 * milliseconds) still fires both at their due times, in order. */
static int test_timer_cascade_first(void)
{
	struct tz_wheel w;
	struct probe a, b;

	tz_wheel_init(&w, 0);
	arm(&w, &a, 70); /* level 1: slot of 64..127 */
	tz_wheel_advance(&w, 60);
	arm(&w, &b, 40);                     /* level 0: due at 100 */
	TZ_EXPECT_INT(tz_wheel_next(&w), 4); /* the cascade at 64 */
	tz_wheel_advance(&w, 1000);
	TZ_EXPECT_INT(a.fired, 70);
	TZ_EXPECT_INT(b.fired, 100);
	TZ_EXPECT_INT(a.count + b.count, 2);
	TZ_EXPECT_INT(tz_wheel_next(&w), UINT64_MAX);
	/* cancelled timers leave their slots marked: still no wrong time */
	arm(&w, &a, 5000);
	arm(&w, &b, 300);
	tz_timer_cancel(&b.t);
	TZ_EXPECT(tz_wheel_next(&w) <= 5000);
	tz_wheel_advance(&w, w.now + 10000);
	TZ_EXPECT_INT(a.fired, a.due);
	TZ_EXPECT_INT(b.count, 0);
	return 0;
}

/* Thousands of timers, random delays and random clock steps (seeded). */
static int test_timer_random_load(void)
{
	enum { N = 3000 };
	static struct probe p[N];
	struct tz_wheel w;
	unsigned seed = 12345, i, late = 0, missed = 0;
	uint64_t end;

	tz_wheel_init(&w, 987654321);
	for (i = 0; i < N; i++) {
		uint64_t d = (uint64_t)rand_r(&seed) % (i % 3 ? 70000 : 600);
		arm(&w, &p[i], d);
		if (i % 7 == 0)
			tz_timer_cancel(&p[i].t);
	}
	end = w.now + 80000;
	while (w.now < end)
		tz_wheel_advance(&w, w.now + 1 + (uint64_t)rand_r(&seed) % 900);
	for (i = 0; i < N; i++) {
		if (i % 7 == 0) {
			missed +=
			        p[i].count != 0; /* cancelled: must not fire */
			continue;
		}
		missed += p[i].count != 1;
		late += p[i].fired != p[i].due;
	}
	TZ_EXPECT_INT(missed, 0);
	TZ_EXPECT_INT(late, 0);
	TZ_EXPECT_INT(w.count, 0);
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_timer_cascade_first),
        TZ_TEST(test_timer_exact),
        TZ_TEST(test_timer_lazy),
        TZ_TEST(test_timer_cancel_restart),
        TZ_TEST(test_timer_cancel_from_handler),
        TZ_TEST(test_timer_next),
        TZ_TEST(test_timer_random_load),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
