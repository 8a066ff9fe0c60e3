/*
 * hv_route.c  Lists of name-addr elements: Route and Record-Route (RFC 3261
 * 20.30, 20.34), Path (RFC 3327 4), Service-Route (RFC 3608 5),
 * P-Asserted-Identity and P-Preferred-Identity (RFC 3325 9.1, 9.2).
 */
#include <errno.h>

#include "tz/tz_hval.h"
#include "chars.h"

static int naddr_next(struct tz_naddr *out, const char *base, uint32_t *posp,
                      uint32_t end, bool need_angle)
{
	uint32_t p = *posp;
	bool first;
	int err = tz_list_enter(base, &p, end, &first);

	if (err)
		return err;
	err = tz_naddr_decode(out, base, &p, end, true);
	if (err)
		return err;
	if (need_angle && !out->angle)
		return -EBADMSG;
	*posp = p;
	return 0;
}

int tz_route_next(struct tz_naddr *out, const char *base, uint32_t *posp,
                  uint32_t end)
{
	/* RFC3261 25.1: route-param = name-addr *( SEMI rr-param ); RFC 3327
	 * and RFC 3608 reuse it for Path and Service-Route */
	return naddr_next(out, base, posp, end, true);
}

int tz_pid_next(struct tz_naddr *out, const char *base, uint32_t *posp,
                uint32_t end)
{
	/* RFC3325 9.1: PAssertedID-value = name-addr / addr-spec */
	return naddr_next(out, base, posp, end, false);
}
