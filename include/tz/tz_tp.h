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

/* ---- socket addresses (IPv4 and IPv6) ---- */

/** Same family, address and port. */
bool tz_sa_equal(const struct sockaddr *a, const struct sockaddr *b);

/** The keyed table hash (tz_table_hash) of the address bytes, and of the
 * port when @p with_port. */
uint32_t tz_sa_hash(const struct sockaddr *a, bool with_port);

/** The port of an IPv4 or IPv6 address, host order. */
uint16_t tz_sa_port(const struct sockaddr_storage *a);

/** Set the port of an IPv4 or IPv6 address. */
void tz_sa_set_port(struct sockaddr_storage *a, uint16_t port);

/** The unspecified address (0.0.0.0 or ::). */
bool tz_sa_is_any(const struct sockaddr_storage *a);

/**
 * Read a numeric host: an IPv4 address, or an IPv6 address with or
 * without brackets (RFC 3261 25.1 IPv6reference), the @p n bytes at @p h.
 * @return 0 with @p out (port @p port) and @p outlen set; -EINVAL when
 *         the bytes are not a numeric address.
 */
int tz_sa_from_host(const char *h, size_t n, uint16_t port,
                    struct sockaddr_storage *out, socklen_t *outlen);

/** Whether @p a and @p b are the same address (family and IP), ports
 *  aside. */
bool tz_sa_same_ip(const struct sockaddr *a, const struct sockaddr *b);

/** Whether the numeric host at @p h (as tz_sa_from_host reads it) is the
 *  address of @p sa, ports aside. */
bool tz_sa_host_is(const char *h, size_t n, const struct sockaddr *sa);

/**
 * Print an address: with @p port, "192.0.2.1:5060" or "[2001:db8::1]:5060"
 * (a Via sent-by, RFC 3261 20.42); without, "192.0.2.1" or "2001:db8::1"
 * (a received parameter, RFC 3261 18.2.1). Always NUL-terminated.
 * @return @p out.
 */
const char *tz_sa_print(const struct sockaddr_storage *a, bool port, char *out,
                        size_t n);

/** Room for tz_sa_print() with a port. */
#define TZ_SA_STRLEN 56

/** "UDP", "TCP", ... as in a Via sent-protocol. */
const char *tz_tp_name(enum tz_tp_proto p);

/** Protocol from a Via transport or a URI transport parameter, case
 *  insensitive ("udp", "TCP", "tls", "sctp", "ws", "wss").
 *  @return 0 with *p set; -EPROTONOSUPPORT for anything else. */
int tz_tp_from_name(const char *s, size_t n, enum tz_tp_proto *p);

#endif
