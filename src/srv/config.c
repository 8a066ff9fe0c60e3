/*
 * config.c  The server's configuration (tz_config.h): one table of keys,
 * each with its kind and range, shared by the file reader and the
 * command-line parser. Allocation-free: struct tz_config is plain data,
 * a file is read through fixed buffers, and a source is applied to a copy
 * that replaces the caller's only when the whole source is good.
 * Timer defaults are RFC 3261 Table 4; the keys are in
 * docs/configuration.md.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config_int.h"

#define FIELD(f)                                                               \
	offsetof(struct tz_config, f), sizeof(((struct tz_config *)0)->f)

_Static_assert(sizeof(unsigned) == sizeof(uint32_t), "workers is 32 bits");
_Static_assert(offsetof(struct sockaddr_in, sin_port) ==
                       offsetof(struct sockaddr_in6, sin6_port),
               "one port field");

static const struct key keys[] = {
        {"listen", K_LISTEN, 0, 0, 0, 0},
        {"domain", K_DOMAIN, 0, 0, 0, 0},
        {"db", K_DB, FIELD(db), 0, 0},
        {"control", K_STR, FIELD(control), 0, 0},
        {"http", K_HTTP, FIELD(http), 0, 0},
        {"workers", K_COUNT, FIELD(workers), 0, 256},
        {"log-level", K_LEVEL, FIELD(log_level), 0, 0},
        /* RFC3261 17.1.1.1: T1, the RTT estimate; Timers B and F are
         * 64*T1, which must fit 32 bits: at most a minute */
        {"t1", K_MS, FIELD(t1), 1, 60000},
        /* RFC3261 17.1.2.2: T2 caps the non-INVITE retransmit interval */
        {"t2", K_MS, FIELD(t2), 1, UINT32_MAX},
        /* RFC3261 17.1.2.2: T4, the longest a message stays in the network */
        {"t4", K_MS, FIELD(t4), 1, UINT32_MAX},
        /* RFC3261 16.6: Timer C MUST exceed 3 minutes; tests run it short,
         * so anything from 1ms is taken (docs/configuration.md warns) */
        {"timer-c", K_MS, FIELD(timer_c), 1, UINT32_MAX},
        /* RFC3261 17.2.1: a 100 Trying if the TU has not answered in 200ms */
        {"trying-delay", K_MS, FIELD(trying), 0, UINT32_MAX},
        {"shutdown-timeout", K_MS, FIELD(shutdown), 0, UINT32_MAX},
        {"max-message-size", K_SIZE, FIELD(max_message), 1024, 1048576},
        /* RFC3261 18.1.1: larger requests go over a congestion-controlled
         * transport; 200..max-message-size is checked in tz_config_check */
        {"udp-max-size", K_SIZE, FIELD(udp_max), 0, 1048576},
        {"tcp-idle-timeout", K_MS, FIELD(tcp_idle), 1, UINT32_MAX},
        {"tcp-slow-timeout", K_MS, FIELD(tcp_slow), 1, UINT32_MAX},
        {"tcp-max-per-source", K_COUNT, FIELD(tcp_per_src), 1, 65535},
        {"tcp-max-connections", K_COUNT, FIELD(tcp_max), 1, 1048576},
        {"dns-hosts", K_STR, FIELD(dns_hosts), 0, 0},
        {"dns-servers", K_DNS, FIELD(dns_servers), 0, 0},
        /* RFC3261 10.3 item 7: the registrar's bounds on expiration */
        {"min-expires", K_SECS, FIELD(min_expires), 1, UINT32_MAX},
        {"max-expires", K_SECS, FIELD(max_expires), 1, UINT32_MAX},
        {"default-expires", K_SECS, FIELD(default_expires), 1, UINT32_MAX},
        {"max-contacts", K_COUNT, FIELD(max_contacts), 1, 1000},
        /* DESIGN.md "State and storage": 0 keeps every acknowledged
         * registration across a kill -9; more trades that window away */
        {"write-behind", K_MS, FIELD(write_behind), 0, 10000},
        /* RFC3261 22.1: challenge requests (DESIGN.md: on by default) */
        {"auth", K_BOOL, FIELD(auth), 0, 0},
        /* RFC8760 2.3: SHA-256 and MD5, the preferred one first */
        {"auth-algorithms", K_STR, FIELD(auth_algorithms), 0, 0},
        /* RFC7616 3.3: a nonce older than this is stale */
        {"nonce-lifetime", K_MS, FIELD(nonce_lifetime), 1000, UINT32_MAX},
        {"auth-fail-limit", K_COUNT, FIELD(auth_failures), 0, 1000000},
        {"auth-fail-window", K_MS, FIELD(auth_window), 1, UINT32_MAX},
        {"auth-backoff", K_MS, FIELD(auth_backoff), 1, UINT32_MAX},
        {"auth-backoff-max", K_MS, FIELD(auth_backoff_max), 1, UINT32_MAX},
        {"proxy-mode", K_MODE, FIELD(proxy_mode), 0, 0},
        /* RFC3261 16.6 item 4: stay on the path of the dialog */
        {"record-route", K_BOOL, FIELD(record_route), 0, 0},
        {"forward-after", K_SECS, FIELD(forward_after), 1, 3600},
        {"dialog-timeout", K_SECS, FIELD(dialog_timeout), 60, 604800},
        {"peer", K_PEER, 0, 0, 0, 0},
        {"gateway", K_GW, 0, 0, 0, 0},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const level_names[] = {"error", "warn", "info", "debug",
                                          "trace"};
static const char *const mode_names[] = {"dialog", "stateful", "stateless",
                                         "redirect"};

const char *tz_proxy_mode_name(uint32_t m)
{
	return m < sizeof(mode_names) / sizeof(mode_names[0]) ? mode_names[m]
	                                                      : "?";
}

/* Write the message (when there is room for one) and return @rc. */
int cfg_fail(struct ebuf *e, int rc, const char *fmt, ...)
{
	va_list ap;

	if (e->s && e->n) {
		va_start(ap, fmt);
		vsnprintf(e->s, e->n, fmt, ap);
		va_end(ap);
	}
	return rc;
}

const struct key *cfg_key_find(const char *name, size_t n)
{
	for (size_t i = 0; i < NKEYS; i++) {
		if (strlen(keys[i].name) == n && !memcmp(keys[i].name, name, n))
			return &keys[i];
	}
	return NULL;
}

unsigned cfg_key_index(const struct key *k)
{
	_Static_assert(NKEYS <= 64, "a source's keys are a 64-bit mask");
	return (unsigned)(k - keys);
}

bool cfg_is_list(const struct key *k)
{
	return k->kind == K_LISTEN || k->kind == K_DOMAIN ||
	       k->kind == K_PEER || k->kind == K_GW;
}

/* A duration as the shortest exact text: "3min", "32s", "500ms". */
static const char *fmt_ms(char *buf, size_t n, uint32_t ms)
{
	if (ms && ms % 60000 == 0)
		snprintf(buf, n, "%" PRIu32 "min", ms / 60000);
	else if (ms && ms % 1000 == 0)
		snprintf(buf, n, "%" PRIu32 "s", ms / 1000);
	else
		snprintf(buf, n, "%" PRIu32 "ms", ms);
	return buf;
}

/* Decimal digits at *s, advancing *s past all of them: 0 with *v set,
 * -ERANGE when the number exceeds @max, -EINVAL when there is no digit. */
static int digits(const char **s, uint64_t max, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;
	int rc = 0;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		x = x * 10 + (uint64_t)(*p - '0');
		if (x > max) {
			rc = -ERANGE;
			x = max; /* keeps x * 10 from wrapping */
		}
	}
	*s = p;
	*v = x;
	return rc;
}

static int set_count(const struct key *k, uint32_t *f, const char *v,
                     struct ebuf *e)
{
	const char *p = v;
	uint64_t x;

	if (digits(&p, UINT32_MAX, &x) || *p || x < k->min || x > k->max)
		return cfg_fail(e, -EINVAL,
		                "%s: expected an integer %" PRIu32 "..%" PRIu32
		                ", got \"%s\"",
		                k->name, k->min, k->max, v);
	*f = (uint32_t)x;
	return 0;
}

static int set_bool(const struct key *k, bool *f, const char *v, struct ebuf *e)
{
	static const char *const yes[] = {"on", "yes", "true", "1"};
	static const char *const no[] = {"off", "no", "false", "0"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(v, yes[i]) || !strcasecmp(v, no[i])) {
			*f = !strcasecmp(v, yes[i]);
			return 0;
		}
	}
	return cfg_fail(e, -EINVAL, "%s: expected on or off, got \"%s\"",
	                k->name, v);
}

struct unit {
	const char *name;
	uint32_t scale;
};

/* "NUMBER UNIT" scaled by the unit into *@p x; -ERANGE (with *x set) when
 * the scaled value does not fit 32 bits. @p example and @p names go into
 * the messages ("500ms", "ms, s, min"). */
static int read_duration(const struct key *k, const char *v,
                         const struct unit *units, size_t nunits,
                         const char *example, const char *names, uint64_t *x,
                         struct ebuf *e)
{
	const char *p = v;
	int rc = digits(&p, UINT32_MAX, x);
	size_t i;

	if (rc == -EINVAL)
		return cfg_fail(
		        e, -EINVAL,
		        "%s: expected a duration such as %s, got \"%s\"",
		        k->name, example, v);
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return cfg_fail(e, -EINVAL,
		                "%s: duration needs a unit (%s), as in %s",
		                k->name, names, example);
	for (i = 0; i < nunits && strcasecmp(p, units[i].name); i++)
		;
	if (i == nunits)
		return cfg_fail(e, -EINVAL, "%s: unknown unit \"%s\" (%s)",
		                k->name, p, names);
	*x *= units[i].scale; /* x <= UINT32_MAX: no 64-bit overflow */
	return rc || *x > UINT32_MAX ? -ERANGE : 0;
}

/* A duration in whole seconds: "3600s", "60min", "1h", "7d". */
static int set_secs(const struct key *k, uint32_t *f, const char *v,
                    struct ebuf *e)
{
	static const struct unit units[] = {
	        {"s", 1}, {"min", 60}, {"h", 3600}, {"d", 86400}};
	uint64_t x = 0;
	int rc = read_duration(k, v, units, sizeof(units) / sizeof(units[0]),
	                       "3600s", "s, min, h, d", &x, e);

	if (rc == -EINVAL)
		return rc;
	if (rc || x > k->max || x < k->min)
		return cfg_fail(e, -EINVAL,
		                "%s: expected %" PRIu32 "s..%" PRIu32
		                "s, got %s",
		                k->name, k->min, k->max, v);
	*f = (uint32_t)x;
	return 0;
}

static int set_size(const struct key *k, uint32_t *f, const char *v,
                    struct ebuf *e)
{
	const char *p = v;
	uint64_t x;
	int rc = digits(&p, UINT32_MAX, &x);

	if (rc != -EINVAL && (*p == 'k' || *p == 'K')) {
		p++;
		x *= 1024;
	}
	if (rc == -EINVAL || *p)
		return cfg_fail(
		        e, -EINVAL,
		        "%s: expected a size in bytes such as 65535 or 64k, "
		        "got \"%s\"",
		        k->name, v);
	if (rc || x < k->min || x > k->max)
		return cfg_fail(e, -EINVAL,
		                "%s: out of range: %s (%" PRIu32 "..%" PRIu32
		                ")",
		                k->name, v, k->min, k->max);
	*f = (uint32_t)x;
	return 0;
}

static int set_ms(const struct key *k, uint32_t *f, const char *v,
                  struct ebuf *e)
{
	static const struct unit units[] = {
	        {"ms", 1}, {"s", 1000}, {"min", 60000}};
	char b1[24], b2[24];
	uint64_t x = 0;
	int rc = read_duration(k, v, units, sizeof(units) / sizeof(units[0]),
	                       "500ms", "ms, s, min", &x, e);

	if (rc == -EINVAL)
		return rc;
	if (rc || x > k->max)
		return cfg_fail(e, -EINVAL, "%s: too long: %s (at most %s)",
		                k->name, v, fmt_ms(b1, sizeof(b1), k->max));
	if (x < k->min)
		return cfg_fail(e, -EINVAL, "%s: must be at least %s", k->name,
		                fmt_ms(b2, sizeof(b2), k->min));
	*f = (uint32_t)x;
	return 0;
}

static int set_str(const struct key *k, char *f, const char *v, struct ebuf *e)
{
	size_t n = strlen(v);

	if (n >= k->size)
		return cfg_fail(e, -E2BIG,
		                "%s: value too long (at most %zu bytes)",
		                k->name, k->size - 1);
	/* zero the rest, so that equal configurations compare equal */
	memset(f, 0, k->size);
	memcpy(f, v, n);
	return 0;
}

/*
 * "ADDR[:PORT]" with ADDR numeric IPv4 or a bracketed IPv6 into @ss, and
 * its normal form ("[::1]:5060") into @text. @defport 0: PORT required.
 */
static int parse_hostport(const char *key, const char *s, uint16_t defport,
                          struct sockaddr_storage *ss, socklen_t *sslen,
                          char *text, size_t textlen, struct ebuf *e)
{
	char host[INET6_ADDRSTRLEN], ntop[INET6_ADDRSTRLEN];
	const char *end, *port, *pstr;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	uint64_t pn = defport;
	bool v6 = s[0] == '[';
	size_t n;

	if (v6) {
		end = strchr(s, ']');
		if (!end)
			return cfg_fail(e, -EINVAL, "%s: missing ']' in %s",
			                key, s);
		s++;
		port = end + 1;
	} else {
		end = strchr(s, ':');
		if (!end)
			end = s + strlen(s);
		port = end;
		if (*end && strchr(end + 1, ':') && strstr(s, "::"))
			return cfg_fail(
			        e, -EINVAL,
			        "%s: an IPv6 address needs brackets, as in "
			        "[::1]:5060: %s",
			        key, s);
		if (*end && strchr(end + 1, ':'))
			return cfg_fail(e, -EINVAL, "%s: bad address: %s", key,
			                s);
	}
	n = (size_t)(end - s);
	if (n == 0)
		return cfg_fail(e, -EINVAL, "%s: missing address", key);
	if (n >= sizeof(host))
		return cfg_fail(e, -EINVAL, "%s: bad address: %.*s", key,
		                (int)n, s);
	memcpy(host, s, n);
	host[n] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (v6 && inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
		return cfg_fail(e, -EINVAL, "%s: bad IPv6 address: %s", key,
		                host);
	if (!v6 && inet_pton(AF_INET, host, &s4->sin_addr) != 1) {
		if (strspn(host, "0123456789.") == n)
			return cfg_fail(e, -EINVAL, "%s: bad IPv4 address: %s",
			                key, host);
		return cfg_fail(e, -EINVAL, "%s: address must be numeric: %s",
		                key, host);
	}
	if (*port) {
		if (*port != ':')
			return cfg_fail(e, -EINVAL,
			                "%s: expected :PORT after ]: %s", key,
			                port);
		pstr = ++port;
		/* listen port 0: the kernel chooses (tests read it back from
		 * "trapezoid status") */
		if (digits(&port, 65535, &pn) || *port ||
		    (pn == 0 && strcmp(key, "listen") != 0))
			return cfg_fail(
			        e, -EINVAL, "%s: bad port: \"%s\" (%s..65535)",
			        key, pstr, strcmp(key, "listen") ? "1" : "0");
	} else if (!pn) {
		return cfg_fail(e, -EINVAL,
		                "%s: expected ADDR:PORT, as in 127.0.0.1:8080",
		                key);
	}
	/* sin_port and sin6_port share their offset */
	ss->ss_family = v6 ? AF_INET6 : AF_INET;
	s4->sin_port = htons((uint16_t)pn);
	*sslen = v6 ? sizeof(*s6) : sizeof(*s4);
	inet_ntop(ss->ss_family, v6 ? (void *)&s6->sin6_addr : &s4->sin_addr,
	          ntop, sizeof(ntop));
	snprintf(text, textlen, v6 ? "[%s]:%u" : "%s:%u", ntop, (unsigned)pn);
	return 0;
}

/* "PROTO:ADDR[:PORT]" (DESIGN.md "Interfaces"). */
static int parse_listen(struct tz_listen *l, const char *v, struct ebuf *e)
{
	const char *colon = strchr(v, ':');
	char proto[8], hp[64];
	uint16_t defport;
	size_t i;

	if (!colon || colon == v)
		return cfg_fail(e, -EINVAL,
		                "listen: expected PROTO:ADDR[:PORT], as in "
		                "udp:127.0.0.1:5060, got \"%s\"",
		                v);
	if (tz_tp_from_name(v, (size_t)(colon - v), &l->tp))
		return cfg_fail(
		        e, -EINVAL,
		        "listen: unknown protocol \"%.*s\" (udp, tcp, tls, "
		        "ws, wss)",
		        (int)(colon - v), v);
	if (l->tp == TZ_TP_SCTP)
		return cfg_fail(e, -EINVAL, "listen: sctp is not supported");
	/* RFC3261 19.1.2: 5060 by default, 5061 over TLS */
	defport = l->tp == TZ_TP_TLS || l->tp == TZ_TP_WSS ? 5061 : 5060;
	if (parse_hostport("listen", colon + 1, defport, &l->addr, &l->addrlen,
	                   hp, sizeof(hp), e))
		return -EINVAL;
	for (i = 0; i < (size_t)(colon - v); i++)
		proto[i] = (char)tolower((unsigned char)v[i]);
	proto[i] = '\0';
	snprintf(l->text, sizeof(l->text), "%s:%s", proto, hp);
	return 0;
}

/* RFC3261 25.1: hostname = *( domainlabel "." ) toplabel [ "." ] */
static bool is_hostname(const char *s, size_t n)
{
	size_t i, start = 0;

	if (n && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return false;
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!isalnum((unsigned char)s[i]) && s[i] != '-')
				return false;
			continue;
		}
		if (i == start || i - start > 63 || s[start] == '-' ||
		    s[i - 1] == '-')
			return false;
		start = i + 1;
	}
	/* the top label starts with a letter: "1.2.3" is no host name */
	for (i = n; i > 0 && s[i - 1] != '.'; i--)
		;
	return isalpha((unsigned char)s[i]);
}

/* A host name (lowercased, trailing dot dropped) or an IP address. */
static int parse_domain(char *out, const char *v, struct ebuf *e)
{
	struct in6_addr a6;
	struct in_addr a4;
	char ip[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(v), i;

	if (v[0] == '[' && n > 2 && v[n - 1] == ']' && n - 2 < sizeof(ip)) {
		memcpy(ip, v + 1, n - 2);
		ip[n - 2] = '\0';
		v = ip;
		n -= 2;
	}
	if (inet_pton(AF_INET6, v, &a6) == 1) {
		/* the SIP form: IPv6reference, RFC3261 25.1 */
		out[0] = '[';
		inet_ntop(AF_INET6, &a6, out + 1, INET6_ADDRSTRLEN);
		strcat(out, "]");
		return 0;
	}
	if (v != ip && inet_pton(AF_INET, v, &a4) == 1) {
		inet_ntop(AF_INET, &a4, out, INET_ADDRSTRLEN);
		return 0;
	}
	if (v == ip || !is_hostname(v, n))
		return cfg_fail(e, -EINVAL,
		                "domain: not a host name or IP address: \"%s\"",
		                v);
	if (v[n - 1] == '.')
		n--;
	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)v[i]);
	out[n] = '\0';
	return 0;
}

static int set_db(const struct key *k, char *f, const char *v, struct ebuf *e)
{
	if (!(strncmp(v, "sqlite:", 7) == 0 && v[7]) &&
	    strncmp(v, "postgres://", 11) != 0 &&
	    strncmp(v, "postgresql://", 13) != 0)
		return cfg_fail(
		        e, -EINVAL,
		        "db: expected sqlite:PATH or postgres://..., got "
		        "\"%s\"",
		        v);
	return set_str(k, f, v, e);
}

static int set_http(const struct key *k, char *f, const char *v, struct ebuf *e)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char text[80];

	if (!*v)
		return set_str(k, f, v, e);
	if (parse_hostport(k->name, v, 0, &ss, &len, text, sizeof(text), e))
		return -EINVAL;
	return set_str(k, f, text, e);
}

/* RFC3263: the resolvers to ask; "IP[:PORT],...", normalised. */
static int set_dns(const struct key *k, char *f, const char *v, struct ebuf *e)
{
	char item[80], text[80],
	        out[sizeof(((struct tz_config *)0)->dns_servers)];
	struct sockaddr_storage ss;
	struct in6_addr a6;
	socklen_t len;
	size_t n, used = 0;
	const char *comma;
	bool bare6;

	out[0] = '\0';
	while (*v) {
		while (*v == ' ' || *v == '\t')
			v++;
		comma = strchr(v, ',');
		n = comma ? (size_t)(comma - v) : strlen(v);
		while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		if (n == 0 || n + 3 > sizeof(item))
			return cfg_fail(
			        e, -EINVAL,
			        "%s: expected IP[:PORT],..., got \"%.*s\"",
			        k->name, (int)n, v);
		/* a bare IPv6 address (no port) is taken as if bracketed */
		item[0] = '[';
		memcpy(item + 1, v, n);
		item[n + 1] = '\0';
		bare6 = inet_pton(AF_INET6, item + 1, &a6) == 1;
		if (bare6)
			strcpy(item + n + 1, "]");
		if (parse_hostport(k->name, bare6 ? item : item + 1, 53, &ss,
		                   &len, text, sizeof(text), e))
			return -EINVAL;
		n = strlen(text);
		if (used + n + 2 > sizeof(out))
			return cfg_fail(
			        e, -E2BIG,
			        "%s: value too long (at most %zu bytes)",
			        k->name, sizeof(out) - 1);
		if (used)
			out[used++] = ',';
		memcpy(out + used, text, n + 1);
		used += n;
		v += comma ? (size_t)(comma - v) + 1 : strlen(v);
		if (comma && !*v)
			return cfg_fail(e, -EINVAL, "%s: empty entry after ','",
			                k->name);
	}
	return set_str(k, f, out, e);
}

/* "ADDR" or "ADDR/BITS", numeric (a trusted neighbour). */
static int parse_peer(struct tz_peer *p, const char *v, struct ebuf *e)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(v, '/');
	size_t n = slash ? (size_t)(slash - v) : strlen(v);
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&p->addr;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&p->addr;
	uint64_t bits;
	unsigned max;

	memset(p, 0, sizeof(*p));
	if (n == 0 || n >= sizeof(host))
		return cfg_fail(e, -EINVAL,
		                "peer: expected ADDR or ADDR/BITS, got \"%s\"",
		                v);
	memcpy(host, v, n);
	host[n] = 0;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		p->addr.ss_family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		p->addr.ss_family = AF_INET6;
		max = 128;
	} else {
		return cfg_fail(e, -EINVAL,
		                "peer: not a numeric IP address: \"%s\"", host);
	}
	bits = max;
	if (slash) {
		const char *d = slash + 1;

		if (digits(&d, 128, &bits) || *d || bits > max)
			return cfg_fail(e, -EINVAL,
			                "peer: bad prefix length in \"%s\" "
			                "(0..%u)",
			                v, max);
	}
	p->bits = (unsigned)bits;
	snprintf(p->text, sizeof(p->text), "%s/%u", host, p->bits);
	return 0;
}

/* "PREFIX URI": numbers starting with PREFIX go to the gateway URI. */
static int parse_gateway(struct tz_gateway *g, const char *v, struct ebuf *e)
{
	const char *sp = strpbrk(v, " \t");
	size_t n = sp ? (size_t)(sp - v) : 0;

	memset(g, 0, sizeof(*g));
	if (!sp)
		return cfg_fail(e, -EINVAL,
		                "gateway: expected PREFIX URI, as in \"+1 "
		                "sip:gw.example.com\", got \"%s\"",
		                v);
	if (n >= sizeof(g->prefix) ||
	    strspn(v + (v[0] == '+'), "0123456789*#") != n - (v[0] == '+'))
		return cfg_fail(e, -EINVAL,
		                "gateway: the prefix must be digits, got "
		                "\"%.*s\"",
		                (int)n, v);
	while (*sp == ' ' || *sp == '\t')
		sp++;
	if (strncasecmp(sp, "sip:", 4) && strncasecmp(sp, "sips:", 5))
		return cfg_fail(e, -EINVAL,
		                "gateway: expected a sip: or sips: URI after "
		                "the prefix, got \"%s\"",
		                sp);
	if (strlen(sp) >= sizeof(g->uri))
		return cfg_fail(e, -E2BIG, "gateway: URI too long");
	memcpy(g->prefix, v, n);
	strcpy(g->uri, sp);
	return 0;
}

void tz_config_default(struct tz_config *c)
{
	struct ebuf none = {NULL, 0};

	memset(c, 0, sizeof(*c));
	(void)parse_listen(&c->listen[0], "udp:127.0.0.1:5060", &none);
	(void)parse_listen(&c->listen[1], "tcp:127.0.0.1:5060", &none);
	c->nlisten = 2;
	strcpy(c->domain[0], "localhost");
	c->ndomain = 1;
	strcpy(c->db, "sqlite:./trapezoid.db");
	c->workers = 0;
	c->log_level = TZ_LOG_INFO;
	/* RFC3261 17.1.1.1: T1 500 ms, T2 4 s, T4 5 s (Table 4) */
	c->t1 = 500;
	c->t2 = 4000;
	c->t4 = 5000;
	/* RFC3261 16.6 item 11: Timer C greater than 3 minutes */
	c->timer_c = 185000;
	c->trying = 200;
	/* 64*T1, so transactions in flight can finish */
	c->shutdown = 32000;
	c->max_message = 65535;
	/* RFC3261 18.1.1: 1300 bytes when the path MTU is unknown */
	c->udp_max = 1300;
	c->tcp_idle = 120000;
	c->tcp_slow = 10000;
	c->tcp_per_src = 64;
	c->tcp_max = 4096;
	/* RFC3261 10.2.1.1: 3600 s is the usual default; 10.3 item 7:
	 * Min-Expires as the operator sets it */
	c->min_expires = 60;
	c->max_expires = 3600;
	c->default_expires = 3600;
	c->max_contacts = 10;
	c->auth = true;
	strcpy(c->auth_algorithms, "SHA-256,MD5");
	c->nonce_lifetime = 300000;
	c->auth_failures = 5;
	c->auth_window = 60000;
	c->auth_backoff = 5000;
	c->auth_backoff_max = 300000;
	c->proxy_mode = TZ_PROXY_DIALOG;
	c->record_route = true;
	c->forward_after = 20;
	c->dialog_timeout = 12 * 3600;
}

int tz_config_set(struct tz_config *c, const char *key, const char *value,
                  int fresh, char *err, size_t errlen)
{
	struct ebuf eb = {err, errlen}, *e = &eb;
	const struct key *k = cfg_key_find(key, strlen(key));
	char *f;
	struct tz_listen l;
	char name[TZ_CONFIG_NAME_MAX + 2];
	int rc;

	if (!k)
		return cfg_fail(e, -ENOENT, "%s: unknown key", key);
	if (!*value &&
	    (k->kind != K_STR && k->kind != K_HTTP && k->kind != K_DNS))
		return cfg_fail(e, -EINVAL, "%s: empty value", k->name);
	f = (char *)c + k->off;
	switch (k->kind) {
	case K_LISTEN:
		memset(&l, 0, sizeof(l)); /* padding too: memcmp-able */
		rc = parse_listen(&l, value, e);
		if (rc)
			return rc;
		if (fresh)
			c->nlisten = 0;
		if (c->nlisten >= TZ_CONFIG_MAX_LISTEN)
			return cfg_fail(e, -E2BIG,
			                "listen: more than %d addresses",
			                TZ_CONFIG_MAX_LISTEN);
		c->listen[c->nlisten++] = l;
		return 0;
	case K_DOMAIN:
		if (strlen(value) >= TZ_CONFIG_NAME_MAX)
			return cfg_fail(
			        e, -E2BIG,
			        "domain: value too long (at most %d bytes)",
			        TZ_CONFIG_NAME_MAX - 1);
		rc = parse_domain(name, value, e);
		if (rc)
			return rc;
		if (fresh)
			c->ndomain = 0;
		if (c->ndomain >= TZ_CONFIG_MAX_DOMAIN)
			return cfg_fail(e, -E2BIG,
			                "domain: more than %d domains",
			                TZ_CONFIG_MAX_DOMAIN);
		memset(c->domain[c->ndomain], 0, TZ_CONFIG_NAME_MAX);
		strcpy(c->domain[c->ndomain++], name);
		return 0;
	case K_DB:
		return set_db(k, f, value, e);
	case K_STR:
		return set_str(k, f, value, e);
	case K_HTTP:
		return set_http(k, f, value, e);
	case K_DNS:
		return set_dns(k, f, value, e);
	case K_COUNT:
		return set_count(k, (uint32_t *)f, value, e);
	case K_LEVEL:
		for (size_t i = 0;
		     i < sizeof(level_names) / sizeof(*level_names); i++) {
			if (!strcasecmp(value, level_names[i])) {
				c->log_level = (enum tz_log_level)i;
				return 0;
			}
		}
		return cfg_fail(
		        e, -EINVAL,
		        "log-level: expected error, warn, info, debug or "
		        "trace, got \"%s\"",
		        value);
	case K_MS:
		return set_ms(k, (uint32_t *)f, value, e);
	case K_SIZE:
		return set_size(k, (uint32_t *)f, value, e);
	case K_BOOL:
		return set_bool(k, (bool *)f, value, e);
	case K_SECS:
		return set_secs(k, (uint32_t *)f, value, e);
	case K_MODE:
		for (uint32_t i = 0;
		     i < sizeof(mode_names) / sizeof(*mode_names); i++) {
			if (!strcasecmp(value, mode_names[i])) {
				c->proxy_mode = i;
				return 0;
			}
		}
		return cfg_fail(e, -EINVAL,
		                "proxy-mode: expected dialog, stateful, "
		                "stateless or redirect, got \"%s\"",
		                value);
	case K_PEER:
		if (fresh)
			c->npeer = 0;
		if (c->npeer >= TZ_CONFIG_MAX_PEER)
			return cfg_fail(e, -E2BIG, "peer: more than %d",
			                TZ_CONFIG_MAX_PEER);
		rc = parse_peer(&c->peer[c->npeer], value, e);
		if (!rc)
			c->npeer++;
		return rc;
	case K_GW:
		if (fresh)
			c->ngateway = 0;
		if (c->ngateway >= TZ_CONFIG_MAX_GW)
			return cfg_fail(e, -E2BIG, "gateway: more than %d",
			                TZ_CONFIG_MAX_GW);
		rc = parse_gateway(&c->gateway[c->ngateway], value, e);
		if (!rc)
			c->ngateway++;
		return rc;
	}
	return -EINVAL;
}

/* Stream transports share the TCP port space: tcp and ws on one port
 * clash at bind(). */
static bool listen_clash(const struct tz_listen *a, const struct tz_listen *b)
{
	const char *pa = strchr(a->text, ':'), *pb = strchr(b->text, ':');

	if (strcmp(pa, pb) != 0)
		return false;
	return (a->tp == TZ_TP_UDP) == (b->tp == TZ_TP_UDP);
}

int tz_config_check(const struct tz_config *c, char *err, size_t errlen)
{
	struct ebuf eb = {err, errlen}, *e = &eb;
	char b1[24], b2[24];
	unsigned i, j;

	if (c->nlisten == 0)
		return cfg_fail(e, -EINVAL, "listen: no address to listen on");
	if (c->nlisten > TZ_CONFIG_MAX_LISTEN ||
	    c->ndomain > TZ_CONFIG_MAX_DOMAIN)
		return cfg_fail(e, -EINVAL, "listen, domain: too many entries");
	for (i = 0; i < c->nlisten; i++) {
		for (j = 0; j < i; j++) {
			if (!strcmp(c->listen[i].text, c->listen[j].text))
				return cfg_fail(e, -EINVAL,
				                "listen: given twice: %s",
				                c->listen[i].text);
			if (listen_clash(&c->listen[i], &c->listen[j]))
				return cfg_fail(
				        e, -EINVAL,
				        "listen: %s and %s use the same TCP "
				        "port",
				        c->listen[j].text, c->listen[i].text);
		}
	}
	if (c->ndomain == 0)
		return cfg_fail(e, -EINVAL, "domain: none given");
	for (i = 0; i < c->ndomain; i++) {
		for (j = 0; j < i; j++) {
			if (!strcmp(c->domain[i], c->domain[j]))
				return cfg_fail(e, -EINVAL,
				                "domain: given twice: %s",
				                c->domain[i]);
		}
	}
	if (!c->db[0])
		return cfg_fail(e, -EINVAL, "db: empty value");
	if (strlen(c->control) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return cfg_fail(
		        e, -EINVAL,
		        "control: a Unix socket path is at most %zu bytes: "
		        "%s",
		        sizeof(((struct sockaddr_un *)0)->sun_path) - 1,
		        c->control);
	if (!tz_log_level_name(c->log_level))
		return cfg_fail(e, -EINVAL, "log-level: invalid");
	/* every key with a floor (t1 > 0, ...) or a ceiling */
	for (i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		uint32_t v;

		if (k->kind != K_MS && k->kind != K_SIZE &&
		    k->kind != K_COUNT && k->kind != K_SECS)
			continue;
		memcpy(&v, (const char *)c + k->off, sizeof(v));
		if (v < k->min || v > k->max)
			return cfg_fail(e, -EINVAL,
			                "%s: out of range: %" PRIu32, k->name,
			                v);
	}
	/* RFC3261 17.1.2.2: the interval doubles from T1 up to T2 */
	if (c->t1 > c->t2)
		return cfg_fail(e, -EINVAL, "t1: must not exceed t2 (%s > %s)",
		                fmt_ms(b1, sizeof(b1), c->t1),
		                fmt_ms(b2, sizeof(b2), c->t2));
	/* RFC3261 18.1.1: within 200 bytes of the MTU goes over TCP */
	if (c->udp_max && (c->udp_max < 200 || c->udp_max > c->max_message))
		return cfg_fail(e, -EINVAL,
		                "udp-max-size: must be 0 or 200..%" PRIu32
		                " (max-message-size), got %" PRIu32,
		                c->max_message, c->udp_max);
	/* RFC3261 10.3 item 7: min <= default <= max */
	if (c->min_expires > c->max_expires)
		return cfg_fail(e, -EINVAL,
		                "min-expires (%" PRIu32
		                "s) exceeds max-expires (%" PRIu32 "s)",
		                c->min_expires, c->max_expires);
	if (c->default_expires < c->min_expires ||
	    c->default_expires > c->max_expires)
		return cfg_fail(e, -EINVAL,
		                "default-expires (%" PRIu32
		                "s) is outside min-expires..max-expires "
		                "(%" PRIu32 "s..%" PRIu32 "s)",
		                c->default_expires, c->min_expires,
		                c->max_expires);
	{
		/* "SHA-256", "MD5", or both in either order */
		static const char *const ok[] = {"SHA-256", "MD5",
		                                 "SHA-256,MD5", "MD5,SHA-256"};
		bool found = false;

		for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
			found |= !strcasecmp(c->auth_algorithms, ok[i]);
		if (!found)
			return cfg_fail(
			        e, -EINVAL,
			        "auth-algorithms: expected SHA-256, MD5 "
			        "or both comma-separated, got \"%s\"",
			        c->auth_algorithms);
	}
	if (c->auth_backoff > c->auth_backoff_max)
		return cfg_fail(e, -EINVAL,
		                "auth-backoff exceeds auth-backoff-max");
	if (c->tcp_per_src > c->tcp_max)
		return cfg_fail(e, -EINVAL,
		                "tcp-max-per-source (%" PRIu32
		                ") exceeds tcp-max-connections (%" PRIu32 ")",
		                c->tcp_per_src, c->tcp_max);
	return 0;
}

void tz_config_auth_algorithms(const struct tz_config *c, bool *sha256,
                               bool *md5, bool *md5_first)
{
	const char *a = c->auth_algorithms;

	*sha256 = strcasestr(a, "SHA-256") != NULL;
	*md5 = strcasestr(a, "MD5") != NULL;
	*md5_first = *md5 && !strncasecmp(a, "MD5", 3);
}

int tz_config_finish(struct tz_config *c, char *err, size_t errlen)
{
	struct ebuf eb = {err, errlen}, *e = &eb;
	int n;

	if (!c->control[0]) {
		if (!strncmp(c->db, "sqlite:", 7))
			n = snprintf(c->control, sizeof(c->control), "%s.ctl",
			             c->db + 7);
		else
			n = snprintf(c->control, sizeof(c->control),
			             "./trapezoid.ctl");
		if (n < 0 || (size_t)n >= sizeof(c->control)) {
			c->control[0] = '\0';
			return cfg_fail(
			        e, -ENAMETOOLONG,
			        "control: the path beside db is too long; "
			        "set control");
		}
	}
	return tz_config_check(c, err, errlen);
}

const char *tz_log_level_name(enum tz_log_level l)
{
	if ((unsigned)l >= sizeof(level_names) / sizeof(level_names[0]))
		return NULL;
	return level_names[l];
}
