/**
 * @file tz_tp.h  Transport layer (L1) vocabulary shared by every layer
 * above it: the transport protocols and the destination of a message.
 */
#ifndef TZ_TP_H
#define TZ_TP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/** Transport protocols a destination can name. */
enum tz_tp_proto {
	TZ_TP_UDP = 0,
	TZ_TP_TCP,
	TZ_TP_TLS,
	TZ_TP_SCTP,
	TZ_TP_WS,
	TZ_TP_WSS,
};

/** Where a message goes to, or came from. */
struct tz_tp_dest {
	struct sockaddr_storage addr; /**< peer address */
	socklen_t addrlen;            /**< bytes used in @c addr */
	enum tz_tp_proto tp;          /**< transport protocol */
	/** Reliable transport (everything but UDP): no retransmissions, and
	 *  Timers D, I, J, K are zero (RFC 3261 17.1.1.2, 17.2.1). */
	bool reliable;
	/** Connection a stream message arrived on or must leave by (0: any,
	 *  or open one); for UDP, the local socket index to send from. */
	uint64_t conn;
};

/** "UDP", "TCP", ... as in a Via sent-protocol. */
const char *tz_tp_name(enum tz_tp_proto p);

/** Protocol from a Via transport or a URI transport parameter, case
 *  insensitive ("udp", "TCP", "tls", "sctp", "ws", "wss").
 *  @return 0 with *p set; -EPROTONOSUPPORT for anything else. */
int tz_tp_from_name(const char *s, size_t n, enum tz_tp_proto *p);

#endif
