/**
 * @file tz_ua.h  The user-agent core (L5): a SIP phone on one event loop.
 * Registration client with refresh and unregister (RFC 3261 10.2), digest
 * client answering 401 and 407 (RFC 3261 22.2, 22.3; RFC 7616: SHA-256 or
 * MD5, qop=auth, nonce-count), INVITE sessions as UAC and UAS (RFC 3261
 * 13-15) with offer/answer (RFC 3264), CANCEL only after a provisional
 * (9.1), 2xx retransmission until ACK (13.3.1.4), hold and resume by
 * re-INVITE (RFC 3264 8.4), in-dialog requests through the dialog's route
 * set (tz_dlg.h), and MESSAGE (RFC 3428), OPTIONS (11), INFO (RFC 6086)
 * and UPDATE (RFC 3311); PRACK (RFC 3262); session timers (RFC 4028) refreshed
 * by re-INVITE.
 *
 * One UA per loop; not thread-safe. The UA reports what happens through
 * one event handler (struct tz_ua_event), always from the loop and never
 * from inside a tz_ua_* call. Calls are named by a short string id; a
 * call's id stays valid until its TZ_UA_EV_ENDED event, after which the
 * call is gone.
 */
#ifndef TZ_UA_H
#define TZ_UA_H

#include <stdbool.h>
#include <stdint.h>

struct tz_loop;
struct tz_ua;

/** What a UA is. Strings are borrowed for tz_ua_alloc() only. */
struct tz_ua_conf {
	const char *aor;      /**< "alice@localhost" (required) */
	const char *password; /**< digest password; NULL for none */
	/** Outbound proxy "udp:127.0.0.1:5060" (numeric); NULL: requests
	 *  outside dialogs go where their Request-URI resolves to. */
	const char *proxy;
	/** Where to listen, "udp:127.0.0.1:0" style; NULL for an ephemeral
	 *  UDP port on 127.0.0.1. */
	const char *listen;
	uint32_t expires; /**< REGISTER Expires; 0 for 600 */
	uint32_t t1;      /**< T1 in ms; 0 for 500 */
	/** Session timer (RFC 4028) asked for in our INVITEs and offered to
	 *  callers that support it, in seconds (at least 90); 0: none of
	 *  our own (a caller's request is still honoured). */
	uint32_t session_expires;
	/** Reliable provisional responses (RFC 3262): offered in our
	 *  INVITEs (PRACKed), used for our 18x when the caller supports
	 *  them. */
	bool rel100;
	/** A file in the resolver's override format (tz_resolve.h:
	 *  a / aaaa / srv / naptr lines) answered before DNS; NULL: none. */
	const char *hosts_file;
};

/** Event types. */
enum tz_ua_ev_type {
	TZ_UA_EV_REGISTERED,          /**< code: 200 */
	TZ_UA_EV_REGISTRATION_FAILED, /**< code: the final status (408 for
	                                   no answer) */
	TZ_UA_EV_UNREGISTERED,        /**< code: the status of the REGISTER */
	TZ_UA_EV_INCOMING,            /**< a new call (only 100 Trying sent:
	                                   ring, answer or reject it); peer,
	                                   anonymous */
	TZ_UA_EV_PROGRESS,            /**< code: 180, 181, 182, 183 */
	TZ_UA_EV_ESTABLISHED,         /**< the INVITE was answered and ACKed */
	TZ_UA_EV_HELD,                /**< by: local (we held) or remote */
	TZ_UA_EV_RESUMED,             /**< by: local or remote */
	TZ_UA_EV_ENDED,               /**< code (0: none), by */
	TZ_UA_EV_MESSAGE,             /**< peer (From), text */
	TZ_UA_EV_DTMF,                /**< text: the digit(s) */
	TZ_UA_EV_RESPONSE,            /**< method, code: final response to
	                                   tz_ua_message/options/update */
	TZ_UA_EV_ERROR,               /**< text: what failed */
	TZ_UA_EV_CALLING,             /**< a call we place (tz_ua_call, or
	                                   for a REFER we accepted); peer */
	TZ_UA_EV_TRANSFER_PROGRESS,   /**< code: the sipfrag status of a
	                                   NOTIFY for our REFER */
	TZ_UA_EV_TRANSFERRED,         /**< our REFER succeeded (a 2xx
	                                   sipfrag) */
};

/** One event; every pointer is borrowed for the handler call. */
struct tz_ua_event {
	enum tz_ua_ev_type type;
	const char *call;   /**< call id, or NULL outside calls */
	const char *peer;   /**< the peer's URI (call events, message) */
	int code;           /**< status code, 0 when none */
	bool remote;        /**< "by": the peer did it */
	bool anonymous;     /**< INCOMING: From anonymous or Privacy: id */
	const char *method; /**< RESPONSE: the request method */
	const char *text;   /**< MESSAGE, DTMF, ERROR */
};

/** The event handler. It may call any tz_ua_* function but tz_ua_free. */
typedef void(tz_ua_event_h)(const struct tz_ua_event *ev, void *arg);

/**
 * Create a UA on @p loop (borrowed; must outlive it): bind the listen
 * address and a local RTP port. Nothing is sent yet.
 * @param err  receives a message on failure (@p errlen bytes).
 * @return 0; -EINVAL for a bad AOR, proxy or listen address; a socket
 *         errno; -ENOMEM.
 */
int tz_ua_alloc(struct tz_ua **up, struct tz_loop *loop,
                const struct tz_ua_conf *conf, tz_ua_event_h *h, void *arg,
                char *err, size_t errlen);

/** Free the UA (NULL accepted): every call and transaction is dropped
 *  without a message or an event; use tz_ua_shutdown() first. */
void tz_ua_free(struct tz_ua *ua);

/** The address the UA listens on, "127.0.0.1:PORT". */
const char *tz_ua_local(const struct tz_ua *ua);

/**
 * Register (again): REGISTER with Expires, refreshed before it runs out.
 * @return 0 (the outcome comes as an event); -ENOMEM.
 */
int tz_ua_register(struct tz_ua *ua);

/** Unregister (Expires: 0) and stop refreshing. @return 0; -ENOMEM. */
int tz_ua_unregister(struct tz_ua *ua);

/** Call options. */
enum tz_ua_call_flag {
	/** RFC 3323: From "Anonymous" <sip:anonymous@anonymous.invalid>,
	 *  Privacy: id. */
	TZ_UA_CALL_ANONYMOUS = 1 << 0,
};

/**
 * Place a call to @p uri.
 * @param id  receives the new call's id (at least 16 bytes).
 * @return 0; -EINVAL for a URI that is not sip/sips; -ENOMEM.
 */
int tz_ua_call(struct tz_ua *ua, const char *uri, unsigned flags, char *id,
               size_t idlen);

/** Answer an incoming call (200 with the SDP answer).
 *  @return 0; -ENOENT no such call; -EPROTO not ringing. */
int tz_ua_answer(struct tz_ua *ua, const char *id);

/** Send a provisional (180 Ringing, 182 Queued, 183) on an incoming call.
 *  @return 0; -ENOENT; -EPROTO; -EINVAL for a code outside 101-199. */
int tz_ua_ring(struct tz_ua *ua, const char *id, int code);

/** Refuse an incoming call with @p code (300-699).
 *  @return 0; -ENOENT; -EPROTO; -EINVAL. */
int tz_ua_reject(struct tz_ua *ua, const char *id, int code);

/**
 * Hang up: BYE in a confirmed call; CANCEL an outgoing one before the
 * answer (sent once a provisional came, RFC 3261 9.1); 603 an incoming
 * one not answered yet.
 * @return 0; -ENOENT.
 */
int tz_ua_hangup(struct tz_ua *ua, const char *id);

/** Hold (@p hold true) or resume a confirmed call by re-INVITE.
 *  @return 0; -ENOENT; -EPROTO not established; -EBUSY an INVITE is
 *  pending (RFC 3261 14.1). */
int tz_ua_hold(struct tz_ua *ua, const char *id, bool hold);

/** Send @p digits as INFO application/dtmf-relay (one INFO per digit). */
int tz_ua_dtmf(struct tz_ua *ua, const char *id, const char *digits);

/** UPDATE without a body in a call, early (once the peer's provisional
 *  made an early dialog, or ours is ringing) or established (RFC 3311
 *  5.1). @return 0; -ENOENT; -EPROTO. */
int tz_ua_update(struct tz_ua *ua, const char *id);

/** MESSAGE with text/plain @p text to @p uri (RFC 3428).
 *  @return 0; -EINVAL; -EMSGSIZE over the 1300-byte rule (RFC 3428 5). */
int tz_ua_message(struct tz_ua *ua, const char *uri, const char *text);

/**
 * Blind transfer (RFC 3515): REFER the peer of call @p id to @p uri.
 * The NOTIFYs come as TZ_UA_EV_TRANSFER_PROGRESS; once one reports a 2xx
 * (TZ_UA_EV_TRANSFERRED) the call is ended with BYE (CALLFLOWS.md 8).
 * @return 0; -ENOENT; -EPROTO not established; -EINVAL.
 */
int tz_ua_transfer(struct tz_ua *ua, const char *id, const char *uri);

/**
 * Attended transfer (RFC 3515, RFC 3891): REFER the peer of call @p id_a
 * to the peer of call @p id_c, with Replaces naming the dialog of @p
 * id_c. Call @p id_a ends with BYE once the transfer succeeded; the
 * peer of @p id_c ends that call itself (RFC 3891).
 * @return 0; -ENOENT; -EPROTO.
 */
int tz_ua_transfer_attended(struct tz_ua *ua, const char *id_a,
                            const char *id_c);

/** OPTIONS to @p uri (RFC 3261 11). */
int tz_ua_options(struct tz_ua *ua, const char *uri);

/** Whether a call can be placed on hold or in a call state, for the
 *  application's policies. */
enum tz_ua_call_state {
	TZ_UA_CALL_NONE = 0,  /**< no such call */
	TZ_UA_CALL_CALLING,   /**< outgoing, no answer yet */
	TZ_UA_CALL_INCOMING,  /**< incoming, not answered */
	TZ_UA_CALL_CONFIRMED, /**< established */
	TZ_UA_CALL_ENDING,    /**< BYE or CANCEL sent */
};

/** The state of call @p id. */
enum tz_ua_call_state tz_ua_call_state(const struct tz_ua *ua, const char *id);

/** True when call @p id is held by us. */
bool tz_ua_call_held(const struct tz_ua *ua, const char *id);

/**
 * Begin an orderly exit: hang up every call, unregister when registered.
 * @return true when nothing is left to wait for (transactions done).
 */
bool tz_ua_shutdown(struct tz_ua *ua);

/** True when no request of ours is waiting for its final response. */
bool tz_ua_idle(const struct tz_ua *ua);

#endif
