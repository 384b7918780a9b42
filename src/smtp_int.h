/* SPDX-License-Identifier: ISC */
/*
 * smtp_int.h - PRIVATE to src/smtp.c, src/smtpauth.c and src/smtptx.c
 * (and their tests); nothing else may include it (the public contract is
 * smtp.h; `make lint` checks).
 *
 * One SMTP module in two files: smtp.c is the session (connect, greeting,
 * EHLO/LHLO, STARTTLS, AUTH, keep-open/usable/close, -S serverinfo),
 * smtptx.c the mail transaction (MAIL/RCPT, DATA or BDAT, the body, the
 * replies after it, RSET, smtp_deliver, smtp_verify).  What both need is
 * here: the session struct and the command/reply helpers, defined in
 * smtp.c.
 *
 * Replies are counted: s->due is the number of commands whose reply has
 * not been read (the greeting counts as one).
 * smtp_cmd(): queue one command line (CRLF added; one more reply due);
 * `secret` hides it in -v output.  When no reply is due, bytes already
 * received are a reply no command asked for: smtp_no_stray() fails.
 * Returns 0, or -1 with e filled.
 * smtp_no_stray(): -1 (EX_PROTOCOL, s->broken and s->desync set) when no
 * reply is due but received bytes are waiting (under TLS: decrypted
 * ones); `after` names the point for the message.  What is waiting is
 * read: the end of the connection or a malformed reply is that error,
 * and a 421 the server closing (RFC 5321 3.8, EX_TEMPFAIL): s->broken
 * only.  Else 0.
 * smtp_get_reply(): flush, then read the next complete reply into s->r
 * within ms.  It answers command `to`: a code reply_allowed() refuses
 * for it is EX_PROTOCOL (s->broken and s->desync set: the replies are
 * out of step).  On I/O failure s->broken is set and e names `what`.
 * smtp_expect(): smtp_get_reply() and demand reply class `want` (2 or
 * 3); else -1 with e classified by err_from_reply() under phase ph.
 *
 * smtp_intl_prepare() (smtpintl.c): before MAIL, what the message asks
 * of this session (struct spool_intl, the addresses): SMTPUTF8 when the server
 * offers it and anything is non-ASCII (or -O smtputf8); else the domains
 * as A-labels (idna.h) when only domains are non-ASCII; else, when
 * SMTPUTF8 is needed and not offered, EX_UNAVAILABLE naming the address
 * or header field.  REQUIRETLS (-O requiretls): EX_CONFIG without TLS,
 * EX_UNAVAILABLE when not offered.  On success x->env is the envelope to
 * send (x->env.from/rcpts point into x or env) and x->params the MAIL
 * FROM parameters (" SMTPUTF8", " REQUIRETLS"); smtp_intl_free() frees
 * x.  Nothing is sent either way.
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

/* the command after the final dot whose reply proves the dot's own was
   read (smtptx.c): QUIT ends the session, RSET keeps it for more */
enum after_dot { AFTER_DOT_NONE, AFTER_DOT_QUIT, AFTER_DOT_RSET };

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
	size_t			 due;		/* replies due, not yet read */
	int			 desync;	/* replies out of step */
	int			 keep_open;	/* more messages will follow */
	int			 quit_sent;	/* QUIT went with the
						   final dot */
	int			 rset_sent;	/* RSET went with the
						   final dot */
	enum after_dot		 check_after;	/* no PIPELINING: the
						   command sent once the
						   dot's reply is read */
	int			 noauth;	/* -S: look, never
						   authenticate */
	enum smtp_stage		 stage;		/* how far the session
						   got (--doctor) */
	int			 lmtp;		/* protocol lmtp (RFC 2033) */
	int			 mech;		/* SASL mechanism, 0 = none */
	int			 hide_334;	/* -v: 334 challenges as *** */
	struct err		 refused;	/* LMTP: 5xx after the data */
	const char		*mail_params;	/* smtp_intl's, during
						   smtp_deliver/verify */
	char			 name[LIMIT_DOMAIN + 1];
};

int	smtp_cmd(struct smtp *, int secret, struct err *, const char *, ...)
	    __attribute__((format(printf, 4, 5)));
int	smtp_get_reply(struct smtp *, enum reply_to, int ms, const char *what,
	    struct err *);
int	smtp_expect(struct smtp *, enum reply_to, int want, enum err_phase,
	    int ms, const char *what, struct err *);
int	smtp_no_stray(struct smtp *, const char *after, struct err *);
struct smtp_intl {
	struct envelope	 env;		/* what goes into MAIL and RCPT */
	char		*from;		/* converted copies, or NULL */
	char		**rcpts;
	char		 params[32];	/* " SMTPUTF8 REQUIRETLS" or less */
};
int	smtp_intl_prepare(struct smtp *, const struct envelope *,
	    const struct spool_intl *, struct smtp_intl *, struct err *);
void	smtp_intl_free(struct smtp_intl *);
int	smtp_auth(struct smtp *, struct err *);
char	*smtp_auth_plan(struct smtp *);

#endif
