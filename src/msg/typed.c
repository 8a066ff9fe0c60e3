/*
 * typed.c  Typed header values decoded on demand and cached in the
 * message (see tz_msg_typed.h).
 */
#include <errno.h>

#include "tz/tz_msg_typed.h"

typedef int(decode_h)(void *out, const char *base, struct tz_span value);

void tz_msg_set_arena(struct tz_msg *msg, struct tz_arena *a)
{
	msg->arena = a;
	msg->ncache = 0;
}

/*
 * The cached result for @id, or decode the first field with @dec into a
 * new @size-byte object of the arena and remember it (when the cache has
 * room: otherwise later calls decode again).
 */
static int cached(struct tz_msg *msg, enum tz_hdr_id id, size_t size,
                  decode_h *dec, const void **out)
{
	const struct tz_hdr *h;
	unsigned i;
	void *val;
	int err;

	for (i = 0; i < msg->ncache; i++) {
		if (msg->cache[i].id == id) {
			*out = msg->cache[i].val;
			return msg->cache[i].err;
		}
	}
	h = tz_msg_hdr_find(msg, id, 0);
	if (!h)
		return -ENOENT;
	if (!msg->arena)
		return -EINVAL;
	val = tz_arena_alloc(msg->arena, size);
	if (!val)
		return -ENOMEM;
	err = dec(val, msg->buf, h->value);
	if (msg->ncache < TZ_MSG_CACHE)
		msg->cache[msg->ncache++] =
		        (struct tz_msg_cached){(uint16_t)id, (int16_t)err, val};
	*out = val;
	return err;
}

/* An accessor for one header id and its decoder. */
#define TYPED(name, type, id, decoder)                                         \
	static int dec_##name(void *out, const char *base,                     \
	                      struct tz_span value)                            \
	{                                                                      \
		return decoder(out, base, value);                              \
	}                                                                      \
	int tz_msg_##name(struct tz_msg *msg, const struct type **out)         \
	{                                                                      \
		const void *v = NULL;                                          \
		int err =                                                      \
		        cached(msg, id, sizeof(struct type), dec_##name, &v);  \
		*out = v;                                                      \
		return err;                                                    \
	}

TYPED(ctype, tz_mtype, TZ_HDR_CONTENT_TYPE, tz_ctype_decode)
TYPED(cdisp, tz_cdisp, TZ_HDR_CONTENT_DISPOSITION, tz_cdisp_decode)
TYPED(event, tz_event, TZ_HDR_EVENT, tz_event_decode)
TYPED(subscription_state, tz_subscription_state, TZ_HDR_SUBSCRIPTION_STATE,
      tz_subscription_state_decode)
TYPED(session_expires, tz_session_expires, TZ_HDR_SESSION_EXPIRES,
      tz_session_expires_decode)
TYPED(rack, tz_rack, TZ_HDR_RACK, tz_rack_decode)
TYPED(refer_to, tz_refer_to, TZ_HDR_REFER_TO, tz_refer_to_decode)
TYPED(referred_by, tz_referred_by, TZ_HDR_REFERRED_BY, tz_referred_by_decode)
TYPED(replaces, tz_replaces, TZ_HDR_REPLACES, tz_replaces_decode)
TYPED(timestamp, tz_timestamp, TZ_HDR_TIMESTAMP, tz_timestamp_decode)
TYPED(retry_after, tz_retry_after, TZ_HDR_RETRY_AFTER, tz_retry_after_decode)
TYPED(authorization, tz_auth, TZ_HDR_AUTHORIZATION, tz_credentials_decode)
TYPED(proxy_authorization, tz_auth, TZ_HDR_PROXY_AUTHORIZATION,
      tz_credentials_decode)
TYPED(www_authenticate, tz_auth, TZ_HDR_WWW_AUTHENTICATE, tz_challenge_decode)
TYPED(proxy_authenticate, tz_auth, TZ_HDR_PROXY_AUTHENTICATE,
      tz_challenge_decode)
