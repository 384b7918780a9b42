/* SPDX-License-Identifier: ISC */
/*
 * t_logline.c - golden lines of the logfile/syslog formatter
 * (src/logline.c): every field, quoting and escaping of hostile values,
 * time formats, truncation at a field boundary, exit code names.
 */
#include <string.h>
#include <sysexits.h>

#include "logline.h"
#include "t.h"

static char r_bob[] = "bob@example.net", r_carol[] = "carol@example.net";
static char r_odd[] = "a b\"@example.net";
static char *two[] = { r_bob, r_carol };
static char *odd[] = { r_odd };

struct lcase {
	struct logline	 l;
	int		 with_time;
	const char	*timefmt;
	const char	*want;
};

static const struct lcase cases[] = {
	{ { "work", "smtp.example.org", 465, "TLS1.3", "PLAIN", "alice",
	    "alice@example.org", two, 2, 1234, "<x.1@example.org>", "Q1",
	    "delivered", 250, "2.0.0 Ok: queued as 4Zx", NULL, EX_OK, 0 },
	  1, NULL,
	  "Nov 28 02:11:58 account=work host=smtp.example.org port=465 "
	  "tls=TLS1.3 auth=PLAIN user=alice from=alice@example.org "
	  "recipients=bob@example.net,carol@example.net mailsize=1234 "
	  "msgid=<x.1@example.org> queueid=Q1 outcome=delivered "
	  "smtpstatus=250 smtpmsg='2.0.0 Ok: queued as 4Zx' exitcode=EX_OK" },
	/* no TLS, no auth (user not shown), null sender, unknown size */
	{ { "local", "127.0.0.1", 25, NULL, NULL, "alice", "", two, 1, -1,
	    NULL, NULL, "failed", 550, "5.1.1 <bob@example.net>: unknown",
	    "recipient rejected", EX_NOUSER, 0 },
	  0, NULL,
	  "account=local host=127.0.0.1 port=25 tls=off auth=off from='' "
	  "recipients=bob@example.net outcome=failed smtpstatus=550 "
	  "smtpmsg='5.1.1 <bob@example.net>: unknown' "
	  "errormsg='recipient rejected' exitcode=EX_NOUSER" },
	/* hostile server text: line breaks, escapes, quotes, 8-bit */
	{ { "a", "h", 0, NULL, NULL, NULL, "x@y", odd, 1, -1, NULL, NULL,
	    "queued", 451, "4.0.0 it's\r\nevil \033[2J \\ \xff", NULL,
	    EX_TEMPFAIL, 0 },
	  0, NULL,
	  "account=a host=h tls=off auth=off from=x@y "
	  "recipients='a b\"@example.net' outcome=queued smtpstatus=451 "
	  "smtpmsg='4.0.0 it\\'s\\x0D\\x0Aevil \\x1B[2J \\\\ \\xFF' "
	  "exitcode=EX_TEMPFAIL" },
	/* failure before a session: no tls=, auth=, user= (not known) */
	{ { "work", "smtp.example.org", 465, "TLS1.3", "PLAIN", "alice",
	    "alice@example.org", two, 2, 1234, "<x.1@example.org>", NULL,
	    "saved", 0, NULL, "cannot connect to smtp.example.org port 465: "
	    "Connection refused", EX_TEMPFAIL, 1 },
	  0, NULL,
	  "account=work host=smtp.example.org port=465 "
	  "from=alice@example.org "
	  "recipients=bob@example.net,carol@example.net mailsize=1234 "
	  "msgid=<x.1@example.org> outcome=saved "
	  "errormsg='cannot connect to smtp.example.org port 465: "
	  "Connection refused' exitcode=EX_TEMPFAIL" },
	/* rejected locally: no sender checked, no message, no session */
	{ { "work", "smtp.example.org", 465, NULL, NULL, "alice", NULL,
	    NULL, 0, -1, NULL, NULL, "failed", 0, NULL,
	    "-f '(argument)': empty address", EX_DATAERR, 1 },
	  1, NULL,
	  "Nov 28 02:11:58 account=work host=smtp.example.org port=465 "
	  "outcome=failed errormsg='-f \\'(argument)\\': empty address' "
	  "exitcode=EX_DATAERR" },
	/* a session without TLS that authenticated: tls=off auth=LOGIN;
	   smtpstatus taken from the reply */
	{ { "lan", "10.0.0.1", 25, NULL, "LOGIN", "alice", "a@b", odd, 1, 9,
	    "<m@b>", "Q2", "queued", 0, "451 4.3.0 try later",
	    "queued: 451 later", 0, 0 },
	  0, NULL,
	  "account=lan host=10.0.0.1 port=25 tls=off auth=LOGIN user=alice "
	  "from=a@b recipients='a b\"@example.net' mailsize=9 msgid=<m@b> "
	  "queueid=Q2 outcome=queued smtpstatus=451 "
	  "smtpmsg='451 4.3.0 try later' errormsg='queued: 451 later' "
	  "exitcode=EX_OK" },
	/* a reply without a code: no smtpstatus */
	{ { "a", NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, -1, NULL, NULL,
	    "failed", 0, "45x odd", NULL, EX_PROTOCOL, 0 },
	  0, NULL, "account=a tls=off auth=off outcome=failed "
	  "smtpmsg='45x odd' exitcode=EX_PROTOCOL" },
	/* time format: user's, empty = default, line breaks removed */
	{ { "a", NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, -1, NULL, NULL,
	    NULL, 0, NULL, NULL, 99, 0 },
	  1, "%Y-%m-%dT%H:%M:%S", "2026-11-28T02:11:58 account=a tls=off "
	  "auth=off exitcode=EX_UNKNOWN" },
	{ { "a", NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, -1, NULL, NULL,
	    NULL, 0, NULL, NULL, EX_CONFIG, 0 },
	  1, "", "Nov 28 02:11:58 account=a tls=off auth=off "
	  "exitcode=EX_CONFIG" },
	{ { "a", NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, -1, NULL, NULL,
	    NULL, 0, NULL, NULL, EX_CONFIG, 0 },
	  1, "%Y\n%m\xc3\xa9", "2026 11?? account=a tls=off auth=off "
	  "exitcode=EX_CONFIG" },
	/* "none" (msmtp 1.8.28): no time at all; only that exact word */
	{ { "a", NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, -1, NULL, NULL,
	    NULL, 0, NULL, NULL, EX_OK, 0 },
	  1, "none", "account=a tls=off auth=off exitcode=EX_OK" },
	{ { "a", NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, -1, NULL, NULL,
	    NULL, 0, NULL, NULL, EX_OK, 0 },
	  1, "none %Y", "none 2026 account=a tls=off auth=off "
	  "exitcode=EX_OK" },
};

static struct tm
when(void)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 126;
	tm.tm_mon = 10;
	tm.tm_mday = 28;
	tm.tm_hour = 2;
	tm.tm_min = 11;
	tm.tm_sec = 58;
	tm.tm_wday = 6;
	return tm;
}

static void
truncation(void)
{
	struct logline l;
	char out[80];
	size_t n;

	memset(&l, 0, sizeof(l));
	l.account = "account-name";
	l.host = "a-rather-long-host-name.example.org";
	l.error = "this will not fit";
	n = logline_format(&l, NULL, NULL, out, sizeof(out));
	T_EQ_STR(out, "account=account-name "
	    "host=a-rather-long-host-name.example.org tls=off ...");
	T_EQ_INT((long)n, (long)strlen(out));
	T_EQ_INT((long)logline_format(&l, NULL, NULL, out, 4), 0);
	T_EQ_STR(out, "");
}

int
main(void)
{
	struct tm tm = when();
	char out[2048];
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = logline_format(&cases[i].l, cases[i].with_time ? &tm : NULL,
		    cases[i].timefmt, out, sizeof(out));
		T_EQ_STR(out, cases[i].want);
		T_EQ_INT((long)n, (long)strlen(out));
	}
	truncation();
	T_EQ_STR(logline_exitname(EX_OK), "EX_OK");
	T_EQ_STR(logline_exitname(EX_PROTOCOL), "EX_PROTOCOL");
	return t_done("t_logline");
}
