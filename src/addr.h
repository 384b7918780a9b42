/* SPDX-License-Identifier: ISC */
/*
 * addr.h - PURE RFC 5322 address-list parser: the only code in smtps that
 * knows about display names, comments and groups.  Envelope paths (RFC
 * 5321) are path.h's; every address the parser returns passes them.
 *
 * addr_list_parse(): parse the value of a To/Cc/Bcc header (already
 * unfolded or not: CRLF + WSP folding is accepted) and append every
 * mailbox's addr-spec to *list.  Handles display names, quoted strings
 * with commas and escapes, comments (nested), route-addr <...>, groups
 * ("team: a@b, c@d;" and "undisclosed-recipients:;"), obsolete empty list
 * elements (",,").  Duplicates (case-insensitive) are not added twice.
 * A syntax error returns -1 with EX_DATAERR and a message naming what is
 * wrong ("unbalanced '<'", "unterminated quoted string", ...).
 *
 * addr_list_walk(): the same parse (same errors), calling fn once per
 * mailbox in order (duplicates too), with where its parts are in the
 * value, for rewriting a field in place (hdr's local mail): offsets into
 * value, a span [x0, x1) empty when x0 == x1.  fn returning -1 stops the
 * walk with its error.
 */
#ifndef SMTPS_ADDR_H
#define SMTPS_ADDR_H

#include <stddef.h>
#include "err.h"

struct addr_list {
	char	**v;		/* addr-specs, each malloc'ed */
	size_t	  n;
};

int	addr_list_parse(const char *value, size_t len, struct addr_list *,
	    struct err *);

struct addr_mbox {
	const char	*addr;	/* the addr-spec, canonical (valid in fn) */
	size_t		 m0, m1; /* the mailbox: display name to '>', or the
				   addr-spec alone */
	size_t		 d0, d1; /* the display name (raw words) */
	size_t		 a0, a1; /* the addr-spec as written */
	size_t		 c0, c1; /* white space and comments after it */
};
typedef int (*addr_walk_fn)(void *ctx, const struct addr_mbox *,
    struct err *);
int	addr_list_walk(const char *value, size_t len, addr_walk_fn, void *ctx,
	    struct err *);
/* append one address unless already present (case-insensitive) */
void	addr_list_add(struct addr_list *, const char *addr);
int	addr_list_has(const struct addr_list *, const char *addr);
void	addr_list_free(struct addr_list *);

#endif
