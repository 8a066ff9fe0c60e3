/*
 * fuzz_hdr.c  libFuzzer target for the eager decoders on raw values: the
 * first byte picks Via, name-addr (single or list), parameters, CSeq, or
 * the generic list splitter; every span found must lie inside the value
 * and every cursor must move forward.
 */
#include <stdlib.h>

#include "tz/tz_hdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void in(struct tz_span s, uint32_t end)
{
	if ((uint64_t)s.off + s.len > end)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *b = (const char *)data + 1;
	uint32_t end, pos = 0, last;
	int n = 0;

	if (size < 1 || size > 65536)
		return 0;
	end = (uint32_t)size - 1;
	switch (data[0] % 6) {
	case 0: {
		struct tz_via v;
		do {
			last = pos;
			if (tz_via_decode(&v, b, &pos, end))
				break;
			in(v.host, end);
			in(v.branch, end);
			in(v.params, end);
			if (pos < last || pos > end)
				abort();
		} while (tz_list_next(b, &pos, end) && ++n < 1000);
		break;
	}
	case 1:
	case 2: {
		struct tz_naddr na;
		bool list = data[0] % 6 == 2;
		do {
			last = pos;
			if (tz_naddr_decode(&na, b, &pos, end, list))
				break;
			in(na.uri, end);
			in(na.dname, end);
			in(na.tag, end);
			in(na.params, end);
			if (pos < last || pos > end)
				abort();
		} while (list && tz_list_next(b, &pos, end) && ++n < 1000);
		break;
	}
	case 3: {
		struct tz_param p;
		while (tz_param_next(b, &pos, end, &p) == 0 && ++n < 10000) {
			in(p.name, end);
			in(p.value, end);
			if (pos > end)
				abort();
		}
		break;
	}
	case 4: {
		uint32_t num;
		struct tz_span m;
		if (tz_cseq_decode(b, (struct tz_span){0, end}, &num, &m) == 0)
			in(m, end);
		tz_callid_check(b, (struct tz_span){0, end});
		break;
	}
	default: {
		struct tz_span e;
		while (tz_hdr_list_split(b, &pos, end, &e) == 0 &&
		       ++n < 100000) {
			in(e, end);
			if (pos > end)
				abort();
		}
		break;
	}
	}
	return 0;
}
