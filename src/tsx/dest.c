/*
 * dest.c  Where a response to a request goes (RFC 3261 18.2.2, RFC 3581
 * 4), for the server and the user agent alike: back over the connection
 * of a reliable transport; to the maddr of the top Via; with rport, to the
 * source address and port; otherwise to the source address and the
 * sent-by port.
 */
#include <string.h>

#include "tz/tz_hdr.h"
#include "tz/tz_tsx.h"

void tz_resp_dest(const struct tz_msg *req, const struct tz_tp_dest *src,
                  struct tz_tp_dest *out)
{
	const struct tz_via *v = &req->via1;
	uint16_t port = v->port > 0            ? (uint16_t)v->port
	                : src->tp == TZ_TP_TLS ? 5061
	                                       : 5060;

	*out = *src;
	if (src->reliable) {
		/* RFC3261 18.2.2: over the connection the request came on;
		 * if that is gone, to the source IP and the sent-by port */
	} else if ((v->has & TZ_VIA_MADDR) && v->maddr.len) {
		/* RFC3261 18.2.2: maddr: to that address (of the family of
		 * the socket it came in on), sent-by port */
		struct sockaddr_storage m;
		socklen_t mlen;

		if (tz_sa_from_host(req->buf + v->maddr.off, v->maddr.len, 0,
		                    &m, &mlen) == 0 &&
		    m.ss_family == out->addr.ss_family)
			memcpy(&out->addr, &m, mlen);
	} else if (v->has & TZ_VIA_RPORT) {
		/* RFC3581 4: to the source IP and port, from the socket
		 * the request came in on */
		return;
	}
	/* RFC3261 18.2.2: the received address (the source IP) and the
	 * sent-by port */
	tz_sa_set_port(&out->addr, port);
}
