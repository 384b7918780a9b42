/* SPDX-License-Identifier: ISC */
/*
 * msg.h - read the message from stdin into the spool file.
 *
 * Reads fd to EOF (a lone "." does not end input).  Drops a leading mbox
 * "From " line (not a "From : x" field, RFC 5322 4.5).  Normalises line endings
 * to CRLF (dot_crlf), separates the
 * header block (hdr_split, whole block held in memory up to
 * LIMIT_HEADER_BLOCK, else EX_DATAERR), rewrites it (hdr_rewrite: Bcc
 * removed, Date/Message-ID/From added, -t recipients collected), writes
 * headers, blank line and body to the spool, and makes sure the spool ends
 * with CRLF.  The spool is rewound, not fsync'ed (queue.c says when it
 * is); sp->size, sp->eightbit and sp->sum (sum.h) describe it.  More
 * than LIMIT_MESSAGE bytes -> EX_DATAERR; a NUL byte in the body ->
 * EX_DATAERR naming its line of the input (counted after line-end
 * normalisation, the dropped mbox line included); disk full ->
 * EX_TEMPFAIL; other write errors -> EX_IOERR.  Lines longer than
 * LIMIT_LINE are settled last, on the whole spool (longline.h): header
 * lines folded, the body re-encoded quoted-printable, or the message
 * refused.  Returns 0 (spooled), -1 (e filled; the spool is not a whole
 * message) or 1 (refused by longline_settle, e filled with EX_DATAERR:
 * the spool holds the whole message as it came, for dead.letter).
 */
#ifndef SMTPS_MSG_H
#define SMTPS_MSG_H

#include "addr.h"
#include "hdr.h"
#include "queue.h"

int	msg_read(int infd, const struct hdr_policy *, struct spool *,
	    struct addr_list *rcpts, struct err *);

/*
 * The header block of the raw message start raw[0..n), found the way
 * msg_read() finds it (mbox "From " line dropped, line ends normalised,
 * hdr_split with n taken as the whole input), appended to the empty *hb
 * (CRLF lines, no blank line; the caller frees it).  Returns its length.
 * No I/O: for callers that need a field before the message is spooled
 * (--read-envelope-from).
 */
size_t	msg_header_block(const char *raw, size_t n, struct hdr_buf *hb);

#endif
