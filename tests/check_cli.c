// SPDX-License-Identifier: GPL-2.0-only
/*
 * The command line: every command of the table answers --help with its own
 * usage on stdout and exit 0 (wherever --help stands before a `--`), and still
 * refuses a bad option with a non-zero exit. Each call runs in a child, since
 * a command may exit or leave getopt's state behind.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli/cli.h"
#include "unit.h"

struct cli_result {
	int status;
	char out[8192];
};

/* Run vf_cli_main(argv) in a child; stdout is kept, stderr dropped. */
static void cli(struct cli_result *r, char **argv)
{
	int fds[2];
	ssize_t n, len = 0;
	pid_t pid;
	int ws;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		int argc = 0;

		while (argv[argc])
			argc++;
		dup2(fds[1], STDOUT_FILENO);
		if (!freopen("/dev/null", "w", stderr))
			_exit(99);
		close(fds[0]);
		fflush(stdout);
		exit(vf_cli_main(argc, argv));
	}
	close(fds[1]);
	while ((n = read(fds[0], r->out + len, sizeof(r->out) - 1 - len)) > 0)
		len += n;
	r->out[len] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert(WIFEXITED(ws));
	r->status = WEXITSTATUS(ws);
}

START_TEST(every_command_has_help)
{
	const char *name = vf_cli_command_name(_i);
	char want[64];
	struct cli_result r;

	ck_assert_ptr_nonnull(name);
	snprintf(want, sizeof(want), "usage: vfconform %s ", name);
	cli(&r, (char *[]){ "vfconform", (char *)name, "--help", NULL });
	ck_assert_msg(r.status == 0, "%s --help exited %d", name, r.status);
	ck_assert_msg(!strncmp(r.out, want, strlen(want)), "%s --help printed '%.60s'", name,
		      r.out);
	/* after other arguments too, and -h alike */
	cli(&r, (char *[]){ "vfconform", (char *)name, "x.json", "-h", NULL });
	ck_assert_msg(r.status == 0, "%s x.json -h exited %d", name, r.status);
	ck_assert(!strncmp(r.out, want, strlen(want)));
}
END_TEST

START_TEST(every_command_refuses_bad_option)
{
	const char *name = vf_cli_command_name(_i);
	struct cli_result r;

	cli(&r, (char *[]){ "vfconform", (char *)name, "--no-such-option", NULL });
	ck_assert_msg(r.status != 0, "%s --no-such-option exited 0", name);
}
END_TEST

START_TEST(table_and_global_help)
{
	struct cli_result r;
	unsigned n = 0;

	while (vf_cli_command_name(n))
		n++;
	ck_assert_uint_ge(n, 10);
	cli(&r, (char *[]){ "vfconform", "--help", NULL });
	ck_assert_int_eq(r.status, 0);
	for (unsigned i = 0; i < n; i++) {
		char line[64];

		snprintf(line, sizeof(line), "\n  %s ", vf_cli_command_name(i));
		ck_assert_msg(strstr(r.out, line), "--help does not list %s", line + 3);
	}
	cli(&r, (char *[]){ "vfconform", "no-such-command", NULL });
	ck_assert_int_eq(r.status, 2);
	cli(&r, (char *[]){ "vfconform", "run", "--", "--help", NULL });
	ck_assert_int_ne(r.status, 0);
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("commands");
	unsigned n = 0;

	while (vf_cli_command_name(n))
		n++;
	tcase_add_loop_test(tc, every_command_has_help, 0, n);
	tcase_add_loop_test(tc, every_command_refuses_bad_option, 0, n);
	tcase_add_test(tc, table_and_global_help);
	suite_add_tcase(s, tc);
	return s;
}

VF_CHECK_MAIN(cli_suite)
