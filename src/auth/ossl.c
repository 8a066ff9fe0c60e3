/*
 * ossl.c  The OpenSSL objects the digest code uses on every request,
 * made once instead of per call: the message digests fetched once per
 * process (OpenSSL 3 otherwise looks a legacy EVP_md5() up in its
 * provider tables at every EVP_DigestInit_ex), per thread one digest
 * context, and random bytes drawn from RAND_bytes 512 at a time (each call
 * takes the DRBG's lock; the bytes stay as unpredictable). Per-thread state is
 * freed when its thread exits; it lives outside tz_malloc (plain calloc) since
 * it outlives every caller's accounting.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "auth_int.h"

struct auth_tls {
	EVP_MD_CTX *md;
	size_t rnd_left;  /* unused bytes at the end of rnd */
	uint8_t rnd[512]; /* from RAND_bytes, handed out in order */
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t tls_key;
static bool tls_ok;
static EVP_MD *mds[3]; /* MD5, SHA-256, SHA-512/256 */

static void tls_free(void *p)
{
	struct auth_tls *t = p;

	EVP_MD_CTX_free(t->md);
	OPENSSL_cleanse(t, sizeof(*t));
	free(t);
}

static void init(void)
{
	static const char *const names[3] = {"MD5", "SHA256", "SHA512-256"};

	for (int i = 0; i < 3; i++)
		mds[i] = EVP_MD_fetch(NULL, names[i], NULL);
	tls_ok = pthread_key_create(&tls_key, tls_free) == 0;
}

const EVP_MD *auth_md(enum tz_digest_alg base)
{
	pthread_once(&once, init);
	switch (base) {
	case TZ_DIGEST_MD5:
		return mds[0];
	case TZ_DIGEST_SHA256:
		return mds[1];
	case TZ_DIGEST_SHA512_256:
		return mds[2];
	default:
		return NULL;
	}
}

/* This thread's contexts, made on first use; NULL without memory. */
static struct auth_tls *tls(void)
{
	struct auth_tls *t;

	pthread_once(&once, init);
	if (!tls_ok)
		return NULL;
	t = pthread_getspecific(tls_key);
	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->md = EVP_MD_CTX_new();
	if (!t->md || pthread_setspecific(tls_key, t) != 0) {
		tls_free(t);
		return NULL;
	}
	return t;
}

EVP_MD_CTX *auth_md_ctx(void)
{
	struct auth_tls *t = tls();

	return t ? t->md : NULL;
}

int auth_random(uint8_t *out, size_t n)
{
	struct auth_tls *t = tls();

	if (!t)
		return -ENOMEM;
	if (n > sizeof(t->rnd))
		return RAND_bytes(out, (int)n) == 1 ? 0 : -EIO;
	if (t->rnd_left < n) {
		if (RAND_bytes(t->rnd, sizeof(t->rnd)) != 1)
			return -EIO;
		t->rnd_left = sizeof(t->rnd);
	}
	memcpy(out, t->rnd + sizeof(t->rnd) - t->rnd_left, n);
	OPENSSL_cleanse(t->rnd + sizeof(t->rnd) - t->rnd_left, n);
	t->rnd_left -= n;
	return 0;
}
