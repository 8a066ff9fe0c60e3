/*
 * siphash.c  SipHash-2-4, 64- and 128-bit outputs, taking its input in
 * pieces (see tz_siphash.h): 2 compression rounds per 8-byte word, 4
 * finalisation rounds per 64 output bits.
 */
#include <string.h>

#include "tz/tz_siphash.h"

static uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static void round1(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13);
	v[1] ^= v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17);
	v[1] ^= v[2];
	v[2] = rotl(v[2], 32);
}

static void compress(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	round1(v);
	round1(v);
	v[0] ^= m;
}

/* 8 bytes read little-endian (one load on a little-endian machine) */
static uint64_t load8(const uint8_t *p)
{
	uint64_t m;

	memcpy(&m, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	m = __builtin_bswap64(m);
#endif
	return m;
}

/* @p n (0..7) bytes read little-endian, the missing high bytes zero */
static uint64_t load_part(const uint8_t *p, size_t n)
{
	uint64_t m = 0;

	while (n--)
		m = m << 8 | p[n];
	return m;
}

uint64_t tz_le64(const uint8_t b[8])
{
	return load8(b);
}

/* The state before the first word: the key over the initial constants. */
static void start(uint64_t v[4], uint64_t k0, uint64_t k1)
{
	v[0] = 0x736f6d6570736575ULL ^ k0;
	v[1] = 0x646f72616e646f6dULL ^ k1;
	v[2] = 0x6c7967656e657261ULL ^ k0;
	v[3] = 0x7465646279746573ULL ^ k1;
}

void tz_siphash_init(struct tz_siphash *s, uint64_t k0, uint64_t k1, int wide)
{
	start(s->v, k0, k1);
	if (wide)
		s->v[1] ^= 0xee; /* the 128-bit variant's domain separation */
	s->tail = 0;
	s->len = 0;
	s->wide = wide;
}

void tz_siphash_update(struct tz_siphash *s, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t have = s->len & 7;

	s->len += len;
	if (have) {
		/* complete the unfinished word first */
		size_t k = len < 8 - have ? len : 8 - have;

		s->tail |= load_part(p, k) << (8 * have);
		p += k;
		len -= k;
		if (have + k < 8)
			return;
		compress(s->v, s->tail);
		s->tail = 0;
	}
	for (; len >= 8; p += 8, len -= 8)
		compress(s->v, load8(p));
	s->tail = load_part(p, len);
}

/* the last word (length byte on top) and the first output's rounds */
/* The last word (the tail and the length's low byte), then the
 * finalization rounds. */
static uint64_t fin(uint64_t v[4], uint64_t last, int wide)
{
	compress(v, last);
	v[2] ^= wide ? 0xee : 0xff;
	for (int r = 0; r < 4; r++)
		round1(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static uint64_t finish(struct tz_siphash *s)
{
	return fin(s->v, s->tail | (uint64_t)(s->len & 0xff) << 56, s->wide);
}

uint64_t tz_siphash_final(struct tz_siphash *s)
{
	return finish(s);
}

void tz_siphash_final128(struct tz_siphash *s, uint8_t out[16])
{
	uint64_t a = finish(s), b;

	s->v[1] ^= 0xdd;
	for (int r = 0; r < 4; r++)
		round1(s->v);
	b = s->v[0] ^ s->v[1] ^ s->v[2] ^ s->v[3];
	for (int i = 0; i < 8; i++) {
		out[i] = (uint8_t)(a >> (8 * i));
		out[8 + i] = (uint8_t)(b >> (8 * i));
	}
}

/* One shot, without the streaming state: hash tables key short strings
 * (branches, Call-IDs) with it on every message. */
uint64_t tz_siphash(uint64_t k0, uint64_t k1, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v[4];
	size_t i;

	start(v, k0, k1);
	for (i = 0; i + 8 <= len; i += 8)
		compress(v, load8(p + i));
	return fin(v, load_part(p + i, len - i) | (uint64_t)(len & 0xff) << 56,
	           0);
}
