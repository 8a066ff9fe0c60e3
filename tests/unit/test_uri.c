/*
 * test_uri.c  URI reading and host checks against the grammar of RFC 3261
 * 19.1 and 25.1 (with the RFC 5954 dec-octet correction), RFC 3966 (tel)
 * and the IPv6 torture cases of RFC 5118.
 */
#include <errno.h>
#include <stdbool.h>

#include "tz_test.h"
#include "tz/tz_uri.h"

/* Expected fields of a parsed URI; NULL strings mean "absent" (len 0). */
struct uri_case {
	const char *in;
	int ret;
	enum tz_uri_scheme scheme;
	enum tz_host_type host_type;
	const char *scheme_s;
	const char *user;
	const char *password;
	const char *host;
	const char *params;
	const char *headers;
	int port;
	bool has_userinfo;
};

#define OK(in, sch, ht, ss, user, pw, host, prm, hdr, port, ui)                \
	{                                                                      \
		in, 0, sch, ht, ss, user, pw, host, prm, hdr, port, ui         \
	}
#define BAD(in)                                                                \
	{                                                                      \
		in, -EBADMSG, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, -1, 0  \
	}

static const struct uri_case uri_cases[] = {
        /* RFC3261 19.1.3 examples */
        OK("sip:alice@atlanta.com", TZ_URI_SIP, TZ_HOST_NAME, "sip", "alice",
           NULL, "atlanta.com", NULL, NULL, -1, true),
        OK("sip:alice:secretword@atlanta.com;transport=tcp", TZ_URI_SIP,
           TZ_HOST_NAME, "sip", "alice", "secretword", "atlanta.com",
           "transport=tcp", NULL, -1, true),
        OK("sips:alice@atlanta.com?subject=project%20x&priority=urgent",
           TZ_URI_SIPS, TZ_HOST_NAME, "sips", "alice", NULL, "atlanta.com",
           NULL, "subject=project%20x&priority=urgent", -1, true),
        OK("sip:+1-212-555-1212:1234@gateway.com;user=phone", TZ_URI_SIP,
           TZ_HOST_NAME, "sip", "+1-212-555-1212", "1234", "gateway.com",
           "user=phone", NULL, -1, true),
        OK("sips:1212@gateway.com", TZ_URI_SIPS, TZ_HOST_NAME, "sips", "1212",
           NULL, "gateway.com", NULL, NULL, -1, true),
        OK("sip:alice@192.0.2.4", TZ_URI_SIP, TZ_HOST_IPV4, "sip", "alice",
           NULL, "192.0.2.4", NULL, NULL, -1, true),
        OK("sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com", TZ_URI_SIP,
           TZ_HOST_NAME, "sip", NULL, NULL, "atlanta.com", "method=REGISTER",
           "to=alice%40atlanta.com", -1, false),
        /* user-unreserved includes ';' and '=': the params are in the user */
        OK("sip:alice;day=tuesday@atlanta.com", TZ_URI_SIP, TZ_HOST_NAME, "sip",
           "alice;day=tuesday", NULL, "atlanta.com", NULL, NULL, -1, true),
        /* RFC 4475 3.1.1.10, 3.1.1.13: escapes and ';' in the user part */
        OK("sip:sips%3Auser%40example.com@example.net", TZ_URI_SIP,
           TZ_HOST_NAME, "sip", "sips%3Auser%40example.com", NULL,
           "example.net", NULL, NULL, -1, true),
        OK("sip:user;par=u%40example.net@example.com", TZ_URI_SIP, TZ_HOST_NAME,
           "sip", "user;par=u%40example.net", NULL, "example.com", NULL, NULL,
           -1, true),
        OK("sip:%61lice@atlanta.com;transport=TCP", TZ_URI_SIP, TZ_HOST_NAME,
           "sip", "%61lice", NULL, "atlanta.com", "transport=TCP", NULL, -1,
           true),
        /* ports, scheme case, escapes, empty password */
        OK("sip:bob@biloxi.com:5060", TZ_URI_SIP, TZ_HOST_NAME, "sip", "bob",
           NULL, "biloxi.com", NULL, NULL, 5060, true),
        OK("sip:h:0", TZ_URI_SIP, TZ_HOST_NAME, "sip", NULL, NULL, "h", NULL,
           NULL, 0, false),
        OK("sip:h:65535", TZ_URI_SIP, TZ_HOST_NAME, "sip", NULL, NULL, "h",
           NULL, NULL, 65535, false),
        OK("SIP:Bob@Biloxi.COM", TZ_URI_SIP, TZ_HOST_NAME, "SIP", "Bob", NULL,
           "Biloxi.COM", NULL, NULL, -1, true),
        OK("SiPs:b@h", TZ_URI_SIPS, TZ_HOST_NAME, "SiPs", "b", NULL, "h", NULL,
           NULL, -1, true),
        OK("sip:a%20b@h", TZ_URI_SIP, TZ_HOST_NAME, "sip", "a%20b", NULL, "h",
           NULL, NULL, -1, true),
        OK("sip:a:@h", TZ_URI_SIP, TZ_HOST_NAME, "sip", "a", NULL, "h", NULL,
           NULL, -1, true),
        OK("sip:u@h.example.com.:5070;lr;maddr=239.255.255.1?a=&b=c",
           TZ_URI_SIP, TZ_HOST_NAME, "sip", "u", NULL, "h.example.com.",
           "lr;maddr=239.255.255.1", "a=&b=c", 5070, true),
        /* RFC5118 4.1, 4.3, 4.4: IPv6 references, port inside vs outside */
        OK("sip:[2001:db8::10]", TZ_URI_SIP, TZ_HOST_IPV6, "sip", NULL, NULL,
           "[2001:db8::10]", NULL, NULL, -1, false),
        OK("sip:[2001:db8::10:5070]", TZ_URI_SIP, TZ_HOST_IPV6, "sip", NULL,
           NULL, "[2001:db8::10:5070]", NULL, NULL, -1, false),
        OK("sip:user@[2001:db8::10]:5070;transport=udp", TZ_URI_SIP,
           TZ_HOST_IPV6, "sip", "user", NULL, "[2001:db8::10]", "transport=udp",
           NULL, 5070, true),
        OK("sip:[::ffff:192.0.2.1]", TZ_URI_SIP, TZ_HOST_IPV6, "sip", NULL,
           NULL, "[::ffff:192.0.2.1]", NULL, NULL, -1, false),
        /* RFC5118 4.10: the triple colon is tolerated */
        OK("sip:[2001:db8:::192.0.2.1]", TZ_URI_SIP, TZ_HOST_IPV6, "sip", NULL,
           NULL, "[2001:db8:::192.0.2.1]", NULL, NULL, -1, false),
        /* RFC3966: tel URIs; the number lands in user */
        OK("tel:+1-201-555-0123", TZ_URI_TEL, TZ_HOST_NONE, "tel",
           "+1-201-555-0123", NULL, NULL, NULL, NULL, -1, false),
        OK("tel:7042;phone-context=example.com", TZ_URI_TEL, TZ_HOST_NONE,
           "tel", "7042", NULL, NULL, "phone-context=example.com", NULL, -1,
           false),
        OK("TEL:+358-555-1234567;postd=pp22", TZ_URI_TEL, TZ_HOST_NONE, "TEL",
           "+358-555-1234567", NULL, NULL, "postd=pp22", NULL, -1, false),
        /* RFC3261 25.1: any other absoluteURI is opaque: host = the rest */
        OK("mailto:alice@example.com", TZ_URI_OTHER, TZ_HOST_NONE, "mailto",
           NULL, NULL, "alice@example.com", NULL, NULL, -1, false),
        OK("http://www.example.com/a?b=c", TZ_URI_OTHER, TZ_HOST_NONE, "http",
           NULL, NULL, "//www.example.com/a?b=c", NULL, NULL, -1, false),
        OK("urn:service:sos", TZ_URI_OTHER, TZ_HOST_NONE, "urn", NULL, NULL,
           "service:sos", NULL, NULL, -1, false),
        OK("a1+-.:x", TZ_URI_OTHER, TZ_HOST_NONE, "a1+-.", NULL, NULL, "x",
           NULL, NULL, -1, false),

        /* scheme */
        BAD(""),
        BAD("sip"),
        BAD("sip:"),
        BAD(":alice@h"),
        BAD("1sip:h"),
        BAD("s_p:h"),
        BAD("mailto:"),
        BAD("mailto:a b"),
        BAD("http://a<b"),
        /* userinfo: user = 1*(...), no SP, valid escapes only */
        BAD("sip:@h"),
        BAD("sip:al ice@h"),
        BAD("sip:a%2@h"),
        BAD("sip:a%zz@h"),
        BAD("sip:a%@h"),
        BAD("sip:a\"b@h"),
        BAD("sip:a:p w@h"),
        /* host */
        BAD("sip:alice@"),
        BAD("sip:alice@-h.com"),
        BAD("sip:alice@h-.com"),
        BAD("sip:alice@a..com"),
        BAD("sip:alice@a_b.com"),
        BAD("sip:alice@h.123"),
        BAD("sip:alice@300.1.1.1"),
        BAD("sip:alice@1.2.3"),
        /* RFC5118 4.2: IPv6 without brackets, unterminated bracket */
        BAD("sip:user@2001:db8::10"),
        BAD("sip:[2001:db8::10"),
        BAD("sip:[2001:db8::10]x"),
        BAD("sip:[]"),
        BAD("sip:[192.0.2.1]"),
        /* port = 1*DIGIT, 0..65535 */
        BAD("sip:h:"),
        BAD("sip:h:65536"),
        BAD("sip:h:99999"),
        BAD("sip:h:5060x"),
        BAD("sip:h:-1"),
        BAD("sip:h:50:60"),
        /* uri-parameters: pname and pvalue are 1*paramchar */
        BAD("sip:h;"),
        BAD("sip:h;;lr"),
        BAD("sip:h;=x"),
        BAD("sip:h;a="),
        BAD("sip:h;a=b;"),
        BAD("sip:h;a b"),
        BAD("sip:h;a=%g0"),
        /* headers = "?" header *( "&" header ); header = hname "=" hvalue */
        BAD("sip:h?"),
        BAD("sip:h?a"),
        BAD("sip:h?=b"),
        BAD("sip:h?a=b&"),
        BAD("sip:h?a=b&&c=d"),
        BAD("sip:h?a=b c"),
        /* tel */
        BAD("tel:"),
        BAD("tel:+"),
        BAD("tel:12 34"),
        BAD("tel:12a@b"),
        BAD("tel:+1234;"),
        /* RFC3966 3: a number has digits; a global one no hex, * or # */
        BAD("tel:---"),
        BAD("tel:+()"),
        BAD("tel:+1-2a"),
        BAD("tel:+12#"),
};

static int span_is(const char *base, struct tz_span s, const char *want)
{
	if (!want)
		return s.len == 0;
	return s.len == strlen(want) && memcmp(base + s.off, want, s.len) == 0;
}

/*
 * Each URI is parsed where it sits inside a larger buffer ("<" uri ">"), so
 * spans must be relative to the base and nothing past the span is read.
 */
static int test_uri_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(uri_cases) / sizeof(uri_cases[0]); i++) {
		const struct uri_case *c = &uri_cases[i];
		char buf[256];
		struct tz_uri u;
		int n, ret;

		n = snprintf(buf, sizeof(buf), "<%s>", c->in);
		TZ_EXPECT(n > 0 && (size_t)n < sizeof(buf));
		memset(&u, 0xa5, sizeof(u));
		ret = tz_uri_parse(&u, buf, 1, (uint32_t)strlen(c->in));
		if (ret != c->ret) {
			fprintf(stderr,
			        "case %zu \"%s\": ret %d, expected %d\n", i,
			        c->in, ret, c->ret);
			tz_test_fails++;
			continue;
		}
		if (ret)
			continue;
		if (u.scheme != c->scheme || u.host_type != c->host_type ||
		    u.port != c->port || u.has_userinfo != c->has_userinfo ||
		    !span_is(buf, u.scheme_s, c->scheme_s) ||
		    !span_is(buf, u.user, c->user) ||
		    !span_is(buf, u.password, c->password) ||
		    !span_is(buf, u.host, c->host) ||
		    !span_is(buf, u.params, c->params) ||
		    !span_is(buf, u.headers, c->headers)) {
			fprintf(stderr,
			        "case %zu \"%s\": scheme %d host_type %d "
			        "port %d userinfo %d user \"%.*s\" pw \"%.*s\" "
			        "host \"%.*s\" params \"%.*s\" headers "
			        "\"%.*s\"\n",
			        i, c->in, (int)u.scheme, (int)u.host_type,
			        (int)u.port, (int)u.has_userinfo,
			        (int)u.user.len, buf + u.user.off,
			        (int)u.password.len, buf + u.password.off,
			        (int)u.host.len, buf + u.host.off,
			        (int)u.params.len, buf + u.params.off,
			        (int)u.headers.len, buf + u.headers.off);
			tz_test_fails++;
		}
	}
	return 0;
}

/* The span bounds the URI: bytes after it are not part of it. */
static int test_uri_span_bounds(void)
{
	static const char buf[] = "sip:alice@atlanta.com:5060;lr?x=y";
	struct tz_uri u;

	/* only "sip:alice@atlanta.com:50" */
	TZ_EXPECT_INT(tz_uri_parse(&u, buf, 0, 24), 0);
	TZ_EXPECT_INT(u.port, 50);
	TZ_EXPECT_SPAN(buf, u.host, "atlanta.com");
	TZ_EXPECT_INT(u.params.len, 0);
	TZ_EXPECT_INT(u.headers.len, 0);
	/* "sip:" alone */
	TZ_EXPECT_INT(tz_uri_parse(&u, buf, 0, 4), -EBADMSG);
	/* "alice@atlanta.com" has no scheme */
	TZ_EXPECT_INT(tz_uri_parse(&u, buf, 4, 17), -EBADMSG);
	TZ_EXPECT_INT(tz_uri_parse(&u, buf, 0, 0), -EBADMSG);
	return 0;
}

static const struct {
	const char *in;
	enum tz_host_type type;
} host_cases[] = {
        {"example.com", TZ_HOST_NAME},
        {"EXAMPLE.com", TZ_HOST_NAME},
        {"example.com.", TZ_HOST_NAME},
        {"a", TZ_HOST_NAME},
        {"a-b.c-d", TZ_HOST_NAME},
        {"1example.com", TZ_HOST_NAME},
        {"x1", TZ_HOST_NAME},
        {"a.b9", TZ_HOST_NAME},
        {"192.0.2.1", TZ_HOST_IPV4},
        {"0.0.0.0", TZ_HOST_IPV4},
        {"255.255.255.255", TZ_HOST_IPV4},
        {"[::1]", TZ_HOST_IPV6},
        {"[2001:db8::9:1]", TZ_HOST_IPV6},
        {"[2001:db8:::192.0.2.1]", TZ_HOST_IPV6},
        {"[::ffff:192.0.2.1]", TZ_HOST_IPV6},
        {"", TZ_HOST_NONE},
        {".", TZ_HOST_NONE},
        {"example..com", TZ_HOST_NONE},
        {".example.com", TZ_HOST_NONE},
        {"-example.com", TZ_HOST_NONE},
        {"example-.com", TZ_HOST_NONE},
        {"example.-com", TZ_HOST_NONE},
        {"exa_mple.com", TZ_HOST_NONE},
        {"exa mple.com", TZ_HOST_NONE},
        {"example.com..", TZ_HOST_NONE},
        /* toplabel starts with ALPHA */
        {"example.1com", TZ_HOST_NONE},
        {"123", TZ_HOST_NONE},
        /* RFC5954 4.1 dec-octet: at most 255 */
        {"256.0.0.1", TZ_HOST_NONE},
        {"192.0.2", TZ_HOST_NONE},
        {"192.0.2.1.", TZ_HOST_NONE},
        {"192.0.2.1.5", TZ_HOST_NONE},
        {"1234.0.0.1", TZ_HOST_NONE},
        /* IPv6 needs its brackets here */
        {"::1", TZ_HOST_NONE},
        {"2001:db8::1", TZ_HOST_NONE},
        {"[::1", TZ_HOST_NONE},
        {"::1]", TZ_HOST_NONE},
        {"[]", TZ_HOST_NONE},
        {"[example.com]", TZ_HOST_NONE},
        {"[192.0.2.1]", TZ_HOST_NONE},
        {"[::1]:5060", TZ_HOST_NONE},
        {"example.com:5060", TZ_HOST_NONE},
};

static int test_host_check(void)
{
	size_t i;

	for (i = 0; i < sizeof(host_cases) / sizeof(host_cases[0]); i++) {
		const char *s = host_cases[i].in;
		enum tz_host_type t = tz_host_check(s, strlen(s));
		if (t != host_cases[i].type) {
			fprintf(stderr, "host \"%s\": %d, expected %d\n", s,
			        (int)t, (int)host_cases[i].type);
			tz_test_fails++;
		}
	}
	/* the length bounds the check: "a.com" inside "a.com!" */
	TZ_EXPECT_INT(tz_host_check("a.com!", 5), TZ_HOST_NAME);
	TZ_EXPECT_INT(tz_host_check("10.0.0.1x", 8), TZ_HOST_IPV4);
	TZ_EXPECT_INT(tz_host_check("[::1]]", 5), TZ_HOST_IPV6);
	return 0;
}

static const struct {
	const char *in;
	bool ok;
} ipv4_cases[] = {
        {"192.0.2.1", true},   {"0.0.0.0", true},    {"255.255.255.255", true},
        {"1.22.133.4", true},  {"", false},          {"1", false},
        {"1.2.3", false},      {"1.2.3.", false},    {"1.2.3.4.", false},
        {".1.2.3", false},     {"1..2.3", false},    {"1.2.3.4.5", false},
        {"256.1.1.1", false},  {"1.2.3.256", false}, {"1.2.3.999", false},
        {"1.2.3.1000", false}, {"a.b.c.d", false},   {"1.2.3.4a", false},
        {" 1.2.3.4", false},   {"1.2.3.4 ", false},  {"1.2.-3.4", false},
        {"::1", false},
};

static int test_ipv4_check(void)
{
	size_t i;

	for (i = 0; i < sizeof(ipv4_cases) / sizeof(ipv4_cases[0]); i++) {
		const char *s = ipv4_cases[i].in;
		if (tz_ipv4_check(s, strlen(s)) != ipv4_cases[i].ok) {
			fprintf(stderr, "ipv4 \"%s\": expected %d\n", s,
			        (int)ipv4_cases[i].ok);
			tz_test_fails++;
		}
	}
	/* the length bounds the check */
	TZ_EXPECT(tz_ipv4_check("1.2.3.45", 7));
	TZ_EXPECT(!tz_ipv4_check("1.2.3.4", 6));
	return 0;
}

static const struct {
	const char *in;
	bool ok;
} ipv6_cases[] = {
        {"::1", true},
        {"::", true},
        {"2001:db8::1", true},
        {"2001:DB8::A:b", true},
        {"2001:db8:0:0:0:0:0:1", true},
        {"1:2:3:4:5:6:7:8", true},
        {"fe80::", true},
        {"::ffff:192.0.2.1", true},
        {"2001:db8::192.0.2.1", true},
        {"1:2:3:4:5:6:192.0.2.1", true},
        /* RFC5118 4.10: tolerated */
        {"2001:db8:::192.0.2.1", true},
        {"", false},
        {":", false},
        {"1", false},
        {"1:2", false},
        {"2001:db8::g", false},
        {"2001:db8:: 1", false},
        {"[::1]", false},
        {"192.0.2.1", false},
        {"::192.0.2", false},
        {"::192.0.2.256", false},
        {"::1.2.3.4.5", false},
        {"::1.2.3.4:5", false},
        {"2001:db8::1%eth0", false},
        /* RFC3261 25.1: hex4 = 1*4HEXDIG */
        {"12345::1", false},
        {"2001:db8::10000", false},
        /* RFC3261 25.1 hexpart: at most one "::" */
        {"1::2::3", false},
};

static int test_ipv6_check(void)
{
	size_t i;

	for (i = 0; i < sizeof(ipv6_cases) / sizeof(ipv6_cases[0]); i++) {
		const char *s = ipv6_cases[i].in;
		if (tz_ipv6_check(s, strlen(s)) != ipv6_cases[i].ok) {
			fprintf(stderr, "ipv6 \"%s\": expected %d\n", s,
			        (int)ipv6_cases[i].ok);
			tz_test_fails++;
		}
	}
	/* the length bounds the check */
	TZ_EXPECT(tz_ipv6_check("::1]", 3));
	TZ_EXPECT(!tz_ipv6_check("::1", 1));
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_uri_table),  TZ_TEST(test_uri_span_bounds),
        TZ_TEST(test_host_check), TZ_TEST(test_ipv4_check),
        TZ_TEST(test_ipv6_check),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
