/*
 * arena.c  Bump allocation freed at once (see tz_arena.h).
 */
#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "tz/tz_arena.h"
#include "tz/tz_mem.h"

#define ALIGN alignof(max_align_t)
#define BLOCK 4096

struct tz_arena_block {
	struct tz_arena_block *next;
	alignas(max_align_t) char mem[];
};

void tz_arena_init(struct tz_arena *a, void *mem, size_t cap)
{
	uintptr_t p = (uintptr_t)mem,
	          q = (p + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);

	a->heap = NULL;
	if (!mem || cap < q - p) {
		a->first = NULL;
		a->first_cap = 0;
	} else {
		a->first = (char *)q;
		a->first_cap = cap - (q - p);
	}
	a->p = a->first;
	a->cap = a->first_cap;
	a->used = 0;
}

void *tz_arena_alloc(struct tz_arena *a, size_t size)
{
	size_t need = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	struct tz_arena_block *b;
	void *r;

	if (need < size)
		return NULL; /* overflow */
	if (need > a->cap - a->used) {
		size_t cap = need > BLOCK ? need : BLOCK;
		b = tz_malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = a->heap;
		a->heap = b;
		a->p = b->mem;
		a->cap = cap;
		a->used = 0;
	}
	r = a->p + a->used;
	a->used += need;
	return memset(r, 0, size);
}

void tz_arena_free(struct tz_arena *a)
{
	while (a->heap) {
		struct tz_arena_block *b = a->heap;
		a->heap = b->next;
		tz_free(b);
	}
	a->p = a->first;
	a->cap = a->first_cap;
	a->used = 0;
}
