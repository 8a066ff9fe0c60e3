/*
 * test_sdp.c  SDP: RFC 4566 parse (the RFC's example, the bodies of the
 * RFC 4475 and RFC 5118 torture messages, copied here as literals), the
 * defects it must reject, print round trips, our own offers, and the RFC
 * 3264 answers, hold and resume.
 */
#include <errno.h>

#include "tz_test.h"
#include "tz/tz_sdp.h"

/* Large: kept off the stack. */
static struct tz_sdp sdp, sdp2;

/* RFC4566 5: the example of the section. */
static const char rfc4566_ex[] =
        "v=0\r\no=jdoe 2890844526 2890842807 IN IP4 10.47.16.5\r\n"
        "s=SDP Seminar\r\ni=A Seminar on the session description protocol\r\n"
        "u=http://www.example.com/seminars/sdp.pdf\r\n"
        "e=j.doe@example.com (Jane Doe)\r\nc=IN IP4 224.2.17.12/127\r\n"
        "t=2873397496 2873404696\r\na=recvonly\r\nm=audio 49170 RTP/AVP 0\r\n"
        "m=video 51372 RTP/AVP 99\r\na=rtpmap:99 h263-1998/90000\r\n";

static int test_parse_rfc4566(void)
{
	const struct tz_sdp_conn *c;
	const char *b = rfc4566_ex;

	TZ_EXPECT_INT(tz_sdp_parse(&sdp, b, strlen(b)), 0);
	TZ_EXPECT_SPAN(b, sdp.origin.username, "jdoe");
	TZ_EXPECT_SPAN(b, sdp.origin.sess_id, "2890844526");
	TZ_EXPECT_INT(sdp.origin.version, 2890842807);
	TZ_EXPECT_SPAN(b, sdp.origin.nettype, "IN");
	TZ_EXPECT_INT(sdp.origin.atype, TZ_SDP_AT_IP4);
	TZ_EXPECT_SPAN(b, sdp.origin.address, "10.47.16.5");
	TZ_EXPECT_SPAN(b, sdp.name, "SDP Seminar");
	TZ_EXPECT(sdp.has_info && sdp.has_uri);
	TZ_EXPECT_SPAN(b, sdp.uri, "http://www.example.com/seminars/sdp.pdf");
	TZ_EXPECT_INT(sdp.nemail, 1);
	TZ_EXPECT_SPAN(b, sdp.emails[0], "j.doe@example.com (Jane Doe)");
	TZ_EXPECT(sdp.has_conn && sdp.conn.literal && sdp.conn.has_ttl);
	TZ_EXPECT_SPAN(b, sdp.conn.host, "224.2.17.12");
	TZ_EXPECT_INT(sdp.conn.ttl, 127);
	TZ_EXPECT_INT(sdp.conn.count, 0);
	TZ_EXPECT_INT(sdp.ntime, 1);
	TZ_EXPECT_INT(sdp.times[0].start, 2873397496);
	TZ_EXPECT_INT(sdp.times[0].stop, 2873404696);
	TZ_EXPECT_INT(sdp.dir, TZ_SDP_DIR_RECVONLY);
	TZ_EXPECT_INT(sdp.nmedia, 2);
	TZ_EXPECT_SPAN(b, sdp.media[0].media, "audio");
	TZ_EXPECT_INT(sdp.media[0].port, 49170);
	TZ_EXPECT_SPAN(b, sdp.media[0].proto, "RTP/AVP");
	TZ_EXPECT(sdp.media[0].rtp);
	TZ_EXPECT_INT(sdp.media[0].nfmt, 1);
	TZ_EXPECT_INT(sdp.media[0].fmts[0].pt, 0);
	TZ_EXPECT(!sdp.media[0].fmts[0].has_rtpmap);
	TZ_EXPECT_INT(sdp.media[1].port, 51372);
	TZ_EXPECT_INT(sdp.media[1].fmts[0].pt, 99);
	TZ_EXPECT(sdp.media[1].fmts[0].has_rtpmap);
	TZ_EXPECT_SPAN(b, sdp.media[1].fmts[0].encoding, "h263-1998");
	TZ_EXPECT_INT(sdp.media[1].fmts[0].rate, 90000);
	TZ_EXPECT_INT(sdp.media[1].fmts[0].channels, 0);
	/* the session's direction and connection apply to both streams */
	TZ_EXPECT_INT(tz_sdp_media_dir(&sdp, 1), TZ_SDP_DIR_RECVONLY);
	c = tz_sdp_media_conn(&sdp, 1);
	TZ_EXPECT(c == &sdp.conn);
	return 0;
}

/* The SDP bodies of RFC 4475 3.3.15 (sdp01; 3.1.1.1, 3.1.1.3 and others
 * carry the same) and of RFC 5118 4.6, 4.9 and 4.8, the last with per-media
 * c= lines of both families. */
static const struct torture {
	const char *name;
	const char *conn[2]; /* effective host per media */
	enum tz_sdp_atype atype[2];
	const char *rtpmap1; /* encoding of media 1's first format */
	const char *body;
} tortures[] = {
        {"rfc4475 sdp01",
         {"192.0.2.5", "192.0.2.5"},
         {TZ_SDP_AT_IP4, TZ_SDP_AT_IP4},
         "LPC",
         "v=0\r\no=mhandley 29739 7272939 IN IP4 192.0.2.5\r\ns=-\r\n"
         "c=IN IP4 192.0.2.5\r\nt=0 0\r\nm=audio 49217 RTP/AVP 0 12\r\n"
         "m=video 3227 RTP/AVP 31\r\na=rtpmap:31 LPC\r\n"},
        {"rfc5118 ipv6-in-sdp",
         {"2001:db8::20", "2001:db8::20"},
         {TZ_SDP_AT_IP6, TZ_SDP_AT_IP6},
         "H263-1998",
         "v=0\no=assistant 971731711378798081 0 IN IP6 2001:db8::20\n"
         "s=Live video feed for today's meeting\nc=IN IP6 2001:db8::20\n"
         "t=3338481189 3370017201\nm=audio 6000 RTP/AVP 2\n"
         "a=rtpmap:2 G726-32/8000\nm=video 6024 RTP/AVP 107\n"
         "a=rtpmap:107 H263-1998/90000\n"},
        {"rfc5118 ipv4-mapped",
         {"::ffff:192.0.2.2", "::ffff:192.0.2.2"},
         {TZ_SDP_AT_IP6, TZ_SDP_AT_IP6},
         "H263-1998",
         "v=0\r\no=assistant 971731711378798081 0 IN IP6 ::ffff:192.0.2.2\r\n"
         "s=Call me soon, please!\r\nc=IN IP6 ::ffff:192.0.2.2\r\n"
         "t=3338481189 3370017201\r\nm=audio 6000 RTP/AVP 2\r\n"
         "a=rtpmap:2 G726-32/8000\r\nm=video 6024 RTP/AVP 107\r\n"
         "a=rtpmap:107 H263-1998/90000\r\n"},
        {"rfc5118 mult-ip-in-sdp",
         {"192.0.2.1", "2001:db8::1"},
         {TZ_SDP_AT_IP4, TZ_SDP_AT_IP6},
         "H263-1998",
         "v=0\r\no=bob 280744730 28977631 IN IP4 host.example.com\r\ns=\r\n"
         "t=0 0\r\nm=audio 22334 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\n"
         "m=video 6024 RTP/AVP 107\r\nc=IN IP6 2001:db8::1\r\n"
         "a=rtpmap:107 H263-1998/90000\r\n"},
};

static int test_parse_torture(void)
{
	size_t i, m;

	for (i = 0; i < sizeof(tortures) / sizeof(tortures[0]); i++) {
		const struct torture *t = &tortures[i];
		int err = tz_sdp_parse(&sdp, t->body, strlen(t->body));
		if (err) {
			fprintf(stderr, "%s: %d\n", t->name, err);
			TZ_EXPECT_INT(err, 0);
			continue;
		}
		TZ_EXPECT_INT(sdp.nmedia, 2);
		for (m = 0; m < 2; m++) {
			const struct tz_sdp_conn *c =
			        tz_sdp_media_conn(&sdp, m);
			TZ_EXPECT(c != NULL);
			if (!c)
				continue;
			TZ_EXPECT_SPAN(t->body, c->host, t->conn[m]);
			TZ_EXPECT_INT(c->atype, t->atype[m]);
			TZ_EXPECT(c->literal);
		}
		TZ_EXPECT_SPAN(t->body, sdp.media[1].fmts[0].encoding,
		               t->rtpmap1);
		TZ_EXPECT_INT(tz_sdp_media_dir(&sdp, 0), TZ_SDP_DIR_SENDRECV);
	}
	/* spot checks of single fields */
	tz_sdp_parse(&sdp, tortures[0].body, strlen(tortures[0].body));
	TZ_EXPECT_INT(sdp.media[0].nfmt, 2);
	TZ_EXPECT_INT(sdp.media[0].fmts[1].pt, 12);
	TZ_EXPECT_INT(sdp.media[1].fmts[0].rate, 0); /* "LPC" has none */
	tz_sdp_parse(&sdp, tortures[1].body, strlen(tortures[1].body));
	TZ_EXPECT_INT(sdp.origin.version, 0);
	TZ_EXPECT_INT(sdp.origin.atype, TZ_SDP_AT_IP6);
	TZ_EXPECT_SPAN(tortures[1].body, sdp.origin.sess_id,
	               "971731711378798081");
	TZ_EXPECT_INT(sdp.media[0].fmts[0].rate, 8000);
	tz_sdp_parse(&sdp, tortures[3].body, strlen(tortures[3].body));
	TZ_EXPECT(!sdp.has_conn);
	TZ_EXPECT_INT(sdp.name.len, 0);
	TZ_EXPECT_SPAN(tortures[3].body, sdp.origin.address,
	               "host.example.com");
	return 0;
}

/* Every field kind, the levels, and multicast forms of both families. */
static const char full[] =
        "v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns= \r\ni=info\r\nu=http://x\r\n"
        "e=a@example.com\r\ne=b@example.com\r\np=+1 555 0100\r\n"
        "c=IN IP4 233.252.0.1/32/3\r\nb=CT:1024\r\n"
        "t=3034423619 3042462419\r\nr=604800 3600 0 90000\r\nr=7d 1h 0 25h\r\n"
        "t=0 0\r\nz=2882844526 -1h\r\nk=prompt\r\na=inactive\r\na=tool:x y\r\n"
        "m=audio 49170/2 RTP/AVP 0 96 101\r\ni=voice\r\n"
        "c=IN IP6 ff15::101/3\r\nc=IN IP4 192.0.2.7\r\nb=AS:64\r\n"
        "b=TIAS:64000\r\nk=clear:abc\r\na=rtpmap:96 opus/48000/2\r\n"
        "a=fmtp:96 minptime=10; useinbandfec=1\r\n"
        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
        "a=ptime:20.0\r\na=sendonly\r\nm=image 0 udptl t38\r\n"
        "a=T38FaxVersion:0\r\n";

static int test_parse_fields(void)
{
	const char *b = full;
	const struct tz_sdp_media *m = &sdp.media[0];
	const struct tz_sdp_attr *a;

	TZ_EXPECT_INT(tz_sdp_parse(&sdp, b, strlen(b)), 0);
	TZ_EXPECT_SPAN(b, sdp.origin.username, "-");
	TZ_EXPECT_SPAN(b, sdp.name, " ");
	TZ_EXPECT_INT(sdp.nemail, 2);
	TZ_EXPECT_SPAN(b, sdp.emails[1], "b@example.com");
	TZ_EXPECT_SPAN(b, sdp.phones[0], "+1 555 0100");
	TZ_EXPECT_INT(sdp.conn.ttl, 32);
	TZ_EXPECT_INT(sdp.conn.count, 3);
	TZ_EXPECT_SPAN(b, sdp.conn.address, "233.252.0.1/32/3");
	TZ_EXPECT_SPAN(b, sdp.bw[0].type, "CT");
	TZ_EXPECT_SPAN(b, sdp.bw[0].value, "1024");
	TZ_EXPECT_INT(sdp.ntime, 2);
	TZ_EXPECT_INT(sdp.nrepeat, 2);
	TZ_EXPECT_INT(sdp.repeats[1].time, 0);
	TZ_EXPECT_SPAN(b, sdp.repeats[1].value, "7d 1h 0 25h");
	TZ_EXPECT_INT(sdp.times[1].stop, 0);
	TZ_EXPECT_SPAN(b, sdp.zone, "2882844526 -1h");
	TZ_EXPECT_SPAN(b, sdp.key, "prompt");
	TZ_EXPECT_INT(sdp.dir, TZ_SDP_DIR_INACTIVE);
	a = tz_sdp_session_attr(&sdp, "TOOL", 0);
	TZ_EXPECT(a != NULL);
	if (a)
		TZ_EXPECT_SPAN(b, a->value, "x y");
	TZ_EXPECT_INT(m->port, 49170);
	TZ_EXPECT_INT(m->nports, 2);
	TZ_EXPECT_SPAN(b, m->info, "voice");
	TZ_EXPECT_INT(m->nconn, 2);
	TZ_EXPECT_INT(m->conns[0].atype, TZ_SDP_AT_IP6);
	TZ_EXPECT_SPAN(b, m->conns[0].host, "ff15::101");
	TZ_EXPECT_INT(m->conns[0].count, 3);
	TZ_EXPECT(!m->conns[0].has_ttl);
	TZ_EXPECT(tz_sdp_media_conn(&sdp, 0) == &m->conns[0]);
	TZ_EXPECT_INT(m->nbw, 2);
	TZ_EXPECT_SPAN(b, m->bw[1].type, "TIAS");
	TZ_EXPECT_SPAN(b, m->key, "clear:abc");
	TZ_EXPECT_SPAN(b, m->fmts[1].encoding, "opus");
	TZ_EXPECT_INT(m->fmts[1].rate, 48000);
	TZ_EXPECT_INT(m->fmts[1].channels, 2);
	TZ_EXPECT_SPAN(b, m->fmts[1].fmtp, "minptime=10; useinbandfec=1");
	TZ_EXPECT(!m->fmts[0].has_fmtp);
	TZ_EXPECT_SPAN(b, m->fmts[2].fmtp, "0-16");
	TZ_EXPECT_INT(m->ptime, 20);
	/* RFC 3264 5.1: the media's own direction wins */
	TZ_EXPECT_INT(tz_sdp_media_dir(&sdp, 0), TZ_SDP_DIR_SENDONLY);
	TZ_EXPECT_INT(tz_sdp_media_dir(&sdp, 1), TZ_SDP_DIR_INACTIVE);
	TZ_EXPECT_INT(tz_sdp_media_dir(&sdp, 2), TZ_SDP_DIR_NONE);
	a = tz_sdp_media_attr(&sdp, 0, "rtpmap", 1);
	TZ_EXPECT(a != NULL);
	if (a)
		TZ_EXPECT_SPAN(b, a->value, "101 telephone-event/8000");
	TZ_EXPECT(tz_sdp_media_attr(&sdp, 0, "rtpmap", 2) == NULL);
	TZ_EXPECT(tz_sdp_media_attr(&sdp, 5, "rtpmap", 0) == NULL);
	TZ_EXPECT(tz_sdp_media_fmt(&sdp, 0, 101) == &m->fmts[2]);
	TZ_EXPECT(tz_sdp_media_fmt(&sdp, 0, 8) == NULL);
	/* not RTP: the format is a name, not a payload type */
	TZ_EXPECT(!sdp.media[1].rtp);
	TZ_EXPECT_SPAN(b, sdp.media[1].fmts[0].fmt, "t38");
	TZ_EXPECT_INT(sdp.media[1].fmts[0].pt, -1);
	TZ_EXPECT(tz_sdp_media_conn(&sdp, 1) == &sdp.conn);
	TZ_EXPECT(tz_sdp_media_conn(&sdp, 2) == NULL);
	return 0;
}

/* Bare LF ends, a last line with no end, and empty lines at the end. */
static int test_parse_line_ends(void)
{
	static const char *const ok[] = {
	        "v=0\no=- 1 1 IN IP4 h.example\ns=-\nt=0 0\nm=audio 1 RTP/AVP "
	        "0",
	        "v=0\r\no=- 1 1 IN IP4 h.example\r\ns=-\nt=0 0\r\n\r\n\n",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		TZ_EXPECT_INT(tz_sdp_parse(&sdp, ok[i], strlen(ok[i])), 0);
		TZ_EXPECT_INT(sdp.ntime, 1);
		TZ_EXPECT_SPAN(ok[i], sdp.origin.address, "h.example");
	}
	TZ_EXPECT_INT(sdp.nmedia, 0);
	return 0;
}

#define ORIG   "o=- 1 1 IN IP4 192.0.2.1\r\n"
#define HEAD   "v=0\r\n" ORIG "s=-\r\n"
#define TIME   "t=0 0\r\n"
#define M0     "m=audio 1 RTP/AVP 0\r\n"
#define C1     "c=IN IP4 192.0.2.1\r\n"
#define X4(s)  s s s s
#define X16(s) X4(X4(s))

/* Malformed: -EBADMSG. */
static const char *const bad[][2] = {
        {"empty", ""},
        {"no v=", ORIG "s=-\r\n" TIME},
        {"v=1", "v=1\r\n" ORIG "s=-\r\n" TIME},
        {"s before o", "v=0\r\ns=-\r\n" ORIG TIME},
        {"no t=", HEAD M0},
        {"no t= at end", HEAD},
        {"c after t", HEAD TIME C1},
        {"a before t", HEAD "a=x\r\n" TIME},
        {"two s=", HEAD "s=x\r\n" TIME},
        {"two session c=", HEAD C1 C1 TIME},
        {"media c after a", HEAD TIME M0 "a=x\r\n" C1},
        {"t= in media", HEAD TIME M0 TIME},
        {"r= alone", HEAD "b=AS:1\r\nr=1 1 0\r\n" TIME},
        {"unknown type", HEAD TIME "x=1\r\n"},
        {"space before =", HEAD TIME "a =x\r\n"},
        {"space after =", "v= 0\r\n" ORIG "s=-\r\n" TIME},
        {"upper-case type", HEAD TIME "A=x\r\n"},
        {"empty line", HEAD "\r\n" TIME},
        {"bare CR", HEAD "t=0 0\rm=audio 1 RTP/AVP 0\r\n"},
        {"empty value", HEAD TIME "e=\r\n"},
        {"o= short", "v=0\r\no=- 1 1 IN IP4\r\ns=-\r\n" TIME},
        {"o= two spaces", "v=0\r\no=- 1  1 IN IP4 192.0.2.1\r\ns=-\r\n" TIME},
        {"o= version", "v=0\r\no=- 1 1x IN IP4 192.0.2.1\r\ns=-\r\n" TIME},
        {"o= big version",
         "v=0\r\no=- 1 18446744073709551616 IN IP4 192.0.2.1\r\ns=-\r\n" TIME},
        {"c= bad IP4", HEAD "c=IN IP4 192.0.2.256\r\n" TIME},
        {"c= bad IP6", HEAD "c=IN IP6 2001:db8:::1:2:3:4:5\r\n" TIME},
        {"c= TTL on unicast", HEAD "c=IN IP4 192.0.2.1/127\r\n" TIME},
        {"c= TTL 256", HEAD "c=IN IP4 224.2.1.1/256\r\n" TIME},
        {"c= no TTL", HEAD "c=IN IP4 224.2.1.1/\r\n" TIME},
        {"b= no digits", HEAD "b=AS:x\r\n" TIME},
        {"t= one time", HEAD "t=0\r\n"},
        {"m= port > 65535", HEAD TIME "m=audio 65536 RTP/AVP 0\r\n"},
        {"m= port letters", HEAD TIME "m=audio 4x RTP/AVP 0\r\n"},
        {"m= port missing", HEAD TIME "m=audio RTP/AVP 0\r\n"},
        {"m= port negative", HEAD TIME "m=audio -1 RTP/AVP 0\r\n"},
        {"m= nports 0", HEAD TIME "m=audio 1/0 RTP/AVP 0\r\n"},
        {"m= no formats", HEAD TIME "m=audio 1 RTP/AVP\r\n"},
        {"m= trailing space", HEAD TIME "m=audio 1 RTP/AVP 0 \r\n"},
        {"m= pt 128", HEAD TIME "m=audio 1 RTP/AVP 128\r\n"},
        {"m= pt name", HEAD TIME "m=audio 1 RTP/AVP pcmu\r\n"},
        {"m= pt twice", HEAD TIME "m=audio 1 RTP/AVP 0 0\r\n"},
        {"rtpmap pt letters", HEAD TIME M0 "a=rtpmap:x PCMU/8000\r\n"},
        {"rtpmap pt 128", HEAD TIME M0 "a=rtpmap:128 PCMU/8000\r\n"},
        {"rtpmap no name", HEAD TIME M0 "a=rtpmap:0 /8000\r\n"},
        {"rtpmap no space", HEAD TIME M0 "a=rtpmap:0PCMU/8000\r\n"},
        {"rtpmap rate 0", HEAD TIME M0 "a=rtpmap:0 PCMU/0\r\n"},
        {"rtpmap rate text", HEAD TIME M0 "a=rtpmap:0 PCMU/8k\r\n"},
        {"rtpmap channels", HEAD TIME M0 "a=rtpmap:0 PCMU/8000/x\r\n"},
        {"rtpmap twice",
         HEAD TIME M0 "a=rtpmap:0 PCMU/8000\r\na=rtpmap:0 PCMA/8000\r\n"},
        {"fmtp no params", HEAD TIME M0 "a=fmtp:0\r\n"},
        {"ptime text", HEAD TIME M0 "a=ptime:abc\r\n"},
        {"a= empty value", HEAD TIME "a=tool:\r\n"},
        {"two directions", HEAD TIME M0 "a=sendonly\r\na=recvonly\r\n"},
        {"direction value", HEAD TIME "a=sendonly:x\r\n"},
};

/* Over a limit: -EOVERFLOW. */
static const char *const over[][2] = {
        {"17 media", HEAD TIME X16(M0) M0},
        {"65 attributes", HEAD TIME X16(X4("a=x\r\n")) "a=x\r\n"},
        {"33 formats",
         HEAD TIME "m=audio 1 RTP/AVP 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 "
                   "17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32\r\n"},
        {"5 b=", HEAD X4("b=AS:1\r\n") "b=AS:1\r\n" TIME},
        {"9 t=", HEAD X4(TIME) X4(TIME) TIME},
        {"5 media c=", HEAD TIME M0 X4(C1) C1},
};

static void expect_err(const char *const d[2], int want)
{
	int err = tz_sdp_parse(&sdp, d[1], strlen(d[1]));

	if (err != want && !tz_test_quiet)
		fprintf(stderr, "defect \"%s\": %d\n", d[0], err);
	TZ_EXPECT_INT(err, want);
}

static int test_parse_defects(void)
{
	static const char nul[] = HEAD TIME "a=x\0y\r\n"; /* RFC4566 9 */
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_err(bad[i], -EBADMSG);
	for (i = 0; i < sizeof(over) / sizeof(over[0]); i++)
		expect_err(over[i], -EOVERFLOW);
	TZ_EXPECT_INT(tz_sdp_parse(&sdp, nul, sizeof(nul) - 1), -EBADMSG);
	/* each limit is reachable: one less parses */
	TZ_EXPECT_INT(tz_sdp_parse(&sdp, HEAD TIME X16(M0),
	                           strlen(HEAD TIME X16(M0))),
	              0);
	TZ_EXPECT_INT(sdp.nmedia, TZ_SDP_MAX_MEDIA);
	return 0;
}

/* Parse @in, print, and check the print; OOM-safe. */
static int round_trip(const char *in, const char *want)
{
	struct tz_buf b;
	int err;

	TZ_EXPECT_INT(tz_sdp_parse(&sdp, in, strlen(in)), 0);
	tz_buf_init(&b);
	err = tz_sdp_print(&b, &sdp);
	if (!err) {
		TZ_EXPECT_MEM(b.p, b.len, want);
		TZ_EXPECT_INT(tz_sdp_parse(&sdp2, b.p, b.len), 0);
		TZ_EXPECT(tz_sdp_equal(&sdp, &sdp2));
	}
	tz_buf_free(&b);
	return err;
}

static int test_round_trip(void)
{
	const char *lf = "v=0\no=- 7 7 IN IP6 ::1\ns=-\nt=0 0\nm=audio 9 "
	                 "RTP/AVP 0\na=sendrecv\n\n";
	size_t i;
	int err;

	for (i = 0; i < sizeof(tortures) / sizeof(tortures[0]); i++) {
		if (strchr(tortures[i].body, '\r') == NULL)
			continue;
		err = round_trip(tortures[i].body, tortures[i].body);
		if (err)
			return err;
	}
	err = round_trip(rfc4566_ex, rfc4566_ex);
	if (!err)
		err = round_trip(full, full);
	if (!err)
		err = round_trip(lf,
		                 "v=0\r\no=- 7 7 IN IP6 ::1\r\ns=-\r\nt=0 0\r\n"
		                 "m=audio 9 RTP/AVP 0\r\na=sendrecv\r\n");
	return err;
}

/* Equality sees a difference in a single field. */
static int test_equal(void)
{
	const char *a = HEAD TIME "m=audio 1 RTP/AVP 0\r\n";
	const char *b = HEAD TIME "m=audio 2 RTP/AVP 0\r\n";

	TZ_EXPECT_INT(tz_sdp_parse(&sdp, a, strlen(a)), 0);
	TZ_EXPECT_INT(tz_sdp_parse(&sdp2, a, strlen(a)), 0);
	TZ_EXPECT(tz_sdp_equal(&sdp, &sdp2));
	TZ_EXPECT_INT(tz_sdp_parse(&sdp2, b, strlen(b)), 0);
	TZ_EXPECT(!tz_sdp_equal(&sdp, &sdp2));
	return 0;
}

/* Our capabilities: PCMU, PCMA, telephone-event on port 4000. */
static void caps_init(struct tz_sdp_local *l)
{
	static const struct tz_sdp_codec codecs[] = {
	        {0, "PCMU", 8000, 0, NULL},
	        {8, "PCMA", 8000, 0, NULL},
	        {101, "telephone-event", 8000, 0, "0-16"},
	};

	memset(l, 0, sizeof(*l));
	l->user = "tz";
	l->sess_id = 42;
	l->sess_version = 1;
	l->addr = "192.0.2.10";
	l->nmedia = 1;
	l->media[0].type = "audio";
	l->media[0].port = 4000;
	l->media[0].ptime = 20;
	l->media[0].ncodec = 3;
	memcpy(l->media[0].codecs, codecs, sizeof(codecs));
}

#define CAPS_SDP(ver, dir)                                                     \
	"v=0\r\no=tz 42 " ver " IN IP4 192.0.2.10\r\ns=-\r\n"                  \
	"c=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8 101\r\n"     \
	"a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"                     \
	"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"             \
	"a=ptime:20\r\na=" dir "\r\n"

/* Parse a copy of what @b holds into @s, which outlives @b. */
static void keep(struct tz_sdp *s, const struct tz_buf *b)
{
	static char text[2][2048];
	char *t = text[s == &sdp2];

	TZ_EXPECT(b->len < sizeof(text[0]));
	if (b->len >= sizeof(text[0]))
		return;
	memcpy(t, b->p, b->len);
	TZ_EXPECT_INT(tz_sdp_parse(s, t, b->len), 0);
}

/* Print with @fn into a fresh buffer and compare; OOM-safe. */
static int print_check(int (*fn)(struct tz_buf *, struct tz_sdp_local *),
                       struct tz_sdp_local *l, const char *want)
{
	struct tz_buf b;
	int err;

	tz_buf_init(&b);
	err = fn(&b, l);
	if (!err) {
		TZ_EXPECT_MEM(b.p, b.len, want);
		keep(&sdp, &b);
	}
	tz_buf_free(&b);
	return err;
}

static int local_print(struct tz_buf *b, struct tz_sdp_local *l)
{
	return tz_sdp_local_print(b, l);
}

static int test_local_print(void)
{
	struct tz_sdp_local l;
	struct tz_buf b;
	int err;

	caps_init(&l);
	err = print_check(local_print, &l, CAPS_SDP("1", "sendrecv"));
	if (err)
		return err;
	TZ_EXPECT(!tz_sdp_held(&sdp));
	TZ_EXPECT_INT(sdp.media[0].fmts[0].rate, 8000); /* static: mapped */
	l.addr = "2001:db8::20";
	l.media[0].codecs[0].channels = 2;
	l.media[0].ptime = 0;
	l.media[0].dir = TZ_SDP_DIR_RECVONLY;
	l.media[0].ncodec = 1;
	err = print_check(local_print, &l,
	                  "v=0\r\no=tz 42 1 IN IP6 2001:db8::20\r\ns=-\r\n"
	                  "c=IN IP6 2001:db8::20\r\nt=0 0\r\n"
	                  "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000/2\r\n"
	                  "a=recvonly\r\n");
	if (err)
		return err;
	/* what cannot be printed as valid SDP is refused */
	tz_buf_init(&b);
	caps_init(&l);
	l.addr = "192.0.2.999";
	TZ_EXPECT_INT(tz_sdp_local_print(&b, &l), -EINVAL);
	caps_init(&l);
	l.media[0].codecs[1].name = "PC MA";
	TZ_EXPECT_INT(tz_sdp_local_print(&b, &l), -EINVAL);
	caps_init(&l);
	l.media[0].codecs[2].fmtp = "0-16\r\na=x";
	TZ_EXPECT_INT(tz_sdp_local_print(&b, &l), -EINVAL);
	caps_init(&l);
	l.media[0].codecs[1].pt = 0;
	TZ_EXPECT_INT(tz_sdp_local_print(&b, &l), -EINVAL);
	caps_init(&l);
	l.media[0].ncodec = 0;
	TZ_EXPECT_INT(tz_sdp_local_print(&b, &l), -EINVAL);
	TZ_EXPECT_INT(b.len, 0);
	tz_buf_free(&b);
	return 0;
}

/* RFC 3264 8.4 hold and resume, each changing the o= version once. */
static int test_hold_resume(void)
{
	struct tz_sdp_local l;
	int err;

	caps_init(&l);
	err = print_check(tz_sdp_local_hold, &l, CAPS_SDP("2", "sendonly"));
	if (err)
		return err;
	TZ_EXPECT(l.held);
	TZ_EXPECT(tz_sdp_held(&sdp));
	/* holding again changes nothing, so the version stays */
	err = print_check(tz_sdp_local_hold, &l, CAPS_SDP("2", "sendonly"));
	if (err)
		return err;
	err = print_check(tz_sdp_local_resume, &l, CAPS_SDP("3", "sendrecv"));
	if (err)
		return err;
	TZ_EXPECT(!l.held);
	TZ_EXPECT(!tz_sdp_held(&sdp));
	TZ_EXPECT_INT(l.sess_version, 3);
	/* a recvonly stream goes inactive */
	l.media[0].dir = TZ_SDP_DIR_RECVONLY;
	err = print_check(tz_sdp_local_hold, &l, CAPS_SDP("4", "inactive"));
	if (err)
		return err;
	TZ_EXPECT_INT(l.sess_version, 4);
	return 0;
}

/* Hold as received (RFC 3264 8.4), including RFC 2543's c=0.0.0.0. */
static const struct hold_case {
	const char *body;
	bool held;
} holds[] = {
        {HEAD "c=IN IP4 0.0.0.0\r\n" TIME M0, true},
        {HEAD C1 TIME M0 "a=sendonly\r\n", true},
        {HEAD C1 TIME "a=inactive\r\n" M0, true},
        {HEAD C1 TIME "a=sendonly\r\n" M0 "a=sendrecv\r\n", false},
        {HEAD C1 TIME M0 "a=recvonly\r\n", false},
        {HEAD C1 TIME M0, false},
        {HEAD C1 TIME M0 "a=sendonly\r\nm=video 0 RTP/AVP 31\r\n", true},
        {HEAD C1 TIME M0 "a=sendonly\r\nm=video 5 RTP/AVP 31\r\n", false},
        {HEAD TIME "m=audio 0 RTP/AVP 0\r\na=sendonly\r\n", false},
};

static int test_hold_detect(void)
{
	size_t i;

	for (i = 0; i < sizeof(holds) / sizeof(holds[0]); i++) {
		const char *b = holds[i].body;
		TZ_EXPECT_INT(tz_sdp_parse(&sdp, b, strlen(b)), 0);
		if (tz_sdp_held(&sdp) != holds[i].held && !tz_test_quiet)
			fprintf(stderr, "hold case %zu\n", i);
		TZ_EXPECT(tz_sdp_held(&sdp) == holds[i].held);
	}
	TZ_EXPECT(tz_sdp_media_held(&sdp, 0) == false);
	TZ_EXPECT(tz_sdp_media_held(&sdp, 9) == false);
	return 0;
}

/* The top of our answers. */
#define ANS_HEAD                                                               \
	"v=0\r\no=tz 42 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\n" \
	"t=0 0\r\n"

#define OFFER_HEAD                                                             \
	"v=0\r\no=alice 2890844526 2890844526 IN IP4 198.51.100.1\r\ns=-\r\n"  \
	"c=IN IP4 198.51.100.1\r\nt=0 0\r\n"

/* Answer @offer with @l, re-parse the answer into sdp2; OOM-safe. @prev
 * is a description we sent before, or NULL. */
static int answer(const char *offer, const struct tz_sdp_local *l,
                  const char *prev, const char *want, struct tz_sdp_neg *neg)
{
	static struct tz_sdp prev_sdp;
	struct tz_buf b;
	int err;

	TZ_EXPECT_INT(tz_sdp_parse(&sdp, offer, strlen(offer)), 0);
	if (prev)
		TZ_EXPECT_INT(tz_sdp_parse(&prev_sdp, prev, strlen(prev)), 0);
	tz_buf_init(&b);
	err = tz_sdp_answer(&b, &sdp, l, prev ? &prev_sdp : NULL, neg);
	if (!err && want)
		TZ_EXPECT_MEM(b.p, b.len, want);
	if (!err) {
		keep(&sdp2, &b);
		TZ_EXPECT_INT(sdp2.nmedia, sdp.nmedia);
	}
	tz_buf_free(&b);
	return err;
}

static const char offer_full[] = OFFER_HEAD
        "m=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
        "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
        "a=fmtp:101 0-15\r\na=sendrecv\r\n";

static int test_answer_full(void)
{
	struct tz_sdp_local l;
	struct tz_sdp_neg neg;
	int err;

	caps_init(&l);
	err = answer(offer_full, &l, NULL, CAPS_SDP("1", "sendrecv"), &neg);
	if (err)
		return err;
	TZ_EXPECT_INT(neg.nmedia, 1);
	TZ_EXPECT_INT(neg.naccepted, 1);
	TZ_EXPECT(neg.media[0].accepted);
	TZ_EXPECT_INT(neg.media[0].pt, 0);
	TZ_EXPECT_INT(neg.media[0].dtmf_pt, 101);
	TZ_EXPECT_INT(neg.media[0].dir, TZ_SDP_DIR_SENDRECV);
	return 0;
}

/* Partial match: names ignore case, dynamic numbers are the offerer's,
 * static ones match by number, rate and channels must agree. */
static int test_answer_partial(void)
{
	static const char offer[] = OFFER_HEAD
	        "m=audio 49170 RTP/AVP 18 96 97 8 98 100\r\n"
	        "a=rtpmap:96 OPUS/48000/2\r\na=rtpmap:97 PCMU/16000\r\n"
	        "a=rtpmap:98 opus/48000\r\n"
	        "a=rtpmap:100 Telephone-Event/8000\r\n";
	struct tz_sdp_local l;
	struct tz_sdp_neg neg;
	int err;

	caps_init(&l);
	l.media[0].codecs[0] =
	        (struct tz_sdp_codec){111, "opus", 48000, 2, "useinbandfec=1"};
	l.media[0].ptime = 0;
	err = answer(offer, &l, NULL,
	             ANS_HEAD
	             "m=audio 4000 RTP/AVP 96 8 100\r\n"
	             "a=rtpmap:96 OPUS/48000/2\r\n"
	             "a=fmtp:96 useinbandfec=1\r\na=rtpmap:8 PCMA/8000\r\n"
	             "a=rtpmap:100 Telephone-Event/8000\r\n"
	             "a=fmtp:100 0-16\r\na=sendrecv\r\n",
	             &neg);
	if (err)
		return err;
	TZ_EXPECT_INT(neg.media[0].pt, 96);
	TZ_EXPECT_INT(neg.media[0].dtmf_pt, 100);
	return 0;
}

/* No codec in common; telephone-event alone is none. Port 0, RFC 3264 6. */
static int test_answer_no_match(void)
{
	static const char *const offers[] = {
	        OFFER_HEAD "m=audio 49170 RTP/AVP 18 96\r\n"
	                   "a=rtpmap:96 G7221/16000\r\n",
	        OFFER_HEAD "m=audio 49170 RTP/AVP 101\r\n"
	                   "a=rtpmap:101 telephone-event/8000\r\n",
	        OFFER_HEAD "m=audio 49170 RTP/SAVP 0\r\n",
	        OFFER_HEAD "m=audio 0 RTP/AVP 0\r\n",
	        OFFER_HEAD "m=image 49170 udptl t38\r\n",
	};
	static const char *const mlines[] = {
	        "m=audio 0 RTP/AVP 18 96", "m=audio 0 RTP/AVP 101",
	        "m=audio 0 RTP/SAVP 0",    "m=audio 0 RTP/AVP 0",
	        "m=image 0 udptl t38",
	};
	struct tz_sdp_local l;
	struct tz_sdp_neg neg;
	size_t i;
	int err;

	caps_init(&l);
	for (i = 0; i < sizeof(offers) / sizeof(offers[0]); i++) {
		char want[256];
		snprintf(want, sizeof(want), ANS_HEAD "%s\r\n", mlines[i]);
		err = answer(offers[i], &l, NULL, want, &neg);
		if (err)
			return err;
		TZ_EXPECT_INT(neg.naccepted, 0);
		TZ_EXPECT(!neg.media[0].accepted);
		TZ_EXPECT_INT(neg.media[0].pt, -1);
		TZ_EXPECT_INT(neg.media[0].dtmf_pt, -1);
		TZ_EXPECT_INT(sdp2.media[0].port, 0);
	}
	return 0;
}

/* Two m= lines, video rejected; then two audio streams for one of ours. */
static int test_answer_two_media(void)
{
	static const char offer[] = OFFER_HEAD "m=audio 49170 RTP/AVP 8\r\n"
	                                       "m=video 51372 RTP/AVP 31\r\n"
	                                       "a=rtpmap:31 H261/90000\r\n";
	static const char offer2[] = OFFER_HEAD "m=audio 49170 RTP/AVP 8\r\n"
	                                        "m=audio 49172 RTP/AVP 0\r\n";
	struct tz_sdp_local l;
	struct tz_sdp_neg neg;
	int err;

	caps_init(&l);
	err = answer(offer, &l, NULL, NULL, &neg);
	if (err)
		return err;
	TZ_EXPECT_INT(neg.nmedia, 2);
	TZ_EXPECT_INT(neg.naccepted, 1);
	TZ_EXPECT_INT(sdp2.media[0].port, 4000);
	TZ_EXPECT_INT(sdp2.media[0].nfmt, 1);
	TZ_EXPECT_INT(sdp2.media[0].fmts[0].pt, 8);
	TZ_EXPECT_SPAN(sdp2.buf, sdp2.media[0].fmts[0].encoding, "PCMA");
	TZ_EXPECT_SPAN(sdp2.buf, sdp2.media[1].media, "video");
	TZ_EXPECT_INT(sdp2.media[1].port, 0);
	TZ_EXPECT_INT(sdp2.media[1].fmts[0].pt, 31);
	err = answer(offer2, &l, NULL, NULL, &neg);
	if (err)
		return err;
	TZ_EXPECT_INT(neg.naccepted, 1);
	TZ_EXPECT_INT(sdp2.media[1].port, 0);
	return 0;
}

/* RFC 3264 6.1 directions, against what we would like. */
static const struct dir_case {
	const char *offer_dir;
	enum tz_sdp_dir want, expect;
} dirs[] = {
        {"sendonly", TZ_SDP_DIR_NONE, TZ_SDP_DIR_RECVONLY},
        {"recvonly", TZ_SDP_DIR_NONE, TZ_SDP_DIR_SENDONLY},
        {"inactive", TZ_SDP_DIR_SENDRECV, TZ_SDP_DIR_INACTIVE},
        {"sendrecv", TZ_SDP_DIR_RECVONLY, TZ_SDP_DIR_RECVONLY},
        {"sendrecv", TZ_SDP_DIR_NONE, TZ_SDP_DIR_SENDRECV},
        {"sendonly", TZ_SDP_DIR_SENDONLY, TZ_SDP_DIR_INACTIVE},
        {"recvonly", TZ_SDP_DIR_RECVONLY, TZ_SDP_DIR_INACTIVE},
};

static int test_answer_dir(void)
{
	struct tz_sdp_local l;
	struct tz_sdp_neg neg;
	size_t i;
	int err;

	caps_init(&l);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char offer[512];
		snprintf(offer, sizeof(offer),
		         OFFER_HEAD "m=audio 49170 RTP/AVP 0\r\n"
		                    "a=%s\r\n",
		         dirs[i].offer_dir);
		l.media[0].dir = dirs[i].want;
		err = answer(offer, &l, NULL, NULL, &neg);
		if (err)
			return err;
		TZ_EXPECT_INT(neg.media[0].dir, dirs[i].expect);
		TZ_EXPECT_INT(sdp2.media[0].dir, dirs[i].expect);
	}
	/* while we hold, a sendrecv offer gets sendonly */
	l.media[0].dir = TZ_SDP_DIR_NONE;
	l.held = true;
	err = answer(offer_full, &l, NULL, NULL, &neg);
	TZ_EXPECT_INT(neg.media[0].dir, TZ_SDP_DIR_SENDONLY);
	return err;
}

/* Telephone-event is kept only when both sides have it. */
static int test_answer_dtmf(void)
{
	struct tz_sdp_local l;
	struct tz_sdp_neg neg;
	int err;

	caps_init(&l);
	l.media[0].ncodec = 2; /* no telephone-event */
	err = answer(offer_full, &l, NULL, NULL, &neg);
	if (err)
		return err;
	TZ_EXPECT_INT(neg.media[0].dtmf_pt, -1);
	TZ_EXPECT_INT(sdp2.media[0].nfmt, 2);
	TZ_EXPECT(tz_sdp_media_fmt(&sdp2, 0, 101) == NULL);
	caps_init(&l);
	err = answer(offer_full, &l, NULL, NULL, &neg);
	if (err)
		return err;
	TZ_EXPECT_INT(neg.media[0].dtmf_pt, 101);
	TZ_EXPECT(tz_sdp_media_fmt(&sdp2, 0, 101) != NULL);
	if (tz_sdp_media_fmt(&sdp2, 0, 101))
		TZ_EXPECT_SPAN(sdp2.buf, tz_sdp_media_fmt(&sdp2, 0, 101)->fmtp,
		               "0-16");
	return 0;
}

/* RFC 3264 8: same answer, same version; changed answer, version + 1. */
static int test_answer_version(void)
{
	static const char offer_so[] =
	        OFFER_HEAD "m=audio 49170 RTP/AVP 0 8 101\r\n"
	                   "a=rtpmap:101 telephone-event/8000\r\n"
	                   "a=sendonly\r\n";
	struct tz_sdp_local l;
	struct tz_buf b;
	int err;

	caps_init(&l);
	l.sess_version = 77; /* ignored once there is a previous one */
	err = answer(offer_full, &l, CAPS_SDP("9", "sendrecv"),
	             CAPS_SDP("9", "sendrecv"), NULL);
	if (!err)
		err = answer(offer_so, &l, CAPS_SDP("9", "sendrecv"),
		             CAPS_SDP("10", "recvonly"), NULL);
	if (!err)
		err = answer(offer_so, &l, CAPS_SDP("10", "recvonly"),
		             CAPS_SDP("10", "recvonly"), NULL);
	if (!err)
		err = answer(offer_full, &l, CAPS_SDP("10", "recvonly"),
		             CAPS_SDP("11", "sendrecv"), NULL);
	if (err)
		return err;
	/* a version cannot go past 2^64 - 1 */
	err = answer(offer_so, &l, CAPS_SDP("18446744073709551615", "sendrecv"),
	             NULL, NULL);
	if (err == -ENOMEM)
		return err;
	TZ_EXPECT_INT(err, -EOVERFLOW);
	l.sess_version = UINT64_MAX;
	tz_buf_init(&b);
	TZ_EXPECT_INT(tz_sdp_local_hold(&b, &l), -EOVERFLOW);
	TZ_EXPECT(!l.held && b.len == 0);
	tz_buf_free(&b);
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_parse_rfc4566),   TZ_TEST(test_parse_torture),
        TZ_TEST(test_parse_fields),    TZ_TEST(test_parse_line_ends),
        TZ_TEST(test_parse_defects),   TZ_TEST(test_round_trip),
        TZ_TEST(test_equal),           TZ_TEST(test_local_print),
        TZ_TEST(test_hold_resume),     TZ_TEST(test_hold_detect),
        TZ_TEST(test_answer_full),     TZ_TEST(test_answer_partial),
        TZ_TEST(test_answer_no_match), TZ_TEST(test_answer_two_media),
        TZ_TEST(test_answer_dir),      TZ_TEST(test_answer_dtmf),
        TZ_TEST(test_answer_version),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
