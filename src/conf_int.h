/* SPDX-License-Identifier: ISC */
/*
 * conf_int.h - PRIVATE to conf.c and confval.c: the parser state, the
 * keyword-table row and the helpers both files share.  Nothing else may
 * include it; the module's contract is conf.h.
 *
 * conf.c owns the keyword table, sections and inheritance, line reading,
 * eval, conf_format and conf_override; confval.c owns the value parsers
 * (kw_*: one value -> one field of struct account) and conf_perr/conf_set_str.
 * Both are PURE (no I/O).
 */
#ifndef SMTPS_CONF_INT_H
#define SMTPS_CONF_INT_H

#include <stddef.h>
#include <string.h>

#include "conf.h"

enum store { S_NONE, S_STR, S_INT, S_FPR };

#define CUR_NONE	(-1)		/* before any section */
#define CUR_DEFAULTS	(-2)		/* in the `defaults` section */
#define VIS		96		/* bytes of a value quoted in errors */

struct ps {
	const char		*file;
	const char		*home;
	int			 line;
	struct conf		*c;
	struct account		 defs;	/* the defaults section */
	struct conf_keys	*own;	/* per account: keys it set or inherited
					   from parents (not from defaults) */
	long			 cur;	/* index in c->acct, or CUR_* */
	struct err		*e;
	conf_eval_fn		 eval;	/* `eval` hook, or NULL */
	void			*ctx;
	char			 vb[VIS]; /* a value made printable */
};

struct kw;
typedef int (*kw_fn)(struct ps *, const struct kw *, struct account *,
    const char *);

struct kw {
	const char	*name;
	enum conf_key	 key;		/* K__COUNT: no field */
	enum store	 store;
	int		 need;		/* value required */
	size_t		 off;		/* field in struct account */
	kw_fn		 parse;
};

/* EX_CONFIG "FILE:LINE: message"; returns -1 */
int	conf_perr(struct ps *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* a value made printable for an error message */
static inline const char *
vis(struct ps *p, const char *s)
{
	err_visible(p->vb, sizeof(p->vb), s, strlen(s));
	return p->vb;
}

static inline char **
str_field(struct account *a, const struct kw *k)
{
	return (char **)(void *)((char *)a + k->off);
}

static inline int *
int_field(struct account *a, const struct kw *k)
{
	return (int *)(void *)((char *)a + k->off);
}

/* a keyword whose value is a secret: wiped, shown as *** */
static inline int
conf_key_secret(enum conf_key k)
{
	return k == K_PASSWORD || k == K_OAUTH2_CLIENT_SECRET;
}

/* free a string field's value, wiped first if secret */
void	conf_str_release(char *, int);
/* replace a string field; NULL or "" -> NULL */
void	conf_set_str(struct account *, const struct kw *, const char *);

/* the value parsers (confval.c); k->parse in the keyword table */
int	conf_kw_str(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_name(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_path(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_bool(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_num(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_dur(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_fpr(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_auth(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_noop(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_keepbcc(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_auto_from(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_ip(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_protocol(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_tristate(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_to_header(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_undisclosed(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_syslog(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_notify(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_return(struct ps *, const struct kw *, struct account *,
	    const char *);
/* oauth2_provider, _grant, _tenant, _*_url */
int	conf_kw_submit(struct ps *, const struct kw *, struct account *,
	    const char *);
int	conf_kw_oauth2(struct ps *, const struct kw *, struct account *,
	    const char *);

#endif
