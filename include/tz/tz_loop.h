/**
 * @file tz_loop.h  The event loop of one worker thread (DESIGN.md
 * "Workers"; Redis ae.c shape): file descriptors watched with epoll, the
 * worker's timing wheel driven by CLOCK_MONOTONIC, and a before-sleep hook
 * where batched sends are flushed.
 *
 * One loop per thread; not thread-safe. Handlers run from tz_loop_run()
 * only, never from the call that registered them.
 */
#ifndef TZ_LOOP_H
#define TZ_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "tz_timer.h"

/** Readiness bits for tz_loop_fd(). */
enum tz_loop_ev {
	TZ_LOOP_READ = 1 << 0,
	TZ_LOOP_WRITE = 1 << 1,
	TZ_LOOP_ERROR = 1 << 2, /**< reported, never asked for */
};

/** File descriptor handler: @p events is a set of enum tz_loop_ev. */
typedef void(tz_loop_fd_h)(int fd, unsigned events, void *arg);

/** Before-sleep hook: called each time the loop is about to wait. */
typedef void(tz_loop_idle_h)(void *arg);

struct tz_loop;

/**
 * Create a loop for up to @p maxfd file descriptors (numbers below it).
 * @return 0 with *lp set; -ENOMEM; or the errno of epoll_create1.
 */
int tz_loop_alloc(struct tz_loop **lp, int maxfd);

/** Destroy a loop (accepts NULL); its fds are not closed. */
void tz_loop_free(struct tz_loop *l);

/**
 * Watch @p fd for @p events (0: stop watching) with handler @p h. Calling
 * again changes the events or the handler.
 * @return 0; -EBADF for an fd outside the loop's range; or epoll's errno.
 */
int tz_loop_fd(struct tz_loop *l, int fd, unsigned events, tz_loop_fd_h *h,
               void *arg);

/** Set (or clear with NULL) the before-sleep hook. */
void tz_loop_set_idle(struct tz_loop *l, tz_loop_idle_h *h, void *arg);

/** The loop's timing wheel, for tz_timer_start(). */
struct tz_wheel *tz_loop_wheel(struct tz_loop *l);

/** CLOCK_MONOTONIC in milliseconds. */
uint64_t tz_loop_now(void);

/**
 * Run until tz_loop_stop(): wait for events or the next timer, fire
 * timers, call fd handlers.
 * @return 0 after a stop; or epoll_wait's errno (EINTR is retried).
 */
int tz_loop_run(struct tz_loop *l);

/** Make tz_loop_run() return after the current iteration. */
void tz_loop_stop(struct tz_loop *l);

#endif
