/* SPDX-License-Identifier: ISC */
/*
 * pipe.c - the "bare TLS pipe" baseline for the throughput benchmark.
 *
 *   pipe HOST PORT CAFILE BYTES
 *
 * Connects to the sink (implicit TLS mode), verifies its certificate
 * against CAFILE, reads the greeting, sends "BDAT <n> LAST" and n = BYTES
 * bytes of text from memory in 256 KiB gnutls_record_send() calls (full 16 KiB
 * records), and waits for the reply.  Prints
 *   mbps=<MB/s (10^6 bytes) from the first payload byte to the reply> total_ms=<ms
 *   including connect and handshake> cipher=<session description>
 * This is as fast as a TLS client can push data through that sink on this
 * machine: no SMTP state, no file, no dot-stuffing.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#define CHUNK	(256 * 1024)

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *what, int r)
{
	fprintf(stderr, "pipe: %s: %s\n", what, r ? gnutls_strerror(r) : "");
	exit(1);
}

/* read until a line ending in "\r\n" whose 4th byte is a space */
static void
reply(gnutls_session_t s, const char *want)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;

	for (;;) {
		n = gnutls_record_recv(s, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			die("reading the reply", n < 0 ? (int)n : 0);
		len += (size_t)n;
		buf[len] = '\0';
		if (len >= 6 && memcmp(buf + len - 2, "\r\n", 2) == 0) {
			char *last = buf + len - 2;

			while (last > buf && last[-1] != '\n')
				last--;
			if (last[3] == ' ')
				break;
		}
	}
	if (strncmp(buf, want, 3) != 0) {
		fprintf(stderr, "pipe: unexpected reply: %s", buf);
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	gnutls_certificate_credentials_t cred;
	gnutls_session_t s;
	struct sockaddr_in sin;
	unsigned long long total, left;
	char *buf, cmd[64], *desc;
	double t0, t1, t2;
	int fd, r, one = 1, i;

	if (argc != 5) {
		fprintf(stderr, "usage: pipe HOST PORT CAFILE BYTES\n");
		return 2;
	}
	total = strtoull(argv[4], NULL, 10);
	if ((buf = malloc(CHUNK)) == NULL)
		return 1;
	for (i = 0; i < CHUNK; i++)	/* 76-character text lines */
		buf[i] = i % 78 == 76 ? '\r' : i % 78 == 77 ? '\n' :
		    (char)('a' + i % 26);

	t0 = now();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1)
		die("bad address", 0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		die("connect", 0);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	gnutls_global_init();
	gnutls_certificate_allocate_credentials(&cred);
	if (gnutls_certificate_set_x509_trust_file(cred, argv[3],
	    GNUTLS_X509_FMT_PEM) <= 0)
		die("cannot load the CA file", 0);
	gnutls_init(&s, GNUTLS_CLIENT);
	gnutls_set_default_priority(s);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_session_set_verify_cert(s, argv[1], 0);
	gnutls_transport_set_int(s, fd);
	do
		r = gnutls_handshake(s);
	while (r < 0 && !gnutls_error_is_fatal(r));
	if (r < 0)
		die("handshake", r);
	reply(s, "220");

	snprintf(cmd, sizeof(cmd), "BDAT %llu LAST\r\n", total);
	t1 = now();
	gnutls_record_cork(s);
	if (gnutls_record_send(s, cmd, strlen(cmd)) < 0)
		die("send", 0);
	for (left = total; left > 0; ) {
		size_t n = left < CHUNK ? (size_t)left : CHUNK;
		ssize_t w = gnutls_record_send(s, buf, n);

		if (w < 0)
			die("send", (int)w);
		left -= (unsigned long long)w;
		if (left == total - (unsigned long long)w)
			gnutls_record_uncork(s, GNUTLS_RECORD_WAIT);
	}
	reply(s, "250");
	t2 = now();
	desc = gnutls_session_get_desc(s);
	printf("mbps=%.1f total_ms=%.1f cipher=%s\n",
	    total / 1e6 / (t2 - t1), (t2 - t0) * 1e3, desc);
	gnutls_bye(s, GNUTLS_SHUT_WR);
	close(fd);
	return 0;
}
