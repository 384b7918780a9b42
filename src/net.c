/* SPDX-License-Identifier: ISC */
/*
 * net.c - resolve and connect (TCP, unix socket, SOCKS5 proxy); the plain
 * transport (contract: net.h).
 *
 * net_open() / net_connect(): one deadline, timeout_ms from the call, covers
 * the name
 * lookup and every connect attempt.  The lookup itself is getaddrinfo(),
 * bounded by the resolver's own timeouts (resolv.conf "options timeout:
 * attempts:"); getaddrinfo_a() was tried and left out: its helper thread
 * leaks inside glibc, which makes valgrind runs of the suite fail.
 * Each address gets a fair share of the time left (left / addresses not
 * yet tried), so one black-holed address cannot starve the others.  The socket
 * returned is
 * non-blocking, close-on-exec, with TCP_NODELAY.  With source_ip the
 * socket is bound (port 0) before connect and addresses of the other
 * family are skipped (they are not counted in the fair share).  The SOCKS5
 * handshake runs under the same deadline and reads exactly the bytes of
 * each reply, so a server greeting (or TLS record) sent right after the
 * proxy's reply stays in the socket for the next layer.
 * Errors: EAI_NONAME/EAI_NODATA/EAI_ADDRFAMILY -> EX_NOHOST; EAI_AGAIN,
 * EAI_FAIL and every connect failure -> EX_TEMPFAIL;
 * EAI_MEMORY/EAI_SYSTEM -> EX_OSERR.
 *
 * The transport (ctx = int *fd): reads and writes poll within their own
 * timeout_ms, retry on EINTR and EAGAIN, and send with MSG_NOSIGNAL so a
 * closed connection is an error, never a SIGPIPE.  All network failures are
 * EX_TEMPFAIL.  pending() is FIONREAD: bytes the kernel already holds.
 * The caller owns and closes the descriptor.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "net.h"
#include "socks.h"

static int
gai_class(int rc)
{
	switch (rc) {
	case EAI_NONAME:
	case EAI_NODATA:
	case EAI_ADDRFAMILY:
		return EX_NOHOST;
	case EAI_AGAIN:
	case EAI_FAIL:
		return EX_TEMPFAIL;
	case EAI_MEMORY:
	case EAI_SYSTEM:
		return EX_OSERR;
	default:
		return EX_SOFTWARE;
	}
}

static int
resolve(const char *host, const char *port, struct addrinfo **res,
    struct err *e)
{
	struct addrinfo hints;
	const char *node = host;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	/*
	 * RFC 6761 6.3: "localhost" and names under it are the loopback
	 * addresses, whatever /etc/hosts or DNS say (a chroot or container
	 * may have no /etc/hosts).  A NULL node without AI_PASSIVE gives
	 * exactly the loopback addresses.
	 */
	if (strcasecmp(host, "localhost") == 0 || (strlen(host) > 10 &&
	    strcasecmp(host + strlen(host) - 10, ".localhost") == 0))
		node = NULL;
	if ((rc = getaddrinfo(node, port, &hints, res)) == 0)
		return 0;
	*res = NULL;
	return err_set(e, gai_class(rc), "cannot resolve %s: %s", host,
	    rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
}

/* the source address to bind, parsed from source_ip (or none) */
struct src {
	struct sockaddr_storage	ss;
	socklen_t		len;	/* 0 = no source_ip */
	const char		*text;
};

static void
src_parse(const char *ip, struct src *src)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&src->ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&src->ss;

	memset(src, 0, sizeof(*src));
	src->text = ip;
	if (ip == NULL || *ip == '\0')
		return;
	/* conf.c accepted only numeric addresses; port 0 = any */
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		src->len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		src->len = sizeof(*s6);
	}
}

/*
 * Connect to one address before the deadline; errno says why not.
 * *bound is set to 0 when binding to the source address failed (errno
 * says why), so the caller stops: every address would fail alike.
 */
static int
try_addr(const struct addrinfo *ai, const struct src *src, int *bound,
    long long deadline)
{
	int fd, soerr = 0, one = 1, sv;
	socklen_t sl = sizeof(soerr);

	*bound = 1;
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1)
		return -1;
	if (src->len > 0 && bind(fd, (const struct sockaddr *)&src->ss,
	    src->len) == -1) {
		*bound = 0;
		goto fail;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS && errno != EINTR)
			goto fail;
		if (io_wait_fd(fd, POLLOUT, deadline) == -1)
			goto fail;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1)
			goto fail;
		if (soerr != 0) {
			errno = soerr;
			goto fail;
		}
	}
	/* best effort: only latency depends on it */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
fail:
	sv = errno;
	close(fd);
	errno = sv;
	return -1;
}

/* addresses in res of the source address's family (all without one) */
static int
count_usable(const struct addrinfo *res, const struct src *src)
{
	int n = 0;

	for (; res != NULL; res = res->ai_next)
		n += src->len == 0 || res->ai_family == src->ss.ss_family;
	return n;
}

static int
bind_failed(const struct src *src, int why, struct err *e)
{
	if (why == EADDRNOTAVAIL)
		return err_set(e, EX_CONFIG, "source_ip %s is not an address "
		    "of this machine", src->text);
	return err_set(e, EX_OSERR, "cannot bind to source_ip %s: %s",
	    src->text, strerror(why));
}

/* TCP to host:port before the deadline, bound to src when it is set */
static int
tcp_connect(const char *host, int port, const struct src *src,
    long long deadline, struct err *e)
{
	struct addrinfo *res = NULL, *ai;
	long long left;
	char sport[16];
	int fd = -1, naddr, i = 0, why = 0, bound = 1;

	if (host == NULL || host[0] == '\0')
		return err_set(e, EX_CONFIG, "no host to connect to");
	if (port < 1 || port > 65535)
		return err_set(e, EX_CONFIG, "invalid port %d", port);
	snprintf(sport, sizeof(sport), "%d", port);
	if (resolve(host, sport, &res, e) == -1)
		return -1;
	if ((naddr = count_usable(res, src)) == 0) {
		freeaddrinfo(res);
		return err_set(e, EX_NOHOST, "%s has no %s address, and "
		    "source_ip %s is one", host, src->ss.ss_family == AF_INET ?
		    "IPv4" : "IPv6", src->text);
	}
	for (ai = res; ai != NULL && fd == -1 && bound; ai = ai->ai_next) {
		if (src->len > 0 && ai->ai_family != src->ss.ss_family)
			continue;
		if ((left = deadline - io_now_ms()) <= 0) {
			why = ETIMEDOUT;
			break;
		}
		fd = try_addr(ai, src, &bound, io_now_ms() + left /
		    (naddr - i++));
		if (fd == -1)
			why = errno;
	}
	freeaddrinfo(res);
	if (fd != -1)
		return fd;
	if (!bound)
		return bind_failed(src, why, e);
	return err_set(e, EX_TEMPFAIL, "cannot connect to %s port %d: %s",
	    host, port, why == ETIMEDOUT ? "timed out" :
	    why != 0 ? strerror(why) : "no address");
}

int
net_connect(const char *host, int port, int timeout_ms, struct err *e)
{
	struct src none;

	src_parse(NULL, &none);
	return tcp_connect(host, port, &none, io_now_ms() +
	    (timeout_ms > 0 ? timeout_ms : 0), e);
}

/* --- the plain transport --- */

static int
net_neterr(struct err *e, int errnum, const char *doing)
{
	if (errnum == ECONNRESET)
		return err_set(e, EX_TEMPFAIL, "connection reset by server");
	if (errnum == EPIPE)
		return err_set(e, EX_TEMPFAIL, "connection closed by server");
	if (errnum == ETIMEDOUT)
		return err_set(e, EX_TEMPFAIL, "timed out %s the server",
		    doing);
	return err_set(e, EX_TEMPFAIL, "network error %s the server: %s",
	    doing, strerror(errnum));
}

/* --- unix domain socket --- */

/*
 * A blocking connect to a unix socket waits (when the listener's backlog
 * is full) at most SO_SNDTIMEO on Linux, then fails with EAGAIN; a
 * non-blocking one would fail at once.  So: blocking with the time left,
 * then non-blocking like every other transport socket.
 */
static int
unix_connect(const char *path, long long deadline, struct err *e)
{
	struct sockaddr_un sun;
	struct timeval tv;
	long long left = deadline - io_now_ms();
	int fd, why, fl;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		return err_set(e, EX_CONFIG, "socket %s: path longer than %zu "
		    "bytes", path, sizeof(sun.sun_path) - 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return err_set(e, EX_OSERR, "socket: %s", strerror(errno));
	left = left < 1 ? 1 : left;
	tv.tv_sec = (time_t)(left / 1000);
	tv.tv_usec = (suseconds_t)(left % 1000) * 1000;
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		why = errno;
		close(fd);
		return err_set(e, EX_TEMPFAIL, "cannot connect to socket %s: "
		    "%s", path, why == EAGAIN || why == EINPROGRESS ?
		    "timed out" : strerror(why));
	}
	memset(&tv, 0, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		why = errno;
		close(fd);
		return err_set(e, EX_OSERR, "socket %s: %s", path,
		    strerror(why));
	}
	return fd;
}

/* --- SOCKS5 (the messages are socks.c's) --- */

static int
proxy_neterr(struct err *e, int errnum)
{
	if (errnum == ETIMEDOUT)
		return err_set(e, EX_TEMPFAIL, "timed out waiting for the "
		    "proxy");
	return err_set(e, EX_TEMPFAIL, "network error with the proxy: %s",
	    strerror(errnum));
}

static int
socks_send(int fd, const unsigned char *buf, size_t len, long long deadline,
    struct err *e)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		} else if (n == -1 && errno != EINTR && errno != EAGAIN &&
		    errno != EWOULDBLOCK)
			return proxy_neterr(e, errno);
		else if (n == -1 && errno != EINTR &&
		    io_wait_fd(fd, POLLOUT, deadline) == -1)
			return proxy_neterr(e, errno);
	}
	return 0;
}

/* exactly len bytes after the *got already in buf: never more */
static int
socks_recv(int fd, unsigned char *buf, size_t *got, size_t len,
    long long deadline, struct err *e)
{
	ssize_t n;

	while (*got < len) {
		n = recv(fd, buf + *got, len - *got, 0);
		if (n > 0)
			*got += (size_t)n;
		else if (n == 0 && *got == 0)
			return err_set(e, EX_TEMPFAIL, "the proxy closed the "
			    "connection");
		else if (n == 0)
			return err_set(e, EX_PROTOCOL, "the proxy closed the "
			    "connection in the middle of its reply (after %zu "
			    "bytes)", *got);
		else if (errno != EINTR && errno != EAGAIN &&
		    errno != EWOULDBLOCK)
			return proxy_neterr(e, errno);
		else if (errno != EINTR &&
		    io_wait_fd(fd, POLLIN, deadline) == -1)
			return proxy_neterr(e, errno);
	}
	return 0;
}

/* the SOCKS5 handshake on fd (connected to the proxy) for host:port */
static int
socks_handshake(int fd, const char *host, int port, long long deadline,
    struct err *e)
{
	unsigned char buf[SOCKS_REPLY_MAX > SOCKS_REQUEST_MAX ?
	    SOCKS_REPLY_MAX : SOCKS_REQUEST_MAX];
	size_t len, got = 0, need;
	int rc;

	len = socks_greeting(buf);
	if (socks_send(fd, buf, len, deadline, e) == -1 ||
	    socks_recv(fd, buf, &got, SOCKS_METHOD_REPLY_LEN, deadline,
	    e) == -1 || socks_method_reply(buf, got, e) == -1)
		return -1;
	if (socks_connect_request(buf, &len, host, port, e) == -1 ||
	    socks_send(fd, buf, len, deadline, e) == -1)
		return -1;
	for (got = 0; (rc = socks_reply(buf, got, &need, e)) == 1; )
		if (socks_recv(fd, buf, &got, need, deadline, e) == -1)
			return -1;
	return rc;
}

static int
proxy_connect(const struct account *a, const struct src *src,
    long long deadline, struct err *e)
{
	int pport = a->proxy_port > 0 ? a->proxy_port : LIMIT_SOCKS_PORT;
	int fd;

	if ((fd = tcp_connect(a->proxy_host, pport, src, deadline, e)) == -1)
		return err_prefix(e, "SOCKS5 proxy");
	if (socks_handshake(fd, a->host, a->port, deadline, e) == -1) {
		close(fd);
		return err_prefix(e, "cannot connect to %s port %d via SOCKS5 "
		    "proxy %s port %d", a->host, a->port, a->proxy_host, pport);
	}
	return fd;
}

int
net_open(const struct account *a, int timeout_ms, struct err *e)
{
	long long deadline = io_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	struct src src;

	if (a->socket != NULL)
		return unix_connect(a->socket, deadline, e);
	src_parse(a->source_ip, &src);
	if (a->proxy_host != NULL)
		return proxy_connect(a, &src, deadline, e);
	return tcp_connect(a->host, a->port, &src, deadline, e);
}

void
net_describe(const struct account *a, char *buf, size_t sz)
{
	if (a->socket != NULL)
		snprintf(buf, sz, "socket %s", a->socket);
	else if (a->proxy_host != NULL)
		snprintf(buf, sz, "%s port %d via SOCKS5 proxy %s port %d",
		    a->host, a->port, a->proxy_host, a->proxy_port > 0 ?
		    a->proxy_port : LIMIT_SOCKS_PORT);
	else
		snprintf(buf, sz, "%s port %d", a->host, a->port);
	if (a->socket == NULL && a->source_ip != NULL)
		snprintf(buf + strlen(buf), sz - strlen(buf), " from %s",
		    a->source_ip);
}

static ssize_t
net_read(void *ctx, void *buf, size_t len, int timeout_ms, struct err *e)
{
	int fd = *(int *)ctx;
	long long deadline = io_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, len, 0);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return net_neterr(e, errno, "waiting for");
		if (io_wait_fd(fd, POLLIN, deadline) == -1)
			return net_neterr(e, errno, "waiting for");
	}
}

static int
net_write(void *ctx, const void *buf, size_t len, int timeout_ms,
    struct err *e)
{
	int fd = *(int *)ctx;
	long long deadline = io_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return net_neterr(e, errno, "sending to");
		if (io_wait_fd(fd, POLLOUT, deadline) == -1)
			return net_neterr(e, errno, "sending to");
	}
	return 0;
}

static size_t
net_pending(void *ctx)
{
	int n = 0;

	if (ioctl(*(int *)ctx, FIONREAD, &n) == -1 || n < 0)
		return 0;
	return (size_t)n;
}

struct transport
net_transport(int *fd)
{
	struct transport t = { net_read, net_write, net_pending, fd };

	return t;
}
