/* SPDX-License-Identifier: ISC */
/*
 * longline.h - lines longer than the standard, settled at intake.
 *
 * RFC 5321 4.5.3.1.6 and RFC 5322 2.1.1 allow LIMIT_LINE octets per line
 * (CRLF excluded).  msg.c spools the message as it came (header block
 * already rewritten) and counts its body lines (longline_scan); then
 * longline_settle() decides, before the message is committed, so that the
 * queue holds what will be sent and every attempt sends the same bytes:
 *
 * - no line too long: nothing is touched (the spool is byte for byte what
 *   it was);
 * - a DKIM-Signature field and any line too long: refused (EX_DATAERR):
 *   folding or re-encoding would break the signature;
 * - a header line too long: folded at white space (hdrfold.h); one that
 *   cannot be: refused naming the field;
 * - a body line too long in a message that is one text part (qp_plan
 *   QP_TEXT): the body is re-encoded quoted-printable (qp.h) and the
 *   header fields qp_headers() gives are written (charset=utf-8 when the
 *   body has 8-bit bytes, which takes one more read of it); 8-bit text
 *   becomes 7-bit (the spool's eightbit is then that of the header block
 *   alone);
 * - a body line too long in a multipart message: refused, naming the line
 *   (of the input, as msg.h counts it) and the part (qp_part: "part 2
 *   (text/html)"); in any other MIME body (message/rfc822, base64,
 *   quoted-printable, ...): refused naming the line and the body's type.
 *
 * The new message is written after the old one in the same spool file,
 * then moved to its start and the file truncated (the spool needs room for
 * both for a moment); ll->total, ll->eightbit and the checksum *sum
 * describe the result.  The encoded message is held to LIMIT_MESSAGE.
 * Returns 0 (spool ready), 1 (refused: e filled, EX_DATAERR, the spool
 * left as the input came, whole, for dead.letter) or -1 (a read or write
 * error of the spool: EX_TEMPFAIL on a full disk, else EX_IOERR).
 */
#ifndef SMTPS_LONGLINE_H
#define SMTPS_LONGLINE_H

#include <stddef.h>

#include "err.h"
#include "sum.h"

struct longline {
	/* longline_scan's count of the body */
	long long	 lines;		/* line ends seen */
	long long	 cur;		/* bytes of the current line, CR
					   included */
	long long	 first;		/* index of the first line too long,
					   -1 none */
	long long	 firstlen;	/* its length, CRLF excluded */
	/* the spool, filled in by the caller before longline_settle */
	const char	*hdr;		/* header block as spooled, no blank
					   line */
	size_t		 hlen;
	long long	 body;		/* spool offset of the body */
	long long	 total;		/* spool size (updated) */
	long long	 lines0;	/* input lines before the body */
	int		 eightbit;	/* 8-bit bytes in the spool (updated) */
};

void	longline_init(struct longline *);
/* body bytes p[0..n) as spooled (CRLF lines), in order */
void	longline_scan(struct longline *, const char *p, size_t n);
int	longline_settle(int fd, struct longline *, struct sum *,
	    struct err *);

#endif
