/* SPDX-License-Identifier: ISC */
/*
 * net.h - resolve and connect: TCP, unix domain socket, SOCKS5 proxy.
 *
 * net_open(): connect the way the account says, within timeout_ms in total
 * (lookup, connect, proxy handshake), and return the socket in NON-BLOCKING
 * mode (the transports poll):
 *  - `socket PATH`: a unix stream socket; host, port, proxy and source_ip
 *    are not used.  Any failure (ENOENT, ECONNREFUSED, EACCES, timed out)
 *    -> EX_TEMPFAIL "cannot connect to socket PATH: reason"; a path too
 *    long for sun_path -> EX_CONFIG.
 *  - `proxy_host` (port proxy_port, default LIMIT_SOCKS_PORT): TCP to the
 *    proxy (resolved here, bound to source_ip when set), then the SOCKS5
 *    handshake of socks.h asking for host:port, so the proxy resolves the
 *    host.  Not reaching the proxy -> "SOCKS5 proxy: cannot connect to
 *    PROXY port N: reason" (codes as below); a failed handshake -> "cannot
 *    connect to HOST port N via SOCKS5 proxy PROXY port M: reason" with
 *    the code of socks.h (EX_TEMPFAIL, EX_UNAVAILABLE or EX_PROTOCOL); the
 *    proxy closing the connection before replying, a network error or a
 *    timeout -> EX_TEMPFAIL; closing in the middle of a reply -> EX_PROTOCOL.
 *    Exactly the handshake's bytes are read: what follows is the server's.
 *  - else TCP to host:port (net_connect), bound to source_ip when set.
 * source_ip: only addresses of its family are tried; the host has none ->
 * EX_NOHOST "HOST has no IPv6 address, and source_ip X is one"; the address
 * is not one of this machine (EADDRNOTAVAIL) -> EX_CONFIG; another bind
 * failure -> EX_OSERR.
 *
 * net_connect(): getaddrinfo(host, port); tries each address with a
 * non-blocking connect bounded by timeout_ms in total; sets TCP_NODELAY.
 * Errors: unknown host (EAI_NONAME) -> EX_NOHOST; DNS try-again
 * -> EX_TEMPFAIL; refused/unreachable/timeout -> EX_TEMPFAIL, message
 * "cannot connect to HOST port N: reason".
 *
 * net_describe(): how net_open connects, for -v and -S: "HOST port N",
 * "socket PATH" or "HOST port N via SOCKS5 proxy P port M", followed by
 * " from IP" with source_ip.
 *
 * net_transport(): the plain transport over *fd (poll + read/write).
 */
#ifndef SMTPS_NET_H
#define SMTPS_NET_H

#include "conf.h"
#include "io.h"

int	net_open(const struct account *, int timeout_ms, struct err *);
int	net_connect(const char *host, int port, int timeout_ms, struct err *);
void	net_describe(const struct account *, char *buf, size_t sz);
struct transport net_transport(int *fd);

#endif
