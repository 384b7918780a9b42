/* SPDX-License-Identifier: ISC */
/*
 * sum.h - PURE streaming checksum of a byte stream.
 *
 * Written into a queue entry that was committed before its message file
 * was fsync'ed (queue.c): a flusher that takes such an entry over checks
 * the file against it, so a message file that a power loss left short,
 * with holes or with zero-filled pages is never delivered.  It guards
 * against accidents, not against an adversary.
 *
 * Two 64-bit sums over the little-endian 64-bit words of the stream (the
 * last word padded with zeros): a = sum of the words, b = sum of the
 * running a; then the byte count is folded into b.  Any cut of the
 * stream into sum_add() calls gives the same result.  sum_hex() writes
 * 32 lowercase hex digits and a NUL (SUM_HEX bytes) and leaves the state
 * untouched, so more may be added after it.
 */
#ifndef SMTPS_SUM_H
#define SMTPS_SUM_H

#include <stddef.h>

#define SUM_HEX	33	/* sum_hex() output with its NUL */

struct sum {
	unsigned long long a, b, len;
	unsigned char	   part[8];	/* bytes of an unfinished word */
	size_t		   npart;
};

void	sum_init(struct sum *);
void	sum_add(struct sum *, const void *, size_t);
void	sum_hex(const struct sum *, char out[SUM_HEX]);

#endif
