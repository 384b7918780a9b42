/*
 * queue.h - spool files and dead.letter.
 *
 * queue_spool_create(): make the queue directory (0700, parents too) and
 * create a new spool file there, mode 0600, opened read/write; its path
 * goes into sp->path.  Failure -> EX_CANTCREAT.
 * queue_spool_remove(): unlink after delivery.
 * queue_dead_letter(): append the spooled message to the mbox file `path`
 * (created 0600): a "From SENDER DATE" line, the message with CRLF turned
 * back into LF and body lines starting with "From " quoted as ">From ",
 * then a blank line; fcntl lock while appending.  Failure -> EX_CANTCREAT.
 */
#ifndef SMTPS_QUEUE_H
#define SMTPS_QUEUE_H

#include <sys/types.h>
#include "err.h"

struct spool {
	char	path[4096];
	int	fd;
	off_t	size;			/* bytes in the spool file (CRLF form) */
	int	eightbit;		/* body or headers have bytes >= 0x80 */
};

int	queue_spool_create(const char *dir, struct spool *, struct err *);
void	queue_spool_remove(struct spool *);
int	queue_dead_letter(const struct spool *, const char *path,
	    const char *sender, struct err *);

#endif
