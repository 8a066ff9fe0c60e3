/**
 * @file tz_arena.h  Bump allocation freed at once (DESIGN.md "Memory":
 * parse products live in a per-message arena). The first block is the
 * caller's (often on the stack), so a message that needs little decoding
 * allocates nothing from the heap; larger needs chain blocks from
 * tz_malloc, all released by tz_arena_free().
 */
#ifndef TZ_ARENA_H
#define TZ_ARENA_H

#include <stddef.h>

struct tz_arena_block;

/** An arena. Not thread-safe: one arena, one thread. */
struct tz_arena {
	char *p;                     /**< current block */
	size_t used, cap;            /**< bytes used / available in it */
	struct tz_arena_block *heap; /**< blocks from the heap, newest first */
	char *first;                 /**< the caller's block, aligned */
	size_t first_cap;            /**< its usable size */
};

/** Start an arena over the caller's @p cap bytes at @p mem (borrowed; may
 *  be NULL with @p cap 0 to use the heap only). */
void tz_arena_init(struct tz_arena *a, void *mem, size_t cap);

/**
 * @p size bytes aligned for any type, zeroed.
 * @return the memory (valid until tz_arena_free), or NULL when out of
 *         memory.
 */
void *tz_arena_alloc(struct tz_arena *a, size_t size);

/** Release every heap block; the arena is empty again over the caller's
 *  first block. Accepts an arena that never allocated. */
void tz_arena_free(struct tz_arena *a);

#endif
