/*
 * buf.c  Output buffers with a sticky error (see tz_buf.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tz/tz_buf.h"
#include "tz/tz_mem.h"

void tz_buf_init(struct tz_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void tz_buf_init_fixed(struct tz_buf *b, char *mem, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->p = mem;
	b->cap = cap;
	b->fixed = true;
}

void tz_buf_init_local(struct tz_buf *b, char *mem, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->p = mem;
	b->cap = cap;
	b->local = true;
}

void tz_buf_reset(struct tz_buf *b)
{
	b->len = 0;
	b->err = 0;
}

void tz_buf_free(struct tz_buf *b)
{
	if (!b->fixed && !b->local)
		tz_free(b->p);
	memset(b, 0, sizeof(*b));
}

/* Make room for @n more bytes. */
static int reserve(struct tz_buf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->err)
		return b->err;
	if (n <= b->cap - b->len)
		return 0;
	if (b->fixed || n > SIZE_MAX / 2 - b->len)
		return b->err = -EOVERFLOW;
	cap = b->cap ? b->cap : 256;
	while (cap - b->len < n)
		cap *= 2;
	if (b->local) {
		/* out of the caller's memory, onto the heap */
		p = tz_malloc(cap);
		if (!p)
			return b->err = -ENOMEM;
		if (b->len)
			memcpy(p, b->p, b->len);
		b->local = false;
	} else {
		p = tz_realloc(b->p, cap);
		if (!p)
			return b->err = -ENOMEM;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

int tz_buf_put_grow(struct tz_buf *b, const void *p, size_t n)
{
	int err = reserve(b, n);

	if (err)
		return err;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

int tz_buf_put_u64(struct tz_buf *b, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return tz_buf_put(b, tmp + i, sizeof(tmp) - i);
}

int tz_buf_printf(struct tz_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, err;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return b->err ? b->err : (b->err = -EINVAL);
	err = reserve(b, (size_t)n + 1);
	if (err)
		return err;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}
