/*
 * hv_auth.c  Authorization, Proxy-Authorization, WWW-Authenticate and
 * Proxy-Authenticate values (RFC 3261 20.7, 20.27, 20.28, 20.44 and 25.1
 * credentials / challenge; RFC 7616 3.3, 3.4 Digest with SHA-256,
 * username* and userhash; RFC 7235 2.1 auth-param syntax).
 */
#include <errno.h>
#include <stddef.h>
#include <strings.h>

#include "tz/tz_hval.h"
#include "chars.h"

/* The digest parameters we decode, and where each goes; off 0 (that of
 * the scheme, never a parameter) means the value is decoded, not kept. */
static const struct {
	const char *name;
	uint32_t flag;
	size_t off;
} known[] = {
        {"username", TZ_AUTH_USERNAME, offsetof(struct tz_auth, username)},
        {"username*", TZ_AUTH_USERNAME_STAR,
         offsetof(struct tz_auth, username_star)},
        {"realm", TZ_AUTH_REALM, offsetof(struct tz_auth, realm)},
        {"nonce", TZ_AUTH_NONCE, offsetof(struct tz_auth, nonce)},
        {"uri", TZ_AUTH_URI, offsetof(struct tz_auth, uri)},
        {"response", TZ_AUTH_RESPONSE, offsetof(struct tz_auth, response)},
        {"algorithm", TZ_AUTH_ALGORITHM, offsetof(struct tz_auth, algorithm)},
        {"cnonce", TZ_AUTH_CNONCE, offsetof(struct tz_auth, cnonce)},
        {"opaque", TZ_AUTH_OPAQUE, offsetof(struct tz_auth, opaque)},
        {"qop", TZ_AUTH_QOP, offsetof(struct tz_auth, qop)},
        {"nc", TZ_AUTH_NC, offsetof(struct tz_auth, nc)},
        {"userhash", TZ_AUTH_USERHASH, 0},
        {"stale", TZ_AUTH_STALE, 0},
        {"domain", TZ_AUTH_DOMAIN, offsetof(struct tz_auth, domain)},
};

/* RFC7616 6.1: the Hash Algorithms for HTTP Digest Authentication registry
 * (case-insensitive, as tokens are) plus RFC 3261's MD5 and MD5-sess. */
static const struct {
	const char *name;
	enum tz_digest_alg alg;
} algs[] = {
        {"MD5", TZ_DIGEST_MD5},
        {"MD5-sess", TZ_DIGEST_MD5_SESS},
        {"SHA-256", TZ_DIGEST_SHA256},
        {"SHA-256-sess", TZ_DIGEST_SHA256_SESS},
        {"SHA-512-256", TZ_DIGEST_SHA512_256},
        {"SHA-512-256-sess", TZ_DIGEST_SHA512_256_SESS},
};

static bool all_hex(const char *b, struct tz_span v)
{
	return v.len > 0 &&
	       skip_cls(b, v.off, v.off + v.len, C_HEX) == v.off + v.len;
}

/* "true" / "false" (RFC 3261 25.1 stale; RFC 7616 3.4 userhash) */
static int boolean(const char *b, struct tz_span v, bool *out)
{
	if (tz_span_eqi(b, v, "true"))
		*out = true;
	else if (tz_span_eqi(b, v, "false"))
		*out = false;
	else
		return -EBADMSG;
	return 0;
}

/* A qop value: one qop-value in credentials; in a challenge (RFC3261 25.1
 * qop-options) a list: qop-value *("," qop-value), LWS tolerated. */
static int qop_list(struct tz_auth *a, const char *b, struct tz_span v,
                    bool list)
{
	uint32_t p = v.off, end = v.off + v.len, e;

	for (;;) {
		p = skip_lws(b, p, end);
		e = skip_cls(b, p, end, C_TOKEN);
		if (e == p)
			return -EBADMSG;
		if (tz_span_eqi(b, (struct tz_span){p, e - p}, "auth"))
			a->qops |= TZ_QOP_AUTH;
		else if (tz_span_eqi(b, (struct tz_span){p, e - p}, "auth-int"))
			a->qops |= TZ_QOP_AUTH_INT;
		else
			a->qops |= TZ_QOP_OTHER;
		p = skip_lws(b, e, end);
		if (p >= end)
			return 0;
		if (!list || b[p] != ',')
			return -EBADMSG;
		p++;
	}
}

/* Check and decode a known parameter whose span is already stored. */
static int known_param(struct tz_auth *a, const char *b, uint32_t flag,
                       struct tz_span v, bool quoted, bool challenge)
{
	size_t i;

	switch (flag) {
	case TZ_AUTH_USERNAME_STAR:
		/* RFC7616 3.4.4: username* = ext-value (RFC 8187 3.2.1:
		 * charset "'" [ language ] "'" value-chars), never quoted */
		if (quoted || !memchr(b + v.off, '\'', v.len))
			return -EBADMSG;
		return 0;
	case TZ_AUTH_RESPONSE:
		/* RFC7616 3.4: request-digest = DQUOTE *LHEX DQUOTE; upper
		 * case hex is tolerated, the comparison is the caller's */
		return all_hex(b, v) ? 0 : -EBADMSG;
	case TZ_AUTH_NC:
		/* RFC3261 25.1: nc-value = 8LHEX */
		if (v.len != 8 || !all_hex(b, v))
			return -EBADMSG;
		a->nc_value = 0;
		for (i = 0; i < 8; i++) {
			char c = b[v.off + i];
			a->nc_value =
			        a->nc_value << 4 |
			        (uint32_t)(c <= '9' ? c - '0'
			                            : (c | 0x20) - 'a' + 10);
		}
		return 0;
	case TZ_AUTH_ALGORITHM:
		if (!tz_span_is_token(b, v))
			return -EBADMSG;
		a->alg = TZ_DIGEST_ALG_OTHER;
		for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
			if (tz_span_eqi(b, v, algs[i].name))
				a->alg = algs[i].alg;
		return 0;
	case TZ_AUTH_QOP:
		return qop_list(a, b, v, challenge);
	case TZ_AUTH_USERHASH:
		return boolean(b, v, &a->userhash);
	case TZ_AUTH_STALE:
		return boolean(b, v, &a->stale);
	default:
		return 0;
	}
}

static int auth_param(struct tz_auth *a, const char *b, struct tz_span name,
                      struct tz_span raw, bool challenge)
{
	struct tz_span v = tz_span_unquote(b, raw);
	bool quoted = v.len != raw.len;
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (!tz_span_eqi(b, name, known[i].name))
			continue;
		/* RFC7616 3.4: a parameter occurs at most once */
		if (a->has & known[i].flag)
			return -EBADMSG;
		a->has |= known[i].flag;
		if (known[i].off)
			*(struct tz_span *)((char *)a + known[i].off) = v;
		return known_param(a, b, known[i].flag, v, quoted, challenge);
	}
	/* RFC3261 25.1: auth-param, kept as written */
	for (i = 0; i < a->nother; i++)
		if (a->other[i].name.len == name.len &&
		    strncasecmp(b + a->other[i].name.off, b + name.off,
		                name.len) == 0)
			return -EBADMSG;
	if (a->nother >= TZ_AUTH_OTHER_MAX)
		return -EOVERFLOW;
	a->other[a->nother++] = (struct tz_param){name, raw, true};
	return 0;
}

static int auth_decode(struct tz_auth *a, const char *b, struct tz_span value,
                       bool challenge)
{
	uint32_t end = value.off + value.len;
	uint32_t p = skip_lws(b, value.off, end), e, v, ve;
	int err;

	memset(a, 0, sizeof(*a));
	/* RFC3261 25.1: credentials = ("Digest" LWS digest-response) /
	 * other-response; challenge = ("Digest" LWS digest-cln *(COMMA
	 * digest-cln)) / other-challenge; auth-scheme = token */
	e = skip_cls(b, p, end, C_TOKEN);
	if (e == p)
		return -EBADMSG;
	a->scheme = tz_span_of(b, b + p, b + e);
	p = skip_lws(b, e, end);
	if (p < end && p == e)
		return -EBADMSG;
	a->params = tz_span_of(b, b + p, b + end);
	a->digest = tz_span_eqi(b, a->scheme, "Digest");
	/* RFC 4475 3.3.7: another scheme is kept whole, unparsed */
	if (!a->digest)
		return 0;
	if (p >= end)
		return -EBADMSG;
	for (;;) {
		/* RFC7235 2.1: auth-param = token BWS "=" BWS ( token /
		 * quoted-string ) */
		e = skip_cls(b, p, end, C_TOKEN);
		if (e == p)
			return -EBADMSG;
		v = skip_lws(b, e, end);
		if (v >= end || b[v] != '=')
			return -EBADMSG;
		v = skip_lws(b, v + 1, end);
		if (v < end && b[v] == '"')
			ve = tz_skip_quoted(b, v, end);
		else
			ve = skip_cls(b, v, end, C_TOKEN);
		if (ve == 0 || ve == v)
			return -EBADMSG;
		err = auth_param(a, b, tz_span_of(b, b + p, b + e),
		                 tz_span_of(b, b + v, b + ve), challenge);
		if (err)
			return err;
		/* RFC3261 25.1: dig-resp *(COMMA dig-resp) */
		p = skip_lws(b, ve, end);
		if (p >= end)
			break;
		if (b[p] != ',')
			return -EBADMSG;
		p = skip_lws(b, p + 1, end);
	}
	/* RFC7616 3.4.4: username and username* are mutually exclusive */
	if ((a->has & TZ_AUTH_USERNAME) && (a->has & TZ_AUTH_USERNAME_STAR))
		return -EBADMSG;
	return 0;
}

int tz_credentials_decode(struct tz_auth *out, const char *base,
                          struct tz_span value)
{
	return auth_decode(out, base, value, false);
}

int tz_challenge_decode(struct tz_auth *out, const char *base,
                        struct tz_span value)
{
	return auth_decode(out, base, value, true);
}
