/** @file proto.c  Transport protocol names (RFC 3261 18, 20.42). */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "tz/tz_tp.h"

static const char *const names[] = {"UDP", "TCP", "TLS", "SCTP", "WS", "WSS"};

const char *tz_tp_name(enum tz_tp_proto p)
{
	if ((unsigned)p >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[p];
}

int tz_tp_from_name(const char *s, size_t n, enum tz_tp_proto *p)
{
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (n == strlen(names[i]) && strncasecmp(s, names[i], n) == 0) {
			*p = (enum tz_tp_proto)i;
			return 0;
		}
	}
	return -EPROTONOSUPPORT;
}
