/*
 * test_config_file.c  The configuration's sources (tz_config.h): the file
 * format, the list precedence (default < file < command line), the
 * command-line parser, and examples/trapezoid.conf. Files are written to a
 * mkdtemp directory and removed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tz_test.h"
#include "tz/tz_config.h"

#define ERRLEN 512

static char tmpdir[64];

/* Write @text to a file of the temporary directory; returns its path. */
static const char *write_file(const char *name, const char *text, size_t n)
{
	static char path[2][128];
	static int which;
	char *p = path[which ^= 1];
	FILE *f;

	if (!tmpdir[0]) {
		strcpy(tmpdir, "/tmp/tz_config_XXXXXX");
		if (!mkdtemp(tmpdir))
			tmpdir[0] = '\0';
	}
	snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
	f = fopen(p, "wb");
	TZ_EXPECT(f != NULL);
	if (f) {
		TZ_EXPECT_INT(fwrite(text, 1, n, f), n);
		fclose(f);
	}
	return p;
}

static const char *write_text(const char *name, const char *text)
{
	return write_file(name, text, strlen(text));
}

static void remove_tmpdir(void)
{
	static const char *const names[] = {"a.conf", "b.conf", "big.conf",
	                                    "long.conf"};

	if (!tmpdir[0])
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char p[128];

		snprintf(p, sizeof(p), "%s/%s", tmpdir, names[i]);
		unlink(p);
	}
	rmdir(tmpdir);
	tmpdir[0] = '\0';
}

static int test_config_file(void)
{
	static const char good[] =
	        "\xef\xbb\xbf# a comment\n"
	        "\n"
	        "   \t\n"
	        "listen = udp:10.0.0.1:5070   # trailing comment\n"
	        "listen=tcp:[::1]\r\n"
	        "  domain = \"Example.com\"  \n"
	        "domain = sip.example.com\n"
	        "db = \"sqlite:/tmp/a#b \\\"q\\\" \\\\.db\"\n"
	        "t1 = 250ms\n"
	        "t2=\t2s\t\n"
	        "log-level = debug\n"
	        "http = \"\"\n"
	        "workers = 4"; /* no final newline */
	static const struct {
		const char *text, *msg; /* msg after "PATH:" */
		int rc;
	} bad[] = {
	        {"t1 = 500ms\nnonsense\n", "2: expected key = value", -EINVAL},
	        {"\n\nt1 = 500\n",
	         "3: t1: duration needs a unit (ms, s, min), as in 500ms",
	         -EINVAL},
	        {"frobnicate = 1\n", "1: frobnicate: unknown key", -ENOENT},
	        {"# t1 = 1s\n = 5\n", "2: expected key = value", -EINVAL},
	        {"t1 # = 5ms\n", "1: expected key = value", -EINVAL},
	        {"db = \"sqlite:x\n", "1: unterminated quote", -EINVAL},
	        {"db = \"sqlite:x\" y\n", "1: text after the closing quote",
	         -EINVAL},
	        {"db = \"sqlite:\\x\"\n",
	         "1: bad escape in quotes (only \\\" and \\\\)", -EINVAL},
	        {"config = other.conf\n", "1: config: only on the command line",
	         -EINVAL},
	        {"listen = udp:foo\n",
	         "1: listen: address must be numeric: foo", -EINVAL},
	        {"t1 = 5s\n", " t1: must not exceed t2 (5s > 4s)", -EINVAL},
	        {"listen = udp:10.0.0.1\nlisten = udp:10.0.0.1:5060\n",
	         " listen: given twice: udp:10.0.0.1:5060", -EINVAL},
	};
	struct tz_config c, before;
	char err[ERRLEN], want[ERRLEN], *big;
	const char *p;
	size_t i;

	tz_config_default(&c);
	p = write_text("a.conf", good);
	TZ_EXPECT_INT(tz_config_load(&c, p, err, sizeof(err)), 0);
	TZ_EXPECT_INT(c.nlisten, 2);
	TZ_EXPECT(!strcmp(c.listen[0].text, "udp:10.0.0.1:5070"));
	TZ_EXPECT(!strcmp(c.listen[1].text, "tcp:[::1]:5060"));
	TZ_EXPECT_INT(c.ndomain, 2);
	TZ_EXPECT(!strcmp(c.domain[0], "example.com"));
	TZ_EXPECT(!strcmp(c.domain[1], "sip.example.com"));
	TZ_EXPECT(!strcmp(c.db, "sqlite:/tmp/a#b \"q\" \\.db"));
	TZ_EXPECT_INT(c.t1, 250);
	TZ_EXPECT_INT(c.t2, 2000);
	TZ_EXPECT_INT(c.log_level, TZ_LOG_DEBUG);
	TZ_EXPECT_INT(c.workers, 4);
	TZ_EXPECT_INT(c.t4, 5000);         /* untouched keys keep their value */
	TZ_EXPECT(!strcmp(c.control, "")); /* load does not derive it */

	/* a second file starts its own lists: its listen replaces */
	p = write_text("b.conf", "listen = ws:10.0.0.2\nt4 = 6s\n");
	TZ_EXPECT_INT(tz_config_load(&c, p, err, sizeof(err)), 0);
	TZ_EXPECT_INT(c.nlisten, 1);
	TZ_EXPECT(!strcmp(c.listen[0].text, "ws:10.0.0.2:5060"));
	TZ_EXPECT_INT(c.ndomain, 2);
	TZ_EXPECT_INT(c.t4, 6000);
	TZ_EXPECT_INT(c.t1, 250);

	/* each bad file: the message names the line; c is unchanged */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tz_config_default(&c);
		TZ_EXPECT_INT(
		        tz_config_set(&c, "t4", "7s", 0, err, sizeof(err)), 0);
		before = c;
		p = write_text("a.conf", bad[i].text);
		TZ_EXPECT_INT(tz_config_load(&c, p, err, sizeof(err)),
		              bad[i].rc);
		snprintf(want, sizeof(want), "%s:%s", p, bad[i].msg);
		if (strcmp(err, want))
			fprintf(stderr, "bad %zu: \"%s\"\n", i, err);
		TZ_EXPECT(!strcmp(err, want));
		TZ_EXPECT(!memcmp(&c, &before, sizeof(c)));
	}

	/* unreadable, a directory, too large, a long line, a NUL */
	tz_config_default(&c);
	before = c;
	snprintf(want, sizeof(want), "%s/none.conf", tmpdir);
	TZ_EXPECT_INT(tz_config_load(&c, want, err, sizeof(err)), -ENOENT);
	strcat(want, ": No such file or directory");
	TZ_EXPECT(!strcmp(err, want));
	TZ_EXPECT_INT(tz_config_load(&c, tmpdir, err, sizeof(err)), -EISDIR);
	big = malloc(1024 * 1024 + 2);
	TZ_EXPECT(big != NULL);
	if (big) {
		memset(big, '#', 1024 * 1024 + 1);
		for (i = 100; i < 1024 * 1024; i += 100)
			big[i] = '\n';
		p = write_file("big.conf", big, 1024 * 1024);
		TZ_EXPECT_INT(tz_config_load(&c, p, err, sizeof(err)), 0);
		p = write_file("big.conf", big, 1024 * 1024 + 1);
		TZ_EXPECT_INT(tz_config_load(&c, p, err, sizeof(err)), -EFBIG);
		snprintf(want, sizeof(want), "%s: larger than 1 MiB", p);
		TZ_EXPECT(!strcmp(err, want));
		memset(big, 'a', 9000);
		memcpy(big, "\ndb = sqlite:", 13);
		p = write_file("long.conf", big, 9000);
		TZ_EXPECT_INT(tz_config_load(&c, p, err, sizeof(err)), -E2BIG);
		snprintf(want, sizeof(want),
		         "%s:2: line too long (at most 8191 bytes)", p);
		TZ_EXPECT(!strcmp(err, want));
		free(big);
	}
	p = write_file("a.conf", "t1 = 1s\nt2 = \0s\n", 16);
	TZ_EXPECT_INT(tz_config_load(&c, p, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: NUL byte", p);
	TZ_EXPECT(!strcmp(err, want));
	TZ_EXPECT(!memcmp(&c, &before, sizeof(c)));

	/* empty files change nothing */
	p = write_text("a.conf", "");
	TZ_EXPECT_INT(tz_config_load(&c, p, err, sizeof(err)), 0);
	p = write_text("a.conf", "\n# only a comment");
	TZ_EXPECT_INT(tz_config_load(&c, p, err, sizeof(err)), 0);
	TZ_EXPECT(!memcmp(&c, &before, sizeof(c)));
	return 0;
}

/* Run tz_config_args on a NULL-terminated list. */
static int args(struct tz_config *c, char *path, char *err, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;

	va_start(ap, err);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	return tz_config_args(c, argc, argv, path, err, ERRLEN);
}

static int test_config_args(void)
{
	struct tz_config c, before, def;
	char err[ERRLEN], path[PATH_MAX], want[ERRLEN], cfgarg[160];
	const char *file;

	tz_config_default(&def);
	TZ_EXPECT_INT(tz_config_finish(&def, err, sizeof(err)), 0);

	/* no arguments: the defaults, control derived */
	memset(&c, 0xa5, sizeof(c));
	strcpy(path, "junk");
	TZ_EXPECT_INT(args(&c, path, err, NULL), 0);
	TZ_EXPECT(!memcmp(&c, &def, sizeof(c)));
	TZ_EXPECT(!strcmp(path, ""));
	TZ_EXPECT(!strcmp(c.control, "./trapezoid.db.ctl"));

	/* one --listen replaces the default; repeated, it accumulates */
	TZ_EXPECT_INT(args(&c, path, err, "--listen", "udp:[::1]:5070", NULL),
	              0);
	TZ_EXPECT_INT(c.nlisten, 1);
	TZ_EXPECT(!strcmp(c.listen[0].text, "udp:[::1]:5070"));
	TZ_EXPECT_INT(args(&c, path, err, "--listen=udp:10.0.0.1", "--t1=100ms",
	                   "--listen", "tcp:10.0.0.1", "--t2", "1s", "--domain",
	                   "a.example", "--domain=b.example", "--db",
	                   "sqlite:/tmp/t.db", "--log-level=trace",
	                   "--http=", NULL),
	              0);
	TZ_EXPECT_INT(c.nlisten, 2);
	TZ_EXPECT(!strcmp(c.listen[1].text, "tcp:10.0.0.1:5060"));
	TZ_EXPECT_INT(c.t1, 100);
	TZ_EXPECT_INT(c.t2, 1000);
	TZ_EXPECT_INT(c.ndomain, 2);
	TZ_EXPECT(!strcmp(c.domain[1], "b.example"));
	TZ_EXPECT(!strcmp(c.control, "/tmp/t.db.ctl"));
	TZ_EXPECT_INT(c.log_level, TZ_LOG_TRACE);

	/* errors: c is untouched */
	before = c;
	TZ_EXPECT_INT(args(&c, path, err, "--frobnicate", "1", NULL), -ENOENT);
	TZ_EXPECT(!strcmp(err, "--frobnicate: unknown option"));
	TZ_EXPECT_INT(args(&c, path, err, "--frobnicate=1", NULL), -ENOENT);
	TZ_EXPECT(!strcmp(err, "--frobnicate: unknown option"));
	TZ_EXPECT_INT(args(&c, path, err, "--frobnicate", NULL), -ENOENT);
	TZ_EXPECT_INT(args(&c, path, err, "-w", "4", NULL), -ENOENT);
	TZ_EXPECT(!strcmp(err, "-w: unknown option"));
	TZ_EXPECT_INT(args(&c, path, err, "--workers", NULL), -EINVAL);
	TZ_EXPECT(!strcmp(err, "--workers: missing value"));
	TZ_EXPECT_INT(args(&c, path, err, "--workers", "--t1", "1s", NULL),
	              -EINVAL);
	TZ_EXPECT(!strcmp(err, "--workers: missing value"));
	TZ_EXPECT_INT(args(&c, path, err, "foo", NULL), -EINVAL);
	TZ_EXPECT(!strcmp(err, "unexpected argument: foo"));
	TZ_EXPECT_INT(args(&c, path, err, "--t1", "1s", "foo", NULL), -EINVAL);
	TZ_EXPECT(!strcmp(err, "unexpected argument: foo"));
	TZ_EXPECT_INT(args(&c, path, err, "--", NULL), -EINVAL);
	TZ_EXPECT_INT(args(&c, path, err, "--workers", "abc", NULL), -EINVAL);
	TZ_EXPECT(!strcmp(err, "--workers: expected an integer 0..256, got "
	                       "\"abc\""));
	TZ_EXPECT_INT(args(&c, path, err, "--t1", "500", NULL), -EINVAL);
	TZ_EXPECT(!strcmp(err, "--t1: duration needs a unit (ms, s, min), as "
	                       "in 500ms"));
	TZ_EXPECT_INT(args(&c, path, err, "--t1", "5s", NULL), -EINVAL);
	TZ_EXPECT(!strcmp(err, "t1: must not exceed t2 (5s > 4s)"));
	TZ_EXPECT_INT(args(&c, path, err, "--config", NULL), -EINVAL);
	TZ_EXPECT(!strcmp(err, "--config: missing value"));
	TZ_EXPECT_INT(args(&c, path, err, "--config=", NULL), -EINVAL);
	TZ_EXPECT(!memcmp(&c, &before, sizeof(c)));

	/* defaults < file < command line, lists replaced per source */
	file = write_text("a.conf", "listen = udp:10.0.0.9\n"
	                            "listen = tcp:10.0.0.9\n"
	                            "domain = file.example\n"
	                            "t1 = 200ms\n"
	                            "t4 = 6s\n"
	                            "control = /tmp/file.ctl\n");
	TZ_EXPECT_INT(args(&c, path, err, "--config", file, NULL), 0);
	TZ_EXPECT(!strcmp(path, file));
	TZ_EXPECT_INT(c.nlisten, 2);
	TZ_EXPECT(!strcmp(c.listen[0].text, "udp:10.0.0.9:5060"));
	TZ_EXPECT(!strcmp(c.listen[1].text, "tcp:10.0.0.9:5060"));
	TZ_EXPECT_INT(c.ndomain, 1);
	TZ_EXPECT(!strcmp(c.domain[0], "file.example"));
	TZ_EXPECT_INT(c.t1, 200);
	TZ_EXPECT(!strcmp(c.control, "/tmp/file.ctl"));
	/* --config after the flags is still read first */
	snprintf(cfgarg, sizeof(cfgarg), "--config=%s", file);
	TZ_EXPECT_INT(args(&c, path, err, "--listen", "udp:10.0.0.7", "--t1",
	                   "300ms", "--listen", "wss:[::1]", cfgarg, NULL),
	              0);
	TZ_EXPECT(!strcmp(path, file));
	TZ_EXPECT_INT(c.nlisten, 2);
	TZ_EXPECT(!strcmp(c.listen[0].text, "udp:10.0.0.7:5060"));
	TZ_EXPECT(!strcmp(c.listen[1].text, "wss:[::1]:5061"));
	TZ_EXPECT(!strcmp(c.domain[0], "file.example"));
	TZ_EXPECT_INT(c.t1, 300);
	TZ_EXPECT_INT(c.t4, 6000);

	/* file errors come through as they are; --config once */
	before = c;
	file = write_text("b.conf", "t1 = 1s\nt2 = 1\n");
	TZ_EXPECT_INT(args(&c, path, err, "--config", file, NULL), -EINVAL);
	snprintf(want, sizeof(want),
	         "%s:2: t2: duration needs a unit (ms, s, min), as in 500ms",
	         file);
	TZ_EXPECT(!strcmp(err, want));
	TZ_EXPECT_INT(
	        args(&c, path, err, "--config", file, "--config", file, NULL),
	        -EINVAL);
	TZ_EXPECT(!strcmp(err, "--config: given twice"));
	snprintf(want, sizeof(want), "%s/none.conf", tmpdir);
	TZ_EXPECT_INT(args(&c, path, err, "--config", want, NULL), -ENOENT);
	TZ_EXPECT(!memcmp(&c, &before, sizeof(c)));
	return 0;
}

/* examples/trapezoid.conf sets every key to its default. */
static int test_config_example(void)
{
	static const char *const rel[] = {
	        "../../examples/trapezoid.conf", "../examples/trapezoid.conf",
	        "examples/trapezoid.conf", "../../../examples/trapezoid.conf"};
	struct tz_config c, def;
	char err[ERRLEN], path[PATH_MAX], arg[PATH_MAX + 16], *argv[2];
	const char *found = NULL, *slash;
	size_t i;

	/* beside this source file first (CMake passes absolute paths) */
	slash = strstr(__FILE__, "tests/unit/test_config.c");
	if (slash && (size_t)(slash - __FILE__) + 30 < sizeof(path)) {
		snprintf(path, sizeof(path), "%.*sexamples/trapezoid.conf",
		         (int)(slash - __FILE__), __FILE__);
		if (access(path, R_OK) == 0)
			found = path;
	}
	for (i = 0; !found && i < sizeof(rel) / sizeof(rel[0]); i++) {
		if (access(rel[i], R_OK) == 0)
			found = rel[i];
	}
	if (!found)
		fprintf(stderr,
		        "test_config_example: examples/trapezoid.conf "
		        "not found beside %s nor relative to the working "
		        "directory\n",
		        __FILE__);
	TZ_EXPECT(found != NULL);
	if (!found)
		return 0;
	tz_config_default(&def);
	tz_config_default(&c);
	err[0] = '\0';
	TZ_EXPECT_INT(tz_config_load(&c, found, err, sizeof(err)), 0);
	if (err[0])
		fprintf(stderr, "%s\n", err);
	TZ_EXPECT_INT(c.nlisten, 2);
	TZ_EXPECT_INT(c.t1, 500);
	TZ_EXPECT_INT(c.tcp_idle, 120000);
	TZ_EXPECT(!memcmp(&c, &def, sizeof(c)));

	/* as serve reads it: control derived as from the defaults */
	snprintf(arg, sizeof(arg), "--config=%s", found);
	argv[0] = arg;
	argv[1] = NULL;
	TZ_EXPECT_INT(tz_config_args(&c, 1, argv, NULL, err, sizeof(err)), 0);
	TZ_EXPECT_INT(tz_config_finish(&def, err, sizeof(err)), 0);
	TZ_EXPECT(!memcmp(&c, &def, sizeof(c)));
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_config_file),
        TZ_TEST(test_config_args),
        TZ_TEST(test_config_example),
};

int main(int argc, char **argv)
{
	int rc = tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                      argv);

	remove_tmpdir();
	return rc;
}
