/* SPDX-License-Identifier: ISC */
/*
 * hdrfold.h - PURE folding of header lines longer than RFC 5322 allows.
 *
 * hdrfold_block: the header block block[0..len) (CRLF lines, no blank
 * line) with every line longer than LIMIT_LINE octets (CRLF excluded)
 * folded (RFC 5322 2.2.3): a CRLF is put before a space or tab of that
 * line, so that unfolding gives the field back byte for byte.  Folds go
 * at the last such white space after a comma (an address list) that
 * keeps the line within LIMIT_FOLD_LINE octets, else at the last white
 * space that does, or else at the first one after that; never
 * before the field's colon, never inside a quoted string, never where
 * the new line would hold only white space.  Other lines are copied as
 * they are.  Returns 0 when no line was too long (nothing written to
 * *out), 1 when the folded block is in *out, -1 when a line cannot be
 * folded within LIMIT_LINE octets: EX_DATAERR naming the field and the
 * length of its longest unbreakable run.
 */
#ifndef SMTPS_HDRFOLD_H
#define SMTPS_HDRFOLD_H

#include <stddef.h>

#include "err.h"
#include "hdr.h"

int	hdrfold_block(const char *block, size_t len, struct hdr_buf *out,
	    struct err *);

#endif
