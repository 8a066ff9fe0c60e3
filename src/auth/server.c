/*
 * server.c  A digest server's shared state (settings, nonce-count and
 * throttling tables) and the challenges it sends (RFC 3261 22.1, 22.3;
 * RFC 7616 3.3; RFC 8760).
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "tz/tz_mem.h"
#include "auth_int.h"

/* entries per table (bounded memory: about 100 bytes each) */
#define NC_MAX       (64 * 1024)
#define THROTTLE_MAX (64 * 1024)

int tz_auth_server_alloc(struct tz_auth_server **out,
                         const struct tz_auth_conf *conf)
{
	struct tz_auth_server *as;

	if (!conf->offer_sha256 && !conf->offer_md5)
		return -EINVAL;
	as = tz_malloc(sizeof(*as));
	if (!as)
		return -ENOMEM;
	memset(as, 0, sizeof(*as));
	as->conf = *conf;
	pthread_mutex_init(&as->conf_lock, NULL);
	tz_authtab_init(&as->nc, NC_MAX);
	tz_authtab_init(&as->throttle, THROTTLE_MAX);
	*out = as;
	return 0;
}

void tz_auth_server_set_conf(struct tz_auth_server *as,
                             const struct tz_auth_conf *conf)
{
	pthread_mutex_lock(&as->conf_lock);
	as->conf = *conf;
	pthread_mutex_unlock(&as->conf_lock);
}

void tz_auth_server_conf(struct tz_auth_server *as, struct tz_auth_conf *c)
{
	pthread_mutex_lock(&as->conf_lock);
	*c = as->conf;
	pthread_mutex_unlock(&as->conf_lock);
}

void tz_auth_server_free(struct tz_auth_server *as)
{
	if (!as)
		return;
	tz_authtab_fini(&as->nc);
	tz_authtab_fini(&as->throttle);
	pthread_mutex_destroy(&as->conf_lock);
	OPENSSL_cleanse(as->conf.secret, sizeof(as->conf.secret));
	tz_free(as);
}

/* realm as a quoted-string (RFC3261 25.1: quoted-pair for '"' and '\') */
static void put_quoted(struct tz_buf *b, const char *s)
{
	tz_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			tz_buf_putc(b, '\\');
		tz_buf_putc(b, *s);
	}
	tz_buf_putc(b, '"');
}

static int challenge(struct tz_buf *b, const struct tz_auth_conf *c,
                     const char *realm, bool proxy, bool stale, const char *alg,
                     uint64_t now_ms)
{
	char nonce[TZ_NONCE_LEN];
	int err;

	err = tz_nonce_make(c->secret, now_ms, realm, strlen(realm), nonce);
	if (err)
		return err;
	/* RFC3261 22.3: a proxy challenges with 407 and Proxy-Authenticate */
	tz_buf_puts(b, proxy ? "Proxy-Authenticate: Digest realm="
	                     : "WWW-Authenticate: Digest realm=");
	put_quoted(b, realm);
	/* RFC7616 3.3: qop is mandatory; algorithm, not quoted */
	tz_buf_puts(b, ", nonce=\"");
	tz_buf_puts(b, nonce);
	tz_buf_puts(b, "\", qop=\"auth\", algorithm=");
	tz_buf_puts(b, alg);
	/* RFC7616 3.3: stale=true when only the nonce was at fault */
	if (stale)
		tz_buf_puts(b, ", stale=true");
	return tz_buf_puts(b, "\r\n");
}

int tz_auth_challenge(struct tz_auth_server *as, struct tz_buf *b,
                      const char *realm, bool proxy, bool stale,
                      uint64_t now_ms)
{
	struct tz_auth_conf c;
	int err = 0;

	/* a realm is ours (configuration), but a CR or LF would end the
	 * header field: refuse control bytes outright */
	for (const char *p = realm; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return -EINVAL;
	tz_auth_server_conf(as, &c);
	if (!c.offer_sha256 && !c.offer_md5)
		return -EINVAL;
	/* RFC 8760: the preferred algorithm first (SHA-256), each in its
	 * own field with its own nonce */
	if (c.offer_md5 && c.md5_first)
		err = challenge(b, &c, realm, proxy, stale, "MD5", now_ms);
	if (!err && c.offer_sha256)
		err = challenge(b, &c, realm, proxy, stale, "SHA-256", now_ms);
	if (!err && c.offer_md5 && !c.md5_first)
		err = challenge(b, &c, realm, proxy, stale, "MD5", now_ms);
	OPENSSL_cleanse(c.secret, sizeof(c.secret));
	return err;
}
