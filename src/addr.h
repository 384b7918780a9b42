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
/* append one address unless already present (case-insensitive) */
void	addr_list_add(struct addr_list *, const char *addr);
int	addr_list_has(const struct addr_list *, const char *addr);
void	addr_list_free(struct addr_list *);

#endif
