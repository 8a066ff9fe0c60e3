/**
 * @file tz_resolve.h  Locating SIP servers (RFC 3263 4): the host, port
 * and transport of a SIP or SIPS URI turned into an ordered list of
 * destinations, asynchronously through c-ares on a worker's event loop.
 *
 * Transport (4.1): a transport parameter wins; a numeric address or an
 * explicit port means UDP (TLS for SIPS); otherwise NAPTR, then SRV for
 * each supported transport, then UDP (TLS for SIPS). Address and port
 * (4.2): a numeric address is used as is; an explicit port means A/AAAA
 * only; otherwise the SRV records, ordered per RFC 2782, each target
 * looked up as AAAA and A; no SRV means A/AAAA at the default port (5060,
 * 5061 for TLS). The list is in the order to try them (4.3), at most
 * TZ_RESOLVE_MAX long: NAPTR order, or (no NAPTR) UDP, TCP, then TLS;
 * within an SRV answer, priority, then a weighted random draw
 * proportional to the weights (weight 0 last).
 *
 * A static override file (tz_resolve_opts.hosts_file) answers before DNS,
 * one record a line, '#' starting a comment:
 *
 *     a     NAME  IPV4
 *     aaaa  NAME  IPV6
 *     srv   NAME  PRIORITY WEIGHT PORT TARGET
 *     naptr NAME  ORDER PREFERENCE FLAGS SERVICE REPLACEMENT
 *
 * e.g. "naptr example.com 10 50 s SIP+D2U _sip._udp.example.com". Names
 * are case-insensitive, a trailing dot is ignored, "." as a TARGET or
 * REPLACEMENT means none. A name the file holds any record for is
 * answered from the file for every record type (no records of a type
 * then reads as "no such records"); other names go to DNS.
 *
 * One resolver per loop (one per worker thread, each with its own c-ares
 * channel); not thread-safe. Callbacks fire from the loop (a timer of its
 * wheel), never from the call that started the query and never from
 * inside c-ares: a callback may start or cancel queries and may free the
 * resolver.
 */
#ifndef TZ_RESOLVE_H
#define TZ_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tz_tp.h"
#include "tz_uri.h"

/** Most destinations one resolution gives. */
#define TZ_RESOLVE_MAX 16

struct tz_loop;
struct tz_resolver;
struct tz_resolve_q;

/** Resolver options; all-zero (or a NULL pointer) means the defaults. */
struct tz_resolve_opts {
	/** Static override file (format above), read once by
	 *  tz_resolver_alloc(); NULL for none. Borrowed. */
	const char *hosts_file;
	/** DNS servers "IP[:PORT],..." (IPv6 as "[IP]:PORT"); NULL for the
	 *  system's (/etc/resolv.conf). Borrowed. */
	const char *servers;
	/** First retransmission timeout of a DNS query, in ms; 0: the
	 *  c-ares default (or resolv.conf's). */
	uint32_t timeout_ms;
	/** Attempts per server; 0: the c-ares default. */
	unsigned tries;
	/** Transports the caller can send on: bits (1u << enum tz_tp_proto)
	 *  of UDP, TCP and TLS (others are never chosen); 0 means UDP and
	 *  TCP, the two every element must have (RFC 3261 18). */
	unsigned supported;
	/** Addresses wanted from DNS: AF_UNSPEC (0) both, AF_INET or
	 *  AF_INET6 only that family. Numeric hosts are never filtered. */
	int family;
	/** With both families, each target's A records before its AAAA
	 *  records (default: AAAA first, RFC 6724's preference). */
	bool ipv4_first;
};

/**
 * Result handler, called exactly once per successful tz_resolve() unless
 * the query is cancelled first.
 *
 * @param err 0 with @p n >= 1 destinations; or -ENOENT (the name does not
 *            exist or has no usable records), -ETIMEDOUT (a DNS server did
 *            not answer), -ECONNREFUSED or -EIO (a DNS server refused or
 *            failed), -EPROTONOSUPPORT (only transports the caller does not
 *            support), -ENOMEM; @p targets NULL and @p n 0 then. When
 *            several lookups failed differently, the most telling error
 *            wins, in the order -ENOMEM, -ETIMEDOUT, -ECONNREFUSED/-EIO,
 *            -EPROTONOSUPPORT, -ENOENT.
 * @param targets the destinations in the order to try them (RFC 3263 4.3),
 *            @c conn 0; borrowed for the call.
 */
typedef void(tz_resolve_h)(int err, const struct tz_tp_dest *targets, size_t n,
                           void *arg);

/**
 * Create a resolver on @p loop (borrowed; it must outlive the resolver).
 * Initialises c-ares once per process. @p o (borrowed, may be NULL) is
 * read during the call only.
 *
 * @param err  when not NULL, receives a NUL-terminated message on failure
 *             ("FILE:LINE: what" for a bad override line); @p errlen is
 *             its size.
 * @return 0 with *rp set; -EINVAL for a bad override line or server list;
 *         the negative errno of opening or reading the override file;
 *         -ENOMEM; -EIO when c-ares cannot start.
 */
int tz_resolver_alloc(struct tz_resolver **rp, struct tz_loop *loop,
                      const struct tz_resolve_opts *o, char *err,
                      size_t errlen);

/**
 * Destroy a resolver (accepts NULL): pending queries are dropped without
 * their callback, and the c-ares sockets leave the loop. May be called
 * from a tz_resolve_h callback.
 */
void tz_resolver_free(struct tz_resolver *r);

/**
 * Start resolving a target (RFC 3263 4.1, 4.2).
 *
 * @param qp    when not NULL, receives the query handle for
 *              tz_resolve_cancel(); valid until the callback returns.
 * @param host  host[0, hostlen): a hostname (a trailing dot is allowed),
 *              an IPv4 address, or an IPv6 address with or without
 *              brackets; borrowed for the call.
 * @param port  the URI's port, or 0 for none.
 * @param tp    the URI's transport parameter as an enum tz_tp_proto, or
 *              -1 for none. With @p sips, TCP means TLS.
 * @param sips  the target is a SIPS URI: TLS only.
 * @return 0, and @p h fires later from the loop; -EINVAL for an empty or
 *         over-long host, a host holding a NUL, a @p tp out of range or a
 *         NULL @p h; -ENOMEM. On failure @p h never fires.
 */
int tz_resolve(struct tz_resolver *r, struct tz_resolve_q **qp,
               const char *host, size_t hostlen, uint16_t port, int tp,
               bool sips, tz_resolve_h *h, void *arg);

/**
 * tz_resolve() for a parsed SIP or SIPS URI @p u whose spans are relative
 * to @p base (both borrowed for the call): the maddr parameter, when
 * present, replaces the host (RFC 3263 4.1); the transport parameter and
 * the port are used; a SIPS URI means TLS. A transport parameter naming
 * no known transport gives -EPROTONOSUPPORT through @p h.
 *
 * @return as tz_resolve(); -EINVAL also for a URI that is not sip or sips,
 *         or whose maddr or transport does not unescape.
 */
int tz_resolve_uri(struct tz_resolver *r, struct tz_resolve_q **qp,
                   const char *base, const struct tz_uri *u, tz_resolve_h *h,
                   void *arg);

/**
 * Cancel a query (accepts NULL): its callback will not fire. The handle is
 * invalid afterwards. A no-op from inside the query's own callback.
 */
void tz_resolve_cancel(struct tz_resolve_q *q);

#endif
