/*
 * nonce.c  Stateless nonces (RFC 7616 3.3, 5.4; RFC 2617 3.2.1): the
 * nonce carries its issue time and random bits, authenticated by a MAC
 * over them and the realm, so checking one needs no per-challenge state.
 *
 * Layout before base64url (RFC 4648 5, no padding): 8 bytes issue time in
 * ms (big-endian), 8 random bytes, the 16-byte SipHash-2-4-128 of (time |
 * random | realm) keyed with the secret: 32 bytes, 43 characters.
 *
 * The MAC is SipHash, a PRF built for authenticating short inputs (Linux
 * signs its TCP SYN cookies with it), not HMAC-SHA256: one nonce MAC went
 * from about 5,500 instructions through OpenSSL's EVP_MAC to about 300,
 * and every digest-authenticated request takes two (the challenge's and
 * the check's). The 256-bit secret is folded to SipHash's 128-bit key by
 * XOR of its halves, so every secret bit keys the MAC.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "tz/tz_digest.h"
#include "tz/tz_siphash.h"
#include "auth_int.h"

#define RAW_LEN 32
#define MAC_LEN 16
#define B64_LEN 43 /* ceil(32 * 8 / 6) */

/* a nonce from the future by more than this is not ours */
#define FUTURE_SLACK_MS 1000

static const char b64u[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void mac(const uint8_t secret[TZ_DIGEST_SECRET_LEN], const uint8_t *tr,
                const char *realm, size_t realmlen, uint8_t out[MAC_LEN])
{
	struct tz_siphash h;

	tz_siphash_init(&h, tz_le64(secret) ^ tz_le64(secret + 16),
	                tz_le64(secret + 8) ^ tz_le64(secret + 24), 1);
	tz_siphash_update(&h, tr, 16);
	tz_siphash_update(&h, realm, realmlen);
	tz_siphash_final128(&h, out);
}

static void b64u_encode(const uint8_t raw[RAW_LEN], char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 3 <= RAW_LEN; i += 3) {
		uint32_t v = (uint32_t)raw[i] << 16 |
		             (uint32_t)raw[i + 1] << 8 | raw[i + 2];
		out[o++] = b64u[v >> 18];
		out[o++] = b64u[(v >> 12) & 63];
		out[o++] = b64u[(v >> 6) & 63];
		out[o++] = b64u[v & 63];
	}
	/* 32 = 10 * 3 + 2: two bytes left, three characters */
	{
		uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8;
		out[o++] = b64u[v >> 18];
		out[o++] = b64u[(v >> 12) & 63];
		out[o++] = b64u[(v >> 6) & 63];
	}
	out[o] = 0;
}

static int b64u_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

static int b64u_decode(const char *in, uint8_t raw[RAW_LEN])
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < B64_LEN; i++) {
		int v = b64u_val(in[i]);

		if (v < 0)
			return -EINVAL;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			raw[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* one spelling per nonce: the two bits left over must be zero, or
	 * several strings would carry the same nonce */
	return o == RAW_LEN && acc == 0 ? 0 : -EINVAL;
}

int tz_nonce_make(const uint8_t secret[TZ_DIGEST_SECRET_LEN], uint64_t now_ms,
                  const char *realm, size_t realmlen, char out[TZ_NONCE_LEN])
{
	uint8_t raw[RAW_LEN];
	int err;

	for (int i = 0; i < 8; i++)
		raw[i] = (uint8_t)(now_ms >> (56 - 8 * i));
	/* RFC7616 5.12: server nonces must be unpredictable */
	err = auth_random(raw + 8, 8);
	if (err)
		return err;
	mac(secret, raw, realm, realmlen, raw + 16);
	b64u_encode(raw, out);
	return 0;
}

int tz_auth_nonce_parse(const uint8_t secret[TZ_DIGEST_SECRET_LEN],
                        const char *nonce, size_t len, const char *realm,
                        size_t realmlen, uint64_t now_ms, uint64_t lifetime_ms,
                        uint64_t *issued_ms)
{
	uint8_t raw[RAW_LEN], want[MAC_LEN];
	uint64_t t = 0;

	if (len != B64_LEN || b64u_decode(nonce, raw))
		return -EINVAL;
	mac(secret, raw, realm, realmlen, want);
	if (CRYPTO_memcmp(want, raw + 16, MAC_LEN) != 0)
		return -EINVAL;
	for (int i = 0; i < 8; i++)
		t = t << 8 | raw[i];
	if (t > now_ms + FUTURE_SLACK_MS)
		return -EINVAL;
	*issued_ms = t;
	/* RFC7616 3.3: an expired nonce of ours is stale, not wrong */
	if (now_ms > t && now_ms - t > lifetime_ms)
		return -ESTALE;
	return 0;
}

int tz_nonce_check(const uint8_t secret[TZ_DIGEST_SECRET_LEN],
                   const char *nonce, size_t len, const char *realm,
                   size_t realmlen, uint64_t now_ms, uint64_t lifetime_ms)
{
	uint64_t issued;

	return tz_auth_nonce_parse(secret, nonce, len, realm, realmlen, now_ms,
	                           lifetime_ms, &issued);
}
