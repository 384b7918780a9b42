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
	unsigned long long	size;		/* SIZE limit, 0 = none stated */
};

/* Keywords are case-insensitive; "AUTH=LOGIN PLAIN" (old form) counts too. */
void	reply_caps(const struct reply *, struct caps *);

#endif
