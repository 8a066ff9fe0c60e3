/*
 * fuzz_uri.c  libFuzzer target: URI and host checks on any bytes; parts
 * found must lie inside the input.
 */
#include <stdlib.h>

#include "tz/tz_uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void in(struct tz_span s, size_t size)
{
	if ((size_t)s.off + s.len > size)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tz_uri u;

	if (size > 65536)
		return 0;
	tz_host_check((const char *)data, size);
	if (tz_uri_parse(&u, (const char *)data, 0, (uint32_t)size))
		return 0;
	in(u.user, size);
	in(u.password, size);
	in(u.host, size);
	in(u.params, size);
	in(u.headers, size);
	if (u.port > 65535)
		abort();
	return 0;
}
