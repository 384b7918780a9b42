/*
 * net.h - resolve and connect.
 *
 * net_connect(): getaddrinfo(host, port); tries each address with a
 * non-blocking connect bounded by timeout_ms in total; sets TCP_NODELAY;
 * returns a connected socket left in NON-BLOCKING mode (the transports
 * poll).  Errors: unknown host (EAI_NONAME) -> EX_NOHOST; DNS try-again
 * -> EX_TEMPFAIL; refused/unreachable/timeout -> EX_TEMPFAIL, message
 * "cannot connect to HOST port N: reason".
 *
 * net_transport(): the plain TCP transport over *fd (poll + read/write).
 */
#ifndef SMTPS_NET_H
#define SMTPS_NET_H

#include "io.h"

int	net_connect(const char *host, int port, int timeout_ms, struct err *);
struct transport net_transport(int *fd);

#endif
