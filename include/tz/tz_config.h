/**
 * @file tz_config.h  The server's configuration: defaults, the
 * configuration file, and command-line flags, all with the same keys
 * (DESIGN.md "Interfaces"). Documented key by key in docs/configuration.md.
 *
 * File format: one "key = value" per line; '#' starts a comment (outside
 * double quotes); blank lines ignored; a value may be double-quoted.
 * Keys are the long flag names without the dashes ("listen", "log-level",
 * "t1"). On the command line every key is also a flag: "--t1 100ms".
 *
 * Precedence: defaults < file < command line. A list key (listen, domain)
 * given in a source replaces the list inherited from the sources before it
 * (so one --listen replaces the default udp+tcp 127.0.0.1:5060); repeated
 * within one source, it accumulates.
 *
 * Durations need a unit: "500ms", "32s", "3min". Sizes are bytes, with an
 * optional "k" (x1024).
 */
#ifndef TZ_CONFIG_H
#define TZ_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "tz_log.h"
#include "tz_tp.h"

#define TZ_CONFIG_MAX_LISTEN 16
#define TZ_CONFIG_MAX_DOMAIN 16
#define TZ_CONFIG_NAME_MAX   256
#define TZ_CONFIG_MAX_PEER   16
#define TZ_CONFIG_MAX_GW     16

/** What the server does with requests for others (key "proxy-mode"). */
enum tz_proxy_mode {
	TZ_PROXY_DIALOG = 0, /**< "dialog": stateful, and tracks the dialogs
	                          it record-routed (accounting, session
	                          expiry, ending calls) */
	TZ_PROXY_STATEFUL,   /**< "stateful": transaction-stateful (16.2) */
	TZ_PROXY_STATELESS,  /**< "stateless": RFC 3261 16.11 */
	TZ_PROXY_REDIRECT,   /**< "redirect": 3xx with the locations (8.3) */
};

/** A trusted neighbour (key "peer"): "ADDR" or "ADDR/BITS". Requests from
 *  it may be relayed anywhere and keep their P-Asserted-Identity. */
struct tz_peer {
	struct sockaddr_storage addr;
	unsigned bits; /**< prefix length */
	char text[64];
};

/** A telephone-number route (key "gateway"): "PREFIX URI". */
struct tz_gateway {
	char prefix[32]; /**< digits (and a leading '+'); "" matches all */
	char uri[224];   /**< sip: or sips: URI of the gateway */
};

/** One listen address: "udp:127.0.0.1:5060", "tcp:[::1]:5070". */
struct tz_listen {
	enum tz_tp_proto tp;
	struct sockaddr_storage addr; /**< numeric address and port */
	socklen_t addrlen;
	char text[80]; /**< as written, normalised: "udp:[::1]:5060" */
};

struct tz_config {
	struct tz_listen listen[TZ_CONFIG_MAX_LISTEN]; /**< key "listen" */
	unsigned nlisten;
	char domain[TZ_CONFIG_MAX_DOMAIN][TZ_CONFIG_NAME_MAX]; /**< "domain" */
	unsigned ndomain;
	char db[PATH_MAX];      /**< "db": "sqlite:PATH" or "postgres://..." */
	char control[PATH_MAX]; /**< "control": Unix socket path; empty =
	                             derived by tz_config_finish */
	char http[80];          /**< "http": ADDR:PORT, empty = off */
	unsigned workers;       /**< "workers": 0 = online CPUs */
	enum tz_log_level log_level; /**< "log-level" */

	/* Transaction timers (RFC 3261 Table 4), milliseconds. */
	uint32_t t1;       /**< "t1", default 500ms */
	uint32_t t2;       /**< "t2", default 4s */
	uint32_t t4;       /**< "t4", default 5s */
	uint32_t timer_c;  /**< "timer-c" (proxy INVITE, 16.6), default 180s */
	uint32_t trying;   /**< "trying-delay" (UAS auto 100), default 200ms */
	uint32_t shutdown; /**< "shutdown-timeout" (SIGTERM), default 32s */

	/* Transport limits. */
	uint32_t max_message; /**< "max-message-size", default 65535 */
	uint32_t udp_max;     /**< "udp-max-size": requests above go over TCP
	                           (RFC 3261 18.1.1), default 1300; 0 = off */
	uint32_t tcp_idle;    /**< "tcp-idle-timeout", default 120s */
	uint32_t tcp_slow;    /**< "tcp-slow-timeout": a started message must
	                           complete within it, default 10s */
	uint32_t tcp_per_src; /**< "tcp-max-per-source", default 64 */
	uint32_t tcp_max;     /**< "tcp-max-connections", default 4096 */

	/* Resolution (RFC 3263). */
	char dns_hosts[PATH_MAX]; /**< "dns-hosts": static override file */
	char dns_servers[256];    /**< "dns-servers": "IP[:PORT],..." or empty
	                               for the system's */

	/* Registrar (RFC 3261 10.3), seconds. */
	uint32_t min_expires;     /**< "min-expires": shorter gets 423,
	                               default 60s */
	uint32_t max_expires;     /**< "max-expires": longer is cut, default
	                               1h */
	uint32_t default_expires; /**< "default-expires": no Expires given,
	                               default 1h */
	uint32_t max_contacts;    /**< "max-contacts" per AOR, default 10 */
	uint32_t write_behind;    /**< "write-behind" ms; 0 (default): a
	                               REGISTER is answered after its commit */

	/* Digest authentication (RFC 7616). */
	bool auth;                 /**< "auth": challenge requests (on) */
	char auth_algorithms[32];  /**< "auth-algorithms": offered digest
	                                algorithms, preferred first, default
	                                "SHA-256,MD5" (RFC 8760) */
	uint32_t nonce_lifetime;   /**< "nonce-lifetime" ms, default 5min */
	uint32_t auth_failures;    /**< "auth-fail-limit": failures before
	                                back-off, default 5; 0 = off */
	uint32_t auth_window;      /**< "auth-fail-window" ms, default 1min */
	uint32_t auth_backoff;     /**< "auth-backoff" ms, default 5s */
	uint32_t auth_backoff_max; /**< "auth-backoff-max" ms, default 5min */

	/* Proxy (RFC 3261 16). */
	uint32_t proxy_mode;     /**< "proxy-mode": enum tz_proxy_mode,
	                              default dialog */
	bool record_route;       /**< "record-route" (on) */
	uint32_t forward_after;  /**< "forward-after": no-answer forwarding
	                              time in s unless the user set one,
	                              default 20s */
	uint32_t dialog_timeout; /**< "dialog-timeout": a dialog with no
	                              session timer ends after this, s;
	                              default 12h */
	struct tz_peer peer[TZ_CONFIG_MAX_PEER]; /**< "peer" */
	unsigned npeer;
	struct tz_gateway gateway[TZ_CONFIG_MAX_GW]; /**< "gateway" */
	unsigned ngateway;
};

/** The name of a proxy mode ("dialog"). */
const char *tz_proxy_mode_name(uint32_t m);

/**
 * The digest algorithms of "auth-algorithms" (checked by
 * tz_config_check): which are offered, and whether MD5 comes first.
 */
void tz_config_auth_algorithms(const struct tz_config *c, bool *sha256,
                               bool *md5, bool *md5_first);

/** Fill @p c with the defaults (DESIGN.md: udp+tcp 127.0.0.1:5060, domain
 *  localhost, sqlite:./trapezoid.db, workers 0, log-level info, and the
 *  values named above). control is left empty: tz_config_finish derives
 *  it from the final db, so "--db sqlite:/x.db" moves it to /x.db.ctl. */
void tz_config_default(struct tz_config *c);

/**
 * Set one key from its text value. @p fresh says this is the first time
 * the current source sets a list key (replace the inherited list rather
 * than append); tz_config_load and tz_config_args manage it themselves.
 * @return 0; -ENOENT for an unknown key; -EINVAL for a bad value; -E2BIG
 *         for too many list entries or a value too long. On error, @p err
 *         gets a message naming the key and the defect, e.g.
 *         "t1: duration needs a unit (ms, s, min), as in 500ms". Text
 *         fields and list entries are written zero-padded, so configurations
 *         built alike compare equal with memcmp (a reload relies on it).
 */
int tz_config_set(struct tz_config *c, const char *key, const char *value,
                  int fresh, char *err, size_t errlen);

/**
 * Apply the file at @p path on top of @p c.
 * @return 0; a negative errno; @p err then says "PATH:LINE: message" (or
 *         "PATH: strerror" when it cannot be read). On error @p c is left
 *         unchanged (the file is applied to a copy first).
 */
int tz_config_load(struct tz_config *c, const char *path, char *err,
                   size_t errlen);

/**
 * Build the configuration of "trapezoid serve" from its arguments (argv
 * after "serve"): defaults, then the file named by --config (if any), then
 * every other "--key value" (also "--key=value").
 * @param path  receives the --config path ("" if none), for SIGHUP reload;
 *              PATH_MAX bytes.
 * @return 0; negative errno with @p err set ("--frobnicate: unknown
 *         option", "--workers: missing value", a file error, ...).
 */
int tz_config_args(struct tz_config *c, int argc, char **argv, char *path,
                   char *err, size_t errlen);

/**
 * Finish a configuration once every source is applied: an empty control
 * becomes the path beside the database ("sqlite:PATH" -> "PATH.ctl",
 * postgres -> "./trapezoid.ctl"), then tz_config_check. tz_config_args
 * calls it; tz_config_load does not (the command line may still change
 * db). Callers that build a configuration by hand (admin commands:
 * defaults, file, --db) call it themselves.
 * @return 0; -ENAMETOOLONG or -EINVAL with @p err set.
 */
int tz_config_finish(struct tz_config *c, char *err, size_t errlen);

/**
 * Cross-key checks (t1 <= t2, at least one listen, no duplicate listen,
 * ...). Also run by tz_config_load and tz_config_args.
 * @return 0 or -EINVAL with @p err set.
 */
int tz_config_check(const struct tz_config *c, char *err, size_t errlen);

/** Name of a log level ("info"); NULL for an invalid one. */
const char *tz_log_level_name(enum tz_log_level l);

#endif
