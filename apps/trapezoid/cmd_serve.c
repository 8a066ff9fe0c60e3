/*
 * cmd_serve.c  `trapezoid serve [--KEY VALUE]...`: the server, and
 * `trapezoid status`, which asks a running one for its counters through
 * the control socket.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "cmds.h"
#include "tz/tz_config.h"
#include "tz/tz_log.h"
#include "tz/tz_server.h"

int cmd_serve(int argc, char **argv)
{
	static struct tz_config cfg; /* large: off the stack */
	struct tz_server *s;
	char path[PATH_MAX], err[1024];
	int e;

	e = tz_config_args(&cfg, argc - 1, argv + 1, path, err, sizeof(err));
	if (e) {
		fprintf(stderr, "trapezoid serve: %s\n", err);
		return 2;
	}
	e = tz_server_alloc(&s, &cfg, argc - 1, argv + 1, err, sizeof(err));
	if (e) {
		tz_log(TZ_LOG_ERROR, "%s", err);
		return 1;
	}
	e = tz_server_run(s);
	tz_server_free(s);
	return e ? 1 : 0;
}

int ctl_request(const char *path, const char *line, char *out, size_t cap,
                char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len = 0;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		snprintf(err, errlen, "no server on %s: %s", path, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	if (writev(fd,
	           (struct iovec[]){{(void *)line, strlen(line)}, {"\n", 1}},
	           2) != (ssize_t)strlen(line) + 1) {
		snprintf(err, errlen, "%s: write: %s", path, strerror(errno));
		close(fd);
		return -EIO;
	}
	while (len < cap - 1) {
		ssize_t n = read(fd, out + len, cap - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(out, '\n', len))
			break;
	}
	close(fd);
	out[len] = 0;
	if (!len || out[len - 1] != '\n') {
		snprintf(err, errlen, "%s: no complete answer", path);
		return -EIO;
	}
	return 0;
}

/*
 * Send @p req (consumed) to the running server, found through the same
 * keys as serve (--config, --control, --db) in @p args, and read its
 * one-line answer into @p out. @return 0; else the exit status (2 usage,
 * 1 no server), the message printed.
 */
static int ask(const char *cmd, int nargs, char **args, json_t *req, char *out,
               size_t cap)
{
	static struct tz_config cfg;
	char path[PATH_MAX], err[1024], *line;
	int e;

	e = tz_config_args(&cfg, nargs, args, path, err, sizeof(err));
	if (e) {
		json_decref(req);
		fprintf(stderr, "trapezoid %s: %s\n", cmd, err);
		return 2;
	}
	line = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	e = line ? ctl_request(cfg.control, line, out, cap, err, sizeof(err))
	         : -ENOMEM;
	free(line);
	if (e) {
		fprintf(stderr, "trapezoid %s: %s\n", cmd,
		        e == -ENOMEM ? "out of memory" : err);
		return 1;
	}
	fputs(out, stdout);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	static char out[1 << 16];
	int rc = ask("status", argc - 1, argv + 1,
	             json_pack("{s:s}", "cmd", "status"), out, sizeof(out));

	return rc ? rc : strncmp(out, "{\"error\"", 8) == 0;
}

int cmd_ping(int argc, char **argv)
{
	static char out[4096], *rest[64];
	const char *uri = NULL;
	long worker = 0;
	int nrest = 0, rport = 0, rc;

	/* own flags: URI, --worker N, --rport; the rest finds the server */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--worker") && i + 1 < argc) {
			char *end;

			worker = strtol(argv[++i], &end, 10);
			if (*end || worker < 0 || worker > 65535) {
				fprintf(stderr, "trapezoid ping: --worker: bad "
				                "number\n");
				return 2;
			}
		} else if (!strcmp(argv[i], "--rport")) {
			rport = 1;
		} else if (strncmp(argv[i], "--", 2) != 0 && !uri) {
			uri = argv[i];
		} else if (nrest < 64) {
			rest[nrest++] = argv[i];
		}
	}
	if (!uri) {
		fprintf(stderr,
		        "usage: trapezoid ping URI [--worker N] [--rport] "
		        "[--control PATH]\n");
		return 2;
	}
	rc = ask("ping", nrest, rest,
	         json_pack("{s:s,s:s,s:I,s:b}", "cmd", "ping", "uri", uri,
	                   "worker", (json_int_t)worker, "rport", rport),
	         out, sizeof(out));
	return rc ? rc : strncmp(out, "{\"status\":2", 11) != 0;
}

/* trapezoid dialog list | end CALL-ID: the dialogs of a dialog-stateful
 * proxy, and ending one with a BYE to each side (the prepaid case) */
int cmd_dialog(int argc, char **argv)
{
	static char out[1 << 20];
	static const char usage[] =
	        "usage: trapezoid dialog list | end CALL-ID "
	        "[--config FILE] [--control PATH]\n";
	json_t *req;
	int rc;

	if (argc >= 2 && !strcmp(argv[1], "list"))
		req = json_pack("{s:s}", "cmd", "dialogs");
	else if (argc >= 3 && !strcmp(argv[1], "end") &&
	         strncmp(argv[2], "--", 2) != 0)
		req = json_pack("{s:s,s:s}", "cmd", "dialog-end", "call_id",
		                argv[2]);
	else {
		fputs(usage, stderr);
		return 2;
	}
	rc = !strcmp(argv[1], "list")
	             ? ask("dialog", argc - 2, argv + 2, req, out, sizeof(out))
	             : ask("dialog", argc - 3, argv + 3, req, out, sizeof(out));
	return rc ? rc : strncmp(out, "{\"error\"", 8) == 0;
}
