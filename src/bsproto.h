/* SPDX-License-Identifier: ISC */
/*
 * bsproto.h - PURE server side of `smtps -bs`: smtps speaks SMTP on stdin and
 * stdout, as sendmail does for clients such as Alpine, and relays each
 * accepted message through the normal path.
 *
 * The caller reads stdin line by line and feeds each line to bsproto_line()
 * without its line end (LF or CRLF); a line longer than the caller's
 * buffer is fed in pieces, every piece but the last with eol = 0.  Each
 * call fills struct bsproto_out: `reply` (complete CRLF-terminated reply text,
 * maybe multi-line, or NULL) to write to stdout, and an action:
 *
 *   BSPROTO_NONE     nothing else to do
 *   BSPROTO_DATA     DATA was accepted (the reply is 354): start a new message
 *   BSPROTO_BODY     one piece of the message, dot-unstuffed: append
 *               data[0..datalen) and then, when `eol`, a line end
 *   BSPROTO_MESSAGE  the final "." arrived: relay the message to bs->from and
 *               bs->rcpts, then call bsproto_result() for the reply (no reply
 *               is sent before that)
 *   BSPROTO_QUIT     write the reply and end the session (QUIT, or too many
 *               bad commands: 421)
 *
 * Commands: HELO and EHLO (PIPELINING, SIZE, 8BITMIME,
 * ENHANCEDSTATUSCODES; no AUTH, no STARTTLS: this is a local pipe), MAIL
 * FROM:<path> [BODY=7BIT|8BITMIME] [SIZE=n], RCPT TO:<path>, DATA, RSET,
 * NOOP, QUIT, HELP; VRFY and EXPN are refused (502), so are STARTTLS,
 * AUTH, BDAT (not offered).  Commands are case-insensitive; MAIL without
 * HELO is accepted (as sendmail does).  Addresses are checked with
 * path_check (the null sender <> is allowed in MAIL); a bare local
 * name is accepted, the caller expands aliases and qualifies it.
 * Replies follow RFC 5321 and 3463: 250/354/221/214 on success; 501 bad
 * syntax; 503 bad sequence; 500 unknown command or line too long
 * (LIMIT_BS_LINE); 502 refused command; 552 message over LIMIT_MESSAGE
 * (counted while it streams; the pieces stop being passed on); 452 more
 * than LIMIT_RCPTS recipients; 555 unknown MAIL/RCPT parameter.  After
 * LIMIT_BS_ERRORS bad commands: 421 and BSPROTO_QUIT.
 *
 * bsproto_result(): the outcome of relaying the message as a sysexits code
 * (0 = delivered or queued) and a one-line text ("delivered", "queued as
 * ID", or the error message).  0 -> 250; a fault of the message or its
 * recipients (EX_NOUSER, EX_DATAERR, EX_UNAVAILABLE, EX_USAGE) -> 5xx;
 * anything else (temporary, configuration, local) -> 451, so the client
 * keeps its copy.  Text is made visible (no control characters).  The
 * transaction is then reset.
 *
 * Memory: bsproto_free() releases the recipient list; `reply` and `data` point
 * into struct bsproto or the caller's line and are valid until the next call.
 */
#ifndef SMTPS_BSPROTO_H
#define SMTPS_BSPROTO_H

#include <stddef.h>
#include "addr.h"
#include "err.h"

enum bsproto_act { BSPROTO_NONE, BSPROTO_DATA, BSPROTO_BODY, BSPROTO_MESSAGE,
	BSPROTO_QUIT };

struct bsproto_out {
	const char	*reply;		/* CRLF-terminated, or NULL */
	size_t		 replylen;
	enum bsproto_act	 act;
	const char	*data;		/* BSPROTO_BODY */
	size_t		 datalen;
	int		 eol;		/* BSPROTO_BODY: the line ended here */
};

struct bsproto {
	char		 host[LIMIT_DOMAIN + 1];
	int		 in_data;	/* between 354 and the final dot */
	int		 in_mail;	/* MAIL accepted, transaction open */
	int		 body8;		/* MAIL ... BODY=8BITMIME */
	char		 from[LIMIT_ADDR + 1];	/* "" = null sender */
	struct addr_list rcpts;
	int		 skipping;	/* discarding the rest of a long line */
	int		 bol;		/* in DATA: at the start of a line */
	int		 toobig;	/* in DATA: over LIMIT_MESSAGE */
	long long	 size;		/* in DATA: bytes so far */
	int		 errors;	/* bad commands so far */
	char		 buf[LIMIT_BS_REPLY]; /* the current reply */
};

/* start a session: host names this side in replies; out = the greeting */
void	bsproto_init(struct bsproto *, const char *host, struct bsproto_out *);
void	bsproto_line(struct bsproto *, const char *line, size_t len, int eol,
	    struct bsproto_out *);
void	bsproto_result(struct bsproto *, int code, const char *text,
	    struct bsproto_out *);
void	bsproto_free(struct bsproto *);

#endif
