/* SPDX-License-Identifier: ISC */
/*
 * smtpintl.c - internationalised mail on one session (contract:
 * smtp_int.h, smtp_intl_prepare()): SMTPUTF8 (RFC 6531), A-labels (IDNA
 * 2008 through idna.h) and REQUIRETLS (RFC 8689), decided from the EHLO
 * reply before MAIL FROM.  The decision of what an address or a header
 * needs is intl.c's (PURE); this file only applies it to the server.
 *
 * Never is raw UTF-8 sent in an envelope to a server that did not offer
 * SMTPUTF8: either the domains become A-labels (possible only when every
 * local part is ASCII and no header address is UTF-8) or the message is
 * refused with EX_UNAVAILABLE, a permanent failure (deliver.c: dead.letter,
 * never retried forever).
 */
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "diag.h"
#include "idna.h"
#include "intl.h"
#include "smtp_int.h"

/* what the message needs: the worst of its addresses */
static enum intl_need
env_need(const struct envelope *env, const char **who)
{
	enum intl_need need = INTL_ASCII, n;
	size_t i;

	*who = NULL;
	if (env->from != NULL && (need = intl_addr_need(env->from)) ==
	    INTL_UTF8)
		*who = env->from;
	for (i = 0; i < env->nrcpts && *who == NULL; i++)
		if ((n = intl_addr_need(env->rcpts[i])) != INTL_ASCII) {
			need = n;
			if (n == INTL_UTF8)
				*who = env->rcpts[i];
		}
	return need;
}

static int
no_smtputf8(struct smtp *s, const struct envelope *env, const char *who,
    const struct spool_intl *in, struct err *e)
{
	char vis[LIMIT_QUOTE];
	const char *srv = account_server(s->a);

	if (who != NULL) {
		err_visible(vis, sizeof(vis), who, strlen(who));
		return err_set(e, EX_UNAVAILABLE, "%s '%s' has a UTF-8 local "
		    "part and server %s does not offer SMTPUTF8; not sent",
		    who == env->from ? "sender" : "recipient", vis, srv);
	}
	if (in->utf8hdr[0] != '\0')
		return err_set(e, EX_UNAVAILABLE, "header '%s' has a UTF-8 "
		    "address and server %s does not offer SMTPUTF8; not sent",
		    in->utf8hdr, srv);
	return err_set(e, EX_UNAVAILABLE, "-O smtputf8: server %s does not "
	    "offer SMTPUTF8; not sent", srv);
}

/* one address as A-labels, into a new string */
static char *
alabels(const char *addr, struct err *e)
{
	char buf[LIMIT_ADDR + 1];

	if (idna_addr(addr, buf, sizeof(buf), e) == -1)
		return NULL;
	return xstrdup(buf);
}

static int
convert(struct smtp_intl *x, const struct envelope *env, struct err *e)
{
	size_t i;

	if (env->from != NULL && env->from[0] != '\0') {
		if ((x->from = alabels(env->from, e)) == NULL)
			return -1;
		x->env.from = x->from;
	}
	x->rcpts = xcalloc(env->nrcpts + 1, sizeof(char *));
	for (i = 0; i < env->nrcpts; i++)
		if ((x->rcpts[i] = alabels(env->rcpts[i], e)) == NULL)
			return -1;
	x->env.rcpts = x->rcpts;
	return 0;
}

static int
requiretls(struct smtp *s, struct err *e)
{
	if (s->tls == NULL)
		return err_set(e, EX_CONFIG, "-O requiretls: the session to %s "
		    "is not encrypted (tls off), and REQUIRETLS needs TLS; "
		    "not sent", account_server(s->a));
	if (!(s->caps.flags & CAP_REQUIRETLS))
		return err_set(e, EX_UNAVAILABLE, "-O requiretls: server %s "
		    "does not offer REQUIRETLS; not sent",
		    account_server(s->a));
	return 0;
}

int
smtp_intl_prepare(struct smtp *s, const struct envelope *env,
    const struct spool_intl *in, struct smtp_intl *x, struct err *e)
{
	const char *who;
	enum intl_need need = env_need(env, &who);
	int must = need == INTL_UTF8 || in->utf8hdr[0] != '\0' ||
	    in->smtputf8;

	memset(x, 0, sizeof(*x));
	x->env = *env;
	if (in->requiretls && requiretls(s, e) == -1)
		return -1;
	if ((must || need != INTL_ASCII) && (s->caps.flags & CAP_SMTPUTF8))
		strlcat(x->params, " SMTPUTF8", sizeof(x->params));
	else if (must)
		return no_smtputf8(s, env, who, in, e);
	else if (need == INTL_DOMAIN) {
		if (convert(x, env, e) == -1) {
			smtp_intl_free(x);
			return -1;
		}
		diag_info("server %s does not offer SMTPUTF8: non-ASCII "
		    "domains sent as A-labels", account_server(s->a));
	}
	if (in->requiretls)
		strlcat(x->params, " REQUIRETLS", sizeof(x->params));
	return 0;
}

void
smtp_intl_free(struct smtp_intl *x)
{
	size_t i;

	free(x->from);
	if (x->rcpts != NULL)
		for (i = 0; i < x->env.nrcpts; i++)
			free(x->rcpts[i]);
	free(x->rcpts);
	x->from = NULL;
	x->rcpts = NULL;
}
