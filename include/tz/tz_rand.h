/**
 * @file tz_rand.h  Fast unpredictable-enough numbers for tags, branches
 * and Call-IDs (RFC 3261 19.3: "cryptographically random" is asked of
 * tags only as "at least 32 bits of randomness"): a per-thread
 * xoshiro256** generator seeded once from getrandom(2), so the hot path
 * makes no system call. Not for keys or nonces (use OpenSSL there).
 */
#ifndef TZ_RAND_H
#define TZ_RAND_H

#include <stdint.h>

/** 64 random bits. Thread-safe (state per thread). */
uint64_t tz_rand64(void);

#endif
