/*
 * t_flags.c - the command-line table: each flag form, clustering,
 * attached and separate values, errors.
 */
#include "t.h"
#include "flags.h"

static int
parse(struct opts *o, struct err *e, const char *const *args)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = (char *)"smtps";
	while (*args != NULL && argc < 31)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	err_clear(e);
	return flags_parse(argc, argv, o, e);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

int
main(void)
{
	struct opts o;
	struct err e;

	T_EQ_INT(parse(&o, &e, ARGS("a@x")), 0);
	T_EQ_INT(o.nrcpts, 1);
	T_EQ_STR(o.rcpts[0], "a@x");
	T_EQ_INT(o.read_rcpts, 0);

	T_EQ_INT(parse(&o, &e, ARGS("-t", "-i", "-oi", "-oem", "-bm")), 0);
	T_EQ_INT(o.read_rcpts, 1);
	T_EQ_INT(o.nrcpts, 0);

	T_EQ_INT(parse(&o, &e, ARGS("-ti")), 0);
	T_EQ_INT(o.read_rcpts, 1);

	T_EQ_INT(parse(&o, &e, ARGS("-f", "me@x", "b@y")), 0);
	T_EQ_STR(o.from, "me@x");
	T_EQ_INT(parse(&o, &e, ARGS("-fme@x", "b@y")), 0);
	T_EQ_STR(o.from, "me@x");
	T_EQ_INT(parse(&o, &e, ARGS("-r", "", "b@y")), 0);
	T_EQ_STR(o.from, "");
	T_EQ_INT(parse(&o, &e, ARGS("-F", "Jo Doe", "-v", "-v", "b@y")), 0);
	T_EQ_STR(o.fullname, "Jo Doe");
	T_EQ_INT(o.verbose, 2);

	T_EQ_INT(parse(&o, &e, ARGS("-C", "/tmp/rc", "-a", "work", "b@y")), 0);
	T_EQ_STR(o.conffile, "/tmp/rc");
	T_EQ_STR(o.account, "work");
	T_EQ_INT(parse(&o, &e, ARGS("--account=home", "b@y")), 0);
	T_EQ_STR(o.account, "home");
	T_EQ_INT(parse(&o, &e, ARGS("--account", "home2", "b@y")), 0);
	T_EQ_STR(o.account, "home2");

	/* "--" ends options: a recipient may start with "-" */
	T_EQ_INT(parse(&o, &e, ARGS("-i", "--", "-odd@x", "b@y")), 0);
	T_EQ_INT(o.nrcpts, 2);
	T_EQ_STR(o.rcpts[0], "-odd@x");
	/* first non-option starts the recipients; options after it: refused */
	T_EQ_INT(parse(&o, &e, ARGS("a@x", "-t")), -1);
	T_EQ_INT(e.code, EX_USAGE);
	T_EQ_STR(e.msg, "option '-t' after the recipients: put options first "
	    "(recipients that start with '-' go after '--')");
	T_EQ_INT(parse(&o, &e, ARGS("a@x", "b@y")), 0);
	T_EQ_INT(o.nrcpts, 2);

	T_EQ_INT(parse(&o, &e, ARGS("--help")), 0);
	T_EQ_INT(o.mode, MODE_HELP);
	T_EQ_INT(parse(&o, &e, ARGS("--version")), 0);
	T_EQ_INT(o.mode, MODE_VERSION);

	/* cron: -FCronDaemon -i -B8BITMIME -oem root; systemd-cron: -B 8BITMIME */
	T_EQ_INT(parse(&o, &e, ARGS("-FCronDaemon", "-i", "-B8BITMIME", "-oem",
	    "root")), 0);
	T_EQ_STR(o.fullname, "CronDaemon");
	T_EQ_INT(o.nrcpts, 1);
	T_EQ_STR(o.rcpts[0], "root");
	T_EQ_INT(parse(&o, &e, ARGS("-B", "8BITMIME", "root")), 0);
	T_EQ_INT(o.nrcpts, 1);

	/* errors */
	T_EQ_INT(parse(&o, &e, ARGS("-Z", "a@x")), -1);
	T_EQ_INT(e.code, EX_USAGE);
	T_EQ_STR(e.msg, "unknown option '-Z' (see smtps --help)");
	T_EQ_INT(parse(&o, &e, ARGS("--frobnicate", "a@x")), -1);
	T_EQ_STR(e.msg, "unknown option '--frobnicate' (see smtps --help)");
	T_EQ_INT(parse(&o, &e, ARGS("-f")), -1);
	T_EQ_STR(e.msg, "option '-f' needs a value");
	T_EQ_INT(parse(&o, &e, ARGS("--account")), -1);
	T_EQ_STR(e.msg, "option '--account' needs a value");
	T_EQ_INT(parse(&o, &e, ARGS("--help=x")), -1);
	T_EQ_INT(parse(&o, &e, ARGS("-bs")), -1);
	T_EQ_STR(e.msg, "mode '-bs' is not supported");
	T_EQ_INT(parse(&o, &e, ARGS("-i")), -1);
	T_EQ_INT(e.code, EX_USAGE);
	T_EQ_INT(parse(&o, &e, ARGS("-tZ")), -1);
	T_EQ_STR(e.msg, "unknown option '-Z' (see smtps --help)");
	/* the queue commands */
	T_EQ_INT(parse(&o, &e, ARGS("-bp")), 0);
	T_EQ_INT(o.mode, MODE_LIST);
	T_EQ_INT(parse(&o, &e, ARGS("-q")), 0);
	T_EQ_INT(o.mode, MODE_FLUSH);
	T_EQ_INT(parse(&o, &e, ARGS("-q30m")), 0);
	T_EQ_INT(o.mode, MODE_FLUSH);
	T_EQ_INT(parse(&o, &e, ARGS("-qI", "0abc.12.ff")), 0);
	T_EQ_INT(o.mode, MODE_FLUSH_ONE);
	T_EQ_STR(o.queue_id, "0abc.12.ff");
	T_EQ_INT(parse(&o, &e, ARGS("-qI0abc")), 0);
	T_EQ_INT(o.mode, MODE_FLUSH_ONE);
	T_EQ_STR(o.queue_id, "0abc");
	T_EQ_INT(parse(&o, &e, ARGS("-qI")), -1);
	T_EQ_INT(e.code, EX_USAGE);
	T_EQ_INT(parse(&o, &e, ARGS("-qRbob")), -1);
	T_EQ_INT(e.code, EX_USAGE);
	T_EQ_INT(parse(&o, &e, ARGS("--queue-delete", "0abc")), 0);
	T_EQ_INT(o.mode, MODE_DELETE);
	T_EQ_STR(o.queue_id, "0abc");
	T_EQ_INT(parse(&o, &e, ARGS("--no-queue", "b@y")), 0);
	T_EQ_INT(o.no_queue, 1);
	T_EQ_INT(o.mode, MODE_SEND);
	T_EQ_INT(parse(&o, &e, ARGS("-bp", "b@y")), -1);
	T_EQ_INT(e.code, EX_USAGE);
	T_EQ_INT(parse(&o, &e, ARGS("--flush-daemon", "/q")), 0);
	T_EQ_INT(o.mode, MODE_DAEMON);
	T_EQ_STR(o.flush_dir, "/q");
	{
		char *mq[] = { (char *)"/usr/bin/mailq", NULL };

		err_clear(&e);
		T_EQ_INT(flags_parse(1, mq, &o, &e), 0);
		T_EQ_INT(o.mode, MODE_LIST);
	}

	return t_done("t_flags");
}
