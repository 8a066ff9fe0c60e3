/**
 * @file tz_mbox.h  A worker's mailbox: other threads post a function to
 * run on the worker's own loop (DESIGN.md "Workers": the cross-worker
 * queue). Posting is thread-safe; the functions run on the owning worker,
 * in posting order, from its tz_loop_run().
 */
#ifndef TZ_MBOX_H
#define TZ_MBOX_H

#include <stdbool.h>
#include <stddef.h>

struct tz_loop;
struct tz_mbox;

/** Posted work: @p data is the payload given to tz_mbox_post (the
 *  mailbox frees it after the call returns). */
typedef void(tz_mbox_h)(void *data, void *arg);

/**
 * Create a mailbox whose posts run on @p loop (watched through an
 * eventfd).
 * @return 0; -ENOMEM; or the errno of eventfd / epoll.
 */
int tz_mbox_alloc(struct tz_mbox **mp, struct tz_loop *loop);

/** Free (NULL accepted): work still queued is dropped, its payload freed
 *  without running. Call from the owning thread once nobody posts. */
void tz_mbox_free(struct tz_mbox *m);

/**
 * Post @p h(data, arg) to run on the mailbox's loop; @p len bytes at
 * @p data are copied. Thread-safe.
 * @return 0; -ENOMEM.
 */
int tz_mbox_post(struct tz_mbox *m, tz_mbox_h *h, void *arg, const void *data,
                 size_t len);

/**
 * tz_mbox_post() with a payload in two parts (e.g. a header struct and
 * message bytes), copied one after the other into one allocation; the
 * handler's @p data points at the first part.
 * @return 0; -ENOMEM.
 */
int tz_mbox_post2(struct tz_mbox *m, tz_mbox_h *h, void *arg, const void *a,
                  size_t alen, const void *b, size_t blen);

/**
 * tz_mbox_post2() for work that may wait: while the owner holds the
 * mailbox (tz_mbox_hold), such a post does not wake it; the owner runs
 * it with the rest at tz_mbox_run() or at the next wake-up. A post of
 * either kind made while nothing is held wakes the owner as usual.
 * @return 0; -ENOMEM.
 */
int tz_mbox_post_lazy(struct tz_mbox *m, tz_mbox_h *h, void *arg, const void *a,
                      size_t alen, const void *b, size_t blen);

/** The owner: @p on true, lazy posts stop waking it (it has a timer
 *  that calls tz_mbox_run); false, they wake it again. */
void tz_mbox_hold(struct tz_mbox *m, bool on);

/** The owner: run what is queued now, in order. */
void tz_mbox_run(struct tz_mbox *m);

/** Work posted and not yet run (approximate; for status). */
size_t tz_mbox_pending(struct tz_mbox *m);

#endif
