/*
 * test_store.c  The store (tz_store.h): opening, creating and migrating a
 * SQLite database, a schema newer than the code, users and their HA1s,
 * bindings with every field, metadata, forwarding, call detail records,
 * transactions, AOR canonicalisation (RFC 3261 10.3) and the CSV import
 * with its messages.
 * Every test works on fresh files in a temporary directory.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tz_test.h"
#include "tz/tz_store.h"

static char tmpdir[] = "/tmp/tz_store_XXXXXX";

/* Remember an -ENOMEM among the results (the OOM mode needs it back). */
static int keep(int *rc, int e)
{
	if (e == -ENOMEM)
		*rc = -ENOMEM;
	return e;
}

/* A fresh database path in the temporary directory. */
static const char *fresh(const char *name)
{
	static char path[PATH_MAX];
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	char p[PATH_MAX];

	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s%s", tmpdir, name, sfx[i]);
		unlink(p);
	}
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return path;
}

static int open_fresh(struct tz_store **s, const char *name)
{
	char err[512];
	int e = tz_store_open(s, fresh(name), err, sizeof(err));

	if (e && e != -ENOMEM)
		fprintf(stderr, "open: %s\n", err);
	return e;
}

static int reopen(struct tz_store **s, const char *path)
{
	char err[512];

	tz_store_close(*s);
	*s = NULL;
	return tz_store_open(s, path, err, sizeof(err));
}

/* One statement's first integer, through a separate connection. */
static long long peek_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v;
}

static int test_store_open(void)
{
	struct tz_store *s = NULL;
	char err[512], url[PATH_MAX + 8];
	const char *path;
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc = 0, e;

	path = fresh("open.db");
	snprintf(url, sizeof(url), "sqlite:%s", path);
	e = tz_store_open(&s, url, err, sizeof(err));
	if (e)
		return e;
	TZ_EXPECT(access(path, F_OK) == 0);
	TZ_EXPECT_INT(tz_store_schema_version(s), 4);
	e = keep(&rc, reopen(&s, path)); /* plain PATH, existing file */
	if (e)
		return e;
	TZ_EXPECT_INT(tz_store_schema_version(s), 4);
	tz_store_close(s);
	TZ_EXPECT_INT(peek_int(path, "PRAGMA user_version"), 4);
	/* WAL is a property of the file: a new connection sees it */
	if (sqlite3_open(path, &db) == SQLITE_OK) {
		if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st,
		                       NULL) == SQLITE_OK) {
			TZ_EXPECT_INT(sqlite3_step(st), SQLITE_ROW);
			TZ_EXPECT(!strcmp(
			        (const char *)sqlite3_column_text(st, 0),
			        "wal"));
			sqlite3_finalize(st);
		}
		sqlite3_close(db);
	}
	TZ_EXPECT_INT(peek_int(path, "SELECT count(*) FROM sqlite_master "
	                             "WHERE name IN ('meta', 'users', "
	                             "'bindings', 'forwards', "
	                             "'users_domain', 'cdrs', 'cdrs_end')"),
	              7);
	/* a new database gets 2 KiB pages; one made with 4 KiB pages (an
	 * earlier trapezoid) keeps them and opens as before */
	TZ_EXPECT_INT(peek_int(path, "PRAGMA page_size"), 2048);
	path = fresh("open4k.db");
	if (sqlite3_open(path, &db) == SQLITE_OK) {
		TZ_EXPECT_INT(sqlite3_exec(db,
		                           "PRAGMA page_size=4096;"
		                           "CREATE TABLE t(x);",
		                           NULL, NULL, NULL),
		              SQLITE_OK);
		sqlite3_close(db);
	}
	s = NULL;
	e = keep(&rc, tz_store_open(&s, path, err, sizeof(err)));
	if (e)
		return e;
	TZ_EXPECT_INT(tz_store_schema_version(s), 4);
	tz_store_close(s);
	TZ_EXPECT_INT(peek_int(path, "PRAGMA page_size"), 4096);

	s = NULL;
	TZ_EXPECT_INT(tz_store_open(&s, "postgres://db/x", err, sizeof(err)),
	              -EPROTONOSUPPORT);
	TZ_EXPECT(s == NULL);
	e = keep(&rc, tz_store_open(&s, "sqlite:/nonexistent-dir/x.db", err,
	                            sizeof(err)));
	TZ_EXPECT(e < 0);
	if (e != -ENOMEM)
		TZ_EXPECT(strstr(err, "/nonexistent-dir/x.db") != NULL);
	TZ_EXPECT_INT(tz_store_open(&s, "sqlite:", err, sizeof(err)), -EINVAL);
	return rc;
}

/* A database from a later trapezoid is refused, not "migrated". */
static int test_store_future(void)
{
	const char *path = fresh("future.db");
	struct tz_store *s = NULL;
	char err[512];
	sqlite3 *db;
	int e;

	TZ_EXPECT_INT(sqlite3_open(path, &db), SQLITE_OK);
	TZ_EXPECT_INT(sqlite3_exec(db,
	                           "CREATE TABLE x(y); "
	                           "PRAGMA user_version=99",
	                           NULL, NULL, NULL),
	              SQLITE_OK);
	sqlite3_close(db);
	e = tz_store_open(&s, path, err, sizeof(err));
	if (e == -ENOMEM)
		return e;
	TZ_EXPECT_INT(e, -EPROTO);
	TZ_EXPECT(s == NULL);
	TZ_EXPECT(strstr(err, path) != NULL);
	TZ_EXPECT(strstr(err, "schema version 99 is newer than this "
	                      "trapezoid knows (4)") != NULL);
	TZ_EXPECT_INT(peek_int(path, "PRAGMA user_version"), 99);
	return 0;
}

static void user_of(struct tz_user_rec *rec, const char *aor,
                    const char *password)
{
	memset(rec, 0, sizeof(*rec));
	snprintf(rec->aor, sizeof(rec->aor), "%s", aor);
	TZ_EXPECT_INT(tz_user_rec_set_password(rec, password), 0);
}

struct names {
	char buf[1024];
	size_t len;
};

static int collect_user(void *arg, const struct tz_user_rec *rec)
{
	struct names *n = arg;

	n->len += (size_t)snprintf(n->buf + n->len, sizeof(n->buf) - n->len,
	                           "%s%s", n->len ? " " : "", rec->aor);
	return 0;
}

static int stop_user(void *arg, const struct tz_user_rec *rec)
{
	(void)rec;
	return ++*(int *)arg == 2 ? 42 : 0;
}

static int test_store_users(void)
{
	struct tz_store *s;
	struct tz_user_rec rec, got;
	struct tz_forward_rec fw = {
	        .aor = "alice@example.com", .always = "sip:x@y", .after = 7};
	struct tz_binding_rec b = {.aor = "alice@example.com",
	                           .contact = "sip:a@192.0.2.1"};
	struct names n = {0};
	char md5[TZ_DIGEST_HEX], sha[TZ_DIGEST_HEX];
	int rc = 0, calls = 0, e;

	e = open_fresh(&s, "users.db");
	if (e)
		return e;
	/* HA1 = H(user:realm:password), the same bytes the digest code
	 * computes (RFC 7616 3.4.2) */
	user_of(&rec, "alice@example.com", "secret");
	TZ_EXPECT_INT(tz_digest_ha1(TZ_DIGEST_MD5, "alice", "example.com",
	                            "secret", md5),
	              0);
	TZ_EXPECT_INT(tz_digest_ha1(TZ_DIGEST_SHA256, "alice", "example.com",
	                            "secret", sha),
	              0);
	TZ_EXPECT(!strcmp(rec.ha1_md5, md5));
	TZ_EXPECT(!strcmp(rec.ha1_sha256, sha));
	TZ_EXPECT(!strcmp(rec.ha1_md5, "b1726872c344b6dc8365b774f8fd6412"));
	TZ_EXPECT_INT(tz_user_rec_set_password(&rec, ""), -EINVAL);
	rec.reject_anonymous = true;
	TZ_EXPECT_INT(keep(&rc, tz_store_user_add(s, &rec)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_user_add(s, &rec)), -EEXIST);
	TZ_EXPECT_INT(
	        keep(&rc, tz_store_user_get(s, "alice@example.com", &got)), 0);
	TZ_EXPECT(!memcmp(&got, &rec, sizeof(rec)));
	TZ_EXPECT_INT(
	        keep(&rc, tz_store_user_get(s, "nobody@example.com", &got)),
	        -ENOENT);

	/* passwd replaces both HA1s */
	user_of(&rec, "alice@example.com", "new");
	TZ_EXPECT_INT(keep(&rc, tz_store_user_passwd(s, &rec)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_user_get(s, rec.aor, &got)), 0);
	TZ_EXPECT(!strcmp(got.ha1_md5, rec.ha1_md5));
	TZ_EXPECT(!strcmp(got.ha1_sha256, rec.ha1_sha256));
	TZ_EXPECT(got.reject_anonymous); /* kept */
	user_of(&rec, "nobody@example.com", "x");
	TZ_EXPECT_INT(keep(&rc, tz_store_user_passwd(s, &rec)), -ENOENT);
	TZ_EXPECT_INT(keep(&rc, tz_store_user_set(s, &rec)), -ENOENT);
	memset(rec.ha1_md5, 0, sizeof(rec.ha1_md5)); /* no HA1: refused */
	TZ_EXPECT_INT(keep(&rc, tz_store_user_add(s, &rec)), -EINVAL);

	/* features */
	got.reject_anonymous = false;
	got.dnd = true;
	TZ_EXPECT_INT(keep(&rc, tz_store_user_set(s, &got)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_user_get(s, got.aor, &rec)), 0);
	TZ_EXPECT(!rec.reject_anonymous && rec.dnd);

	/* each: ordered by AOR, optionally one domain */
	user_of(&rec, "bob@example.com", "b");
	TZ_EXPECT_INT(keep(&rc, tz_store_user_add(s, &rec)), 0);
	user_of(&rec, "Zed@example.com", "z");
	TZ_EXPECT_INT(keep(&rc, tz_store_user_add(s, &rec)), 0);
	user_of(&rec, "carol@example.org", "c");
	TZ_EXPECT_INT(keep(&rc, tz_store_user_add(s, &rec)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_user_each(s, NULL, collect_user, &n)),
	              0);
	TZ_EXPECT(!strcmp(n.buf, "Zed@example.com alice@example.com "
	                         "bob@example.com carol@example.org"));
	n.len = 0;
	n.buf[0] = 0;
	TZ_EXPECT_INT(keep(&rc, tz_store_user_each(s, "EXAMPLE.com",
	                                           collect_user, &n)),
	              0);
	TZ_EXPECT(!strcmp(n.buf, "Zed@example.com alice@example.com "
	                         "bob@example.com"));
	n.len = 0;
	n.buf[0] = 0;
	TZ_EXPECT_INT(keep(&rc, tz_store_user_each(s, "example.net",
	                                           collect_user, &n)),
	              0);
	TZ_EXPECT_INT(n.len, 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_user_each(s, NULL, stop_user, &calls)),
	              42);
	TZ_EXPECT_INT(calls, 2);

	/* del takes the bindings and the forwarding along */
	TZ_EXPECT_INT(keep(&rc, tz_store_forward_set(s, &fw)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b)), 0);
	snprintf(b.aor, sizeof(b.aor), "bob@example.com");
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_user_del(s, "alice@example.com")), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_user_del(s, "alice@example.com")),
	              -ENOENT);
	TZ_EXPECT_INT(
	        keep(&rc, tz_store_user_get(s, "alice@example.com", &got)),
	        -ENOENT);
	TZ_EXPECT_INT(
	        keep(&rc, tz_store_forward_get(s, "alice@example.com", &fw)),
	        -ENOENT);
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_del(s, "alice@example.com",
	                                             "sip:a@192.0.2.1")),
	              -ENOENT);
	/* other users' bindings stay */
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_del(s, "bob@example.com",
	                                             "sip:a@192.0.2.1")),
	              0);
	tz_store_close(s);
	return rc;
}

static int collect_forward(void *arg, const struct tz_forward_rec *f)
{
	struct names *n = arg;

	n->len += (size_t)snprintf(n->buf + n->len, sizeof(n->buf) - n->len,
	                           "%s%.100s/%.100s/%u", n->len ? " " : "",
	                           f->aor, f->no_answer, f->after);
	return 0;
}

static int stop_forward(void *arg, const struct tz_forward_rec *f)
{
	(void)f;
	++*(int *)arg;
	return 7;
}

static int test_store_forward(void)
{
	struct names n = {0};
	struct tz_store *s;
	struct tz_user_rec rec;
	struct tz_forward_rec f = {0}, got;
	int rc = 0, calls, e;

	e = open_fresh(&s, "forward.db");
	if (e)
		return e;
	snprintf(f.aor, sizeof(f.aor), "alice@example.com");
	memset(f.always, 'a', sizeof(f.always) - 1);
	snprintf(f.busy, sizeof(f.busy), "sip:voicemail@example.com");
	f.after = 4000000000u;
	/* only for an existing user */
	TZ_EXPECT_INT(keep(&rc, tz_store_forward_set(s, &f)), -ENOENT);
	user_of(&rec, "alice@example.com", "pw");
	TZ_EXPECT_INT(keep(&rc, tz_store_user_add(s, &rec)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_forward_set(s, &f)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_forward_get(s, f.aor, &got)), 0);
	TZ_EXPECT(!memcmp(&got, &f, sizeof(f)));
	/* set replaces */
	f.always[0] = '\0';
	f.after = 0;
	TZ_EXPECT_INT(keep(&rc, tz_store_forward_set(s, &f)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_forward_get(s, f.aor, &got)), 0);
	TZ_EXPECT(!strcmp(got.always, "") && got.after == 0 &&
	          !strcmp(got.busy, f.busy));
	/* each: every forwarding, by AOR */
	user_of(&rec, "Bob@example.com", "pw");
	TZ_EXPECT_INT(keep(&rc, tz_store_user_add(s, &rec)), 0);
	snprintf(f.aor, sizeof(f.aor), "Bob@example.com");
	snprintf(f.no_answer, sizeof(f.no_answer), "tel:+15550100");
	f.after = 20;
	TZ_EXPECT_INT(keep(&rc, tz_store_forward_set(s, &f)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_forward_each(s, collect_forward, &n)),
	              0);
	TZ_EXPECT(!strcmp(n.buf, "Bob@example.com/tel:+15550100/20 "
	                         "alice@example.com//0"));
	calls = 0;
	TZ_EXPECT_INT(keep(&rc, tz_store_forward_each(s, stop_forward, &calls)),
	              7);
	TZ_EXPECT_INT(calls, 1);
	snprintf(f.aor, sizeof(f.aor), "alice@example.com");
	TZ_EXPECT_INT(keep(&rc, tz_store_forward_clear(s, f.aor)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_forward_get(s, f.aor, &got)), -ENOENT);
	TZ_EXPECT_INT(keep(&rc, tz_store_forward_clear(s, f.aor)), 0);
	n.len = 0;
	n.buf[0] = 0;
	TZ_EXPECT_INT(keep(&rc, tz_store_forward_each(s, collect_forward, &n)),
	              0);
	TZ_EXPECT(!strcmp(n.buf, "Bob@example.com/tel:+15550100/20"));
	tz_store_close(s);
	return rc;
}

/* A binding whose text fields are full to the last byte. */
static void full_binding(struct tz_binding_rec *b, const char *aor,
                         const char *contact, int64_t expires_at)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->aor, sizeof(b->aor), "%s", aor);
	memset(b->contact, 'c', sizeof(b->contact) - 1);
	memcpy(b->contact, contact, strlen(contact));
	b->q = 65535;
	b->expires_at = expires_at;
	memset(b->call_id, 'i', sizeof(b->call_id) - 1);
	b->cseq = UINT32_MAX;
	memset(b->path, 'p', sizeof(b->path) - 1);
	memcpy(b->path, "<sip:p1;lr>,<sip:p2;lr>", 23);
	snprintf(b->received, sizeof(b->received), "tcp:[2001:db8::1]:5070");
	snprintf(b->instance, sizeof(b->instance),
	         "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>");
	b->reg_id = UINT32_MAX;
	memset(b->user_agent, 'u', sizeof(b->user_agent) - 1);
}

struct walk {
	struct tz_binding_rec got[4];
	int n;
};

static int collect_binding(void *arg, const struct tz_binding_rec *b)
{
	struct walk *w = arg;

	if (w->n < 4)
		w->got[w->n] = *b;
	w->n++;
	return 0;
}

static int test_store_bindings(void)
{
	static struct tz_binding_rec b1, b2, b3;
	static struct walk w;
	struct tz_store *s;
	unsigned n = 99;
	int rc = 0, e;

	e = open_fresh(&s, "bindings.db");
	if (e)
		return e;
	full_binding(&b1, "bob@example.com", "sip:bob@192.0.2.2", 2000);
	full_binding(&b2, "alice@example.com", "sip:alice@192.0.2.1", 1000);
	full_binding(&b3, "alice@example.com", "sip:alice@192.0.2.0", -5);
	b3.q = 0;
	b3.cseq = 0;
	b3.reg_id = 0;
	memset(b3.path, 0, sizeof(b3.path));
	memset(b3.instance, 0, sizeof(b3.instance));
	memset(b3.received, 0, sizeof(b3.received));
	/* no user needed: a server may run without authentication */
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b1)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b2)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b3)), 0);
	memset(&w, 0, sizeof(w));
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_each(s, collect_binding, &w)),
	              0);
	/* ordered by AOR then contact, every field as put */
	TZ_EXPECT_INT(w.n, 3);
	TZ_EXPECT(!memcmp(&w.got[0], &b3, sizeof(b3)));
	TZ_EXPECT(!memcmp(&w.got[1], &b2, sizeof(b2)));
	TZ_EXPECT(!memcmp(&w.got[2], &b1, sizeof(b1)));

	/* put replaces the same (aor, contact) */
	b2.expires_at = 3000;
	b2.cseq = 7;
	memset(b2.call_id, 0, sizeof(b2.call_id));
	snprintf(b2.call_id, sizeof(b2.call_id), "new-call-id");
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b2)), 0);
	memset(&w, 0, sizeof(w));
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_each(s, collect_binding, &w)),
	              0);
	TZ_EXPECT_INT(w.n, 3);
	TZ_EXPECT(!memcmp(&w.got[1], &b2, sizeof(b2)));

	/* expire: expires_at <= now */
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_expire(s, 2000, &n)), 0);
	TZ_EXPECT_INT(n, 2); /* b3 (-5) and b1 (2000) */
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_expire(s, 2000, NULL)), 0);
	memset(&w, 0, sizeof(w));
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_each(s, collect_binding, &w)),
	              0);
	TZ_EXPECT_INT(w.n, 1);
	TZ_EXPECT(!memcmp(&w.got[0], &b2, sizeof(b2)));

	/* del one; del every one of an AOR (none is fine) */
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_del(s, b2.aor, b2.contact)),
	              0);
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_del(s, b2.aor, b2.contact)),
	              -ENOENT);
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b1)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b2)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b3)), 0);
	TZ_EXPECT_INT(
	        keep(&rc, tz_store_binding_del_aor(s, "alice@example.com")), 0);
	TZ_EXPECT_INT(
	        keep(&rc, tz_store_binding_del_aor(s, "alice@example.com")), 0);
	memset(&w, 0, sizeof(w));
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_each(s, collect_binding, &w)),
	              0);
	TZ_EXPECT_INT(w.n, 1);
	TZ_EXPECT(!strcmp(w.got[0].aor, "bob@example.com"));

	/* unterminated text is refused */
	memset(b1.received, 'r', sizeof(b1.received));
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b1)), -EINVAL);
	tz_store_close(s);
	return rc;
}

static int test_store_meta(void)
{
	static const uint8_t secret[32] = {0, 1, 2, 0xff, 0, 5};
	struct tz_store *s;
	uint8_t buf[64];
	size_t len;
	int rc = 0, e;

	e = open_fresh(&s, "meta.db");
	if (e)
		return e;
	len = sizeof(buf);
	TZ_EXPECT_INT(
	        keep(&rc, tz_store_meta_get(s, "nonce-secret", buf, &len)),
	        -ENOENT);
	TZ_EXPECT_INT(keep(&rc, tz_store_meta_set(s, "nonce-secret", secret,
	                                          sizeof(secret))),
	              0);
	len = sizeof(buf);
	TZ_EXPECT_INT(
	        keep(&rc, tz_store_meta_get(s, "nonce-secret", buf, &len)), 0);
	TZ_EXPECT_INT(len, sizeof(secret));
	TZ_EXPECT(!memcmp(buf, secret, sizeof(secret)));
	/* too small a buffer: the size needed */
	len = 8;
	TZ_EXPECT_INT(
	        keep(&rc, tz_store_meta_get(s, "nonce-secret", buf, &len)),
	        -EOVERFLOW);
	TZ_EXPECT_INT(len, sizeof(secret));
	/* replace; empty value */
	TZ_EXPECT_INT(keep(&rc, tz_store_meta_set(s, "nonce-secret", "ab", 2)),
	              0);
	TZ_EXPECT_INT(keep(&rc, tz_store_meta_set(s, "empty", NULL, 0)), 0);
	len = sizeof(buf);
	TZ_EXPECT_INT(
	        keep(&rc, tz_store_meta_get(s, "nonce-secret", buf, &len)), 0);
	TZ_EXPECT_MEM((const char *)buf, len, "ab");
	len = sizeof(buf);
	TZ_EXPECT_INT(keep(&rc, tz_store_meta_get(s, "empty", buf, &len)), 0);
	TZ_EXPECT_INT(len, 0);
	tz_store_close(s);
	return rc;
}

/* A record with every text field full to its last byte. */
static void full_cdr(struct tz_cdr_rec *c, const char *call_id, int64_t start,
                     int64_t answer, int64_t end, uint16_t status)
{
	memset(c, 0, sizeof(*c));
	memset(c->caller, 'f', sizeof(c->caller) - 1);
	memcpy(c->caller, "sip:alice@example.com", 21);
	memset(c->callee, 't', sizeof(c->callee) - 1);
	memcpy(c->callee, "sip:bob@example.com", 19);
	snprintf(c->call_id, sizeof(c->call_id), "%s", call_id);
	c->start_ms = start;
	c->answer_ms = answer;
	c->end_ms = end;
	c->status = status;
	memset(c->ended_by, 'b', sizeof(c->ended_by) - 1);
	memset(c->reason, 'r', sizeof(c->reason) - 1);
	memcpy(c->reason, "486 Busy Here, \"quoted\"\r\n", 25);
}

struct cdrs {
	struct tz_cdr_rec got[4];
	int n;
};

static int collect_cdr(void *arg, const struct tz_cdr_rec *c)
{
	struct cdrs *w = arg;

	if (w->n < 4)
		w->got[w->n] = *c;
	w->n++;
	return 0;
}

static int stop_cdr(void *arg, const struct tz_cdr_rec *c)
{
	(void)c;
	return ++*(int *)arg == 2 ? 5 : 0;
}

static int test_store_cdr(void)
{
	static struct tz_cdr_rec a, b, c;
	static struct cdrs w;
	const char *path = fresh("cdr.db");
	struct tz_store *s = NULL;
	char err[512];
	int rc = 0, calls = 0, e;

	e = tz_store_open(&s, path, err, sizeof(err));
	if (e)
		return e;
	full_cdr(&a, "call-a", 1000, 1500, 3000, 200);
	full_cdr(&b, "call-b", 500, 0, 1000, 487);
	full_cdr(&c, "call-c", -2000, 0, 2000, 486); /* before 1970 */
	a.id = 99; /* ignored: the store numbers them */
	TZ_EXPECT_INT(keep(&rc, tz_store_cdr_add(s, &a)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_cdr_add(s, &b)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_cdr_add(s, &c)), 0);
	a.id = 1;
	b.id = 2;
	c.id = 3;
	/* all, by end time, every field as added */
	memset(&w, 0, sizeof(w));
	TZ_EXPECT_INT(keep(&rc, tz_store_cdr_each(s, 0, collect_cdr, &w)), 0);
	TZ_EXPECT_INT(w.n, 3);
	TZ_EXPECT(!memcmp(&w.got[0], &b, sizeof(b)));
	TZ_EXPECT(!memcmp(&w.got[1], &c, sizeof(c)));
	TZ_EXPECT(!memcmp(&w.got[2], &a, sizeof(a)));
	/* since: end_ms >= since_ms */
	memset(&w, 0, sizeof(w));
	TZ_EXPECT_INT(keep(&rc, tz_store_cdr_each(s, 2000, collect_cdr, &w)),
	              0);
	TZ_EXPECT_INT(w.n, 2);
	TZ_EXPECT_INT(w.got[0].id, 3);
	TZ_EXPECT_INT(w.got[1].id, 1);
	memset(&w, 0, sizeof(w));
	TZ_EXPECT_INT(keep(&rc, tz_store_cdr_each(s, 3001, collect_cdr, &w)),
	              0);
	TZ_EXPECT_INT(w.n, 0);
	/* the same end time: in the order written */
	full_cdr(&b, "call-d", 2500, 2600, 3000, 200);
	TZ_EXPECT_INT(keep(&rc, tz_store_cdr_add(s, &b)), 0);
	memset(&w, 0, sizeof(w));
	TZ_EXPECT_INT(keep(&rc, tz_store_cdr_each(s, 3000, collect_cdr, &w)),
	              0);
	TZ_EXPECT_INT(w.n, 2);
	TZ_EXPECT(!strcmp(w.got[0].call_id, "call-a"));
	TZ_EXPECT(!strcmp(w.got[1].call_id, "call-d"));
	TZ_EXPECT_INT(w.got[1].id, 4);
	/* a callback stops the walk */
	TZ_EXPECT_INT(keep(&rc, tz_store_cdr_each(s, 0, stop_cdr, &calls)), 5);
	TZ_EXPECT_INT(calls, 2);
	/* unterminated text is refused */
	memset(c.ended_by, 'x', sizeof(c.ended_by));
	TZ_EXPECT_INT(keep(&rc, tz_store_cdr_add(s, &c)), -EINVAL);
	/* durable: another connection sees them */
	TZ_EXPECT_INT(peek_int(path, "SELECT count(*) FROM cdrs"), 4);
	tz_store_close(s);
	return rc;
}

/* Raw SQL through a separate connection (an operator's sqlite3). */
static int poke(const char *path, const char *sql)
{
	sqlite3 *db;
	int e;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	e = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return e;
}

/* The id the next record gets: add one and read it back (the last). */
static int64_t next_cdr_id(struct tz_store *s, int *rc, const char *call_id)
{
	static struct tz_cdr_rec c;
	struct cdrs *w = calloc(1, sizeof(*w));
	int64_t id = -1;

	if (!w) {
		*rc = -ENOMEM;
		return -1;
	}
	full_cdr(&c, call_id, 1, 2, 3, 200);
	if (keep(rc, tz_store_cdr_add(s, &c)) == 0 &&
	    keep(rc, tz_store_cdr_each(s, 0, collect_cdr, w)) == 0 &&
	    w->n >= 1 && w->n <= 4)
		id = w->got[w->n - 1].id;
	free(w);
	return id;
}

/*
 * Record ids are never given twice (no AUTOINCREMENT since version 4):
 * not after the newest records are deleted, by this connection's count or
 * another's, with the server running or stopped; not by two connections;
 * and a database of version 3 continues above its old sequence.
 */
static int test_store_cdr_ids(void)
{
	const char *path = fresh("cdrid.db");
	struct tz_store *s = NULL, *s2 = NULL;
	char err[512];
	int rc = 0, e;

	e = tz_store_open(&s, path, err, sizeof(err));
	if (e)
		return e;
	TZ_EXPECT_INT(next_cdr_id(s, &rc, "a"), 1);
	TZ_EXPECT_INT(next_cdr_id(s, &rc, "b"), 2);
	/* deleted while open: the count goes on */
	TZ_EXPECT_INT(poke(path, "DELETE FROM cdrs"), SQLITE_OK);
	TZ_EXPECT_INT(next_cdr_id(s, &rc, "c"), 3);
	/* deleted while closed: the trigger kept the mark */
	tz_store_close(s);
	s = NULL;
	TZ_EXPECT_INT(poke(path, "DELETE FROM cdrs WHERE id = 3"), SQLITE_OK);
	TZ_EXPECT_INT(peek_int(path, "SELECT count(*) FROM cdrs"), 0);
	e = keep(&rc, tz_store_open(&s, path, err, sizeof(err)));
	if (e)
		return e;
	TZ_EXPECT_INT(next_cdr_id(s, &rc, "d"), 4);
	/* a second connection: the first one's count clashes, reads again */
	e = keep(&rc, tz_store_open(&s2, path, err, sizeof(err)));
	if (!e) {
		TZ_EXPECT_INT(next_cdr_id(s2, &rc, "e"), 5);
		TZ_EXPECT_INT(next_cdr_id(s, &rc, "f"), 6);
		tz_store_close(s2);
	}
	tz_store_close(s);
	s = NULL;
	/* a version 3 database: AUTOINCREMENT, sequence 9, newest gone */
	TZ_EXPECT_INT(
	        poke(path,
	             "DROP TABLE cdrs; DELETE FROM meta;"
	             "CREATE TABLE cdrs(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	             " caller TEXT NOT NULL, callee TEXT NOT NULL,"
	             " call_id TEXT NOT NULL, start_ms INTEGER NOT NULL,"
	             " answer_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL,"
	             " status INTEGER NOT NULL, ended_by TEXT NOT NULL,"
	             " reason TEXT NOT NULL);"
	             "CREATE INDEX cdrs_end ON cdrs(end_ms);"
	             "INSERT INTO cdrs VALUES(7, 'a', 'b', 'c', 1, 2, 3, 200,"
	             " '', '');"
	             "INSERT INTO cdrs VALUES(9, 'a', 'b', 'c', 1, 2, 3, 200,"
	             " '', '');"
	             "DELETE FROM cdrs WHERE id = 9; PRAGMA user_version=3"),
	        SQLITE_OK);
	TZ_EXPECT_INT(peek_int(path, "SELECT seq FROM sqlite_sequence"), 9);
	e = keep(&rc, tz_store_open(&s, path, err, sizeof(err)));
	if (e)
		return e;
	TZ_EXPECT_INT(tz_store_schema_version(s), 4);
	TZ_EXPECT_INT(peek_int(path, "SELECT count(*) FROM sqlite_master "
	                             "WHERE name IN ('cdrs_end', "
	                             "'cdrs_deleted')"),
	              2);
	TZ_EXPECT_INT(peek_int(path, "SELECT count(*) FROM cdrs WHERE id = 7"),
	              1);
	TZ_EXPECT_INT(next_cdr_id(s, &rc, "g"), 10);
	tz_store_close(s);
	return rc;
}

/* A database made by the previous version (1: no cdrs table) is brought
 * to the latest on open, its data kept. */
static int test_store_migrate(void)
{
	const char *path = fresh("old.db");
	struct tz_store *s = NULL;
	struct tz_user_rec rec, got;
	struct tz_forward_rec f = {.aor = "alice@example.com",
	                           .busy = "sip:vm@example.com",
	                           .after = 9},
	                      fgot;
	struct tz_cdr_rec c;
	struct cdrs *w;
	char err[512];
	sqlite3 *db;
	int rc = 0, e;

	e = tz_store_open(&s, path, err, sizeof(err));
	if (e)
		return e;
	user_of(&rec, "alice@example.com", "pw");
	TZ_EXPECT_INT(keep(&rc, tz_store_user_add(s, &rec)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_forward_set(s, &f)), 0);
	tz_store_close(s);
	s = NULL;
	/* back to version 1: what step 2 added goes */
	TZ_EXPECT_INT(sqlite3_open(path, &db), SQLITE_OK);
	TZ_EXPECT_INT(sqlite3_exec(db, "DROP TABLE cdrs; PRAGMA user_version=1",
	                           NULL, NULL, NULL),
	              SQLITE_OK);
	sqlite3_close(db);
	TZ_EXPECT_INT(peek_int(path, "PRAGMA user_version"), 1);
	TZ_EXPECT_INT(peek_int(path, "SELECT count(*) FROM sqlite_master "
	                             "WHERE name IN ('cdrs', 'cdrs_end')"),
	              0);
	e = keep(&rc, tz_store_open(&s, path, err, sizeof(err)));
	if (e)
		return e;
	TZ_EXPECT_INT(tz_store_schema_version(s), 4);
	TZ_EXPECT_INT(peek_int(path, "SELECT count(*) FROM sqlite_master "
	                             "WHERE name IN ('cdrs', 'cdrs_end')"),
	              2);
	TZ_EXPECT_INT(keep(&rc, tz_store_user_get(s, rec.aor, &got)), 0);
	TZ_EXPECT(!memcmp(&got, &rec, sizeof(rec)));
	TZ_EXPECT_INT(keep(&rc, tz_store_forward_get(s, f.aor, &fgot)), 0);
	TZ_EXPECT(!memcmp(&fgot, &f, sizeof(f)));
	full_cdr(&c, "after-migration", 1, 2, 3, 200);
	TZ_EXPECT_INT(keep(&rc, tz_store_cdr_add(s, &c)), 0);
	w = calloc(1, sizeof(*w));
	if (!w) {
		tz_store_close(s);
		return -ENOMEM;
	}
	TZ_EXPECT_INT(keep(&rc, tz_store_cdr_each(s, 0, collect_cdr, w)), 0);
	TZ_EXPECT_INT(w->n, 1);
	TZ_EXPECT_INT(w->got[0].id, 1);
	free(w);
	tz_store_close(s);
	return rc;
}

static int count_binding(void *arg, const struct tz_binding_rec *b)
{
	(void)b;
	++*(int *)arg;
	return 0;
}

static int test_store_txn(void)
{
	static struct tz_binding_rec b;
	struct tz_store *s;
	char path[PATH_MAX];
	int rc = 0, n = 0, e;

	e = open_fresh(&s, "txn.db");
	if (e)
		return e;
	snprintf(path, sizeof(path), "%s/txn.db", tmpdir);
	full_binding(&b, "alice@example.com", "sip:rolled-back@h", 100);
	TZ_EXPECT_INT(keep(&rc, tz_store_begin(s)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_begin(s)), -EINVAL);
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_rollback(s)), 0);
	TZ_EXPECT_INT(keep(&rc, tz_store_rollback(s)), -EINVAL);
	TZ_EXPECT_INT(keep(&rc, tz_store_commit(s)), -EINVAL);

	TZ_EXPECT_INT(keep(&rc, tz_store_begin(s)), 0);
	for (int i = 0; i < 100; i++) {
		snprintf(b.contact, sizeof(b.contact), "sip:c%d@h", i);
		TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b)), 0);
	}
	/* a failing unit inside the batch undoes only itself */
	TZ_EXPECT_INT(keep(&rc, tz_store_user_del(s, "nobody@example.com")),
	              -ENOENT);
	TZ_EXPECT_INT(keep(&rc, tz_store_commit(s)), 0);
	/* an open batch is rolled back by close */
	TZ_EXPECT_INT(keep(&rc, tz_store_begin(s)), 0);
	snprintf(b.contact, sizeof(b.contact), "sip:never@h");
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b)), 0);
	e = keep(&rc, reopen(&s, path));
	if (e)
		return e;
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_each(s, count_binding, &n)),
	              0);
	TZ_EXPECT_INT(n, 100);
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_del(s, "alice@example.com",
	                                             "sip:rolled-back@h")),
	              -ENOENT);
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_del(s, "alice@example.com",
	                                             "sip:never@h")),
	              -ENOENT);
	tz_store_close(s);
	return rc;
}

/* A version-2 database (bindings with a rowid, its key index and an
 * index on expires_at) gets the version-3 table: one b-tree, no expiry
 * index, every binding kept. */
static int test_store_migrate_bindings(void)
{
	static struct tz_binding_rec b;
	static const char *const v2 =
	        "BEGIN;"
	        "CREATE TABLE b2(aor TEXT NOT NULL, contact TEXT NOT NULL,"
	        " q INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
	        " call_id TEXT NOT NULL, cseq INTEGER NOT NULL,"
	        " path TEXT NOT NULL, received TEXT NOT NULL,"
	        " instance TEXT NOT NULL, reg_id INTEGER NOT NULL,"
	        " user_agent TEXT NOT NULL, PRIMARY KEY(aor, contact));"
	        "INSERT INTO b2 SELECT * FROM bindings;"
	        "DROP TABLE bindings;"
	        "ALTER TABLE b2 RENAME TO bindings;"
	        "CREATE INDEX bindings_expires ON bindings(expires_at);"
	        "PRAGMA user_version=2;"
	        "COMMIT";
	struct tz_store *s;
	char path[PATH_MAX], err[512];
	sqlite3 *db;
	int rc = 0, n = 0, e;

	e = open_fresh(&s, "migrate3.db");
	if (e)
		return e;
	snprintf(path, sizeof(path), "%s/migrate3.db", tmpdir);
	full_binding(&b, "alice@example.com", "", 100);
	snprintf(b.contact, sizeof(b.contact), "sip:a1@h");
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b)), 0);
	snprintf(b.contact, sizeof(b.contact), "sip:a2@h");
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b)), 0);
	tz_store_close(s);
	s = NULL;
	TZ_EXPECT_INT(sqlite3_open(path, &db), SQLITE_OK);
	TZ_EXPECT_INT(sqlite3_exec(db, v2, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	TZ_EXPECT_INT(peek_int(path, "SELECT count(*) FROM sqlite_master "
	                             "WHERE name = 'bindings_expires'"),
	              1);
	e = keep(&rc, tz_store_open(&s, path, err, sizeof(err)));
	if (e)
		return e;
	TZ_EXPECT_INT(tz_store_schema_version(s), 4);
	TZ_EXPECT_INT(peek_int(path, "SELECT count(*) FROM sqlite_master "
	                             "WHERE name = 'bindings_expires' "
	                             "OR name LIKE 'bindings_v%'"),
	              0);
	TZ_EXPECT_INT(peek_int(path, "SELECT count(*) FROM sqlite_master "
	                             "WHERE name = 'bindings' "
	                             "AND sql LIKE '%WITHOUT ROWID'"),
	              1);
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_each(s, count_binding, &n)),
	              0);
	TZ_EXPECT_INT(n, 2);
	/* the key still holds: the same (aor, contact) replaces */
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_put(s, &b)), 0);
	TZ_EXPECT_INT(peek_int(path, "SELECT count(*) FROM bindings"), 2);
	TZ_EXPECT_INT(keep(&rc, tz_store_binding_del(s, "alice@example.com",
	                                             "sip:a1@h")),
	              0);
	TZ_EXPECT_INT(peek_int(path, "SELECT count(*) FROM bindings"), 1);
	tz_store_close(s);
	return rc;
}

static int test_aor_canon(void)
{
	static const struct {
		const char *in, *out; /* out "!why": refused, saying why */
	} t[] = {
	        {"alice@example.com", "alice@example.com"},
	        {"al%69ce@Example.COM", "alice@example.com"},
	        {"Alice@EXAMPLE.com", "Alice@example.com"}, /* user: exact */
	        {"a%40b@example.com", "a@b@example.com"},
	        {"+1-555;x=1@example.com", "+1-555;x=1@example.com"},
	        {"bob@192.0.2.1", "bob@192.0.2.1"},
	        {"bob@[2001:DB8::1]", "bob@[2001:db8::1]"},
	        {"", "!empty"},
	        {"alice", "!no '@' (expected user@domain)"},
	        {"@example.com", "!no user part"},
	        {"alice@", "!no domain"},
	        {"alice:pw@example.com", "!a password is not part of an AOR"},
	        {"alice:@example.com", "!a password is not part of an AOR"},
	        {"alice@example.com:5060", "!a port is not part of an AOR"},
	        {"alice@example.com:x", "!a port is not part of an AOR"},
	        {"alice@example.com;transport=tcp",
	         "!parameters are not part of an AOR"},
	        {"alice@example.com?subject=x",
	         "!headers are not part of an AOR"},
	        {"sip:alice@example.com",
	         "!write user@domain, without the sip: scheme"},
	        {"al ice@example.com",
	         "!a character of the user part needs escaping as %HH"},
	        {"al%6@example.com",
	         "!a '%' in the user part is not followed by two hex digits"},
	        {"al%00ice@example.com",
	         "!the user part decodes to a control character"},
	        {"a@b@example.com",
	         "!more than one '@' (write an '@' of the user part as %40)"},
	        {"alice@exa mple.com",
	         "!the domain is not a valid host name or IP address"},
	        {"alice@-example.com",
	         "!the domain is not a valid host name or IP address"},
	};
	char out[TZ_AOR_MAX + 1], big[300];
	const char *why;
	int e;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bool ok = t[i].out[0] != '!';

		why = NULL;
		e = tz_aor_canon(out, t[i].in, strlen(t[i].in), &why);
		if (ok && (e || strcmp(out, t[i].out) != 0)) {
			fprintf(stderr, "canon \"%s\": %d %s\n", t[i].in, e,
			        e ? why : out);
			tz_test_fails++;
		} else if (!ok && (e != -EINVAL || !why ||
		                   strcmp(why, t[i].out + 1) != 0)) {
			fprintf(stderr, "canon \"%s\": %d, why \"%s\"\n",
			        t[i].in, e, why ? why : "(null)");
			tz_test_fails++;
		}
	}
	/* 255 bytes is the limit */
	memset(big, 'a', sizeof(big));
	memcpy(big + 255 - 4, "@b.c", 4);
	TZ_EXPECT_INT(tz_aor_canon(out, big, 255, &why), 0);
	TZ_EXPECT_INT(strlen(out), 255);
	big[255 - 4] = 'a';
	memcpy(big + 256 - 4, "@b.c", 4);
	TZ_EXPECT_INT(tz_aor_canon(out, big, 256, &why), -EINVAL);
	TZ_EXPECT(!strcmp(why, "longer than 255 bytes"));
	/* a length, not a C string: the bytes after are not read */
	TZ_EXPECT_INT(tz_aor_canon(out, "bob@example.comXX", 15, &why), 0);
	TZ_EXPECT(!strcmp(out, "bob@example.com"));
	return 0;
}

static int test_aor_from_uri(void)
{
	static const struct {
		const char *uri, *aor; /* aor NULL: -EINVAL */
	} t[] = {
	        {"sip:al%69ce@Example.COM:5070;transport=tcp?h=v",
	         "alice@example.com"},
	        {"sips:bob@EXAMPLE.org", "bob@example.org"},
	        {"sip:example.com", NULL},
	        {"tel:+15551234", NULL},
	        {"sip:a%0Ab@example.com", NULL},
	};
	char out[TZ_AOR_MAX + 1];
	struct tz_uri u;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		TZ_EXPECT_INT(tz_uri_parse(&u, t[i].uri, 0,
		                           (uint32_t)strlen(t[i].uri)),
		              0);
		if (t[i].aor) {
			TZ_EXPECT_INT(tz_aor_from_uri(out, t[i].uri, &u), 0);
			TZ_EXPECT(!strcmp(out, t[i].aor));
		} else {
			TZ_EXPECT_INT(tz_aor_from_uri(out, t[i].uri, &u),
			              -EINVAL);
		}
	}
	return 0;
}

static const char *write_file(const char *name, const char *text)
{
	static char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return path;
}

/* Import @p text; *msgs gets what was reported (free it). */
static int import_text(struct tz_store *s, const char *text, char **msgs)
{
	const char *path = write_file("users.csv", text);
	size_t len;
	FILE *errs = open_memstream(msgs, &len);
	int n = tz_store_user_import(s, path, errs);

	fclose(errs);
	return n;
}

static int test_store_import(void)
{
	struct tz_store *s;
	struct tz_user_rec rec, got;
	char *msgs = NULL, want[256];
	int rc = 0, e;

	e = open_fresh(&s, "import.db");
	if (e)
		return e;
	e = keep(&rc, import_text(s,
	                          "aor,password\r\n"
	                          "# a comment, with a comma\r\n"
	                          "\r\n"
	                          "alice@example.com,secret\r\n"
	                          " bob@example.com\t,pa,ss, \n"
	                          "  \t\n"
	                          "al%69ce2@EXAMPLE.com,x\r\n"
	                          "carol@example.org,#not a comment",
	                          &msgs));
	TZ_EXPECT_INT(e, 4);
	TZ_EXPECT(e == -ENOMEM || !strcmp(msgs, ""));
	free(msgs);
	user_of(&rec, "bob@example.com", "pa,ss, ");
	TZ_EXPECT_INT(keep(&rc, tz_store_user_get(s, rec.aor, &got)), 0);
	TZ_EXPECT(!strcmp(got.ha1_md5, rec.ha1_md5) &&
	          !strcmp(got.ha1_sha256, rec.ha1_sha256));
	user_of(&rec, "alice2@example.com", "x");
	TZ_EXPECT_INT(keep(&rc, tz_store_user_get(s, rec.aor, &got)), 0);
	TZ_EXPECT(!strcmp(got.ha1_md5, rec.ha1_md5));
	user_of(&rec, "carol@example.org", "#not a comment");
	TZ_EXPECT_INT(keep(&rc, tz_store_user_get(s, rec.aor, &got)), 0);
	TZ_EXPECT(!strcmp(got.ha1_sha256, rec.ha1_sha256));
	/* only comments: nothing to do */
	TZ_EXPECT_INT(keep(&rc, import_text(s, "# nothing\n\n", &msgs)), 0);
	free(msgs);
	/* a missing file */
	snprintf(want, sizeof(want), "%s/none.csv: No such file or directory\n",
	         tmpdir);
	{
		size_t len;
		FILE *errs = open_memstream(&msgs, &len);
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/none.csv", tmpdir);
		TZ_EXPECT_INT(keep(&rc, tz_store_user_import(s, p, errs)),
		              -ENOENT);
		fclose(errs);
		TZ_EXPECT(!strcmp(msgs, want));
		free(msgs);
	}
	tz_store_close(s);
	return rc;
}

static int count_user(void *arg, const struct tz_user_rec *rec)
{
	(void)rec;
	++*(int *)arg;
	return 0;
}

static int test_store_import_bad(void)
{
	struct tz_store *s;
	struct tz_user_rec rec, got;
	char *msgs = NULL, *want = NULL, *big;
	size_t wlen = 0, blen = 0;
	FILE *w, *bf;
	const char *f = NULL;
	int rc = 0, n = 0, e;

	e = open_fresh(&s, "import_bad.db");
	if (e)
		return e;
	user_of(&rec, "erin@example.com", "old");
	TZ_EXPECT_INT(keep(&rc, tz_store_user_add(s, &rec)), 0);
	e = keep(&rc, import_text(s,
	                          "aor,password\n"
	                          "alice@example.com,one\n"
	                          "bob,two\n"
	                          "carol@example.com,\r\n"
	                          "alice@EXAMPLE.com,three\n"
	                          "dave@example.com\n"
	                          "erin@example.com,four\n"
	                          "frank@example.com,five\n"
	                          "aor,password\n",
	                          &msgs));
	TZ_EXPECT_INT(e, -EINVAL);
	f = write_file("users.csv", "");
	w = open_memstream(&want, &wlen);
	fprintf(w,
	        "%s:3: bad AOR \"bob\": no '@' (expected user@domain)\n"
	        "%s:4: empty password\n"
	        "%s:5: duplicate of line 2\n"
	        "%s:6: no password (expected aor,password)\n"
	        "%s:7: user erin@example.com exists\n"
	        "%s:9: bad AOR \"aor\": no '@' (expected user@domain)\n",
	        f, f, f, f, f, f);
	fclose(w);
	if (e != -ENOMEM && strcmp(msgs, want) != 0) {
		fprintf(stderr, "got:\n%swant:\n%s", msgs, want);
		tz_test_fails++;
	}
	free(msgs);
	free(want);
	/* nothing imported; the existing user untouched */
	TZ_EXPECT_INT(keep(&rc, tz_store_user_each(s, NULL, count_user, &n)),
	              0);
	TZ_EXPECT_INT(n, 1);
	TZ_EXPECT_INT(keep(&rc, tz_store_user_get(s, "erin@example.com", &got)),
	              0);
	TZ_EXPECT(!strcmp(got.ha1_md5, rec.ha1_md5));

	/* many problems: the first 100, then a count */
	bf = open_memstream(&big, &blen);
	for (int i = 1; i <= 150; i++)
		fprintf(bf, "user%d,pw\n", i);
	fclose(bf);
	e = keep(&rc, import_text(s, big, &msgs));
	free(big);
	TZ_EXPECT_INT(e, -EINVAL);
	n = 0;
	for (char *p = msgs; p && (p = strchr(p, '\n')) != NULL; p++)
		n++;
	TZ_EXPECT_INT(n, 101);
	{
		size_t wn = 2 * strlen(f) + 128;

		want = malloc(wn);
		if (!want)
			return -ENOMEM;
		snprintf(want, wn,
		         "%s:100: bad AOR \"user100\": no '@' (expected "
		         "user@domain)\n%s: ... 150 problems in all\n",
		         f, f);
	}
	TZ_EXPECT(e == -ENOMEM ||
	          (msgs && strlen(msgs) > strlen(want) &&
	           !strcmp(msgs + strlen(msgs) - strlen(want), want)));
	free(want);
	free(msgs);
	tz_store_close(s);
	return rc;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_store_open),       TZ_TEST(test_store_future),
        TZ_TEST(test_store_users),      TZ_TEST(test_store_forward),
        TZ_TEST(test_store_bindings),   TZ_TEST(test_store_meta),
        TZ_TEST(test_store_txn),        TZ_TEST(test_aor_canon),
        TZ_TEST(test_aor_from_uri),     TZ_TEST(test_store_import),
        TZ_TEST(test_store_import_bad), TZ_TEST(test_store_cdr),
        TZ_TEST(test_store_migrate),    TZ_TEST(test_store_migrate_bindings),
        TZ_TEST(test_store_cdr_ids),
};

static int rm(const char *path, const struct stat *st, int flag,
              struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int main(int argc, char **argv)
{
	int rc;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	rc = tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
	nftw(tmpdir, rm, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
