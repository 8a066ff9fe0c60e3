/*
 * cmds.h  The subcommands of the trapezoid binary (DESIGN.md contract).
 */
#ifndef TZ_APP_CMDS_H
#define TZ_APP_CMDS_H

#include <stddef.h>

/** `trapezoid parse [FILE|-]`; returns the exit status. */
int cmd_parse(int argc, char **argv);

/** `trapezoid serve [--KEY VALUE]...`; returns the exit status. */
int cmd_serve(int argc, char **argv);

/** `trapezoid status [--config F] [--control P]`. */
int cmd_status(int argc, char **argv);

/** `trapezoid ping URI [--worker N] [--rport]`: OPTIONS from the running
 *  server; prints its answer as JSON, exit 0 on a 2xx. */
int cmd_ping(int argc, char **argv);
int cmd_dialog(int argc, char **argv);

/** `trapezoid user add|passwd|del|list|import|set ...`: the users of the
 *  database; tells a running server through its control socket. */
int cmd_user(int argc, char **argv);

/** `trapezoid forward set|clear|show AOR ...`: a user's call forwarding;
 *  tells a running server through its control socket. */
int cmd_forward(int argc, char **argv);

/** `trapezoid cdr [--since TIME] [--format csv|json]`: the call detail
 *  records as CSV or JSON. */
int cmd_cdr(int argc, char **argv);

/**
 * Send one JSON line (@p line, without its newline) to the server's
 * control socket at @p path and read its one-line answer into @p out
 * (NUL-terminated, newline kept).
 * @return 0; a negative errno with @p err set.
 */
int ctl_request(const char *path, const char *line, char *out, size_t cap,
                char *err, size_t errlen);

#endif
