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

#include "tz_span.h"

/** A growable, or fixed, byte buffer. */
struct tz_buf {
	char *p;    /**< the bytes (not NUL-terminated) */
	size_t len; /**< bytes used */
	size_t cap; /**< bytes available at @c p */
	int err;    /**< first error, 0 if none; sticky */
	bool fixed; /**< caller's memory: never grown or freed */
};

/** An empty buffer that grows through tz_realloc (tz_mem.h). */
void tz_buf_init(struct tz_buf *b);

/** A buffer over the caller's @p cap bytes at @p mem (borrowed). */
void tz_buf_init_fixed(struct tz_buf *b, char *mem, size_t cap);

/** Forget the contents and any error; keeps the memory. */
void tz_buf_reset(struct tz_buf *b);

/** Release a growable buffer's memory; accepts an unused or fixed one. */
void tz_buf_free(struct tz_buf *b);

/** Append @p n bytes. @return 0 or the sticky error. */
int tz_buf_put(struct tz_buf *b, const void *p, size_t n);

/** Append a C string. */
int tz_buf_puts(struct tz_buf *b, const char *s);

/** Append one byte. */
int tz_buf_putc(struct tz_buf *b, char c);

/** Append the bytes of span @p s of @p base. */
int tz_buf_put_span(struct tz_buf *b, const char *base, struct tz_span s);

/** Append a decimal number. */
int tz_buf_put_u64(struct tz_buf *b, uint64_t v);

/** Append printf-formatted text. */
int tz_buf_printf(struct tz_buf *b, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#endif
