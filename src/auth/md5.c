/*
 * md5.c  MD5 (RFC 1321), for the digest hashes of RFC 2617 / RFC 7616
 * with algorithm MD5 and MD5-sess. OpenSSL's EVP interface costs more
 * than the hash here: a digest REGISTER computes two or three MD5s of one
 * or two blocks each, and through EVP_DigestInit_ex / Update / Final each
 * took about 3,400 instructions. MD5 is no secret-keyed primitive here
 * (the inputs are the request and the stored HA1); nothing to hide in its
 * timing.
 */
#include <string.h>

#include "auth_int.h"

/* RFC1321 3.4: T[i] = the integer part of 4294967296 * abs(sin(i)), i in
 * radians, for i = 1..64 */
static const uint32_t T[64] = {
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a,
        0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
        0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
        0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
        0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
        0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
        0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
        0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
        0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

/* RFC1321 3.4: the shift of each step, by round */
static const uint8_t S[4][4] = {
        {7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

static uint32_t rotl(uint32_t x, unsigned s)
{
	return (x << s) | (x >> (32 - s));
}

/* RFC1321 3.4: one 16-word block into the state */
static void block(uint32_t st[4], const uint8_t *p)
{
	uint32_t x[16], a = st[0], b = st[1], c = st[2], d = st[3];

	/* RFC1321 2: words are little-endian */
	for (int i = 0; i < 16; i++) {
		x[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		       (uint32_t)p[4 * i + 2] << 16 |
		       (uint32_t)p[4 * i + 3] << 24;
	}
	/* unrolled whole, every step's function, word and shift are
	 * constants and the rotation of a, b, c, d is renaming: about 9
	 * instructions a step instead of 60 */
#pragma GCC unroll 64
	for (unsigned i = 0; i < 64; i++) {
		unsigned r = i / 16, k;
		uint32_t f, t;

		switch (r) {
		case 0:
			f = (b & c) | (~b & d); /* F */
			k = i;
			break;
		case 1:
			f = (b & d) | (c & ~d); /* G */
			k = (5 * i + 1) & 15;
			break;
		case 2:
			f = b ^ c ^ d; /* H */
			k = (3 * i + 5) & 15;
			break;
		default:
			f = c ^ (b | ~d); /* I */
			k = (7 * i) & 15;
			break;
		}
		t = d;
		d = c;
		c = b;
		b = b + rotl(a + f + x[k] + T[i], S[r][i & 3]);
		a = t;
	}
	st[0] += a;
	st[1] += b;
	st[2] += c;
	st[3] += d;
}

void auth_md5_init(struct auth_md5 *m)
{
	/* RFC1321 3.3: the initial state */
	m->st[0] = 0x67452301;
	m->st[1] = 0xefcdab89;
	m->st[2] = 0x98badcfe;
	m->st[3] = 0x10325476;
	m->len = 0;
}

void auth_md5_update(struct auth_md5 *m, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t have = (size_t)(m->len & 63);

	m->len += n;
	if (have) {
		size_t k = n < 64 - have ? n : 64 - have;

		memcpy(m->buf + have, p, k);
		p += k;
		n -= k;
		if (have + k < 64)
			return;
		block(m->st, m->buf);
	}
	for (; n >= 64; p += 64, n -= 64)
		block(m->st, p);
	memcpy(m->buf, p, n);
}

void auth_md5_final(struct auth_md5 *m, uint8_t out[16])
{
	/* RFC1321 3.1, 3.2: a 1 bit, zeros to 56 mod 64 bytes, then the
	 * length in bits, little-endian */
	static const uint8_t pad[64] = {0x80};
	uint64_t bits = m->len * 8;
	uint8_t len[8];
	size_t have = (size_t)(m->len & 63);

	for (int i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (8 * i));
	auth_md5_update(m, pad, have < 56 ? 56 - have : 120 - have);
	auth_md5_update(m, len, 8);
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			out[4 * i + j] = (uint8_t)(m->st[i] >> (8 * j));
}
