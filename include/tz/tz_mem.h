/**
 * @file tz_mem.h  Memory: the one allocation path of the library.
 *
 * Two layers. tz_malloc / tz_realloc / tz_free are plain allocation that
 * counts live blocks and can be told to fail (the OOM test mode). On top,
 * tz_mem_alloc gives reference-counted objects with a destructor (libre's
 * mem_alloc): the destructor unlinks the object and releases what it
 * holds, and runs when the last reference goes.
 */
#ifndef TZ_MEM_H
#define TZ_MEM_H

#include <stdbool.h>
#include <stddef.h>

/** Destructor of a reference-counted object; @p data is the object. */
typedef void(tz_mem_destroy_h)(void *data);

/** malloc that obeys the OOM test mode. NULL on failure. */
void *tz_malloc(size_t size);
/** realloc that obeys the OOM test mode; on failure @p p is untouched. */
void *tz_realloc(void *p, size_t size);
/** free for tz_malloc / tz_realloc blocks; accepts NULL. */
void tz_free(void *p);

/**
 * Allocate a reference-counted object of @p size bytes, zeroed, with one
 * reference and destructor @p dh (may be NULL).
 * @return the object, or NULL when out of memory.
 */
void *tz_mem_zalloc(size_t size, tz_mem_destroy_h *dh);

/** Take a reference on @p data (may be NULL); returns @p data. */
void *tz_mem_ref(void *data);

/**
 * Drop a reference on @p data (may be NULL); the last one runs the
 * destructor and frees. Always returns NULL: `x = tz_mem_deref(x);`.
 * The count is atomic, so references may be dropped from any thread.
 */
void *tz_mem_deref(void *data);

/** Current reference count of @p data (for tests and assertions). */
unsigned tz_mem_nrefs(const void *data);

/**
 * OOM test mode, per thread: the @p n-th allocation from now fails (0 =
 * the next one), and every later one too; -1 turns the mode off.
 */
void tz_mem_fail_after(long n);

/** True when the OOM test mode has made an allocation fail. */
bool tz_mem_failed(void);

/** Blocks currently allocated by this thread minus those it freed (leak
 *  checks in tests: compare before and after). */
long tz_mem_live(void);

#endif
