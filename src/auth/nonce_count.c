/*
 * nonce_count.c  Replay protection for stateless nonces (RFC 7616 3.4,
 * 5.5; RFC 2617 3.2.2): the highest nonce-count accepted per nonce, in a
 * sharded bounded table whose entries live as long as their nonce.
 */
#include <errno.h>

#include "auth_int.h"

int tz_auth_nc_use(struct tz_authtab *t, const char *nonce, size_t len,
                   uint64_t issued_ms, bool qop, uint32_t nc,
                   uint64_t lifetime_ms, uint64_t now_ms)
{
	struct tz_authtab_shard *s;
	struct tz_authtab_ent *e;
	uint64_t hash;
	int err = 0;

	s = tz_authtab_lock(t, nonce, len, &hash);
	e = tz_authtab_find(t, s, hash, nonce, len, now_ms);
	if (e) {
		/* RFC7616 3.4: nc counts requests made with one nonce, so a
		 * count not above the last is a replay. Without qop there is
		 * no count to tell requests apart: the nonce is good once
		 * (UINT32_MAX: used up) */
		if (!qop || nc <= e->v.nc)
			err = -EALREADY;
		else
			e->v.nc = nc;
		goto out;
	}
	if (issued_ms <= s->floor) {
		/* an entry for this nonce may have been evicted: ask for a
		 * fresh nonce rather than risk accepting a replay */
		err = -ESTALE;
		goto out;
	}
	if (qop && nc == 0) {
		err = -EALREADY; /* never above "none yet" */
		goto out;
	}
	/* the entry outlives the nonce's freshness: once it expires the nonce
	 * is stale and never reaches this table again */
	err = tz_authtab_add(t, s, hash, nonce, len, now_ms,
	                     issued_ms + lifetime_ms + 1, &e);
	if (err)
		goto out;
	e->stamp = issued_ms;
	e->v.nc = qop ? nc : UINT32_MAX;
out:
	tz_authtab_unlock(s);
	return err;
}
