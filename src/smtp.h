/*
 * smtp.h - one SMTP submission session, top to bottom.
 *
 * smtp_send(): connect (net), implicit TLS or plain then STARTTLS (tls),
 * EHLO, AUTH, MAIL FROM (SIZE=, BODY=8BITMIME), RCPT TO each recipient,
 * DATA (pipelined when offered), dot-stuffed body streamed from the spool,
 * QUIT.  All-or-nothing on recipients: any refused RCPT -> RSET, nothing
 * sent, every refused recipient named in the error; except 452 "too many
 * recipients": the accepted ones get the message, the rest follow in new
 * transactions on the same connection.  Each read has a deadline.
 * err->after_dot is set when the connection failed after the final dot.
 */
#ifndef SMTPS_SMTP_H
#define SMTPS_SMTP_H

#include "conf.h"
#include "queue.h"

struct envelope {
	const char	 *from;		/* "" = null sender */
	char		**rcpts;
	size_t		  nrcpts;
};

int	smtp_send(const struct account *, const char *password,
	    const struct envelope *, struct spool *, struct err *);

/*
 * The name smtps gives itself (EHLO, fallback Message-ID domain): the
 * host's fully qualified name when it has one, else "localhost".
 */
void	smtp_local_name(char *out, size_t outsz);

#endif
