/**
 * @file tz_msg_typed.h  Typed header values of a parsed message, decoded
 * on first use and cached in the message (DESIGN.md "Hot path": routing
 * headers eagerly, the rest on demand and cached).
 *
 * Each accessor decodes the first field of its kind with the decoder of
 * tz_hval.h, keeps the result in the message's arena, and answers later
 * calls from that cache until the message is parsed again. Results are
 * valid while the arena and the message buffer are.
 *
 * Every accessor returns 0; -ENOENT when the message has no such field;
 * -EBADMSG when it is malformed (cached too); -EINVAL when no arena is
 * set; -ENOMEM when the arena cannot grow.
 */
#ifndef TZ_MSG_TYPED_H
#define TZ_MSG_TYPED_H

#include "tz_arena.h"
#include "tz_hval.h"
#include "tz_msg.h"

/** Let @p msg keep typed results in @p a (borrowed; NULL to stop). The
 *  message keeps it across tz_msg_parse(); free the arena's contents with
 *  tz_arena_free() when done with the message. */
void tz_msg_set_arena(struct tz_msg *msg, struct tz_arena *a);

/** Content-Type (RFC 3261 20.15). */
int tz_msg_ctype(struct tz_msg *msg, const struct tz_mtype **out);
/** Content-Disposition (RFC 3261 20.11). */
int tz_msg_cdisp(struct tz_msg *msg, const struct tz_cdisp **out);
/** Event (RFC 6665 8.2.1). */
int tz_msg_event(struct tz_msg *msg, const struct tz_event **out);
/** Subscription-State (RFC 6665 8.2.3). */
int tz_msg_subscription_state(struct tz_msg *msg,
                              const struct tz_subscription_state **out);
/** Session-Expires (RFC 4028 4). */
int tz_msg_session_expires(struct tz_msg *msg,
                           const struct tz_session_expires **out);
/** RAck (RFC 3262 7.2). */
int tz_msg_rack(struct tz_msg *msg, const struct tz_rack **out);
/** Refer-To (RFC 3515 2.1). */
int tz_msg_refer_to(struct tz_msg *msg, const struct tz_refer_to **out);
/** Referred-By (RFC 3892 3). */
int tz_msg_referred_by(struct tz_msg *msg, const struct tz_referred_by **out);
/** Replaces (RFC 3891 6.1). */
int tz_msg_replaces(struct tz_msg *msg, const struct tz_replaces **out);
/** Timestamp (RFC 3261 20.38). */
int tz_msg_timestamp(struct tz_msg *msg, const struct tz_timestamp **out);
/** Retry-After (RFC 3261 20.33). */
int tz_msg_retry_after(struct tz_msg *msg, const struct tz_retry_after **out);
/** The first Authorization (RFC 3261 20.7). */
int tz_msg_authorization(struct tz_msg *msg, const struct tz_auth **out);
/** The first Proxy-Authorization (RFC 3261 20.28). */
int tz_msg_proxy_authorization(struct tz_msg *msg, const struct tz_auth **out);
/** The first WWW-Authenticate (RFC 3261 20.44). */
int tz_msg_www_authenticate(struct tz_msg *msg, const struct tz_auth **out);
/** The first Proxy-Authenticate (RFC 3261 20.27). */
int tz_msg_proxy_authenticate(struct tz_msg *msg, const struct tz_auth **out);

#endif
