/*
 * throttle.c  Failed-attempt throttling (RFC 7616 5.7 leaves the defence
 * against password guessing to the server): failures counted per key
 * (a source address, or username@realm) within a window; at the limit
 * the key is refused for a backoff that doubles at each further failure.
 *
 * An entry lives while it counts: until its window ends when under the
 * limit, and for one window after the end of its block when at the limit,
 * so that a failure right after a block doubles the backoff instead of
 * starting the count afresh.
 */
#include <errno.h>

#include "auth_int.h"

uint64_t tz_auth_throttle_left(struct tz_authtab *t, const void *key,
                               size_t klen, uint64_t now_ms)
{
	struct tz_authtab_shard *s;
	struct tz_authtab_ent *e;
	uint64_t hash, left = 0;

	s = tz_authtab_lock(t, key, klen, &hash);
	e = tz_authtab_find(t, s, hash, key, klen, now_ms);
	if (e && e->v.th.blocked_until > now_ms)
		left = e->v.th.blocked_until - now_ms;
	tz_authtab_unlock(s);
	return left;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

int tz_auth_throttle_fail(struct tz_authtab *t, const struct tz_auth_conf *c,
                          const void *key, size_t klen, unsigned n,
                          uint64_t now_ms)
{
	uint64_t max = c->backoff_max_ms > c->backoff_ms ? c->backoff_max_ms
	                                                 : c->backoff_ms;
	struct tz_authtab_shard *s;
	struct tz_authtab_ent *e;
	uint64_t hash;
	int err = 0;

	if (!c->failures || !n)
		return 0;
	s = tz_authtab_lock(t, key, klen, &hash);
	e = tz_authtab_find(t, s, hash, key, klen, now_ms);
	if (!e) {
		err = tz_authtab_add(t, s, hash, key, klen, now_ms,
		                     sat_add(now_ms, c->window_ms), &e);
		if (err)
			goto out;
		e->v.th.window_start = now_ms;
	}
	while (n--) {
		if (e->v.th.count < UINT32_MAX)
			e->v.th.count++;
		if (e->v.th.count < c->failures) {
			e->expires =
			        sat_add(e->v.th.window_start, c->window_ms);
			continue;
		}
		if (e->v.th.count == c->failures || !e->v.th.backoff)
			e->v.th.backoff = c->backoff_ms;
		else if (e->v.th.backoff > max / 2)
			e->v.th.backoff = max;
		else
			e->v.th.backoff *= 2;
		e->v.th.blocked_until = sat_add(now_ms, e->v.th.backoff);
		e->expires = sat_add(e->v.th.blocked_until, c->window_ms);
	}
out:
	tz_authtab_unlock(s);
	return err;
}

void tz_auth_throttle_clear(struct tz_authtab *t, const void *key, size_t klen)
{
	struct tz_authtab_shard *s;
	struct tz_authtab_ent *e;
	uint64_t hash;

	s = tz_authtab_lock(t, key, klen, &hash);
	/* 0: found whether or not it expired; gone either way */
	e = tz_authtab_find(t, s, hash, key, klen, 0);
	if (e)
		tz_authtab_del(t, s, e);
	tz_authtab_unlock(s);
}
