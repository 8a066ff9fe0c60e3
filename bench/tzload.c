/*
 * tzload.c  A UDP SIP load generator for bench/compare.sh (issue 8: "push
 * the generator until the server is the limit"): OPTIONS, or REGISTER
 * without auth for USERS users in turn, at a fixed rate, sent and received
 * in batches (sendmmsg/recvmmsg) from a few sockets, so that on a small
 * machine the load costs a fraction of what SIPp does per request.
 *
 * Each request is a transaction of its own (a new Call-ID and branch, and
 * a run's never those of an earlier run: both carry a number drawn per
 * run). It
 * is sent again after 500 ms and 1.5 s (RFC 3261 17.1.2.2: Timer E from
 * T1, doubling) and fails without a final response within 4 s, or with a
 * final response other than 2xx. The response time is from the first
 * send to the final response.
 *
 * Prints a line:
 *   sent N ok N failed N retransmitted N p50 MS p99 MS wall S cpu S
 * then, for each final status other than 2xx that came back, a line
 *   answered STATUS: N
 * (cpu: this process's user + system seconds); with --rtt FILE every
 * response time in ms, one per line. A benchmark tool, not a test.
 *
 * usage: tzload HOST PORT options|register RATE COUNT [--users N]
 *        [--sockets K]
 *        [--rtt FILE]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sendmmsg, recvmmsg */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SOCKS  64
#define BATCH      64
#define MSG_MAX    768
#define T1_NS      500000000ull
#define GIVE_UP_NS 4000000000ull

enum { PENDING, DONE_OK, DONE_FAIL };

struct req {
	uint64_t sent_ns; /* first send; 0 before it */
	uint8_t state;
	uint8_t sends;
};

struct load {
	const char *host;
	unsigned port;
	int kind_register;
	unsigned users;
	unsigned run; /* in every branch and Call-ID: runs never share one */
	int nsock;
	unsigned long codes[700]; /* failures by final status */
	int fd[MAX_SOCKS];
	unsigned lport[MAX_SOCKS];
	struct sockaddr_in dst;
	struct req *r;
	unsigned count;
	unsigned long ok, failed, retrans;
	double *rtt;
	unsigned long nrtt;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int build(const struct load *l, unsigned i, char *out, size_t n)
{
	unsigned s = i % (unsigned)l->nsock, lp = l->lport[s];

	if (!l->kind_register)
		return snprintf(out, n,
		                "OPTIONS sip:%s:%u SIP/2.0\r\n"
		                "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK-"
		                "tzl%x-%u\r\n"
		                "Max-Forwards: 70\r\n"
		                "From: <sip:bench@127.0.0.1>;tag=t%u\r\n"
		                "To: <sip:%s:%u>\r\n"
		                "Call-ID: %u@%x.tzload\r\n"
		                "CSeq: 1 OPTIONS\r\n"
		                "Content-Length: 0\r\n\r\n",
		                l->host, l->port, lp, l->run, i, i, l->host,
		                l->port, i, l->run);
	/* a user's Contact is the same whichever socket sends, and in
	 * every run: each request refreshes the user's one binding (a port
	 * of this run's would add a binding per run, up to max-contacts) */
	unsigned u = i % l->users + 1;
	return snprintf(
	        out, n,
	        "REGISTER sip:%s:%u SIP/2.0\r\n"
	        "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK-tzl%x-%u\r\n"
	        "Max-Forwards: 70\r\n"
	        "From: <sip:u%05u@localhost>;tag=t%u\r\n"
	        "To: <sip:u%05u@localhost>\r\n"
	        "Call-ID: %u@%x.tzload\r\n"
	        "CSeq: 1 REGISTER\r\n"
	        "Contact: <sip:u%05u@127.0.0.1:5999>\r\n"
	        "Expires: 3600\r\n"
	        "Content-Length: 0\r\n\r\n",
	        l->host, l->port, lp, l->run, i, u, i, u, i, l->run, u);
}

/* Send requests @p idx[0..n) (each from its own socket, i % nsock). */
static void send_batch(struct load *l, const unsigned *idx, unsigned n,
                       uint64_t t)
{
	static char buf[BATCH][MSG_MAX];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];

	for (int s = 0; s < l->nsock; s++) {
		unsigned k = 0;

		for (unsigned j = 0; j < n; j++) {
			unsigned i = idx[j];
			if (i % (unsigned)l->nsock != (unsigned)s)
				continue;
			int len = build(l, i, buf[k], MSG_MAX);
			if (len <= 0 || len >= MSG_MAX)
				continue;
			iov[k] = (struct iovec){buf[k], (size_t)len};
			memset(&mm[k], 0, sizeof(mm[k]));
			mm[k].msg_hdr.msg_name = &l->dst;
			mm[k].msg_hdr.msg_namelen = sizeof(l->dst);
			mm[k].msg_hdr.msg_iov = &iov[k];
			mm[k].msg_hdr.msg_iovlen = 1;
			if (!l->r[i].sent_ns)
				l->r[i].sent_ns = t;
			else
				l->retrans++;
			l->r[i].sends++;
			k++;
		}
		for (unsigned off = 0; off < k;) {
			int m = sendmmsg(l->fd[s], mm + off, k - off, 0);
			if (m <= 0) {
				if (m < 0 && errno == EINTR)
					continue;
				break; /* a full buffer: the retransmission
				          covers it */
			}
			off += (unsigned)m;
		}
	}
}

/* The request number in "Call-ID: N@tzload" (or "i: N@tzload"). */
static long call_number(const char *b, size_t n)
{
	for (size_t p = 0; p + 10 < n; p++) {
		if (b[p] != '\n')
			continue;
		const char *h = b + p + 1;
		size_t k = 0;
		if (!strncasecmp(h, "Call-ID:", 8))
			k = 8;
		else if (!strncasecmp(h, "i:", 2))
			k = 2;
		else
			continue;
		while (h + k < b + n && (h[k] == ' ' || h[k] == '\t'))
			k++;
		char *end;
		long v = strtol(h + k, &end, 10);
		return end > h + k && *end == '@' ? v : -1;
	}
	return -1;
}

static void on_response(struct load *l, const char *b, size_t n, uint64_t t)
{
	long i;
	int status;

	if (n < 12 || memcmp(b, "SIP/2.0 ", 8))
		return;
	status = atoi(b + 8);
	if (status < 200)
		return; /* provisional */
	i = call_number(b, n);
	if (i < 0 || (unsigned long)i >= l->count || l->r[i].state != PENDING ||
	    !l->r[i].sent_ns)
		return; /* unknown, or a retransmitted answer */
	if (status < 300) {
		l->r[i].state = DONE_OK;
		l->ok++;
		l->rtt[l->nrtt++] = (double)(t - l->r[i].sent_ns) / 1e6;
	} else {
		l->r[i].state = DONE_FAIL;
		l->failed++;
		if (status < 700)
			l->codes[status]++;
	}
}

static void receive(struct load *l, int s, uint64_t t)
{
	static char buf[BATCH][2048];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];

	for (;;) {
		for (int k = 0; k < BATCH; k++) {
			iov[k] = (struct iovec){buf[k], sizeof(buf[k])};
			memset(&mm[k], 0, sizeof(mm[k]));
			mm[k].msg_hdr.msg_iov = &iov[k];
			mm[k].msg_hdr.msg_iovlen = 1;
		}
		int m = recvmmsg(l->fd[s], mm, BATCH, MSG_DONTWAIT, NULL);
		if (m <= 0)
			return;
		for (int k = 0; k < m; k++)
			on_response(l, buf[k], mm[k].msg_len, t);
		if (m < BATCH)
			return;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pctl(const double *v, unsigned long n, double p)
{
	if (!n)
		return 0;
	unsigned long k = (unsigned long)(p / 100.0 * (double)n + 0.5);
	return v[k ? (k > n ? n : k) - 1 : 0];
}

static int usage(void)
{
	fprintf(stderr, "usage: tzload HOST PORT options|register RATE COUNT "
	                "[--users N] [--sockets K] [--rtt FILE]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct load l = {0};
	const char *rtt_file = NULL;
	double rate;
	unsigned next = 0, c1 = 0, c2 = 0, cf = 0, idx[BATCH];
	uint64_t t0, t, end;

	if (argc < 6)
		return usage();
	l.host = argv[1];
	l.port = (unsigned)atoi(argv[2]);
	if (!strcmp(argv[3], "register"))
		l.kind_register = 1;
	else if (strcmp(argv[3], "options"))
		return usage();
	rate = atof(argv[4]);
	l.count = (unsigned)strtoul(argv[5], NULL, 10);
	l.users = 10000;
	l.nsock = 4;
	l.run = (unsigned)getpid() ^ (unsigned)now_ns();
	for (int a = 6; a < argc; a++) {
		if (a + 1 < argc && !strcmp(argv[a], "--users"))
			l.users = (unsigned)atoi(argv[++a]);
		else if (a + 1 < argc && !strcmp(argv[a], "--sockets"))
			l.nsock = atoi(argv[++a]);
		else if (a + 1 < argc && !strcmp(argv[a], "--rtt"))
			rtt_file = argv[++a];
		else
			return usage();
	}
	if (rate <= 0 || !l.count || !l.users || l.nsock < 1 ||
	    l.nsock > MAX_SOCKS || !l.port || l.port > 65535)
		return usage();
	l.dst.sin_family = AF_INET;
	l.dst.sin_port = htons((uint16_t)l.port);
	if (inet_pton(AF_INET, l.host, &l.dst.sin_addr) != 1) {
		fprintf(stderr, "tzload: %s: an IPv4 address, please\n",
		        l.host);
		return 2;
	}
	l.r = calloc(l.count, sizeof(*l.r));
	l.rtt = calloc(l.count, sizeof(*l.rtt));
	if (!l.r || !l.rtt) {
		fprintf(stderr, "tzload: out of memory\n");
		return 1;
	}
	for (int s = 0; s < l.nsock; s++) {
		struct sockaddr_in a = {.sin_family = AF_INET};
		socklen_t al = sizeof(a);
		int sz = 4 << 20;

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		l.fd[s] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		if (l.fd[s] < 0 || bind(l.fd[s], (void *)&a, sizeof(a)) ||
		    getsockname(l.fd[s], (void *)&a, &al)) {
			perror("tzload: socket");
			return 1;
		}
		setsockopt(l.fd[s], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
		setsockopt(l.fd[s], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
		l.lport[s] = ntohs(a.sin_port);
	}
	t0 = now_ns();
	/* bounded: the last request's time plus the give-up time */
	end = t0 + (uint64_t)((double)l.count / rate * 1e9) + GIVE_UP_NS +
	      T1_NS;
	for (;;) {
		struct pollfd pf[MAX_SOCKS];
		unsigned n = 0;

		t = now_ns();
		/* new requests due by now, a batch at a time */
		uint64_t due = (uint64_t)((double)(t - t0) * rate / 1e9) + 1;
		if (due > l.count)
			due = l.count;
		while (next < due) {
			n = 0;
			while (next < due && n < BATCH)
				idx[n++] = next++;
			send_batch(&l, idx, n, t);
		}
		/* retransmissions at 500 ms and 1.5 s, give up at 4 s; the
		 * requests went out in order, so each pointer only moves on */
		n = 0;
		while (c1 < next && l.r[c1].sent_ns + T1_NS <= t && n < BATCH) {
			if (l.r[c1].state == PENDING)
				idx[n++] = c1;
			c1++;
		}
		while (c2 < c1 && l.r[c2].sent_ns + 3 * T1_NS <= t &&
		       n < BATCH) {
			if (l.r[c2].state == PENDING)
				idx[n++] = c2;
			c2++;
		}
		if (n)
			send_batch(&l, idx, n, t);
		while (cf < next && l.r[cf].sent_ns + GIVE_UP_NS <= t) {
			if (l.r[cf].state == PENDING) {
				l.r[cf].state = DONE_FAIL;
				l.failed++;
			}
			cf++;
		}
		if (l.ok + l.failed >= l.count || t >= end)
			break;
		for (int s = 0; s < l.nsock; s++)
			pf[s] = (struct pollfd){l.fd[s], POLLIN, 0};
		if (poll(pf, (nfds_t)l.nsock, 1) > 0) {
			t = now_ns();
			for (int s = 0; s < l.nsock; s++)
				if (pf[s].revents & POLLIN)
					receive(&l, s, t);
		}
	}
	double wall = (double)(now_ns() - t0) / 1e9;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	             (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	unsigned long lost = l.count - l.ok - l.failed;
	if (rtt_file) {
		FILE *f = fopen(rtt_file, "w");
		for (unsigned long k = 0; f && k < l.nrtt; k++)
			fprintf(f, "%.3f\n", l.rtt[k]);
		if (f)
			fclose(f);
	}
	qsort(l.rtt, l.nrtt, sizeof(*l.rtt), cmp_double);
	printf("sent %u ok %lu failed %lu retransmitted %lu p50 %.2f p99 %.2f "
	       "wall %.3f cpu %.3f\n",
	       next, l.ok, l.failed + lost, l.retrans, pctl(l.rtt, l.nrtt, 50),
	       pctl(l.rtt, l.nrtt, 99), wall, cpu);
	for (int c = 300; c < 700; c++)
		if (l.codes[c])
			printf("answered %d: %lu\n", c, l.codes[c]);
	return 0;
}
