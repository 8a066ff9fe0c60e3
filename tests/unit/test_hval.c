/*
 * test_hval.c  Typed header value decoders (tz_hval.h) against RFC 3261 20
 * and 25.1, RFC 3262, 3325, 3326, 3327, 3515, 3608, 3891, 3892, 4028,
 * 5626, 6665, 7616 and the RFC 4475 torture values they concern.
 *
 * Each table row is a value, the return expected (for lists: 0 when the
 * iteration ended with -ENOENT, else the error that stopped it) and a
 * rendering of every decoded field (for lists, elements joined by " | ",
 * including those decoded before an error). Every row runs twice: at
 * offset 0 with the value alone, and embedded in a buffer between a header
 * name and trailing bytes that a decoder reading past the value's end
 * would trip on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "tz_test.h"
#include "tz/tz_hval.h"
#include "tz/tz_msg.h"

/* ---- rendering ---- */

struct out {
	char s[1024];
	size_t n;
};

__attribute__((format(printf, 2, 3))) static void ap(struct out *o,
                                                     const char *fmt, ...)
{
	va_list va;
	int k;

	if (o->n >= sizeof(o->s))
		return;
	va_start(va, fmt);
	k = vsnprintf(o->s + o->n, sizeof(o->s) - o->n, fmt, va);
	va_end(va);
	if (k > 0)
		o->n += (size_t)k;
}

/* Append " key=span" when the span is non-empty. */
static void aps(struct out *o, const char *key, const char *b, struct tz_span s)
{
	if (s.len)
		ap(o, " %s=%.*s", key, (int)s.len, b + s.off);
}

/* Separate list elements. */
static void sep(struct out *o)
{
	if (o->n)
		ap(o, " | ");
}

#define S(b, s) (int)(s).len, (b) + (s).off

/* A decoder under test: decodes @v of @b and renders it into @o. */
struct hv_case {
	const char *in;
	int ret;
	const char *want;
};

static void run_table(const char *what, const struct hv_case *c, size_t n,
                      int (*fn)(const char *b, struct tz_span v, struct out *o))
{
	static const char pre[] = "X-Hdr: ", post[] = ",<;\"x\r\n";
	static char buf[2048];
	size_t i;
	int pass;

	for (i = 0; i < n; i++) {
		size_t len = strlen(c[i].in);
		for (pass = 0; pass < 2; pass++) {
			struct out o = {.n = 0};
			struct tz_span v = {0, (uint32_t)len};
			const char *b = c[i].in;
			int ret;

			o.s[0] = '\0';
			if (pass) {
				memcpy(buf, pre, sizeof(pre) - 1);
				memcpy(buf + sizeof(pre) - 1, c[i].in, len);
				memcpy(buf + sizeof(pre) - 1 + len, post,
				       sizeof(post));
				v.off = sizeof(pre) - 1;
				b = buf;
			}
			ret = fn(b, v, &o);
			if (ret != c[i].ret || strcmp(o.s, c[i].want) != 0) {
				if (!tz_test_quiet)
					fprintf(stderr,
					        "%s case %zu pass %d \"%s\":\n"
					        "  got  %d \"%s\"\n"
					        "  want %d \"%s\"\n",
					        what, i, pass, c[i].in, ret,
					        o.s, c[i].ret, c[i].want);
				tz_test_fails++;
			}
		}
	}
}

#define RUN(what, table, fn)                                                   \
	run_table(what, table, sizeof(table) / sizeof(table[0]), fn)

/* List runs end with -ENOENT; a table says 0 for that. */
static int list_ret(int err)
{
	return err == -ENOENT ? 0 : err;
}

/* ---- shared pieces ---- */

static const struct {
	const char *in;
	int ret;
	unsigned q;
} qvalues[] = {
        {"0", 0, 0},
        {"1", 0, 1000},
        {"0.5", 0, 500},
        {"0.05", 0, 50},
        {"0.005", 0, 5},
        {"0.123", 0, 123},
        {"0.", 0, 0},
        {"1.", 0, 1000},
        {"1.0", 0, 1000},
        {"1.000", 0, 1000},
        {" 0.7 ", 0, 700},
        {"0.999", 0, 999},
        {"1.5", -EBADMSG, 0},
        {"1.001", -EBADMSG, 0},
        {"1.0000", -EBADMSG, 0},
        {"0.1234", -EBADMSG, 0},
        {".5", -EBADMSG, 0},
        {"2", -EBADMSG, 0},
        {"01", -EBADMSG, 0},
        {"", -EBADMSG, 0},
        {"0.5x", -EBADMSG, 0},
        {"-0", -EBADMSG, 0},
        {"0 .5", -EBADMSG, 0},
};

static int test_qvalue(void)
{
	size_t i;

	for (i = 0; i < sizeof(qvalues) / sizeof(qvalues[0]); i++) {
		const char *in = qvalues[i].in;
		uint16_t q = 4242;
		int ret = tz_qvalue_decode(
		        in, (struct tz_span){0, (uint32_t)strlen(in)}, &q);
		if (ret != qvalues[i].ret || (ret == 0 && q != qvalues[i].q)) {
			fprintf(stderr, "qvalue \"%s\": %d q=%u\n", in, ret,
			        (unsigned)q);
			tz_test_fails++;
		}
		if (ret)
			TZ_EXPECT_INT(q, 4242); /* untouched on error */
	}
	return 0;
}

static const struct {
	const char *in;
	size_t len; /* 0: strlen */
	size_t cap;
	int ret;
	const char *out;
	size_t outlen;
} unq[] = {
        {"\"abc\"", 0, 16, 0, "abc", 3},
        {"abc", 0, 16, 0, "abc", 3},
        {"\"a\\\"b\\\\c\"", 0, 16, 0, "a\"b\\c", 5},
        {"a\\\"b", 0, 16, 0, "a\"b", 3},
        {"\"\"", 0, 16, 0, "", 0},
        {"", 0, 1, 0, "", 0},
        /* RFC3261 7.3.1: a fold keeps its WSP */
        {"\"a\r\n b\"", 0, 16, 0, "a b", 3},
        {"\"a\r\n\tb\"", 0, 16, 0, "a\tb", 3},
        /* an escaped NUL is a byte like any other (RFC 4475 3.1.1.2) */
        {"\"a\\\0b\"", 6, 16, 0, "a\0b", 3},
        {"\"\xc3\xa4\"", 0, 16, 0, "\xc3\xa4", 2},
        /* bounds: the NUL terminator must fit too */
        {"\"abc\"", 0, 4, 0, "abc", 3},
        {"\"abc\"", 0, 3, -EOVERFLOW, NULL, 0},
        {"abc", 0, 0, -EOVERFLOW, NULL, 0},
        {"", 0, 0, -EOVERFLOW, NULL, 0},
        /* malformed */
        {"\"abc", 0, 16, -EBADMSG, NULL, 0},
        {"\"abc\"x", 0, 16, -EBADMSG, NULL, 0},
        {"a\"b", 0, 16, -EBADMSG, NULL, 0},
        {"abc\\", 0, 16, -EBADMSG, NULL, 0},
        {"a\\\r\n b", 0, 16, -EBADMSG, NULL, 0},
        {"a\r\nb", 0, 16, -EBADMSG, NULL, 0},
        {"a\rb", 0, 16, -EBADMSG, NULL, 0},
        {"a\x01z", 0, 16, -EBADMSG, NULL, 0},
        {"a\\\xc3\xa4", 0, 16, -EBADMSG, NULL, 0},
};

static int test_qstr_unescape(void)
{
	size_t i;

	for (i = 0; i < sizeof(unq) / sizeof(unq[0]); i++) {
		size_t len = unq[i].len ? unq[i].len : strlen(unq[i].in);
		char dst[16];
		size_t n = 99;
		int ret;

		memset(dst, 'Z', sizeof(dst));
		ret = tz_qstr_unescape(dst, unq[i].cap, &n, unq[i].in,
		                       (struct tz_span){0, (uint32_t)len});
		if (ret != unq[i].ret) {
			fprintf(stderr, "unescape case %zu: %d, want %d\n", i,
			        ret, unq[i].ret);
			tz_test_fails++;
			continue;
		}
		if (ret) {
			TZ_EXPECT_INT(n, 99);
			continue;
		}
		TZ_EXPECT_INT(n, unq[i].outlen);
		TZ_EXPECT(memcmp(dst, unq[i].out, n) == 0);
		TZ_EXPECT_INT(dst[n], '\0');
	}
	return 0;
}

static int test_pct_unescape(void)
{
	static const char v[] = "12345%40192.168.118.3%3bto-tag%3D1";
	char dst[64];
	size_t n = 0;

	TZ_EXPECT_INT(tz_pct_unescape(dst, sizeof(dst), &n, v,
	                              (struct tz_span){0, sizeof(v) - 1}),
	              0);
	TZ_EXPECT_MEM(dst, n, "12345@192.168.118.3;to-tag=1");
	TZ_EXPECT_INT(dst[n], '\0');
	TZ_EXPECT_INT(tz_pct_unescape(dst, sizeof(dst), &n, "a%00b",
	                              (struct tz_span){0, 5}),
	              0);
	TZ_EXPECT_INT(n, 3);
	TZ_EXPECT(memcmp(dst, "a\0b", 3) == 0);
	/* "%4" cut by the span end even though a digit follows it */
	TZ_EXPECT_INT(tz_pct_unescape(dst, sizeof(dst), &n, "a%41",
	                              (struct tz_span){0, 3}),
	              -EBADMSG);
	TZ_EXPECT_INT(tz_pct_unescape(dst, sizeof(dst), &n, "%zz",
	                              (struct tz_span){0, 3}),
	              -EBADMSG);
	TZ_EXPECT_INT(tz_pct_unescape(dst, sizeof(dst), &n, "%",
	                              (struct tz_span){0, 1}),
	              -EBADMSG);
	TZ_EXPECT_INT(
	        tz_pct_unescape(dst, 3, &n, "abc", (struct tz_span){0, 3}),
	        -EOVERFLOW);
	TZ_EXPECT_INT(
	        tz_pct_unescape(dst, 4, &n, "%61bc", (struct tz_span){0, 5}),
	        0);
	TZ_EXPECT_MEM(dst, n, "abc");
	return 0;
}

static int test_list_enter(void)
{
	static const struct {
		const char *in;
		uint32_t from;
		int ret;
		bool first;
		uint32_t pos;
	} c[] = {
	        {"a", 0, 0, true, 0},
	        {"  a", 0, 0, true, 2},
	        {"x, a", 1, 0, false, 3},
	        {"x\r\n ,\r\n\ta", 1, 0, false, 8},
	        {"", 0, -ENOENT, true, 0},
	        {"x  ", 1, -ENOENT, true, 1},
	        {"x,", 1, -EBADMSG, false, 1},
	        {"x, ,a", 1, -EBADMSG, false, 1},
	        {"x,,a", 1, -EBADMSG, false, 1},
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint32_t pos = c[i].from;
		bool first = !c[i].first;
		int ret = tz_list_enter(c[i].in, &pos,
		                        (uint32_t)strlen(c[i].in), &first);
		if (ret != c[i].ret || pos != c[i].pos ||
		    (ret != -ENOENT && first != c[i].first)) {
			fprintf(stderr, "list_enter case %zu: %d pos %u\n", i,
			        ret, pos);
			tz_test_fails++;
		}
	}
	return 0;
}

static int test_param_find(void)
{
	static const char v[] = "<sip:a@b;lr>;Tag=x ; q = 0.5;flag;"
	                        "c=\"a;b\"";
	struct tz_naddr na;
	struct tz_param prm;
	uint32_t pos = 0;

	TZ_EXPECT_INT(tz_naddr_decode(&na, v, &pos, sizeof(v) - 1, false), 0);
	TZ_EXPECT_INT(tz_param_find(v, na.params, "tag", &prm), 0);
	TZ_EXPECT_SPAN(v, prm.value, "x");
	TZ_EXPECT_INT(tz_param_find(v, na.params, "Q", &prm), 0);
	TZ_EXPECT_SPAN(v, prm.name, "q");
	TZ_EXPECT_SPAN(v, prm.value, "0.5");
	TZ_EXPECT_INT(tz_param_find(v, na.params, "flag", &prm), 0);
	TZ_EXPECT(!prm.has_value);
	TZ_EXPECT_INT(tz_param_find(v, na.params, "c", &prm), 0);
	TZ_EXPECT_SPAN(v, prm.value, "\"a;b\"");
	TZ_EXPECT_SPAN(v, tz_span_unquote(v, prm.value), "a;b");
	/* the URI's own lr is not a header param */
	TZ_EXPECT_INT(tz_param_find(v, na.params, "lr", &prm), -ENOENT);
	TZ_EXPECT_INT(tz_param_find(v, (struct tz_span){0, 0}, "x", &prm),
	              -ENOENT);
	TZ_EXPECT_INT(tz_param_find("junk", (struct tz_span){0, 4}, "x", &prm),
	              -EBADMSG);
	TZ_EXPECT_INT(tz_param_find(";a;;b", (struct tz_span){0, 5}, "b", &prm),
	              -EBADMSG);
	TZ_EXPECT(tz_span_is_token("100rel", (struct tz_span){0, 6}));
	TZ_EXPECT(!tz_span_is_token("a b", (struct tz_span){0, 3}));
	TZ_EXPECT(!tz_span_is_token("a", (struct tz_span){0, 0}));
	TZ_EXPECT_SPAN("\"\"", tz_span_unquote("\"\"", (struct tz_span){0, 2}),
	               "");
	TZ_EXPECT_SPAN("\"a", tz_span_unquote("\"a", (struct tz_span){0, 2}),
	               "\"a");
	return 0;
}

/* ---- Contact ---- */

static int r_contact(const char *b, struct tz_span v, struct out *o)
{
	uint32_t pos = v.off, end = v.off + v.len;
	struct tz_contact c;
	int err;

	for (;;) {
		err = tz_contact_next(&c, b, &pos, end);
		if (err && err != -ERANGE)
			break;
		sep(o);
		if (c.star) {
			ap(o, "*");
			continue;
		}
		if (c.na.dname.len)
			ap(o, "dn=%.*s ", S(b, c.na.dname));
		ap(o, "uri=%.*s", S(b, c.na.uri));
		if (c.has_q)
			ap(o, " q=%u", (unsigned)c.q);
		else if (c.q != 1000)
			ap(o, " BADQ");
		if (c.has_expires)
			ap(o, " exp=%u", c.expires);
		if (c.has_instance)
			ap(o, " inst=%.*s", S(b, c.instance));
		if (c.has_reg_id)
			ap(o, " reg=%u/%.*s", c.reg_id_value, S(b, c.reg_id));
		if (err)
			ap(o, " ERANGE");
	}
	return list_ret(err);
}

static const struct hv_case contact_cases[] = {
        {"*", 0, "*"},
        {" *\r\n ", 0, "*"},
        /* RFC3261 20.10 example */
        {"\"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>\r\n"
         "   ;q=0.7; expires=3600,\r\n"
         "   \"Mr. Watson\" <mailto:watson@bell-telephone.com> ;q=0.1",
         0,
         "dn=\"Mr. Watson\" uri=sip:watson@worcester.bell-telephone.com "
         "q=700 exp=3600 | dn=\"Mr. Watson\" "
         "uri=mailto:watson@bell-telephone.com q=100"},
        {"sip:a@b;q=1.000", 0, "uri=sip:a@b q=1000"},
        {"<sip:a@b>;q=0.5", 0, "uri=sip:a@b q=500"},
        {"<sip:a@b>;Q=0", 0, "uri=sip:a@b q=0"},
        {"<sip:a@b>;q=1.", 0, "uri=sip:a@b q=1000"},
        {"sip:a@b ;expires=0", 0, "uri=sip:a@b exp=0"},
        {"<sip:a@b>;EXPIRES=4294967295", 0, "uri=sip:a@b exp=4294967295"},
        {"<sip:a@b;expires=5>", 0, "uri=sip:a@b;expires=5"},
        /* RFC5626 4.1 */
        {"<sip:line1@192.0.2.2;transport=tcp>; reg-id=1;\r\n"
         " +sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\"",
         0,
         "uri=sip:line1@192.0.2.2;transport=tcp "
         "inst=<urn:uuid:00000000-0000-1000-8000-000A95A0E128> reg=1/1"},
        {"<sip:a@b>;reg-id=2147483647", 0,
         "uri=sip:a@b reg=2147483647/2147483647"},
        /* folds and LWS around separators */
        {"<sip:a@b>\r\n ;q=0.3 ,\r\n\t<sip:c@d>", 0,
         "uri=sip:a@b q=300 | uri=sip:c@d"},
        {"<sip:a@b> , sip:c@d;q=0.25,<sip:e@f>", 0,
         "uri=sip:a@b | uri=sip:c@d q=250 | uri=sip:e@f"},
        {"", 0, ""},
        /* RFC 4475 3.1.2.4: too large, the rest still readable */
        {"<sip:user@host129.example.com>\r\n  ;expires=280297596632815", 0,
         "uri=sip:user@host129.example.com ERANGE"},
        {"<sip:a@b>;expires=4294967296;q=0.5, <sip:c@d>;expires=7", 0,
         "uri=sip:a@b q=500 ERANGE | uri=sip:c@d exp=7"},
        /* RFC3261 25.1 qvalue */
        {"<sip:a@b>;q=1.5", -EBADMSG, ""},
        {"<sip:a@b>;q=0.0001", -EBADMSG, ""},
        {"<sip:a@b>;q=.5", -EBADMSG, ""},
        {"<sip:a@b>;q", -EBADMSG, ""},
        {"<sip:a@b>;q=", -EBADMSG, ""},
        {"<sip:a@b>;q=0.5;q=0.5", -EBADMSG, ""},
        {"<sip:a@b>;expires", -EBADMSG, ""},
        {"<sip:a@b>;expires=-1", -EBADMSG, ""},
        {"<sip:a@b>;expires=1;expires=1", -EBADMSG, ""},
        {"<sip:a@b>;expires=99999999999;expires=1", -EBADMSG, ""},
        {"<sip:a@b>;+sip.instance=abc", -EBADMSG, ""},
        {"<sip:a@b>;+sip.instance=\"abc\"", -EBADMSG, ""},
        {"<sip:a@b>;+sip.instance", -EBADMSG, ""},
        {"<sip:a@b>;+sip.instance=\"<a>\";+sip.instance=\"<a>\"", -EBADMSG, ""},
        {"<sip:a@b>;reg-id=0", -EBADMSG, ""},
        {"<sip:a@b>;reg-id=2147483648", -EBADMSG, ""},
        {"<sip:a@b>;reg-id=x", -EBADMSG, ""},
        {"<sip:a@b>;reg-id=1;reg-id=2", -EBADMSG, ""},
        /* STAR is the whole value */
        {"*, <sip:a@b>", -EBADMSG, ""},
        {"<sip:a@b>, *", -EBADMSG, "uri=sip:a@b"},
        {"*;expires=0", -EBADMSG, ""},
        {"**", -EBADMSG, ""},
        /* list structure */
        {"<sip:a@b>,", -EBADMSG, "uri=sip:a@b"},
        {"<sip:a@b>,,<sip:c@d>", -EBADMSG, "uri=sip:a@b"},
        {"<sip:a@b> <sip:c@d>", -EBADMSG, ""},
        {"<sip:a@b", -EBADMSG, ""},
        {"sip:a@b?x=y", -EBADMSG, ""},
        /* RFC 4475 3.1.2.1 (badinv01): an empty param */
        {"\"Joe\" <sip:joe@example.org>;;;;", -EBADMSG, ""},
        /* RFC 4475 3.1.1.1 (wsinv): folds and LWS around ; and = */
        {"\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n"
         "      newvalue ;\r\n  secondparam ; q = 0.33",
         0, "dn=\"Quoted string \\\"\\\"\" uri=sip:jdrosen@example.com q=330"},
};

static int test_contact(void)
{
	RUN("contact", contact_cases, r_contact);
	return 0;
}

/* RFC 4475 3.3.12, 3.3.13: where unknownparam belongs */
static int test_contact_cparam(void)
{
	static const char c1[] =
	        "sip:+19725552222@gw1.example.net;unknownparam";
	static const char c2[] =
	        "<sip:+19725552222@gw1.example.net;unknownparam>";
	struct tz_contact c;
	uint32_t pos = 0;

	TZ_EXPECT_INT(tz_contact_next(&c, c1, &pos, sizeof(c1) - 1), 0);
	TZ_EXPECT_SPAN(c1, c.na.params, ";unknownparam");
	TZ_EXPECT_INT(c.na.u.params.len, 0);
	TZ_EXPECT_INT(tz_contact_next(&c, c1, &pos, sizeof(c1) - 1), -ENOENT);
	pos = 0;
	TZ_EXPECT_INT(tz_contact_next(&c, c2, &pos, sizeof(c2) - 1), 0);
	TZ_EXPECT_INT(c.na.params.len, 0);
	TZ_EXPECT_SPAN(c2, c.na.u.params, "unknownparam");
	return 0;
}

/* ---- Route family and P-Asserted-Identity ---- */

static void r_naddr(const char *b, const struct tz_naddr *na, struct out *o)
{
	sep(o);
	if (na->dname.len)
		ap(o, "dn=%.*s ", S(b, na->dname));
	ap(o, "%.*s", S(b, na->uri));
	aps(o, "P", b, na->params);
}

static int r_route(const char *b, struct tz_span v, struct out *o)
{
	uint32_t pos = v.off, end = v.off + v.len;
	struct tz_naddr na;
	int err;

	while ((err = tz_route_next(&na, b, &pos, end)) == 0)
		r_naddr(b, &na, o);
	return list_ret(err);
}

static int r_pid(const char *b, struct tz_span v, struct out *o)
{
	uint32_t pos = v.off, end = v.off + v.len;
	struct tz_naddr na;
	int err;

	while ((err = tz_pid_next(&na, b, &pos, end)) == 0)
		r_naddr(b, &na, o);
	return list_ret(err);
}

static const struct hv_case route_cases[] = {
        {"<sip:p1.example.com;lr>,<sip:p2.example.com;lr>", 0,
         "sip:p1.example.com;lr | sip:p2.example.com;lr"},
        {"<sip:p1;lr>\r\n ,  \"Proxy 2\" <sip:p2>;x=1", 0,
         "sip:p1;lr | dn=\"Proxy 2\" sip:p2 P=;x=1"},
        /* RFC3327 5 (Path) and RFC3608 (Service-Route) examples */
        {"<sip:P3.EXAMPLEHOME.COM;lr>,<sip:P1.EXAMPLEVISITED.COM;lr>", 0,
         "sip:P3.EXAMPLEHOME.COM;lr | sip:P1.EXAMPLEVISITED.COM;lr"},
        {"<sip:orig@P2.HOME.EXAMPLE.COM;lr>,<sip:orig@HSP.HOME.EXAMPLE.COM;lr>",
         0,
         "sip:orig@P2.HOME.EXAMPLE.COM;lr | "
         "sip:orig@HSP.HOME.EXAMPLE.COM;lr"},
        {"", 0, ""},
        /* RFC3261 25.1: route-param = name-addr *( SEMI rr-param ) */
        {"sip:p1;lr", -EBADMSG, ""},
        {"<sip:p1>, sip:p2", -EBADMSG, "sip:p1"},
        {"<sip:p1>,", -EBADMSG, "sip:p1"},
        {"<sip:p1> ; ", -EBADMSG, ""},
        {"<sip:p1>;lr <sip:p2>", -EBADMSG, ""},
};

static const struct hv_case pid_cases[] = {
        /* RFC3325 9.1 */
        {"\"Cullen Jennings\" <sip:fluffy@cisco.com>, tel:+14085264000", 0,
         "dn=\"Cullen Jennings\" sip:fluffy@cisco.com | tel:+14085264000"},
        {"<sip:alice@atlanta.example.com>", 0, "sip:alice@atlanta.example.com"},
        {"sip:a@b;x", 0, "sip:a@b P=;x"},
        {"<sip:a@b>,\r\n <tel:+1234>", 0, "sip:a@b | tel:+1234"},
        {"<sip:a@b>, ,<sip:c@d>", -EBADMSG, "sip:a@b"},
        {"Alice sip:a@b", -EBADMSG, ""},
        {"<sip:a@b>;", -EBADMSG, ""},
};

static int test_route(void)
{
	RUN("route", route_cases, r_route);
	RUN("pid", pid_cases, r_pid);
	return 0;
}

/* ---- numbers ---- */

static int r_expires(const char *b, struct tz_span v, struct out *o)
{
	uint32_t n = 77;
	int err = tz_expires_decode(&n, b, v);

	if (!err)
		ap(o, "%u", n);
	return err;
}

static const struct hv_case expires_cases[] = {
        {"3600", 0, "3600"},
        {" 0 ", 0, "0"},
        {"\r\n 60", 0, "60"},
        {"007", 0, "7"},
        {"4294967295", 0, "4294967295"},
        {"4294967296", -ERANGE, ""},
        /* RFC 4475 3.1.2.4 (scalar02) */
        {"1000000000000000000000000000000000000000000000000000000000000000000"
         "0000000000000000000000000000000000",
         -ERANGE, ""},
        {"-1", -EBADMSG, ""},
        {"", -EBADMSG, ""},
        {"12 34", -EBADMSG, ""},
        {"60;x", -EBADMSG, ""},
        {"0x10", -EBADMSG, ""},
};

static int r_rseq(const char *b, struct tz_span v, struct out *o)
{
	uint32_t n = 77;
	int err = tz_rseq_decode(&n, b, v);

	if (!err)
		ap(o, "%u", n);
	return err;
}

static const struct hv_case rseq_cases[] = {
        {"988789", 0, "988789"},
        {"1", 0, "1"},
        {"2147483647", 0, "2147483647"},
        {"0", -ERANGE, ""},
        {"2147483648", -ERANGE, ""},
        {"1a", -EBADMSG, ""},
        {"", -EBADMSG, ""},
};

static int r_rack(const char *b, struct tz_span v, struct out *o)
{
	struct tz_rack r;
	int err = tz_rack_decode(&r, b, v);

	if (!err)
		ap(o, "%u %u %.*s", r.rseq, r.cseq, S(b, r.method));
	return err;
}

static const struct hv_case rack_cases[] = {
        /* RFC3262 7.2 example */
        {"776656 1 INVITE", 0, "776656 1 INVITE"},
        {"776656\r\n 1\r\n\tINVITE ", 0, "776656 1 INVITE"},
        {"1 4294967295 UPDATE", 0, "1 4294967295 UPDATE"},
        {"0 1 INVITE", -ERANGE, ""},
        {"2147483648 1 INVITE", -ERANGE, ""},
        {"1 4294967296 INVITE", -ERANGE, ""},
        {"1 1", -EBADMSG, ""},
        {"1INVITE", -EBADMSG, ""},
        {"1 x INVITE", -EBADMSG, ""},
        {"1 1 INVITE x", -EBADMSG, ""},
        {"99999999999 1 INV@TE", -EBADMSG, ""},
        {"", -EBADMSG, ""},
};

static int r_se(const char *b, struct tz_span v, struct out *o)
{
	struct tz_session_expires se;
	int err = tz_session_expires_decode(&se, b, v);

	if (!err) {
		ap(o, "%u r=%d", se.delta, (int)se.refresher);
		aps(o, "p", b, se.params);
	}
	return err;
}

static const struct hv_case se_cases[] = {
        /* RFC4028 4 and 10 */
        {"4000;refresher=uac", 0, "4000 r=1 p=;refresher=uac"},
        {"1800", 0, "1800 r=0"},
        {"90 ; refresher = UAS ; x", 0, "90 r=2 p=; refresher = UAS ; x"},
        {"3600\r\n ;refresher=uas", 0, "3600 r=2 p=;refresher=uas"},
        {";refresher=uac", -EBADMSG, ""},
        {"1800;refresher=foo", -EBADMSG, ""},
        {"1800;refresher", -EBADMSG, ""},
        {"1800;refresher=uac;refresher=uas", -EBADMSG, ""},
        {"1800 x", -EBADMSG, ""},
        {"1800;", -EBADMSG, ""},
        {"99999999999;refresher=uac", -ERANGE, ""},
        {"99999999999;refresher=bad", -EBADMSG, ""},
};

static int r_min_se(const char *b, struct tz_span v, struct out *o)
{
	uint32_t n = 0;
	int err = tz_min_se_decode(&n, b, v);

	if (!err)
		ap(o, "%u", n);
	return err;
}

static const struct hv_case min_se_cases[] = {
        {"90", 0, "90"},         {" 120 ;x=y", 0, "120"},
        {"a", -EBADMSG, ""},     {"90;", -EBADMSG, ""},
        {"90 90", -EBADMSG, ""}, {"4294967296", -ERANGE, ""},
};

static int r_timestamp(const char *b, struct tz_span v, struct out *o)
{
	struct tz_timestamp ts;
	int err = tz_timestamp_decode(&ts, b, v);

	if (!err)
		ap(o, "v=%.*s/%llu d=%.*s/%llu/%d", S(b, ts.value),
		   (unsigned long long)ts.value_us, S(b, ts.delay),
		   (unsigned long long)ts.delay_us, ts.has_delay);
	return err;
}

static const struct hv_case timestamp_cases[] = {
        {"54", 0, "v=54/54000000 d=/0/0"},
        {"54.312 0.5", 0, "v=54.312/54312000 d=0.5/500000/1"},
        {"1.1234567", 0, "v=1.1234567/1123456 d=/0/0"},
        {"54 ", 0, "v=54/54000000 d=/0/0"},
        {"54.\r\n 3", 0, "v=54./54000000 d=3/3000000/1"},
        {"54  .25", 0, "v=54/54000000 d=.25/250000/1"},
        {".5", -EBADMSG, ""},
        {"", -EBADMSG, ""},
        {"54 x", -EBADMSG, ""},
        {"54.5.5", -EBADMSG, ""},
        {"54 1 2", -EBADMSG, ""},
        {"99999999999999999999", -ERANGE, ""},
        {"1 99999999999999999999", -ERANGE, ""},
};

static int r_retry(const char *b, struct tz_span v, struct out *o)
{
	struct tz_retry_after ra;
	int err = tz_retry_after_decode(&ra, b, v);

	if (!err) {
		ap(o, "%u", ra.delta);
		aps(o, "c", b, ra.comment);
		if (ra.has_duration)
			ap(o, " dur=%u", ra.duration);
		aps(o, "p", b, ra.params);
	}
	return err;
}

static const struct hv_case retry_cases[] = {
        /* RFC3261 20.33 examples */
        {"18000;duration=3600", 0, "18000 dur=3600 p=;duration=3600"},
        {"120 (I'm in a meeting)", 0, "120 c=I'm in a meeting"},
        {"120(a (nested) \\) c) ;x", 0, "120 c=a (nested) \\) c p=;x"},
        {"5 (x)\r\n ;Duration = 9", 0, "5 c=x dur=9 p=;Duration = 9"},
        {"0", 0, "0"},
        /* RFC 4475 3.1.2.5 (scalarlg) */
        {"949302838503028349304023988", -ERANGE, ""},
        {"1;duration=4294967296", -ERANGE, ""},
        {"120 (open", -EBADMSG, ""},
        {"120 (a))", -EBADMSG, ""},
        {"120 (a\x01)", -EBADMSG, ""},
        {"120;duration=1;duration=2", -EBADMSG, ""},
        {"120;duration", -EBADMSG, ""},
        {"(x)", -EBADMSG, ""},
        {"120 junk", -EBADMSG, ""},
        {"", -EBADMSG, ""},
};

static int test_numbers(void)
{
	RUN("expires", expires_cases, r_expires);
	RUN("rseq", rseq_cases, r_rseq);
	RUN("rack", rack_cases, r_rack);
	RUN("session-expires", se_cases, r_se);
	RUN("min-se", min_se_cases, r_min_se);
	RUN("timestamp", timestamp_cases, r_timestamp);
	RUN("retry-after", retry_cases, r_retry);
	return 0;
}

/* ---- Date ---- */

static int r_date(const char *b, struct tz_span v, struct out *o)
{
	int64_t t = 0;
	int err = tz_date_decode(&t, b, v);

	if (!err)
		ap(o, "%lld", (long long)t);
	return err;
}

static const struct hv_case date_cases[] = {
        {"Sat, 13 Nov 2010 23:29:00 GMT", 0, "1289690940"},
        {"Thu, 01 Jan 1970 00:00:00 GMT", 0, "0"},
        /* RFC 4475 3.1.1.11 (mpart01) */
        {"Sat, 15 Oct 2005 04:44:56 GMT", 0, "1129351496"},
        {"Sun, 06 Nov 1994 08:49:37 GMT", 0, "784111777"},
        {"Tue, 29 Feb 2000 00:00:00 GMT", 0, "951782400"},
        {"Wed, 31 Dec 1969 23:59:59 GMT", 0, "-1"},
        {"Fri, 31 Dec 9999 23:59:59 GMT", 0, "253402300799"},
        {"Mon, 01 Jan 0001 00:00:00 GMT", 0, "-62135596800"},
        {"sat, 13 NOV 2010 23:29:00 gmt", 0, "1289690940"},
        /* a leap second reads as the next minute's first */
        {" Sat, 13 Nov 2010 23:29:60 GMT ", 0, "1289691000"},
        /* RFC 4475 3.1.2.12 (baddate) and other zones */
        {"Fri, 01 Jan 2010 16:00:00 EST", -EBADMSG, ""},
        {"Fri, 01 Jan 2010 16:00:00 UT", -EBADMSG, ""},
        {"Fri, 01 Jan 2010 16:00:00 UTC", -EBADMSG, ""},
        {"Fri, 01 Jan 2010 16:00:00 +0000", -EBADMSG, ""},
        {"Sat, 01 Jan 2010 16:00:00 GMT", -EBADMSG, ""},
        {"Mon, 29 Feb 2010 00:00:00 GMT", -EBADMSG, ""},
        {"Fri, 31 Apr 2010 00:00:00 GMT", -EBADMSG, ""},
        {"Fri, 00 Jan 2010 00:00:00 GMT", -EBADMSG, ""},
        {"Fri, 01 Jan 2010 24:00:00 GMT", -EBADMSG, ""},
        {"Fri, 01 Jan 2010 23:60:00 GMT", -EBADMSG, ""},
        {"Fri, 01 Jan 2010 23:59:61 GMT", -EBADMSG, ""},
        {"Fri,  1 Jan 2010 16:00:00 GMT", -EBADMSG, ""},
        {"Fri, 1 Jan 2010 16:00:00 GMT", -EBADMSG, ""},
        {"Fri 01 Jan 2010 16:00:00 GMT x", -EBADMSG, ""},
        {"Fry, 01 Jan 2010 16:00:00 GMT", -EBADMSG, ""},
        {"Fri, 01 Jam 2010 16:00:00 GMT", -EBADMSG, ""},
        {"Fri, 01 Jan 2010 16:00:00 GMTX", -EBADMSG, ""},
        {"Fri, 01 Jan 2010 16-00:00 GMT", -EBADMSG, ""},
        {"Friday, 01-Jan-10 16:00:00 GMT", -EBADMSG, ""},
        {"", -EBADMSG, ""},
};

static int test_date(void)
{
	RUN("date", date_cases, r_date);
	return 0;
}

/* ---- token lists ---- */

static int r_toklist(const char *b, struct tz_span v, struct out *o)
{
	uint32_t pos = v.off, end = v.off + v.len;
	struct tz_span t;
	int err;

	while ((err = tz_toklist_next(&t, b, &pos, end)) == 0) {
		sep(o);
		ap(o, "%.*s", S(b, t));
	}
	return list_ret(err);
}

static const struct hv_case toklist_cases[] = {
        {"INVITE, ACK,OPTIONS ,\r\n CANCEL", 0,
         "INVITE | ACK | OPTIONS | CANCEL"},
        {"100rel", 0, "100rel"},
        {" timer , 100rel ", 0, "timer | 100rel"},
        /* RFC 4475 3.3.5 (bext01) */
        {"nothingSupportsThis, nothingSupportsThisEither", 0,
         "nothingSupportsThis | nothingSupportsThisEither"},
        {"", 0, ""},
        {"a,,b", -EBADMSG, "a"},
        {"a,", -EBADMSG, "a"},
        {"a b", -EBADMSG, ""},
        {"a;x", -EBADMSG, ""},
        {"a, @", -EBADMSG, "a"},
};

static int r_privacy(const char *b, struct tz_span v, struct out *o)
{
	uint32_t pos = v.off, end = v.off + v.len;
	struct tz_span t;
	int err;

	while ((err = tz_privacy_next(&t, b, &pos, end)) == 0) {
		sep(o);
		ap(o, "%.*s", S(b, t));
	}
	return list_ret(err);
}

static const struct hv_case privacy_cases[] = {
        {"id", 0, "id"},
        {"header;session;critical", 0, "header | session | critical"},
        {"user ; id", 0, "user | id"},
        {"none", 0, "none"},
        {"user;", -EBADMSG, "user"},
        {"a;;b", -EBADMSG, "a"},
        {"a,b", -EBADMSG, ""},
        {"a b", -EBADMSG, ""},
};

static int r_qtok(const char *b, struct tz_span v, struct out *o)
{
	uint32_t pos = v.off, end = v.off + v.len;
	struct tz_qtok t;
	int err;

	while ((err = tz_qtok_next(&t, b, &pos, end)) == 0) {
		sep(o);
		ap(o, "%.*s", S(b, t.tok));
		if (t.has_q)
			ap(o, " q=%u", (unsigned)t.q);
		else if (t.q != 1000)
			ap(o, " BADQ");
		aps(o, "p", b, t.params);
	}
	return list_ret(err);
}

static const struct hv_case qtok_cases[] = {
        /* RFC3261 20.2, 20.3 examples */
        {"gzip", 0, "gzip"},
        {"da, en-gb;q=0.8, en;q=0.7", 0,
         "da | en-gb q=800 p=;q=0.8 | en q=700 p=;q=0.7"},
        {"gzip;q=1.0, identity; q=0.5, *;q=0", 0,
         "gzip q=1000 p=;q=1.0 | identity q=500 p=; q=0.5 | * q=0 p=;q=0"},
        {"en;level=1;q=0.5", 0, "en q=500 p=;level=1;q=0.5"},
        {"", 0, ""},
        {"gzip;q=2", -EBADMSG, ""},
        {"gzip;q=0.5;q=0.5", -EBADMSG, ""},
        {"gzip;q", -EBADMSG, ""},
        {"gzip,", -EBADMSG, "gzip"},
        {"gzip x", -EBADMSG, ""},
};

static int test_toklist(void)
{
	static const char allow[] = "INVITE, ACK,\r\n OPTIONS";
	static const char req[] = "100REL , Timer";
	static const char ev[] = "presence.winfo, dialog";
	static const char bad[] = "a, @, b";
	static const char priv[] = "header; ID";
	struct tz_span a = {0, sizeof(allow) - 1}, r = {0, sizeof(req) - 1};
	struct tz_span e = {0, sizeof(ev) - 1}, x = {0, sizeof(bad) - 1};
	struct tz_span p = {0, sizeof(priv) - 1};

	RUN("toklist", toklist_cases, r_toklist);
	RUN("privacy", privacy_cases, r_privacy);
	RUN("qtok", qtok_cases, r_qtok);
	/* RFC3261 25.1: Methods are case-sensitive */
	TZ_EXPECT(tz_toklist_has(allow, a, "OPTIONS", true));
	TZ_EXPECT(tz_toklist_has(allow, a, "ACK", true));
	TZ_EXPECT(!tz_toklist_has(allow, a, "ack", true));
	TZ_EXPECT(!tz_toklist_has(allow, a, "BYE", true));
	TZ_EXPECT(!tz_toklist_has(allow, a, "INV", true));
	/* RFC3261 7.3.1: option-tags are tokens, case-insensitive */
	TZ_EXPECT(tz_toklist_has(req, r, "100rel", false));
	TZ_EXPECT(tz_toklist_has(req, r, "timer", false));
	TZ_EXPECT(!tz_toklist_has(req, r, "100rel", true));
	/* RFC6665 8.2.1: event types byte by byte */
	TZ_EXPECT(tz_toklist_has(ev, e, "presence.winfo", true));
	TZ_EXPECT(!tz_toklist_has(ev, e, "presence", true));
	TZ_EXPECT(!tz_toklist_has(ev, e, "Dialog", true));
	/* nothing after a malformed element is seen */
	TZ_EXPECT(tz_toklist_has(bad, x, "a", true));
	TZ_EXPECT(!tz_toklist_has(bad, x, "b", true));
	TZ_EXPECT(tz_privacy_has(priv, p, "id"));
	TZ_EXPECT(tz_privacy_has(priv, p, "HEADER"));
	TZ_EXPECT(!tz_privacy_has(priv, p, "user"));
	return 0;
}

/* ---- media types ---- */

static void r_mtype(const char *b, const struct tz_mtype *m, struct out *o)
{
	ap(o, "%.*s/%.*s", S(b, m->type), S(b, m->subtype));
	aps(o, "cs", b, m->charset);
	aps(o, "bd", b, m->boundary);
	aps(o, "p", b, m->params);
	if (m->has_q)
		ap(o, " q=%u", (unsigned)m->q);
	else if (m->q != 1000)
		ap(o, " BADQ");
	aps(o, "ap", b, m->accept_params);
}

static int r_ctype(const char *b, struct tz_span v, struct out *o)
{
	struct tz_mtype m;
	int err = tz_ctype_decode(&m, b, v);

	if (!err)
		r_mtype(b, &m, o);
	return err;
}

static const struct hv_case ctype_cases[] = {
        {"application/sdp", 0, "application/sdp"},
        /* RFC 4475 3.1.1.11 (mpart01) */
        {"multipart/mixed;boundary=7a9cbec02ceef655", 0,
         "multipart/mixed bd=7a9cbec02ceef655 "
         "p=;boundary=7a9cbec02ceef655"},
        {"text/plain ; charset = \"UTF-8\"", 0,
         "text/plain cs=UTF-8 p=; charset = \"UTF-8\""},
        {"text / html;CHARSET=ISO-8859-4", 0,
         "text/html cs=ISO-8859-4 p=;CHARSET=ISO-8859-4"},
        {"multipart/signed;\r\n protocol=\"application/pkcs7-signature\";\r\n"
         "\tmicalg=sha1; boundary=\"bnd;x\"",
         0,
         "multipart/signed bd=bnd;x p=;\r\n "
         "protocol=\"application/pkcs7-signature\";\r\n\tmicalg=sha1; "
         "boundary=\"bnd;x\""},
        {"text/plain;charset=\"\"", 0, "text/plain p=;charset=\"\""},
        /* RFC 4475 3.3.6 (invut) */
        {"application/unknownformat", 0, "application/unknownformat"},
        {"text/", -EBADMSG, ""},
        {"text", -EBADMSG, ""},
        {"/plain", -EBADMSG, ""},
        {"", -EBADMSG, ""},
        {"text/plain;charset", -EBADMSG, ""},
        {"text/plain;charset=a;charset=b", -EBADMSG, ""},
        {"text/plain;charset=\"\";charset=b", -EBADMSG, ""},
        {"text/plain;boundary=a;Boundary=a", -EBADMSG, ""},
        {"text/plain;x=[v6]", -EBADMSG, ""},
        {"text/plain x", -EBADMSG, ""},
        {"text/plain, text/html", -EBADMSG, ""},
        {"text/plain;", -EBADMSG, ""},
};

static int r_accept(const char *b, struct tz_span v, struct out *o)
{
	uint32_t pos = v.off, end = v.off + v.len;
	struct tz_mtype m;
	int err;

	while ((err = tz_accept_next(&m, b, &pos, end)) == 0) {
		sep(o);
		r_mtype(b, &m, o);
	}
	return list_ret(err);
}

static const struct hv_case accept_cases[] = {
        /* RFC3261 20.1 example */
        {"application/sdp;level=1, application/x-private, text/html", 0,
         "application/sdp p=;level=1 | application/x-private | text/html"},
        {"*/*;q=0.5", 0, "*/* q=500 ap=;q=0.5"},
        {"text/*;charset=utf-8 ;q=0.8;foo=bar,\r\n application/sdp", 0,
         "text/* cs=utf-8 p=;charset=utf-8 q=800 ap=;q=0.8;foo=bar | "
         "application/sdp"},
        /* RFC 4475 3.3.15 (sdp01) */
        {"text/nobodyKnowsThis", 0, "text/nobodyKnowsThis"},
        {"", 0, ""},
        {"*/html", -EBADMSG, ""},
        {"text/plain;q=1.5", -EBADMSG, ""},
        {"text/plain;q=0.5;q=0.6", -EBADMSG, ""},
        {"text/plain;q=0.5;x;Q=1", -EBADMSG, ""},
        {"text/plain;level", -EBADMSG, ""},
        {"text/plain,", -EBADMSG, "text/plain"},
        {"text/plain text/html", -EBADMSG, ""},
};

static int r_cdisp(const char *b, struct tz_span v, struct out *o)
{
	struct tz_cdisp d;
	int err = tz_cdisp_decode(&d, b, v);

	if (!err) {
		ap(o, "%.*s opt=%d", S(b, d.type), d.optional);
		aps(o, "h", b, d.handling);
		aps(o, "p", b, d.params);
	}
	return err;
}

static const struct hv_case cdisp_cases[] = {
        {"session;handling=optional", 0,
         "session opt=1 h=optional p=;handling=optional"},
        {"render", 0, "render opt=0"},
        {"icon ; handling = REQUIRED ;x", 0,
         "icon opt=0 h=REQUIRED p=; handling = REQUIRED ;x"},
        {"alert;handling=Optional", 0,
         "alert opt=1 h=Optional p=;handling=Optional"},
        {"session;handling=\"optional\"", -EBADMSG, ""},
        {"session;handling", -EBADMSG, ""},
        {";handling=optional", -EBADMSG, ""},
        {"session;handling=a;handling=b", -EBADMSG, ""},
        {"session render", -EBADMSG, ""},
        {"", -EBADMSG, ""},
};

static int test_media(void)
{
	RUN("content-type", ctype_cases, r_ctype);
	RUN("accept", accept_cases, r_accept);
	RUN("content-disposition", cdisp_cases, r_cdisp);
	return 0;
}

/* ---- authentication ---- */

static void r_auth(const char *b, const struct tz_auth *a, struct out *o)
{
	unsigned i;

	ap(o, "%.*s", S(b, a->scheme));
	if (!a->digest) {
		aps(o, "raw", b, a->params);
		return;
	}
	aps(o, "user", b, a->username);
	aps(o, "user*", b, a->username_star);
	aps(o, "realm", b, a->realm);
	aps(o, "nonce", b, a->nonce);
	aps(o, "uri", b, a->uri);
	aps(o, "resp", b, a->response);
	aps(o, "alg", b, a->algorithm);
	aps(o, "cnonce", b, a->cnonce);
	aps(o, "opaque", b, a->opaque);
	aps(o, "qop", b, a->qop);
	aps(o, "nc", b, a->nc);
	aps(o, "domain", b, a->domain);
	ap(o, " has=%x A=%d Q=%u", a->has, (int)a->alg, (unsigned)a->qops);
	if (a->has & TZ_AUTH_NC)
		ap(o, " N=%u", a->nc_value);
	if (a->has & TZ_AUTH_USERHASH)
		ap(o, " uh=%d", a->userhash);
	if (a->has & TZ_AUTH_STALE)
		ap(o, " stale=%d", a->stale);
	for (i = 0; i < a->nother; i++)
		ap(o, " +%.*s=%.*s", S(b, a->other[i].name),
		   S(b, a->other[i].value));
}

static int r_cred(const char *b, struct tz_span v, struct out *o)
{
	struct tz_auth a;
	int err = tz_credentials_decode(&a, b, v);

	if (!err)
		r_auth(b, &a, o);
	return err;
}

static int r_chal(const char *b, struct tz_span v, struct out *o)
{
	struct tz_auth a;
	int err = tz_challenge_decode(&a, b, v);

	if (!err)
		r_auth(b, &a, o);
	return err;
}

#define N7616 "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define O7616 "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
#define C7616 "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
#define R7616 "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"

static const struct hv_case chal_cases[] = {
        /* RFC7616 3.9.1, folded as a SIP header would be */
        {"Digest\r\n"
         "    realm=\"http-auth@example.org\",\r\n"
         "    qop=\"auth, auth-int\",\r\n"
         "    algorithm=SHA-256,\r\n"
         "    nonce=\"" N7616 "\",\r\n"
         "    opaque=\"" O7616 "\"",
         0,
         "Digest realm=http-auth@example.org nonce=" N7616 " alg=SHA-256 "
         "opaque=" O7616 " qop=auth, auth-int has=34c A=3 Q=3"},
        {"Digest\r\n"
         "    realm=\"http-auth@example.org\",\r\n"
         "    qop=\"auth, auth-int\",\r\n"
         "    algorithm=MD5,\r\n"
         "    nonce=\"" N7616 "\",\r\n"
         "    opaque=\"" O7616 "\"",
         0,
         "Digest realm=http-auth@example.org nonce=" N7616 " alg=MD5 "
         "opaque=" O7616 " qop=auth, auth-int has=34c A=1 Q=3"},
        /* RFC3261 22.4-style challenge with stale and domain */
        {"Digest realm=\"atlanta.com\",\r\n"
         " domain=\"sip:ss1.carrier.com sip:ss2.carrier.com\", qop=\"auth\","
         "\r\n nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", "
         "stale=FALSE, algorithm=MD5",
         0,
         "Digest realm=atlanta.com nonce=f84f1cec41e6cbe5aea9c8e88d359 "
         "alg=MD5 qop=auth domain=sip:ss1.carrier.com sip:ss2.carrier.com "
         "has=334c A=1 Q=1 stale=0"},
        {"Digest realm=\"r\", stale=true, charset=UTF-8, "
         "userhash=true, foo=\"b,ar\"",
         0,
         "Digest realm=r has=1804 A=0 Q=0 uh=1 stale=1 +charset=UTF-8 "
         "+foo=\"b,ar\""},
        {"Digest qop=\"auth-int,token\" , realm = \"r\"", 0,
         "Digest realm=r qop=auth-int,token has=204 A=0 Q=6"},
        {"Digest algorithm=SHA-512-256-sess", 0,
         "Digest alg=SHA-512-256-sess has=40 A=6 Q=0"},
        {"digest algorithm=sha-256-SESS", 0,
         "digest alg=sha-256-SESS has=40 A=4 Q=0"},
        {"Digest algorithm=MD5-sess", 0, "Digest alg=MD5-sess has=40 A=2 Q=0"},
        {"Digest algorithm=SHA-512-256", 0,
         "Digest alg=SHA-512-256 has=40 A=5 Q=0"},
        {"Digest algorithm=\"md5\"", 0, "Digest alg=md5 has=40 A=1 Q=0"},
        {"Digest algorithm=FOO", 0, "Digest alg=FOO has=40 A=7 Q=0"},
        {"Digest realm=\"a\\\"b\"", 0, "Digest realm=a\\\"b has=4 A=0 Q=0"},
        {"Bearer realm=\"x\", scope=\"y\"", 0,
         "Bearer raw=realm=\"x\", scope=\"y\""},
        {"Digest", -EBADMSG, ""},
        {"Digest ", -EBADMSG, ""},
        {"", -EBADMSG, ""},
        {"Digest,realm=\"a\"", -EBADMSG, ""},
        {"Digest realm=\"a\", realm=\"b\"", -EBADMSG, ""},
        {"Digest REALM=\"a\",realm=\"a\"", -EBADMSG, ""},
        {"Digest x=1, X=2", -EBADMSG, ""},
        {"Digest stale=maybe", -EBADMSG, ""},
        {"Digest qop=\"auth,\"", -EBADMSG, ""},
        {"Digest qop=\"\"", -EBADMSG, ""},
        {"Digest qop=\"auth auth-int\"", -EBADMSG, ""},
        {"Digest algorithm=\"MD 5\"", -EBADMSG, ""},
        {"Digest realm=\"a\",", -EBADMSG, ""},
        {"Digest realm=\"a\" nonce=\"b\"", -EBADMSG, ""},
        {"Digest realm", -EBADMSG, ""},
        {"Digest realm=", -EBADMSG, ""},
        {"Digest realm=\"open", -EBADMSG, ""},
        {"Digest realm=a/b", -EBADMSG, ""},
        {"Digest =x", -EBADMSG, ""},
        {"Digest a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8,i=9", -EOVERFLOW, ""},
};

static const struct hv_case cred_cases[] = {
        /* RFC7616 3.9.1 */
        {"Digest username=\"Mufasa\",\r\n"
         "    realm=\"http-auth@example.org\",\r\n"
         "    uri=\"/dir/index.html\",\r\n"
         "    algorithm=SHA-256,\r\n"
         "    nonce=\"" N7616 "\",\r\n"
         "    nc=00000001,\r\n"
         "    cnonce=\"" C7616 "\",\r\n"
         "    qop=auth,\r\n"
         "    response=\"" R7616 "\",\r\n"
         "    opaque=\"" O7616 "\"",
         0,
         "Digest user=Mufasa realm=http-auth@example.org nonce=" N7616
         " uri=/dir/index.html resp=" R7616 " alg=SHA-256 cnonce=" C7616
         " opaque=" O7616 " qop=auth nc=00000001 has=7fd A=3 Q=1 N=1"},
        {"Digest username=\"Mufasa\",\r\n"
         "    realm=\"http-auth@example.org\",\r\n"
         "    uri=\"/dir/index.html\",\r\n"
         "    algorithm=MD5,\r\n"
         "    nonce=\"" N7616 "\",\r\n"
         "    nc=00000001,\r\n"
         "    cnonce=\"" C7616 "\",\r\n"
         "    qop=auth,\r\n"
         "    response=\"8ca523f5e9506fed4657c9700eebdbec\",\r\n"
         "    opaque=\"" O7616 "\"",
         0,
         "Digest user=Mufasa realm=http-auth@example.org nonce=" N7616
         " uri=/dir/index.html resp=8ca523f5e9506fed4657c9700eebdbec alg=MD5 "
         "cnonce=" C7616 " opaque=" O7616
         " qop=auth nc=00000001 has=7fd A=1 Q=1 N=1"},
        /* RFC7616 3.4.4: username* (shaped after the 3.9.2 example) */
        {"Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe,\r\n"
         "    realm=\"api@example.org\", uri=\"/doe.json\", "
         "userhash=false, nc=0000000A, qop=\"auth\"",
         0,
         "Digest user*=UTF-8''J%C3%A4s%C3%B8n%20Doe realm=api@example.org "
         "uri=/doe.json qop=auth nc=0000000A has=e16 A=0 Q=1 N=10 uh=0"},
        /* RFC3261 22.4-style credentials */
        {"Digest username=\"Alice\", realm=\"atlanta.com\",\r\n"
         " nonce=\"84a4cc6f3082121f32b42a2187831a9e\",\r\n"
         " response=\"7587245234b3434cc3412213e5f113a5432\"",
         0,
         "Digest user=Alice realm=atlanta.com "
         "nonce=84a4cc6f3082121f32b42a2187831a9e "
         "resp=7587245234b3434cc3412213e5f113a5432 has=2d A=0 Q=0"},
        {"Digest nc=fFfFfFfF,response=\"ABCDEF01\"", 0,
         "Digest resp=ABCDEF01 nc=fFfFfFfF has=420 A=0 Q=0 N=4294967295"},
        /* RFC 4475 3.3.7 (regaut01) */
        {"NoOneKnowsThisScheme opaque-data=here", 0,
         "NoOneKnowsThisScheme raw=opaque-data=here"},
        {"Basic", 0, "Basic"},
        {"Bearer abc.def==", 0, "Bearer raw=abc.def=="},
        {"Digest username=\"a\", username*=UTF-8''a", -EBADMSG, ""},
        {"Digest username*=\"UTF-8''a\"", -EBADMSG, ""},
        {"Digest username*=abc", -EBADMSG, ""},
        {"Digest qop=\"auth,auth-int\"", -EBADMSG, ""},
        {"Digest qop=auth;x", -EBADMSG, ""},
        {"Digest nc=0000001", -EBADMSG, ""},
        {"Digest nc=000000001", -EBADMSG, ""},
        {"Digest nc=0000000g", -EBADMSG, ""},
        {"Digest response=\"xyz\"", -EBADMSG, ""},
        {"Digest response=\"\"", -EBADMSG, ""},
        {"Digest userhash=1", -EBADMSG, ""},
        {"Digest uri=\"a\", URI=\"a\"", -EBADMSG, ""},
        {"NoOneKnowsThisScheme,x", -EBADMSG, ""},
        {"\"Digest\" realm=\"a\"", -EBADMSG, ""},
};

static int test_auth(void)
{
	RUN("challenge", chal_cases, r_chal);
	RUN("credentials", cred_cases, r_cred);
	return 0;
}

/* Digest needs the unescaped values: realm "a\"b" is a"b. */
static int test_auth_unescape(void)
{
	static const char v[] = "Digest realm=\"a\\\"b\\\\\", nonce=\"n\"";
	struct tz_auth a;
	char buf[8];
	size_t n = 0;

	TZ_EXPECT_INT(
	        tz_challenge_decode(&a, v, (struct tz_span){0, sizeof(v) - 1}),
	        0);
	TZ_EXPECT_SPAN(v, a.realm, "a\\\"b\\\\");
	TZ_EXPECT_INT(tz_qstr_unescape(buf, sizeof(buf), &n, v, a.realm), 0);
	TZ_EXPECT_MEM(buf, n, "a\"b\\");
	TZ_EXPECT_INT(tz_qstr_unescape(buf, 4, &n, v, a.realm), -EOVERFLOW);
	return 0;
}

/* ---- events ---- */

static void r_etype(const char *b, const struct tz_event_type *t, struct out *o)
{
	ap(o, "%.*s", S(b, t->package));
	if (t->templates.len)
		ap(o, "/%.*s", S(b, t->templates));
	if (t->type.off != t->package.off ||
	    t->type.len !=
	            t->package.len +
	                    (t->templates.len ? t->templates.len + 1 : 0))
		ap(o, " BADTYPE");
}

static int r_event(const char *b, struct tz_span v, struct out *o)
{
	struct tz_event e;
	int err = tz_event_decode(&e, b, v);

	if (!err) {
		r_etype(b, &e.type, o);
		if (e.has_id)
			ap(o, " id=%.*s", S(b, e.id));
		aps(o, "p", b, e.params);
	}
	return err;
}

static const struct hv_case event_cases[] = {
        {"presence", 0, "presence"},
        {"presence.winfo;id=1234", 0, "presence/winfo id=1234 p=;id=1234"},
        {"dialog ; id = 7 ; x", 0, "dialog id=7 p=; id = 7 ; x"},
        {"a.b.c", 0, "a/b.c"},
        {"refer;id=93809824", 0, "refer id=93809824 p=;id=93809824"},
        {"presence..winfo", -EBADMSG, ""},
        {".x", -EBADMSG, ""},
        {"x.", -EBADMSG, ""},
        {"presence;id=\"q\"", -EBADMSG, ""},
        {"presence;id=1;id=2", -EBADMSG, ""},
        {"presence;id", -EBADMSG, ""},
        {"", -EBADMSG, ""},
        {"a b", -EBADMSG, ""},
        {"a, b", -EBADMSG, ""},
};

static int r_allow_events(const char *b, struct tz_span v, struct out *o)
{
	uint32_t pos = v.off, end = v.off + v.len;
	struct tz_event_type t;
	int err;

	while ((err = tz_allow_events_next(&t, b, &pos, end)) == 0) {
		sep(o);
		r_etype(b, &t, o);
	}
	return list_ret(err);
}

static const struct hv_case allow_events_cases[] = {
        {"presence, dialog,\r\n presence.winfo", 0,
         "presence | dialog | presence/winfo"},
        {"refer", 0, "refer"},
        {"", 0, ""},
        {"a..b", -EBADMSG, ""},
        {"a, b.", -EBADMSG, "a"},
        {"a;x", -EBADMSG, ""},
};

static int r_substate(const char *b, struct tz_span v, struct out *o)
{
	struct tz_subscription_state s;
	int err = tz_subscription_state_decode(&s, b, v);

	if (!err) {
		ap(o, "%d %.*s", (int)s.state, S(b, s.value));
		aps(o, "reason", b, s.reason);
		if (s.has_expires)
			ap(o, " exp=%u", s.expires);
		if (s.has_retry_after)
			ap(o, " ra=%u", s.retry_after);
	}
	return err;
}

static const struct hv_case substate_cases[] = {
        {"active;expires=60", 0, "1 active exp=60"},
        {"pending", 0, "2 pending"},
        {"terminated;reason=timeout;retry-after=30", 0,
         "3 terminated reason=timeout ra=30"},
        {"Terminated ; reason = noresource", 0,
         "3 Terminated reason=noresource"},
        {"waiting;x;expires=0", 0, "0 waiting exp=0"},
        {"active;expires=x", -EBADMSG, ""},
        {"active;expires=1;expires=2", -EBADMSG, ""},
        {"active;expires", -EBADMSG, ""},
        {"terminated;reason=\"x\"", -EBADMSG, ""},
        {"terminated;reason=a;reason=b", -EBADMSG, ""},
        {"terminated;retry-after=1;retry-after=1", -EBADMSG, ""},
        {";expires=1", -EBADMSG, ""},
        {"active pending", -EBADMSG, ""},
        {"", -EBADMSG, ""},
        {"active;expires=4294967296", -ERANGE, ""},
};

static int test_events(void)
{
	RUN("event", event_cases, r_event);
	RUN("allow-events", allow_events_cases, r_allow_events);
	RUN("subscription-state", substate_cases, r_substate);
	return 0;
}

/* ---- transfer ---- */

static int r_refer_to(const char *b, struct tz_span v, struct out *o)
{
	struct tz_refer_to r;
	int err = tz_refer_to_decode(&r, b, v);

	if (!err) {
		ap(o, "%.*s", S(b, r.na.uri));
		aps(o, "P", b, r.na.params);
		if (r.has_replaces)
			ap(o, " rep=%.*s", S(b, r.replaces));
	}
	return err;
}

#define REP "12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994"

static const struct hv_case refer_to_cases[] = {
        /* RFC3891 7 */
        {"<sip:dave@denver.example.org?Replaces=" REP ">", 0,
         "sip:dave@denver.example.org?Replaces=" REP " rep=" REP},
        {"<sip:a@b?Subject=x&replaces=y%40z>", 0,
         "sip:a@b?Subject=x&replaces=y%40z rep=y%40z"},
        {"sip:a@b", 0, "sip:a@b"},
        {"\"Bob\" <sip:bob@biloxi.example.net>;method=INVITE", 0,
         "sip:bob@biloxi.example.net P=;method=INVITE"},
        {"<sip:a@b?Replaces=>", 0, "sip:a@b?Replaces= rep="},
        {"sip:a@b?Replaces=x", -EBADMSG, ""},
        {"<sip:a@b>, <sip:c@d>", -EBADMSG, ""},
        {"<sip:a@b?Replaces=x&Replaces=y>", -EBADMSG, ""},
        {"<sip:a@b?Replaces>", -EBADMSG, ""},
        {"", -EBADMSG, ""},
};

static int r_referred_by(const char *b, struct tz_span v, struct out *o)
{
	struct tz_referred_by r;
	int err = tz_referred_by_decode(&r, b, v);

	if (!err) {
		ap(o, "%.*s", S(b, r.na.uri));
		if (r.has_cid)
			ap(o, " cid=%.*s", S(b, r.cid));
	}
	return err;
}

static const struct hv_case referred_by_cases[] = {
        /* RFC3892 3 */
        {"<sip:referrer@referrer.example>\r\n"
         " ;cid=\"20398823.2UWQFN309shb3@referrer.example\"",
         0,
         "sip:referrer@referrer.example "
         "cid=20398823.2UWQFN309shb3@referrer.example"},
        {"sip:a@b", 0, "sip:a@b"},
        {"<sip:a@b>;cid=\"x@[2001:db8::1]\"", 0, "sip:a@b cid=x@[2001:db8::1]"},
        {"<sip:a@b>;cid=unquoted@x", -EBADMSG, ""},
        {"<sip:a@b>;cid=\"noat\"", -EBADMSG, ""},
        {"<sip:a@b>;cid=\"a..b@c\"", -EBADMSG, ""},
        {"<sip:a@b>;cid=\"a@\"", -EBADMSG, ""},
        {"<sip:a@b>;cid=\"@c\"", -EBADMSG, ""},
        {"<sip:a@b>;cid=\"a@b\";cid=\"a@b\"", -EBADMSG, ""},
        {"<sip:a@b", -EBADMSG, ""},
};

static int r_replaces(const char *b, struct tz_span v, struct out *o)
{
	struct tz_replaces r;
	int err = tz_replaces_decode(&r, b, v);

	if (!err)
		ap(o, "%.*s to=%.*s from=%.*s early=%d", S(b, r.call_id),
		   S(b, r.to_tag), S(b, r.from_tag), r.early_only);
	return err;
}

static const struct hv_case replaces_cases[] = {
        /* RFC3891 6.1 */
        {"98732@sip.example.com\r\n ;from-tag=r33th4x0r\r\n ;to-tag=ff87ff", 0,
         "98732@sip.example.com to=ff87ff from=r33th4x0r early=0"},
        {"425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only", 0,
         "425928@bobster.example.org to=7743 from=6472 early=1"},
        {"abc ; to-tag = 1 ; from-tag = 2 ; x=y", 0, "abc to=1 from=2 early=0"},
        {"a;to-tag=1", -EBADMSG, ""},
        {"a;from-tag=1", -EBADMSG, ""},
        {"a;to-tag=1;from-tag=2;to-tag=3", -EBADMSG, ""},
        {"a;to-tag=1;from-tag=2;early-only=1", -EBADMSG, ""},
        {"a;to-tag=1;from-tag=2;early-only;early-only", -EBADMSG, ""},
        {"a;to-tag=\"1\";from-tag=2", -EBADMSG, ""},
        {"a b;to-tag=1;from-tag=2", -EBADMSG, ""},
        {"a@;to-tag=1;from-tag=2", -EBADMSG, ""},
        {";to-tag=1;from-tag=2", -EBADMSG, ""},
        {"", -EBADMSG, ""},
};

static int test_transfer(void)
{
	RUN("refer-to", refer_to_cases, r_refer_to);
	RUN("referred-by", referred_by_cases, r_referred_by);
	RUN("replaces", replaces_cases, r_replaces);
	return 0;
}

/* RFC3891 7: Refer-To carries an escaped Replaces; decode it end to end. */
static int test_refer_replaces(void)
{
	static const char v[] =
	        "<sip:dave@denver.example.org?Replaces=" REP ">";
	struct tz_refer_to r;
	struct tz_replaces rep;
	char buf[128];
	size_t n = 0;

	TZ_EXPECT_INT(
	        tz_refer_to_decode(&r, v, (struct tz_span){0, sizeof(v) - 1}),
	        0);
	TZ_EXPECT(r.has_replaces);
	TZ_EXPECT_INT(tz_pct_unescape(buf, sizeof(buf), &n, v, r.replaces), 0);
	TZ_EXPECT_MEM(buf, n,
	              "12345@192.168.118.3;to-tag=12345;"
	              "from-tag=5FFE-3994");
	TZ_EXPECT_INT(
	        tz_replaces_decode(&rep, buf, (struct tz_span){0, (uint32_t)n}),
	        0);
	TZ_EXPECT_SPAN(buf, rep.call_id, "12345@192.168.118.3");
	TZ_EXPECT_SPAN(buf, rep.to_tag, "12345");
	TZ_EXPECT_SPAN(buf, rep.from_tag, "5FFE-3994");
	TZ_EXPECT(!rep.early_only);
	return 0;
}

/* ---- Reason, Warning, Call-Info ---- */

static int r_reason(const char *b, struct tz_span v, struct out *o)
{
	uint32_t pos = v.off, end = v.off + v.len;
	struct tz_reason r;
	int err;

	while ((err = tz_reason_next(&r, b, &pos, end)) == 0) {
		sep(o);
		ap(o, "%.*s", S(b, r.protocol));
		if (r.has_cause)
			ap(o, " cause=%u", r.cause);
		if (r.has_text)
			ap(o, " text=%.*s", S(b, r.text));
	}
	return list_ret(err);
}

static const struct hv_case reason_cases[] = {
        /* RFC3326 2 */
        {"SIP ;cause=200 ;text=\"Call completed elsewhere\"", 0,
         "SIP cause=200 text=Call completed elsewhere"},
        {"Q.850 ;cause=16 ;text=\"Terminated\", SIP;cause=487", 0,
         "Q.850 cause=16 text=Terminated | SIP cause=487"},
        {"SIP;text=\"a, b\"\r\n ,\r\n Q.850", 0, "SIP text=a, b | Q.850"},
        {"SIP;text=\"\"", 0, "SIP text="},
        {"preemption ;cause=1 ;text=\"UA Preemption\"", 0,
         "preemption cause=1 text=UA Preemption"},
        {"SIP;text=unquoted", -EBADMSG, ""},
        {"SIP;cause=abc", -EBADMSG, ""},
        {"SIP;cause", -EBADMSG, ""},
        {"SIP;cause=1;cause=2", -EBADMSG, ""},
        {"SIP;text=\"a\";text=\"a\"", -EBADMSG, ""},
        {"SIP,", -EBADMSG, "SIP"},
        {"SIP x", -EBADMSG, ""},
        {"SIP;cause=4294967296", -ERANGE, ""},
};

static int r_warning(const char *b, struct tz_span v, struct out *o)
{
	uint32_t pos = v.off, end = v.off + v.len;
	struct tz_warning w;
	int err;

	while ((err = tz_warning_next(&w, b, &pos, end)) == 0) {
		sep(o);
		ap(o, "%03u %.*s \"%.*s\"", (unsigned)w.code, S(b, w.agent),
		   S(b, w.text));
	}
	return list_ret(err);
}

static const struct hv_case warning_cases[] = {
        /* RFC3261 20.43 examples */
        {"307 isi.edu \"Session parameter 'foo' not understood\"", 0,
         "307 isi.edu \"Session parameter 'foo' not understood\""},
        {"301 isi.edu \"Incompatible network address type 'E.164'\"", 0,
         "301 isi.edu \"Incompatible network address type 'E.164'\""},
        {"399 [2001:db8::1]:5060 \"x\",\r\n 370 192.0.2.1:5 \"y\\\"z\"", 0,
         "399 [2001:db8::1]:5060 \"x\" | 370 192.0.2.1:5 \"y\\\"z\""},
        {"399  pseudo-nym  \"\"", 0, "399 pseudo-nym \"\""},
        {"000 a \"t\"", 0, "000 a \"t\""},
        /* RFC 4475 3.1.2.5 (scalarlg) */
        {"1812 overture \"In Progress\"", -EBADMSG, ""},
        {"30 a \"x\"", -EBADMSG, ""},
        {"399 a x", -EBADMSG, ""},
        {"399 a:99x \"x\"", -EBADMSG, ""},
        {"399 a: \"x\"", -EBADMSG, ""},
        {"399 [::1 \"x\"", -EBADMSG, ""},
        {"399 a\"t\"", -EBADMSG, ""},
        {"399 a \"t", -EBADMSG, ""},
        {"399a \"t\"", -EBADMSG, ""},
        {"399 a \"t\" x", -EBADMSG, ""},
        {"399 a \"t\",", -EBADMSG, "399 a \"t\""},
        {"399", -EBADMSG, ""},
};

static int r_info(const char *b, struct tz_span v, struct out *o)
{
	uint32_t pos = v.off, end = v.off + v.len;
	struct tz_info in;
	int err;

	while ((err = tz_info_next(&in, b, &pos, end)) == 0) {
		sep(o);
		ap(o, "%.*s", S(b, in.uri));
		aps(o, "purpose", b, in.purpose);
		aps(o, "P", b, in.params);
	}
	return list_ret(err);
}

static const struct hv_case info_cases[] = {
        /* RFC3261 20.9, 20.4, 20.18 examples */
        {"<http://wwww.example.com/alice/photo.jpg> ;purpose=icon,\r\n"
         " <http://www.example.com/alice/> ;purpose=info",
         0,
         "http://wwww.example.com/alice/photo.jpg purpose=icon P=;purpose=icon"
         " | http://www.example.com/alice/ purpose=info P=;purpose=info"},
        {"<http://www.example.com/sounds/moo.wav>", 0,
         "http://www.example.com/sounds/moo.wav"},
        {"<sip:not-in-service-recording@atlanta.com>;x=y", 0,
         "sip:not-in-service-recording@atlanta.com P=;x=y"},
        {"", 0, ""},
        {"http://x", -EBADMSG, ""},
        {"<http://x", -EBADMSG, ""},
        {"<>", -EBADMSG, ""},
        {"< http://x>", -EBADMSG, ""},
        {"<http://x>;purpose=a;purpose=b", -EBADMSG, ""},
        {"<http://x>;purpose=\"icon\"", -EBADMSG, ""},
        {"<http://x> <http://y>", -EBADMSG, ""},
        {"<http://x>,", -EBADMSG, "http://x"},
};

static int test_misc(void)
{
	RUN("reason", reason_cases, r_reason);
	RUN("warning", warning_cases, r_warning);
	RUN("info", info_cases, r_info);
	return 0;
}

/*
 * The decoders on headers the parser found: RFC 4475 3.1.2.12 (baddate)
 * parses, and only the Date decoder refuses its zone; RFC 4475 3.3.7
 * (regaut01) parses, and the Authorization decoder keeps the scheme.
 */
static int test_from_message(void)
{
	static const char m[] =
	        "REGISTER sip:example.com SIP/2.0\r\n"
	        "To: sip:j.user@example.com\r\n"
	        "From: sip:j.user@example.com;tag=87321hj23128\r\n"
	        "Max-Forwards: 8\r\n"
	        "Call-ID: regaut01.0ha0isndaksdj\r\n"
	        "CSeq: 9338 REGISTER\r\n"
	        "Via: SIP/2.0/TCP 192.0.2.253;branch=z9hG4bKkdjuw\r\n"
	        "Date: Fri, 01 Jan 2010 16:00:00 EST\r\n"
	        "Authorization: NoOneKnowsThisScheme opaque-data=here\r\n"
	        "m: <sip:a@b>;expires=0,\r\n <sip:c@d>\r\n"
	        "Content-Length:0\r\n\r\n";
	struct tz_hdr hdrs[TZ_MSG_HDRS_DEFAULT];
	const struct tz_hdr *h;
	struct tz_msg msg;
	struct tz_contact c;
	struct tz_auth a;
	uint32_t pos, end;
	int64_t t = 0;

	tz_msg_init(&msg, hdrs, TZ_MSG_HDRS_DEFAULT);
	TZ_EXPECT_INT(tz_msg_parse(&msg, m, sizeof(m) - 1, NULL), 0);
	h = tz_msg_hdr_find(&msg, TZ_HDR_DATE, 0);
	TZ_EXPECT(h != NULL);
	if (h)
		TZ_EXPECT_INT(tz_date_decode(&t, m, h->value), -EBADMSG);
	h = tz_msg_hdr_find(&msg, TZ_HDR_AUTHORIZATION, 0);
	TZ_EXPECT(h != NULL);
	if (h) {
		TZ_EXPECT_INT(tz_credentials_decode(&a, m, h->value), 0);
		TZ_EXPECT_SPAN(m, a.scheme, "NoOneKnowsThisScheme");
		TZ_EXPECT_SPAN(m, a.params, "opaque-data=here");
		TZ_EXPECT(!a.digest);
	}
	h = tz_msg_hdr_find(&msg, TZ_HDR_CONTACT, 0);
	TZ_EXPECT(h != NULL);
	if (h) {
		pos = h->value.off;
		end = h->value.off + h->value.len;
		TZ_EXPECT_INT(tz_contact_next(&c, m, &pos, end), 0);
		TZ_EXPECT(c.has_expires && c.expires == 0);
		TZ_EXPECT_INT(tz_contact_next(&c, m, &pos, end), 0);
		TZ_EXPECT_SPAN(m, c.na.uri, "sip:c@d");
		TZ_EXPECT(!c.has_expires);
		TZ_EXPECT_INT(tz_contact_next(&c, m, &pos, end), -ENOENT);
		TZ_EXPECT_INT(pos, end);
	}
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_qvalue),         TZ_TEST(test_qstr_unescape),
        TZ_TEST(test_pct_unescape),   TZ_TEST(test_list_enter),
        TZ_TEST(test_param_find),     TZ_TEST(test_contact),
        TZ_TEST(test_contact_cparam), TZ_TEST(test_route),
        TZ_TEST(test_numbers),        TZ_TEST(test_date),
        TZ_TEST(test_toklist),        TZ_TEST(test_media),
        TZ_TEST(test_auth),           TZ_TEST(test_auth_unescape),
        TZ_TEST(test_events),         TZ_TEST(test_transfer),
        TZ_TEST(test_refer_replaces), TZ_TEST(test_misc),
        TZ_TEST(test_from_message),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
