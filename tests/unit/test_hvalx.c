/*
 * test_hvalx.c  Typed header value decoders (tz_hval.h), part two: media
 * types, digest and other authentication headers, events and
 * subscriptions, transfer (Refer-To, Referred-By, Replaces), Reason,
 * Warning, Info headers, and decoders applied to a parsed message, against
 * RFC 3261 20 and 25.1, RFC 3326, 3515, 3891, 3892, 6665, 7616.
 */
#include "hval_table.h"

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
        TZ_TEST(test_media),         TZ_TEST(test_auth),
        TZ_TEST(test_auth_unescape), TZ_TEST(test_events),
        TZ_TEST(test_transfer),      TZ_TEST(test_refer_replaces),
        TZ_TEST(test_misc),          TZ_TEST(test_from_message),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
