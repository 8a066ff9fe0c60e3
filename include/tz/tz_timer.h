/**
 * @file tz_timer.h  Timers on a hierarchical timing wheel (DESIGN.md
 * "Timers"): O(1) start and cancel, the node embedded in its owner, time
 * driven by the caller so tests run on a fake clock.
 *
 * One wheel per worker thread; not thread-safe. Resolution 1 ms; four
 * levels of 64 slots reach 2^24 ms (4.6 hours); longer delays wait in the
 * top level and cascade until due. Timers due at the same millisecond fire
 * in the order they were started. A handler may start or cancel any timer,
 * its own included.
 */
#ifndef TZ_TIMER_H
#define TZ_TIMER_H

#include <stdbool.h>
#include <stdint.h>

/** Timer handler; called once per expiry, from tz_wheel_advance(). */
typedef void(tz_timer_h)(void *arg);

/** A timer, embedded in its owner. Zero it, or tz_timer_init() it. */
struct tz_timer {
	struct tz_timer *next, *prev; /**< in a wheel slot (private) */
	uint64_t expires;             /**< due time in ms (private) */
	tz_timer_h *h;                /**< handler (private) */
	void *arg;                    /**< handler argument (private) */
	struct tz_wheel *wheel;       /**< where it runs; NULL when idle */
};

/** Slots per level and levels. */
#define TZ_WHEEL_SLOTS  64
#define TZ_WHEEL_LEVELS 4

/** A timing wheel. */
struct tz_wheel {
	uint64_t now; /**< ms; advanced by the caller */
	struct tz_timer slot[TZ_WHEEL_LEVELS][TZ_WHEEL_SLOTS]; /**< list
	                                       heads (sentinels) */
	unsigned count; /**< timers running */
	/** Per level, a bit per slot that may hold timers (set when one is
	 *  placed, cleared when the slot is seen empty). */
	uint64_t busy[TZ_WHEEL_LEVELS];
};

/** Start a wheel at time @p now_ms. */
void tz_wheel_init(struct tz_wheel *w, uint64_t now_ms);

/** Make @p t an idle timer. */
void tz_timer_init(struct tz_timer *t);

/**
 * (Re)start @p t to call @p h(@p arg) @p delay_ms after the wheel's now
 * (0: at the next advance). A running timer is moved.
 */
void tz_timer_start(struct tz_wheel *w, struct tz_timer *t, uint64_t delay_ms,
                    tz_timer_h *h, void *arg);

/**
 * tz_timer_start() for a timer whose moment may come a little late (one
 * that only keeps state around, to absorb retransmissions, then frees
 * it): the due time is rounded up to a multiple of a power-of-two granule
 * of at most @p delay_ms / 8 and at most 128 ms, so such timers started
 * close together fire in one wake-up instead of one each.
 */
void tz_timer_start_lazy(struct tz_wheel *w, struct tz_timer *t,
                         uint64_t delay_ms, tz_timer_h *h, void *arg);

/** Stop @p t if it runs; accepts an idle timer. */
void tz_timer_cancel(struct tz_timer *t);

/** True while @p t is started and has not fired or been cancelled. */
bool tz_timer_active(const struct tz_timer *t);

/** Milliseconds until @p t fires (0 if due), or UINT64_MAX when idle. */
uint64_t tz_timer_left(const struct tz_timer *t);

/**
 * Move the wheel's time to @p now_ms (never backwards) and fire every
 * timer due by then, in due-time order.
 * @return the number of handlers called.
 */
unsigned tz_wheel_advance(struct tz_wheel *w, uint64_t now_ms);

/** Milliseconds from now until the next timer is due (0 if one is), or
 *  UINT64_MAX when none runs: a poll timeout. May be early, never late. */
uint64_t tz_wheel_next(const struct tz_wheel *w);

#endif
