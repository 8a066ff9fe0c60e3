/**
 * @file tz_transport.h  The transports of the server's workers (L1, RFC
 * 3261 18): UDP with batched receive and send (recvmmsg / sendmmsg), TCP
 * with connection reuse, incremental framing, idle and slow-sender
 * timeouts and per-source caps; IPv4 and IPv6; several listen addresses.
 *
 * A struct tz_hub is shared by all workers: the registry of open TCP
 * connections (peer address -> connection, per-source counts) and the
 * workers' mailboxes. Each worker has its own struct tz_transport on its
 * own loop, with its own SO_REUSEPORT sockets, so the kernel spreads peers
 * over workers and one peer stays on one worker (DESIGN.md "Workers").
 * A TCP connection belongs to the worker that accepted or opened it; a
 * worker that must send on another worker's connection posts the message
 * to the owner's mailbox.
 */
#ifndef TZ_TRANSPORT_H
#define TZ_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "tz_mbox.h"
#include "tz_tp.h"

struct tz_loop;
struct tz_hub;
struct tz_transport;

/** Transport limits; the hub keeps the current values (reloadable). */
struct tz_tp_limits {
	uint32_t max_message; /**< bytes of one message (stream framing) */
	uint32_t tcp_idle;    /**< ms without traffic before a close */
	uint32_t tcp_slow;    /**< ms a started message may take */
	uint32_t tcp_per_src; /**< connections from one IP address */
	uint32_t tcp_max;     /**< connections in all */
};

/** Counters of one worker's transport (only its thread writes them). */
struct tz_tp_stats {
	uint64_t rx_msgs;       /**< messages received */
	uint64_t tx_msgs;       /**< messages sent (or queued to a socket) */
	uint64_t tx_errors;     /**< sends that failed */
	uint64_t tcp_accepted;  /**< connections accepted */
	uint64_t tcp_refused;   /**< connections refused by a cap */
	uint64_t tcp_timeouts;  /**< closed for idleness or a slow sender */
	uint64_t tcp_bad_frame; /**< closed for broken framing */
};

/** Flags of a received message. */
enum tz_rx_flag {
	/** Over the size limit: @c buf holds its start only. The transport
	 *  closes a stream after the handler returns (a reply, e.g. 513, is
	 *  flushed first). */
	TZ_RX_TOOBIG = 1 << 0,
	/** Broken stream framing (no or bad Content-Length, RFC 3261 18.3):
	 *  @c buf holds what was received; the stream is closed after the
	 *  handler returns, a reply (400) flushed first. */
	TZ_RX_BROKEN = 1 << 1,
	/** Handed over by another worker (tz_hub_rx_on). */
	TZ_RX_FORWARDED = 1 << 2,
};

/**
 * Received message handler: one whole message (borrowed, @p len bytes),
 * from @p src (borrowed; for a stream, src->conn names the connection).
 */
typedef void(tz_rx_h)(const char *buf, size_t len, unsigned flags,
                      const struct tz_tp_dest *src, void *arg);

/**
 * Transport failure handler: a stream to @p dst (borrowed; @c conn names
 * the connection) failed after a send had returned: connection refused,
 * reset, broken pipe (@p err is the negative errno). Called from the
 * loop, never from inside tz_transport_send().
 */
typedef void(tz_tp_err_h)(const struct tz_tp_dest *dst, int err, void *arg);

/** Set the failure handler of @p t (NULL: none). */
void tz_transport_set_error(struct tz_transport *t, tz_tp_err_h *h, void *arg);

/**
 * Create the shared hub for @p nworkers workers.
 * @return 0; -ENOMEM.
 */
int tz_hub_alloc(struct tz_hub **hp, unsigned nworkers,
                 const struct tz_tp_limits *lim);

/** Free the hub, after every worker's transport. */
void tz_hub_free(struct tz_hub *h);

/** Replace the limits (thread-safe; applies to new events). */
void tz_hub_set_limits(struct tz_hub *h, const struct tz_tp_limits *lim);

/** Open TCP connections in all workers. */
unsigned tz_hub_connections(struct tz_hub *h);

/**
 * Create worker @p index's transport on @p loop (its own thread). Its
 * mailbox is registered in the hub.
 * @return 0; -ENOMEM; an errno.
 */
int tz_transport_alloc(struct tz_transport **tp, struct tz_hub *hub,
                       unsigned index, struct tz_loop *loop, tz_rx_h *rx,
                       void *arg);

/** Close every socket and connection and free (NULL accepted). Pending
 *  batched datagrams are flushed first. */
void tz_transport_free(struct tz_transport *t);

/**
 * Listen on @p addr for @p proto (UDP or TCP), with SO_REUSEPORT so every
 * worker binds the same address. For UDP the worker also binds a private
 * socket on the same IP with a port of its own: requests it sends leave
 * from there and name it in their Via, so their responses come back to
 * this worker (RFC 3261 18.2.2, RFC 3581).
 * @return 0; -EPROTONOSUPPORT for TLS/WS (not yet); or the socket errno.
 */
int tz_transport_listen(struct tz_transport *t, enum tz_tp_proto proto,
                        const struct sockaddr *addr, socklen_t addrlen);

/** Before tz_transport_listen(): no private UDP port. Requests leave
 *  from the listen socket and name it in their Via, so a user agent's
 *  Contact, Via and source port agree (symmetric signalling through
 *  NATs, RFC 3581). For a single endpoint, not a server's workers. */
void tz_transport_single_port(struct tz_transport *t);

/** The address the last tz_transport_listen() bound (its port chosen by
 *  the kernel when 0 was asked). */
void tz_transport_bound(const struct tz_transport *t,
                        struct sockaddr_storage *out, socklen_t *outlen);

/** Stop accepting new TCP connections (graceful shutdown); open ones keep
 *  working. */
void tz_transport_stop_accepting(struct tz_transport *t);

/**
 * Send a message (copied). UDP goes out in the next batch: from socket
 * dst->conn if set (the one a request came in on, RFC 3261 18.2.2), else
 * from this worker's private socket of the address family, else its first
 * listen socket. TCP goes on connection dst->conn if it is still open
 * (posted to the owning worker if that is another one), else on an open
 * connection to dst->addr, else on a new connection (RFC 3261 18.2.2:
 * "open a connection to the IP address in the received parameter").
 * @return 0; -EAFNOSUPPORT when no socket fits; -EMSGSIZE; -ENOMEM; or a
 *         connect errno. Errors after return (a refused connection) are
 *         counted and logged only.
 */
int tz_transport_send(struct tz_transport *t, const char *buf, size_t len,
                      const struct tz_tp_dest *dst);

/** Flush the UDP send batch now (the loop's idle hook does it too). */
void tz_transport_flush(struct tz_transport *t);

/**
 * The local address a request to @p dst would leave from, for its Via
 * sent-by: the private UDP port for UDP, the first listen address of the
 * family for TCP.
 * @return 0; -EAFNOSUPPORT.
 */
int tz_transport_local(struct tz_transport *t, const struct tz_tp_dest *dst,
                       struct sockaddr_storage *out, socklen_t *outlen);

/** This worker's counters. */
const struct tz_tp_stats *tz_transport_stats(const struct tz_transport *t);

/** Post @p h(data, arg) to run on worker @p index (see tz_mbox_post). */
int tz_hub_post(struct tz_hub *h, unsigned index, tz_mbox_h *fn, void *arg,
                const void *data, size_t len);

/** tz_hub_post() with a payload in two parts (see tz_mbox_post2). */
int tz_hub_post2(struct tz_hub *h, unsigned index, tz_mbox_h *fn, void *arg,
                 const void *a, size_t alen, const void *b, size_t blen);

/**
 * Have worker @p index handle a received message as if its own transport
 * had received it (its rx handler runs with @p flags | TZ_RX_FORWARDED):
 * e.g. a response for a client transaction of that worker (DESIGN.md:
 * the cross-worker queue). @p buf and @p src are copied.
 * @return 0; -ESRCH for no such worker; -ENOMEM.
 */
int tz_hub_rx_on(struct tz_hub *h, unsigned index, const char *buf, size_t len,
                 unsigned flags, const struct tz_tp_dest *src);

/** Worker that owns stream connection @p conn (from its id). */
unsigned tz_conn_owner(uint64_t conn);

#endif
