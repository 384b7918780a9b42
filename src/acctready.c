/* SPDX-License-Identifier: ISC */
/*
 * acctready.c - the account loaded, TLS files checked, warnings shown
 * (contract: acctready.h).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acctready.h"
#include "diag.h"
#include "limit.h"
#include "tls.h"

/* the parser's warnings, one per line, for someone who can read them */
static void
show_warnings(const struct opts *o, const char *w)
{
	const char *nl;

	if (w == NULL || !(isatty(STDERR_FILENO) || o->verbose ||
	    o->mode == MODE_PRETEND || o->mode == MODE_SERVERINFO ||
	    o->mode == MODE_DOCTOR))
		return;
	for (; (nl = strchr(w, '\n')) != NULL; w = nl + 1)
		diag_warn("%.*s", (int)(nl - w), w);
}

int
acctready_load(const struct opts *o, struct account *out, struct err *e)
{
	char buf[LIMIT_ERR_MSG / 2], *warnings = NULL;
	int rc;

	rc = account_load(o, out, &warnings, e);
	show_warnings(o, warnings);
	free(warnings);
	if (rc == -1)
		return -1;
	if (out->tls && tls_check_files(out->tls_cert_file,
	    out->tls_key_file, out->tls_crl_file, e) == -1) {
		account_where(out, buf, sizeof(buf));
		account_free(out);
		return err_prefix(e, "%s", buf);
	}
	if (account_warning(out, buf, sizeof(buf)))
		diag_warn("%s", buf);
	diag_info("using account '%s' from %s", out->name, out->file);
	return 0;
}
