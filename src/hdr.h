/* SPDX-License-Identifier: ISC */
/*
 * hdr.h - PURE header-block scanner and rewrite policy.
 *
 * Input: the message's header block, already CRLF-normalised, WITHOUT the
 * blank line that ends it (may be empty: headerless input).  Output: the
 * rewritten header block (CRLF lines, no blank line), appended to *out,
 * and, when policy->read_rcpts, the To/Cc/Bcc (or Resent-To/Cc/Bcc, see
 * below) recipients appended to *rcpts.
 *
 * Rewrite rules: Bcc and Resent-Bcc fields are removed (all of them,
 * with continuation lines); Date is added when missing (policy->now,
 * RFC 5322 format, local offset policy->tzoff_min); Message-ID is
 * added when missing (<unique@msgid_domain>, unique from
 * policy->unique); From is added when missing: "Name <from>" with Name RFC
 * 2047-encoded (=?UTF-8?B?...?=) when
 * it is not printable ASCII, or quoted when it has specials, or plain
 * "from" without a name.  Added fields go after the existing ones, in the
 * order Date, Message-ID, From.  Field names match case-insensitively,
 * also when written with white space before the colon ("Bcc :x"); a kept
 * field so written is output without that white space ("Bcc:x").
 * When policy->from is the null sender ("" or "<>") no From is added (there
 * is no address to put in it; the server may add one).  policy->from is
 * checked with path_check(); a -F name with control characters or
 * invalid UTF-8 -> EX_USAGE; unusable unique/msgid_domain -> EX_SOFTWARE.
 * msmtp's keywords change this: set_from (HDR_ON: an existing From is
 * replaced by the added one; HDR_OFF: none is added), set_date and
 * set_msgid (HDR_OFF: not added), keep_bcc (Bcc and Resent-Bcc
 * kept), set_to (msmtp 1.8.29's set_to_header; -t still reads the fields
 * first): HDR_TO_UNDISCLOSED: To, Cc, Bcc and Resent-Bcc removed and "To:
 * undisclosed-recipients:;" added after the other fields; HDR_TO_ON: the
 * same fields removed and a To listing the envelope recipients added
 * there: once every field is read, policy->envelope (when set) is called
 * once with rcpts (the arguments plus what -t read) to make them the
 * envelope (checks, aliases: it cannot fail here, the caller keeps its
 * error), then the To holds rcpts as they are, bare addresses joined by
 * ", " and folded before one that would pass column 78 (none when rcpts
 * is empty).  Resent-To and Resent-Cc are kept (msmtp keeps them too).
 * Local mail (policy->local set: where bare names go, alias.h): in To,
 * Cc, Bcc (when kept) and their Resent- forms, a mailbox whose address has
 * no domain ("root", "Admin <root>") gets the address(es) alias_resolve()
 * gives it, in place: its display name and comments are kept; when an
 * alias gives more than one address the others follow it, each after
 * ", ".  With set_from auto, a From field whose mailbox has no domain
 * ("root (Cron Daemon)", "Cron Daemon <root>") is replaced by ONE mailbox:
 * the envelope sender (policy->from; the provider accepts it) with the
 * display name "NAME (local)", NAME being the display name or else the
 * first comment ("Cron Daemon (root)"), or just "local" when there is
 * neither; a name that is not valid UTF-8 or longer than LIMIT_ADDR is
 * dropped (local only, or no name at all when the local part is not UTF-8
 * either).  With
 * set_from on the From is replaced anyway (msmtp's rule), with off it is
 * left as written; with a null sender no From is touched.  Fields with
 * qualified addresses only are copied byte for byte, and so is a field
 * that does not parse or holds a name that resolves nowhere: the local
 * rewriting is never an error (-t or the envelope's expansion reports
 * it).  Rewritten fields are
 * folded before a mailbox that would pass column 78.  -t reads the
 * recipients from the fields as written (the envelope expands them, again
 * through alias.h).
 * policy->trace, when set, is output before every other field, as given.
 * Under -t, recipients come from "To", "Cc" and "Bcc"; in a resent
 * message (one with a Resent-Date, -From, -Sender, -To, -Cc, -Bcc,
 * -Message-ID or -Reply-To field) from "Resent-To", "Resent-Cc" and
 * "Resent-Bcc" only, as sendmail and Postfix do.  On error,
 * *out and *rcpts may hold part of the result; the caller frees them.
 *
 * hdr_split() decides where the header block ends in CRLF input: headers
 * are lines "name: value" (name = printable ASCII except ':' and space;
 * SP/HT may stand between the name and the colon, RFC 5322 4.5
 * obs-optional) and their continuation lines (starting with SP/HT).  The block
 * ends at
 * the first empty line (consumed) or the first line that is neither (that
 * line then belongs to the body).  Input whose first line is not a header
 * has an empty header block and is all body.
 *
 * Errors: a NUL byte in the header block -> EX_DATAERR "NUL byte in header
 * 'Name'"; address-list syntax errors in To/Cc/Bcc under -t -> EX_DATAERR
 * naming the header.
 */
#ifndef SMTPS_HDR_H
#define SMTPS_HDR_H

#include <stddef.h>
#include <time.h>
#include "addr.h"
#include "alias.h"
#include "err.h"

struct hdr_buf {
	char	*p;		/* NUL-terminated after any hdr_buf_add */
	size_t	 len, cap;
};

struct hdr_policy {
	int		 read_rcpts;	/* -t */
	const char	*from;		/* envelope sender for an added From: */
	const char	*fullname;	/* -F name or NULL */
	const char	*msgid_domain;	/* domain for Message-ID */
	const char	*unique;	/* unique left part for Message-ID */
	time_t		 now;
	int		 tzoff_min;	/* local UTC offset in minutes */
	/* msmtp's header keywords; all 0 = the defaults described above */
	int		 set_from;	/* HDR_AUTO, HDR_ON (replace),
					   HDR_OFF */
	int		 set_date;	/* HDR_AUTO or HDR_OFF (never add) */
	int		 set_msgid;	/* HDR_AUTO or HDR_OFF */
	int		 keep_bcc;	/* remove_bcc_headers off */
	int		 set_to;	/* HDR_TO_OFF, HDR_TO_ON (To: the
					   envelope), HDR_TO_UNDISCLOSED */
	/* HDR_TO_ON: rcpts made the envelope before the To is written */
	void		(*envelope)(void *ctx, struct addr_list *rcpts);
	void		*envelope_ctx;
	const char	*trace;		/* NULL, or complete CRLF field lines
					   put first (the submission
					   service's Received:) */
	/* local mail: where bare names go; NULL: fields are not touched */
	const struct alias_local *local;
};
enum { HDR_AUTO = 0, HDR_ON = 1, HDR_OFF = 2 };
/* set_to_header, numbered as account.set_to_header stores it */
enum { HDR_TO_OFF = 0, HDR_TO_ON = 1, HDR_TO_UNDISCLOSED = 2 };

/*
 * Length of the header block at the start of buf (excluding the blank
 * line), and in *bodyoff the offset where the body starts (after the blank
 * line when there is one).  `complete` is 0 when buf may continue (the end
 * of the block was not yet seen): then the return value is -1 ("need more").
 */
long	hdr_split(const char *buf, size_t len, int complete, size_t *bodyoff);

int	hdr_rewrite(const char *block, size_t len, const struct hdr_policy *,
	    struct hdr_buf *out, struct addr_list *rcpts, struct err *);

/* does the block contain a field with this name (case-insensitive)? */
int	hdr_has(const char *block, size_t len, const char *name);
/*
 * The value of the first field with this name: what follows its colon up
 * to the end of its last line (continuation lines and their CRLFs
 * included) in *val (not NUL-terminated) and *vlen.  1 found, 0 not.
 */
int	hdr_get(const char *block, size_t len, const char *name,
	    const char **val, size_t *vlen);

/*
 * The field msmtp (1.8.26) takes the sender from for --read-envelope-from
 * and `from %F`: the first Resent-From of the first block of Resent-
 * fields when it comes before every From, else the first From; fields
 * whose value is blank are skipped.  Its value as hdr_get() gives it;
 * 1 found, 0 not.
 */
int	hdr_get_sender(const char *block, size_t len, const char **val,
	    size_t *vlen);

void	hdr_buf_add(struct hdr_buf *, const char *, size_t);
void	hdr_buf_free(struct hdr_buf *);

#endif
