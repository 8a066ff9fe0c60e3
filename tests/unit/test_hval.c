/*
 * test_hval.c  Typed header value decoders (tz_hval.h), part one: shared
 * helpers (q-values, unescaping, list cursors, parameters), Contact and
 * Route-like lists, numeric and timer headers, Date and token lists,
 * against RFC 3261 20 and 25.1, RFC 3262, 3325, 3327, 3608, 4028, 5626
 * and the RFC 4475 torture values they concern. Part two: test_hvalx.c.
 */
#include "hval_table.h"

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
        /* longer escaped than unescaped: what must fit is the copy */
        {"\"\\a\\b\\c\"", 0, 4, 0, "abc", 3},
        {"\"\\a\\b\\c\"", 0, 3, -EOVERFLOW, NULL, 0},
        /* quoted-pairs and folds between runs of qdtext */
        {"\"ab\\\"cd\r\n ef\\\\\"", 0, 16, 0, "ab\"cd ef\\", 9},
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
        {"\"a\x01z\"", 0, 16, -EBADMSG, NULL, 0},
        {"\"a\x7fz\"", 0, 16, -EBADMSG, NULL, 0},
        {"\"a\rz\"", 0, 16, -EBADMSG, NULL, 0},
        {"\"a\"z\"", 0, 16, -EBADMSG, NULL, 0},
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

static const struct tz_test tests[] = {
        TZ_TEST(test_qvalue),         TZ_TEST(test_qstr_unescape),
        TZ_TEST(test_pct_unescape),   TZ_TEST(test_list_enter),
        TZ_TEST(test_param_find),     TZ_TEST(test_contact),
        TZ_TEST(test_contact_cparam), TZ_TEST(test_route),
        TZ_TEST(test_numbers),        TZ_TEST(test_date),
        TZ_TEST(test_toklist),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
