/*
 * check.c  Checking a request's digest credentials (RFC 3261 22.3, 22.4;
 * RFC 7616 3.4; RFC 2617 3.2.2): pick the Authorization or
 * Proxy-Authorization fields for our realm, refuse throttled keys, then
 * per field the syntax, the algorithm, the nonce, the password (as HA1)
 * and the nonce-count, in that order.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include <netinet/in.h>
#include <openssl/crypto.h>

#include "tz/tz_arena.h"
#include "auth_int.h"

/* fields for one realm looked at per request: each is a password guess,
 * so an attacker gets this many per request at most */
#define MAX_TRIES 4

/* room for a username in struct tz_auth_result, NUL included */
#define USER_CAP sizeof(((struct tz_auth_result *)NULL)->user)

/* the outcome for one field */
struct outcome {
	enum tz_auth_verdict verdict;
	const char *why;
	bool wrong; /* a password failure: counts for throttling */
};

/* one field for our realm */
struct field {
	struct tz_auth a;
	const char *user;     /* unescaped; NULL when unusable */
	const char *user_why; /* why it is unusable */
	bool wrong;           /* its password failed: a counted failure */
	unsigned char *ukey;  /* its throttling key (with throttling on) */
	size_t uklen;
};

struct ctx {
	struct tz_auth_server *as;
	struct tz_msg *m;
	const char *realm;
	size_t rlen;
	struct tz_auth_conf c;
	tz_ha1_lookup_h *lookup;
	void *arg;
	uint64_t now;
};

/* A quoted value unescaped into the arena. -EBADMSG when malformed or
 * holding a NUL (it would cut the C string short: "a\0b" must not check
 * as "a"); -ENOMEM. */
static int unq(struct tz_msg *m, struct tz_span s, const char **out,
               size_t *lenp)
{
	char *p = tz_arena_alloc(m->arena, (size_t)s.len + 1);
	size_t n;
	int err;

	if (!p)
		return -ENOMEM;
	err = tz_qstr_unescape(p, (size_t)s.len + 1, &n, m->buf, s);
	if (err)
		return err == -EOVERFLOW ? -EBADMSG : err;
	if (memchr(p, 0, n))
		return -EBADMSG;
	*out = p;
	if (lenp)
		*lenp = n;
	return 0;
}

static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* past the quoted-string at p (on its DQUOTE), or end if unterminated */
static uint32_t skip_quoted(const char *b, uint32_t p, uint32_t end)
{
	for (p++; p < end; p++) {
		if (b[p] == '\\')
			p++;
		else if (b[p] == '"')
			return p + 1;
	}
	return end;
}

/* past a token or quoted-string value at p */
static uint32_t skip_value(const char *b, uint32_t p, uint32_t end)
{
	if (p < end && b[p] == '"')
		return skip_quoted(b, p, end);
	while (p < end && b[p] != ',' && !is_lws(b[p]))
		p++;
	return p;
}

/* Whether another scheme's raw parameters name our realm (RFC7235 2.1:
 * auth-param = token BWS "=" BWS ( token / quoted-string ), separated by
 * commas; token68 forms have no realm). */
static int other_scheme_is_ours(struct ctx *x, struct tz_span params,
                                bool *ours)
{
	const char *b = x->m->buf, *r;
	uint32_t p = params.off, end = params.off + params.len, n, ne, v;
	size_t len;
	int err;

	*ours = false;
	while (p < end) {
		while (p < end && (is_lws(b[p]) || b[p] == ','))
			p++;
		n = p;
		while (p < end && b[p] != '=' && b[p] != ',' && !is_lws(b[p]))
			p++;
		ne = p;
		if (ne == n) {
			p++; /* a stray '=': step over it */
			continue;
		}
		while (p < end && is_lws(b[p]))
			p++;
		if (p >= end || b[p] != '=')
			continue;
		for (p++; p < end && is_lws(b[p]); p++)
			;
		v = p;
		p = skip_value(b, v, end);
		if (ne - n != 5 || strncasecmp(b + n, "realm", 5) != 0)
			continue;
		err = unq(x->m, (struct tz_span){v, p - v}, &r, &len);
		if (err == -ENOMEM)
			return err;
		*ours = !err && len == x->rlen && memcmp(r, x->realm, len) == 0;
		return 0;
	}
	return 0;
}

/* The username of a field: username (quoted), or username* (RFC7616
 * 3.4.4, RFC8187 3.2.1: charset "'" [ language ] "'" value-chars), of
 * which UTF-8 is taken. Sets f->user or f->user_why; -ENOMEM. */
static int field_user(struct ctx *x, struct field *f)
{
	struct tz_span s = f->a.username_star;
	const char *b = x->m->buf, *q1, *q2;
	size_t n;
	char *u;
	int err;

	if (f->a.has & TZ_AUTH_USERNAME) {
		err = unq(x->m, f->a.username, &f->user, &n);
		if (err == -ENOMEM)
			return err;
		if (err)
			f->user_why = "malformed username";
	} else if (f->a.has & TZ_AUTH_USERNAME_STAR) {
		q1 = memchr(b + s.off, '\'', s.len);
		q2 = q1 ? memchr(q1 + 1, '\'',
		                 s.len - (size_t)(q1 + 1 - (b + s.off)))
		        : NULL;
		if (!q2) {
			f->user_why = "malformed username*";
			return 0;
		}
		if (q1 - (b + s.off) != 5 ||
		    strncasecmp(b + s.off, "UTF-8", 5)) {
			f->user_why = "unsupported username* charset";
			return 0;
		}
		u = tz_arena_alloc(x->m->arena, s.len + 1);
		if (!u)
			return -ENOMEM;
		err = tz_pct_unescape(u, s.len + 1, &n, b,
		                      tz_span_of(b, q2 + 1, b + s.off + s.len));
		if (err || memchr(u, 0, n))
			f->user_why = "malformed username*";
		else
			f->user = u;
	} else {
		f->user_why = "missing username";
	}
	if (f->user && strlen(f->user) >= USER_CAP) {
		f->user = NULL;
		f->user_why = "username too long";
	}
	if (f->user && !*f->user) {
		f->user = NULL;
		f->user_why = "empty username";
	}
	return 0;
}

/* Throttling key of username@realm: "u" user NUL realm (NUL: neither
 * holds one, so two pairs never share a key). */
static int user_key(struct ctx *x, const char *user, unsigned char **kp,
                    size_t *klen)
{
	size_t ul = strlen(user);
	unsigned char *k = tz_arena_alloc(x->m->arena, 2 + ul + x->rlen);

	if (!k)
		return -ENOMEM;
	k[0] = 'u';
	memcpy(k + 1, user, ul);
	k[1 + ul] = 0;
	memcpy(k + 2 + ul, x->realm, x->rlen);
	*kp = k;
	*klen = 2 + ul + x->rlen;
	return 0;
}

/* Throttling key of a source address: "a" family address; an IPv6
 * address by its /64, the smallest prefix of a link, so that one host
 * cannot spread its guesses over its many addresses. 0 when none. */
static size_t src_key(const struct sockaddr *sa, unsigned char k[18])
{
	if (!sa)
		return 0;
	k[0] = 'a';
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		k[1] = 4;
		memcpy(k + 2, &in->sin_addr, 4);
		return 6;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			k[1] = 4;
			memcpy(k + 2, in6->sin6_addr.s6_addr + 12, 4);
			return 6;
		}
		k[1] = 6;
		memcpy(k + 2, in6->sin6_addr.s6_addr, 8);
		return 10;
	}
	return 0;
}

static struct outcome verdict(enum tz_auth_verdict v, const char *why)
{
	return (struct outcome){v, why, false};
}

static bool offered(const struct tz_auth_conf *c, enum tz_digest_alg alg)
{
	switch (alg) {
	case TZ_DIGEST_ALG_NONE:
	case TZ_DIGEST_MD5:
	case TZ_DIGEST_MD5_SESS:
		return c->offer_md5;
	case TZ_DIGEST_SHA256:
	case TZ_DIGEST_SHA256_SESS:
		return c->offer_sha256;
	default:
		return false; /* SHA-512-256: the store keeps no such HA1 */
	}
}

static bool is_sess(enum tz_digest_alg alg)
{
	return alg == TZ_DIGEST_MD5_SESS || alg == TZ_DIGEST_SHA256_SESS ||
	       alg == TZ_DIGEST_SHA512_256_SESS;
}

/* The verdict on one field; *err set on -ENOMEM or a lookup error. */
static struct outcome check_field(struct ctx *x, struct field *f, int *err)
{
	const struct tz_auth *a = &f->a;
	const char *b = x->m->buf, *uri, *nonce, *cnonce = NULL;
	char ha1[TZ_DIGEST_HEX], want[TZ_DIGEST_HEX], got[TZ_DIGEST_HEX];
	char nc[9], *method;
	struct tz_digest_in in;
	enum tz_digest_alg base;
	size_t urilen, noncelen;
	uint64_t issued = 0;
	bool known, stale = false, qop = a->has & TZ_AUTH_QOP;
	int e;

	*err = 0;
	/* RFC7616 3.4: username, realm, nonce, uri and response are
	 * required; with qop, cnonce and nc too */
	if (!f->user)
		return verdict(TZ_VERDICT_BAD, f->user_why);
	if (!(a->has & TZ_AUTH_NONCE))
		return verdict(TZ_VERDICT_BAD, "missing nonce");
	if (!(a->has & TZ_AUTH_URI))
		return verdict(TZ_VERDICT_BAD, "missing uri");
	if (!(a->has & TZ_AUTH_RESPONSE))
		return verdict(TZ_VERDICT_BAD, "missing response");
	if (qop && !(a->has & TZ_AUTH_NC))
		return verdict(TZ_VERDICT_BAD, "qop without nc");
	if (qop && !(a->has & TZ_AUTH_CNONCE))
		return verdict(TZ_VERDICT_BAD, "qop without cnonce");
	if (is_sess(a->alg) && !(a->has & TZ_AUTH_CNONCE))
		return verdict(TZ_VERDICT_BAD, "-sess without cnonce");
	e = unq(x->m, a->uri, &uri, &urilen);
	if (e == -ENOMEM)
		goto nomem;
	if (e)
		return verdict(TZ_VERDICT_BAD, "malformed uri");
	/* RFC2617 3.2.2.5: the digest-uri must name the Request-URI, else
	 * 400; compared as text, as the client hashed it */
	if (urilen != x->m->ruri.len ||
	    memcmp(uri, b + x->m->ruri.off, urilen) != 0)
		return verdict(TZ_VERDICT_BAD,
		               "digest-uri differs from Request-URI");
	e = unq(x->m, a->nonce, &nonce, &noncelen);
	if (e == -ENOMEM)
		goto nomem;
	if (e)
		return verdict(TZ_VERDICT_BAD, "malformed nonce");
	if (a->has & TZ_AUTH_CNONCE) {
		e = unq(x->m, a->cnonce, &cnonce, NULL);
		if (e == -ENOMEM)
			goto nomem;
		if (e)
			return verdict(TZ_VERDICT_BAD, "malformed cnonce");
	}
	/* RFC7616 3.3: an algorithm we did not offer is answered with a new
	 * challenge listing those we support */
	if (!offered(&x->c, a->alg))
		return verdict(TZ_VERDICT_FAILED, "unsupported algorithm");
	/* RFC7616 3.4.3: auth-int needs the body hashed; we offer auth only */
	if (qop && a->qops != TZ_QOP_AUTH)
		return verdict(TZ_VERDICT_FAILED, "unsupported qop");
	/* RFC7616 3.4.4: userhash only when the server offered it; we do not */
	if (a->userhash)
		return verdict(TZ_VERDICT_FAILED, "unsupported userhash");
	e = tz_auth_nonce_parse(x->c.secret, nonce, noncelen, x->realm, x->rlen,
	                        x->now, x->c.nonce_lifetime_ms, &issued);
	if (e == -ENOMEM)
		goto nomem;
	if (e == -ESTALE)
		stale = true;
	else if (e)
		return verdict(TZ_VERDICT_FAILED, "unknown nonce");
	base = tz_digest_base(a->alg);
	e = x->lookup(x->arg, f->user, x->realm, base, ha1);
	known = e == 0;
	if (e && e != -ENOENT) {
		*err = e;
		return verdict(TZ_VERDICT_FAILED, "lookup failed");
	}
	/* an unknown user costs the same hashing as a wrong password: the
	 * time taken does not tell which */
	if (!known) {
		memset(ha1, '0', base == TZ_DIGEST_MD5 ? 32 : 64);
		ha1[base == TZ_DIGEST_MD5 ? 32 : 64] = 0;
	}
	if (qop) {
		memcpy(nc, b + a->nc.off, 8);
		nc[8] = 0;
	}
	/* RFC7616 3.4.3: A2 takes the method of the request */
	method = tz_arena_alloc(x->m->arena, x->m->method.len + 1);
	if (!method)
		goto nomem;
	memcpy(method, b + x->m->method.off, x->m->method.len);
	in = (struct tz_digest_in){
	        .alg = a->alg,
	        .ha1 = ha1,
	        .nonce = nonce,
	        .cnonce = cnonce,
	        .nc = qop ? nc : NULL,
	        .qop = qop ? "auth" : NULL,
	        .method = method,
	        .uri = uri,
	};
	e = tz_digest_response(&in, want);
	OPENSSL_cleanse(ha1, sizeof(ha1));
	if (e == -ENOMEM)
		goto nomem;
	if (e) {
		/* the store handed back something that is not an HA1 */
		*err = e;
		return verdict(TZ_VERDICT_FAILED, "bad stored HA1");
	}
	/* RFC7616 3.4.1: the response is hex; compare lowercased, in
	 * constant time (the length is no secret) */
	if (a->response.len != strlen(want)) {
		known = false;
	} else {
		for (size_t i = 0; i < a->response.len; i++) {
			char c = b[a->response.off + i];

			got[i] = (char)(c >= 'A' && c <= 'F' ? c | 0x20 : c);
		}
		if (CRYPTO_memcmp(got, want, a->response.len) != 0)
			known = false;
	}
	if (!known)
		return (struct outcome){TZ_VERDICT_FAILED, "wrong credentials",
		                        true};
	/* RFC7616 3.3: the password was right, only the nonce is old */
	if (stale)
		return verdict(TZ_VERDICT_STALE, "stale nonce");
	e = tz_auth_nc_use(&x->as->nc, nonce, noncelen, issued, qop,
	                   a->nc_value, x->c.nonce_lifetime_ms, x->now);
	if (e == -EALREADY)
		return verdict(TZ_VERDICT_FAILED, "nonce-count replayed");
	if (e == -ESTALE)
		return verdict(TZ_VERDICT_STALE, "stale nonce");
	if (e)
		goto nomem;
	return verdict(TZ_VERDICT_OK, "authenticated");
nomem:
	*err = -ENOMEM;
	return verdict(TZ_VERDICT_FAILED, "out of memory");
}

static void throttled(struct tz_auth_result *res, uint64_t left_ms)
{
	uint64_t s = (left_ms + 999) / 1000;

	res->verdict = TZ_VERDICT_THROTTLED;
	res->why = "too many failures";
	res->retry_after = s > 0xffffffffu ? 0xffffffffu : (unsigned)s;
}

/* Gather the fields for our realm into f[]; *why set when none is usable
 * though one might be ours (malformed, another scheme). */
static int gather(struct ctx *x, bool proxy, struct field *f, size_t *nf,
                  const char **bad)
{
	enum tz_hdr_id id =
	        proxy ? TZ_HDR_PROXY_AUTHORIZATION : TZ_HDR_AUTHORIZATION;
	const struct tz_hdr *h;
	const char *r;
	size_t len;
	bool ours;
	int err;

	*nf = 0;
	*bad = NULL;
	/* RFC3261 22.3: fields for other realms are other proxies' (or
	 * servers'); only ours count */
	for (unsigned nth = 0; (h = tz_msg_hdr_find(x->m, id, nth)); nth++) {
		struct tz_auth *a = &f[*nf].a;

		err = tz_credentials_decode(a, x->m->buf, h->value);
		if (err) {
			/* it cannot say whose it is: it might be ours */
			if (!*bad)
				*bad = "malformed credentials";
			continue;
		}
		if (!a->digest) {
			err = other_scheme_is_ours(x, a->params, &ours);
			if (err)
				return err;
			if (ours && !*bad)
				*bad = "not Digest";
			continue;
		}
		if (!(a->has & TZ_AUTH_REALM)) {
			if (!*bad)
				*bad = "missing realm";
			continue;
		}
		err = unq(x->m, a->realm, &r, &len);
		if (err == -ENOMEM)
			return err;
		if (err) {
			if (!*bad)
				*bad = "malformed realm";
			continue;
		}
		/* the realm is compared exactly, as the client hashed it */
		if (len != x->rlen || memcmp(r, x->realm, len) != 0)
			continue;
		if (*nf < MAX_TRIES)
			(*nf)++;
	}
	return 0;
}

int tz_auth_check(struct tz_auth_server *as, struct tz_msg *m, bool proxy,
                  const char *realm, tz_ha1_lookup_h *lookup, void *arg,
                  const struct sockaddr *src, uint64_t now_ms,
                  struct tz_auth_result *res)
{
	struct ctx x = {
	        .as = as,
	        .m = m,
	        .realm = realm,
	        .rlen = strlen(realm),
	        .lookup = lookup,
	        .arg = arg,
	        .now = now_ms,
	};
	struct field *f;
	struct outcome o, first = {TZ_VERDICT_CHALLENGE, NULL, false};
	unsigned char skey[18];
	size_t nf, sklen;
	unsigned wrong = 0;
	bool stale = false;
	const char *bad;
	uint64_t left;
	int err = 0;

	memset(res, 0, sizeof(*res));
	if (!m->arena)
		return -EINVAL;
	tz_auth_server_conf(as, &x.c);
	sklen = x.c.failures ? src_key(src, skey) : 0;
	/* throttled keys first: not even the password is looked at */
	if (sklen) {
		left = tz_auth_throttle_left(&as->throttle, skey, sklen,
		                             now_ms);
		if (left) {
			throttled(res, left);
			goto out;
		}
	}
	f = tz_arena_alloc(m->arena, (MAX_TRIES + 1) * sizeof(*f));
	if (!f) {
		err = -ENOMEM;
		goto out;
	}
	err = gather(&x, proxy, f, &nf, &bad);
	if (err)
		goto out;
	for (size_t i = 0; i < nf; i++) {
		err = field_user(&x, &f[i]);
		if (err)
			goto out;
		if (!x.c.failures || !f[i].user)
			continue;
		err = user_key(&x, f[i].user, &f[i].ukey, &f[i].uklen);
		if (err)
			goto out;
		left = tz_auth_throttle_left(&as->throttle, f[i].ukey,
		                             f[i].uklen, now_ms);
		if (left) {
			throttled(res, left);
			goto out;
		}
	}
	if (!nf) {
		/* RFC3261 22.1: no credentials for this realm: challenge */
		res->verdict = bad ? TZ_VERDICT_BAD : TZ_VERDICT_CHALLENGE;
		res->why = bad ? bad : "no credentials";
		goto out;
	}
	for (size_t i = 0; i < nf; i++) {
		o = check_field(&x, &f[i], &err);
		if (err)
			goto out;
		if (o.verdict == TZ_VERDICT_OK) {
			res->verdict = TZ_VERDICT_OK;
			res->why = o.why;
			strcpy(res->user, f[i].user);
			/* a success clears the user's count, not the
			 * address's: one user's password says nothing of the
			 * other guesses from there */
			if (f[i].ukey)
				tz_auth_throttle_clear(&as->throttle, f[i].ukey,
				                       f[i].uklen);
			goto out;
		}
		if (o.verdict == TZ_VERDICT_STALE)
			stale = true;
		f[i].wrong = o.wrong;
		wrong += o.wrong;
		if (i == 0)
			first = o;
	}
	if (stale) {
		/* the password was right with some field: no failure */
		res->verdict = TZ_VERDICT_STALE;
		res->why = "stale nonce";
		goto out;
	}
	res->verdict = first.verdict;
	res->why = first.why;
	if (!wrong || !x.c.failures)
		goto out;
	/* counted after the verdict: the next request finds the key blocked */
	if (sklen)
		err = tz_auth_throttle_fail(&as->throttle, &x.c, skey, sklen,
		                            wrong, now_ms);
	for (size_t i = 0; !err && i < nf; i++)
		if (f[i].wrong)
			err = tz_auth_throttle_fail(&as->throttle, &x.c,
			                            f[i].ukey, f[i].uklen, 1,
			                            now_ms);
out:
	OPENSSL_cleanse(x.c.secret, sizeof(x.c.secret));
	if (err)
		memset(res, 0, sizeof(*res));
	return err;
}
