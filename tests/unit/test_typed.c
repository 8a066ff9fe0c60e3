/*
 * test_typed.c  Typed header values decoded on demand and cached in the
 * message: decoded once, answered from the cache after, emptied by a new
 * parse, errors and absence reported.
 */
#include <errno.h>

#include "tz_test.h"
#include "tz/tz_msg_typed.h"

static const char msg1[] =
        "NOTIFY sip:a@192.0.2.1 SIP/2.0\r\n"
        "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
        "From: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>;tag=2\r\n"
        "Call-ID: n1\r\nCSeq: 3 NOTIFY\r\n"
        "Event: refer;id=93809824\r\n"
        "Subscription-State: active;expires=60\r\n"
        "Content-Type: message/sipfrag;version=2.0\r\n"
        "Proxy-Authorization: Digest username=\"bob\", realm=\"example.com\", "
        "nonce=\"abc\", uri=\"sip:a@192.0.2.1\", response="
        "\"0123456789abcdef0123456789abcdef\", algorithm=MD5\r\n"
        "Session-Expires: 4000;refresher=uas\r\n"
        "Content-Length: 0\r\n\r\n";

static int test_typed_decode_and_cache(void)
{
	struct tz_hdr h[32];
	const struct tz_mtype *ct, *ct2;
	const struct tz_event *ev;
	const struct tz_subscription_state *ss;
	const struct tz_auth *au;
	const struct tz_session_expires *se;
	const struct tz_refer_to *rt;
	struct tz_arena a;
	struct tz_msg m;
	char first[64]; /* small: forces the arena onto the heap */
	int err;

	tz_arena_init(&a, first, sizeof(first));
	tz_msg_init(&m, h, 32);
	tz_msg_set_arena(&m, &a);
	TZ_EXPECT_INT(tz_msg_parse(&m, msg1, sizeof(msg1) - 1, NULL), 0);
	err = tz_msg_ctype(&m, &ct);
	if (err == -ENOMEM)
		goto out_nomem;
	TZ_EXPECT_INT(err, 0);
	TZ_EXPECT_SPAN(m.buf, ct->type, "message");
	TZ_EXPECT_SPAN(m.buf, ct->subtype, "sipfrag");
	/* the second call is answered from the cache: same object */
	TZ_EXPECT_INT(tz_msg_ctype(&m, &ct2), 0);
	TZ_EXPECT(ct2 == ct);
	if ((err = tz_msg_event(&m, &ev)) == -ENOMEM)
		goto out_nomem;
	TZ_EXPECT_INT(err, 0);
	if ((err = tz_msg_subscription_state(&m, &ss)) == -ENOMEM)
		goto out_nomem;
	TZ_EXPECT_INT(err, 0);
	if ((err = tz_msg_proxy_authorization(&m, &au)) == -ENOMEM)
		goto out_nomem;
	TZ_EXPECT_INT(err, 0);
	TZ_EXPECT(au->digest);
	TZ_EXPECT_SPAN(m.buf, au->realm, "example.com");
	if ((err = tz_msg_session_expires(&m, &se)) == -ENOMEM)
		goto out_nomem;
	TZ_EXPECT_INT(err, 0);
	TZ_EXPECT_INT(m.ncache, 5);
	/* absent fields are reported, not cached */
	TZ_EXPECT_INT(tz_msg_refer_to(&m, &rt), -ENOENT);
	TZ_EXPECT_INT(m.ncache, 5);
	/* a new parse empties the cache and keeps the arena */
	TZ_EXPECT_INT(tz_msg_parse(&m, msg1, sizeof(msg1) - 1, NULL), 0);
	TZ_EXPECT_INT(m.ncache, 0);
	TZ_EXPECT(m.arena == &a);
	tz_arena_free(&a);
	return 0;

out_nomem:
	tz_arena_free(&a);
	return -ENOMEM;
}

/* A malformed value: the error is returned, and cached as well. */
static int test_typed_malformed(void)
{
	static const char bad[] =
	        "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP "
	        "h;branch=z9hG4bK1\r\n"
	        "From: <sip:b@c>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\n"
	        "CSeq: 1 OPTIONS\r\nContent-Type: text\r\n\r\n";
	struct tz_hdr h[16];
	const struct tz_mtype *ct;
	struct tz_arena a;
	struct tz_msg m;
	int err;

	tz_arena_init(&a, NULL, 0);
	tz_msg_init(&m, h, 16);
	TZ_EXPECT_INT(tz_msg_parse(&m, bad, sizeof(bad) - 1, NULL), 0);
	/* without an arena there is nowhere to keep a result */
	TZ_EXPECT_INT(tz_msg_ctype(&m, &ct), -EINVAL);
	tz_msg_set_arena(&m, &a);
	err = tz_msg_ctype(&m, &ct);
	if (err == -ENOMEM) {
		tz_arena_free(&a);
		return err;
	}
	TZ_EXPECT_INT(err, -EBADMSG);
	TZ_EXPECT_INT(tz_msg_ctype(&m, &ct), -EBADMSG);
	TZ_EXPECT_INT(m.ncache, 1);
	tz_arena_free(&a);
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_typed_decode_and_cache),
        TZ_TEST(test_typed_malformed),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
