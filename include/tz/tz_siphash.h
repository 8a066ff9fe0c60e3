/**
 * @file tz_siphash.h  SipHash-2-4 (Aumasson and Bernstein, "SipHash: a
 * fast short-input PRF", 2012): a keyed pseudorandom function for short
 * inputs, with the 64-bit output (hash tables that chosen keys must not
 * flood) and the 128-bit output (message authentication: the stateless
 * digest nonces, as Linux authenticates its TCP SYN cookies with it).
 * A key is 128 bits, given as two 64-bit words read little-endian from
 * the 16 key bytes (k0 = bytes 0..7, k1 = bytes 8..15).
 */
#ifndef TZ_SIPHASH_H
#define TZ_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/** A hash being computed from pieces; fields are private. */
struct tz_siphash {
	uint64_t v[4];
	uint64_t tail; /* the bytes of an unfinished 8-byte word */
	size_t len;    /* bytes taken so far */
	int wide;      /* 128-bit output */
};

/** Start a hash keyed by (@p k0, @p k1); @p wide: 128-bit output. */
void tz_siphash_init(struct tz_siphash *s, uint64_t k0, uint64_t k1, int wide);
/** Take @p len more bytes. */
void tz_siphash_update(struct tz_siphash *s, const void *p, size_t len);
/** The 64-bit hash (@p s started with wide 0). */
uint64_t tz_siphash_final(struct tz_siphash *s);
/** The 128-bit hash, in the reference byte order (@p s started wide). */
void tz_siphash_final128(struct tz_siphash *s, uint8_t out[16]);

/** One-shot SipHash-2-4 with 64-bit output. */
uint64_t tz_siphash(uint64_t k0, uint64_t k1, const void *p, size_t len);

/**
 * One-shot SipHash-1-3 with 64-bit output: 1 compression round per
 * 8-byte word and 3 finalization rounds, the reduced-round variant that
 * CPython (3.11) and Rust key their hash tables with. For tables only:
 * a MAC takes SipHash-2-4.
 */
uint64_t tz_siphash13(uint64_t k0, uint64_t k1, const void *p, size_t len);

/**
 * The hash of every table whose keys a peer chooses (transactions by
 * branch, dialogs by Call-ID, bindings by AOR, connections by address):
 * SipHash-1-3 under a key drawn from getrandom(2) once per process, so
 * a peer cannot aim its keys at one chain. Thread-safe; differs from
 * run to run.
 */
uint32_t tz_table_hash(const void *p, size_t len);

/** The 64-bit word of 8 bytes read little-endian (a key half). */
uint64_t tz_le64(const uint8_t b[8]);

#endif
