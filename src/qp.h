/* SPDX-License-Identifier: ISC */
/*
 * qp.h - PURE quoted-printable re-encoding of a body with over-long lines.
 *
 * qp_encode: streaming quoted-printable encoder (RFC 2045 6.7).  CRLF is
 * a hard line break and is kept; every other byte that is not printable
 * ASCII (33..126) is encoded "=XX" (upper-case hex), and so are '=',
 * a bare CR or LF, and a space or tab followed by CR or by the end of the
 * data (no encoded line ends in white space).  Lines are cut by a soft
 * break ("=" CRLF) so that no encoded line is longer than LIMIT_QP_LINE
 * octets, the '=' included; an "=XX" sequence is never split.  One
 * pending byte (a space, tab or CR whose fate depends on the next byte)
 * is kept in struct qp between calls, so any split of the input gives
 * the same output.  qp_encode writes at most QP_ROOM(inlen) bytes,
 * qp_encode_end at most QP_ROOM(0).  Decoding the output (qp_decode)
 * gives the input back exactly, whatever it holds.
 *
 * qp_decode: decodes in[0..n) into out (room: n bytes): "=" CRLF is
 * removed, "=XX" (either case) is the byte XX, other bytes stand for
 * themselves.  Returns the length, or -1 when a '=' is followed by
 * neither.  For the tests and the fuzz target (decode(encode(x)) == x).
 *
 * qp_plan: may a message whose header block is block[0..len) (CRLF
 * lines, no blank line) have its body re-encoded?  QP_TEXT when it is
 * not MIME-structured: no Content-Type (or a text/ one) and a
 * Content-Transfer-Encoding absent, 7bit or 8bit.  QP_MULTIPART for a
 * multipart/ type (the boundary is copied to boundary[], "" when it has
 * none usable), QP_OTHER for any other type or encoding (message/rfc822,
 * application/..., base64, quoted-printable, binary, x-...): what[]
 * describes the body, e.g. "application/pdf, base64".  QP_DKIM when
 * a DKIM-Signature field is present (a change would break it), whatever
 * the rest.
 *
 * qp_headers: the header block rewritten for a quoted-printable body,
 * appended to *out: every Content-Transfer-Encoding field dropped (with
 * its continuation lines), then "MIME-Version: 1.0" when there is none,
 * "Content-Type: text/plain; charset=utf-8" (eightbit) or "...us-ascii"
 * when there is none, and "Content-Transfer-Encoding: quoted-printable"
 * added after the other fields.
 *
 * qp_part: which part of a multipart body a line is in.  Fed every body
 * line (CRLF excluded; a prefix of it is enough) in order; after each,
 * part is 0 in the preamble, N in the Nth top-level part, -1 in the
 * epilogue, and type is the part's media type (its Content-Type field
 * as far as the first ';', lower case; "text/plain" when it has none).
 * Nested multiparts are not entered: a line in one is in the outer part.
 */
#ifndef SMTPS_QP_H
#define SMTPS_QP_H

#include <stddef.h>

#include "err.h"
#include "hdr.h"
#include "limit.h"

#define QP_ROOM(n)	(4 * (n) + 8)

struct qp {
	int	col;		/* octets on the current output line */
	int	pend;		/* pending ' ', '\t' or '\r'; -1 none */
};

void	qp_init(struct qp *);
size_t	qp_encode(struct qp *, const char *in, size_t inlen, char *out);
size_t	qp_encode_end(struct qp *, char *out);
long	qp_decode(const char *in, size_t n, char *out);

enum { QP_TEXT, QP_MULTIPART, QP_OTHER, QP_DKIM };
int	qp_plan(const char *block, size_t len, char *boundary, size_t bsz,
	    char *what, size_t wsz);
void	qp_headers(const char *block, size_t len, int eightbit,
	    struct hdr_buf *out);

struct qp_part {
	char	boundary[LIMIT_MIME_BOUNDARY + 1];
	int	part;
	int	inhdr;		/* in the part's header block */
	char	type[LIMIT_QUOTE_SHORT];
};

void	qp_part_init(struct qp_part *, const char *boundary);
void	qp_part_line(struct qp_part *, const char *line, size_t n);

#endif
