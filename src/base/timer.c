/*
 * timer.c  Hierarchical timing wheel (see tz_timer.h): four levels of 64
 * slots, level k slot width 64^k ms. A timer sits at the level its delay
 * falls in; when time crosses a level's slot boundary that slot cascades
 * down, so every start, cancel and expiry is O(1) work per timer per level.
 * A bitmap per level marks the slots that may hold timers, so finding the
 * next one, and skipping the empty milliseconds up to it, does not visit
 * every slot.
 */
#include <stddef.h>

#include "tz/tz_timer.h"

#define BITS 6
#define MASK ((uint64_t)TZ_WHEEL_SLOTS - 1)
/* the furthest a timer can be placed: beyond, it waits at the top level */
#define SPAN ((uint64_t)1 << (BITS * TZ_WHEEL_LEVELS))

static void list_init(struct tz_timer *head)
{
	head->next = head->prev = head;
}

static void unlink_timer(struct tz_timer *t)
{
	t->prev->next = t->next;
	t->next->prev = t->prev;
	t->next = t->prev = NULL;
}

static void append(struct tz_timer *head, struct tz_timer *t)
{
	t->prev = head->prev;
	t->next = head;
	head->prev->next = t;
	head->prev = t;
}

void tz_wheel_init(struct tz_wheel *w, uint64_t now_ms)
{
	unsigned l, s;

	w->now = now_ms;
	w->count = 0;
	for (l = 0; l < TZ_WHEEL_LEVELS; l++) {
		w->busy[l] = 0;
		for (s = 0; s < TZ_WHEEL_SLOTS; s++)
			list_init(&w->slot[l][s]);
	}
}

void tz_timer_init(struct tz_timer *t)
{
	t->next = t->prev = NULL;
	t->wheel = NULL;
	t->h = NULL;
	t->arg = NULL;
	t->expires = 0;
}

/* Put @t in the slot its due time falls in, seen from w->now. */
static void place(struct tz_wheel *w, struct tz_timer *t)
{
	uint64_t delta = t->expires - w->now, at = t->expires;
	unsigned level = 0;

	if (delta >= SPAN) {
		/* past the wheel's reach: the furthest top-level slot, to
		 * cascade again when it comes round */
		at = w->now + SPAN - 1;
		delta = SPAN - 1;
	}
	unsigned slot;

	while (level + 1 < TZ_WHEEL_LEVELS &&
	       delta >= (uint64_t)1 << (BITS * (level + 1)))
		level++;
	slot = (unsigned)((at >> (BITS * level)) & MASK);
	append(&w->slot[level][slot], t);
	w->busy[level] |= (uint64_t)1 << slot;
}

void tz_timer_start(struct tz_wheel *w, struct tz_timer *t, uint64_t delay_ms,
                    tz_timer_h *h, void *arg)
{
	tz_timer_cancel(t);
	/* a zero delay fires at the next millisecond: the slot of "now" has
	 * already been run */
	if (delay_ms == 0)
		delay_ms = 1;
	if (delay_ms > UINT64_MAX - w->now)
		delay_ms = UINT64_MAX - w->now;
	t->expires = w->now + delay_ms;
	t->h = h;
	t->arg = arg;
	t->wheel = w;
	w->count++;
	place(w, t);
}

void tz_timer_start_lazy(struct tz_wheel *w, struct tz_timer *t,
                         uint64_t delay_ms, tz_timer_h *h, void *arg)
{
	uint64_t g = 1, due = w->now + delay_ms;

	while (g < 128 && g * 2 <= delay_ms / 8)
		g *= 2;
	due = (due + g - 1) & ~(g - 1);
	tz_timer_start(w, t, due - w->now, h, arg);
}

void tz_timer_cancel(struct tz_timer *t)
{
	if (!t->wheel)
		return;
	unlink_timer(t);
	t->wheel->count--;
	t->wheel = NULL;
}

bool tz_timer_active(const struct tz_timer *t)
{
	return t->wheel != NULL;
}

uint64_t tz_timer_left(const struct tz_timer *t)
{
	if (!t->wheel)
		return UINT64_MAX;
	return t->expires > t->wheel->now ? t->expires - t->wheel->now : 0;
}

/* Re-place every timer of a higher-level slot as time reaches it. */
static void cascade(struct tz_wheel *w, unsigned level)
{
	unsigned slot = (unsigned)((w->now >> (BITS * level)) & MASK);
	struct tz_timer *head = &w->slot[level][slot];
	struct tz_timer moving;

	w->busy[level] &= ~((uint64_t)1 << slot);
	if (head->next == head)
		return;
	/* detach the whole list first: place() may append to this slot */
	moving.next = head->next;
	moving.prev = head->prev;
	moving.next->prev = &moving;
	moving.prev->next = &moving;
	list_init(head);
	while (moving.next != &moving) {
		struct tz_timer *t = moving.next;
		unlink_timer(t);
		place(w, t);
	}
}

/* Fire the timers of the level-0 slot of w->now. */
static unsigned fire(struct tz_wheel *w)
{
	struct tz_timer *head = &w->slot[0][w->now & MASK];
	unsigned n = 0;

	/* a handler may cancel any timer, so take them one at a time from
	 * the head; one started now for "now + 1" lands in another slot */
	while (head->next != head) {
		struct tz_timer *t = head->next;
		unlink_timer(t);
		t->wheel = NULL;
		w->count--;
		t->h(t->arg);
		n++;
	}
	/* a handler's new timers land in later slots (delay >= 1 ms) */
	w->busy[0] &= ~((uint64_t)1 << (w->now & MASK));
	return n;
}

unsigned tz_wheel_advance(struct tz_wheel *w, uint64_t now_ms)
{
	unsigned n = 0, level;

	while (w->now < now_ms) {
		uint64_t next;

		if (w->count == 0) {
			w->now = now_ms; /* nothing can fire: jump */
			break;
		}
		/* nothing fires or cascades before the next busy slot: skip
		 * the empty milliseconds up to it */
		next = tz_wheel_next(w);
		if (next > 1)
			w->now += next - 1 < now_ms - w->now ? next - 1
			                                     : now_ms - w->now;
		if (w->now >= now_ms)
			break;
		w->now++;
		/* cascade from the top, so a timer falls as far as it can */
		for (level = TZ_WHEEL_LEVELS - 1; level > 0; level--)
			if ((w->now & (((uint64_t)1 << (BITS * level)) - 1)) ==
			    0)
				cascade(w, level);
		n += fire(w);
	}
	return n;
}

uint64_t tz_wheel_next(const struct tz_wheel *w)
{
	if (w->count == 0)
		return UINT64_MAX;
	/*
	 * Level 0 is exact. A higher level answers with the start of the
	 * first busy slot after the current one (early, never late), and
	 * the earliest of the levels is the answer; the
	 * current index itself can only hold timers a full turn away. The
	 * busy bits find the candidates; a bit whose slot was emptied by
	 * cancels stays until the slot's time comes (cascade, fire).
	 */
	uint64_t best = UINT64_MAX;

	for (unsigned level = 0; level < TZ_WHEEL_LEVELS; level++) {
		uint64_t width = (uint64_t)1 << (BITS * level);
		uint64_t base = w->now >> (BITS * level);
		unsigned from = (unsigned)((base + 1) & MASK);
		uint64_t r = w->busy[level];

		/* rotate: bit 0 is the slot after the current one */
		r = from ? (r >> from) | (r << (TZ_WHEEL_SLOTS - from)) : r;
		while (r) {
			unsigned i = (unsigned)__builtin_ctzll(r);
			unsigned slot = (from + i) & MASK;
			const struct tz_timer *head = &w->slot[level][slot];

			if (head->next != head) {
				/* a higher level's cascade may come before
				 * a lower level's timer: the earliest wins */
				uint64_t at = (base + 1 + i) * width - w->now;

				if (at < best)
					best = at;
				break;
			}
			r &= r - 1;
		}
	}
	return best == UINT64_MAX ? 1 : best; /* 1: cannot happen */
}
