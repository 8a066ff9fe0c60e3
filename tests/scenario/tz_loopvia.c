/*
 * tz_loopvia.c  Scenario-test helper: the Via the server would have put on
 * a request it forwarded, so that sending the request back to it makes a
 * loop (RFC 3261 16.3 item 4, 16.6 item 8: 482 Loop Detected).
 *
 * usage: tz_loopvia SENT-BY [TRANSPORT] < request
 *
 * Reads one SIP request (as it will be sent, without the Via to add) and
 * prints the Via value to prepend as a header field of its own above the
 * request's Via: "SIP/2.0/UDP SENT-BY;branch=z9hG4bKtz0.HASH.RANDOM;rport",
 * where HASH is the server's own loop hash (src/srv/branch.c) over the
 * request with the request's topmost Via element, the one that will be
 * right below ours. SENT-BY must be one of the server's listen addresses.
 * Exit 0; 2 on usage or an unparsable request.
 */
#include <stdio.h>
#include <string.h>

#include "../../src/srv/srv_int.h"
#include "tz/tz_hdr.h"
#include "tz/tz_msg.h"

static char buf[70000];

int main(int argc, char **argv)
{
	struct tz_hdr hdrs[SRV_MAX_HDRS];
	const struct tz_hdr *via;
	struct tz_msg m;
	struct tz_span elem;
	uint32_t pos, end;
	char branch[64];
	size_t len;

	if (argc < 2 || argc > 3) {
		fprintf(stderr,
		        "usage: tz_loopvia SENT-BY [TRANSPORT] < request\n");
		return 2;
	}
	len = fread(buf, 1, sizeof(buf) - 1, stdin);
	tz_msg_init(&m, hdrs, SRV_MAX_HDRS);
	if (tz_msg_parse(&m, buf, len, NULL) != 0 || !m.request) {
		fprintf(stderr, "tz_loopvia: not a request: %s\n",
		        m.err_what ? m.err_what : "?");
		return 2;
	}
	via = tz_msg_hdr_find(&m, TZ_HDR_VIA, 0);
	if (!via)
		return 2;
	pos = via->value.off;
	end = via->value.off + via->value.len;
	if (tz_hdr_list_split(m.buf, &pos, end, &elem) != 0)
		return 2;
	make_branch(branch, sizeof(branch), 0, loop_hash(&m, elem));
	printf("SIP/2.0/%s %s;branch=%s;rport\n", argc > 2 ? argv[2] : "UDP",
	       argv[1], branch);
	return 0;
}
