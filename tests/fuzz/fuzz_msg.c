/*
 * fuzz_msg.c  libFuzzer target: tz_msg_parse on any bytes. A successful
 * parse must only point inside the input, and a failed one must name its
 * defect and a status a server can send.
 */
#include <stdlib.h>

#include "tz/tz_msg.h"

static void in_bounds(struct tz_span s, size_t len)
{
	if ((size_t)s.off + s.len > len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tz_hdr hdrs[TZ_MSG_HDRS_DEFAULT];
	struct tz_msg msg;
	uint32_t i;

	tz_msg_init(&msg, hdrs, TZ_MSG_HDRS_DEFAULT);
	if (tz_msg_parse(&msg, (const char *)data, size, NULL)) {
		if (!msg.err_what)
			abort();
		if (msg.err_status && msg.err_status != 400 &&
		    msg.err_status != 414 && msg.err_status != 505 &&
		    msg.err_status != 513)
			abort();
		return 0;
	}
	if (msg.len > size || msg.nhdr > TZ_MSG_HDRS_DEFAULT || !msg.nvia)
		abort();
	in_bounds(msg.body, msg.len);
	in_bounds(msg.call_id, msg.len);
	in_bounds(msg.via1.host, msg.len);
	in_bounds(msg.from.uri, msg.len);
	in_bounds(msg.to.tag, msg.len);
	for (i = 0; i < msg.nhdr; i++) {
		in_bounds(hdrs[i].name, msg.len);
		in_bounds(hdrs[i].value, msg.len);
	}
	return 0;
}
