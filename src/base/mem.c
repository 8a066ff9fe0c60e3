/*
 * mem.c  The library's allocation path: counted malloc with an OOM test
 * mode, and reference-counted objects with destructors.
 */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tz/tz_mem.h"

static _Thread_local long fail_at = -1; /* allocations left before failing */
static _Thread_local bool failed;
static _Thread_local long live;

static bool must_fail(void)
{
	if (fail_at < 0)
		return false;
	if (fail_at == 0) {
		failed = true;
		return true;
	}
	fail_at--;
	return false;
}

void *tz_malloc(size_t size)
{
	void *p;

	if (must_fail())
		return NULL;
	p = malloc(size ? size : 1);
	if (p)
		live++;
	return p;
}

void *tz_realloc(void *p, size_t size)
{
	void *q;

	if (!p)
		return tz_malloc(size);
	if (must_fail())
		return NULL;
	q = realloc(p, size ? size : 1);
	return q;
}

void tz_free(void *p)
{
	if (p) {
		live--;
		free(p);
	}
}

/* The header before every object; aligned so the object is too. */
struct mem {
	alignas(max_align_t) unsigned refs;
	tz_mem_destroy_h *dh;
};

static struct mem *mem_of(const void *data)
{
	return (struct mem *)((uintptr_t)data - sizeof(struct mem));
}

void *tz_mem_zalloc(size_t size, tz_mem_destroy_h *dh)
{
	struct mem *m = tz_malloc(sizeof(*m) + size);

	if (!m)
		return NULL;
	m->refs = 1;
	m->dh = dh;
	return memset(m + 1, 0, size);
}

void *tz_mem_ref(void *data)
{
	if (data)
		__atomic_add_fetch(&mem_of(data)->refs, 1, __ATOMIC_RELAXED);
	return data;
}

void *tz_mem_deref(void *data)
{
	struct mem *m;

	if (!data)
		return NULL;
	m = mem_of(data);
	if (__atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		if (m->dh)
			m->dh(data);
		tz_free(m);
	}
	return NULL;
}

unsigned tz_mem_nrefs(const void *data)
{
	return data ? __atomic_load_n(&mem_of(data)->refs, __ATOMIC_RELAXED)
	            : 0;
}

void tz_mem_fail_after(long n)
{
	fail_at = n;
	failed = false;
}

bool tz_mem_failed(void)
{
	return failed;
}

long tz_mem_live(void)
{
	return live;
}
