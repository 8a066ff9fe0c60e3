/*
 * response.c  The request-digest a client sends in "response" (RFC 7616
 * 3.4.1, RFC 2617 3.2.2.1), computed from the stored HA1 so the server
 * never needs the password; -sess session keys (RFC 7616 3.4.2).
 */
#include <errno.h>
#include <string.h>

#include "auth_int.h"
#include "tz/tz_digest.h"

/* H(p[0] ":" p[1] ":" ... ) of C strings (at most 6). */
static int hash_join(enum tz_digest_alg base, const char *const *p, size_t n,
                     char out[TZ_DIGEST_HEX])
{
	struct auth_part parts[6];

	if (n > 6)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		parts[i] = (struct auth_part){p[i], strlen(p[i])};
	return auth_hash_parts(base, parts, n, out);
}

static size_t hex_len(enum tz_digest_alg base)
{
	return base == TZ_DIGEST_MD5 ? 32 : 64;
}

static bool is_sess(enum tz_digest_alg alg)
{
	return alg == TZ_DIGEST_MD5_SESS || alg == TZ_DIGEST_SHA256_SESS ||
	       alg == TZ_DIGEST_SHA512_256_SESS;
}

int tz_digest_response(const struct tz_digest_in *in, char out[TZ_DIGEST_HEX])
{
	enum tz_digest_alg base = tz_digest_base(in->alg);
	char ha1[TZ_DIGEST_HEX], ha2[TZ_DIGEST_HEX];
	const char *p[6];
	size_t n;
	int err;

	if (base == TZ_DIGEST_ALG_OTHER || !in->ha1 || !in->nonce ||
	    !in->method || !in->uri)
		return -EINVAL;
	/* the stored HA1 goes into the hash as text: RFC7616 3.4.2 writes it
	 * in lowercase hex, whatever case the store kept */
	n = strlen(in->ha1);
	if (n != hex_len(base))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = in->ha1[i];

		if (c >= 'A' && c <= 'F')
			c |= 0x20;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -EINVAL;
		ha1[i] = c;
	}
	ha1[n] = 0;
	if (in->qop) {
		/* RFC7616 3.4.3: auth-int would need H(entity-body), which is
		 * not an input here */
		if (strcmp(in->qop, "auth") != 0 || !in->nc || !in->cnonce)
			return -EINVAL;
	}
	if (is_sess(in->alg)) {
		/* RFC7616 3.4.2: for -sess, A1 = H(user:realm:password) ":"
		 * nonce ":" cnonce, so HA1' = H(HA1:nonce:cnonce) */
		if (!in->cnonce)
			return -EINVAL;
		p[0] = ha1;
		p[1] = in->nonce;
		p[2] = in->cnonce;
		err = hash_join(base, p, 3, ha1);
		if (err)
			return err;
	}
	/* RFC7616 3.4.3: A2 = Method ":" request-uri for qop auth or none */
	p[0] = in->method;
	p[1] = in->uri;
	err = hash_join(base, p, 2, ha2);
	if (err)
		return err;
	p[0] = ha1;
	p[1] = in->nonce;
	if (in->qop) {
		/* RFC7616 3.4.1: response = KD(H(A1), unq(nonce) ":" nc ":"
		 * unq(cnonce) ":" unq(qop) ":" H(A2)) */
		p[2] = in->nc;
		p[3] = in->cnonce;
		p[4] = in->qop;
		p[5] = ha2;
		return hash_join(base, p, 6, out);
	}
	/* RFC2617 3.2.2.1: without qop, KD(H(A1), unq(nonce) ":" H(A2)) */
	p[2] = ha2;
	return hash_join(base, p, 3, out);
}
