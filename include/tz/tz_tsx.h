/**
 * @file tz_tsx.h  The transaction layer (L3): the four transaction state
 * machines of RFC 3261 17 with the RFC 6026 Accepted states, request and
 * response matching (17.1.3, 17.2.3, with the RFC 2543 fallback), and the
 * timers of RFC 3261 Table 4 on the worker's timing wheel.
 *
 * One struct tz_tsx_layer per worker thread (DESIGN.md "Workers"); not
 * thread-safe. Received messages go through tz_tsx_layer_recv(), which
 * absorbs what belongs to a transaction; everything else goes to the
 * transaction user (TU), which creates server transactions for new
 * requests and client transactions for requests it sends.
 *
 * Callbacks fire from tz_tsx_layer_recv() or from tz_wheel_advance(), never
 * from the call that registered them. While one runs, the TU may reply,
 * create or release transactions, but must not free the layer.
 */
#ifndef TZ_TSX_H
#define TZ_TSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "tz_msg.h"
#include "tz_timer.h"
#include "tz_tp.h"

/**
 * Transport send hook: send @p len bytes at @p buf (borrowed) to @p dst
 * (borrowed). Must not call back into the layer.
 * @return 0, or a negative errno: a transport error (RFC 3261 17.1.4,
 *         17.2.4) that terminates the transaction.
 */
typedef int(tz_tsx_send_h)(const char *buf, size_t len,
                           const struct tz_tp_dest *dst, void *arg);

/** Timer values in milliseconds (RFC 3261 Table 4). */
struct tz_tsx_config {
	uint32_t t1;     /**< RTT estimate; default 500 */
	uint32_t t2;     /**< cap of non-INVITE retransmission; default 4000 */
	uint32_t t4;     /**< network message lifetime; default 5000 */
	uint32_t td;     /**< Timer D on unreliable transports; default 32000 */
	uint32_t trying; /**< automatic 100 Trying delay; default 200 */
	uint32_t buckets; /**< hash buckets at first, a power of two (the
	                       table doubles as it fills); default 4096 */
	/** The timers that only end a transaction (D, I, J, K, L, M) may
	 *  fire up to 1/8 (at most 128 ms) late, those due close together
	 *  in one wake-up (tz_timer_start_lazy); default true. */
	bool lazy_ends;
};

/** Fill @p cfg with the defaults named above. */
void tz_tsx_config_default(struct tz_tsx_config *cfg);

/** States of the four machines (RFC 3261 17, RFC 6026 7). */
enum tz_tsx_state {
	TZ_TSX_CALLING = 0, /**< INVITE client, request sent */
	TZ_TSX_TRYING,      /**< non-INVITE client and server */
	TZ_TSX_PROCEEDING,
	TZ_TSX_ACCEPTED, /**< RFC 6026: INVITE after a 2xx */
	TZ_TSX_COMPLETED,
	TZ_TSX_CONFIRMED, /**< INVITE server, ACK received */
	TZ_TSX_TERMINATED,
};

struct tz_tsx_layer;
struct tz_tsx;

/**
 * Response handler of a client transaction. Called with @p err 0 and the
 * response (borrowed for the call) for each provisional and final response,
 * and for 2xx retransmissions in Accepted (RFC 6026 7.2); retransmitted
 * non-2xx finals are absorbed. At most once, and never after a final
 * response, with @p err -ETIMEDOUT (Timer B or F) or the transport error
 * and @p resp NULL: the transaction is then terminated.
 */
typedef void(tz_tsx_resp_h)(int err, const struct tz_msg *resp, void *arg);

/**
 * Failure handler of a server transaction: called at most once, with
 * -ETIMEDOUT when Timer H fires (no ACK: RFC 3261 17.2.1) or with the
 * transport error of a retransmission or of the automatic 100 (17.2.4);
 * the transaction is then terminated.
 */
typedef void(tz_tsx_err_h)(int err, void *arg);

/**
 * Allocate a transaction layer.
 * @param wheel  borrowed; must outlive the layer.
 * @param cfg    copied; NULL for the defaults.
 * @param sendh  the transport; @p arg is passed to it.
 * @return 0; -EINVAL for a bad config; -ENOMEM.
 */
int tz_tsx_layer_alloc(struct tz_tsx_layer **lp, struct tz_wheel *wheel,
                       const struct tz_tsx_config *cfg, tz_tsx_send_h *sendh,
                       void *arg);

/**
 * Free a layer (NULL accepted): every transaction is terminated at once
 * with no callback; references the TU still holds stay valid, and
 * operations on them return -ESHUTDOWN.
 */
void tz_tsx_layer_free(struct tz_tsx_layer *l);

/** Transactions currently live (not terminated) in @p l. */
unsigned tz_tsx_layer_count(const struct tz_tsx_layer *l);

/** Hash buckets of @p l now: the configured number, doubled each time
 *  the layer holds two transactions a bucket. */
unsigned tz_tsx_layer_buckets(const struct tz_tsx_layer *l);

/** Counters of a layer. */
struct tz_tsx_stats {
	uint64_t sent;          /**< messages handed to the transport */
	uint64_t retransmitted; /**< of which retransmissions (timers, or a
	                             response resent for a retransmitted
	                             request) */
	uint64_t absorbed;      /**< retransmitted requests absorbed */
};

/** The counters of @p l. */
const struct tz_tsx_stats *tz_tsx_layer_stats(const struct tz_tsx_layer *l);

/**
 * A transport failure toward @p dst found after the send returned (a
 * connection refused or reset): every live transaction whose destination
 * is that connection (same @c conn) or that address and protocol ends,
 * its TU told with @p err (RFC 3261 17.1.4, 17.2.4). Must not be called
 * from inside a layer callback or send hook.
 * @return how many transactions ended.
 */
unsigned tz_tsx_layer_tp_error(struct tz_tsx_layer *l,
                               const struct tz_tp_dest *dst, int err);

/**
 * Change the timers (T1, T2, T4, D, trying; not the bucket count) for
 * transactions created from now on (RFC 3261 17: running timers keep
 * their values).
 * @return 0; -EINVAL for a bad config (nothing changed).
 */
int tz_tsx_layer_set_config(struct tz_tsx_layer *l,
                            const struct tz_tsx_config *cfg);

/**
 * Offer a received message (borrowed) to the layer. A request matching a
 * server transaction is absorbed (a retransmission: the last response is
 * sent again; an ACK for a non-2xx final moves it to Confirmed). A response
 * matching a client transaction is processed and, as the machine says,
 * passed to that transaction's handler.
 *
 * @param src  where it came from (borrowed; unused for now but kept for
 *             connection-aware matching).
 * @return 1 when absorbed; 0 when the TU must handle it: a new request
 *         (create a server transaction), an ACK for a 2xx, or a stray
 *         response (RFC 3261 18.1.2).
 */
int tz_tsx_layer_recv(struct tz_tsx_layer *l, const struct tz_msg *m,
                      const struct tz_tp_dest *src);

/**
 * Create a client transaction and send its request: an INVITE client
 * transaction for INVITE, a non-INVITE one for any other method but ACK
 * (an ACK for a 2xx is sent by the TU directly, RFC 3261 17.1.1.3).
 *
 * @param tp    on success, a new reference (tz_mem_deref() it; that does
 *              not stop the transaction: see tz_tsx_detach()).
 * @param buf   the request (copied); its top Via branch should start with
 *              "z9hG4bK".
 * @param dst   where to send it (copied).
 * @param rh    response handler (required); @p arg is passed to it.
 * @return 0; -EINVAL for an unparsable request, an ACK, or a missing
 *         branch; -ENOMEM; the transport error of the first send (the
 *         handler then never fires).
 */
int tz_tsx_client_alloc(struct tz_tsx **tp, struct tz_tsx_layer *l,
                        const char *buf, size_t len,
                        const struct tz_tp_dest *dst, tz_tsx_resp_h *rh,
                        void *arg);

/** Server transaction options. */
enum tz_tsx_flag {
	/** Send 100 Trying when the TU has not answered an INVITE within the
	 *  configured delay (RFC 3261 17.2.1, a UAS); a proxy sends its 100 at
	 *  once itself and leaves this off. */
	TZ_TSX_AUTO_100 = 1 << 0,
};

/**
 * Create a server transaction for a new request (one tz_tsx_layer_recv()
 * returned 0 for): INVITE server for INVITE, non-INVITE server otherwise.
 *
 * @param tp    on success, a new reference.
 * @param req   the request (borrowed; the layer keeps a copy).
 * @param dst   where responses go (copied): the caller applies RFC 3261
 *              18.2.2 (received, rport) to the source address.
 * @param flags enum tz_tsx_flag bits.
 * @param eh    optional failure handler; @p arg is passed to it.
 * @return 0; -EINVAL for a response or an ACK; -ENOMEM.
 */
int tz_tsx_server_alloc(struct tz_tsx **tp, struct tz_tsx_layer *l,
                        const struct tz_msg *req, const struct tz_tp_dest *dst,
                        unsigned flags, tz_tsx_err_h *eh, void *arg);

/**
 * Send a response through server transaction @p st. The layer keeps a
 * copy for retransmission and moves the machine: a final response
 * completes it, a 2xx to an INVITE moves it to Accepted (RFC 6026), and
 * further 2xx in Accepted are sent as they come.
 *
 * @param buf  the response (copied), e.g. from tz_build_response().
 * @return 0; -EINVAL for bytes that are not a response; -EPROTO when the
 *         state allows no such response; -ESHUTDOWN after the layer was
 *         freed; -ENOMEM (nothing sent, state unchanged); or the transport
 *         error, which terminates the transaction (the failure handler does
 *         not fire for it).
 */
int tz_tsx_reply(struct tz_tsx *st, const char *buf, size_t len);

/**
 * Where a response to @p req, received from @p src, goes (RFC 3261
 * 18.2.2, RFC 3581 4): the connection of a reliable transport; the top
 * Via's maddr; with rport the source address and port; else the source
 * address and the sent-by port (5060, 5061 for TLS, when absent).
 */
void tz_resp_dest(const struct tz_msg *req, const struct tz_tp_dest *src,
                  struct tz_tp_dest *out);

/**
 * As tz_tsx_reply(), for a response the caller vouches for (one it
 * parsed, or built, and edited): its @p status and To tag (@p totag, an
 * offset and length in @p buf; @p has_totag false when there is none)
 * are given, and nothing is parsed again.
 */
int tz_tsx_reply_known(struct tz_tsx *st, const char *buf, size_t len,
                       uint16_t status, struct tz_span totag, bool has_totag);

/**
 * Find the INVITE server transaction a received CANCEL (borrowed) targets,
 * by the matching rules of RFC 3261 17.2.3 except for the method (9.2).
 * @return the transaction (borrowed: take a reference to keep it), or NULL.
 */
struct tz_tsx *tz_tsx_find_cancel(struct tz_tsx_layer *l,
                                  const struct tz_msg *cancel);

/** Stop calling @p t's handlers; the machine itself runs on. */
void tz_tsx_detach(struct tz_tsx *t);

/** The @p arg given when @p t was created; NULL after tz_tsx_detach()
 *  (a proxy finds the response context of an INVITE a CANCEL targets). */
void *tz_tsx_arg(const struct tz_tsx *t);

/** The state of @p t. */
enum tz_tsx_state tz_tsx_state(const struct tz_tsx *t);

/** The request that created @p t: a kept copy with its header array,
 *  borrowed for the life of @p t (e.g. to build a 487 after CANCEL);
 *  NULL after tz_tsx_forget_request. */
const struct tz_msg *tz_tsx_request(const struct tz_tsx *t);

/**
 * The TU will not ask for the request of server transaction @p st again:
 * once a non-INVITE server transaction has sent its final response
 * (Completed) and its branch has the RFC 3261 cookie, it then keeps only
 * its response and what matches a retransmission to it (top Via branch
 * and sent-by, method: RFC 3261 17.2.3), not the request with its parsed
 * form (about 1.4 KB of a REGISTER's 2.2 KB, held 64*T1). Anything else
 * (an INVITE, no final response yet, RFC 2543 matching, out of memory)
 * keeps the request; nothing changes for the peer either way.
 */
void tz_tsx_forget_request(struct tz_tsx *st);

/** Name of a state ("Proceeding"), for logs and tests. */
const char *tz_tsx_state_name(enum tz_tsx_state s);

#endif
