/* SPDX-License-Identifier: ISC */
/*
 * logline.h - PURE formatter of the `logfile` / `syslog` line: one line
 * per message attempt, msmtp's fields plus smtps's, `key=value`:
 *
 *   Nov 28 02:11:58 account=work host=smtp.example.org port=465 tls=TLS1.3
 *   auth=PLAIN user=alice from=alice@example.org
 *   recipients=bob@example.net,carol@example.net mailsize=1234
 *   msgid=<x@example.org> queueid=20261128T021158.abc outcome=delivered
 *   smtpstatus=250 smtpmsg='2.0.0 Ok: queued as 4Zx' exitcode=EX_OK
 *
 * (one line; wrapped here).  The time prefix (strftime with `timefmt`,
 * default msmtp's "%b %d %H:%M:%S") is written only when `tm` is given
 * and `timefmt` is not "none" (msmtp 1.8.28: no time at all): syslog adds
 * its own; control bytes from the format become blanks and
 * 8-bit bytes '?'.  Fields whose value is unknown (NULL, or size < 0,
 * status 0) are left out; tls=off and auth=off say so when not used;
 * `nosession` (the attempt failed before a session existed: config,
 * message, connect, TLS handshake, AUTH) leaves tls, auth and user out.
 * Values holding a blank, a quote, `=`, `\` or nothing at all are put in
 * single quotes with `'` and `\` escaped by `\`; control bytes and bytes
 * >= 0x7f are made visible (err_visible), so a hostile server reply cannot
 * break the line or the terminal.  The struct has no password field: a
 * secret cannot reach the log.
 *
 * logline_format() writes at most outsz-1 bytes and a NUL; a line that
 * does not fit is cut at a field boundary and ends with " ..." (never a
 * half-escaped value).  Returns the length written.
 * logline_exitname(): "EX_OK", "EX_TEMPFAIL", ... ("EX_UNKNOWN" otherwise).
 */
#ifndef SMTPS_LOGLINE_H
#define SMTPS_LOGLINE_H

#include <stddef.h>
#include <time.h>

struct logline {
	const char	 *account;
	const char	 *host;
	int		  port;		/* 0 = unknown */
	const char	 *tls;		/* "TLS1.3", NULL = not used */
	const char	 *auth;		/* mechanism, NULL = not used */
	const char	 *user;		/* only shown with auth */
	const char	 *from;		/* "" = null sender */
	char * const	 *rcpts;
	size_t		  nrcpts;
	long long	  size;		/* bytes sent; < 0 = unknown */
	const char	 *msgid;
	const char	 *queue_id;
	const char	 *outcome;	/* delivered, queued, failed, ... */
	int		  status;	/* last SMTP reply code; 0 = the
					   reply's first 3 digits, if any */
	const char	 *reply;	/* server reply ("250 2.0.0 Ok"), as
					   msmtp's smtpmsg: code included */
	const char	 *error;	/* smtps's error message */
	int		  exitcode;	/* sysexits */
	int		  nosession;	/* no tls=, auth=, user= */
};

size_t	logline_format(const struct logline *, const struct tm *tm,
	    const char *timefmt, char *out, size_t outsz);
const char *logline_exitname(int code);

#endif
