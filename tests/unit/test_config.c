/*
 * test_config.c  The configuration module (tz_config.h): defaults, every
 * key with good and bad values and the exact messages, durations and
 * sizes at their limits, listen addresses and the cross-key checks.
 * test_config_file.c has the sources (files, flags, the example file).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>

#include "tz_test.h"
#include "tz/tz_config.h"

#define ERRLEN 512

/* The uint32_t behind a numeric key, for the tables below. */
static uint32_t num(const struct tz_config *c, const char *key)
{
	static const struct {
		const char *key;
		size_t off;
	} f[] = {
	        {"workers", offsetof(struct tz_config, workers)},
	        {"t1", offsetof(struct tz_config, t1)},
	        {"t2", offsetof(struct tz_config, t2)},
	        {"t4", offsetof(struct tz_config, t4)},
	        {"timer-c", offsetof(struct tz_config, timer_c)},
	        {"proxy-mode", offsetof(struct tz_config, proxy_mode)},
	        {"forward-after", offsetof(struct tz_config, forward_after)},
	        {"dialog-timeout", offsetof(struct tz_config, dialog_timeout)},
	        {"trying-delay", offsetof(struct tz_config, trying)},
	        {"write-behind", offsetof(struct tz_config, write_behind)},
	        {"shutdown-timeout", offsetof(struct tz_config, shutdown)},
	        {"max-message-size", offsetof(struct tz_config, max_message)},
	        {"udp-max-size", offsetof(struct tz_config, udp_max)},
	        {"tcp-idle-timeout", offsetof(struct tz_config, tcp_idle)},
	        {"tcp-slow-timeout", offsetof(struct tz_config, tcp_slow)},
	        {"tcp-max-per-source", offsetof(struct tz_config, tcp_per_src)},
	        {"tcp-max-connections", offsetof(struct tz_config, tcp_max)},
	};
	uint32_t v = 0;

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!strcmp(f[i].key, key))
			memcpy(&v, (const char *)c + f[i].off, sizeof(v));
	}
	return v;
}

static unsigned port_of(const struct tz_listen *l)
{
	if (l->addr.ss_family == AF_INET6)
		return ntohs(
		        ((const struct sockaddr_in6 *)&l->addr)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&l->addr)->sin_port);
}

static int test_config_defaults(void)
{
	struct tz_config c;
	char err[ERRLEN];
	const struct sockaddr_in *sin;

	tz_config_default(&c);
	TZ_EXPECT_INT(c.nlisten, 2);
	TZ_EXPECT(!strcmp(c.listen[0].text, "udp:127.0.0.1:5060"));
	TZ_EXPECT(!strcmp(c.listen[1].text, "tcp:127.0.0.1:5060"));
	TZ_EXPECT_INT(c.listen[0].tp, TZ_TP_UDP);
	TZ_EXPECT_INT(c.listen[1].tp, TZ_TP_TCP);
	sin = (const struct sockaddr_in *)&c.listen[0].addr;
	TZ_EXPECT_INT(sin->sin_family, AF_INET);
	TZ_EXPECT_INT(ntohl(sin->sin_addr.s_addr), 0x7f000001);
	TZ_EXPECT_INT(ntohs(sin->sin_port), 5060);
	TZ_EXPECT_INT(c.listen[0].addrlen, sizeof(struct sockaddr_in));
	TZ_EXPECT_INT(c.ndomain, 1);
	TZ_EXPECT(!strcmp(c.domain[0], "localhost"));
	TZ_EXPECT(!strcmp(c.db, "sqlite:./trapezoid.db"));
	TZ_EXPECT(!strcmp(c.control, "")); /* derived by tz_config_finish */
	TZ_EXPECT(!strcmp(c.http, ""));
	TZ_EXPECT_INT(c.workers, 0);
	TZ_EXPECT_INT(c.log_level, TZ_LOG_INFO);
	TZ_EXPECT_INT(c.t1, 500);
	TZ_EXPECT_INT(c.t2, 4000);
	TZ_EXPECT_INT(c.t4, 5000);
	TZ_EXPECT_INT(c.timer_c, 185000);
	TZ_EXPECT_INT(c.trying, 200);
	TZ_EXPECT_INT(c.shutdown, 32000);
	TZ_EXPECT_INT(c.write_behind,
	              0); /* DESIGN.md: durable before the 200 */
	TZ_EXPECT_INT(c.max_message, 65535);
	TZ_EXPECT_INT(c.udp_max, 1300);
	TZ_EXPECT_INT(c.tcp_idle, 120000);
	TZ_EXPECT_INT(c.tcp_slow, 10000);
	TZ_EXPECT_INT(c.tcp_per_src, 64);
	TZ_EXPECT_INT(c.tcp_max, 4096);
	TZ_EXPECT(!strcmp(c.dns_hosts, ""));
	TZ_EXPECT(!strcmp(c.dns_servers, ""));
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), 0);
	TZ_EXPECT_INT(tz_config_finish(&c, err, sizeof(err)), 0);
	TZ_EXPECT(!strcmp(c.control, "./trapezoid.db.ctl"));

	TZ_EXPECT(!strcmp(tz_log_level_name(TZ_LOG_ERROR), "error"));
	TZ_EXPECT(!strcmp(tz_log_level_name(TZ_LOG_WARN), "warn"));
	TZ_EXPECT(!strcmp(tz_log_level_name(TZ_LOG_INFO), "info"));
	TZ_EXPECT(!strcmp(tz_log_level_name(TZ_LOG_DEBUG), "debug"));
	TZ_EXPECT(!strcmp(tz_log_level_name(TZ_LOG_TRACE), "trace"));
	TZ_EXPECT(tz_log_level_name((enum tz_log_level)5) == NULL);
	TZ_EXPECT(tz_log_level_name((enum tz_log_level) - 1) == NULL);
	return 0;
}

/* Numeric keys: value, then the number stored, or the error message. */
static const struct {
	const char *key, *value;
	int rc;
	uint32_t v;
	const char *msg; /* NULL: not compared */
} numbers[] = {
        {"t1", "500ms", 0, 500, NULL},
        {"t1", "1s", 0, 1000, NULL},
        {"t1", "1min", 0, 60000, NULL},
        {"t1", "2 s", 0, 2000, NULL},
        {"t1", "100MS", 0, 100, NULL},
        {"t1", "500", -EINVAL, 0,
         "t1: duration needs a unit (ms, s, min), as in 500ms"},
        {"t1", "0ms", -EINVAL, 0, "t1: must be at least 1ms"},
        {"t1", "61s", -EINVAL, 0, "t1: too long: 61s (at most 1min)"},
        {"t1", "abc", -EINVAL, 0,
         "t1: expected a duration such as 500ms, got \"abc\""},
        {"t1", "-5ms", -EINVAL, 0, NULL},
        {"t1", "5h", -EINVAL, 0, "t1: unknown unit \"h\" (ms, s, min)"},
        {"t1", "5mss", -EINVAL, 0, NULL},
        {"t1", "", -EINVAL, 0, "t1: empty value"},
        {"t2", "4294967295ms", 0, 4294967295u, NULL},
        {"t2", "4294967296ms", -EINVAL, 0,
         "t2: too long: 4294967296ms (at most 4294967295ms)"},
        {"t2", "71583min", -EINVAL, 0, NULL},
        {"t2", "4294968s", -EINVAL, 0, NULL},
        {"t2", "99999999999999999999999999s", -EINVAL, 0, NULL},
        {"t4", "5s", 0, 5000, NULL},
        {"t4", "0s", -EINVAL, 0, NULL},
        {"timer-c", "1ms", 0, 1, NULL},
        {"timer-c", "3min", 0, 180000, NULL},
        {"timer-c", "180", -EINVAL, 0,
         "timer-c: duration needs a unit (ms, s, min), as in 500ms"},
        {"trying-delay", "0ms", 0, 0, NULL},
        {"write-behind", "0s", 0, 0, NULL},
        {"write-behind", "100ms", 0, 100, NULL},
        {"write-behind", "10s", 0, 10000, NULL},
        {"write-behind", "11s", -EINVAL, 0,
         "write-behind: too long: 11s (at most 10s)"},
        {"trying-delay", "200ms", 0, 200, NULL},
        {"shutdown-timeout", "0s", 0, 0, NULL},
        {"shutdown-timeout", "1min", 0, 60000, NULL},
        {"tcp-idle-timeout", "2min", 0, 120000, NULL},
        {"tcp-idle-timeout", "0s", -EINVAL, 0,
         "tcp-idle-timeout: must be at least 1ms"},
        {"tcp-slow-timeout", "10s", 0, 10000, NULL},
        {"workers", "0", 0, 0, NULL},
        {"workers", "256", 0, 256, NULL},
        {"workers", "257", -EINVAL, 0,
         "workers: expected an integer 0..256, got \"257\""},
        {"workers", "-1", -EINVAL, 0, NULL},
        {"workers", "4k", -EINVAL, 0, NULL},
        {"workers", "2 ", -EINVAL, 0, NULL},
        {"workers", "99999999999999999999", -EINVAL, 0, NULL},
        {"max-message-size", "1024", 0, 1024, NULL},
        {"max-message-size", "64k", 0, 65536, NULL},
        {"max-message-size", "1024K", 0, 1048576, NULL},
        {"max-message-size", "1023", -EINVAL, 0,
         "max-message-size: out of range: 1023 (1024..1048576)"},
        {"max-message-size", "1025k", -EINVAL, 0, NULL},
        {"max-message-size", "4194304k", -EINVAL, 0, NULL},
        {"max-message-size", "64x", -EINVAL, 0,
         "max-message-size: expected a size in bytes such as 65535 or "
         "64k, got \"64x\""},
        {"max-message-size", "k", -EINVAL, 0, NULL},
        {"udp-max-size", "0", 0, 0, NULL},
        {"udp-max-size", "1300", 0, 1300, NULL},
        {"udp-max-size", "2k", 0, 2048, NULL},
        {"tcp-max-per-source", "65535", 0, 65535, NULL},
        {"tcp-max-per-source", "0", -EINVAL, 0,
         "tcp-max-per-source: expected an integer 1..65535, got \"0\""},
        {"tcp-max-connections", "1048576", 0, 1048576, NULL},
        {"tcp-max-connections", "1048577", -EINVAL, 0, NULL},
        {"proxy-mode", "redirect", 0, TZ_PROXY_REDIRECT, NULL},
        {"proxy-mode", "Stateless", 0, TZ_PROXY_STATELESS, NULL},
        {"proxy-mode", "stateful", 0, TZ_PROXY_STATEFUL, NULL},
        {"proxy-mode", "dialog", 0, TZ_PROXY_DIALOG, NULL},
        {"proxy-mode", "proxy", -EINVAL, 0,
         "proxy-mode: expected dialog, stateful, stateless or redirect, "
         "got \"proxy\""},
        {"forward-after", "30s", 0, 30, NULL},
        {"forward-after", "2h", -EINVAL, 0,
         "forward-after: expected 1s..3600s, got 2h"},
        {"dialog-timeout", "1d", 0, 86400, NULL},
        {"dialog-timeout", "30s", -EINVAL, 0, NULL},
};

static int test_config_numbers(void)
{
	struct tz_config c, before;
	char err[ERRLEN];
	size_t i;

	for (i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		int rc;

		tz_config_default(&c);
		before = c;
		err[0] = '\0';
		rc = tz_config_set(&c, numbers[i].key, numbers[i].value, 0, err,
		                   sizeof(err));
		if (rc != numbers[i].rc)
			fprintf(stderr, "row %zu: %s = %s: %d (%s)\n", i,
			        numbers[i].key, numbers[i].value, rc, err);
		TZ_EXPECT_INT(rc, numbers[i].rc);
		if (rc == 0)
			TZ_EXPECT_INT(num(&c, numbers[i].key), numbers[i].v);
		else
			TZ_EXPECT(!memcmp(&c, &before, sizeof(c)));
		if (numbers[i].msg && strcmp(err, numbers[i].msg)) {
			fprintf(stderr, "row %zu: \"%s\"\n", i, err);
			TZ_EXPECT(!strcmp(err, numbers[i].msg));
		}
	}
	return 0;
}

/* Text keys: value, then the stored text or the error message. */
static const struct {
	const char *key, *value;
	int rc;
	const char *out; /* stored text, or the message when rc != 0 */
} texts[] = {
        {"log-level", "error", 0, "error"},
        {"log-level", "warn", 0, "warn"},
        {"log-level", "DEBUG", 0, "debug"},
        {"log-level", "trace", 0, "trace"},
        {"log-level", "verbose", -EINVAL,
         "log-level: expected error, warn, info, debug or trace, got "
         "\"verbose\""},
        {"domain", "Example.COM", 0, "example.com"},
        {"domain", "example.com.", 0, "example.com"},
        {"domain", "sip-1.a.example", 0, "sip-1.a.example"},
        {"domain", "localhost", 0, "localhost"},
        {"domain", "10.0.0.1", 0, "10.0.0.1"},
        {"domain", "::1", 0, "[::1]"},
        {"domain", "[2001:DB8::1]", 0, "[2001:db8::1]"},
        {"domain", "-foo.com", -EINVAL,
         "domain: not a host name or IP address: \"-foo.com\""},
        {"domain", "foo-.com", -EINVAL, NULL},
        {"domain", "a..b", -EINVAL, NULL},
        {"domain", "1.2.3", -EINVAL, NULL},
        {"domain", "1.2.3.256", -EINVAL, NULL},
        {"domain", "foo_bar.com", -EINVAL, NULL},
        {"domain", "foo bar", -EINVAL, NULL},
        {"domain", ".", -EINVAL, NULL},
        {"domain", "[foo]", -EINVAL, NULL},
        {"domain", "[10.0.0.1]", -EINVAL, NULL},
        {"domain", "", -EINVAL, "domain: empty value"},
        {"db", "sqlite:/var/lib/tz.db", 0, "sqlite:/var/lib/tz.db"},
        {"db", "postgres://tz@db/tz", 0, "postgres://tz@db/tz"},
        {"db", "postgresql://tz@db/tz", 0, "postgresql://tz@db/tz"},
        {"db", "sqlite:", -EINVAL,
         "db: expected sqlite:PATH or postgres://..., got \"sqlite:\""},
        {"db", "/var/lib/tz.db", -EINVAL, NULL},
        {"db", "mysql://x", -EINVAL, NULL},
        {"control", "/run/tz.ctl", 0, "/run/tz.ctl"},
        {"control", "", 0, ""},
        {"http", "127.0.0.1:8080", 0, "127.0.0.1:8080"},
        {"http", "[::]:80", 0, "[::]:80"},
        {"http", "", 0, ""},
        {"http", "127.0.0.1", -EINVAL,
         "http: expected ADDR:PORT, as in 127.0.0.1:8080"},
        {"http", "localhost:8080", -EINVAL,
         "http: address must be numeric: localhost"},
        {"http", "127.0.0.1:0", -EINVAL, "http: bad port: \"0\" (1..65535)"},
        {"dns-hosts", "/etc/tz-hosts", 0, "/etc/tz-hosts"},
        {"dns-servers", "", 0, ""},
        {"dns-servers", "8.8.8.8", 0, "8.8.8.8:53"},
        {"dns-servers", "8.8.8.8, 1.1.1.1:5353,2001:db8::1,[2001:db8::2]:54", 0,
         "8.8.8.8:53,1.1.1.1:5353,[2001:db8::1]:53,[2001:db8::2]:54"},
        {"dns-servers", "8.8.8.8,", -EINVAL,
         "dns-servers: empty entry after ','"},
        {"dns-servers", "8.8.8.8,,1.1.1.1", -EINVAL, NULL},
        {"dns-servers", "dns.google", -EINVAL,
         "dns-servers: address must be numeric: dns.google"},
        {"dns-servers", "8.8.8.8:99999", -EINVAL, NULL},
        {"frobnicate", "1", -ENOENT, "frobnicate: unknown key"},
        {"config", "x.conf", -ENOENT, "config: unknown key"},
        {"T1", "500ms", -ENOENT, NULL},
};

static const char *text_of(const struct tz_config *c, const char *key)
{
	if (!strcmp(key, "log-level"))
		return tz_log_level_name(c->log_level);
	if (!strcmp(key, "domain"))
		return c->domain[c->ndomain - 1];
	if (!strcmp(key, "db"))
		return c->db;
	if (!strcmp(key, "control"))
		return c->control;
	if (!strcmp(key, "http"))
		return c->http;
	if (!strcmp(key, "dns-hosts"))
		return c->dns_hosts;
	return c->dns_servers;
}

static int test_config_texts(void)
{
	struct tz_config c, before;
	char err[ERRLEN], big[PATH_MAX + 8];
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		int rc;

		tz_config_default(&c);
		before = c;
		err[0] = '\0';
		rc = tz_config_set(&c, texts[i].key, texts[i].value, 1, err,
		                   sizeof(err));
		if (rc != texts[i].rc)
			fprintf(stderr, "row %zu: %s = %s: %d (%s)\n", i,
			        texts[i].key, texts[i].value, rc, err);
		TZ_EXPECT_INT(rc, texts[i].rc);
		if (rc == 0 &&
		    strcmp(text_of(&c, texts[i].key), texts[i].out)) {
			fprintf(stderr, "row %zu: stored \"%s\"\n", i,
			        text_of(&c, texts[i].key));
			TZ_EXPECT(0);
		}
		if (rc != 0) {
			TZ_EXPECT(!memcmp(&c, &before, sizeof(c)));
			if (texts[i].out && strcmp(err, texts[i].out)) {
				fprintf(stderr, "row %zu: \"%s\"\n", i, err);
				TZ_EXPECT(0);
			}
		}
	}
	/* too long for the field: -E2BIG */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "sqlite:", 7);
	tz_config_default(&c);
	TZ_EXPECT_INT(tz_config_set(&c, "db", big, 0, err, sizeof(err)),
	              -E2BIG);
	TZ_EXPECT(!strcmp(err, "db: value too long (at most 4095 bytes)"));
	TZ_EXPECT_INT(tz_config_set(&c, "domain", big + 7, 0, err, sizeof(err)),
	              -E2BIG);
	/* a 63-byte label is fine, 64 is not */
	memset(big, 'a', 64);
	strcpy(big + 64, ".com");
	TZ_EXPECT_INT(tz_config_set(&c, "domain", big, 0, err, sizeof(err)),
	              -EINVAL);
	TZ_EXPECT_INT(tz_config_set(&c, "domain", big + 1, 0, err, sizeof(err)),
	              0);
	/* no error buffer at all */
	TZ_EXPECT_INT(tz_config_set(&c, "t1", "5", 0, NULL, 0), -EINVAL);
	return 0;
}

static const struct {
	const char *value;
	int rc;
	const char *out; /* normalised text, or the message */
	int family;
	unsigned port;
} listens[] = {
        {"udp:127.0.0.1:5060", 0, "udp:127.0.0.1:5060", AF_INET, 5060},
        {"TCP:10.0.0.1", 0, "tcp:10.0.0.1:5060", AF_INET, 5060},
        {"tls:0.0.0.0", 0, "tls:0.0.0.0:5061", AF_INET, 5061},
        {"ws:192.0.2.1:8080", 0, "ws:192.0.2.1:8080", AF_INET, 8080},
        {"wss:[::1]", 0, "wss:[::1]:5061", AF_INET6, 5061},
        {"udp:[::1]:5060", 0, "udp:[::1]:5060", AF_INET6, 5060},
        {"Udp:[2001:DB8:0::1]:65535", 0, "udp:[2001:db8::1]:65535", AF_INET6,
         65535},
        {"tcp:[::ffff:10.0.0.1]:1", 0, "tcp:[::ffff:10.0.0.1]:1", AF_INET6, 1},
        {"sctp:127.0.0.1:5060", -EINVAL, "listen: sctp is not supported", 0, 0},
        {"foo:1.2.3.4", -EINVAL,
         "listen: unknown protocol \"foo\" (udp, tcp, tls, ws, wss)", 0, 0},
        {"udp:foo", -EINVAL, "listen: address must be numeric: foo", 0, 0},
        {"udp:sip.example.com:5060", -EINVAL,
         "listen: address must be numeric: sip.example.com", 0, 0},
        {"udp:1.2.3.400", -EINVAL, "listen: bad IPv4 address: 1.2.3.400", 0, 0},
        {"udp:::1:5060", -EINVAL,
         "listen: an IPv6 address needs brackets, as in [::1]:5060: "
         "::1:5060",
         0, 0},
        {"udp:[::1", -EINVAL, "listen: missing ']' in [::1", 0, 0},
        {"udp:[::1]5060", -EINVAL, "listen: expected :PORT after ]: 5060", 0,
         0},
        {"udp:[zz::1]", -EINVAL, "listen: bad IPv6 address: zz::1", 0, 0},
        {"udp:[]:5060", -EINVAL, "listen: missing address", 0, 0},
        /* port 0: chosen by the kernel */
        {"udp:1.2.3.4:0", 0, "udp:1.2.3.4:0", AF_INET, 0},
        {"udp:1.2.3.4:65536", -EINVAL, NULL, 0, 0},
        {"udp:1.2.3.4:", -EINVAL, "listen: bad port: \"\" (0..65535)", 0, 0},
        {"udp:1.2.3.4:50x", -EINVAL, NULL, 0, 0},
        {"udp:1.2.3.4:5060:1", -EINVAL, "listen: bad address: 1.2.3.4:5060:1",
         0, 0},
        {"udp:2001:db8::1", -EINVAL,
         "listen: an IPv6 address needs brackets, as in [::1]:5060: "
         "2001:db8::1",
         0, 0},
        {"udp:[fe80::1%eth0]", -EINVAL, NULL, 0, 0},
        {"udp:", -EINVAL, "listen: missing address", 0, 0},
        {"udp", -EINVAL,
         "listen: expected PROTO:ADDR[:PORT], as in udp:127.0.0.1:5060, got "
         "\"udp\"",
         0, 0},
        {"127.0.0.1:5060", -EINVAL, NULL, 0, 0},
        {":127.0.0.1", -EINVAL, NULL, 0, 0},
};

static int test_config_listen(void)
{
	struct tz_config c, before;
	char err[ERRLEN], v[32];
	size_t i;

	for (i = 0; i < sizeof(listens) / sizeof(listens[0]); i++) {
		int rc;

		tz_config_default(&c);
		before = c;
		err[0] = '\0';
		rc = tz_config_set(&c, "listen", listens[i].value, 1, err,
		                   sizeof(err));
		if (rc != listens[i].rc)
			fprintf(stderr, "row %zu: %s: %d (%s)\n", i,
			        listens[i].value, rc, err);
		TZ_EXPECT_INT(rc, listens[i].rc);
		if (rc != 0) {
			TZ_EXPECT(!memcmp(&c, &before, sizeof(c)));
			if (listens[i].out && strcmp(err, listens[i].out)) {
				fprintf(stderr, "row %zu: \"%s\"\n", i, err);
				TZ_EXPECT(0);
			}
			continue;
		}
		TZ_EXPECT_INT(c.nlisten, 1);
		if (strcmp(c.listen[0].text, listens[i].out))
			fprintf(stderr, "row %zu: \"%s\"\n", i,
			        c.listen[0].text);
		TZ_EXPECT(!strcmp(c.listen[0].text, listens[i].out));
		TZ_EXPECT_INT(c.listen[0].addr.ss_family, listens[i].family);
		TZ_EXPECT_INT(c.listen[0].addrlen,
		              listens[i].family == AF_INET
		                      ? sizeof(struct sockaddr_in)
		                      : sizeof(struct sockaddr_in6));
		TZ_EXPECT_INT(port_of(&c.listen[0]), listens[i].port);
	}

	/* fresh replaces, later uses append, a failed fresh use keeps all */
	tz_config_default(&c);
	TZ_EXPECT_INT(
	        tz_config_set(&c, "listen", "udp:bad", 1, err, sizeof(err)),
	        -EINVAL);
	TZ_EXPECT_INT(c.nlisten, 2);
	TZ_EXPECT_INT(
	        tz_config_set(&c, "listen", "udp:[::1]", 1, err, sizeof(err)),
	        0);
	TZ_EXPECT_INT(c.nlisten, 1);
	for (i = 1; i < TZ_CONFIG_MAX_LISTEN; i++) {
		snprintf(v, sizeof(v), "udp:10.0.0.%zu", i);
		TZ_EXPECT_INT(
		        tz_config_set(&c, "listen", v, 0, err, sizeof(err)), 0);
	}
	TZ_EXPECT_INT(c.nlisten, TZ_CONFIG_MAX_LISTEN);
	TZ_EXPECT_INT(tz_config_set(&c, "listen", "udp:10.0.1.1", 0, err,
	                            sizeof(err)),
	              -E2BIG);
	TZ_EXPECT(!strcmp(err, "listen: more than 16 addresses"));
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), 0);
	return 0;
}

/* Trusted peers and telephone gateways: lists, checked entry by entry. */
static int test_config_proxy_lists(void)
{
	struct tz_config c;
	char err[ERRLEN];

	tz_config_default(&c);
	TZ_EXPECT_INT(c.npeer, 0);
	TZ_EXPECT_INT(
	        tz_config_set(&c, "peer", "10.0.0.0/8", 1, err, sizeof(err)),
	        0);
	TZ_EXPECT_INT(
	        tz_config_set(&c, "peer", "2001:db8::1", 0, err, sizeof(err)),
	        0);
	TZ_EXPECT_INT(c.npeer, 2);
	TZ_EXPECT(!strcmp(c.peer[0].text, "10.0.0.0/8"));
	TZ_EXPECT_INT(c.peer[1].bits, 128);
	TZ_EXPECT_INT(
	        tz_config_set(&c, "peer", "10.0.0.0/33", 0, err, sizeof(err)),
	        -EINVAL);
	TZ_EXPECT(!strcmp(err, "peer: bad prefix length in \"10.0.0.0/33\" "
	                       "(0..32)"));
	TZ_EXPECT_INT(tz_config_set(&c, "peer", "gw.example.com", 0, err,
	                            sizeof(err)),
	              -EINVAL);
	TZ_EXPECT(!strcmp(
	        err, "peer: not a numeric IP address: \"gw.example.com\""));
	TZ_EXPECT_INT(c.npeer, 2);
	/* a new source replaces the list */
	TZ_EXPECT_INT(
	        tz_config_set(&c, "peer", "192.0.2.1", 1, err, sizeof(err)), 0);
	TZ_EXPECT_INT(c.npeer, 1);
	TZ_EXPECT(!strcmp(c.peer[0].text, "192.0.2.1/32"));

	TZ_EXPECT_INT(tz_config_set(&c, "gateway", "+1 sip:gw.example.com:5080",
	                            1, err, sizeof(err)),
	              0);
	TZ_EXPECT_INT(c.ngateway, 1);
	TZ_EXPECT(!strcmp(c.gateway[0].prefix, "+1"));
	TZ_EXPECT(!strcmp(c.gateway[0].uri, "sip:gw.example.com:5080"));
	TZ_EXPECT_INT(
	        tz_config_set(&c, "gateway", "1x sip:gw", 0, err, sizeof(err)),
	        -EINVAL);
	TZ_EXPECT(
	        !strcmp(err, "gateway: the prefix must be digits, got \"1x\""));
	TZ_EXPECT_INT(tz_config_set(&c, "gateway", "+44 http://gw", 0, err,
	                            sizeof(err)),
	              -EINVAL);
	TZ_EXPECT_INT(tz_config_set(&c, "gateway", "+44", 0, err, sizeof(err)),
	              -EINVAL);
	TZ_EXPECT_INT(c.ngateway, 1);
	return 0;
}

static int test_config_check(void)
{
	struct tz_config c;
	char err[ERRLEN], big[200];

	tz_config_default(&c);
	c.nlisten = 0;
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), -EINVAL);
	TZ_EXPECT(!strcmp(err, "listen: no address to listen on"));

	tz_config_default(&c);
	TZ_EXPECT_INT(tz_config_set(&c, "listen", "UDP:127.0.0.1", 0, err,
	                            sizeof(err)),
	              0);
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), -EINVAL);
	TZ_EXPECT(!strcmp(err, "listen: given twice: udp:127.0.0.1:5060"));

	/* tcp and ws on one port both need the TCP port; udp does not */
	tz_config_default(&c);
	TZ_EXPECT_INT(tz_config_set(&c, "listen", "ws:127.0.0.1:5060", 0, err,
	                            sizeof(err)),
	              0);
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), -EINVAL);
	TZ_EXPECT(!strcmp(err, "listen: tcp:127.0.0.1:5060 and "
	                       "ws:127.0.0.1:5060 use the same TCP port"));
	tz_config_default(&c);
	TZ_EXPECT_INT(tz_config_set(&c, "listen", "tls:127.0.0.1", 0, err,
	                            sizeof(err)),
	              0);
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), 0);

	tz_config_default(&c);
	TZ_EXPECT_INT(
	        tz_config_set(&c, "domain", "LOCALHOST", 0, err, sizeof(err)),
	        0);
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), -EINVAL);
	TZ_EXPECT(!strcmp(err, "domain: given twice: localhost"));

	tz_config_default(&c);
	c.t1 = 5000;
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), -EINVAL);
	TZ_EXPECT(!strcmp(err, "t1: must not exceed t2 (5s > 4s)"));
	c.t1 = c.t2 = 4000;
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), 0);
	c.t1 = 0;
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), -EINVAL);
	TZ_EXPECT(!strcmp(err, "t1: out of range: 0"));

	tz_config_default(&c);
	c.udp_max = 100;
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), -EINVAL);
	TZ_EXPECT(!strcmp(err, "udp-max-size: must be 0 or 200..65535 "
	                       "(max-message-size), got 100"));
	c.udp_max = 200;
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), 0);
	c.udp_max = 0;
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), 0);
	c.udp_max = 2000;
	c.max_message = 1024;
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), -EINVAL);

	tz_config_default(&c);
	c.tcp_per_src = 5000;
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), -EINVAL);
	TZ_EXPECT(!strcmp(err, "tcp-max-per-source (5000) exceeds "
	                       "tcp-max-connections (4096)"));

	tz_config_default(&c);
	c.workers = 300;
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), -EINVAL);
	tz_config_default(&c);
	c.log_level = (enum tz_log_level)9;
	TZ_EXPECT_INT(tz_config_check(&c, err, sizeof(err)), -EINVAL);

	/* the control path, derived or given */
	tz_config_default(&c);
	TZ_EXPECT_INT(tz_config_set(&c, "db", "sqlite:/var/lib/x.db", 0, err,
	                            sizeof(err)),
	              0);
	TZ_EXPECT_INT(tz_config_finish(&c, err, sizeof(err)), 0);
	TZ_EXPECT(!strcmp(c.control, "/var/lib/x.db.ctl"));
	tz_config_default(&c);
	TZ_EXPECT_INT(tz_config_set(&c, "db", "postgres://tz@db/tz", 0, err,
	                            sizeof(err)),
	              0);
	TZ_EXPECT_INT(tz_config_finish(&c, err, sizeof(err)), 0);
	TZ_EXPECT(!strcmp(c.control, "./trapezoid.ctl"));
	tz_config_default(&c);
	strcpy(c.control, "/run/tz.sock");
	TZ_EXPECT_INT(tz_config_finish(&c, err, sizeof(err)), 0);
	TZ_EXPECT(!strcmp(c.control, "/run/tz.sock"));
	/* beyond sockaddr_un's 108 bytes */
	tz_config_default(&c);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "sqlite:/", 8);
	TZ_EXPECT_INT(tz_config_set(&c, "db", big, 0, err, sizeof(err)), 0);
	TZ_EXPECT_INT(tz_config_finish(&c, err, sizeof(err)), -EINVAL);
	TZ_EXPECT(!strncmp(err,
	                   "control: a Unix socket path is at most 107 "
	                   "bytes: /aaa",
	                   46));
	tz_config_default(&c);
	memset(c.db, 'a', sizeof(c.db) - 1);
	memcpy(c.db, "sqlite:", 7);
	TZ_EXPECT_INT(tz_config_finish(&c, err, sizeof(err)), -EINVAL);
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_config_defaults), TZ_TEST(test_config_numbers),
        TZ_TEST(test_config_texts),    TZ_TEST(test_config_listen),
        TZ_TEST(test_config_check),    TZ_TEST(test_config_proxy_lists),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
