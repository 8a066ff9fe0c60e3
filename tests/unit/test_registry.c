/*
 * test_registry.c  The registrar's binding rules (RFC 3261 10.3 items
 * 6-8, RFC 5626 6), the location service order (RFC 3261 16.6), durable
 * storage across a reopen, the users' call features and their sync, call
 * detail records through the storage thread: tz_registry.h on a real
 * SQLite file in a temporary directory, driven without its thread
 * (tz_registry_poll) unless said otherwise.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tz/tz_mem.h"
#include "tz/tz_registry.h"
#include "tz_test.h"

static char dir[64], path[128], db[160];

/* a fresh database file */
static void wipe(void)
{
	char f[160];

	unlink(path);
	snprintf(f, sizeof(f), "%s-wal", path);
	unlink(f);
	snprintf(f, sizeof(f), "%s-shm", path);
	unlink(f);
}

static struct answer {
	int status;
	char reason[96];
	char contacts[4096];
	unsigned n;
	int calls;
} ans;

static void done(void *arg, const struct tz_reg_reply *rep)
{
	(void)arg;
	ans.calls++;
	ans.status = rep->status;
	snprintf(ans.reason, sizeof(ans.reason), "%s",
	         rep->reason ? rep->reason : "");
	snprintf(ans.contacts, sizeof(ans.contacts), "%s", rep->contacts);
	ans.n = rep->nbindings;
}

static struct tz_tp_dest src(void)
{
	struct tz_tp_dest d;

	memset(&d, 0, sizeof(d));
	tz_sa_from_host("192.0.2.7", 9, 5070, &d.addr, &d.addrlen);
	d.tp = TZ_TP_UDP;
	return d;
}

/* One REGISTER handed to the registry; its answer comes through @p h. */
static int reg_post(struct tz_registry *r, const char *aor, const char *callid,
                    uint32_t cseq, const struct tz_reg_contact *c, unsigned n,
                    bool star, tz_reg_done_h *h)
{
	struct tz_tp_dest d = src();
	struct tz_reg_request q = {0};

	q.aor = aor;
	q.call_id = callid;
	q.call_id_len = strlen(callid);
	q.cseq = cseq;
	q.contacts = c;
	q.ncontacts = n;
	q.star = star;
	q.path = "<sip:edge.example.net;lr>";
	q.path_len = strlen(q.path);
	q.user_agent = "test";
	q.user_agent_len = 4;
	q.src = &d;
	q.done = h;
	return tz_registry_register(r, &q);
}

/* One REGISTER; its status (500 from an injected allocation failure
 * counts as -ENOMEM for the OOM mode). */
static int reg_to(struct tz_registry *r, const char *aor, const char *callid,
                  uint32_t cseq, const struct tz_reg_contact *c, unsigned n,
                  bool star, tz_reg_done_h *h)
{
	int err;

	memset(&ans, 0, sizeof(ans));
	err = reg_post(r, aor, callid, cseq, c, n, star, h);
	if (err)
		return err;
	tz_registry_poll(r);
	if (ans.calls != 1)
		return -EPROTO;
	if (ans.status == 500)
		return -ENOMEM;
	return ans.status;
}

static int reg(struct tz_registry *r, const char *aor, const char *callid,
               uint32_t cseq, const struct tz_reg_contact *c, unsigned n,
               bool star)
{
	return reg_to(r, aor, callid, cseq, c, n, star, done);
}

static struct tz_reg_contact ct(const char *uri, uint32_t expires, uint16_t q)
{
	struct tz_reg_contact c = {0};

	c.uri = uri;
	c.urilen = strlen(uri);
	c.expires = expires;
	c.q = q;
	return c;
}

static int open_reg(struct tz_registry **r)
{
	char err[256];
	int e = tz_registry_open(r, db, err, sizeof(err));

	if (e && e != -ENOMEM)
		fprintf(stderr, "open: %s\n", err);
	return e;
}

/* call @p fn (reg, reg_peek) and expect @p expect; OOM ends the test */
#define CALL(fn, expect, ...)                                                  \
	do {                                                                   \
		st = fn(__VA_ARGS__);                                          \
		if (st == -ENOMEM)                                             \
			goto nomem;                                            \
		TZ_EXPECT_INT(st, expect);                                     \
	} while (0)
#define REG(expect, ...) CALL(reg, expect, __VA_ARGS__)

/* RFC3261 10.3 items 7, 8: add, refresh, several contacts, query,
 * remove, and the CSeq order within one Call-ID */
static int test_rules(void)
{
	struct tz_registry *r;
	struct tz_reg_contact c[2];
	struct tz_location loc[4];
	int st, e;

	wipe();
	e = open_reg(&r);
	if (e)
		return e;
	c[0] = ct("sip:alice@192.0.2.7:5070", 600, 1000);
	REG(200, r, "alice@example.com", "cid-1", 1, c, 1, false);
	TZ_EXPECT_INT(ans.n, 1);
	TZ_EXPECT(strstr(ans.contacts,
	                 "Contact: <sip:alice@192.0.2.7:5070>;expires=") ==
	          ans.contacts);
	/* the same contact again, newer CSeq: a refresh, still one */
	c[0] = ct("sip:alice@192.0.2.7:5070;transport=udp", 300, 1000);
	c[0] = ct("SIP:alice@192.0.2.7:5070", 300, 1000); /* 19.1.4 equal */
	REG(200, r, "alice@example.com", "cid-1", 2, c, 1, false);
	TZ_EXPECT_INT(ans.n, 1);
	TZ_EXPECT(strstr(ans.contacts, ";expires=300\r\n") ||
	          strstr(ans.contacts, ";expires=299\r\n"));
	/* an older or equal CSeq from the same Call-ID: refused, unchanged */
	REG(400, r, "alice@example.com", "cid-1", 2, c, 1, false);
	TZ_EXPECT(strstr(ans.reason, "CSeq") != NULL);
	/* another Call-ID may update whatever its CSeq */
	c[1] = ct("sip:alice@198.51.100.9", 900, 500);
	REG(200, r, "alice@example.com", "cid-2", 1, &c[1], 1, false);
	TZ_EXPECT_INT(ans.n, 2);
	TZ_EXPECT(strstr(ans.contacts, ";q=0.500") != NULL);
	/* the location service: highest q first */
	TZ_EXPECT_INT(tz_registry_lookup(r, "alice@example.com", loc, 4), 2);
	TZ_EXPECT(!strcmp(loc[0].uri, "SIP:alice@192.0.2.7:5070") ||
	          !strcmp(loc[0].uri, "sip:alice@192.0.2.7:5070"));
	TZ_EXPECT_INT(loc[0].q, 1000);
	TZ_EXPECT_INT(loc[1].q, 500);
	TZ_EXPECT(!strcmp(loc[1].path, "<sip:edge.example.net;lr>"));
	TZ_EXPECT_INT(loc[1].flow.tp, TZ_TP_UDP);
	TZ_EXPECT(loc[1].expires > 890 && loc[1].expires <= 900);
	TZ_EXPECT_INT(tz_registry_lookup(r, "nobody@example.com", loc, 4), 0);
	/* a query (no Contact) lists both, changes nothing */
	REG(200, r, "alice@example.com", "cid-3", 1, NULL, 0, false);
	TZ_EXPECT_INT(ans.n, 2);
	/* expires 0 removes one */
	c[1].expires = 0;
	REG(200, r, "alice@example.com", "cid-2", 2, &c[1], 1, false);
	TZ_EXPECT_INT(ans.n, 1);
	TZ_EXPECT(strstr(ans.contacts, "198.51.100.9") == NULL);
	/* removing one that is not there is fine */
	REG(200, r, "alice@example.com", "cid-2", 3, &c[1], 1, false);
	TZ_EXPECT_INT(ans.n, 1);
nomem:
	tz_registry_free(r);
	return st == -ENOMEM ? -ENOMEM : 0;
}

/* RFC3261 10.3 item 6: "*" removes all, but not over a newer CSeq */
static int test_star(void)
{
	struct tz_registry *r;
	struct tz_reg_contact c[2];
	struct tz_registry_stats rs;
	int st, e;

	wipe();
	e = open_reg(&r);
	if (e)
		return e;
	c[0] = ct("sip:bob@192.0.2.1", 600, 1000);
	c[1] = ct("sip:bob@192.0.2.2", 600, 1000);
	REG(200, r, "bob@example.com", "cid-b", 5, c, 2, false);
	TZ_EXPECT_INT(ans.n, 2);
	REG(400, r, "bob@example.com", "cid-b", 5, NULL, 0, true);
	tz_registry_stats(r, &rs);
	TZ_EXPECT_INT(rs.bindings, 2);
	REG(200, r, "bob@example.com", "cid-b", 6, NULL, 0, true);
	TZ_EXPECT_INT(ans.n, 0);
	TZ_EXPECT_INT(ans.contacts[0], 0);
	tz_registry_stats(r, &rs);
	TZ_EXPECT_INT(rs.bindings, 0);
	TZ_EXPECT_INT(rs.aors, 0);
	/* "*" on an AOR without bindings */
	REG(200, r, "nobody@example.com", "cid-x", 1, NULL, 0, true);
nomem:
	tz_registry_free(r);
	return st == -ENOMEM ? -ENOMEM : 0;
}

/* max-contacts: over the limit, 403 and nothing stored; RFC5626 6:
 * instance + reg-id name the binding whatever the URI */
static int test_limits_and_instance(void)
{
	struct tz_registry *r;
	struct tz_reg_contact c[3];
	static const char inst[] = "<urn:uuid:00000000-0000-1000-8000-"
	                           "000A95A0E128>";
	int st, e;

	wipe();
	e = open_reg(&r);
	if (e)
		return e;
	tz_registry_set_max_contacts(r, 2);
	c[0] = ct("sip:carol@192.0.2.1", 600, 1000);
	c[1] = ct("sip:carol@192.0.2.2", 600, 1000);
	c[2] = ct("sip:carol@192.0.2.3", 600, 1000);
	REG(403, r, "carol@example.com", "cid-c", 1, c, 3, false);
	TZ_EXPECT_INT(tz_registry_lookup(r, "carol@example.com", NULL, 0), 0);
	REG(200, r, "carol@example.com", "cid-c", 2, c, 2, false);
	REG(403, r, "carol@example.com", "cid-c", 3, &c[2], 1, false);
	TZ_EXPECT(strstr(ans.reason, "more than 2") != NULL);
	/* replacing one by removing it in the same request fits */
	c[0].expires = 0;
	REG(200, r, "carol@example.com", "cid-c", 4, c, 3, false);
	TZ_EXPECT_INT(ans.n, 2);
	/* outbound: same instance and reg-id, new URI: replaced */
	c[0] = ct("sip:dave@192.0.2.1:1111", 600, 1000);
	c[0].instance = inst;
	c[0].instlen = strlen(inst);
	c[0].reg_id = 1;
	REG(200, r, "dave@example.com", "cid-d", 1, c, 1, false);
	c[0].uri = "sip:dave@192.0.2.1:2222";
	c[0].urilen = strlen(c[0].uri);
	REG(200, r, "dave@example.com", "cid-d", 2, c, 1, false);
	TZ_EXPECT_INT(ans.n, 1);
	TZ_EXPECT(strstr(ans.contacts, "2222") != NULL);
	TZ_EXPECT(strstr(ans.contacts, ";reg-id=1") != NULL);
	TZ_EXPECT(strstr(ans.contacts, "+sip.instance=\"<urn:uuid:") != NULL);
	/* another reg-id of the same instance is another flow */
	c[0].reg_id = 2;
	REG(200, r, "dave@example.com", "cid-d", 3, c, 1, false);
	TZ_EXPECT_INT(ans.n, 2);
nomem:
	tz_registry_free(r);
	return st == -ENOMEM ? -ENOMEM : 0;
}

/* DESIGN.md: acknowledged bindings survive a restart with their
 * remaining lifetime; a binding ends on time by its timer */
static int test_durable_and_expiry(void)
{
	struct tz_registry *r;
	struct tz_reg_contact c[2];
	struct tz_location loc[2];
	struct tz_registry_stats rs;
	int st, e;

	wipe();
	e = open_reg(&r);
	if (e)
		return e;
	c[0] = ct("sip:erin@192.0.2.5", 3600, 1000);
	c[1] = ct("sip:erin@192.0.2.6", 1, 1000);
	REG(200, r, "erin@example.com", "cid-e", 1, c, 2, false);
	TZ_EXPECT_INT(ans.n, 2);
	tz_registry_free(r);
	e = open_reg(&r);
	if (e)
		return e;
	tz_registry_stats(r, &rs);
	TZ_EXPECT(rs.bindings >= 1);
	TZ_EXPECT_INT(tz_registry_lookup(r, "erin@example.com", loc, 2) >= 1,
	              1);
	{
		const struct tz_location *l5 =
		        !strcmp(loc[0].uri, "sip:erin@192.0.2.5") ? &loc[0]
		                                                  : &loc[1];

		TZ_EXPECT(!strcmp(l5->uri, "sip:erin@192.0.2.5"));
		/* less time left than registered, but most of it */
		TZ_EXPECT(l5->expires <= 3600 && l5->expires > 3590);
		TZ_EXPECT(!strcmp(l5->path, "<sip:edge.example.net;lr>"));
		/* the source survives as the NAT address; the flow's
		 * connection does not */
		TZ_EXPECT_INT(l5->flow.tp, TZ_TP_UDP);
		TZ_EXPECT_INT(l5->flow.conn, 0);
	}
	/* (the 1 s binding ending by its timer is checked by the scenario
	 * test test_register.sh: waiting here would repeat at every step of
	 * the OOM mode) */
	st = 0;
	tz_registry_free(r);
	return 0;
nomem:
	tz_registry_free(r);
	return -ENOMEM;
}

/* binding events reach watchers after the commit, one per change */
static char events[2048];

static void watcher(void *arg, enum tz_reg_event ev, const char *aor,
                    const struct tz_location *b)
{
	static const char *const names[] = {"add", "refresh", "remove",
	                                    "expire"};
	size_t n = strlen(events);

	(void)arg;
	snprintf(events + n, sizeof(events) - n, "%s %.200s %.200s;", names[ev],
	         aor, b->uri);
}

static int test_events(void)
{
	struct tz_registry *r;
	struct tz_reg_contact c[1];
	int st, e;

	wipe();
	e = open_reg(&r);
	if (e)
		return e;
	events[0] = 0;
	TZ_EXPECT_INT(tz_registry_watch(r, watcher, NULL), 0);
	c[0] = ct("sip:fay@192.0.2.8", 600, 1000);
	REG(200, r, "fay@example.com", "cid-f", 1, c, 1, false);
	REG(200, r, "fay@example.com", "cid-f", 2, c, 1, false);
	/* a refused request changes nothing and tells nobody */
	REG(400, r, "fay@example.com", "cid-f", 2, c, 1, false);
	c[0].expires = 0;
	REG(200, r, "fay@example.com", "cid-f", 3, c, 1, false);
	TZ_EXPECT(!strcmp(events, "add fay@example.com sip:fay@192.0.2.8;"
	                          "refresh fay@example.com sip:fay@192.0.2.8;"
	                          "remove fay@example.com sip:fay@192.0.2.8;"));
nomem:
	tz_registry_free(r);
	return st == -ENOMEM ? -ENOMEM : 0;
}

/* ---- call features ---- */

static struct {
	int calls, err;
} synced;

static void sync_done(void *arg, int err)
{
	(void)arg;
	synced.calls++;
	synced.err = err;
}

/* Sync @p aor (NULL: all) and wait for it; its result. */
static int sync_user(struct tz_registry *r, const char *aor)
{
	int e = tz_registry_user_sync(r, aor, sync_done, NULL);

	if (e)
		return e;
	memset(&synced, 0, sizeof(synced));
	tz_registry_poll(r);
	return synced.calls == 1 ? synced.err : -EPROTO;
}

/* A user as the admin commands make one, through a store of our own (the
 * registry has its connection; WAL lets both in). */
static int add_user(struct tz_store *s, const char *aor, bool ra, bool dnd)
{
	struct tz_user_rec rec = {0};
	int e;

	snprintf(rec.aor, sizeof(rec.aor), "%s", aor);
	e = tz_user_rec_set_password(&rec, "pw");
	rec.reject_anonymous = ra;
	rec.dnd = dnd;
	return e ? e : tz_store_user_add(s, &rec);
}

static int set_fwd(struct tz_store *s, const char *aor, const char *always,
                   const char *busy, const char *no_answer, unsigned after)
{
	struct tz_forward_rec f = {0};

	snprintf(f.aor, sizeof(f.aor), "%s", aor);
	snprintf(f.always, sizeof(f.always), "%s", always);
	snprintf(f.busy, sizeof(f.busy), "%s", busy);
	snprintf(f.no_answer, sizeof(f.no_answer), "%s", no_answer);
	f.after = after;
	return tz_store_forward_set(s, &f);
}

/* The features of @p aor as one line: "ra dnd always|busy|no_answer|after"
 * ("-" for a non-user). */
static const char *feat(struct tz_registry *r, const char *aor)
{
	static char line[2048];
	struct tz_user_features f;
	int e = tz_registry_user_features(r, aor, &f);

	if (e) {
		snprintf(line, sizeof(line), "%s", e == -ENOENT ? "-" : "?");
		TZ_EXPECT(!f.dnd && !f.fwd_always[0]); /* zeroed */
		return line;
	}
	snprintf(line, sizeof(line), "%d %d %.511s|%.511s|%.511s|%u",
	         f.reject_anonymous, f.dnd, f.fwd_always, f.fwd_busy,
	         f.fwd_no_answer, f.fwd_after);
	return line;
}

#define STEP(call)                                                             \
	do {                                                                   \
		e = (call);                                                    \
		if (e == -ENOMEM)                                              \
			goto out;                                              \
		TZ_EXPECT_INT(e, 0);                                           \
	} while (0)

static int test_features(void)
{
	static char big[512];
	struct tz_registry *r = NULL;
	struct tz_store *s = NULL;
	char err[256];
	int e;

	wipe();
	memset(big, 'x', sizeof(big) - 1);
	memcpy(big, "sip:", 4);
	e = tz_store_open(&s, db, err, sizeof(err));
	if (e)
		return e;
	STEP(add_user(s, "alice@example.com", true, false));
	STEP(add_user(s, "bob@example.com", false, true));
	STEP(add_user(s, "carol@example.com", false, false));
	STEP(set_fwd(s, "alice@example.com", "", "sip:vm@example.com",
	             "tel:+15550100", 15));
	STEP(set_fwd(s, "bob@example.com", big, "", "", 0));
	/* loaded at open */
	STEP(open_reg(&r));
	TZ_EXPECT(!strcmp(feat(r, "alice@example.com"),
	                  "1 0 |sip:vm@example.com|tel:+15550100|15"));
	TZ_EXPECT(!strncmp(feat(r, "bob@example.com"), "0 1 sip:xxx", 11));
	TZ_EXPECT_INT(strlen(feat(r, "bob@example.com")), 4 + 511 + 4);
	TZ_EXPECT(!strcmp(feat(r, "carol@example.com"), "0 0 |||0"));
	TZ_EXPECT(!strcmp(feat(r, "dave@example.com"), "-"));
	TZ_EXPECT(!strcmp(feat(r, "Alice@example.com"), "-")); /* canonical */

	/* admin changes: nothing moves until a sync says so */
	STEP(tz_store_forward_clear(s, "alice@example.com"));
	STEP(set_fwd(s, "carol@example.com", "sips:desk@example.com", "", "",
	             0));
	{
		struct tz_user_rec rec;

		STEP(tz_store_user_get(s, "bob@example.com", &rec));
		rec.dnd = false;
		rec.reject_anonymous = true;
		STEP(tz_store_user_set(s, &rec));
	}
	TZ_EXPECT(!strcmp(feat(r, "alice@example.com"),
	                  "1 0 |sip:vm@example.com|tel:+15550100|15"));
	/* one AOR: its forwarding is re-read, a cleared one disappears */
	STEP(sync_user(r, "alice@example.com"));
	TZ_EXPECT(!strcmp(feat(r, "alice@example.com"), "1 0 |||0"));
	TZ_EXPECT(!strcmp(feat(r, "carol@example.com"), "0 0 |||0"));
	TZ_EXPECT(!strncmp(feat(r, "bob@example.com"), "0 1 ", 4));
	/* a sync that fails says so (the server tells the admin command) */
	if (!tz_test_quiet) { /* not in the OOM mode: it sets the failures */
		STEP(tz_registry_user_sync(r, "carol@example.com", sync_done,
		                           NULL));
		memset(&synced, 0, sizeof(synced));
		tz_mem_fail_after(1); /* the sync's, after its answer block */
		tz_registry_poll(r);
		tz_mem_fail_after(-1);
		TZ_EXPECT_INT(synced.calls, 1);
		TZ_EXPECT_INT(synced.err, -ENOMEM);
		TZ_EXPECT(!strcmp(feat(r, "carol@example.com"), "0 0 |||0"));
	}
	STEP(sync_user(r, "carol@example.com"));
	TZ_EXPECT(!strcmp(feat(r, "carol@example.com"),
	                  "0 0 sips:desk@example.com|||0"));
	/* every user */
	STEP(sync_user(r, NULL));
	TZ_EXPECT(!strcmp(feat(r, "bob@example.com") + 4 + 511,
	                  "|||0")); /* forwarding kept */
	TZ_EXPECT(!strncmp(feat(r, "bob@example.com"), "1 0 sip:", 8));
	STEP(set_fwd(s, "bob@example.com", "", "", "sip:b2@example.com", 0));
	STEP(sync_user(r, NULL));
	TZ_EXPECT(!strcmp(feat(r, "bob@example.com"),
	                  "1 0 ||sip:b2@example.com|0"));
	/* a deleted user has no features */
	STEP(tz_store_user_del(s, "carol@example.com"));
	STEP(sync_user(r, "carol@example.com"));
	TZ_EXPECT(!strcmp(feat(r, "carol@example.com"), "-"));
	/* and a reopen reads the same */
	tz_registry_free(r);
	r = NULL;
	STEP(open_reg(&r));
	TZ_EXPECT(!strcmp(feat(r, "bob@example.com"),
	                  "1 0 ||sip:b2@example.com|0"));
	TZ_EXPECT(!strcmp(feat(r, "alice@example.com"), "1 0 |||0"));
out:
	tz_registry_free(r);
	tz_store_close(s);
	return e == -ENOMEM ? -ENOMEM : 0;
}

/* ---- call detail records ---- */

static void cdr_of(struct tz_cdr_rec *c, const char *call_id)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->caller, sizeof(c->caller), "sip:alice@example.com");
	snprintf(c->callee, sizeof(c->callee), "sip:bob@example.com");
	snprintf(c->call_id, sizeof(c->call_id), "%s", call_id);
	c->start_ms = 1763719200123;
	c->answer_ms = 1763719201000;
	c->end_ms = 1763719260500;
	c->status = 200;
	snprintf(c->ended_by, sizeof(c->ended_by), "callee");
	snprintf(c->reason, sizeof(c->reason), "BYE");
}

static int collect_cdr(void *arg, const struct tz_cdr_rec *c)
{
	char *ids = arg;
	size_t n = strlen(ids);

	snprintf(ids + n, 256 - n, "%s%.100s", n ? " " : "", c->call_id);
	return 0;
}

/* The call IDs in the store, in order, through a connection of our own. */
static int stored_cdrs(char ids[256])
{
	struct tz_store *s;
	char err[256];
	int e = tz_store_open(&s, db, err, sizeof(err));

	ids[0] = 0;
	if (e)
		return e;
	e = tz_store_cdr_each(s, 0, collect_cdr, ids);
	tz_store_close(s);
	return e;
}

static int test_cdr(void)
{
	static struct tz_cdr_rec c, bad;
	struct tz_registry *r = NULL;
	struct tz_registry_stats rs;
	char ids[256];
	int e;

	wipe();
	STEP(open_reg(&r));
	cdr_of(&c, "call-1");
	STEP(tz_registry_cdr(r, &c));
	cdr_of(&c, "call-2");
	c.answer_ms = 0;
	c.status = 486;
	STEP(tz_registry_cdr(r, &c));
	/* copied: the caller's struct may change at once */
	memset(&c, 0, sizeof(c));
	cdr_of(&bad, "x");
	memset(bad.reason, 'r', sizeof(bad.reason));
	TZ_EXPECT_INT(tz_registry_cdr(r, &bad), -EINVAL);
	/* nothing is written before the storage thread's turn */
	STEP(stored_cdrs(ids));
	TZ_EXPECT(!strcmp(ids, ""));
	tz_registry_poll(r);
	STEP(stored_cdrs(ids));
	TZ_EXPECT(!strcmp(ids, "call-1 call-2"));
	tz_registry_stats(r, &rs);
	TZ_EXPECT_INT(rs.cdrs, 2);
	TZ_EXPECT_INT(rs.store_errors, 0);
	TZ_EXPECT(rs.commits >= 1);
	/* queued, never polled: free writes them */
	cdr_of(&c, "call-3");
	STEP(tz_registry_cdr(r, &c));
	tz_registry_free(r);
	r = NULL;
	STEP(stored_cdrs(ids));
	TZ_EXPECT(!strcmp(ids, "call-1 call-2 call-3"));
	/* (with the thread, MSG_STOP queued behind them does the same; not
	 * here: the runner's block count is per thread, and the thread frees
	 * what this one posts) */
out:
	tz_registry_free(r);
	return e == -ENOMEM ? -ENOMEM : 0;
}

/* bindings on disk, as another process sees them (committed ones) */
static int rows_on_disk(void)
{
	sqlite3 *d = NULL;
	sqlite3_stmt *st = NULL;
	int n = -1;

	if (sqlite3_open_v2(path, &d, SQLITE_OPEN_READONLY, NULL) ==
	            SQLITE_OK &&
	    sqlite3_prepare_v2(d, "SELECT count(*) FROM bindings", -1, &st,
	                       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(d);
	return n;
}

static int disk_at_answer;

static void done_peek(void *arg, const struct tz_reg_reply *rep)
{
	disk_at_answer = rows_on_disk();
	done(arg, rep);
}

/* One REGISTER of @p uri (3600 s) whose answer notes the rows on disk
 * when it is given. */
static int reg_peek(struct tz_registry *r, const char *uri, uint32_t cseq)
{
	struct tz_reg_contact c = ct(uri, 3600, 1000);

	disk_at_answer = -2;
	return reg_to(r, "wb@example.com", "cid-wb", cseq, &c, 1, false,
	              done_peek);
}

static off_t wal_size(void)
{
	char f[160];
	struct stat sb;

	snprintf(f, sizeof(f), "%s-wal", path);
	return stat(f, &sb) == 0 ? sb.st_size : -1;
}

#define PEEK(expect, ...) CALL(reg_peek, expect, __VA_ARGS__)

/* Write-behind (DESIGN.md "State and storage" made a choice): without it
 * the answer leaves after the commit, with it before; a lost commit
 * keeps the answered bindings in memory and writes them again. */
static int test_write_behind(void)
{
	struct tz_registry *r;
	struct tz_registry_stats rs;
	struct tz_location loc[4];
	struct rlimit old, lim;
	int st, e;

	wipe();
	e = open_reg(&r);
	if (e)
		return e;
	PEEK(200, r, "sip:wb@192.0.2.1", 1);
	TZ_EXPECT_INT(disk_at_answer, 1); /* durable before the 200 */
	tz_registry_set_write_behind(r, 100);
	PEEK(200, r, "sip:wb@192.0.2.2", 2);
	TZ_EXPECT_INT(disk_at_answer, 1); /* answered first */
	TZ_EXPECT_INT(ans.n, 2);
	TZ_EXPECT_INT(rows_on_disk(), 2); /* the poll committed it */
	/* answered at once, before the storage thread's turn: a refresh
	 * replaces a binding whose write still waits (only the newer one
	 * is written), and a 1 s binding goes by the timer started then */
	{
		struct tz_reg_contact c1 = ct("sip:wb@192.0.2.9", 1, 1000);

		memset(&ans, 0, sizeof(ans));
		TZ_EXPECT_INT(reg_post(r, "wb@example.com", "cid-wb2", 1, &c1,
		                       1, false, done),
		              0);
		TZ_EXPECT_INT(ans.calls, 1);
		c1 = ct("sip:wb@192.0.2.9", 600, 1000);
		TZ_EXPECT_INT(reg_post(r, "wb@example.com", "cid-wb2", 2, &c1,
		                       1, false, done),
		              0);
		TZ_EXPECT_INT(ans.calls, 2);
		TZ_EXPECT_INT(ans.status, 200);
		TZ_EXPECT_INT(ans.n, 3);
		TZ_EXPECT_INT(rows_on_disk(), 2); /* not yet */
		tz_registry_poll(r);
		TZ_EXPECT_INT(rows_on_disk(), 3);
		c1 = ct("sip:wb@192.0.2.9", 1, 1000);
		CALL(reg_to, 200, r, "wb@example.com", "cid-wb2", 3, &c1, 1,
		     false, done);
		if (!tz_test_quiet) { /* not at every step of the OOM mode */
			struct tz_reg_contact c2 =
			        ct("sip:wb@192.0.2.12", 600, 1000);

			usleep(1100 * 1000);
			/* RFC3261 10.3 item 8: the answer lists the current
			 * bindings only, not one past its expiry whose timer
			 * has yet to run */
			CALL(reg_to, 200, r, "wb@example.com", "cid-wb5", 1,
			     &c2, 1, false, done);
			TZ_EXPECT(strstr(ans.contacts, "192.0.2.9") == NULL);
			TZ_EXPECT(strstr(ans.contacts, "192.0.2.12") != NULL);
			c2.expires = 0;
			CALL(reg_to, 200, r, "wb@example.com", "cid-wb5", 2,
			     &c2, 1, false, done);
			tz_registry_poll(r);
			TZ_EXPECT_INT(
			        tz_registry_lookup(r, "wb@example.com", loc, 4),
			        2);
			TZ_EXPECT_INT(rows_on_disk(), 2);
		}
		c1 = ct("sip:wb@192.0.2.9", 0, 1000);
		CALL(reg_to, 200, r, "wb@example.com", "cid-wb2", 4, &c1, 1,
		     false, done);
		TZ_EXPECT_INT(rows_on_disk(), 2);
	}
	/* the commit fails (the file may not grow): the 200 stands, the
	 * binding stays, and is written once the disk takes it again */
	if (!tz_test_quiet && wal_size() > 0 &&
	    getrlimit(RLIMIT_FSIZE, &old) == 0) {
		void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);

		lim = old;
		lim.rlim_cur = (rlim_t)wal_size();
		TZ_EXPECT_INT(setrlimit(RLIMIT_FSIZE, &lim), 0);
		st = reg_peek(r, "sip:wb@192.0.2.3", 3);
		TZ_EXPECT_INT(setrlimit(RLIMIT_FSIZE, &old), 0);
		signal(SIGXFSZ, prev);
		TZ_EXPECT_INT(st, 200);
		tz_registry_stats(r, &rs);
		TZ_EXPECT(rs.store_errors >= 1);
		TZ_EXPECT_INT(rows_on_disk(), 2);
		TZ_EXPECT_INT(tz_registry_lookup(r, "wb@example.com", loc, 4),
		              3);
		usleep(1200 * 1000); /* RESYNC_RETRY_MS */
		tz_registry_poll(r);
		TZ_EXPECT_INT(rows_on_disk(), 3);
		tz_registry_free(r);
		e = open_reg(&r);
		if (e)
			return e;
		TZ_EXPECT_INT(tz_registry_lookup(r, "wb@example.com", loc, 4),
		              3);
		TZ_EXPECT_INT(rows_on_disk(), 3);
		/* without write-behind the same failure answers 500 and
		 * memory goes back to the disk */
		lim.rlim_cur = (rlim_t)wal_size();
		signal(SIGXFSZ, SIG_IGN);
		TZ_EXPECT_INT(setrlimit(RLIMIT_FSIZE, &lim), 0);
		st = reg_peek(r, "sip:wb@192.0.2.4", 4);
		TZ_EXPECT_INT(setrlimit(RLIMIT_FSIZE, &old), 0);
		signal(SIGXFSZ, prev);
		TZ_EXPECT_INT(st, -ENOMEM); /* a 500 */
		TZ_EXPECT(strstr(ans.reason, "storage") != NULL);
		TZ_EXPECT_INT(tz_registry_lookup(r, "wb@example.com", loc, 4),
		              3);
	}
	/* write-behind switched off (a reload) while a worker's change
	 * still waits: the next posted REGISTER writes it first */
	{
		struct tz_reg_contact c1 = ct("sip:wb@192.0.2.10", 600, 1000);
		int n0 = rows_on_disk();

		tz_registry_set_write_behind(r, 100);
		st = reg_post(r, "wb@example.com", "cid-wb3", 1, &c1, 1, false,
		              done);
		if (st == -ENOMEM || ans.status == 500)
			goto nomem;
		TZ_EXPECT_INT(st, 0);
		tz_registry_set_write_behind(r, 0);
		c1 = ct("sip:wb@192.0.2.11", 600, 1000);
		CALL(reg_to, 200, r, "wb@example.com", "cid-wb4", 1, &c1, 1,
		     false, done);
		TZ_EXPECT_INT(rows_on_disk(), n0 + 2);
	}
	st = 0;
	tz_registry_free(r);
	return 0;
nomem:
	tz_registry_free(r);
	return -ENOMEM;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_write_behind),
        TZ_TEST(test_features),
        TZ_TEST(test_cdr),
        TZ_TEST(test_events),
        TZ_TEST(test_rules),
        TZ_TEST(test_star),
        TZ_TEST(test_limits_and_instance),
        TZ_TEST(test_durable_and_expiry),
};

int main(int argc, char **argv)
{
	int rc;

	snprintf(dir, sizeof(dir), "/tmp/tzreg.XXXXXX");
	if (!mkdtemp(dir))
		return 2;
	snprintf(path, sizeof(path), "%s/reg.db", dir);
	snprintf(db, sizeof(db), "sqlite:%s", path);
	rc = tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
	snprintf(db, sizeof(db), "rm -rf '%s'", dir);
	if (system(db) != 0)
		rc = rc ? rc : 1;
	return rc;
}
