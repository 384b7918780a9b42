/*
 * addr.h - PURE RFC 5322 address-list parser and RFC 5321 path checks.
 * The only code in smtps that knows about quotes, comments and groups.
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
 * addr_path_check(): is this string safe and valid as an envelope address
 * (MAIL FROM / RCPT TO)?  Accepts "local@domain", "local" (unqualified), a
 * quoted local part, optional surrounding <...>.  Refuses CR, LF, NUL, other
 * control characters, unquoted spaces, unbalanced <>, more than LIMIT_ADDR
 * bytes.  On success writes the bare address (without <>) to out.
 * The empty string and "<>" are the null sender only when allow_null.
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

int	addr_path_check(const char *in, size_t inlen, int allow_null,
	    char *out, size_t outsz, struct err *);
/* the domain part of an address (after the last unquoted '@'), or NULL */
const char *addr_domain(const char *addr);

#endif
