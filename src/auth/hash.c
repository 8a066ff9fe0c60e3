/*
 * hash.c  The digest hashes (RFC 7616 3.4.2, RFC 2617 3.2.2.2): MD5 by
 * md5.c, SHA-256 and SHA-512/256 through OpenSSL's EVP interface.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth_int.h"
#include "tz/tz_digest.h"

enum tz_digest_alg tz_digest_base(enum tz_digest_alg alg)
{
	switch (alg) {
	case TZ_DIGEST_ALG_NONE: /* RFC 7616 3.3: absent means MD5 */
	case TZ_DIGEST_MD5:
	case TZ_DIGEST_MD5_SESS:
		return TZ_DIGEST_MD5;
	case TZ_DIGEST_SHA256:
	case TZ_DIGEST_SHA256_SESS:
		return TZ_DIGEST_SHA256;
	case TZ_DIGEST_SHA512_256:
	case TZ_DIGEST_SHA512_256_SESS:
		return TZ_DIGEST_SHA512_256;
	default:
		return TZ_DIGEST_ALG_OTHER;
	}
}

/* @p d in lowercase hex (RFC 7616 3.4.2), terminated. */
static void to_hex(const unsigned char *d, unsigned int dlen, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (unsigned int i = 0; i < dlen; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * dlen] = 0;
}

/* MD5 by md5.c: the EVP layer cost more than the hash */
static void md5_parts(const struct auth_part *parts, size_t n,
                      char out[TZ_DIGEST_HEX])
{
	struct auth_md5 m;
	unsigned char d[16];

	auth_md5_init(&m);
	for (size_t i = 0; i < n; i++) {
		if (i)
			auth_md5_update(&m, ":", 1);
		auth_md5_update(&m, parts[i].p, parts[i].len);
	}
	auth_md5_final(&m, d);
	to_hex(d, 16, out);
}

int auth_hash_parts(enum tz_digest_alg alg, const struct auth_part *parts,
                    size_t n, char out[TZ_DIGEST_HEX])
{
	const EVP_MD *md;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	EVP_MD_CTX *ctx;
	int ok;

	if (tz_digest_base(alg) == TZ_DIGEST_MD5) {
		md5_parts(parts, n, out);
		return 0;
	}
	md = auth_md(tz_digest_base(alg));
	if (!md)
		return tz_digest_base(alg) == TZ_DIGEST_ALG_OTHER ? -EINVAL
		                                                  : -ENOMEM;
	ctx = auth_md_ctx();
	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, md, NULL);
	for (size_t i = 0; ok && i < n; i++) {
		if (i)
			ok = EVP_DigestUpdate(ctx, ":", 1);
		if (ok)
			ok = EVP_DigestUpdate(ctx, parts[i].p, parts[i].len);
	}
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, d, &dlen);
	if (!ok || dlen * 2 + 1 > TZ_DIGEST_HEX)
		return -ENOMEM;
	to_hex(d, dlen, out);
	return 0;
}

int tz_digest_hash(enum tz_digest_alg alg, const void *data, size_t len,
                   char out[TZ_DIGEST_HEX])
{
	struct auth_part p = {data, len};

	return auth_hash_parts(alg, &p, 1, out);
}

int tz_digest_ha1(enum tz_digest_alg alg, const char *user, const char *realm,
                  const char *password, char out[TZ_DIGEST_HEX])
{
	struct auth_part parts[3];

	if (!user || !realm || !password)
		return -EINVAL;
	parts[0] = (struct auth_part){user, strlen(user)};
	parts[1] = (struct auth_part){realm, strlen(realm)};
	parts[2] = (struct auth_part){password, strlen(password)};
	return auth_hash_parts(alg, parts, 3, out);
}
