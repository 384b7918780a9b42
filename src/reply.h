/* SPDX-License-Identifier: ISC */
/*
 * reply.h - PURE SMTP reply and EHLO-capability parser.
 *
 * Feed reply lines one at a time (without CRLF).  A reply is complete on a
 * line "DDD " or exactly "DDD"; "DDD-" continues.  Every line must start
 * with the same three digits [2-5][0-9][0-9]; anything else is a protocol
 * error (EX_PROTOCOL "malformed reply line ...").  More than
 * LIMIT_REPLY_LINES lines or LIMIT_REPLY_TEXT bytes of text -> EX_PROTOCOL.
 * The text keeps each line's text after the code and separator, lines
 * joined by '\n'.  The enhanced status code (RFC 3463, "2.1.0") of the
 * first line is recorded when present.
 *
 * reply_allowed(): may command `to` get reply `code`?  The positive codes
 * are RFC 5321 4.3.2's (RFC 3207 for STARTTLS, RFC 4954 for AUTH, RFC
 * 3030 for BDAT, RFC 2033 for the LMTP dot): a 354 to RCPT, a 221 to
 * BDAT, a 250 to DATA are not answers to that command but a sign that
 * the server's replies are out of step with the commands.  Every 4xx and
 * 5xx is allowed for every command but QUIT (RFC 5321 lists 421, 500
 * and 501 for any command, and real servers use others: 554 or 530 to
 * RCPT); QUIT gets 221 and nothing else (what it gets after a final dot
 * it was pipelined with tells whether the dot's reply was in step).
 * reply_to_name(): the command's name for messages ("RCPT").
 */
#ifndef SMTPS_REPLY_H
#define SMTPS_REPLY_H

#include <stddef.h>
#include "err.h"
#include "limit.h"

struct reply {
	int	code;				/* 200..599 */
	char	enh[16];			/* "5.1.1" or "" */
	char	text[LIMIT_REPLY_TEXT];		/* lines joined by '\n' */
	size_t	len;
	int	nlines;
	int	done;
};

void	reply_init(struct reply *);
/* 1 = reply complete, 0 = more lines needed, -1 = error (err filled) */
int	reply_feed(struct reply *, const char *line, size_t len, struct err *);

/* what a reply answers */
enum reply_to {
	REPLY_TO_GREETING,
	REPLY_TO_EHLO,		/* EHLO, LHLO */
	REPLY_TO_STARTTLS,
	REPLY_TO_AUTH,		/* AUTH and each line answering a 334 */
	REPLY_TO_MAIL,
	REPLY_TO_RCPT,
	REPLY_TO_DATA,
	REPLY_TO_DOT,		/* the final dot (LMTP: each of its replies) */
	REPLY_TO_BDAT,
	REPLY_TO_RSET,
	REPLY_TO_QUIT,
};

int		 reply_allowed(enum reply_to, int code);
const char	*reply_to_name(enum reply_to);

/* EHLO capabilities, from a complete 250 reply (first line is the greeting) */
enum {
	CAP_STARTTLS	= 1 << 0,
	CAP_PIPELINING	= 1 << 1,
	CAP_SIZE	= 1 << 2,
	CAP_8BITMIME	= 1 << 3,
	CAP_AUTH	= 1 << 4,
	CAP_DSN		= 1 << 5,
	CAP_CHUNKING	= 1 << 6,
	CAP_SMTPUTF8	= 1 << 7,
	CAP_ENHANCEDSTATUSCODES = 1 << 8,
	CAP_REQUIRETLS	= 1 << 9,
};
enum {
	AUTH_PLAIN	= 1 << 0,
	AUTH_LOGIN	= 1 << 1,
	AUTH_CRAM_MD5	= 1 << 2,
	AUTH_SCRAM_SHA_1 = 1 << 3,
	AUTH_SCRAM_SHA_256 = 1 << 4,
	AUTH_XOAUTH2	= 1 << 5,
	AUTH_OAUTHBEARER = 1 << 6,
	AUTH_EXTERNAL	= 1 << 7,
	AUTH_SCRAM_SHA_1_PLUS = 1 << 8,
	AUTH_SCRAM_SHA_256_PLUS = 1 << 9,
};

struct caps {
	unsigned		flags;		/* CAP_* */
	unsigned		auth;		/* AUTH_* offered */
	unsigned long long	size;		/* SIZE limit, 0 = none
						   stated */
};

/* Keywords are case-insensitive; "AUTH=LOGIN PLAIN" (old form) counts too. */
void	reply_caps(const struct reply *, struct caps *);

#endif
