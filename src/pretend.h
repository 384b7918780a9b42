/* SPDX-License-Identifier: ISC */
/*
 * pretend.h - -P/--pretend: what smtps would do, printed instead of done.
 *
 * pretend_print(): the resolved account (conf_format, the password
 * masked), how it connects ("connect to", net_describe), the envelope
 * sender and the recipients after aliases; with read_rcpts (-t) a line
 * saying the message's To, Cc and Bcc are recipients too.
 */
#ifndef SMTPS_PRETEND_H
#define SMTPS_PRETEND_H

#include <stdio.h>
#include "addr.h"
#include "conf.h"

void	pretend_print(const struct account *, const char *from,
	    const struct addr_list *rcpts, int read_rcpts, FILE *);

#endif
