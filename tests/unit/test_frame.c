/*
 * test_frame.c  Stream framing (RFC 3261 18.3, 7.5; RFC 5626 3.5.1).
 */
#include <errno.h>

#include "tz_test.h"
#include "tz/tz_msg.h"

#define REQ(extra, cl_line, body)                                              \
	"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n"    \
	"From: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: c1\r\n"            \
	"CSeq: 1 OPTIONS\r\n" extra cl_line "\r\n" body

static const struct {
	const char *in;
	int ret;
	size_t skip, len; /* len 0: the whole input */
	bool no_cl_ok;
} cases[] = {
        {REQ("", "Content-Length: 0\r\n", ""), 0, 0, 0, false},
        {REQ("", "Content-Length: 4\r\n", "abcd"), 0, 0, 0, false},
        {REQ("", "l:4\r\n", "abcd"), 0, 0, 0, false},
        {REQ("", "CONTENT-length :\r\n 4\r\n", "abcd"), 0, 0, 0, false},
        /* RFC 5626 3.5.1: CRLFCRLF ping before a message */
        {"\r\n\r\n" REQ("", "l: 0\r\n", ""), 0, 4, 0, false},
        /* body not all here yet */
        {REQ("", "Content-Length: 5\r\n", "abcd"), -EAGAIN, 0, 0, false},
        /* header section not finished */
        {"OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n", -EAGAIN, 0, 0, false},
        {"\r\n", -EAGAIN, 2, 0, false},
        {"\r\n\r", -EAGAIN, 2, 0, false},
        {"", -EAGAIN, 0, 0, false},
        /* RFC3261 18.3: Content-Length is mandatory on streams */
        {REQ("", "", ""), -EBADMSG, 0, 0, false},
        {REQ("", "", ""), 0, 0, 0, true},
        {REQ("", "Content-Length: -1\r\n", ""), -EBADMSG, 0, 0, false},
        {REQ("", "Content-Length: five\r\n", ""), -EBADMSG, 0, 0, false},
        {REQ("l: 0\r\n", "Content-Length: 0\r\n", ""), -EBADMSG, 0, 0, false},
        /* over the 64 KiB default */
        {REQ("", "Content-Length: 70000\r\n", ""), -EOVERFLOW, 0, 0, false},
        {REQ("", "Content-Length: 99999999999999999999\r\n", ""), -EOVERFLOW, 0,
         0, false},
        /* a second message behind the first is left for the next call */
        {REQ("", "l: 2\r\n", "ab") "INVITE", 0, 0,
         sizeof(REQ("", "l: 2\r\n", "ab")) - 1, false},
        /* an "l" or Content-Length inside another header's value is not one */
        {REQ("X-A: Content-Length: 9\r\n", "l: 1\r\n", "z"), 0, 0, 0, false},
};

static int test_frame_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tz_msg_limits lim = tz_msg_limits_default;
		struct tz_frame fr = {0};
		size_t n = strlen(cases[i].in);
		int ret;

		lim.stream_no_cl = cases[i].no_cl_ok;
		ret = tz_frame_stream(cases[i].in, n, &lim, &fr);
		if (ret != cases[i].ret)
			fprintf(stderr, "case %zu\n", i);
		TZ_EXPECT_INT(ret, cases[i].ret);
		if (ret == 0 || ret == -EAGAIN)
			TZ_EXPECT_INT(fr.skip, cases[i].skip);
		if (ret == 0)
			TZ_EXPECT_INT(fr.len, cases[i].len ? cases[i].len
			                                   : n - cases[i].skip);
	}
	return 0;
}

/* A header section that never ends is cut off at the size limit. */
static int test_frame_overflow_headers(void)
{
	static char big[70000];
	struct tz_frame fr = {0};

	memset(big, 'a', sizeof(big));
	memcpy(big, "OPTIONS sip:a@b SIP/2.0\r\nX: ", 28);
	TZ_EXPECT_INT(tz_frame_stream(big, 60000, NULL, &fr), -EAGAIN);
	TZ_EXPECT_INT(tz_frame_stream(big, sizeof(big), NULL, &fr), -EOVERFLOW);
	return 0;
}

/* The hint lets a byte-by-byte feeder resume; results do not change. */
static int test_frame_hint(void)
{
	const char *m = REQ("", "l: 3\r\n", "xyz");
	size_t n = strlen(m), k;
	struct tz_frame fr = {0};
	int ret = -EAGAIN;

	for (k = 1; k <= n && ret == -EAGAIN; k++)
		ret = tz_frame_stream(m, k, NULL, &fr);
	TZ_EXPECT_INT(ret, 0);
	TZ_EXPECT_INT(k - 1, n);
	TZ_EXPECT_INT(fr.len, n);
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_frame_table),
        TZ_TEST(test_frame_overflow_headers),
        TZ_TEST(test_frame_hint),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
