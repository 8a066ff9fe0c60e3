/**
 * @file tz_buf.h  Output buffers for printing messages and bodies.
 *
 * Errors are sticky: once a put fails (-ENOMEM, or -EOVERFLOW for a full
 * fixed buffer) every later put does nothing and returns that error, so a
 * printer writes everything and checks @c err once at the end.
 */
#ifndef TZ_BUF_H
#define TZ_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tz_span.h"

/** A growable, or fixed, byte buffer. */
struct tz_buf {
	char *p;    /**< the bytes (not NUL-terminated) */
	size_t len; /**< bytes used */
	size_t cap; /**< bytes available at @c p */
	int err;    /**< first error, 0 if none; sticky */
	bool fixed; /**< caller's memory: never grown or freed */
	bool local; /**< still in the caller's memory (tz_buf_init_local) */
};

/** An empty buffer that grows through tz_realloc (tz_mem.h). */
void tz_buf_init(struct tz_buf *b);

/** A buffer over the caller's @p cap bytes at @p mem (borrowed). */
void tz_buf_init_fixed(struct tz_buf *b, char *mem, size_t cap);

/** A buffer that starts in the caller's @p cap bytes at @p mem (a stack
 *  array: no allocation while the text fits) and moves to the heap when
 *  it outgrows them; tz_buf_free as for tz_buf_init. */
void tz_buf_init_local(struct tz_buf *b, char *mem, size_t cap);

/** Forget the contents and any error; keeps the memory. */
void tz_buf_reset(struct tz_buf *b);

/** Release a growable buffer's memory; accepts an unused or fixed one. */
void tz_buf_free(struct tz_buf *b);

/** tz_buf_put when the bytes may not fit: grows the buffer, or records
 *  the error. */
int tz_buf_put_grow(struct tz_buf *b, const void *p, size_t n);

/** Append @p n bytes. @return 0 or the sticky error.
 *  Inline: a message is printed in some twenty puts, most of constant
 *  strings whose length and copy the compiler then resolves. */
static inline int tz_buf_put(struct tz_buf *b, const void *p, size_t n)
{
	if (__builtin_expect(!b->err && n <= b->cap - b->len, 1)) {
		if (n)
			memcpy(b->p + b->len, p, n);
		b->len += n;
		return 0;
	}
	return tz_buf_put_grow(b, p, n);
}

/** Append a C string. */
static inline int tz_buf_puts(struct tz_buf *b, const char *s)
{
	return tz_buf_put(b, s, strlen(s));
}

/** Append one byte. */
static inline int tz_buf_putc(struct tz_buf *b, char c)
{
	return tz_buf_put(b, &c, 1);
}

/** Append the bytes of span @p s of @p base. */
static inline int tz_buf_put_span(struct tz_buf *b, const char *base,
                                  struct tz_span s)
{
	return tz_buf_put(b, base + s.off, s.len);
}

/** Append a decimal number. */
int tz_buf_put_u64(struct tz_buf *b, uint64_t v);

/** Append printf-formatted text. */
int tz_buf_printf(struct tz_buf *b, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#endif
