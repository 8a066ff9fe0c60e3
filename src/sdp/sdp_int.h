/*
 * sdp_int.h  What the files of src/sdp share: the byte classes of the RFC
 * 4566 9 grammar, the typed field decoders, and the printing pieces common
 * to re-emitted, local and answer descriptions. Private to src/sdp.
 */
#ifndef TZ_SDP_INT_H
#define TZ_SDP_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tz/tz_sdp.h"

/*
 * RFC4566 9: token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 /
 * %x41-5A / %x5E-7E
 */
static inline bool sdp_is_token(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2a ||
	       c == 0x2b || c == 0x2d || c == 0x2e ||
	       (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) ||
	       (c >= 0x5e && c <= 0x7e);
}

/* RFC4566 9: non-ws-string = 1*(VCHAR / %x80-FF) */
static inline bool sdp_is_vchar(unsigned char c)
{
	return (c >= 0x21 && c <= 0x7e) || c >= 0x80;
}

/* Skip bytes of a class from b[p] up to e; returns the first other one. */
static inline uint32_t sdp_skip_token(const char *b, uint32_t p, uint32_t e)
{
	while (p < e && sdp_is_token((unsigned char)b[p]))
		p++;
	return p;
}

static inline uint32_t sdp_skip_vchar(const char *b, uint32_t p, uint32_t e)
{
	while (p < e && sdp_is_vchar((unsigned char)b[p]))
		p++;
	return p;
}

static inline uint32_t sdp_skip_digits(const char *b, uint32_t p, uint32_t e)
{
	while (p < e && b[p] >= '0' && b[p] <= '9')
		p++;
	return p;
}

/*
 * Read the decimal b[p, e) (1*DIGIT, leading zeros allowed) into *v.
 * Returns false when empty, not all digits, or above @max.
 */
bool sdp_uint(const char *b, uint32_t p, uint32_t e, uint64_t max, uint64_t *v);

/* Byte-wise equality of two spans of two buffers. */
static inline bool sdp_span_same(const char *ab, struct tz_span a,
                                 const char *bb, struct tz_span b)
{
	return a.len == b.len &&
	       (a.len == 0 || memcmp(ab + a.off, bb + b.off, a.len) == 0);
}

/* field.c: decoders of one line value b[p, e) (RFC 4566 5). */
int sdp_origin_parse(struct tz_sdp_origin *o, const char *b, uint32_t p,
                     uint32_t e);
int sdp_conn_parse(struct tz_sdp_conn *c, const char *b, uint32_t p,
                   uint32_t e);
int sdp_bw_parse(struct tz_sdp_bw *bw, const char *b, uint32_t p, uint32_t e);
int sdp_time_parse(struct tz_sdp_time *t, const char *b, uint32_t p,
                   uint32_t e);
int sdp_media_parse(struct tz_sdp_media *m, const char *b, uint32_t p,
                    uint32_t e);
int sdp_attr_parse(struct tz_sdp_attr *a, const char *b, uint32_t p,
                   uint32_t e);

/* attr.c: the attributes with meaning to us (RFC 4566 6). */
int sdp_attr_dir(const char *b, const struct tz_sdp_attr *a,
                 enum tz_sdp_dir *dir);
int sdp_attr_media(struct tz_sdp_media *m, const char *b,
                   const struct tz_sdp_attr *a);

/* print.c: the t= and r= lines of @sdp. */
void sdp_print_times(struct tz_buf *b, const struct tz_sdp *sdp);

/* local.c: checks and pieces of descriptions we build. */
int sdp_local_check(const struct tz_sdp_local *l);
const char *sdp_local_proto(const struct tz_sdp_local_media *m);
enum tz_sdp_dir sdp_local_dir(const struct tz_sdp_local_media *m, bool held);
void sdp_put_origin_head(struct tz_buf *b, const struct tz_sdp_local *l);
void sdp_put_origin_tail(struct tz_buf *b, const struct tz_sdp_local *l);
void sdp_put_name_conn(struct tz_buf *b, const struct tz_sdp_local *l);
void sdp_put_rtpmap(struct tz_buf *b, unsigned pt, const char *name,
                    size_t name_len, uint32_t rate, unsigned channels);
void sdp_put_dir(struct tz_buf *b, enum tz_sdp_dir dir);

#endif
