/*
 * test_urix.c  URI escaping (RFC 3261 19.1.2, 25.1; RFC 4475 3.1.1.4
 * escnull), equivalence (RFC 3261 19.1.4 with all of its example pairs;
 * RFC 3966 4 for tel), and printing: canonical form, Request-URI from a
 * Contact (RFC 3261 19.1.5), name-addr (RFC 3261 20.10).
 */
#include <errno.h>
#include <stdbool.h>

#include "tz_test.h"
#include "tz/tz_buf.h"
#include "tz/tz_hdr.h"
#include "tz/tz_uri.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Parse @s at offset strlen(@pre) of @buf, so spans must honour the base. */
static int parse_at(struct tz_uri *u, char *buf, size_t cap, const char *pre,
                    const char *s)
{
	int n = snprintf(buf, cap, "%s%s>", pre, s);

	if (n < 0 || (size_t)n >= cap)
		return -EOVERFLOW;
	return tz_uri_parse(u, buf, (uint32_t)strlen(pre), (uint32_t)strlen(s));
}

/* ---- tz_uri_unescape ---- */

/* Literal lengths, so that rows may hold NUL bytes. */
#define UNESC(in, out, ret)                                                    \
	{                                                                      \
		in, sizeof(in) - 1, out, sizeof(out) - 1, ret                  \
	}

static const struct {
	const char *in;
	size_t inlen;
	const char *out;
	size_t outlen;
	int ret;
} unesc_cases[] = {
        UNESC("", "", 0),
        UNESC("alice", "alice", 0),
        UNESC("%61lice", "alice", 0),
        UNESC("a%20b", "a b", 0),
        UNESC("%2a%2A%7e", "**~", 0),
        UNESC("%ff%80", "\xff\x80", 0),
        UNESC("sip%3Auser%40example.com", "sip:user@example.com", 0),
        /* RFC 4475 3.1.1.4 escnull: a NUL is data, not an end */
        UNESC("%00", "\0", 0),
        UNESC("null-%00-null", "null-\0-null", 0),
        UNESC("%00%00%41", "\0\0A", 0),
        /* bytes that are not escapes pass through, NUL included */
        UNESC("a\0b", "a\0b", 0),
        /* RFC3261 25.1: escaped = "%" HEXDIG HEXDIG */
        UNESC("%", "", -EBADMSG),
        UNESC("%4", "", -EBADMSG),
        UNESC("ab%", "", -EBADMSG),
        UNESC("ab%6", "", -EBADMSG),
        UNESC("%4g", "", -EBADMSG),
        UNESC("%G0", "", -EBADMSG),
        UNESC("% 41", "", -EBADMSG),
        UNESC("%%41", "", -EBADMSG),
        UNESC("%-1", "", -EBADMSG),
        UNESC("%\0"
              "0",
              "", -EBADMSG),
        UNESC("ok%41then%zz", "", -EBADMSG),
};

static int test_unescape_table(void)
{
	size_t i;

	for (i = 0; i < N(unesc_cases); i++) {
		char out[64];
		size_t n = 999;
		int ret;

		memset(out, '#', sizeof(out));
		ret = tz_uri_unescape(out, sizeof(out), unesc_cases[i].in,
		                      unesc_cases[i].inlen, &n);
		if (ret != unesc_cases[i].ret) {
			fprintf(stderr, "unescape case %zu: ret %d, want %d\n",
			        i, ret, unesc_cases[i].ret);
			tz_test_fails++;
			continue;
		}
		if (ret) {
			/* nothing is written for a bad escape */
			TZ_EXPECT(out[0] == '#');
			continue;
		}
		TZ_EXPECT_INT(n, unesc_cases[i].outlen);
		TZ_EXPECT(n == unesc_cases[i].outlen &&
		          memcmp(out, unesc_cases[i].out, n) == 0);
		TZ_EXPECT(out[n] == '#'); /* no terminator written */
	}
	return 0;
}

static int test_unescape_bounds(void)
{
	char out[8], buf[16];
	size_t n = 0;

	/* a cap too small is -EOVERFLOW with the size needed */
	TZ_EXPECT_INT(tz_uri_unescape(out, 2, "abc", 3, &n), -EOVERFLOW);
	TZ_EXPECT_INT(n, 3);
	TZ_EXPECT_INT(tz_uri_unescape(out, 3, "abc", 3, &n), 0);
	TZ_EXPECT_MEM(out, n, "abc");
	TZ_EXPECT_INT(tz_uri_unescape(out, 2, "%61%62", 6, &n), 0);
	TZ_EXPECT_MEM(out, n, "ab");
	TZ_EXPECT_INT(tz_uri_unescape(out, 1, "%00%00", 6, &n), -EOVERFLOW);
	TZ_EXPECT_INT(n, 2);
	/* a size query */
	TZ_EXPECT_INT(tz_uri_unescape(NULL, 0, "a%41", 4, &n), -EOVERFLOW);
	TZ_EXPECT_INT(n, 2);
	TZ_EXPECT_INT(tz_uri_unescape(NULL, 0, "", 0, &n), 0);
	TZ_EXPECT_INT(n, 0);
	/* a bad escape wins over a small cap */
	TZ_EXPECT_INT(tz_uri_unescape(NULL, 0, "abc%4", 5, &n), -EBADMSG);
	/* the length bounds the input: "%41" cut to "%4" */
	TZ_EXPECT_INT(tz_uri_unescape(out, sizeof(out), "%41", 2, &n),
	              -EBADMSG);
	/* in place */
	memcpy(buf, "a%20b%00c", 9);
	TZ_EXPECT_INT(tz_uri_unescape(buf, sizeof(buf), buf, 9, &n), 0);
	TZ_EXPECT(n == 5 && memcmp(buf, "a b\0c", 5) == 0);
	return 0;
}

/* ---- tz_uri_escape ---- */

/* The bytes each component allows bare, spelled out from RFC 3261 25.1
 * independently of the library's class table. */
#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define MARK  "-_.!~*'()"

static const struct {
	enum tz_uri_part part;
	const char *bare;
	const char *prefix; /* to embed an escaped string in a URI */
	const char *suffix;
} parts[] = {
        {TZ_URI_PART_USER, ALNUM MARK "&=+$,;?/", "sip:", "@h"},
        {TZ_URI_PART_PASSWORD, ALNUM MARK "&=+$,", "sip:u:", "@h"},
        {TZ_URI_PART_PARAM, ALNUM MARK "[]/:&+$", "sip:h;", ""},
        {TZ_URI_PART_HEADER, ALNUM MARK "[]/?:+$", "sip:h?n=", ""},
};

#define ESC(part, in, out)                                                     \
	{                                                                      \
		part, in, sizeof(in) - 1, out                                  \
	}

static const struct {
	enum tz_uri_part part;
	const char *in;
	size_t inlen;
	const char *out;
} esc_cases[] = {
        ESC(TZ_URI_PART_USER, "", ""),
        ESC(TZ_URI_PART_USER, "alice", "alice"),
        ESC(TZ_URI_PART_USER, "a b", "a%20b"),
        ESC(TZ_URI_PART_USER, "sips:user@example.com",
            "sips%3Auser%40example.com"),
        ESC(TZ_URI_PART_USER, "+1-212;x=y?/&$,", "+1-212;x=y?/&$,"),
        ESC(TZ_URI_PART_USER, "100%", "100%25"),
        ESC(TZ_URI_PART_USER, "%41", "%2541"),
        ESC(TZ_URI_PART_USER, "\0", "%00"),
        ESC(TZ_URI_PART_USER, "a\0b", "a%00b"),
        ESC(TZ_URI_PART_USER, "\x7f\xff\x80", "%7F%FF%80"),
        ESC(TZ_URI_PART_USER, "\"<>[]{}|\\^`#",
            "%22%3C%3E%5B%5D%7B%7D%7C%5C%5E%60%23"),
        ESC(TZ_URI_PART_USER, MARK, MARK),
        ESC(TZ_URI_PART_PASSWORD, "p;w:d", "p%3Bw%3Ad"),
        ESC(TZ_URI_PART_PASSWORD, "&=+$,", "&=+$,"),
        ESC(TZ_URI_PART_PASSWORD, "?/@", "%3F%2F%40"),
        ESC(TZ_URI_PART_PARAM, "a=b;c", "a%3Db%3Bc"),
        ESC(TZ_URI_PART_PARAM, "[::1]/:&+$", "[::1]/:&+$"),
        ESC(TZ_URI_PART_PARAM, "?,@ ", "%3F%2C%40%20"),
        ESC(TZ_URI_PART_HEADER, "sip:bob@biloxi.com", "sip:bob%40biloxi.com"),
        ESC(TZ_URI_PART_HEADER, "a b&c=d", "a%20b%26c%3Dd"),
        ESC(TZ_URI_PART_HEADER, "[]/?:+$", "[]/?:+$"),
        ESC(TZ_URI_PART_HEADER, ";,\r\n", "%3B%2C%0D%0A"),
};

static int test_escape_table(void)
{
	struct tz_buf b;
	size_t i;
	int err;

	tz_buf_init(&b);
	for (i = 0; i < N(esc_cases); i++) {
		char back[64];
		size_t n;

		tz_buf_reset(&b);
		err = tz_uri_escape(&b, esc_cases[i].in, esc_cases[i].inlen,
		                    esc_cases[i].part);
		if (err == -ENOMEM)
			goto oom;
		TZ_EXPECT_INT(err, 0);
		/* an empty buffer may have no memory yet */
		TZ_EXPECT_MEM(b.len ? b.p : "", b.len, esc_cases[i].out);
		/* and back */
		TZ_EXPECT_INT(
		        tz_uri_unescape(back, sizeof(back), b.p, b.len, &n), 0);
		TZ_EXPECT(n == esc_cases[i].inlen &&
		          memcmp(back, esc_cases[i].in, n) == 0);
	}
	tz_buf_reset(&b);
	TZ_EXPECT_INT(tz_uri_escape(&b, "a", 1, (enum tz_uri_part)42), -EINVAL);
	TZ_EXPECT_INT(b.len, 0);
	tz_buf_free(&b);
	return 0;
oom:
	tz_buf_free(&b);
	return -ENOMEM;
}

/*
 * Every byte, in every component: escaped exactly when the grammar does
 * not allow it bare, decoded back to itself, and the result is accepted
 * by the parser in that place of a URI.
 */
static int test_escape_all_bytes(void)
{
	struct tz_buf b;
	char all[256], back[256 * 3], uri[1024];
	size_t i, k, n;
	int err;

	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	tz_buf_init(&b);
	for (k = 0; k < N(parts); k++) {
		struct tz_uri u;
		int len;

		for (i = 0; i < 256; i++) {
			bool bare = i && strchr(parts[k].bare, (int)i);
			char want[4];

			tz_buf_reset(&b);
			err = tz_uri_escape(&b, all + i, 1, parts[k].part);
			if (err == -ENOMEM)
				goto oom;
			TZ_EXPECT_INT(err, 0);
			if (bare)
				snprintf(want, sizeof(want), "%c", (int)i);
			else
				snprintf(want, sizeof(want), "%%%02X",
				         (unsigned)i);
			if (b.len != strlen(want) ||
			    memcmp(b.p, want, b.len) != 0) {
				fprintf(stderr,
				        "part %zu byte 0x%02zx: \"%.*s\", "
				        "want \"%s\"\n",
				        k, i, (int)b.len, b.p, want);
				tz_test_fails++;
			}
		}
		tz_buf_reset(&b);
		err = tz_uri_escape(&b, all, sizeof(all), parts[k].part);
		if (err == -ENOMEM)
			goto oom;
		TZ_EXPECT_INT(err, 0);
		TZ_EXPECT_INT(
		        tz_uri_unescape(back, sizeof(back), b.p, b.len, &n), 0);
		TZ_EXPECT(n == 256 && memcmp(back, all, 256) == 0);
		/* a param or header needs a name: prefix a bare 'x' */
		len = snprintf(uri, sizeof(uri), "%sx%.*s%s", parts[k].prefix,
		               (int)b.len, b.p, parts[k].suffix);
		TZ_EXPECT(len > 0 && (size_t)len < sizeof(uri));
		TZ_EXPECT_INT(tz_uri_parse(&u, uri, 0, (uint32_t)len), 0);
	}
	tz_buf_free(&b);
	return 0;
oom:
	tz_buf_free(&b);
	return -ENOMEM;
}

/* ---- tz_uri_equal ---- */

struct eq_case {
	const char *a;
	const char *b;
	bool eq;
};

#define EQ(a, b)                                                               \
	{                                                                      \
		a, b, true                                                     \
	}
#define NE(a, b)                                                               \
	{                                                                      \
		a, b, false                                                    \
	}

/* RFC 3261 19.1.4: every example pair, in the RFC's order. */
static const struct eq_case rfc_cases[] = {
        /* "The URIs within each of the following sets are equivalent" */
        EQ("sip:%61lice@atlanta.com;transport=TCP",
           "sip:alice@AtLanTa.CoM;Transport=tcp"),
        EQ("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"),
        EQ("sip:carol@chicago.com", "sip:carol@chicago.com;security=on"),
        EQ("sip:carol@chicago.com;newparam=5",
           "sip:carol@chicago.com;security=on"),
        EQ("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi."
           "com",
           "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi."
           "com"),
        EQ("sip:alice@atlanta.com?subject=project%20x&priority=urgent",
           "sip:alice@atlanta.com?priority=urgent&subject=project%20x"),
        /* "The URIs within each of the following sets are not
         * equivalent" */
        /* different usernames */
        NE("SIP:ALICE@AtLanTa.CoM;Transport=udp",
           "sip:alice@AtLanTa.CoM;Transport=UDP"),
        /* can resolve to different ports */
        NE("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"),
        /* can resolve to different transports */
        NE("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"),
        /* can resolve to different port and transports */
        NE("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"),
        /* different header component */
        NE("sip:carol@chicago.com",
           "sip:carol@chicago.com?Subject=next%20meeting"),
        /* even though that's what phone21.boxesbybob.com resolves to */
        NE("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"),
        /* "Note that equality is not transitive" */
        EQ("sip:carol@chicago.com", "sip:carol@chicago.com;security=on"),
        EQ("sip:carol@chicago.com", "sip:carol@chicago.com;security=off"),
        NE("sip:carol@chicago.com;security=on",
           "sip:carol@chicago.com;security=off"),
};

static const struct eq_case more_cases[] = {
        /* scheme: SIP and SIPS never match; scheme case does not matter */
        NE("sip:alice@atlanta.com", "sips:alice@atlanta.com"),
        EQ("SIP:alice@atlanta.com", "sip:alice@atlanta.com"),
        EQ("sIpS:alice@atlanta.com", "sips:alice@atlanta.com"),
        /* userinfo: case-sensitive, as a whole */
        NE("sip:Alice@h", "sip:alice@h"),
        NE("sip:a:pw@h", "sip:a:PW@h"),
        NE("sip:a:pw@h", "sip:a@h"),
        NE("sip:a:@h", "sip:a@h"),
        EQ("sip:a:@h", "sip:a:@h"),
        EQ("sip:a:p%77@h", "sip:a:pw@h"),
        NE("sip:h", "sip:a@h"),
        /* escapes: unreserved ones equal the byte, reserved ones do not */
        EQ("sip:%41@h", "sip:A@h"),
        NE("sip:%41@h", "sip:a@h"),
        EQ("sip:a%3bb@h", "sip:a%3Bb@h"),
        NE("sip:a%3Bb@h", "sip:a;b@h"),
        NE("sip:a%3Ab@h", "sip:a:b@h"),
        NE("sip:a%2B1@h", "sip:a+1@h"),
        EQ("sip:a%7E%2d@h", "sip:a~-@h"),
        EQ("sip:a%20b@h", "sip:a%20b@h"),
        /* host: case-insensitive; IP never equals a name */
        EQ("sip:u@EXAMPLE.com", "sip:u@example.COM"),
        NE("sip:u@example.com", "sip:u@example.org"),
        NE("sip:u@example.com", "sip:u@example.com."),
        EQ("sip:u@192.0.2.4", "sip:u@192.0.2.4"),
        NE("sip:u@192.0.2.4", "sip:u@192.0.2.40"),
        EQ("sip:[2001:db8::10]", "sip:[2001:DB8:0:0:0:0:0:10]"),
        EQ("sip:[::ffff:192.0.2.1]", "sip:[::FFFF:c000:201]"),
        NE("sip:[::1]", "sip:[::2]"),
        NE("sip:[::ffff:192.0.2.1]", "sip:192.0.2.1"),
        EQ("sip:[2001:db8:::192.0.2.1]", "sip:[2001:DB8:::192.0.2.1]"),
        /* port: omitted never equals explicit */
        EQ("sip:h:5060", "sip:h:5060"),
        EQ("sip:h:05060", "sip:h:5060"),
        NE("sip:h:5060", "sip:h:5061"),
        NE("sips:h", "sips:h:5061"),
        /* uri-parameters */
        NE("sip:h;ttl=1", "sip:h"),
        NE("sip:h;user=phone", "sip:h"),
        NE("sip:h;user=ip", "sip:h"),
        NE("sip:h;method=INVITE", "sip:h"),
        NE("sip:h;maddr=192.0.2.1", "sip:h"),
        NE("sip:h;TRANSPORT=udp", "sip:h"),
        NE("sip:h;%74tl=1", "sip:h"),
        EQ("sip:h;lr", "sip:h"),
        EQ("sip:h;lr;ob;foo=bar", "sip:h;x"),
        NE("sip:h;lr", "sip:h;lr=on"),
        EQ("sip:h;method=invite", "sip:h;METHOD=INVITE"),
        EQ("sip:h;%74tl=1", "sip:h;ttl=%31"),
        NE("sip:h;ttl=1", "sip:h;ttl=2"),
        NE("sip:h;foo=a%3Bb", "sip:h;foo=a;b"),
        EQ("sip:h;a=1;b=2;transport=tcp", "sip:h;transport=TCP;b=2;a=1"),
        NE("sip:h;a=1;b=2", "sip:h;b=2;a=3"),
        EQ("sip:h;maddr=[::1]", "sip:h;maddr=[::1]"),
        /* headers: all must be in both; names as header names */
        EQ("sip:h?a=1&b=2", "sip:h?b=2&a=1"),
        EQ("sip:h?subject=x", "sip:h?Subject=x"),
        EQ("sip:h?s=x", "sip:h?subject=x"),
        EQ("sip:h?%73ubject=x", "sip:h?SUBJECT=x"),
        NE("sip:h?subject=X", "sip:h?subject=x"),
        NE("sip:h?a=1&a=1", "sip:h?a=1"),
        NE("sip:h?a=1&a=1&b=2", "sip:h?a=1&b=2&b=2"),
        EQ("sip:h?a=1&b=2&a=1", "sip:h?a=1&a=1&b=2"),
        EQ("sip:h?a=%41", "sip:h?a=A"),
        NE("sip:h?a=%3F", "sip:h?a=?"),
        EQ("sip:h?a=", "sip:h?a="),
        NE("sip:h?a=", "sip:h?a=1"),
        NE("sip:h?a=1", "sip:h?b=1"),
        NE("sip:h?a=1", "sip:h"),
        /* tel (RFC 3966 4) */
        EQ("tel:+1-201-555-0123", "tel:+12015550123"),
        EQ("tel:+1(201)555.0123", "tel:+1-201-555-0123"),
        NE("tel:12015550123;phone-context=x.com", "tel:+12015550123"),
        NE("tel:+1-201-555-0123", "tel:+1-201-555-0124"),
        EQ("tel:12ab;phone-context=x.com", "tel:12AB;phone-context=X.COM"),
        EQ("tel:7042;phone-context=+1-201", "tel:7042;phone-context=+1201"),
        NE("tel:7042;phone-context=a-b.com", "tel:7042;phone-context=ab.com"),
        EQ("tel:+1234;ext=1-2", "tel:+1234;ext=12"),
        /* an escaped separator is still a separator (fuzz finding) */
        EQ("tel:+1234;ext=1%2D2", "tel:+1234;ext=12"),
        EQ("tel:7042;phone-context=+1-2tel:7%7e%2D",
           "tel:7042;phone-context=+12tel:7~"),
        EQ("tel:+1234;a=b;c=d", "tel:+1234;C=D;a=b"),
        NE("tel:+1234;isub=5", "tel:+1234"),
        NE("tel:+1234;foo", "tel:+1234"),
        NE("tel:+1234;isub=5", "tel:+1234;isub=6"),
        /* other schemes: scheme case-insensitive, the rest exact */
        EQ("mailto:alice@example.com", "MAILTO:alice@example.com"),
        NE("mailto:alice@example.com", "mailto:Alice@example.com"),
        NE("http://a/b", "https://a/b"),
        NE("urn:a", "urn:a:"),
        EQ("urn:service:sos", "urn:service:sos"),
        /* never across schemes */
        NE("sip:+1234@h;user=phone", "tel:+1234"),
        NE("sip:alice@atlanta.com", "im:alice@atlanta.com"),
};

/* Checks one pair both ways, and each URI against itself. */
static void check_pair(const struct eq_case *c, const char *what, size_t i)
{
	char abuf[512], bbuf[512];
	struct tz_uri a, b;

	if (parse_at(&a, abuf, sizeof(abuf), "<", c->a) ||
	    parse_at(&b, bbuf, sizeof(bbuf), "To: ", c->b)) {
		fprintf(stderr, "%s %zu: does not parse\n", what, i);
		tz_test_fails++;
		return;
	}
	if (tz_uri_equal(abuf, &a, bbuf, &b) != c->eq ||
	    tz_uri_equal(bbuf, &b, abuf, &a) != c->eq) {
		fprintf(stderr, "%s %zu: \"%s\" vs \"%s\": want %s\n", what, i,
		        c->a, c->b, c->eq ? "equal" : "different");
		tz_test_fails++;
	}
	TZ_EXPECT(tz_uri_equal(abuf, &a, abuf, &a));
	TZ_EXPECT(tz_uri_equal(bbuf, &b, bbuf, &b));
}

static int test_equal_rfc3261(void)
{
	size_t i;

	for (i = 0; i < N(rfc_cases); i++)
		check_pair(&rfc_cases[i], "rfc3261 19.1.4 pair", i);
	return 0;
}

static int test_equal_table(void)
{
	size_t i;

	for (i = 0; i < N(more_cases); i++)
		check_pair(&more_cases[i], "pair", i);
	return 0;
}

/* Make "sip:h" plus @n params "pK=K", in order or reversed, @upper names. */
static int many_params(char *buf, size_t cap, int n, bool rev, bool upper)
{
	size_t len = (size_t)snprintf(buf, cap, "sip:h");
	int i;

	for (i = 0; i < n; i++) {
		int k = rev ? n - 1 - i : i;
		len += (size_t)snprintf(buf + len, cap - len, ";%c%d=%d",
		                        upper ? 'P' : 'p', k, k);
	}
	return (int)len;
}

/* Past 64 parameters lists must match in order (uri_cmp.c CMP_MAX). */
static int test_equal_long_lists(void)
{
	static const struct {
		int n;
		bool rev, upper, eq;
	} cases[] = {
	        {64, true, false, true},   {64, false, true, true},
	        {65, false, false, true},  {65, false, true, true},
	        {65, true, false, false},  {200, false, true, true},
	        {200, true, false, false},
	};
	char abuf[2048], bbuf[2048];
	struct tz_uri a, b;
	size_t i;

	for (i = 0; i < N(cases); i++) {
		int al = many_params(abuf, sizeof(abuf), cases[i].n, false,
		                     false);
		int bl = many_params(bbuf, sizeof(bbuf), cases[i].n,
		                     cases[i].rev, cases[i].upper);
		TZ_EXPECT_INT(tz_uri_parse(&a, abuf, 0, (uint32_t)al), 0);
		TZ_EXPECT_INT(tz_uri_parse(&b, bbuf, 0, (uint32_t)bl), 0);
		TZ_EXPECT_INT(tz_uri_equal(abuf, &a, bbuf, &b), cases[i].eq);
		TZ_EXPECT_INT(tz_uri_equal(bbuf, &b, abuf, &a), cases[i].eq);
	}
	/* 65 vs 64: different lengths are different in order */
	many_params(abuf, sizeof(abuf), 65, false, false);
	many_params(bbuf, sizeof(bbuf), 64, false, false);
	TZ_EXPECT_INT(tz_uri_parse(&a, abuf, 0, (uint32_t)strlen(abuf)), 0);
	TZ_EXPECT_INT(tz_uri_parse(&b, bbuf, 0, (uint32_t)strlen(bbuf)), 0);
	TZ_EXPECT(!tz_uri_equal(abuf, &a, bbuf, &b));
	TZ_EXPECT(!tz_uri_equal(bbuf, &b, abuf, &a));
	return 0;
}

/* ---- printing ---- */

static const struct {
	const char *in;
	const char *out;
} print_cases[] = {
        {"sip:alice@atlanta.com", "sip:alice@atlanta.com"},
        {"SIP:Alice@AtLanTa.CoM;Transport=TCP",
         "sip:Alice@atlanta.com;Transport=TCP"},
        {"sip:%61lice@atlanta.com;transport=TCP",
         "sip:alice@atlanta.com;transport=TCP"},
        {"sip:a%3bb@h", "sip:a%3Bb@h"},
        {"sip:a%20b@h", "sip:a%20b@h"},
        {"sip:a%7e%2D@h", "sip:a~-@h"},
        {"sip:a%25@h", "sip:a%25@h"},
        {"sip:a%00b@h", "sip:a%00b@h"},
        {"sip:a:@h", "sip:a:@h"},
        {"sip:a:p%41ss%3a@h", "sip:a:pAss%3A@h"},
        {"sip:alice;day=tuesday@atlanta.com",
         "sip:alice;day=tuesday@atlanta.com"},
        {"sip:+1-212-555-1212:1234@gateway.com;user=phone",
         "sip:+1-212-555-1212:1234@gateway.com;user=phone"},
        {"sip:h:05060", "sip:h:5060"},
        {"sip:h:0", "sip:h:0"},
        {"sips:[2001:DB8::1]:5070", "sips:[2001:db8::1]:5070"},
        {"sip:h;lr;maddr=%31.2.3.4", "sip:h;lr;maddr=1.2.3.4"},
        {"sip:h;a=%5B%5d%3a", "sip:h;a=[]%3A"},
        {"sip:h;%6Cr", "sip:h;lr"},
        {"sip:alice@atlanta.com?subject=project%20x&priority=urgent",
         "sip:alice@atlanta.com?subject=project%20x&priority=urgent"},
        {"sip:h?to=sip:bob%40biloxi.com&a=",
         "sip:h?to=sip:bob%40biloxi.com&a="},
        {"sip:h?a=%62&%43=%3f", "sip:h?a=b&C=%3F"},
        {"tel:+1-201-555-0123;Phone-Context=Ex%61mple.com",
         "tel:+1-201-555-0123;Phone-Context=Example.com"},
        {"TEL:+358-555", "tel:+358-555"},
        {"MAILTO:Alice@Example.com", "mailto:Alice@Example.com"},
        {"Urn:Service:SOS", "urn:Service:SOS"},
};

/* Print @u into @b; parse the output back and check it is equal and that
 * printing it again gives the same bytes. */
static int print_check(struct tz_buf *b, const char *base,
                       const struct tz_uri *u)
{
	struct tz_buf again;
	struct tz_uri v;
	int err;

	tz_buf_reset(b);
	err = tz_uri_print(b, base, u);
	if (err)
		return err;
	TZ_EXPECT_INT(tz_uri_parse(&v, b->p, 0, (uint32_t)b->len), 0);
	TZ_EXPECT(tz_uri_equal(base, u, b->p, &v));
	TZ_EXPECT(tz_uri_equal(b->p, &v, base, u));
	tz_buf_init(&again);
	err = tz_uri_print(&again, b->p, &v);
	if (!err)
		TZ_EXPECT(again.len == b->len &&
		          memcmp(again.p, b->p, b->len) == 0);
	tz_buf_free(&again);
	return err;
}

static int test_print_table(void)
{
	struct tz_buf b;
	size_t i;
	int err;

	tz_buf_init(&b);
	for (i = 0; i < N(print_cases); i++) {
		char buf[256];
		struct tz_uri u;

		TZ_EXPECT_INT(
		        parse_at(&u, buf, sizeof(buf), "<", print_cases[i].in),
		        0);
		err = print_check(&b, buf, &u);
		if (err == -ENOMEM)
			goto oom;
		TZ_EXPECT_INT(err, 0);
		TZ_EXPECT_MEM(b.p, b.len, print_cases[i].out);
	}
	tz_buf_free(&b);
	return 0;
oom:
	tz_buf_free(&b);
	return -ENOMEM;
}

/* Every URI of the comparison tables survives parse, print, parse. */
static int test_print_roundtrip(void)
{
	const struct eq_case *tabs[] = {rfc_cases, more_cases};
	size_t ns[] = {N(rfc_cases), N(more_cases)};
	struct tz_buf b;
	size_t t, i;
	int err;

	tz_buf_init(&b);
	for (t = 0; t < N(tabs); t++) {
		for (i = 0; i < 2 * ns[t]; i++) {
			const struct eq_case *c = &tabs[t][i / 2];
			const char *s = i % 2 ? c->b : c->a;
			char buf[512];
			struct tz_uri u;

			TZ_EXPECT_INT(parse_at(&u, buf, sizeof(buf), "", s), 0);
			err = print_check(&b, buf, &u);
			if (err == -ENOMEM)
				goto oom;
			TZ_EXPECT_INT(err, 0);
		}
	}
	tz_buf_free(&b);
	return 0;
oom:
	tz_buf_free(&b);
	return -ENOMEM;
}

/* A URI longer than the buffer's first allocation makes it grow. */
static int test_print_long(void)
{
	char in[1024], want[1024];
	size_t n = 0, w = 0, k;
	struct tz_buf b;
	struct tz_uri u;
	int err;

	n += (size_t)snprintf(in, sizeof(in), "sip:");
	w += (size_t)snprintf(want, sizeof(want), "sip:");
	for (k = 0; k < 100; k++) {
		n += (size_t)snprintf(in + n, sizeof(in) - n, "%%61%%5a");
		w += (size_t)snprintf(want + w, sizeof(want) - w, "aZ");
	}
	for (k = 0; k < 300; k++) {
		in[n++] = 'A';
		want[w++] = 'A';
	}
	snprintf(in + n, sizeof(in) - n, "@EXAMPLE.COM");
	snprintf(want + w, sizeof(want) - w, "@example.com");
	TZ_EXPECT_INT(tz_uri_parse(&u, in, 0, (uint32_t)strlen(in)), 0);
	TZ_EXPECT_INT(u.user.len, 900);
	tz_buf_init(&b);
	err = print_check(&b, in, &u);
	if (err == -ENOMEM)
		goto oom;
	TZ_EXPECT_INT(err, 0);
	TZ_EXPECT_MEM(b.p, b.len, want);
	tz_buf_free(&b);
	return 0;
oom:
	tz_buf_free(&b);
	return -ENOMEM;
}

static const struct {
	const char *in;
	const char *out;
} ruri_cases[] = {
        /* RFC3261 19.1.5: method and headers are not allowed in a
         * Request-URI */
        {"sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com",
         "sip:atlanta.com"},
        {"sip:bob@biloxi.com;transport=tcp;method=INVITE;lr?subject=x",
         "sip:bob@biloxi.com;transport=tcp;lr"},
        {"sip:bob@h;METHOD=invite;maddr=x.com", "sip:bob@h;maddr=x.com"},
        {"sip:bob@h;m%65thod=BYE;ttl=1", "sip:bob@h;ttl=1"},
        {"sip:bob@h;methods=x;method", "sip:bob@h;methods=x"},
        {"sips:bob@h:5061;user=phone?a=b&c=d", "sips:bob@h:5061;user=phone"},
        {"sip:h;method=INVITE", "sip:h"},
        {"sip:h;method=INVITE;method=BYE;lr", "sip:h;lr"},
        /* RFC3261 8.1.1.1: the rest of a redirect target is kept */
        {"SIP:Bob:pw@Biloxi.COM:5070;transport=UDP;foo=%62ar",
         "sip:Bob:pw@biloxi.com:5070;transport=UDP;foo=bar"},
        {"tel:+1-234;ext=5", "tel:+1-234;ext=5"},
        {"urn:service:sos", "urn:service:sos"},
};

static int test_print_ruri(void)
{
	struct tz_buf b;
	size_t i;
	int err;

	tz_buf_init(&b);
	for (i = 0; i < N(ruri_cases); i++) {
		char buf[256];
		struct tz_uri u, v;

		TZ_EXPECT_INT(parse_at(&u, buf, sizeof(buf), "Contact: <",
		                       ruri_cases[i].in),
		              0);
		tz_buf_reset(&b);
		err = tz_uri_print_ruri(&b, buf, &u);
		if (err == -ENOMEM)
			goto oom;
		TZ_EXPECT_INT(err, 0);
		TZ_EXPECT_MEM(b.p, b.len, ruri_cases[i].out);
		TZ_EXPECT_INT(tz_uri_parse(&v, b.p, 0, (uint32_t)b.len), 0);
		TZ_EXPECT_INT(v.headers.len, 0);
	}
	tz_buf_free(&b);
	return 0;
oom:
	tz_buf_free(&b);
	return -ENOMEM;
}

/* Display names with their lengths, so that rows may hold NUL bytes. */
#define NADDR(dn, uri, prm, out)                                               \
	{                                                                      \
		dn, sizeof(dn) - 1, uri, prm, out, sizeof(out) - 1, 0          \
	}
#define NADDR_BAD(dn, uri)                                                     \
	{                                                                      \
		dn, sizeof(dn) - 1, uri, "", "", 0, -EINVAL                    \
	}

static const struct {
	const char *dname;
	size_t dlen;
	const char *uri;
	const char *params;
	const char *out;
	size_t outlen;
	int ret;
} naddr_cases[] = {
        NADDR("", "sip:alice@atlanta.com", "", "<sip:alice@atlanta.com>"),
        NADDR("Alice", "sip:alice@atlanta.com", ";tag=1928301774",
              "Alice <sip:alice@atlanta.com>;tag=1928301774"),
        NADDR("Bob Smith", "sip:bob@biloxi.com", "",
              "Bob Smith <sip:bob@biloxi.com>"),
        NADDR("A. G. Bell", "sip:agb@bell-telephone.com", "tag=a48s",
              "A. G. Bell <sip:agb@bell-telephone.com>;tag=a48s"),
        NADDR("Bob  Smith", "sip:bob@biloxi.com", "",
              "\"Bob  Smith\" <sip:bob@biloxi.com>"),
        NADDR(" Bob", "sip:b@h", "", "\" Bob\" <sip:b@h>"),
        NADDR("Bob ", "sip:b@h", "", "\"Bob \" <sip:b@h>"),
        NADDR("Lee, Bob", "sip:b@h", "", "\"Lee, Bob\" <sip:b@h>"),
        NADDR("Mr. <X>", "sip:b@h", "", "\"Mr. <X>\" <sip:b@h>"),
        NADDR("say \"hi\"", "sip:b@h", "", "\"say \\\"hi\\\"\" <sip:b@h>"),
        NADDR("back\\slash", "sip:b@h", "", "\"back\\\\slash\" <sip:b@h>"),
        NADDR("tab\there", "sip:b@h", "", "\"tab\there\" <sip:b@h>"),
        NADDR("nul\0x\x7f", "sip:b@h", "", "\"nul\\\0x\\\x7f\" <sip:b@h>"),
        NADDR("caf\xc3\xa9", "sip:b@h", "", "\"caf\xc3\xa9\" <sip:b@h>"),
        /* RFC3261 20.10: ';', ',' or '?' in the URI need the brackets */
        NADDR("", "sip:h;lr?x=y", ";expires=60", "<sip:h;lr?x=y>;expires=60"),
        NADDR("", "sip:a,b@h", "", "<sip:a,b@h>"),
        NADDR("X", "SIP:X@H;Transport=TCP", "", "X <sip:X@h;Transport=TCP>"),
        NADDR("", "tel:+1-234", "", "<tel:+1-234>"),
        /* no quoted-string can carry CR or LF */
        NADDR_BAD("a\r\nb", "sip:b@h"),
        NADDR_BAD("a\nb", "sip:b@h"),
        NADDR_BAD("cr\r", "sip:b@h"),
};

static int test_naddr_print(void)
{
	struct tz_buf b;
	size_t i;
	int err;

	tz_buf_init(&b);
	for (i = 0; i < N(naddr_cases); i++) {
		char buf[256];
		struct tz_uri u;
		struct tz_naddr na;
		uint32_t pos = 0;
		const char *dn =
		        naddr_cases[i].dlen ? naddr_cases[i].dname : NULL;

		TZ_EXPECT_INT(
		        parse_at(&u, buf, sizeof(buf), "<", naddr_cases[i].uri),
		        0);
		tz_buf_reset(&b);
		err = tz_naddr_print(&b, dn, naddr_cases[i].dlen, buf, &u,
		                     naddr_cases[i].params,
		                     strlen(naddr_cases[i].params));
		if (err == -ENOMEM)
			goto oom;
		if (naddr_cases[i].ret) {
			TZ_EXPECT_INT(err, naddr_cases[i].ret);
			TZ_EXPECT_INT(b.len, 0);
			TZ_EXPECT_INT(b.err, 0);
			continue;
		}
		TZ_EXPECT_INT(err, 0);
		/* rows may hold NUL: compare by length */
		if (b.len != naddr_cases[i].outlen ||
		    memcmp(b.p, naddr_cases[i].out, b.len) != 0) {
			fprintf(stderr, "naddr case %zu: \"%.*s\"\n", i,
			        (int)b.len, b.p);
			tz_test_fails++;
		}
		/* our own decoder reads it back */
		TZ_EXPECT_INT(
		        tz_naddr_decode(&na, b.p, &pos, (uint32_t)b.len, false),
		        0);
		TZ_EXPECT(na.angle);
		TZ_EXPECT(tz_uri_equal(buf, &u, b.p, &na.u));
	}
	tz_buf_free(&b);
	return 0;
oom:
	tz_buf_free(&b);
	return -ENOMEM;
}

/* A fixed buffer that is too small: the sticky -EOVERFLOW comes back. */
static int test_print_overflow(void)
{
	static const char s[] = "sip:alice@atlanta.com;transport=tcp?a=b";
	char mem[16];
	struct tz_buf b;
	struct tz_uri u;

	TZ_EXPECT_INT(tz_uri_parse(&u, s, 0, sizeof(s) - 1), 0);
	tz_buf_init_fixed(&b, mem, sizeof(mem));
	TZ_EXPECT_INT(tz_uri_print(&b, s, &u), -EOVERFLOW);
	TZ_EXPECT_INT(b.err, -EOVERFLOW);
	tz_buf_init_fixed(&b, mem, sizeof(mem));
	TZ_EXPECT_INT(tz_uri_print_ruri(&b, s, &u), -EOVERFLOW);
	tz_buf_init_fixed(&b, mem, sizeof(mem));
	TZ_EXPECT_INT(tz_naddr_print(&b, "Alice", 5, s, &u, NULL, 0),
	              -EOVERFLOW);
	tz_buf_init_fixed(&b, mem, sizeof(mem));
	TZ_EXPECT_INT(
	        tz_uri_escape(&b, "                ", 16, TZ_URI_PART_USER),
	        -EOVERFLOW);
	/* exactly enough */
	TZ_EXPECT_INT(tz_uri_parse(&u, "SIP:H:123", 0, 9), 0);
	tz_buf_init_fixed(&b, mem, 8);
	TZ_EXPECT_INT(tz_uri_print(&b, "SIP:H:123", &u), -EOVERFLOW);
	tz_buf_init_fixed(&b, mem, 9);
	TZ_EXPECT_INT(tz_uri_print(&b, "SIP:H:123", &u), 0);
	TZ_EXPECT_MEM(b.p, b.len, "sip:h:123");
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_unescape_table),   TZ_TEST(test_unescape_bounds),
        TZ_TEST(test_escape_table),     TZ_TEST(test_escape_all_bytes),
        TZ_TEST(test_equal_rfc3261),    TZ_TEST(test_equal_table),
        TZ_TEST(test_equal_long_lists), TZ_TEST(test_print_table),
        TZ_TEST(test_print_roundtrip),  TZ_TEST(test_print_long),
        TZ_TEST(test_print_ruri),       TZ_TEST(test_naddr_print),
        TZ_TEST(test_print_overflow),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, N(tests), argc, argv);
}
