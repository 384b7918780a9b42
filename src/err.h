/* SPDX-License-Identifier: ISC */
/*
 * err.h - the one error model of smtps.
 *
 * Functions that can fail return 0 (or a pointer) on success and -1 (or NULL)
 * on failure, after filling the caller's struct err.  The struct carries the
 * sysexits(3) code that main() will exit with, a one-line description of what
 * failed and why, the server's reply (control characters made visible) and
 * the protocol phase.  Only main() prints it and exits.
 *
 * The temporary/permanent policy for SMTP replies lives here only
 * (err_from_reply), so every caller classifies the same way.
 *
 * Out of memory is the single exception to "only main exits": the x*()
 * allocators print one line and exit EX_OSERR.
 */
#ifndef SMTPS_ERR_H
#define SMTPS_ERR_H

#include <stddef.h>
#include <sysexits.h>
#include "limit.h"

/* why a failure after the final dot leaves the message possibly
   delivered (err.after_dot; 0: it does not) */
#define ERR_DOT_LOST	1	/* the link was lost before the answer */
#define ERR_DOT_DESYNC	2	/* the replies were out of step */

struct err {
	int	code;				/* sysexits code; 0 = no
						   error */
	char	msg[LIMIT_ERR_MSG];		/* "what failed: why" */
	char	reply[LIMIT_ERR_REPLY];		/* server reply, visible
						   chars */
	const char *phase;			/* static string or NULL */
	int	after_dot;	/* failure happened after the final dot was
				   sent: ERR_DOT_LOST or ERR_DOT_DESYNC */
	int	kept;		/* message was saved (dead.letter path in
				   keptpath) */
	int	wait_user;	/* only the user can fix it (OAuth2: run
				   smtps --authorize): a queued message waits
				   for that (until queue_lifetime) */
	char	keptpath[LIMIT_ERR_KEPTPATH];
};

void	err_clear(struct err *);
/* Set code and message (printf format). Returns -1 for `return
   err_set(...)`. */
int	err_set(struct err *, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Prefix the existing message: "prefix: old message".  Returns -1. */
int	err_prefix(struct err *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Append to the message ("old message" + formatted text).  The arguments
   may point into e->msg or any buffer: the text is formatted into a buffer
   of its own first (never snprintf(buf, ..., buf)). */
void	err_append(struct err *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Format a message into out (outsz > 3) like snprintf; a text cut at
   outsz ends in "..." so the cut shows.  Returns strlen(out). */
size_t	err_fmt(char *out, size_t outsz, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Store a server reply (raw bytes, may hold CR/LF/escapes) made visible. */
void	err_set_reply(struct err *, const char *text, size_t len);

/*
 * Classify an SMTP reply code for a phase and fill the error:
 * 4xx -> EX_TEMPFAIL; 5xx -> EX_NOUSER for RCPT, EX_NOPERM for AUTH (535),
 * EX_UNAVAILABLE otherwise; 454 on AUTH -> EX_TEMPFAIL; anything that is not
 * a valid reply code for the phase -> EX_PROTOCOL.  `what` names the step.
 * Returns -1.
 */
enum err_phase {
	PH_GREETING, PH_EHLO, PH_STARTTLS, PH_AUTH, PH_MAIL, PH_RCPT,
	PH_DATA, PH_DATA_END, PH_QUIT, PH_RSET
};
int	err_from_reply(struct err *, enum err_phase, int smtp_code,
	    const char *text, size_t textlen, const char *what);
int	err_is_temporary(int sysexits_code);

/*
 * Make untrusted bytes printable: control characters and bytes >= 0x7f
 * become \r, \n, \t, \e, \xHH; output always NUL-terminated and truncated
 * to outsz.  Returns strlen(out).
 */
size_t	err_visible(char *out, size_t outsz, const char *in, size_t inlen);

/* Print "smtps: msg [server said: reply]" as one line to stderr. */
void	err_print(const struct err *);

/* allocation that cannot fail (exits EX_OSERR on ENOMEM) */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
