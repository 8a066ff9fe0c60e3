/*
 * test_digest.c  Digest authentication: request-digests against the
 * published examples, stateless nonces, and tz_auth_check() on parsed
 * REGISTER requests (verdicts, nonce-count replay, throttling), and the
 * challenges tz_auth_challenge() writes.
 *
 * Test vectors:
 *  - RFC 2617 3.5: Mufasa / testrealm@host.com / "Circle Of Life", GET
 *    /dir/index.html, nonce dcd98b7102dd2f0e8b11d0f600bfb0c093, nc
 *    00000001, cnonce 0a4f113b, qop auth: 6629fae49393a05397450978507c4ef1.
 *  - RFC 7616 3.9.1: Mufasa / http-auth@example.org / "Circle of Life"
 *    (lowercase "of", erratum 4495), GET /dir/index.html, nonce
 *    7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v, nc 00000001, cnonce
 *    f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ, qop auth: MD5
 *    8ca523f5e9506fed4657c9700eebdbec, SHA-256
 *    753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1.
 *  - Computed by hand with `openssl dgst` (no published value): the
 *    HA1s of the RFC 7616 example, the RFC 2617 inputs without qop and
 *    with the RFC 2069 password "CircleOfLife", and SHA-256-sess over the
 *    RFC 7616 inputs.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "tz_test.h"

#include "tz/tz_arena.h"
#include "tz/tz_buf.h"
#include "tz/tz_digest.h"
#include "tz/tz_mem.h"
#include "tz/tz_msg.h"
#include "tz/tz_msg_typed.h"

static const char *const rfc7616_nonce =
        "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
static const char *const rfc7616_cnonce =
        "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

static int test_response_vectors(void)
{
	struct tz_digest_in in = {0};
	char ha1[TZ_DIGEST_HEX], out[TZ_DIGEST_HEX];

	/* RFC 2617 3.5 */
	TZ_EXPECT_INT(tz_digest_ha1(TZ_DIGEST_MD5, "Mufasa",
	                            "testrealm@host.com", "Circle Of Life",
	                            ha1),
	              0);
	in = (struct tz_digest_in){
	        .alg = TZ_DIGEST_ALG_NONE,
	        .ha1 = ha1,
	        .nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093",
	        .cnonce = "0a4f113b",
	        .nc = "00000001",
	        .qop = "auth",
	        .method = "GET",
	        .uri = "/dir/index.html",
	};
	TZ_EXPECT_INT(tz_digest_response(&in, out), 0);
	TZ_EXPECT(strcmp(out, "6629fae49393a05397450978507c4ef1") == 0);
	/* the same with algorithm=MD5 written out */
	in.alg = TZ_DIGEST_MD5;
	TZ_EXPECT_INT(tz_digest_response(&in, out), 0);
	TZ_EXPECT(strcmp(out, "6629fae49393a05397450978507c4ef1") == 0);
	/* an HA1 in upper case is the same HA1 */
	{
		char up[TZ_DIGEST_HEX];

		for (size_t i = 0; i <= strlen(ha1); i++)
			up[i] = (char)(ha1[i] >= 'a' && ha1[i] <= 'f'
			                       ? ha1[i] - 32
			                       : ha1[i]);
		in.ha1 = up;
		TZ_EXPECT_INT(tz_digest_response(&in, out), 0);
		TZ_EXPECT(strcmp(out, "6629fae49393a05397450978507c4ef1") == 0);
		in.ha1 = ha1;
	}

	/* RFC 2617 compatibility without qop, RFC 2069's password
	 * (computed with openssl dgst) */
	TZ_EXPECT_INT(tz_digest_ha1(TZ_DIGEST_MD5, "Mufasa",
	                            "testrealm@host.com", "CircleOfLife", ha1),
	              0);
	in.qop = NULL;
	in.nc = NULL;
	in.cnonce = NULL;
	TZ_EXPECT_INT(tz_digest_response(&in, out), 0);
	TZ_EXPECT(strcmp(out, "1949323746fe6a43ef61f9606e7febea") == 0);

	/* RFC 7616 3.9.1, MD5 */
	TZ_EXPECT_INT(tz_digest_ha1(TZ_DIGEST_MD5, "Mufasa",
	                            "http-auth@example.org", "Circle of Life",
	                            ha1),
	              0);
	TZ_EXPECT(strcmp(ha1, "3d78807defe7de2157e2b0b6573a855f") == 0);
	in = (struct tz_digest_in){
	        .alg = TZ_DIGEST_MD5,
	        .ha1 = ha1,
	        .nonce = rfc7616_nonce,
	        .cnonce = rfc7616_cnonce,
	        .nc = "00000001",
	        .qop = "auth",
	        .method = "GET",
	        .uri = "/dir/index.html",
	};
	TZ_EXPECT_INT(tz_digest_response(&in, out), 0);
	TZ_EXPECT(strcmp(out, "8ca523f5e9506fed4657c9700eebdbec") == 0);

	/* RFC 7616 3.9.1, SHA-256 */
	TZ_EXPECT_INT(tz_digest_ha1(TZ_DIGEST_SHA256, "Mufasa",
	                            "http-auth@example.org", "Circle of Life",
	                            ha1),
	              0);
	TZ_EXPECT(strcmp(ha1, "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a"
	                      "00262392d7b4794232") == 0);
	in.alg = TZ_DIGEST_SHA256;
	TZ_EXPECT_INT(tz_digest_response(&in, out), 0);
	TZ_EXPECT(strcmp(out, "753927fa0e85d155564e2e272a28d1802ca10daf449679"
	                      "4697cf8db5856cb6c1") == 0);

	/* SHA-256-sess over the same inputs (computed with openssl dgst) */
	in.alg = TZ_DIGEST_SHA256_SESS;
	TZ_EXPECT_INT(tz_digest_response(&in, out), 0);
	TZ_EXPECT(strcmp(out, "2fd51b3a77ad75bad6afad6003e818d767133c46d9e274"
	                      "9e7f5232ae1ea3efd7") == 0);

	/* what cannot be computed */
	in.cnonce = NULL;
	TZ_EXPECT_INT(tz_digest_response(&in, out), -EINVAL); /* -sess */
	in.alg = TZ_DIGEST_SHA256;
	TZ_EXPECT_INT(tz_digest_response(&in, out), -EINVAL); /* qop */
	in.cnonce = rfc7616_cnonce;
	in.qop = "auth-int";
	TZ_EXPECT_INT(tz_digest_response(&in, out), -EINVAL);
	in.qop = "auth";
	in.alg = TZ_DIGEST_ALG_OTHER;
	TZ_EXPECT_INT(tz_digest_response(&in, out), -EINVAL);
	in.alg = TZ_DIGEST_MD5; /* a SHA-256 HA1 is no MD5 HA1 */
	TZ_EXPECT_INT(tz_digest_response(&in, out), -EINVAL);
	in.alg = TZ_DIGEST_SHA256;
	in.ha1 = "zz";
	TZ_EXPECT_INT(tz_digest_response(&in, out), -EINVAL);
	return 0;
}

static const uint8_t secret[TZ_DIGEST_SECRET_LEN] = {
        1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
        17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

#define REALM    "example.com"
#define NOW      5000000u /* CLOCK_MONOTONIC ms, any value */
#define LIFETIME 300000u  /* 300 s */

static int nonce_ok(const char *n, uint64_t now)
{
	return tz_nonce_check(secret, n, strlen(n), REALM, strlen(REALM), now,
	                      LIFETIME);
}

static int test_nonce(void)
{
	char n[TZ_NONCE_LEN], n2[TZ_NONCE_LEN], x[TZ_NONCE_LEN + 8];
	uint8_t other[TZ_DIGEST_SECRET_LEN];

	TZ_EXPECT_INT(tz_nonce_make(secret, NOW, REALM, strlen(REALM), n), 0);
	/* 32 bytes in base64url without padding */
	TZ_EXPECT_INT(strlen(n), 43);
	TZ_EXPECT(strspn(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvw"
	                    "xyz0123456789-_") == 43);
	/* the time is its first 8 bytes: NOW = 0x4c4b40 */
	TZ_EXPECT(strncmp(n, "AAAAAABMS0", 10) == 0);
	TZ_EXPECT_INT(nonce_ok(n, NOW), 0);
	TZ_EXPECT_INT(nonce_ok(n, NOW + LIFETIME), 0);
	TZ_EXPECT_INT(nonce_ok(n, NOW + LIFETIME + 1), -ESTALE);
	/* the random part: two nonces of the same ms differ */
	TZ_EXPECT_INT(tz_nonce_make(secret, NOW, REALM, strlen(REALM), n2), 0);
	TZ_EXPECT(strcmp(n, n2) != 0);
	TZ_EXPECT_INT(nonce_ok(n2, NOW), 0);

	/* forged: any one character changed */
	for (size_t i = 0; i < 43; i++) {
		strcpy(x, n);
		x[i] = x[i] == 'A' ? 'B' : 'A';
		TZ_EXPECT_INT(nonce_ok(x, NOW), -EINVAL);
	}
	/* another realm, another secret */
	TZ_EXPECT_INT(tz_nonce_check(secret, n, strlen(n), "example.org", 11,
	                             NOW, LIFETIME),
	              -EINVAL);
	TZ_EXPECT_INT(
	        tz_nonce_check(secret, n, strlen(n), REALM, 0, NOW, LIFETIME),
	        -EINVAL);
	memcpy(other, secret, sizeof(other));
	other[31] ^= 1;
	TZ_EXPECT_INT(tz_nonce_check(other, n, strlen(n), REALM, strlen(REALM),
	                             NOW, LIFETIME),
	              -EINVAL);
	/* malformed: short, long, outside the alphabet, padded */
	TZ_EXPECT_INT(tz_nonce_check(secret, n, 42, REALM, strlen(REALM), NOW,
	                             LIFETIME),
	              -EINVAL);
	snprintf(x, sizeof(x), "%sA", n);
	TZ_EXPECT_INT(nonce_ok(x, NOW), -EINVAL);
	snprintf(x, sizeof(x), "%s=", n);
	TZ_EXPECT_INT(nonce_ok(x, NOW), -EINVAL);
	strcpy(x, n);
	x[5] = '+';
	TZ_EXPECT_INT(nonce_ok(x, NOW), -EINVAL);
	TZ_EXPECT_INT(nonce_ok("", NOW), -EINVAL);

	/* from the future: a second of clock skew is tolerated, no more */
	TZ_EXPECT_INT(
	        tz_nonce_make(secret, NOW + 1000, REALM, strlen(REALM), n2), 0);
	TZ_EXPECT_INT(nonce_ok(n2, NOW), 0);
	TZ_EXPECT_INT(
	        tz_nonce_make(secret, NOW + 1001, REALM, strlen(REALM), n2), 0);
	TZ_EXPECT_INT(nonce_ok(n2, NOW), -EINVAL);
	TZ_EXPECT_INT(nonce_ok(n2, NOW + 1), 0);
	return 0;
}

/* ---- the server side ---- */

static const struct user {
	const char *name, *realm, *password;
} users[] = {
        {"alice", REALM, "wonderland"},
        {"bob", REALM, "builder"},
        {"carol", REALM, "x\"y"},
        {"dave", "other.example", "dave-pw"},
};

static unsigned lookups;

static int lookup(void *arg, const char *user, const char *realm,
                  enum tz_digest_alg base, char out[TZ_DIGEST_HEX])
{
	(void)arg;
	lookups++;
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++)
		if (strcmp(users[i].name, user) == 0 &&
		    strcmp(users[i].realm, realm) == 0 &&
		    (base == TZ_DIGEST_MD5 || base == TZ_DIGEST_SHA256))
			return tz_digest_ha1(base, user, realm,
			                     users[i].password, out);
	return -ENOENT;
}

/* One credentials field. Unset strings take defaults; a NULL qop field
 * means qop=auth unless noqop. */
struct cred {
	const char *hdr;      /* "Authorization" */
	const char *scheme;   /* "Digest" */
	const char *user;     /* "alice" */
	const char *wuser;    /* the username as written, when not user */
	const char *password; /* the user's */
	const char *realm;    /* REALM */
	const char *nonce;    /* a fresh one */
	const char *uri;      /* "sip:example.com" */
	const char *algtok;   /* written algorithm token, or none */
	enum tz_digest_alg alg;
	bool noqop;
	const char *qop;      /* "auth" */
	uint32_t nc;          /* 1 when 0 ... */
	bool nc0;             /* ... unless this: nc=00000000 */
	const char *cnonce;   /* "0a4f113b" */
	const char *response; /* computed */
	const char *omit;     /* a parameter name left out */
	const char *extra;    /* text added to the parameters */
};

/* Append name=value to buf, comma-separated, unless c->omit names it. */
static void param(char *buf, size_t cap, int *n, const struct cred *c,
                  const char *name, bool quoted, const char *val)
{
	if (c->omit && strcmp(c->omit, name) == 0)
		return;
	*n += snprintf(buf + *n, cap - (size_t)*n, "%s%s=%s%s%s",
	               *n ? ", " : "", name, quoted ? "\"" : "", val,
	               quoted ? "\"" : "");
}

/* Write a credentials field for @c into @p out (a fresh nonce at NOW when
 * c->nonce is unset; a different one is wanted per request as nc tests
 * otherwise see replays). */
static int cred_field(char *out, size_t cap, const struct cred *c)
{
	char nonce[TZ_NONCE_LEN], ha1[TZ_DIGEST_HEX], resp[TZ_DIGEST_HEX];
	char nc[9], buf[1024] = "";
	const char *user = c->user ? c->user : "alice";
	const char *realm = c->realm ? c->realm : REALM;
	const char *pw = c->password;
	const char *uri = c->uri ? c->uri : "sip:example.com";
	const char *qop = c->noqop ? NULL : c->qop ? c->qop : "auth";
	const char *cnonce = c->cnonce ? c->cnonce : "0a4f113b";
	struct tz_digest_in in;
	int err, n = 0;

	if (!c->nonce) {
		err = tz_nonce_make(secret, NOW, realm, strlen(realm), nonce);
		if (err)
			return err;
	} else {
		snprintf(nonce, sizeof(nonce), "%s", c->nonce);
	}
	for (size_t i = 0; !pw && i < sizeof(users) / sizeof(users[0]); i++)
		if (strcmp(users[i].name, user) == 0)
			pw = users[i].password;
	if (!pw)
		pw = "nobody-knows";
	snprintf(nc, sizeof(nc), "%08x", c->nc0 ? 0 : c->nc ? c->nc : 1);
	err = tz_digest_ha1(tz_digest_base(c->alg), user, realm, pw, ha1);
	if (err)
		return err;
	in = (struct tz_digest_in){
	        .alg = c->alg,
	        .ha1 = ha1,
	        .nonce = nonce,
	        .cnonce = cnonce,
	        .nc = qop ? nc : NULL,
	        .qop = qop,
	        .method = "REGISTER",
	        .uri = uri,
	};
	if (!c->response) {
		err = tz_digest_response(&in, resp);
		if (err)
			return err;
	}
	param(buf, sizeof(buf), &n, c, "username", true,
	      c->wuser ? c->wuser : user);
	param(buf, sizeof(buf), &n, c, "realm", true, realm);
	param(buf, sizeof(buf), &n, c, "nonce", true, nonce);
	param(buf, sizeof(buf), &n, c, "uri", true, uri);
	if (c->algtok)
		param(buf, sizeof(buf), &n, c, "algorithm", false, c->algtok);
	if (qop) {
		param(buf, sizeof(buf), &n, c, "qop", false, qop);
		param(buf, sizeof(buf), &n, c, "nc", false, nc);
		param(buf, sizeof(buf), &n, c, "cnonce", true, cnonce);
	}
	param(buf, sizeof(buf), &n, c, "response", true,
	      c->response ? c->response : resp);
	snprintf(out, cap, "%s: %s %s%s\r\n", c->hdr ? c->hdr : "Authorization",
	         c->scheme ? c->scheme : "Digest", buf,
	         c->extra ? c->extra : "");
	return 0;
}

/* Parse a REGISTER carrying @p fields and check it. */
static int check(struct tz_auth_server *as, const char *fields, bool proxy,
                 const struct sockaddr *src, uint64_t now,
                 struct tz_auth_result *res)
{
	static char text[8192];
	struct tz_hdr h[32];
	struct tz_msg m;
	struct tz_arena a;
	int n, err;

	n = snprintf(text, sizeof(text),
	             "REGISTER sip:example.com SIP/2.0\r\n"
	             "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKnashds7\r\n"
	             "Max-Forwards: 70\r\n"
	             "To: <sip:alice@example.com>\r\n"
	             "From: <sip:alice@example.com>;tag=456248\r\n"
	             "Call-ID: 843817637684230@998sdasdh09\r\n"
	             "CSeq: 1826 REGISTER\r\n"
	             "Contact: <sip:alice@192.0.2.1>\r\n"
	             "%s"
	             "Content-Length: 0\r\n"
	             "\r\n",
	             fields);
	tz_msg_init(&m, h, 32);
	err = tz_msg_parse(&m, text, (size_t)n, NULL);
	TZ_EXPECT_INT(err, 0);
	if (err)
		return err;
	tz_arena_init(&a, NULL, 0);
	tz_msg_set_arena(&m, &a);
	err = tz_auth_check(as, &m, proxy, REALM, lookup, NULL, src, now, res);
	tz_arena_free(&a);
	return err;
}

/* cred_field() then check(): the common case */
static int check1(struct tz_auth_server *as, const struct cred *c,
                  const struct sockaddr *src, uint64_t now,
                  struct tz_auth_result *res)
{
	char f[2048];
	int err = cred_field(f, sizeof(f), c);

	if (err)
		return err;
	return check(as, f, c->hdr && c->hdr[0] == 'P', src, now, res);
}

static void conf_default(struct tz_auth_conf *c, unsigned failures)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->secret, secret, sizeof(secret));
	c->nonce_lifetime_ms = LIFETIME;
	c->failures = failures;
	c->window_ms = 60000;
	c->backoff_ms = 10000;
	c->backoff_max_ms = 40000;
	c->offer_sha256 = true;
	c->offer_md5 = true;
}

static int server(struct tz_auth_server **as, unsigned failures)
{
	struct tz_auth_conf c;

	conf_default(&c, failures);
	return tz_auth_server_alloc(as, &c);
}

#define EXPECT_VERDICT(res, v, w)                                              \
	do {                                                                   \
		TZ_EXPECT_INT((res).verdict, v);                               \
		TZ_EXPECT((res).why &&strcmp((res).why, w) == 0);              \
		if ((res).why && strcmp((res).why, w) != 0 && !tz_test_quiet)  \
			fprintf(stderr, "  why \"%s\"\n", (res).why);          \
	} while (0)

static int test_check_ok(void)
{
	struct tz_auth_server *as;
	struct tz_auth_result res;
	int err;

	err = server(&as, 5);
	if (err)
		return err;
	/* SHA-256 */
	err = check1(
	        as,
	        &(struct cred){.alg = TZ_DIGEST_SHA256, .algtok = "SHA-256"},
	        NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	TZ_EXPECT(strcmp(res.user, "alice") == 0);
	/* MD5, another user */
	err = check1(as,
	             &(struct cred){.user = "bob",
	                            .alg = TZ_DIGEST_MD5,
	                            .algtok = "MD5"},
	             NULL, NOW + 10, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	TZ_EXPECT(strcmp(res.user, "bob") == 0);
	/* no algorithm: MD5; the algorithm token is case-insensitive */
	err = check1(as, &(struct cred){.alg = TZ_DIGEST_ALG_NONE}, NULL, NOW,
	             &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	err = check1(
	        as,
	        &(struct cred){.alg = TZ_DIGEST_SHA256, .algtok = "sha-256"},
	        NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	/* -sess variants */
	err = check1(as,
	             &(struct cred){.alg = TZ_DIGEST_SHA256_SESS,
	                            .algtok = "SHA-256-sess"},
	             NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	err = check1(
	        as,
	        &(struct cred){.alg = TZ_DIGEST_MD5_SESS, .algtok = "MD5-sess"},
	        NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	/* a response in upper case hex */
	{
		char f[2048], *p;

		err = cred_field(f, sizeof(f),
		                 &(struct cred){.alg = TZ_DIGEST_SHA256,
		                                .algtok = "SHA-256"});
		if (err)
			goto out;
		for (p = strstr(f, "response=\"") + 10; *p != '"'; p++)
			if (*p >= 'a' && *p <= 'f')
				*p -= 32;
		err = check(as, f, false, NULL, NOW, &res);
		if (err)
			goto out;
		EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	}
	/* a password with a DQUOTE; the username written with an escape */
	err = check1(as,
	             &(struct cred){.user = "carol",
	                            .wuser = "c\\arol",
	                            .alg = TZ_DIGEST_SHA256,
	                            .algtok = "SHA-256"},
	             NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	/* username* (RFC 7616 3.4.4) in UTF-8 */
	err = check1(as,
	             &(struct cred){.omit = "username",
	                            .extra = ", username*=UTF-8''%61lice",
	                            .alg = TZ_DIGEST_SHA256,
	                            .algtok = "SHA-256"},
	             NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	TZ_EXPECT(strcmp(res.user, "alice") == 0);
	/* RFC 2617 compatibility: no qop */
	err = check1(as, &(struct cred){.noqop = true}, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	/* Proxy-Authorization when asked as a proxy */
	err = check1(as,
	             &(struct cred){.hdr = "Proxy-Authorization",
	                            .alg = TZ_DIGEST_SHA256,
	                            .algtok = "SHA-256"},
	             NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
out:
	tz_auth_server_free(as);
	return err;
}

static int test_check_challenge(void)
{
	struct tz_auth_server *as;
	struct tz_auth_result res;
	char f[4096];
	int err;

	err = server(&as, 5);
	if (err)
		return err;
	/* nothing at all */
	err = check(as, "", false, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_CHALLENGE, "no credentials");
	/* credentials for another realm only */
	err = cred_field(
	        f, sizeof(f),
	        &(struct cred){.user = "dave", .realm = "other.example"});
	if (err)
		goto out;
	err = check(as, f, false, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_CHALLENGE, "no credentials");
	/* a realm differing only in case is another realm */
	err = cred_field(f, sizeof(f), &(struct cred){.realm = "Example.com"});
	if (err)
		goto out;
	err = check(as, f, false, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_CHALLENGE, "no credentials");
	/* Proxy-Authorization is not for a registrar's 401 ... */
	err = cred_field(f, sizeof(f),
	                 &(struct cred){.hdr = "Proxy-Authorization"});
	if (err)
		goto out;
	err = check(as, f, false, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_CHALLENGE, "no credentials");
	/* ... nor Authorization for a proxy's 407 */
	err = cred_field(f, sizeof(f), &(struct cred){0});
	if (err)
		goto out;
	err = check(as, f, true, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_CHALLENGE, "no credentials");
	/* another realm's field first, then ours: ours is found */
	{
		size_t n;

		err = cred_field(f, sizeof(f),
		                 &(struct cred){.user = "dave",
		                                .realm = "other.example"});
		if (err)
			goto out;
		n = strlen(f);
		err = cred_field(f + n, sizeof(f) - n, &(struct cred){0});
		if (err)
			goto out;
		err = check(as, f, false, NULL, NOW, &res);
		if (err)
			goto out;
		EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	}
	/* Basic for someone else is no business of ours */
	err = check(as, "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n",
	            false, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_CHALLENGE, "no credentials");
out:
	tz_auth_server_free(as);
	return err;
}

static int test_check_failed(void)
{
	struct tz_auth_server *as;
	struct tz_auth_result res;
	struct tz_auth_conf c;
	char f[2048], n[TZ_NONCE_LEN];
	int err;

	err = server(&as, 0);
	if (err)
		return err;
	/* a wrong password and an unknown user look the same */
	err = check1(as,
	             &(struct cred){.password = "guess",
	                            .alg = TZ_DIGEST_SHA256,
	                            .algtok = "SHA-256"},
	             NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "wrong credentials");
	TZ_EXPECT(res.user[0] == 0);
	err = check1(as,
	             &(struct cred){.user = "mallory",
	                            .alg = TZ_DIGEST_SHA256,
	                            .algtok = "SHA-256"},
	             NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "wrong credentials");
	/* a user of another realm is unknown in ours */
	err = check1(as, &(struct cred){.user = "dave", .password = "dave-pw"},
	             NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "wrong credentials");
	/* a response of the wrong length */
	err = check1(as, &(struct cred){.response = "0123abcd"}, NULL, NOW,
	             &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "wrong credentials");
	/* algorithms: SHA-512-256 is not offered, nor an unknown one */
	err = check1(as,
	             &(struct cred){.alg = TZ_DIGEST_SHA512_256,
	                            .algtok = "SHA-512-256"},
	             NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "unsupported algorithm");
	err = check1(as, &(struct cred){.algtok = "SHA-1", .response = "00"},
	             NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "unsupported algorithm");
	/* qop auth-int */
	err = check1(as, &(struct cred){.qop = "auth-int", .response = "00"},
	             NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "unsupported qop");
	/* userhash (never offered) */
	err = check1(as, &(struct cred){.extra = ", userhash=true"}, NULL, NOW,
	             &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "unsupported userhash");
	/* nonces not ours: forged, for another realm, from the future */
	err = check1(
	        as,
	        &(struct cred){.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093"},
	        NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "unknown nonce");
	err = tz_nonce_make(secret, NOW, "other.example", 13, n);
	if (err)
		goto out;
	err = check1(as, &(struct cred){.nonce = n}, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "unknown nonce");
	err = tz_nonce_make(secret, NOW + 5000, REALM, strlen(REALM), n);
	if (err)
		goto out;
	err = check1(as, &(struct cred){.nonce = n}, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "unknown nonce");
	/* MD5 turned off: an MD5 answer is refused, a challenge has none */
	conf_default(&c, 0);
	c.offer_md5 = false;
	tz_auth_server_set_conf(as, &c);
	err = check1(as, &(struct cred){.alg = TZ_DIGEST_MD5, .algtok = "MD5"},
	             NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "unsupported algorithm");
	err = check1(as, &(struct cred){0}, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "unsupported algorithm");
	err = cred_field(
	        f, sizeof(f),
	        &(struct cred){.alg = TZ_DIGEST_SHA256, .algtok = "SHA-256"});
	if (err)
		goto out;
	err = check(as, f, false, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
out:
	tz_auth_server_free(as);
	return err;
}

static int test_check_nc(void)
{
	struct tz_auth_server *as;
	struct tz_auth_result res;
	char n[TZ_NONCE_LEN];
	static const struct {
		uint32_t nc;
		enum tz_auth_verdict v;
	} seq[] = {
	        {1, TZ_VERDICT_OK},     {1, TZ_VERDICT_FAILED},
	        {2, TZ_VERDICT_OK},     {3, TZ_VERDICT_OK},
	        {2, TZ_VERDICT_FAILED}, {3, TZ_VERDICT_FAILED},
	        {9, TZ_VERDICT_OK},     {8, TZ_VERDICT_FAILED},
	        {10, TZ_VERDICT_OK},
	};
	int err;

	/* throttling after one failure: replays must not count */
	err = server(&as, 1);
	if (err)
		return err;
	err = tz_nonce_make(secret, NOW, REALM, strlen(REALM), n);
	if (err)
		goto out;
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		err = check1(as,
		             &(struct cred){.nonce = n,
		                            .nc = seq[i].nc,
		                            .alg = TZ_DIGEST_SHA256,
		                            .algtok = "SHA-256"},
		             NULL, NOW + i, &res);
		if (err)
			goto out;
		EXPECT_VERDICT(res, seq[i].v,
		               seq[i].v == TZ_VERDICT_OK
		                       ? "authenticated"
		                       : "nonce-count replayed");
	}
	/* nc 0 is never above anything */
	err = tz_nonce_make(secret, NOW, REALM, strlen(REALM), n);
	if (err)
		goto out;
	err = check1(as, &(struct cred){.nonce = n, .nc0 = true}, NULL, NOW,
	             &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "nonce-count replayed");
	err = check1(as, &(struct cred){.nonce = n, .nc = 1}, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	/* without qop, a nonce is good once */
	err = tz_nonce_make(secret, NOW, REALM, strlen(REALM), n);
	if (err)
		goto out;
	err = check1(as, &(struct cred){.nonce = n, .noqop = true}, NULL, NOW,
	             &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	err = check1(as, &(struct cred){.nonce = n, .noqop = true}, NULL, NOW,
	             &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "nonce-count replayed");
	err = check1(as, &(struct cred){.nonce = n, .nc = 7}, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "nonce-count replayed");
	/* a replay with a wrong response is a wrong password: counted */
	err = check1(
	        as,
	        &(struct cred){.nonce = n, .noqop = true, .password = "guess"},
	        NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "wrong credentials");
	err = check1(as, &(struct cred){0}, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_THROTTLED, "too many failures");
out:
	tz_auth_server_free(as);
	return err;
}

static int test_check_stale(void)
{
	struct tz_auth_server *as;
	struct tz_auth_result res;
	char n[TZ_NONCE_LEN];
	int err;

	err = server(&as, 5);
	if (err)
		return err;
	err = tz_nonce_make(secret, NOW, REALM, strlen(REALM), n);
	if (err)
		goto out;
	/* still fresh at the end of its lifetime */
	err = check1(as, &(struct cred){.nonce = n}, NULL, NOW + LIFETIME,
	             &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	/* then stale, with the right password ... */
	err = check1(as, &(struct cred){.nonce = n, .nc = 2}, NULL,
	             NOW + LIFETIME + 1, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_STALE, "stale nonce");
	/* ... a replay too: what is stale is stale */
	err = check1(as, &(struct cred){.nonce = n, .nc = 1}, NULL,
	             NOW + LIFETIME + 1, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_STALE, "stale nonce");
	/* but a wrong password is still wrong */
	err = check1(as, &(struct cred){.nonce = n, .password = "guess"}, NULL,
	             NOW + LIFETIME + 1, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "wrong credentials");
out:
	tz_auth_server_free(as);
	return err;
}

static int test_check_bad(void)
{
	static const struct {
		struct cred c;
		const char *why;
	} bad[] = {
	        {{.omit = "username"}, "missing username"},
	        {{.omit = "nonce"}, "missing nonce"},
	        {{.omit = "uri"}, "missing uri"},
	        {{.omit = "response"}, "missing response"},
	        {{.omit = "nc"}, "qop without nc"},
	        {{.omit = "cnonce"}, "qop without cnonce"},
	        {{.uri = "sip:example.com;transport=tcp"},
	         "digest-uri differs from Request-URI"},
	        {{.uri = "sip:EXAMPLE.com"},
	         "digest-uri differs from Request-URI"},
	        {{.scheme = "Basic"}, "not Digest"},
	        {{.user = ""}, "empty username"},
	        {{.wuser = "a\\\xc3\xa9"}, "malformed credentials"},
	        {{.extra = ", nc=00000002"}, "malformed credentials"},
	        {{.alg = TZ_DIGEST_MD5_SESS,
	          .algtok = "MD5-sess",
	          .noqop = true,
	          .response = "00"},
	         "-sess without cnonce"},
	};
	struct tz_auth_server *as;
	struct tz_auth_result res;
	char f[2048];
	int err;

	err = server(&as, 5);
	if (err)
		return err;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = check1(as, &bad[i].c, NULL, NOW, &res);
		if (err)
			goto out;
		EXPECT_VERDICT(res, TZ_VERDICT_BAD, bad[i].why);
		if (res.why && strcmp(res.why, bad[i].why))
			fprintf(stderr, "  case %zu\n", i);
	}
	/* a username longer than the result holds */
	{
		char u[200];

		memset(u, 'u', sizeof(u) - 1);
		u[sizeof(u) - 1] = 0;
		err = check1(as, &(struct cred){.user = u}, NULL, NOW, &res);
		if (err)
			goto out;
		EXPECT_VERDICT(res, TZ_VERDICT_BAD, "username too long");
	}
	/* username* in a charset we do not take */
	err = cred_field(f, sizeof(f),
	                 &(struct cred){.omit = "username",
	                                .extra = ", username*=ISO-8859-1''x"});
	if (err)
		goto out;
	err = check(as, f, false, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_BAD, "unsupported username* charset");
	/* no realm: it could be ours */
	err = cred_field(f, sizeof(f), &(struct cred){.omit = "realm"});
	if (err)
		goto out;
	err = check(as, f, false, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_BAD, "missing realm");
	/* Basic naming our realm in auth-params */
	err = check(as, "Authorization: Basic realm=\"" REALM "\", x=y\r\n",
	            false, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_BAD, "not Digest");
	/* stray '=' in another scheme's parameters, then our realm */
	err = check(as, "Authorization: Foo ==, realm=\"" REALM "\"\r\n", false,
	            NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_BAD, "not Digest");
	err = check(as, "Authorization: Foo =\r\n", false, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_CHALLENGE, "no credentials");
	/* BAD is not counted for throttling: 5 of them, then fine */
	err = check1(as, &(struct cred){0}, NULL, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
out:
	tz_auth_server_free(as);
	return err;
}

static void sa4(struct sockaddr_in *sin, const char *ip)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(5060);
	inet_pton(AF_INET, ip, &sin->sin_addr);
}

static void sa6(struct sockaddr_in6 *sin6, const char *ip)
{
	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(5060);
	inet_pton(AF_INET6, ip, &sin6->sin6_addr);
}

/* failures 3, window 60 s, backoff 10 s doubling up to 40 s */
static int test_throttle_user(void)
{
	struct tz_auth_server *as;
	struct tz_auth_result res;
	uint64_t t = NOW;
	unsigned before;
	int err;

	err = server(&as, 3);
	if (err)
		return err;
	for (int i = 0; i < 3; i++) {
		err = check1(as, &(struct cred){.password = "guess"}, NULL,
		             t + (uint64_t)i * 1000, &res);
		if (err)
			goto out;
		EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "wrong credentials");
	}
	t += 2000; /* blocked from here for 10 s */
	/* the right password now: refused without a look at it */
	before = lookups;
	err = check1(as, &(struct cred){0}, NULL, t, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_THROTTLED, "too many failures");
	TZ_EXPECT_INT(res.retry_after, 10);
	TZ_EXPECT_INT(lookups, before);
	/* rounded up */
	err = check1(as, &(struct cred){0}, NULL, t + 8500, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_THROTTLED, "too many failures");
	TZ_EXPECT_INT(res.retry_after, 2);
	err = check1(as, &(struct cred){0}, NULL, t + 9999, &res);
	if (err)
		goto out;
	TZ_EXPECT_INT(res.retry_after, 1);
	/* another user is not concerned */
	err = check1(as, &(struct cred){.user = "bob"}, NULL, t, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	/* after the backoff, one more failure doubles it: 20 s, 40 s, 40 s */
	t += 10000;
	for (unsigned want = 20; want <= 60; want += 20) {
		err = check1(as, &(struct cred){.password = "guess"}, NULL, t,
		             &res);
		if (err)
			goto out;
		EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "wrong credentials");
		err = check1(as, &(struct cred){0}, NULL, t, &res);
		if (err)
			goto out;
		EXPECT_VERDICT(res, TZ_VERDICT_THROTTLED, "too many failures");
		TZ_EXPECT_INT(res.retry_after, want > 40 ? 40 : want);
		t += (want > 40 ? 40 : want) * 1000;
	}
	/* after it, the right password works and clears the count */
	err = check1(as, &(struct cred){0}, NULL, t, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	TZ_EXPECT(strcmp(res.user, "alice") == 0);
	for (int i = 0; i < 2; i++) {
		err = check1(as, &(struct cred){.password = "guess"}, NULL, t,
		             &res);
		if (err)
			goto out;
		EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "wrong credentials");
	}
	err = check1(as, &(struct cred){0}, NULL, t, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	/* failures spread wider than the window never block */
	for (int i = 0; i < 6; i++) {
		t += 31000;
		err = check1(as, &(struct cred){.password = "guess"}, NULL, t,
		             &res);
		if (err)
			goto out;
		EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "wrong credentials");
	}
	/* unknown users are throttled the same way */
	for (int i = 0; i < 3; i++) {
		err = check1(as, &(struct cred){.user = "mallory"}, NULL, t,
		             &res);
		if (err)
			goto out;
		EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "wrong credentials");
	}
	err = check1(as, &(struct cred){.user = "mallory"}, NULL, t, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_THROTTLED, "too many failures");
	TZ_EXPECT_INT(res.retry_after, 10);
out:
	tz_auth_server_free(as);
	return err;
}

static int test_throttle_source(void)
{
	static const char *const names[] = {"mallory", "alice", "bob", "trent"};
	struct tz_auth_server *as;
	struct tz_auth_result res;
	struct sockaddr_in a, b;
	struct sockaddr_in6 a6, b6, c6;
	int err;

	sa4(&a, "192.0.2.7");
	sa4(&b, "192.0.2.8");
	sa6(&a6, "2001:db8:1:2::1");
	sa6(&b6, "2001:db8:1:2:ffff::9");
	sa6(&c6, "2001:db8:1:3::1");
	err = server(&as, 3);
	if (err)
		return err;
	/* three users, one guess each, from one address */
	for (int i = 0; i < 3; i++) {
		err = check1(
		        as,
		        &(struct cred){.user = names[i], .password = "guess"},
		        (struct sockaddr *)&a, NOW, &res);
		if (err)
			goto out;
		EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "wrong credentials");
	}
	/* that address is blocked, whoever it claims to be, credentials or
	 * not */
	err = check1(as, &(struct cred){.user = "bob"}, (struct sockaddr *)&a,
	             NOW + 1, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_THROTTLED, "too many failures");
	TZ_EXPECT_INT(res.retry_after, 10);
	err = check(as, "", false, (struct sockaddr *)&a, NOW + 1, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_THROTTLED, "too many failures");
	/* the same user from elsewhere is fine: one failure each */
	err = check1(as, &(struct cred){.user = "bob"}, (struct sockaddr *)&b,
	             NOW + 1, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	/* and a success does not clear the address */
	err = check1(as, &(struct cred){.user = "bob"}, (struct sockaddr *)&a,
	             NOW + 2, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_THROTTLED, "too many failures");
	/* IPv6: one /64 is one source */
	for (int i = 0; i < 3; i++) {
		err = check1(
		        as,
		        &(struct cred){.user = names[i], .password = "guess"},
		        i == 1 ? (struct sockaddr *)&b6
		               : (struct sockaddr *)&a6,
		        NOW, &res);
		if (err)
			goto out;
		EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "wrong credentials");
	}
	err = check1(as, &(struct cred){.user = "trent"},
	             (struct sockaddr *)&b6, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_THROTTLED, "too many failures");
	err = check1(as, &(struct cred){.user = "bob"}, (struct sockaddr *)&c6,
	             NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	/* the block ends */
	err = check1(as, &(struct cred){.user = "bob"}, (struct sockaddr *)&a,
	             NOW + 10000, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
out:
	tz_auth_server_free(as);
	return err;
}

static int test_throttle_off(void)
{
	struct tz_auth_server *as;
	struct tz_auth_result res;
	struct sockaddr_in a;
	int err;

	sa4(&a, "192.0.2.7");
	err = server(&as, 0);
	if (err)
		return err;
	for (int i = 0; i < 20; i++) {
		err = check1(as, &(struct cred){.password = "guess"},
		             (struct sockaddr *)&a, NOW, &res);
		if (err)
			goto out;
		EXPECT_VERDICT(res, TZ_VERDICT_FAILED, "wrong credentials");
	}
	err = check1(as, &(struct cred){0}, (struct sockaddr *)&a, NOW, &res);
	if (err)
		goto out;
	EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
out:
	tz_auth_server_free(as);
	return err;
}

/* Split challenge text into its fields and decode each. */
static int decode_challenges(const char *text, size_t len, const char *name,
                             struct tz_auth *out, char nonces[][TZ_NONCE_LEN],
                             size_t max)
{
	size_t n = 0, nl = strlen(name), k;
	const char *p = text, *end = text + len, *e;

	while (p < end && n < max) {
		e = strstr(p, "\r\n");
		if (!e || (size_t)(e - p) < nl + 2 || strncmp(p, name, nl) ||
		    strncmp(p + nl, ": ", 2))
			return -EBADMSG;
		if (tz_challenge_decode(
		            &out[n], text,
		            (struct tz_span){(uint32_t)(p + nl + 2 - text),
		                             (uint32_t)(e - p - nl - 2)}))
			return -EBADMSG;
		if (tz_qstr_unescape(nonces[n], TZ_NONCE_LEN, &k, text,
		                     out[n].nonce))
			return -EBADMSG;
		n++;
		p = e + 2;
	}
	return p == end ? (int)n : -EBADMSG;
}

static int test_challenge(void)
{
	struct tz_auth_server *as;
	struct tz_auth_conf c;
	struct tz_auth ch[4];
	char nonces[4][TZ_NONCE_LEN], realm[64];
	struct tz_buf b;
	size_t len;
	int err, n;

	err = server(&as, 5);
	if (err)
		return err;
	tz_buf_init(&b);
	err = tz_auth_challenge(as, &b, REALM, false, false, NOW);
	if (err)
		goto out;
	n = decode_challenges(b.p, b.len, "WWW-Authenticate", ch, nonces, 4);
	TZ_EXPECT_INT(n, 2);
	if (n == 2) {
		char want[512];

		/* the text, exactly */
		snprintf(want, sizeof(want),
		         "WWW-Authenticate: Digest realm=\"example.com\", "
		         "nonce=\"%s\", qop=\"auth\", algorithm=SHA-256\r\n"
		         "WWW-Authenticate: Digest realm=\"example.com\", "
		         "nonce=\"%s\", qop=\"auth\", algorithm=MD5\r\n",
		         nonces[0], nonces[1]);
		TZ_EXPECT_MEM(b.p, b.len, want);
		/* SHA-256 first (RFC 8760 2.4) */
		TZ_EXPECT_INT(ch[0].alg, TZ_DIGEST_SHA256);
		TZ_EXPECT_INT(ch[1].alg, TZ_DIGEST_MD5);
		for (int i = 0; i < 2; i++) {
			TZ_EXPECT(ch[i].digest);
			TZ_EXPECT_SPAN(b.p, ch[i].realm, REALM);
			TZ_EXPECT_INT(ch[i].qops, TZ_QOP_AUTH);
			TZ_EXPECT(!ch[i].stale);
			TZ_EXPECT(!(ch[i].has & TZ_AUTH_STALE));
			TZ_EXPECT_INT(nonce_ok(nonces[i], NOW), 0);
			TZ_EXPECT_INT(nonce_ok(nonces[i], NOW + LIFETIME + 1),
			              -ESTALE);
		}
		/* each its own nonce */
		TZ_EXPECT(strcmp(nonces[0], nonces[1]) != 0);
	}
	/* a proxy's, stale */
	tz_buf_reset(&b);
	err = tz_auth_challenge(as, &b, REALM, true, true, NOW);
	if (err)
		goto out;
	n = decode_challenges(b.p, b.len, "Proxy-Authenticate", ch, nonces, 4);
	TZ_EXPECT_INT(n, 2);
	if (n == 2) {
		char want[512];

		snprintf(want, sizeof(want),
		         "Proxy-Authenticate: Digest realm=\"example.com\", "
		         "nonce=\"%s\", qop=\"auth\", algorithm=SHA-256, "
		         "stale=true\r\n"
		         "Proxy-Authenticate: Digest realm=\"example.com\", "
		         "nonce=\"%s\", qop=\"auth\", algorithm=MD5, "
		         "stale=true\r\n",
		         nonces[0], nonces[1]);
		TZ_EXPECT_MEM(b.p, b.len, want);
	}
	for (int i = 0; i < n; i++) {
		TZ_EXPECT(ch[i].stale);
		TZ_EXPECT_INT(nonce_ok(nonces[i], NOW), 0);
	}
	/* a realm that needs escaping */
	tz_buf_reset(&b);
	err = tz_auth_challenge(as, &b, "a \"quoted\\\" realm", false, false,
	                        NOW);
	if (err)
		goto out;
	n = decode_challenges(b.p, b.len, "WWW-Authenticate", ch, nonces, 4);
	TZ_EXPECT_INT(n, 2);
	if (n > 0) {
		TZ_EXPECT_INT(tz_qstr_unescape(realm, sizeof(realm), &len, b.p,
		                               ch[0].realm),
		              0);
		TZ_EXPECT(strcmp(realm, "a \"quoted\\\" realm") == 0);
		TZ_EXPECT_INT(tz_nonce_check(secret, nonces[0],
		                             strlen(nonces[0]), realm, len, NOW,
		                             LIFETIME),
		              0);
	}
	TZ_EXPECT_INT(
	        tz_auth_challenge(as, &b, "bad\r\nX: y", false, false, NOW),
	        -EINVAL);
	/* SHA-256 only */
	conf_default(&c, 5);
	c.offer_md5 = false;
	tz_auth_server_set_conf(as, &c);
	tz_buf_reset(&b);
	err = tz_auth_challenge(as, &b, REALM, false, false, NOW);
	if (err)
		goto out;
	n = decode_challenges(b.p, b.len, "WWW-Authenticate", ch, nonces, 4);
	TZ_EXPECT_INT(n, 1);
	TZ_EXPECT(n == 1 && ch[0].alg == TZ_DIGEST_SHA256);
	/* MD5 only */
	c.offer_md5 = true;
	c.offer_sha256 = false;
	tz_auth_server_set_conf(as, &c);
	tz_buf_reset(&b);
	err = tz_auth_challenge(as, &b, REALM, false, false, NOW);
	if (err)
		goto out;
	n = decode_challenges(b.p, b.len, "WWW-Authenticate", ch, nonces, 4);
	TZ_EXPECT_INT(n, 1);
	TZ_EXPECT(n == 1 && ch[0].alg == TZ_DIGEST_MD5);
	/* an answer to the challenge's nonce */
	if (n == 1) {
		struct tz_auth_result res;

		err = check1(as,
		             &(struct cred){.nonce = nonces[0],
		                            .alg = TZ_DIGEST_MD5,
		                            .algtok = "MD5"},
		             NULL, NOW, &res);
		if (err)
			goto out;
		EXPECT_VERDICT(res, TZ_VERDICT_OK, "authenticated");
	}
	/* nothing offered is refused */
	c.offer_md5 = false;
	TZ_EXPECT_INT(
	        tz_auth_server_alloc(&(struct tz_auth_server *){NULL}, &c),
	        -EINVAL);
out:
	tz_buf_free(&b);
	tz_auth_server_free(as);
	return err;
}

/* Many nonces in use at once: each keeps its own count. */
static int test_many_nonces(void)
{
	static char n[40][TZ_NONCE_LEN];
	struct tz_auth_server *as;
	struct tz_auth_result res;
	unsigned ok = 0, replayed = 0;
	int err;

	err = server(&as, 0);
	if (err)
		return err;
	for (size_t i = 0; i < 40; i++) {
		err = tz_nonce_make(secret, NOW, REALM, strlen(REALM), n[i]);
		if (err)
			goto out;
	}
	for (uint32_t nc = 1; nc <= 2; nc++)
		for (size_t i = 0; i < 40; i++) {
			err = check1(as,
			             &(struct cred){.nonce = n[i], .nc = nc},
			             NULL, NOW, &res);
			if (err)
				goto out;
			ok += res.verdict == TZ_VERDICT_OK;
		}
	for (size_t i = 0; i < 40; i++) {
		err = check1(as, &(struct cred){.nonce = n[i], .nc = 2}, NULL,
		             NOW, &res);
		if (err)
			goto out;
		replayed += res.verdict == TZ_VERDICT_FAILED;
	}
	TZ_EXPECT_INT(ok, 80);
	TZ_EXPECT_INT(replayed, 40);
out:
	tz_auth_server_free(as);
	return err;
}

/* MD5 (md5.c): the RFC 1321 A.5 test suite, and OpenSSL's MD5 for
 * every length from 0 to 300 bytes (each padding boundary: 55, 56, 63,
 * 64, 119, 120 ...) */
static int test_md5(void)
{
	static const struct {
		const char *in, *hex;
	} v[] = {
	        {"", "d41d8cd98f00b204e9800998ecf8427e"},
	        {"a", "0cc175b9c0f1b6a831c399e269772661"},
	        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
	        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
	        {"abcdefghijklmnopqrstuvwxyz",
	         "c3fcd3d76192e4007dfb496cca67e13b"},
	        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz012345678"
	         "9",
	         "d174ab98d277d9f5a5611c2c9f419d9f"},
	        {"1234567890123456789012345678901234567890123456789012345678901"
	         "2345678901234567890",
	         "57edf4a22be3c955ac49da2e2107b67a"},
	};
	char out[TZ_DIGEST_HEX], want[TZ_DIGEST_HEX];
	unsigned char data[300], d[EVP_MAX_MD_SIZE];
	unsigned int dlen;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		TZ_EXPECT_INT(tz_digest_hash(TZ_DIGEST_MD5, v[i].in,
		                             strlen(v[i].in), out),
		              0);
		TZ_EXPECT(strcmp(out, v[i].hex) == 0);
	}
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 131 + 7);
	for (size_t n = 0; n <= sizeof(data); n++) {
		if (!EVP_Digest(data, n, d, &dlen, EVP_md5(), NULL))
			return tz_mem_failed() ? -ENOMEM : -EIO;
		for (unsigned i = 0; i < dlen; i++)
			snprintf(want + 2 * i, 3, "%02x", d[i]);
		TZ_EXPECT_INT(tz_digest_hash(TZ_DIGEST_MD5, data, n, out), 0);
		TZ_EXPECT(strcmp(out, want) == 0);
	}
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_response_vectors), TZ_TEST(test_nonce),
        TZ_TEST(test_check_ok),         TZ_TEST(test_check_challenge),
        TZ_TEST(test_check_failed),     TZ_TEST(test_check_nc),
        TZ_TEST(test_check_stale),      TZ_TEST(test_check_bad),
        TZ_TEST(test_throttle_user),    TZ_TEST(test_throttle_source),
        TZ_TEST(test_throttle_off),     TZ_TEST(test_challenge),
        TZ_TEST(test_many_nonces),      TZ_TEST(test_md5),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
