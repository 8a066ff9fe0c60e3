/**
 * @file tz_span.h  Spans: offset + length slices of a message buffer.
 *
 * Everything the parser finds is a span relative to the start of the buffer
 * it parsed, never a pointer: a kept message is one memcpy of the bytes plus
 * the struct, with nothing to rewrite (DESIGN.md "Zero copy").
 */
#ifndef TZ_SPAN_H
#define TZ_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/** A slice [off, off + len) of some base buffer. len 0 may mean "absent". */
struct tz_span {
	uint32_t off; /**< offset of the first byte from the base */
	uint32_t len; /**< number of bytes */
};

/** Pointer to the first byte of @p s within @p base (borrows both). */
static inline const char *tz_span_ptr(const char *base, struct tz_span s)
{
	return base + s.off;
}

/** Make a span from a pointer range [p, e) within @p base. */
static inline struct tz_span tz_span_of(const char *base, const char *p,
                                        const char *e)
{
	struct tz_span s = {(uint32_t)(p - base), (uint32_t)(e - p)};
	return s;
}

/** True when the span's bytes equal @p str exactly (case-sensitive). */
static inline bool tz_span_eq(const char *base, struct tz_span s,
                              const char *str)
{
	size_t n = strlen(str);
	return s.len == n && memcmp(base + s.off, str, n) == 0;
}

/** True when the span's bytes equal @p str ignoring ASCII case. Inline:
 *  the decoders call it for every parameter name they read. */
static inline bool tz_span_eqi(const char *base, struct tz_span s,
                               const char *str)
{
	const char *p = base + s.off;
	uint32_t i;

	for (i = 0; i < s.len; i++) {
		char a = p[i], c = str[i];
		if (a == c)
			continue;
		if (c == '\0' || (a | 0x20) != (c | 0x20) ||
		    (unsigned char)((c | 0x20) - 'a') > 'z' - 'a')
			return false;
	}
	return str[i] == '\0';
}

/** snprintf(dst, cap, "%s", src) without the format machinery (for
 *  the per-message paths): what fits of @p src, always terminated;
 *  @p cap must be at least 1. */
static inline void tz_str_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strnlen(src, cap - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

#endif
