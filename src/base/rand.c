/*
 * rand.c  Per-thread xoshiro256** (Blackman and Vigna), seeded once per
 * thread from getrandom(2) (see tz_rand.h).
 */
#include <stdbool.h>
#include <sys/random.h>
#include <time.h>

#include "tz/tz_rand.h"

static _Thread_local uint64_t st[4];
static _Thread_local bool seeded;

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static void seed(void)
{
	struct timespec ts;

	if (getrandom(st, sizeof(st), 0) != (ssize_t)sizeof(st)) {
		/* no entropy source: the clock, spread by splitmix64 */
		uint64_t z;

		clock_gettime(CLOCK_REALTIME, &ts);
		z = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		for (int i = 0; i < 4; i++) {
			z += 0x9e3779b97f4a7c15u;
			st[i] = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
			st[i] = (st[i] ^ (st[i] >> 27)) * 0x94d049bb133111ebu;
			st[i] ^= st[i] >> 31;
		}
	}
	if (!(st[0] | st[1] | st[2] | st[3]))
		st[0] = 1; /* the one state the generator cannot leave */
	seeded = true;
}

uint64_t tz_rand64(void)
{
	uint64_t r, t;

	if (!seeded)
		seed();
	r = rotl(st[1] * 5, 7) * 9;
	t = st[1] << 17;
	st[2] ^= st[0];
	st[3] ^= st[1];
	st[1] ^= st[2];
	st[0] ^= st[3];
	st[2] ^= t;
	st[3] = rotl(st[3], 45);
	return r;
}
