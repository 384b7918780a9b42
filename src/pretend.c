/* SPDX-License-Identifier: ISC */
/*
 * pretend.c - the -P/--pretend printout (contract: pretend.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "limit.h"
#include "net.h"
#include "pretend.h"

void
pretend_print(const struct account *a, const char *from,
    const struct addr_list *rcpts, int read_rcpts, FILE *fp)
{
	char *text = conf_format(a), how[LIMIT_ERR_MSG / 2];
	size_t i;

	fprintf(fp, "# %s:%d\n%s", a->file ? a->file : "?", a->line, text);
	net_describe(a, how, sizeof(how));
	fprintf(fp, "%-22s %s\n", "connect to", how);
	fprintf(fp, "%-22s <%s>\n", "envelope-from", from);
	for (i = 0; i < rcpts->n; i++)
		fprintf(fp, "%-22s <%s>\n", "recipient", rcpts->v[i]);
	if (read_rcpts)
		fprintf(fp, "%-22s %s\n", "recipient",
		    "(also To, Cc and Bcc of the message: -t)");
	free(text);
}
