/*
 * bench_parse.c  Parser throughput: messages per second for a typical
 * INVITE with SDP, a REGISTER, a 200 OK, and (optionally) a directory of
 * messages such as the RFC 4475 corpus; and heap allocations per parse.
 *
 * usage: bench_parse [-n ITERATIONS] [-m NAME] [DIR]
 * Not a test: run by bench/parse.sh, which also counts instructions per
 * message with callgrind.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tz/tz_mem.h"
#include "tz/tz_msg.h"

static const char invite[] =
        "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP "
        "pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\r\n"
        "Via: SIP/2.0/UDP "
        "192.0.2.4:5060;branch=z9hG4bKnashds8;received=192.0.2.5\r\n"
        "Max-Forwards: 69\r\n"
        "Route: <sip:proxy.biloxi.example.com;lr>\r\n"
        "Record-Route: <sip:proxy.atlanta.example.com;lr>\r\n"
        "To: Bob <sip:bob@biloxi.example.com>\r\n"
        "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
        "CSeq: 314159 INVITE\r\n"
        "Contact: <sip:alice@pc33.atlanta.example.com>\r\n"
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK, REFER\r\n"
        "Supported: replaces, timer, 100rel\r\n"
        "User-Agent: trapezoid-bench/1.0\r\n"
        "Content-Type: application/sdp\r\n"
        "Content-Length: 142\r\n"
        "\r\n"
        "v=0\r\n"
        "o=alice 53655765 2353687637 IN IP4 pc33.atlanta.example.com\r\n"
        "s=-\r\n"
        "c=IN IP4 192.0.2.101\r\n"
        "t=0 0\r\n"
        "m=audio 49172 RTP/AVP 0\r\n"
        "a=rtpmap:0 PCMU/8000\r\n";

static const char reg[] =
        "REGISTER sip:registrar.biloxi.example.com SIP/2.0\r\n"
        "Via: SIP/2.0/UDP "
        "bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7\r\n"
        "Max-Forwards: 70\r\n"
        "To: Bob <sip:bob@biloxi.example.com>\r\n"
        "From: Bob <sip:bob@biloxi.example.com>;tag=456248\r\n"
        "Call-ID: 843817637684230@998sdasdh09\r\n"
        "CSeq: 1826 REGISTER\r\n"
        "Contact: <sip:bob@192.0.2.4>\r\n"
        "Expires: 7200\r\n"
        "Content-Length: 0\r\n"
        "\r\n";

static const char ok200[] =
        "SIP/2.0 200 OK\r\n"
        "Via: SIP/2.0/UDP "
        "pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;received=192.0."
        "2.1;rport=5060\r\n"
        "Record-Route: <sip:proxy.atlanta.example.com;lr>\r\n"
        "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
        "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
        "CSeq: 314159 INVITE\r\n"
        "Contact: <sip:bob@192.0.2.4>\r\n"
        "Content-Length: 0\r\n"
        "\r\n";

struct sample {
	char name[256];
	char *buf;
	size_t len;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Parse every sample @n times; returns the number parsed without error. */
static long run(const struct sample *s, size_t ns, long n)
{
	struct tz_hdr hdrs[TZ_MSG_HDRS_DEFAULT];
	struct tz_msg msg;
	long ok = 0, i;
	size_t k;

	tz_msg_init(&msg, hdrs, TZ_MSG_HDRS_DEFAULT);
	for (i = 0; i < n; i++)
		for (k = 0; k < ns; k++)
			ok += tz_msg_parse(&msg, s[k].buf, s[k].len, NULL) == 0;
	return ok;
}

static size_t load_dir(const char *dir, struct sample *s, size_t max)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d = opendir(dir);

	while (d && n < max && (de = readdir(d))) {
		char path[1024];
		FILE *f;
		if (!strstr(de->d_name, ".dat") && !strstr(de->d_name, ".sip"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		s[n].buf = malloc(70000);
		s[n].len = fread(s[n].buf, 1, 70000, f);
		snprintf(s[n].name, sizeof(s[n].name), "%s", de->d_name);
		fclose(f);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	struct sample fixed[3] = {
	        {"INVITE+SDP", (char *)invite, sizeof(invite) - 1},
	        {"REGISTER", (char *)reg, sizeof(reg) - 1},
	        {"200 OK", (char *)ok200, sizeof(ok200) - 1},
	};
	static struct sample corpus[128];
	const char *only = NULL, *dir = NULL;
	long n = 1000000, live;
	size_t i, nc = 0;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-n") && a + 1 < argc)
			n = atol(argv[++a]);
		else if (!strcmp(argv[a], "-m") && a + 1 < argc)
			only = argv[++a];
		else
			dir = argv[a];
	}
	if (n <= 0)
		return 0; /* start-up only: the baseline of bench/parse.sh */
	for (i = 0; i < 3; i++) {
		double t0, dt;
		long ok;
		if (only && strcmp(only, fixed[i].name))
			continue;
		live = tz_mem_live();
		t0 = now();
		ok = run(&fixed[i], 1, n);
		dt = now() - t0;
		printf("%-12s %8zu bytes  %10.0f msg/s  %6.1f ns/msg  %.0f "
		       "MB/s  "
		       "heap allocations/parse: %ld  %s\n",
		       fixed[i].name, fixed[i].len, (double)n / dt,
		       dt * 1e9 / (double)n,
		       (double)n * (double)fixed[i].len / dt / 1e6,
		       (tz_mem_live() - live) / n,
		       ok == n ? "" : "PARSE ERROR");
	}
	if (dir && !only) {
		double t0, dt;
		long iters = n / 50 > 0 ? n / 50 : 1;
		nc = load_dir(dir, corpus, 128);
		t0 = now();
		run(corpus, nc, iters);
		dt = now() - t0;
		printf("%-12s %8zu files  %10.0f msg/s  %6.1f ns/msg\n",
		       "corpus", nc, (double)iters * (double)nc / dt,
		       dt * 1e9 / ((double)iters * (double)nc));
	}
	return 0;
}
