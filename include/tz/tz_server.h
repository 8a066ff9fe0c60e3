/**
 * @file tz_server.h  The server process of "trapezoid serve": worker
 * threads (DESIGN.md "Workers"), each with its loop, transports and
 * transaction layer; the main thread with signals (SIGTERM graceful stop,
 * SIGHUP reload) and the control socket (JSON lines).
 */
#ifndef TZ_SERVER_H
#define TZ_SERVER_H

#include "tz_config.h"

struct tz_server;

/**
 * Create a server for @p cfg (copied): bind every listen address in every
 * worker, create the control socket. Nothing runs yet.
 * @param argc, argv  the "serve" arguments @p cfg was made from
 *              (tz_config_args), borrowed: a reload (SIGHUP) builds the
 *              new configuration from them again, re-reading the file.
 * @return 0; a negative errno, with @p err set ("listen udp:...: Address
 *         already in use").
 */
int tz_server_alloc(struct tz_server **sp, const struct tz_config *cfg,
                    int argc, char **argv, char *err, size_t errlen);

/**
 * Start the workers and serve until SIGTERM or SIGINT (or a "stop"
 * control command), then shut down gracefully: stop accepting, answer new
 * requests with 503, let transactions finish within shutdown-timeout.
 * @return 0 after a clean shutdown; a negative errno.
 */
int tz_server_run(struct tz_server *s);

/** Free a stopped server (NULL accepted). */
void tz_server_free(struct tz_server *s);

#endif
