/* SPDX-License-Identifier: ISC */
/*
 * spoolhdr.h - facts read back from a message's header block.
 *
 * spoolhdr_msgid(): the Message-ID of the spooled message in fd (read with
 * pread from offset 0, header block only) into out: the <id> (blanks and
 * line breaks removed), or "" when there is none.  It reads up to
 * LIMIT_HEADER_BLOCK bytes: call it only when maillog_on() says a line
 * will be written.
 *
 * spoolhdr_envelope_from(): --read-envelope-from: copy stdin to an
 * unlinked temporary file, take the first address of its first From:
 * header (in the first LIMIT_HEADER_BLOCK bytes) as the envelope sender
 * and return in *fd a descriptor of the copy at offset 0.  No From or no
 * address -> EX_DATAERR.
 */
#ifndef SMTPS_SPOOLHDR_H
#define SMTPS_SPOOLHDR_H

#include <stddef.h>
#include "err.h"

void	spoolhdr_msgid(int fd, char *out, size_t outsz);
int	spoolhdr_envelope_from(int *fd, char *from, size_t fromsz,
	    struct err *);

#endif
