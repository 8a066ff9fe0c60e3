/*
 * siphash.c  SipHash-2-4, 64- and 128-bit outputs, taking its input in
 * pieces (see tz_siphash.h): 2 compression rounds per 8-byte word, 4
 * finalisation rounds per 64 output bits. SipHash-1-3 in one shot, and
 * the process's table hash built on it.
 */
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

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

/* One word in, with @p c rounds (SipHash-c-d: 2, or 1 for tables). */
static void compress(uint64_t v[4], uint64_t m, int c)
{
	v[3] ^= m;
	while (c--)
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
		compress(s->v, s->tail, 2);
		s->tail = 0;
	}
	for (; len >= 8; p += 8, len -= 8)
		compress(s->v, load8(p), 2);
	s->tail = load_part(p, len);
}

/* The last word (the tail and the length's low byte) with @p c rounds,
 * then @p d finalization rounds. */
static uint64_t fin(uint64_t v[4], uint64_t last, int wide, int c, int d)
{
	compress(v, last, c);
	v[2] ^= wide ? 0xee : 0xff;
	while (d--)
		round1(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static uint64_t finish(struct tz_siphash *s)
{
	return fin(s->v, s->tail | (uint64_t)(s->len & 0xff) << 56, s->wide, 2,
	           4);
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

/* The last word of a one-shot input of @p len bytes, its length byte on
 * top: when the input is 8 bytes or longer, one load of its last 8
 * bytes shifted, not a loop over the tail. */
static uint64_t last_word(const uint8_t *p, size_t len)
{
	size_t r = len & 7;
	uint64_t m;

	if (!r)
		m = 0;
	else if (len >= 8)
		m = load8(p + len - 8) >> (64 - 8 * r);
	else
		m = load_part(p, r);
	return m | (uint64_t)(len & 0xff) << 56;
}

/* SipHash-c-d in one shot, without the streaming state. */
static inline uint64_t one_shot(uint64_t k0, uint64_t k1, const uint8_t *p,
                                size_t len, int c, int d)
{
	uint64_t v[4];

	start(v, k0, k1);
	for (size_t i = 0; i + 8 <= len; i += 8)
		compress(v, load8(p + i), c);
	return fin(v, last_word(p, len), 0, c, d);
}

uint64_t tz_siphash(uint64_t k0, uint64_t k1, const void *data, size_t len)
{
	return one_shot(k0, k1, data, len, 2, 4);
}

uint64_t tz_siphash13(uint64_t k0, uint64_t k1, const void *data, size_t len)
{
	return one_shot(k0, k1, data, len, 1, 3);
}

/* The key of every table hash in this process, drawn from getrandom(2)
 * before main() runs: a peer that does not know it cannot choose
 * strings that fall into one chain. */
static uint64_t table_key[2];

__attribute__((constructor)) static void table_key_draw(void)
{
	struct timespec ts;

	if (getrandom(table_key, sizeof(table_key), 0) ==
	    (ssize_t)sizeof(table_key))
		return;
	/* no entropy source: the clock and the address space's layout, a
	 * guess for a peer but no secret */
	clock_gettime(CLOCK_REALTIME, &ts);
	table_key[0] = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	table_key[1] = (uint64_t)(uintptr_t)&ts ^ (uint64_t)getpid() << 32;
}

uint32_t tz_table_hash(const void *p, size_t len)
{
	return (uint32_t)tz_siphash13(table_key[0], table_key[1], p, len);
}
