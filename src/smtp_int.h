/*
 * smtp_int.h - PRIVATE to src/smtp.c and src/smtptx.c; nothing else may
 * include it (the public contract is smtp.h).
 *
 * One SMTP module in two files: smtp.c is the session (connect, greeting,
 * EHLO/LHLO, STARTTLS, AUTH, keep-open/usable/close, -S serverinfo),
 * smtptx.c the mail transaction (MAIL/RCPT, DATA or BDAT, the body, the
 * replies after it, RSET, smtp_deliver, smtp_verify).  What both need is
 * here: the session struct and the command/reply helpers, defined in
 * smtp.c.
 *
 * smtp_cmd(): queue one command line (CRLF added); `secret` hides it in
 * -v output.  Returns 0, or -1 with e filled.
 * smtp_read_reply(): flush, then read one complete reply into s->r
 * within ms (no pipelined AUTH reply handling).
 * smtp_get_reply(): flush, then read the next complete reply into s->r
 * within ms; a pipelined AUTH's reply is read (and must be 235) first.
 * On I/O failure s->broken is set and e names `what`.
 * smtp_expect(): smtp_get_reply() and demand reply class `want` (2 or
 * 3); else -1 with e classified by err_from_reply() under phase ph.
 *
 * smtp_auth() (smtpauth.c): the AUTH exchange after EHLO: pick the
 * mechanism (sasl_pick), run it, renew a refused OAuth2 token once
 * (cred->renew) and try again; a SCRAM server that fails to prove
 * itself ends the session with nothing more sent.  0, or -1 with e.
 * smtp_auth_plan(): for -S, two lines (caller frees): the mechanisms the
 * server offers and the one smtp_auth() would use for the account.
 */
#ifndef SMTPS_SMTP_INT_H
#define SMTPS_SMTP_INT_H

#include "err.h"
#include "limit.h"
#include "reply.h"
#include "smtp.h"

struct io;
struct tls;

struct smtp {
	const struct account	*a;
	struct cred		*cred;		/* NULL: -S, no sign-in */
	struct io		*io;
	int			 fd;
	struct tls		*tls;
	struct caps		 caps;
	struct reply		 r;
	int			 timeout_ms;	/* each reply, connect */
	int			 data_ms;	/* reply to the final dot */
	int			 broken;	/* I/O failed: no QUIT */
	int			 auth_mech;	/* AUTH sent, reply not read */
	int			 keep_open;	/* more messages will follow */
	int			 quit_sent;	/* QUIT went with the final dot */
	int			 noauth;	/* -S: look, never authenticate */
	int			 lmtp;		/* protocol lmtp (RFC 2033) */
	int			 mech;		/* SASL mechanism, 0 = none */
	int			 hide_334;	/* -v: 334 challenges as *** */
	struct err		 refused;	/* LMTP: 5xx after the data */
	char			 name[LIMIT_DOMAIN + 1];
};

int	smtp_cmd(struct smtp *, int secret, struct err *, const char *, ...)
	    __attribute__((format(printf, 4, 5)));
int	smtp_read_reply(struct smtp *, int ms, const char *what, struct err *);
int	smtp_get_reply(struct smtp *, int ms, const char *what, struct err *);
int	smtp_expect(struct smtp *, int want, enum err_phase, int ms,
	    const char *what, struct err *);
int	smtp_auth(struct smtp *, struct err *);
char	*smtp_auth_plan(struct smtp *);

#endif
