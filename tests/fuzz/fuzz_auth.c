/*
 * fuzz_auth.c  libFuzzer target for the server's digest check
 * (tz_auth_check): the input is the value of an Authorization field of a
 * REGISTER. Whatever it holds, the check must give one of its verdicts
 * (never OK: no input can know the HMAC of a nonce), a reason with every
 * refusal, and no memory error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tz/tz_arena.h"
#include "tz/tz_digest.h"
#include "tz/tz_msg_typed.h"

static struct tz_auth_server *as;

static int lookup(void *arg, const char *user, const char *realm,
                  enum tz_digest_alg base, char out[TZ_DIGEST_HEX])
{
	(void)arg;
	(void)realm;
	if (strcmp(user, "alice") != 0)
		return -ENOENT;
	return tz_digest_ha1(base, "alice", "localhost", "secret", out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char head[] =
	        "REGISTER sip:localhost SIP/2.0\r\n"
	        "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
	        "From: <sip:alice@localhost>;tag=1\r\n"
	        "To: <sip:alice@localhost>\r\n"
	        "Call-ID: fuzz\r\nCSeq: 1 REGISTER\r\nMax-Forwards: 70\r\n"
	        "Authorization: ";
	static const char tail[] = "\r\nContent-Length: 0\r\n\r\n";
	static char buf[8192];
	static char mem[4096];
	struct tz_hdr hdrs[TZ_MSG_HDRS_DEFAULT];
	struct tz_auth_result res;
	struct tz_arena a;
	struct tz_msg m;
	size_t n;

	if (!as) {
		struct tz_auth_conf c = {0};

		memset(c.secret, 7, sizeof(c.secret));
		c.nonce_lifetime_ms = 300000;
		c.failures = 5;
		c.window_ms = 60000;
		c.backoff_ms = 1000;
		c.backoff_max_ms = 8000;
		c.offer_sha256 = c.offer_md5 = true;
		if (tz_auth_server_alloc(&as, &c) != 0)
			abort();
	}
	if (size > sizeof(buf) - sizeof(head) - sizeof(tail))
		return 0;
	n = 0;
	memcpy(buf, head, sizeof(head) - 1);
	n += sizeof(head) - 1;
	memcpy(buf + n, data, size);
	n += size;
	memcpy(buf + n, tail, sizeof(tail) - 1);
	n += sizeof(tail) - 1;
	tz_msg_init(&m, hdrs, TZ_MSG_HDRS_DEFAULT);
	if (tz_msg_parse(&m, buf, n, NULL) != 0)
		return 0;
	tz_arena_init(&a, mem, sizeof(mem));
	tz_msg_set_arena(&m, &a);
	if (tz_auth_check(as, &m, false, "localhost", lookup, NULL, NULL,
	                  1000000, &res) == 0) {
		if (res.verdict == TZ_VERDICT_OK ||
		    res.verdict > TZ_VERDICT_THROTTLED)
			abort();
		if (res.verdict != TZ_VERDICT_CHALLENGE && !res.why)
			abort();
	}
	tz_arena_free(&a);
	return 0;
}
