/*
 * test_hdr.c  Header names and the eager header decoders, against the
 * RFC 3261 25.1 grammar (7.3.1 LWS and folding, 7.3.3 compact forms, 20.10
 * name-addr, 20.42 Via), RFC 3581 (rport) and RFC 5118 (IPv6 in Via).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "tz_test.h"
#include "tz/tz_hdr.h"

/* Expect a span to be @want, or empty when @want is NULL. */
static void span_check(const char *what, size_t i, const char *base,
                       struct tz_span s, const char *want)
{
	size_t n = want ? strlen(want) : 0;

	if (s.len == n && (n == 0 || memcmp(base + s.off, want, n) == 0))
		return;
	fprintf(stderr, "case %zu: %s == \"%.*s\", expected \"%s\"\n", i, what,
	        (int)s.len, base + s.off, want ? want : "");
	tz_test_fails++;
}

static void int_check(const char *what, size_t i, long long got, long long want)
{
	if (got == want)
		return;
	fprintf(stderr, "case %zu: %s == %lld, expected %lld\n", i, what, got,
	        want);
	tz_test_fails++;
}

/* ---- names ---- */

/* RFC3261 7.3.3 plus RFC 3515, 3841, 3892, 4028, 6665, 8224 */
static const struct {
	char c;
	enum tz_hdr_id id;
} compact[] = {
        {'i', TZ_HDR_CALL_ID},
        {'m', TZ_HDR_CONTACT},
        {'e', TZ_HDR_CONTENT_ENCODING},
        {'l', TZ_HDR_CONTENT_LENGTH},
        {'f', TZ_HDR_FROM},
        {'s', TZ_HDR_SUBJECT},
        {'k', TZ_HDR_SUPPORTED},
        {'t', TZ_HDR_TO},
        {'v', TZ_HDR_VIA},
        {'c', TZ_HDR_CONTENT_TYPE},
        {'o', TZ_HDR_EVENT},
        {'u', TZ_HDR_ALLOW_EVENTS},
        {'r', TZ_HDR_REFER_TO},
        {'b', TZ_HDR_REFERRED_BY},
        {'x', TZ_HDR_SESSION_EXPIRES},
        {'y', TZ_HDR_IDENTITY},
        {'a', TZ_HDR_ACCEPT_CONTACT},
        {'j', TZ_HDR_REJECT_CONTACT},
        {'d', TZ_HDR_REQUEST_DISPOSITION},
};

static int test_hdr_compact(void)
{
	size_t i;

	for (i = 0; i < sizeof(compact) / sizeof(compact[0]); i++) {
		char lc = compact[i].c, uc = (char)(lc - 'a' + 'A');
		int_check("lookup(lower)", i, tz_hdr_id_lookup(&lc, 1),
		          compact[i].id);
		int_check("lookup(upper)", i, tz_hdr_id_lookup(&uc, 1),
		          compact[i].id);
	}
	return 0;
}

static const struct {
	const char *name;
	enum tz_hdr_id id;
} long_names[] = {
        {"Via", TZ_HDR_VIA},
        {"VIA", TZ_HDR_VIA},
        {"via", TZ_HDR_VIA},
        {"call-id", TZ_HDR_CALL_ID},
        {"CALL-ID", TZ_HDR_CALL_ID},
        {"Call-Id", TZ_HDR_CALL_ID},
        {"cseq", TZ_HDR_CSEQ},
        {"CSEQ", TZ_HDR_CSEQ},
        {"from", TZ_HDR_FROM},
        {"tO", TZ_HDR_TO},
        {"max-forwards", TZ_HDR_MAX_FORWARDS},
        {"CONTENT-LENGTH", TZ_HDR_CONTENT_LENGTH},
        {"content-type", TZ_HDR_CONTENT_TYPE},
        {"Record-route", TZ_HDR_RECORD_ROUTE},
        {"route", TZ_HDR_ROUTE},
        {"www-authenticate", TZ_HDR_WWW_AUTHENTICATE},
        {"p-asserted-identity", TZ_HDR_P_ASSERTED_IDENTITY},
        {"sip-etag", TZ_HDR_SIP_ETAG},
        {"rack", TZ_HDR_RACK},
        {"RSEQ", TZ_HDR_RSEQ},
        {"min-se", TZ_HDR_MIN_SE},
        {"Session-Expires", TZ_HDR_SESSION_EXPIRES},
        {"Allow-Events", TZ_HDR_ALLOW_EVENTS},
        {"Allow", TZ_HDR_ALLOW},
        {"Accept", TZ_HDR_ACCEPT},
        {"Accept-Contact", TZ_HDR_ACCEPT_CONTACT},
        /* unknown names */
        {"X-Foo", TZ_HDR_OTHER},
        {"Vias", TZ_HDR_OTHER},
        {"Vi", TZ_HDR_OTHER},
        {"V ", TZ_HDR_OTHER},
        {"Call-I", TZ_HDR_OTHER},
        {"Call-IDs", TZ_HDR_OTHER},
        {"Call_ID", TZ_HDR_OTHER},
        {"CallID", TZ_HDR_OTHER},
        {"Contact:", TZ_HDR_OTHER},
        {"To ", TZ_HDR_OTHER},
        {" To", TZ_HDR_OTHER},
        {"Tp", TZ_HDR_OTHER},
        {"Content-Lengths", TZ_HDR_OTHER},
        {"P-Preferred-Identity-X", TZ_HDR_OTHER},
        {"g", TZ_HDR_OTHER},
        {"h", TZ_HDR_OTHER},
        {"n", TZ_HDR_OTHER},
        {"p", TZ_HDR_OTHER},
        {"q", TZ_HDR_OTHER},
        {"w", TZ_HDR_OTHER},
        {"z", TZ_HDR_OTHER},
        {"1", TZ_HDR_OTHER},
        {"-", TZ_HDR_OTHER},
        {"", TZ_HDR_OTHER},
};

static int test_hdr_lookup(void)
{
	size_t i;

	for (i = 0; i < sizeof(long_names) / sizeof(long_names[0]); i++) {
		const char *n = long_names[i].name;
		if (tz_hdr_id_lookup(n, strlen(n)) != long_names[i].id) {
			fprintf(stderr, "lookup \"%s\": %d, expected %d\n", n,
			        (int)tz_hdr_id_lookup(n, strlen(n)),
			        (int)long_names[i].id);
			tz_test_fails++;
		}
	}
	/* the length bounds the name */
	TZ_EXPECT_INT(tz_hdr_id_lookup("Viaduct", 3), TZ_HDR_VIA);
	TZ_EXPECT_INT(tz_hdr_id_lookup("From: x", 4), TZ_HDR_FROM);
	TZ_EXPECT_INT(tz_hdr_id_lookup("ttt", 1), TZ_HDR_TO);
	TZ_EXPECT_INT(tz_hdr_id_lookup("Call-ID", 0), TZ_HDR_OTHER);
	return 0;
}

static const struct {
	enum tz_hdr_id id;
	const char *name;
} canonical[] = {
        {TZ_HDR_CALL_ID, "Call-ID"},
        {TZ_HDR_CSEQ, "CSeq"},
        {TZ_HDR_VIA, "Via"},
        {TZ_HDR_FROM, "From"},
        {TZ_HDR_TO, "To"},
        {TZ_HDR_CONTACT, "Contact"},
        {TZ_HDR_CONTENT_LENGTH, "Content-Length"},
        {TZ_HDR_CONTENT_TYPE, "Content-Type"},
        {TZ_HDR_MAX_FORWARDS, "Max-Forwards"},
        {TZ_HDR_WWW_AUTHENTICATE, "WWW-Authenticate"},
        {TZ_HDR_MIME_VERSION, "MIME-Version"},
        {TZ_HDR_SIP_ETAG, "SIP-ETag"},
        {TZ_HDR_SIP_IF_MATCH, "SIP-If-Match"},
        {TZ_HDR_RACK, "RAck"},
        {TZ_HDR_RSEQ, "RSeq"},
        {TZ_HDR_MIN_SE, "Min-SE"},
        {TZ_HDR_REFER_TO, "Refer-To"},
        {TZ_HDR_IDENTITY, "Identity"},
        {TZ_HDR_REQUEST_DISPOSITION, "Request-Disposition"},
        {TZ_HDR_P_PREFERRED_IDENTITY, "P-Preferred-Identity"},
};

/* Every known id has a long name, and the name looks the id up again. */
static int test_hdr_name_roundtrip(void)
{
	unsigned id;
	size_t i;

	TZ_EXPECT(tz_hdr_name(TZ_HDR_OTHER) == NULL);
	TZ_EXPECT(tz_hdr_name(TZ_HDR_COUNT_) == NULL);
	for (id = TZ_HDR_OTHER + 1; id < TZ_HDR_COUNT_; id++) {
		const char *n = tz_hdr_name((enum tz_hdr_id)id);
		char up[64], lo[64];
		size_t k, len;

		if (!n) {
			fprintf(stderr, "id %u: no name\n", id);
			tz_test_fails++;
			continue;
		}
		len = strlen(n);
		/* the canonical spelling is a long form, not a compact one */
		int_check("strlen(name)>1", id, len > 1, 1);
		int_check("lookup(name)", id, tz_hdr_id_lookup(n, len), id);
		if (len >= sizeof(up))
			continue;
		for (k = 0; k <= len; k++) {
			char c = n[k];
			up[k] = (c >= 'a' && c <= 'z') ? (char)(c - 32) : c;
			lo[k] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
		}
		int_check("lookup(UPPER)", id, tz_hdr_id_lookup(up, len), id);
		int_check("lookup(lower)", id, tz_hdr_id_lookup(lo, len), id);
	}
	for (i = 0; i < sizeof(canonical) / sizeof(canonical[0]); i++) {
		const char *n = tz_hdr_name(canonical[i].id);
		if (!n || strcmp(n, canonical[i].name) != 0) {
			fprintf(stderr, "name(%d) == \"%s\", expected \"%s\"\n",
			        (int)canonical[i].id, n ? n : "(null)",
			        canonical[i].name);
			tz_test_fails++;
		}
	}
	return 0;
}

/* ---- generic parameters and list separators ---- */

/*
 * Each case reads parameters until tz_param_next stops; want[] lists what
 * it should find ("name" or "name=value"), then the final return and, for
 * -ENOENT, where *posp must be left.
 */
static const struct {
	const char *in;
	const char *want[4];
	int last;
	int stop;
} param_cases[] = {
        {";a=b;c", {"a=b", "c"}, -ENOENT, 6},
        {" ; a = b ;c=\"x y\"", {"a=b", "c=\"x y\""}, -ENOENT, 17},
        {";lr", {"lr"}, -ENOENT, 3},
        {";received=[2001:db8::1]", {"received=[2001:db8::1]"}, -ENOENT, 23},
        {";maddr=192.0.2.1;ttl=16", {"maddr=192.0.2.1", "ttl=16"}, -ENOENT, 23},
        {";q=\"a\\\"b\\\\\"", {"q=\"a\\\"b\\\\\""}, -ENOENT, 11},
        {";a=b, <sip:x>", {"a=b"}, -ENOENT, 4},
        {";a=b ,c", {"a=b"}, -ENOENT, 5},
        {";a b", {"a"}, -ENOENT, 3},
        {";a=b=c", {"a=b"}, -ENOENT, 4},
        {";a=b\r\n ;c\r\n\t=\r\n d", {"a=b", "c=d"}, -ENOENT, 17},
        {";a=b ", {"a=b"}, -ENOENT, 5},
        {"x;a", {NULL}, -ENOENT, 0},
        {"  x", {NULL}, -ENOENT, 2},
        {"", {NULL}, -ENOENT, 0},
        {";", {NULL}, -EBADMSG, -1},
        {"; ", {NULL}, -EBADMSG, -1},
        {";;a", {NULL}, -EBADMSG, -1},
        {";a;;b", {"a"}, -EBADMSG, -1},
        {";a;", {"a"}, -EBADMSG, -1},
        {";=b", {NULL}, -EBADMSG, -1},
        {";a=", {NULL}, -EBADMSG, -1},
        {";a= ;b", {NULL}, -EBADMSG, -1},
        {";a=\"open", {NULL}, -EBADMSG, -1},
        {";\"a\"=b", {NULL}, -EBADMSG, -1},
        {";a=,", {NULL}, -EBADMSG, -1},
};

static int test_param_next(void)
{
	size_t i;

	for (i = 0; i < sizeof(param_cases) / sizeof(param_cases[0]); i++) {
		const char *in = param_cases[i].in;
		uint32_t pos = 0, end = (uint32_t)strlen(in);
		struct tz_param prm;
		size_t k = 0;
		int ret;

		while ((ret = tz_param_next(in, &pos, end, &prm)) == 0) {
			const char *w = k < 4 ? param_cases[i].want[k] : NULL;
			char got[64];
			snprintf(got, sizeof(got), "%.*s%s%.*s",
			         (int)prm.name.len, in + prm.name.off,
			         prm.has_value ? "=" : "", (int)prm.value.len,
			         in + prm.value.off);
			if (!w || strcmp(w, got) != 0) {
				fprintf(stderr,
				        "param case %zu #%zu: \"%s\", "
				        "expected \"%s\"\n",
				        i, k, got, w ? w : "(none)");
				tz_test_fails++;
			}
			int_check("value.len w/o '='", i,
			          !prm.has_value && prm.value.len, 0);
			if (++k > 8)
				break;
		}
		{
			size_t nwant = 0;
			while (nwant < 4 && param_cases[i].want[nwant])
				nwant++;
			int_check("params found", i, (long long)k,
			          (long long)nwant);
		}
		int_check("last ret", i, ret, param_cases[i].last);
		if (ret == -ENOENT)
			int_check("stop", i, pos, param_cases[i].stop);
	}
	return 0;
}

static const struct {
	const char *in;
	uint32_t from;
	bool more;
	uint32_t pos;
} list_cases[] = {
        {"a , b", 1, true, 4},
        {"a,b", 1, true, 2},
        {"a\r\n ,\r\n\tb", 1, true, 8},
        {"a", 1, false, 1},
        {"a ", 1, false, 1},
        {"a ;b", 1, false, 1},
        {"a b", 1, false, 1},
        {"", 0, false, 0},
};

static int test_list_next(void)
{
	size_t i;

	for (i = 0; i < sizeof(list_cases) / sizeof(list_cases[0]); i++) {
		const char *in = list_cases[i].in;
		uint32_t pos = list_cases[i].from;
		bool more = tz_list_next(in, &pos, (uint32_t)strlen(in));
		int_check("more", i, more, list_cases[i].more);
		int_check("pos", i, pos, list_cases[i].pos);
	}
	return 0;
}

/* ---- name-addr / addr-spec ---- */

struct naddr_case {
	const char *in;
	bool list;
	int ret;
	const char *dname;
	const char *uri;
	const char *params;
	const char *tag; /* NULL: no tag param */
	bool angle;
	const char *uri_params; /* the URI's own parameters */
	int stop;               /* *posp after success; -1: end of input */
};

static const struct naddr_case naddr_cases[] = {
        {"<sip:alice@atlanta.com>;tag=1928301774", false, 0, NULL,
         "sip:alice@atlanta.com", ";tag=1928301774", "1928301774", true, NULL,
         -1},
        {"Alice <sip:alice@atlanta.com>;tag=1928301774", false, 0, "Alice",
         "sip:alice@atlanta.com", ";tag=1928301774", "1928301774", true, NULL,
         -1},
        {"\"Alice Smith\" <sip:alice@atlanta.com>", false, 0, "\"Alice Smith\"",
         "sip:alice@atlanta.com", NULL, NULL, true, NULL, -1},
        {"\"A \\\"q\\\" \\\\\"<sip:a@b>", false, 0, "\"A \\\"q\\\" \\\\\"",
         "sip:a@b", NULL, NULL, true, NULL, -1},
        {"\"\" <sip:a@b>", false, 0, "\"\"", "sip:a@b", NULL, NULL, true, NULL,
         -1},
        {"\"<sip:x@y>, ;\" <sip:a@b>", false, 0, "\"<sip:x@y>, ;\"", "sip:a@b",
         NULL, NULL, true, NULL, -1},
        {"  Bob   Smith  <sips:bob@biloxi.com>  ;  tag = a6c85cf  ", false, 0,
         "Bob   Smith", "sips:bob@biloxi.com", ";  tag = a6c85cf", "a6c85cf",
         true, NULL, -1},
        {"Bob.J-x!%*_+`'~ <sip:b@h>", false, 0, "Bob.J-x!%*_+`'~", "sip:b@h",
         NULL, NULL, true, NULL, -1},
        /* RFC3261 20.10: in addr-spec form the params are the header's */
        {"sip:alice@atlanta.com;tag=88sja8x", false, 0, NULL,
         "sip:alice@atlanta.com", ";tag=88sja8x", "88sja8x", false, NULL, -1},
        {"sip:a@b;transport=tcp;tag=1", false, 0, NULL, "sip:a@b",
         ";transport=tcp;tag=1", "1", false, NULL, -1},
        {"<sip:a@b;transport=tcp>;tag=1", false, 0, NULL,
         "sip:a@b;transport=tcp", ";tag=1", "1", true, "transport=tcp", -1},
        {"sip:a@b", false, 0, NULL, "sip:a@b", NULL, NULL, false, NULL, -1},
        {"  sip:a@b  ", false, 0, NULL, "sip:a@b", NULL, NULL, false, NULL, -1},
        {"<sip:a@b?Subject=x&Priority=urgent>", false, 0, NULL,
         "sip:a@b?Subject=x&Priority=urgent", NULL, NULL, true, NULL, -1},
        {"<tel:+1-201-555-0123>;tag=x", false, 0, NULL, "tel:+1-201-555-0123",
         ";tag=x", "x", true, NULL, -1},
        {"<mailto:a@b>", false, 0, NULL, "mailto:a@b", NULL, NULL, true, NULL,
         -1},
        {"<sip:a@b>;TAG=x", false, 0, NULL, "sip:a@b", ";TAG=x", "x", true,
         NULL, -1},
        {"<sip:a@b>;tagx=1", false, 0, NULL, "sip:a@b", ";tagx=1", NULL, true,
         NULL, -1},
        {"<sip:a@b>;tag=1;x;y=\"z w\"", false, 0, NULL, "sip:a@b",
         ";tag=1;x;y=\"z w\"", "1", true, NULL, -1},
        {"<sip:[2001:db8::1]:5060>", false, 0, NULL, "sip:[2001:db8::1]:5060",
         NULL, NULL, true, NULL, -1},
        /* folds (CRLF WSP) are LWS */
        {"\"Bob\"\r\n <sip:b@h>\r\n ;tag=9", false, 0, "\"Bob\"", "sip:b@h",
         ";tag=9", "9", true, NULL, -1},
        {"Bob\r\n\tSmith <sip:b@h>", false, 0, "Bob\r\n\tSmith", "sip:b@h",
         NULL, NULL, true, NULL, -1},
        /* list mode: a ',' ends the element */
        {"<sip:p1.example.com;lr>, <sip:p2.example.com;lr>", true, 0, NULL,
         "sip:p1.example.com;lr", NULL, NULL, true, "lr", 23},
        {"sip:a@b;x=1 , sip:c@d", true, 0, NULL, "sip:a@b", ";x=1", NULL, false,
         NULL, 12},
        {"P1 <sip:a@b>;tag=t,P2 <sip:c@d>", true, 0, "P1", "sip:a@b", ";tag=t",
         "t", true, NULL, 18},
        {"<sip:a@b>", true, 0, NULL, "sip:a@b", NULL, NULL, true, NULL, -1},
        {"<sip:a@b> ", true, 0, NULL, "sip:a@b", NULL, NULL, true, NULL, -1},

        /* errors */
        {"", false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL, 0},
        {"   ", false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL, 0},
        {"", true, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL, 0},
        /* not a list header: a second element is junk */
        {"<sip:a@b>, <sip:c@d>", false, -EBADMSG, NULL, NULL, NULL, NULL, false,
         NULL, 0},
        {"sip:a@b,sip:c@d", false, -EBADMSG, NULL, NULL, NULL, NULL, false,
         NULL, 0},
        /* RFC 4475 3.1.2.8: unterminated quoted display name */
        {"\"Alice <sip:a@b>", false, -EBADMSG, NULL, NULL, NULL, NULL, false,
         NULL, 0},
        {"\"Alice\\\" <sip:a@b>", false, -EBADMSG, NULL, NULL, NULL, NULL,
         false, NULL, 0},
        {"\"Alice\" sip:a@b", false, -EBADMSG, NULL, NULL, NULL, NULL, false,
         NULL, 0},
        {"Alice sip:a@b", false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL,
         0},
        /* missing '>' */
        {"<sip:a@b", false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL, 0},
        {"Alice <sip:a@b;tag=1", false, -EBADMSG, NULL, NULL, NULL, NULL, false,
         NULL, 0},
        {"<sip:a@b", true, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL, 0},
        {"<sip:a@b>>", false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL, 0},
        /* RFC 4475 3.1.2.12: spaces within addr-spec */
        {"\"Watson, Thomas\" < sip:t.watson@example.org >", false, -EBADMSG,
         NULL, NULL, NULL, NULL, false, NULL, 0},
        /* RFC3261 25.1: no LWS inside the angle brackets */
        {"< sip:a@b>", false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL, 0},
        {"<sip:a@b >", false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL, 0},
        {"<>", false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL, 0},
        {"<sip:>", false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL, 0},
        {"sip:a b@c", false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL, 0},
        {"<sip:a@b> junk", false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL,
         0},
        /* RFC3261 20.10: a URI with headers needs the name-addr form */
        {"sip:a@b?subject=x", false, -EBADMSG, NULL, NULL, NULL, NULL, false,
         NULL, 0},
        {"sip:a@b?subject=x;tag=1", false, -EBADMSG, NULL, NULL, NULL, NULL,
         false, NULL, 0},
        /* tag-param = "tag" EQUAL token, once */
        {"<sip:a@b>;tag=1;tag=2", false, -EBADMSG, NULL, NULL, NULL, NULL,
         false, NULL, 0},
        {"sip:a@b;tag=1;TAG=1", false, -EBADMSG, NULL, NULL, NULL, NULL, false,
         NULL, 0},
        {"<sip:a@b>;tag", false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL,
         0},
        {"<sip:a@b>;tag=", false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL,
         0},
        {"<sip:a@b>;tag=\"x\"", false, -EBADMSG, NULL, NULL, NULL, NULL, false,
         NULL, 0},
        {"<sip:a@b>;tag=a:b", false, -EBADMSG, NULL, NULL, NULL, NULL, false,
         NULL, 0},
        /* params: empty, trailing ';' */
        {"<sip:a@b>;", false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL, 0},
        {"<sip:a@b>;;tag=1", false, -EBADMSG, NULL, NULL, NULL, NULL, false,
         NULL, 0},
        {"sip:a@b;", false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL, 0},
        /* RFC3261 25.1 qdtext excludes control bytes other than LWS */
        {"\"a\x01"
         "b\" <sip:a@b>",
         false, -EBADMSG, NULL, NULL, NULL, NULL, false, NULL, 0},
};

static int test_naddr_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(naddr_cases) / sizeof(naddr_cases[0]); i++) {
		const struct naddr_case *c = &naddr_cases[i];
		uint32_t end = (uint32_t)strlen(c->in), pos = 0;
		struct tz_naddr na;
		int ret = tz_naddr_decode(&na, c->in, &pos, end, c->list);

		if (ret != c->ret) {
			fprintf(stderr, "naddr case %zu \"%s\": %d, exp %d\n",
			        i, c->in, ret, c->ret);
			tz_test_fails++;
			continue;
		}
		if (ret)
			continue;
		span_check("dname", i, c->in, na.dname, c->dname);
		span_check("uri", i, c->in, na.uri, c->uri);
		span_check("params", i, c->in, na.params, c->params);
		span_check("tag", i, c->in, na.tag, c->tag);
		span_check("u.params", i, c->in, na.u.params, c->uri_params);
		int_check("has_tag", i, na.has_tag, c->tag != NULL);
		int_check("angle", i, na.angle, c->angle);
		int_check("pos", i, pos, c->stop < 0 ? end : (uint32_t)c->stop);
	}
	return 0;
}

/* Walk a Route-like list element by element, as the parser would. */
static int test_naddr_list_walk(void)
{
	static const char v[] = "<sip:p1.example.com;lr>,\r\n \"P 2\" "
	                        "<sips:p2.example.com>;x=1 , sip:p3@h;lr";
	static const char *const uris[] = {"sip:p1.example.com;lr",
	                                   "sips:p2.example.com", "sip:p3@h"};
	uint32_t pos = 0, end = sizeof(v) - 1;
	struct tz_naddr na;
	size_t n = 0;

	do {
		TZ_EXPECT_INT(tz_naddr_decode(&na, v, &pos, end, true), 0);
		if (n < 3)
			TZ_EXPECT_SPAN(v, na.uri, uris[n]);
		n++;
	} while (n < 5 && tz_list_next(v, &pos, end));
	TZ_EXPECT_INT(n, 3);
	TZ_EXPECT_INT(pos, end);
	TZ_EXPECT_INT(na.u.scheme, TZ_URI_SIP);
	TZ_EXPECT_SPAN(v, na.u.user, "p3");
	TZ_EXPECT_SPAN(v, na.u.host, "h");
	TZ_EXPECT_SPAN(v, na.params, ";lr");

	/* a trailing ',' leaves an empty element, which is malformed */
	{
		static const char t[] = "<sip:a@b>, ";
		pos = 0;
		TZ_EXPECT_INT(
		        tz_naddr_decode(&na, t, &pos, sizeof(t) - 1, true), 0);
		TZ_EXPECT_INT(pos, 9);
		if (tz_list_next(t, &pos, sizeof(t) - 1))
			TZ_EXPECT_INT(tz_naddr_decode(&na, t, &pos,
			                              sizeof(t) - 1, true),
			              -EBADMSG);
	}
	return 0;
}

/* ---- Via ---- */

struct via_case {
	const char *in;
	int ret;
	const char *proto, *version, *transport, *host;
	enum tz_host_type host_type;
	int port;
	unsigned has;
	const char *branch, *received, *maddr;
	int rport;
	int ttl;
	const char *params;
	int stop; /* -1: end of input */
};

#define VBAD(in)                                                               \
	{                                                                      \
		in, -EBADMSG, NULL, NULL, NULL, NULL, 0, -1, 0, NULL, NULL,    \
		        NULL, 0, 0, NULL, 0                                    \
	}

static const struct via_case via_cases[] = {
        {"SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds", 0, "SIP",
         "2.0", "UDP", "pc33.atlanta.com", TZ_HOST_NAME, -1, TZ_VIA_BRANCH,
         "z9hG4bK776asdhds", NULL, NULL, 0, 0, ";branch=z9hG4bK776asdhds", -1},
        {"SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74b76;"
         "received=192.0.2.101",
         0, "SIP", "2.0", "TCP", "client.atlanta.example.com", TZ_HOST_NAME,
         5060, TZ_VIA_BRANCH | TZ_VIA_RECEIVED, "z9hG4bK74b76", "192.0.2.101",
         NULL, 0, 0, ";branch=z9hG4bK74b76;received=192.0.2.101", -1},
        /* RFC3261 25.1: SLASH and COLON allow LWS around them */
        {"SIP / 2.0 / UDP first.example.com : 4000;ttl=16 ;maddr=224.2.0.1 ;"
         "branch=z9hG4bKa7c6a8dlze.1",
         0, "SIP", "2.0", "UDP", "first.example.com", TZ_HOST_NAME, 4000,
         TZ_VIA_TTL | TZ_VIA_MADDR | TZ_VIA_BRANCH, "z9hG4bKa7c6a8dlze.1", NULL,
         "224.2.0.1", 0, 16,
         ";ttl=16 ;maddr=224.2.0.1 ;branch=z9hG4bKa7c6a8dlze.1", -1},
        /* folded lines inside the value */
        {"SIP\r\n /2.0/\r\n\tUDP\r\n 192.0.2.1:5060\r\n ;branch=z9hG4bK1\r\n"
         "\t;rport",
         0, "SIP", "2.0", "UDP", "192.0.2.1", TZ_HOST_IPV4, 5060,
         TZ_VIA_BRANCH | TZ_VIA_RPORT, "z9hG4bK1", NULL, NULL, 0, 0,
         ";branch=z9hG4bK1\r\n\t;rport", -1},
        /* RFC5118 4.5: IPv6 sent-by and received, with or without brackets */
        {"SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bKas3-111;"
         "received=[2001:db8::9:255]",
         0, "SIP", "2.0", "UDP", "[2001:db8::9:1]", TZ_HOST_IPV6, 5060,
         TZ_VIA_BRANCH | TZ_VIA_RECEIVED, "z9hG4bKas3-111", "[2001:db8::9:255]",
         NULL, 0, 0, ";branch=z9hG4bKas3-111;received=[2001:db8::9:255]", -1},
        {"SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKx",
         0, "SIP", "2.0", "UDP", "[2001:db8::9:1]", TZ_HOST_IPV6, -1,
         TZ_VIA_BRANCH | TZ_VIA_RECEIVED, "z9hG4bKx", "2001:db8::9:255", NULL,
         0, 0, ";received=2001:db8::9:255;branch=z9hG4bKx", -1},
        /* RFC3581: rport with and without a value */
        {"SIP/2.0/UDP h;rport", 0, "SIP", "2.0", "UDP", "h", TZ_HOST_NAME, -1,
         TZ_VIA_RPORT, NULL, NULL, NULL, 0, 0, ";rport", -1},
        {"SIP/2.0/UDP h;rport=5061;received=10.0.0.1", 0, "SIP", "2.0", "UDP",
         "h", TZ_HOST_NAME, -1,
         TZ_VIA_RPORT | TZ_VIA_RPORT_VALUE | TZ_VIA_RECEIVED, NULL, "10.0.0.1",
         NULL, 5061, 0, ";rport=5061;received=10.0.0.1", -1},
        {"SIP/2.0/UDP h;RPORT=0", 0, "SIP", "2.0", "UDP", "h", TZ_HOST_NAME, -1,
         TZ_VIA_RPORT | TZ_VIA_RPORT_VALUE, NULL, NULL, NULL, 0, 0, ";RPORT=0",
         -1},
        {"SIP/2.0/TLS h:5061;ttl=0;maddr=[::1]", 0, "SIP", "2.0", "TLS", "h",
         TZ_HOST_NAME, 5061, TZ_VIA_TTL | TZ_VIA_MADDR, NULL, NULL, "[::1]", 0,
         0, ";ttl=0;maddr=[::1]", -1},
        {"SIP/2.0/UDP h;ttl=255;maddr=sip.example.com", 0, "SIP", "2.0", "UDP",
         "h", TZ_HOST_NAME, -1, TZ_VIA_TTL | TZ_VIA_MADDR, NULL, NULL,
         "sip.example.com", 0, 255, ";ttl=255;maddr=sip.example.com", -1},
        /* unknown params are kept; any transport token is kept */
        {"sip/2.0/x-new h ; Branch = z9hG4bKx ; foo ; bar=\"baz\"  ", 0, "sip",
         "2.0", "x-new", "h", TZ_HOST_NAME, -1, TZ_VIA_BRANCH, "z9hG4bKx", NULL,
         NULL, 0, 0, "; Branch = z9hG4bKx ; foo ; bar=\"baz\"", -1},
        {"SIP/2.0/UDP h:0", 0, "SIP", "2.0", "UDP", "h", TZ_HOST_NAME, 0, 0,
         NULL, NULL, NULL, 0, 0, NULL, -1},
        {"SIP/2.0/UDP h:65535", 0, "SIP", "2.0", "UDP", "h", TZ_HOST_NAME,
         65535, 0, NULL, NULL, NULL, 0, 0, NULL, -1},
        /* port = 1*DIGIT: leading zeros are digits too */
        {"SIP/2.0/UDP h:005060", 0, "SIP", "2.0", "UDP", "h", TZ_HOST_NAME,
         5060, 0, NULL, NULL, NULL, 0, 0, NULL, -1},
        {"SIP/2.0/UDP 10.0.0.1 ", 0, "SIP", "2.0", "UDP", "10.0.0.1",
         TZ_HOST_IPV4, -1, 0, NULL, NULL, NULL, 0, 0, NULL, -1},
        /* stops at the ',' before the next via-parm */
        {"SIP/2.0/UDP a;branch=1 , SIP/2.0/TCP b", 0, "SIP", "2.0", "UDP", "a",
         TZ_HOST_NAME, -1, TZ_VIA_BRANCH, "1", NULL, NULL, 0, 0, ";branch=1",
         23},
        {"SIP/2.0/UDP a:1,SIP/2.0/TCP b", 0, "SIP", "2.0", "UDP", "a",
         TZ_HOST_NAME, 1, 0, NULL, NULL, NULL, 0, 0, NULL, 15},

        /* sent-protocol */
        VBAD(""),
        VBAD("   "),
        VBAD("SIP"),
        VBAD("SIP/2.0"),
        VBAD("SIP/2.0/"),
        VBAD("SIP/2.0 h"),
        VBAD("SIP/2.0/ h"),
        VBAD("SIP//UDP h"),
        VBAD("SIP/2.0/UDP/x h"),
        /* missing sent-by, or no LWS before it */
        VBAD("SIP/2.0/UDP"),
        VBAD("SIP/2.0/UDP "),
        VBAD("SIP/2.0/UDP ;branch=z9hG4bK1"),
        VBAD("SIP/2.0/UDP :5060"),
        VBAD("SIP/2.0/UDP,SIP/2.0/UDP h"),
        /* bad hosts */
        VBAD("SIP/2.0/UDP -h.example.com"),
        VBAD("SIP/2.0/UDP h_x"),
        VBAD("SIP/2.0/UDP 2001:db8::1"),
        VBAD("SIP/2.0/UDP [2001:db8::1"),
        VBAD("SIP/2.0/UDP [h.example.com]"),
        VBAD("SIP/2.0/UDP 192.0.2.300"),
        /* port */
        VBAD("SIP/2.0/UDP h:"),
        VBAD("SIP/2.0/UDP h: ;branch=1"),
        VBAD("SIP/2.0/UDP h:65536"),
        VBAD("SIP/2.0/UDP h:99999"),
        VBAD("SIP/2.0/UDP h:123456"),
        VBAD("SIP/2.0/UDP h:x"),
        VBAD("SIP/2.0/UDP h:-1"),
        VBAD("SIP/2.0/UDP h:5060:5060"),
        VBAD("SIP/2.0/UDP [::1]5060"),
        /* ttl = 1*3DIGIT, 0..255 */
        VBAD("SIP/2.0/UDP h;ttl=256"),
        VBAD("SIP/2.0/UDP h;ttl=1000"),
        VBAD("SIP/2.0/UDP h;ttl=-1"),
        VBAD("SIP/2.0/UDP h;ttl=x"),
        VBAD("SIP/2.0/UDP h;ttl"),
        /* branch = token; received = IP address; maddr = host */
        VBAD("SIP/2.0/UDP h;branch"),
        VBAD("SIP/2.0/UDP h;branch="),
        VBAD("SIP/2.0/UDP h;branch=\"z9hG4bK1\""),
        VBAD("SIP/2.0/UDP h;received"),
        VBAD("SIP/2.0/UDP h;received=example.com"),
        VBAD("SIP/2.0/UDP h;received=192.0.2.256"),
        VBAD("SIP/2.0/UDP h;maddr"),
        VBAD("SIP/2.0/UDP h;maddr=-x"),
        /* RFC3581 3: rport value is 1*DIGIT, a port */
        VBAD("SIP/2.0/UDP h;rport="),
        VBAD("SIP/2.0/UDP h;rport=65536"),
        VBAD("SIP/2.0/UDP h;rport=x"),
        /* empty or trailing params, junk */
        VBAD("SIP/2.0/UDP h;;branch=z9hG4bK1"),
        VBAD("SIP/2.0/UDP h;branch=z9hG4bK1;"),
        VBAD("SIP/2.0/UDP h;branch=z9hG4bK1; "),
        VBAD("SIP/2.0/UDP h;"),
        VBAD("SIP/2.0/UDP h x"),
        VBAD("SIP/2.0/UDP h;branch=1 x"),
        VBAD("SIP/2.0/UDP h;branch=1;branch=2"),
};

static int test_via_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(via_cases) / sizeof(via_cases[0]); i++) {
		const struct via_case *c = &via_cases[i];
		uint32_t end = (uint32_t)strlen(c->in), pos = 0;
		struct tz_via v;
		int ret = tz_via_decode(&v, c->in, &pos, end);

		if (ret != c->ret) {
			fprintf(stderr, "via case %zu \"%s\": %d, exp %d\n", i,
			        c->in, ret, c->ret);
			tz_test_fails++;
			continue;
		}
		if (ret)
			continue;
		span_check("proto", i, c->in, v.proto, c->proto);
		span_check("version", i, c->in, v.version, c->version);
		span_check("transport", i, c->in, v.transport, c->transport);
		span_check("host", i, c->in, v.host, c->host);
		span_check("branch", i, c->in, v.branch, c->branch);
		span_check("received", i, c->in, v.received, c->received);
		span_check("maddr", i, c->in, v.maddr, c->maddr);
		span_check("params", i, c->in, v.params, c->params);
		int_check("host_type", i, v.host_type, c->host_type);
		int_check("port", i, v.port, c->port);
		int_check("has", i, v.has, c->has);
		if (c->has & TZ_VIA_RPORT_VALUE)
			int_check("rport", i, v.rport, c->rport);
		if (c->has & TZ_VIA_TTL)
			int_check("ttl", i, v.ttl, c->ttl);
		int_check("pos", i, pos, c->stop < 0 ? end : (uint32_t)c->stop);
	}
	return 0;
}

/* Several via-parms in one value, walked with tz_list_next. */
static int test_via_list(void)
{
	static const char v[] = "SIP/2.0/UDP a;branch=z9hG4bK1 ,\r\n "
	                        "SIP/2.0/TCP b:5061;branch=z9hG4bK2,"
	                        "SIP/2.0/TLS [::1];rport=7";
	static const char *const hosts[] = {"a", "b", "[::1]"};
	static const int ports[] = {-1, 5061, -1};
	uint32_t pos = 0, end = sizeof(v) - 1;
	struct tz_via via;
	size_t n = 0;

	do {
		TZ_EXPECT_INT(tz_via_decode(&via, v, &pos, end), 0);
		if (n < 3) {
			TZ_EXPECT_SPAN(v, via.host, hosts[n]);
			TZ_EXPECT_INT(via.port, ports[n]);
		}
		n++;
	} while (n < 5 && tz_list_next(v, &pos, end));
	TZ_EXPECT_INT(n, 3);
	TZ_EXPECT_INT(pos, end);
	TZ_EXPECT_SPAN(v, via.transport, "TLS");
	TZ_EXPECT_INT(via.host_type, TZ_HOST_IPV6);
	TZ_EXPECT_INT(via.has, TZ_VIA_RPORT | TZ_VIA_RPORT_VALUE);
	TZ_EXPECT_INT(via.rport, 7);

	/* a trailing ',' promises an element that is not there */
	{
		static const char t[] = "SIP/2.0/UDP a;branch=z9hG4bK1 , ";
		uint32_t te = sizeof(t) - 1;
		pos = 0;
		TZ_EXPECT_INT(tz_via_decode(&via, t, &pos, te), 0);
		TZ_EXPECT_INT(pos, 30);
		if (tz_list_next(t, &pos, te))
			TZ_EXPECT_INT(tz_via_decode(&via, t, &pos, te),
			              -EBADMSG);
	}
	return 0;
}

/* ---- numbers, Call-ID, CSeq ---- */

static const struct {
	const char *in;
	uint64_t max;
	int ret;
	uint64_t val;
} uint_cases[] = {
        {"0", 255, 0, 0},
        {"70", 255, 0, 70},
        {"00070", 255, 0, 70},
        {"0000000000000000000000000255", 255, 0, 255},
        {"  70  ", 255, 0, 70},
        {"\t70\t", 255, 0, 70},
        {"\r\n 70", 255, 0, 70},
        {"70\r\n\t", 255, 0, 70},
        {"255", 255, 0, 255},
        {"256", 255, -ERANGE, 0},
        /* 9 digits (the short path) and 10 (the general one) */
        {"999999999", 999999999, 0, 999999999},
        {"999999999", 999999998, -ERANGE, 0},
        {"1000000000", UINT32_MAX, 0, 1000000000},
        {"1000000000", 999999999, -ERANGE, 0},
        {"12345678:", 255, -EBADMSG, 0},
        {"4294967295", UINT32_MAX, 0, UINT32_MAX},
        {"4294967296", UINT32_MAX, -ERANGE, 0},
        {"99999999999999999999", UINT32_MAX, -ERANGE, 0},
        {"18446744073709551615", UINT64_MAX, 0, UINT64_MAX},
        /* must not wrap around 2^64 */
        {"18446744073709551616", UINT64_MAX, -ERANGE, 0},
        {"99999999999999999999999", UINT64_MAX, -ERANGE, 0},
        {"1", 0, -ERANGE, 0},
        {"0", 0, 0, 0},
        {"", 255, -EBADMSG, 0},
        {"   ", 255, -EBADMSG, 0},
        {"-1", 255, -EBADMSG, 0},
        {"+1", 255, -EBADMSG, 0},
        {"1 2", 255, -EBADMSG, 0},
        {"12a", 255, -EBADMSG, 0},
        {"a", 255, -EBADMSG, 0},
        {"0x10", 255, -EBADMSG, 0},
        {"1.0", 255, -EBADMSG, 0},
        {"1,", 255, -EBADMSG, 0},
        {"7\r\n", 255, -EBADMSG, 0},
        /* malformed wins over out of range */
        {"99999999999 x", 255, -EBADMSG, 0},
};

static int test_hdr_uint(void)
{
	size_t i;

	for (i = 0; i < sizeof(uint_cases) / sizeof(uint_cases[0]); i++) {
		const char *in = uint_cases[i].in;
		struct tz_span s = {0, (uint32_t)strlen(in)};
		uint64_t v = 12345;
		int ret = tz_hdr_uint(in, s, uint_cases[i].max, &v);
		if (ret != uint_cases[i].ret) {
			fprintf(stderr, "uint \"%s\": %d, expected %d\n", in,
			        ret, uint_cases[i].ret);
			tz_test_fails++;
			continue;
		}
		if (ret == 0 && v != uint_cases[i].val) {
			fprintf(stderr, "uint \"%s\": %" PRIu64 "\n", in, v);
			tz_test_fails++;
		}
	}
	/* the span bounds the number */
	{
		static const char b[] = "x 42 9";
		struct tz_span s = {1, 4};
		uint64_t v = 0;
		TZ_EXPECT_INT(tz_hdr_uint(b, s, 255, &v), 0);
		TZ_EXPECT_INT(v, 42);
	}
	return 0;
}

static const struct {
	const char *in;
	bool ok;
} callid_cases[] = {
        {"f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com", true},
        {"a84b4c76e66710", true},
        {"a", true},
        {"abc@def", true},
        {"a()<>:\\\"/[]?{}@b", true},
        {"-.!%*_+`'~", true},
        {"@", false},
        {"", false},
        {"@a", false},
        {"a@", false},
        {"a@b@c", false},
        {"a b", false},
        {"a\tb", false},
        {"a\r\n b", false},
        {"a,b", false},
        {"a;b", false},
        {"a=b", false},
        {"a#b", false},
        {"a&b", false},
        {"a$b", false},
        {"a\x7f", false},
        {"\xc3\xa9t\xc3\xa9", false},
};

static int test_callid_check(void)
{
	size_t i;

	for (i = 0; i < sizeof(callid_cases) / sizeof(callid_cases[0]); i++) {
		const char *in = callid_cases[i].in;
		struct tz_span s = {0, (uint32_t)strlen(in)};
		if (tz_callid_check(in, s) != callid_cases[i].ok) {
			fprintf(stderr, "callid \"%s\": expected %d\n", in,
			        (int)callid_cases[i].ok);
			tz_test_fails++;
		}
	}
	/* the span bounds the value */
	{
		static const char b[] = " abc@def ";
		TZ_EXPECT(tz_callid_check(b, (struct tz_span){1, 7}));
		TZ_EXPECT(!tz_callid_check(b, (struct tz_span){0, 8}));
		TZ_EXPECT(!tz_callid_check(b, (struct tz_span){1, 4}));
	}
	return 0;
}

static const struct {
	const char *in;
	int ret;
	uint32_t num;
	const char *method;
} cseq_cases[] = {
        {"4711 INVITE", 0, 4711, "INVITE"},
        {"1 ACK", 0, 1, "ACK"},
        {"0 OPTIONS", 0, 0, "OPTIONS"},
        {"4294967295 BYE", 0, UINT32_MAX, "BYE"},
        {"  42 \r\n  REGISTER  ", 0, 42, "REGISTER"},
        {"42\tINFO", 0, 42, "INFO"},
        {"0000000000042 INFO", 0, 42, "INFO"},
        {"42 NEW-Method.x!%*_+`'~", 0, 42, "NEW-Method.x!%*_+`'~"},
        {"4294967296 BYE", -ERANGE, 0, NULL},
        {"99999999999999999999999 INVITE", -ERANGE, 0, NULL},
        {"", -EBADMSG, 0, NULL},
        {"   ", -EBADMSG, 0, NULL},
        {"INVITE", -EBADMSG, 0, NULL},
        {"42", -EBADMSG, 0, NULL},
        {"42 ", -EBADMSG, 0, NULL},
        {"4294967296", -EBADMSG, 0, NULL},
        {"42INVITE", -EBADMSG, 0, NULL},
        {"-1 INVITE", -EBADMSG, 0, NULL},
        {"4.2 INVITE", -EBADMSG, 0, NULL},
        {"42 INVITE BYE", -EBADMSG, 0, NULL},
        {"42 INV@TE", -EBADMSG, 0, NULL},
        {"42 \"INVITE\"", -EBADMSG, 0, NULL},
        {"42 INVITE;x", -EBADMSG, 0, NULL},
};

static int test_cseq_decode(void)
{
	size_t i;

	for (i = 0; i < sizeof(cseq_cases) / sizeof(cseq_cases[0]); i++) {
		const char *in = cseq_cases[i].in;
		struct tz_span s = {0, (uint32_t)strlen(in)}, m = {0, 0};
		uint32_t num = 7;
		int ret = tz_cseq_decode(in, s, &num, &m);
		if (ret != cseq_cases[i].ret) {
			fprintf(stderr, "cseq \"%s\": %d, expected %d\n", in,
			        ret, cseq_cases[i].ret);
			tz_test_fails++;
			continue;
		}
		if (ret)
			continue;
		int_check("cseq num", i, num, cseq_cases[i].num);
		span_check("cseq method", i, in, m, cseq_cases[i].method);
	}
	return 0;
}

/* Generic comma splitting: quotes and <...> protect commas. */
static int test_hdr_list_split(void)
{
	static const struct {
		const char *in;
		int n; /* elements, or -1 when malformed */
		const char *elems[4];
	} cases[] = {
	        {"a, b ,c", 3, {"a", "b", "c"}},
	        {"\"x, y\" <sip:a@b>;q=1, <sip:c,d@e>",
	         2,
	         {"\"x, y\" <sip:a@b>;q=1", "<sip:c,d@e>"}},
	        {"\"a\\\",b\", c", 2, {"\"a\\\",b\"", "c"}},
	        {"a,,b", 3, {"a", "", "b"}},
	        {"a ,\r\n b", 2, {"a", "b"}},
	        {"one", 1, {"one"}},
	        {"", 0, {NULL}},
	        {"\"open, x", -1, {NULL}},
	        {"<sip:a@b, x", -1, {NULL}},
	        /* a bare LF is not a fold: kept, never read past */
	        {"\n", 1, {"\n"}},
	        {"a\n", 1, {"a\n"}},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *in = cases[i].in;
		uint32_t pos = 0, end = (uint32_t)strlen(in);
		struct tz_span e;
		int n = 0, ret;

		while ((ret = tz_hdr_list_split(in, &pos, end, &e)) == 0) {
			if (n < 4 && cases[i].elems[n])
				TZ_EXPECT_SPAN(in, e, cases[i].elems[n]);
			n++;
			if (n > 8)
				break;
		}
		if (cases[i].n < 0) {
			TZ_EXPECT_INT(ret, -EBADMSG);
		} else {
			TZ_EXPECT_INT(ret, -ENOENT);
			TZ_EXPECT_INT(n, cases[i].n);
		}
	}
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_hdr_compact),        TZ_TEST(test_hdr_lookup),
        TZ_TEST(test_hdr_name_roundtrip), TZ_TEST(test_param_next),
        TZ_TEST(test_list_next),          TZ_TEST(test_naddr_table),
        TZ_TEST(test_naddr_list_walk),    TZ_TEST(test_via_table),
        TZ_TEST(test_via_list),           TZ_TEST(test_hdr_uint),
        TZ_TEST(test_callid_check),       TZ_TEST(test_cseq_decode),
        TZ_TEST(test_hdr_list_split),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
