/*
 * test_registry.c  The registrar's binding rules (RFC 3261 10.3 items
 * 6-8, RFC 5626 6), the location service order (RFC 3261 16.6), durable
 * storage across a reopen: tz_registry.h on a real
 * SQLite file in a temporary directory, driven without its thread
 * (tz_registry_poll).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* One REGISTER; its status (500 from an injected allocation failure
 * counts as -ENOMEM for the OOM mode). */
static int reg(struct tz_registry *r, const char *aor, const char *callid,
               uint32_t cseq, const struct tz_reg_contact *c, unsigned n,
               bool star)
{
	struct tz_tp_dest d = src();
	struct tz_reg_request q = {0};
	int err;

	memset(&ans, 0, sizeof(ans));
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
	q.done = done;
	err = tz_registry_register(r, &q);
	if (err)
		return err;
	tz_registry_poll(r);
	if (ans.calls != 1)
		return -EPROTO;
	if (ans.status == 500)
		return -ENOMEM;
	return ans.status;
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

#define REG(expect, ...)                                                       \
	do {                                                                   \
		st = reg(__VA_ARGS__);                                         \
		if (st == -ENOMEM)                                             \
			goto nomem;                                            \
		TZ_EXPECT_INT(st, expect);                                     \
	} while (0)

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

static const struct tz_test tests[] = {
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
