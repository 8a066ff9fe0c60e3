/*
 * bench_bindings.c  Memory per binding of the location service (issue 8:
 * 1,000,000 bindings in under 1 GiB): N distinct AORs registered with one
 * contact each through the registry's real path (tz_registry_register,
 * the storage thread, SQLite on disk, group commit), then the process's
 * VmRSS growth and the database size divided by N.
 *
 * usage: bench_bindings N DBFILE
 * Not a test: run by hand (see docs/benchmarks.md, "Memory per binding").
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tz/tz_registry.h"

static atomic_ulong answered, refused;

static void done(void *arg, const struct tz_reg_reply *rep)
{
	(void)arg;
	if (rep->status != 200)
		atomic_fetch_add(&refused, 1);
	atomic_fetch_add(&answered, 1);
}

/* VmRSS of this process in kB, or -1. */
static long rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct tz_registry *r;
	struct tz_registry_stats st;
	struct tz_tp_dest src = {0};
	struct stat sb;
	char err[256], db[600], wal[600];
	unsigned long n;
	long rss0, rss1;
	double t0, t1;

	if (argc != 3 || !(n = strtoul(argv[1], NULL, 10))) {
		fputs("usage: bench_bindings N DBFILE\n", stderr);
		return 2;
	}
	snprintf(db, sizeof(db), "sqlite:%s", argv[2]);
	if (tz_registry_open(&r, db, err, sizeof(err)) ||
	    tz_registry_start(r)) {
		fprintf(stderr, "bench_bindings: %s\n", err);
		return 1;
	}
	src.tp = TZ_TP_UDP;
	src.addrlen = tz_sa_from_host("10.0.0.1", 8, 5060, &src.addr,
	                              &src.addrlen) == 0
	                      ? src.addrlen
	                      : 0;
	rss0 = rss_kb();
	t0 = now_s();
	for (unsigned long i = 0; i < n; i++) {
		struct tz_reg_contact c = {0};
		struct tz_reg_request q = {0};
		char aor[64], uri[96], cid[32];

		/* at most 20,000 in the storage thread's queue */
		while (i - atomic_load(&answered) > 20000)
			nanosleep(&(struct timespec){0, 1000000}, NULL);
		snprintf(aor, sizeof(aor), "u%07lu@bench.example", i);
		snprintf(uri, sizeof(uri), "sip:u%07lu@10.%lu.%lu.%lu:5060", i,
		         (i >> 16) & 255, (i >> 8) & 255, i & 255);
		snprintf(cid, sizeof(cid), "c%07lu", i);
		c.uri = uri;
		c.urilen = strlen(uri);
		c.expires = 3600;
		c.q = 1000;
		q.aor = aor;
		q.call_id = cid;
		q.call_id_len = strlen(cid);
		q.cseq = 1;
		q.contacts = &c;
		q.ncontacts = 1;
		q.user_agent = "bench";
		q.user_agent_len = 5;
		q.src = &src;
		q.done = done;
		if (tz_registry_register(r, &q)) {
			fprintf(stderr, "bench_bindings: register %lu failed\n",
			        i);
			return 1;
		}
	}
	while (atomic_load(&answered) < n)
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	t1 = now_s();
	rss1 = rss_kb();
	tz_registry_stats(r, &st);
	snprintf(wal, sizeof(wal), "%s-wal", argv[2]);
	printf("bindings %llu (refused %lu) in %.1f s, %.0f per second, "
	       "%llu commits\n",
	       (unsigned long long)st.bindings, atomic_load(&refused), t1 - t0,
	       (double)n / (t1 - t0), (unsigned long long)st.commits);
	printf("VmRSS %ld kB -> %ld kB: %.0f bytes per binding\n", rss0, rss1,
	       (double)(rss1 - rss0) * 1024.0 / (double)n);
	if (stat(argv[2], &sb) == 0)
		printf("database %lld bytes: %.0f bytes per binding",
		       (long long)sb.st_size, (double)sb.st_size / (double)n);
	if (stat(wal, &sb) == 0)
		printf(" (+ %lld bytes of WAL)", (long long)sb.st_size);
	printf("\n");
	tz_registry_free(r);
	return 0;
}
