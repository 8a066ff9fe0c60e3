/*
 * users.c  Users: the canonical AOR, the digest HA1 per base hash (RFC
 * 7616 3.4.2: the password itself is never stored) and the call-feature
 * settings.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* The '@' that separates user and domain of a canonical AOR: the last
 * one (a decoded user part may hold '@'); NULL when either side is
 * empty or there is none. */
static const char *aor_at(const char *aor, size_t cap)
{
	const char *at;

	if (!store_fits(aor, cap))
		return NULL;
	at = strrchr(aor, '@');
	return at && at != aor && at[1] ? at : NULL;
}

static bool hex_ok(const char *h, size_t want)
{
	if (!store_fits(h, TZ_DIGEST_HEX) || strlen(h) != want)
		return false;
	for (; *h; h++) {
		if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
			return false;
	}
	return true;
}

static int rec_check(struct tz_store *s, const struct tz_user_rec *rec,
                     bool ha1)
{
	if (!aor_at(rec->aor, sizeof(rec->aor))) {
		snprintf(s->err, sizeof(s->err), "not an AOR (user@domain)");
		return -EINVAL;
	}
	if (ha1 &&
	    (!hex_ok(rec->ha1_md5, 32) || !hex_ok(rec->ha1_sha256, 64))) {
		snprintf(s->err, sizeof(s->err),
		         "%s: HA1 values missing (tz_user_rec_set_password)",
		         rec->aor);
		return -EINVAL;
	}
	return 0;
}

int tz_user_rec_set_password(struct tz_user_rec *rec, const char *password)
{
	const char *at = aor_at(rec->aor, sizeof(rec->aor));
	char user[TZ_AOR_MAX + 1], md5[TZ_DIGEST_HEX] = "",
	                           sha[TZ_DIGEST_HEX] = "";
	int rc;

	if (!at || !password || !*password)
		return -EINVAL;
	memcpy(user, rec->aor, (size_t)(at - rec->aor));
	user[at - rec->aor] = '\0';
	/* RFC3261 22.4, RFC 7616 3.4.2: HA1 = H(username:realm:password);
	 * the username is the user part, the realm the domain (DESIGN.md) */
	rc = tz_digest_ha1(TZ_DIGEST_MD5, user, at + 1, password, md5);
	if (!rc)
		rc = tz_digest_ha1(TZ_DIGEST_SHA256, user, at + 1, password,
		                   sha);
	if (rc)
		return rc;
	memcpy(rec->ha1_md5, md5, sizeof(md5));
	memcpy(rec->ha1_sha256, sha, sizeof(sha));
	return 0;
}

int tz_store_user_add(struct tz_store *s, const struct tz_user_rec *rec)
{
	sqlite3_stmt *st;
	int rc = rec_check(s, rec, true);

	if (rc)
		return rc;
	st = store_stmt(s, SQL_USER_ADD, &rc);
	if (!st)
		return rc;
	sqlite3_bind_text(st, 1, rec->aor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, strrchr(rec->aor, '@') + 1, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, rec->ha1_md5, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, rec->ha1_sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, rec->reject_anonymous);
	sqlite3_bind_int(st, 6, rec->dnd);
	rc = store_step_done(s, st, rec->aor);
	if (rc == -EEXIST)
		snprintf(s->err, sizeof(s->err), "user %s exists", rec->aor);
	return rc;
}

/* Run an UPDATE/DELETE of one user; -ENOENT when it touched no row. */
static int one_row(struct tz_store *s, sqlite3_stmt *st, const char *aor)
{
	int rc = store_step_done(s, st, aor);

	if (!rc && sqlite3_changes(s->db) == 0) {
		snprintf(s->err, sizeof(s->err), "no such user: %s", aor);
		rc = -ENOENT;
	}
	return rc;
}

int tz_store_user_passwd(struct tz_store *s, const struct tz_user_rec *rec)
{
	sqlite3_stmt *st;
	int rc = rec_check(s, rec, true);

	if (rc)
		return rc;
	st = store_stmt(s, SQL_USER_PASSWD, &rc);
	if (!st)
		return rc;
	sqlite3_bind_text(st, 1, rec->aor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, rec->ha1_md5, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, rec->ha1_sha256, -1, SQLITE_STATIC);
	return one_row(s, st, rec->aor);
}

int tz_store_user_set(struct tz_store *s, const struct tz_user_rec *rec)
{
	sqlite3_stmt *st;
	int rc = rec_check(s, rec, false);

	if (rc)
		return rc;
	st = store_stmt(s, SQL_USER_SET, &rc);
	if (!st)
		return rc;
	sqlite3_bind_text(st, 1, rec->aor, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, rec->reject_anonymous);
	sqlite3_bind_int(st, 3, rec->dnd);
	return one_row(s, st, rec->aor);
}

int tz_store_user_del(struct tz_store *s, const char *aor)
{
	sqlite3_stmt *st;
	int rc = store_unit_begin(s);

	if (rc)
		return rc;
	st = store_stmt(s, SQL_USER_DEL, &rc);
	if (st) {
		sqlite3_bind_text(st, 1, aor, -1, SQLITE_STATIC);
		rc = one_row(s, st, aor);
	}
	/* bindings carry no foreign key (registration without
	 * authentication); forwards cascade, deleted here all the same */
	if (!rc)
		rc = tz_store_binding_del_aor(s, aor);
	if (!rc)
		rc = tz_store_forward_clear(s, aor);
	return store_unit_end(s, rc);
}

/* Fill @p rec from columns aor, ha1_md5, ha1_sha256, reject_anonymous,
 * dnd of @p st. */
static int user_row(struct tz_store *s, sqlite3_stmt *st, void *arg)
{
	struct tz_user_rec *rec = arg;
	int rc;

	memset(rec, 0, sizeof(*rec));
	rc = store_col_text(s, st, 0, rec->aor, sizeof(rec->aor));
	if (!rc)
		rc = store_col_text(s, st, 1, rec->ha1_md5,
		                    sizeof(rec->ha1_md5));
	if (!rc)
		rc = store_col_text(s, st, 2, rec->ha1_sha256,
		                    sizeof(rec->ha1_sha256));
	rec->reject_anonymous = sqlite3_column_int(st, 3) != 0;
	rec->dnd = sqlite3_column_int(st, 4) != 0;
	return rc;
}

int tz_store_user_get(struct tz_store *s, const char *aor,
                      struct tz_user_rec *rec)
{
	int rc = 0;
	sqlite3_stmt *st = store_stmt(s, SQL_USER_GET, &rc);

	return st ? store_get_row(s, st, aor, "no such user:", user_row, rec)
	          : rc;
}

int tz_store_user_each(struct tz_store *s, const char *domain,
                       tz_store_user_h *h, void *arg)
{
	char dom[TZ_AOR_MAX + 1];
	sqlite3_stmt *st;
	struct tz_user_rec rec;
	int e, rc = 0;

	if (domain) {
		/* domains are stored lowercased (tz_aor_canon) */
		size_t i, n = strlen(domain);

		if (n > TZ_AOR_MAX)
			return 0; /* no AOR has such a domain */
		for (i = 0; i <= n; i++)
			dom[i] = domain[i] >= 'A' && domain[i] <= 'Z'
			                 ? (char)(domain[i] - 'A' + 'a')
			                 : domain[i];
	}
	e = sqlite3_prepare_v2(s->db,
	                       domain ? "SELECT aor, ha1_md5, ha1_sha256, "
	                                "reject_anonymous, dnd FROM users "
	                                "WHERE domain = ?1 ORDER BY aor"
	                              : "SELECT aor, ha1_md5, ha1_sha256, "
	                                "reject_anonymous, dnd FROM users "
	                                "ORDER BY aor",
	                       -1, &st, NULL);
	if (e != SQLITE_OK)
		return store_fail(s, e, "users");
	if (domain)
		sqlite3_bind_text(st, 1, dom, -1, SQLITE_STATIC);
	while (!rc && (e = sqlite3_step(st)) == SQLITE_ROW) {
		rc = user_row(s, st, &rec);
		if (!rc)
			rc = h(arg, &rec);
	}
	if (!rc && e != SQLITE_DONE)
		rc = store_fail(s, sqlite3_extended_errcode(s->db), "users");
	sqlite3_finalize(st);
	return rc;
}
