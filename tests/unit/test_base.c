/*
 * test_base.c  Memory (reference counts, destructors, OOM mode), output
 * buffers, the random generator and SipHash.
 */
#include <errno.h>

#include "tz_test.h"
#include <stdalign.h>
#include <stddef.h>

#include "tz/tz_arena.h"
#include "tz/tz_buf.h"
#include "tz/tz_mem.h"
#include "tz/tz_rand.h"
#include "tz/tz_siphash.h"
#include <string.h>

static int destroyed;

static void obj_destroy(void *data)
{
	int *v = data;
	destroyed += *v;
}

static int test_mem_refcount(void)
{
	int *o = tz_mem_zalloc(sizeof(*o), obj_destroy);

	if (!o)
		return -ENOMEM;
	destroyed = 0;
	*o = 7;
	TZ_EXPECT_INT(tz_mem_nrefs(o), 1);
	TZ_EXPECT(tz_mem_ref(o) == o);
	TZ_EXPECT_INT(tz_mem_nrefs(o), 2);
	TZ_EXPECT(tz_mem_deref(o) == NULL);
	TZ_EXPECT_INT(destroyed, 0);
	tz_mem_deref(o);
	TZ_EXPECT_INT(destroyed, 7);
	TZ_EXPECT(tz_mem_deref(NULL) == NULL);
	TZ_EXPECT(tz_mem_ref(NULL) == NULL);
	return 0;
}

/* The OOM switch fails exactly the N-th allocation and later ones. */
static int test_mem_fail_after(void)
{
	void *a, *b;

	tz_mem_fail_after(1);
	a = tz_malloc(8);
	b = tz_malloc(8);
	TZ_EXPECT(a != NULL);
	TZ_EXPECT(b == NULL);
	TZ_EXPECT(tz_mem_failed());
	tz_mem_fail_after(-1);
	TZ_EXPECT(!tz_mem_failed());
	tz_free(a);
	return 0;
}

/* Growth through many reallocations; under --oom every step fails once. */
static int test_buf_grow(void)
{
	struct tz_buf b;
	int i, err = 0;

	tz_buf_init(&b);
	for (i = 0; i < 200; i++)
		err = tz_buf_printf(&b, "%03d,", i);
	tz_buf_put_u64(&b, UINT64_MAX);
	if (b.err) {
		err = b.err;
		tz_buf_free(&b);
		return err;
	}
	TZ_EXPECT_INT(err, 0);
	TZ_EXPECT_INT(b.len, 800 + 20);
	TZ_EXPECT_MEM(b.p, 8, "000,001,");
	TZ_EXPECT_MEM(b.p + 800, 20, "18446744073709551615");
	tz_buf_free(&b);
	return 0;
}

/* A fixed buffer reports -EOVERFLOW, and the error sticks. */
static int test_buf_fixed(void)
{
	char mem[8];
	struct tz_buf b;

	tz_buf_init_fixed(&b, mem, sizeof(mem));
	TZ_EXPECT_INT(tz_buf_puts(&b, "abcde"), 0);
	TZ_EXPECT_INT(tz_buf_puts(&b, "fghi"), -EOVERFLOW);
	TZ_EXPECT_INT(tz_buf_putc(&b, 'x'), -EOVERFLOW);
	TZ_EXPECT_INT(b.len, 5);
	TZ_EXPECT_MEM(b.p, b.len, "abcde");
	tz_buf_reset(&b);
	TZ_EXPECT_INT(tz_buf_put_span(&b, "xxSIPxx", (struct tz_span){2, 3}),
	              0);
	TZ_EXPECT_INT(tz_buf_put_u64(&b, 0), 0);
	TZ_EXPECT_MEM(b.p, b.len, "SIP0");
	tz_buf_free(&b); /* fixed: nothing to free */
	return 0;
}

/* A local buffer stays in the caller's memory while the text fits, then
 * moves to the heap with what it held; under --oom the move fails with
 * -ENOMEM and the text so far stays. */
static int test_buf_local(void)
{
	char mem[8];
	struct tz_buf b;
	long live = tz_mem_live();
	int err;

	tz_buf_init_local(&b, mem, sizeof(mem));
	TZ_EXPECT_INT(tz_buf_puts(&b, "abcdefgh"), 0);
	TZ_EXPECT(b.p == mem);
	TZ_EXPECT_INT(tz_mem_live(), live); /* nothing allocated yet */
	err = tz_buf_puts(&b, "ij");
	if (err) {
		TZ_EXPECT_INT(err, -ENOMEM);
		TZ_EXPECT(b.p == mem);
		TZ_EXPECT_MEM(b.p, b.len, "abcdefgh");
		tz_buf_free(&b); /* still local: nothing to free */
		return err;
	}
	TZ_EXPECT(b.p != mem);
	TZ_EXPECT_INT(tz_mem_live(), live + 1);
	memset(mem, 'x', sizeof(mem)); /* the copy no longer reads it */
	TZ_EXPECT_MEM(b.p, b.len, "abcdefghij");
	tz_buf_free(&b);
	TZ_EXPECT_INT(tz_mem_live(), live);
	return 0;
}

/* The caller's block first, then heap blocks, all freed at once. */
static int test_arena(void)
{
	char first[256];
	struct tz_arena a;
	long live = tz_mem_live();
	char *x, *y, *z;
	int i;

	tz_arena_init(&a, first, sizeof(first));
	x = tz_arena_alloc(&a, 10);
	TZ_EXPECT(x >= first && x < first + sizeof(first));
	TZ_EXPECT_INT((uintptr_t)x % alignof(max_align_t), 0);
	TZ_EXPECT_INT(tz_mem_live(), live); /* no heap yet */
	y = tz_arena_alloc(&a, 5000);       /* larger than a heap block */
	if (!y) {
		tz_arena_free(&a);
		return -ENOMEM;
	}
	TZ_EXPECT(y < first || y >= first + sizeof(first));
	TZ_EXPECT_INT(y[4999], 0);
	for (i = 0; i < 100; i++) {
		z = tz_arena_alloc(&a, 100);
		if (!z) {
			tz_arena_free(&a);
			return -ENOMEM;
		}
		memset(z, 0x5a, 100);
	}
	TZ_EXPECT(tz_mem_live() > live);
	tz_arena_free(&a);
	TZ_EXPECT_INT(tz_mem_live(), live);
	/* empty again over the first block */
	x = tz_arena_alloc(&a, 16);
	TZ_EXPECT(x >= first && x < first + sizeof(first));
	tz_arena_free(&a);
	return 0;
}

/* tz_rand64: no repeats in a few thousand draws, and every bit set about
 * half the time */
static int test_rand(void)
{
	static uint64_t seen[4096];
	unsigned ones[64] = {0};

	for (unsigned i = 0; i < 4096; i++) {
		seen[i] = tz_rand64();
		for (unsigned b = 0; b < 64; b++)
			ones[b] += (seen[i] >> b) & 1;
		for (unsigned j = 0; j < i; j++)
			if (seen[j] == seen[i])
				TZ_EXPECT(!"a repeated value");
	}
	/* 4096 draws: mean 2048, sd 32; 10 sd either way */
	for (unsigned b = 0; b < 64; b++)
		TZ_EXPECT(ones[b] > 1728 && ones[b] < 2368);
	return 0;
}

/* SipHash-2-4: the reference implementation's vectors (key 00..0f, input
 * 00 01 .. of each length), and any split of the input into two pieces
 * gives the one-shot hash */
static int test_siphash(void)
{
	static const struct {
		size_t len;
		uint64_t h;
	} v64[] = {
	        {0, 0x726fdb47dd0e0e31ULL},  {1, 0x74f839c593dc67fdULL},
	        {8, 0x93f5f5799a932462ULL},  {15, 0xa129ca6149be45e5ULL},
	        {63, 0x958a324ceb064572ULL},
	};
	static const uint8_t v128[4][16] = {
	        {0xa3, 0x81, 0x7f, 0x04, 0xba, 0x25, 0xa8, 0xe6, 0x6d, 0xf6,
	         0x72, 0x14, 0xc7, 0x55, 0x02, 0x93},
	        {0xda, 0x87, 0xc1, 0xd8, 0x6b, 0x99, 0xaf, 0x44, 0x34, 0x76,
	         0x59, 0x11, 0x9b, 0x22, 0xfc, 0x45},
	        {0x81, 0x77, 0x22, 0x8d, 0xa4, 0xa4, 0x5d, 0xc7, 0xfc, 0xa3,
	         0x8b, 0xde, 0xf6, 0x0a, 0xff, 0xe4},
	        {0x9c, 0x70, 0xb6, 0x0c, 0x52, 0x67, 0xa9, 0x4e, 0x5f, 0x33,
	         0xb6, 0xb0, 0x29, 0x85, 0xed, 0x51},
	};
	uint8_t key[16], in[64], out[16];
	uint64_t k0, k1;
	struct tz_siphash h;

	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		in[i] = (uint8_t)i;
	k0 = tz_le64(key);
	k1 = tz_le64(key + 8);
	TZ_EXPECT(k0 == 0x0706050403020100ULL);
	for (size_t i = 0; i < sizeof(v64) / sizeof(v64[0]); i++)
		TZ_EXPECT(tz_siphash(k0, k1, in, v64[i].len) == v64[i].h);
	for (size_t n = 0; n < 4; n++) {
		tz_siphash_init(&h, k0, k1, 1);
		tz_siphash_update(&h, in, n);
		tz_siphash_final128(&h, out);
		TZ_EXPECT(memcmp(out, v128[n], 16) == 0);
	}
	/* pieces: 63 bytes cut at every point, and a byte at a time */
	for (size_t cut = 0; cut <= 63; cut++) {
		tz_siphash_init(&h, k0, k1, 0);
		tz_siphash_update(&h, in, cut);
		tz_siphash_update(&h, in + cut, 63 - cut);
		TZ_EXPECT(tz_siphash_final(&h) == 0x958a324ceb064572ULL);
	}
	tz_siphash_init(&h, k0, k1, 0);
	for (size_t i = 0; i < 15; i++)
		tz_siphash_update(&h, in + i, 1);
	TZ_EXPECT(tz_siphash_final(&h) == 0xa129ca6149be45e5ULL);
	tz_siphash_init(&h, k0, k1, 1);
	tz_siphash_update(&h, in, 1);
	tz_siphash_update(&h, in + 1, 2);
	tz_siphash_final128(&h, out);
	TZ_EXPECT(memcmp(out, v128[3], 16) == 0);
	/* the one-shot form's tail, at every length */
	for (size_t n = 0; n <= 63; n++) {
		tz_siphash_init(&h, k0, k1, 0);
		tz_siphash_update(&h, in, n);
		TZ_EXPECT(tz_siphash(k0, k1, in, n) == tz_siphash_final(&h));
	}
	return 0;
}

/* SipHash-1-3 under the zero key, input 00 01 .. of each length: the
 * empty input from Rust's tests, the others from CPython 3.11, whose
 * hash() of bytes is this with PYTHONHASHSEED=0 */
static int test_siphash13(void)
{
	static const struct {
		size_t len;
		uint64_t h;
	} v[] = {
	        {0, 0xd1fba762150c532cULL},  {1, 0x68a914128e01e473ULL},
	        {7, 0x2f098ab0c751325aULL},  {8, 0xead411e67ebe2eeaULL},
	        {9, 0x75927f9d95124362ULL},  {15, 0xf30eb725bb91c9eaULL},
	        {29, 0xbe98eb2faf0a0e85ULL}, {63, 0x385d3e39e5f37359ULL},
	};
	uint8_t in[64];

	for (int i = 0; i < 64; i++)
		in[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		TZ_EXPECT(tz_siphash13(0, 0, in, v[i].len) == v[i].h);
	TZ_EXPECT(tz_siphash13(0, 0, "siphash", 7) == 0x8264ceeccb16bcbeULL);
	/* the table hash is keyed: not the zero key's (a 2^-32 chance) */
	TZ_EXPECT(tz_table_hash(in, 29) !=
	          (uint32_t)tz_siphash13(0, 0, in, 29));
	TZ_EXPECT(tz_table_hash(in, 29) == tz_table_hash(in, 29));
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_mem_refcount), TZ_TEST(test_mem_fail_after),
        TZ_TEST(test_buf_grow),     TZ_TEST(test_buf_fixed),
        TZ_TEST(test_buf_local),    TZ_TEST(test_arena),
        TZ_TEST(test_rand),         TZ_TEST(test_siphash),
        TZ_TEST(test_siphash13),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
