/*
 * fuzz_frame.c  libFuzzer target: stream framing must find the same first
 * message whether the bytes come at once or in two pieces, and never claim
 * more bytes than it was given.
 */
#include <errno.h>
#include <stdlib.h>

#include "tz/tz_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tz_frame all = {0}, part = {0};
	const char *b = (const char *)data;
	size_t cut = size ? data[0] % (size + 1) : 0;
	int ra, rp;

	ra = tz_frame_stream(b, size, NULL, &all);
	if (ra == 0 && all.skip + all.len > size)
		abort();
	rp = tz_frame_stream(b, cut, NULL, &part);
	if (rp == 0 &&
	    (ra != 0 || part.skip != all.skip || part.len != all.len))
		abort();
	if (rp == -EAGAIN) {
		rp = tz_frame_stream(b, size, NULL, &part);
		if (rp != ra ||
		    (ra == 0 && (part.skip != all.skip || part.len != all.len)))
			abort();
	}
	return 0;
}
