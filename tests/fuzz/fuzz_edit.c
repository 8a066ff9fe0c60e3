/*
 * fuzz_edit.c  libFuzzer target for the print round trip: a message the
 * parser accepts comes out of an empty edit list byte for byte, comes out
 * of a proxy's edits (RFC 3261 16.6) as a message the parser accepts with
 * the changes made, and a response built to it parses too.
 */
#include <stdlib.h>
#include <string.h>

#include "tz/tz_build.h"
#include "tz/tz_edit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tz_hdr h1[TZ_MSG_HDRS_DEFAULT], h2[TZ_MSG_HDRS_DEFAULT];
	static struct tz_edits ed;
	struct tz_msg m, f;
	struct tz_buf out;

	tz_msg_init(&m, h1, TZ_MSG_HDRS_DEFAULT);
	if (tz_msg_parse(&m, (const char *)data, size, NULL))
		return 0;
	tz_buf_init(&out);
	tz_edits_init(&ed, &m);
	if (tz_edits_apply(&ed, &out) || out.len != m.len ||
	    memcmp(out.p, m.buf, m.len) != 0)
		abort();
	tz_buf_reset(&out);
	tz_edits_init(&ed, &m);
	tz_edit_hdr_prepend(&ed, "Via",
	                    "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKf");
	tz_edit_max_forwards(&ed, 10);
	if (m.request) {
		tz_edit_hdr_prepend(&ed, "Record-Route", "<sip:192.0.2.1;lr>");
		tz_edit_ruri(&ed, "sip:x@192.0.2.2", 15);
		tz_edit_route_pop(&ed);
	} else {
		tz_edit_via_pop(&ed);
	}
	if (tz_edits_apply(&ed, &out))
		abort();
	tz_msg_init(&f, h2, TZ_MSG_HDRS_DEFAULT);
	/* 513: a message at the limits may grow past them */
	if (tz_msg_parse(&f, out.p, out.len, NULL) && f.err_status != 513)
		abort();
	if (m.request) {
		struct tz_resp_build r = {.status = 404, .to_tag = "t"};
		tz_buf_reset(&out);
		if (tz_build_response(&out, &m, &r) == 0) {
			tz_msg_init(&f, h2, TZ_MSG_HDRS_DEFAULT);
			if (tz_msg_parse(&f, out.p, out.len, NULL) &&
			    f.err_status != 513)
				abort();
		}
	}
	tz_buf_free(&out);
	return 0;
}
