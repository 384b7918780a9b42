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
 * spoolhdr_envelope_from(): --read-envelope-from and `from %F`: copy
 * stdin to an unlinked temporary file, take the first address of its
 * sender field (hdr_get_sender(): the first From, or a Resent-From of the
 * newest resent block before it, as msmtp 1.8.26; in the first
 * LIMIT_HEADER_BLOCK bytes) as the envelope sender and return in *fd a
 * descriptor of the copy at offset 0.  Errors start with `what` (the
 * option or keyword).  No such field -> EX_USAGE (msmtp 1.8.31's code);
 * no address in it -> EX_DATAERR.
 */
#ifndef SMTPS_SPOOLHDR_H
#define SMTPS_SPOOLHDR_H

#include <stddef.h>
#include "err.h"

void	spoolhdr_msgid(int fd, char *out, size_t outsz);
int	spoolhdr_envelope_from(int *fd, char *from, size_t fromsz,
	    const char *what, struct err *);

#endif
