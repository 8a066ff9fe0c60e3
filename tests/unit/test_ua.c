/*
 * test_ua.c  The UA's digest client (src/ua/auth.c; RFC 3261 22.2, 22.3,
 * RFC 7616 3.4) checked against the library's own digest server: a 401 or
 * 407 made by tz_auth_challenge(), the Authorization or
 * Proxy-Authorization field ua_auth_header() prints for it, and the
 * verdict of tz_auth_check() on a request carrying that field. Table
 * driven over algorithm offers (SHA-256 preferred, MD5 alone, MD5 listed
 * first), an RFC 2617 challenge without qop, and a wrong password.
 */
#include <errno.h>
#include <stdio.h>

#include "tz_test.h"
#include "tz/tz_digest.h"
#include "tz/tz_msg_typed.h"
#include "../../src/ua/ua_int.h"

#define REALM "localhost"
#define NOW   1000000

static int lookup(void *arg, const char *user, const char *realm,
                  enum tz_digest_alg base, char out[TZ_DIGEST_HEX])
{
	(void)arg;
	if (strcmp(user, "alice") || strcmp(realm, REALM))
		return -ENOENT;
	return tz_digest_ha1(base, user, realm, "secret", out);
}

/* Remove every ", qop=\"auth\"" from the challenge text (RFC 2617). */
static void strip_qop(char *s)
{
	static const char q[] = ", qop=\"auth\"";
	char *p;

	while ((p = strstr(s, q)))
		memmove(p, p + sizeof(q) - 1, strlen(p + sizeof(q) - 1) + 1);
}

static const struct {
	bool proxy;
	bool sha256, md5, md5_first;
	bool no_qop;
	const char *password;
	enum tz_auth_verdict want;
	const char *alg; /* in the credentials, or NULL */
} cases[] = {
        {true, true, true, false, false, "secret", TZ_VERDICT_OK,
         "algorithm=SHA-256"},
        {false, true, true, true, false, "secret", TZ_VERDICT_OK,
         "algorithm=SHA-256"},
        {false, false, true, false, false, "secret", TZ_VERDICT_OK,
         "algorithm=MD5"},
        {true, false, true, false, true, "secret", TZ_VERDICT_OK, NULL},
        {false, true, true, false, false, "wrong", TZ_VERDICT_FAILED, NULL},
};

static int one(size_t i, struct tz_auth_server *as, struct tz_ua *ua)
{
	struct tz_hdr h[32], rh[32];
	struct tz_buf chal;
	struct tz_msg resp, req;
	struct tz_arena a;
	struct tz_auth_result res;
	char rtext[2048], qtext[4096], cred[1536];
	int err, n;

	tz_buf_init(&chal);
	err = tz_auth_challenge(as, &chal, REALM, cases[i].proxy, false, NOW);
	tz_buf_putc(&chal, 0);
	if (err || chal.err) {
		tz_buf_free(&chal);
		return err ? err : chal.err;
	}
	if (cases[i].no_qop)
		strip_qop(chal.p);
	n = snprintf(rtext, sizeof(rtext),
	             "SIP/2.0 %s\r\n"
	             "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1\r\n"
	             "From: <sip:alice@localhost>;tag=a\r\n"
	             "To: <sip:bob@localhost>;tag=b\r\n"
	             "Call-ID: c1\r\nCSeq: 1 INVITE\r\n%s"
	             "Content-Length: 0\r\n\r\n",
	             cases[i].proxy ? "407 Proxy Authentication Required"
	                            : "401 Unauthorized",
	             chal.p);
	tz_buf_free(&chal);
	tz_msg_init(&resp, rh, 32);
	TZ_EXPECT_INT(tz_msg_parse(&resp, rtext, (size_t)n, NULL), 0);
	snprintf(ua->password, sizeof(ua->password), "%s", cases[i].password);
	err = ua_auth_header(ua, &resp, "INVITE", "sip:bob@localhost", cred,
	                     sizeof(cred));
	if (err)
		return err;
	TZ_EXPECT(!strncmp(cred,
	                   cases[i].proxy ? "Proxy-Authorization: Digest "
	                                  : "Authorization: Digest ",
	                   cases[i].proxy ? 28 : 22));
	if (cases[i].alg)
		TZ_EXPECT(strstr(cred, cases[i].alg) != NULL);
	TZ_EXPECT((strstr(cred, "qop=auth, nc=00000001") != NULL) ==
	          !cases[i].no_qop);
	n = snprintf(qtext, sizeof(qtext),
	             "INVITE sip:bob@localhost SIP/2.0\r\n"
	             "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK2\r\n"
	             "From: <sip:alice@localhost>;tag=a\r\n"
	             "To: <sip:bob@localhost>\r\n"
	             "Call-ID: c1\r\nCSeq: 2 INVITE\r\n%s"
	             "Content-Length: 0\r\n\r\n",
	             cred);
	tz_msg_init(&req, h, 32);
	TZ_EXPECT_INT(tz_msg_parse(&req, qtext, (size_t)n, NULL), 0);
	tz_arena_init(&a, NULL, 0);
	tz_msg_set_arena(&req, &a);
	err = tz_auth_check(as, &req, cases[i].proxy, REALM, lookup, NULL, NULL,
	                    NOW, &res);
	tz_arena_free(&a);
	if (err)
		return err;
	if (res.verdict != cases[i].want && !tz_test_quiet)
		fprintf(stderr, "case %zu: %s\n", i, res.why);
	TZ_EXPECT_INT(res.verdict, cases[i].want);
	return 0;
}

static int test_ua_digest(void)
{
	static struct tz_ua ua; /* only the credentials are read */
	int err = 0;

	snprintf(ua.user, sizeof(ua.user), "alice");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]) && !err; i++) {
		struct tz_auth_conf c = {0};
		struct tz_auth_server *as;

		memset(c.secret, 7, sizeof(c.secret));
		c.nonce_lifetime_ms = 300000;
		c.offer_sha256 = cases[i].sha256;
		c.offer_md5 = cases[i].md5;
		c.md5_first = cases[i].md5_first;
		err = tz_auth_server_alloc(&as, &c);
		if (err)
			return err;
		err = one(i, as, &ua);
		tz_auth_server_free(as);
	}
	return err;
}

/* A response without any challenge we can answer: -ENOENT. */
static int test_ua_digest_none(void)
{
	static const char text[] =
	        "SIP/2.0 401 Unauthorized\r\n"
	        "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\r\n"
	        "From: <sip:a@b>;tag=a\r\nTo: <sip:a@b>;tag=b\r\n"
	        "Call-ID: c\r\nCSeq: 1 REGISTER\r\n"
	        "WWW-Authenticate: Basic realm=\"x\"\r\n"
	        "WWW-Authenticate: Digest realm=\"x\", nonce=\"n\", "
	        "algorithm=SHA-512-256-foo\r\n"
	        "Content-Length: 0\r\n\r\n";
	static struct tz_ua ua;
	struct tz_hdr h[16];
	struct tz_msg m;
	char out[512];

	tz_msg_init(&m, h, 16);
	TZ_EXPECT_INT(tz_msg_parse(&m, text, sizeof(text) - 1, NULL), 0);
	TZ_EXPECT_INT(
	        ua_auth_header(&ua, &m, "REGISTER", "sip:b", out, sizeof(out)),
	        -ENOENT);
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_ua_digest),
        TZ_TEST(test_ua_digest_none),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
