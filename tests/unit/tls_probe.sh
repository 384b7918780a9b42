#!/bin/sh
# SPDX-License-Identifier: ISC
# tls_probe.sh - checks of the wire modules (net, io, reply, tls) against
# real servers on loopback: gnutls-serv for implicit TLS with good and bad
# certificates, and a small Python SMTP server for STARTTLS, injection,
# floods, stalls and garbage.  Certificates are made here with certtool.
#
#   sh tests/unit/tls_probe.sh        (from the top of the tree)
#
# Needs: cc, pkg-config, gnutls-bin (certtool, gnutls-serv), openssl,
# python3.  Ends with the totals line "tls_probe: N passed, M failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/tls_probe.XXXXXX)
pids=""
pass=0 fail=0

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

cd "$top" || exit 1
PKG="gnutls libbsd-overlay"
cc -std=c11 -D_GNU_SOURCE -Isrc $(pkg-config --cflags $PKG) ${PROBE_CFLAGS:--g -O1} \
    -o "$T/tls_probe" tests/unit/tls_probe.c src/net.c src/io.c src/tls.c \
    src/reply.c src/err.c $(pkg-config --libs $PKG) || exit 1
PROBE="$T/tls_probe"
cd "$T" || exit 1

# ---- certificates ----
key() { certtool --generate-privkey --key-type rsa --bits "$2" \
    --outfile "$1.key" 2>/dev/null; }
ca() {
	key "$1" 3072
	printf 'cn = "%s"\nca\ncert_signing_key\n%s\n%s\n' "$1" \
	    'activation_date = "2019-01-01 00:00:00"' \
	    'expiration_date = "2199-01-01 00:00:00"' > "$1.tmpl"
	certtool --generate-self-signed --load-privkey "$1.key" \
	    --template "$1.tmpl" --outfile "$1.pem" 2>/dev/null
}
# leaf NAME BITS HASH CA [template lines...]
leaf() {
	n=$1 bits=$2 hash=$3 signer=$4
	shift 4
	key "$n" "$bits"
	: > "$n.tmpl"
	for l in tls_www_server encryption_key signing_key "$@"; do
		echo "$l" >> "$n.tmpl"
	done
	grep -q '^cn' "$n.tmpl" || printf '%s\n' 'cn = "localhost"' \
	    'dns_name = "localhost"' 'ip_address = "127.0.0.1"' \
	    'ip_address = "::1"' >> "$n.tmpl"
	grep -q _date "$n.tmpl" || echo 'expiration_days = 30' >> "$n.tmpl"
	certtool --generate-certificate --hash "$hash" \
	    --load-privkey "$n.key" --load-ca-certificate "$signer.pem" \
	    --load-ca-privkey "$signer.key" --template "$n.tmpl" \
	    --outfile "$n.pem" 2>/dev/null
}
ca ca
ca otherca
leaf good 2048 SHA256 ca
leaf expired 2048 SHA256 ca 'activation_date = "2020-01-01 00:00:00"' \
    'expiration_date = "2021-01-01 00:00:00"'
leaf future 2048 SHA256 ca 'activation_date = "2099-01-01 00:00:00"' \
    'expiration_date = "2100-01-01 00:00:00"'
leaf rsa1024 1024 SHA256 ca
leaf sha1 2048 SHA1 ca
leaf dnsonly 2048 SHA256 ca 'cn = "127.0.0.1"' 'dns_name = "mail.example"'
leaf stranger 2048 SHA256 otherca
fp() { openssl x509 -in "$1.pem" -noout -fingerprint -sha256 | cut -d= -f2; }

# ---- servers ----
port=$((20000 + $$ % 20000))
for c in good expired future rsa1024 sha1 dnsonly stranger; do
	gnutls-serv --echo --x509certfile "$c.pem" --x509keyfile "$c.key" \
	    -p "$port" > "serv-$c.log" 2>&1 &
	pids="$pids $!"
	eval "P_$c=$port"
	port=$((port + 1))
done

cat > smtpd.py <<'EOF'
# a scripted SMTP server; mode from argv; one thread per connection
import socket, ssl, sys, threading, time
port, mode = int(sys.argv[1]), sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain("good.pem", "good.key")
def lines(f):
    for l in f:
        yield l
def serve(c):
    try:
        if mode == "silent":
            time.sleep(30); return
        if mode == "flood":
            while True: c.sendall(b"x" * 65536)
        if mode == "trickle":
            c.sendall(b"220-slow\r\n")
            for i in range(60):
                time.sleep(0.2); c.sendall(b"220-more\r\n")
            return
        if mode == "garbage":
            c.sendall(b"hello there\r\n"); time.sleep(2); return
        c.sendall(b"220 probe ESMTP\r\n")
        f = c.makefile("rb")
        f.readline()
        caps = b"250-probe\r\n250-PIPELINING\r\n"
        if mode != "nostarttls":
            caps += b"250-STARTTLS\r\n"
        c.sendall(caps + b"250 8BITMIME\r\n")
        if f.readline() != b"STARTTLS\r\n":
            return
        if mode == "refuse":
            c.sendall(b"454 4.7.0 TLS not available\r\n"); return
        if mode == "inject":
            c.sendall(b"220 go ahead\r\n250-injected\r\n"); time.sleep(2)
            return
        if mode == "noshake":
            c.sendall(b"220 go ahead\r\n"); time.sleep(30); return
        c.sendall(b"220 go ahead\r\n")
        s = ctx.wrap_socket(c, server_side=True)
        g = s.makefile("rb")
        for l in g:
            s.sendall(l)
    except Exception:
        pass
    finally:
        c.close()
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
if mode == "backlog":
    # never accept; fill the queue so that further SYNs go unanswered
    ls.listen(0)
    fill = []
    for i in range(8):
        s = socket.socket(); s.setblocking(False)
        try: s.connect(("127.0.0.1", port))
        except BlockingIOError: pass
        fill.append(s)
    time.sleep(120)
    sys.exit(0)
ls.listen(16)
while True:
    c, _ = ls.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
for m in good inject nostarttls refuse noshake silent flood trickle garbage \
    backlog; do
	python3 smtpd.py "$port" "$m" > "smtpd-$m.log" 2>&1 &
	pids="$pids $!"
	eval "S_$m=$port"
	port=$((port + 1))
done
sleep 1.5

now_ms() { date +%s%3N; }

# check NAME RC SUBSTRING [MAX_MS] -- probe arguments
check() {
	name=$1 want=$2 sub=$3 max=0
	shift 3
	if [ "$1" != "--" ]; then max=$1; shift; fi
	shift
	t0=$(now_ms)
	out=$("$PROBE" "$@" 2>&1)
	rc=$?
	dt=$(($(now_ms) - t0))
	if [ "$rc" -ne "$want" ]; then
		why="exit $rc, expected $want"
	elif ! printf '%s' "$out" | grep -qF -- "$sub"; then
		why="output lacks '$sub'"
	elif [ "$max" -gt 0 ] && [ "$dt" -gt "$max" ]; then
		why="took $dt ms, limit $max"
	else
		pass=$((pass + 1))
		echo "ok   $name"
		return
	fi
	fail=$((fail + 1))
	echo "FAIL $name: $why: $out"
}

V="TLS certificate verification failed for"
# implicit TLS, good certificate, every way of naming the host
check good-dns 0 "ok: TLS1.3" -- -t ca.pem -e localhost "$P_good"
check good-ipv4 0 "ok: TLS" -- -t ca.pem -e 127.0.0.1 "$P_good"
if ip -6 addr show lo 2>/dev/null | grep -q '::1'; then
	check good-ipv6 0 "ok: TLS" -- -t ca.pem -e ::1 "$P_good"
fi
check good-tls12 0 "ok: TLS1.2 (ECDHE" -- -t ca.pem \
    -p NORMAL:-VERS-TLS1.3 -e localhost "$P_good"
check override-name 0 "ok: TLS" -- -t ca.pem -n localhost -e 127.0.0.1 \
    "$P_good"
# each certificate failure
check wrong-name 69 "$V mail.example: certificate does not match host name 'mail.example'" -- \
    -t ca.pem -n mail.example localhost "$P_good"
check ip-not-in-san 69 "certificate does not match host name '127.0.0.1'" -- \
    -t ca.pem 127.0.0.1 "$P_dnsonly"
check cn-not-used 69 "does not match" -- -t ca.pem -n 127.0.0.1 localhost \
    "$P_dnsonly"
check dns-san 0 "ok:" -- -t ca.pem -n mail.example -e localhost "$P_dnsonly"
check untrusted-system 69 "$V localhost: certificate signer is not trusted" -- \
    localhost "$P_good"
check untrusted-other-ca 69 "certificate signer is not trusted" -- \
    -t ca.pem localhost "$P_stranger"
check expired 69 "$V localhost: certificate has expired" -- \
    -t ca.pem localhost "$P_expired"
check not-yet-valid 69 "$V localhost: certificate is not yet valid" -- \
    -t ca.pem localhost "$P_future"
check rsa1024 69 "insecure certificate algorithm or key size" -- \
    -t ca.pem localhost "$P_rsa1024"
check rsa1024-tls12 69 "insecure certificate algorithm or key size" -- \
    -t ca.pem -p NORMAL:-VERS-TLS1.3 localhost "$P_rsa1024"
check rsa1024-profile-low 69 "insecure certificate algorithm" -- \
    -t ca.pem -p NORMAL:%PROFILE_LOW localhost "$P_rsa1024"
check sha1 69 "insecure certificate algorithm or key size" -- \
    -t ca.pem localhost "$P_sha1"
# pinning
check pin-only 0 "ok:" -- -k -f "$(fp stranger)" -e localhost "$P_stranger"
check pin-wrong 69 "$V localhost: certificate fingerprint does not match" -- \
    -k -f "$(fp good)" localhost "$P_stranger"
check pin-and-chain 0 "ok:" -- -t ca.pem -f "$(fp good)" -e localhost \
    "$P_good"
check pin-but-untrusted 69 "certificate signer is not trusted" -- \
    -f "$(fp stranger)" localhost "$P_stranger"
check pin-but-wrong-name 69 "does not match host name" -- \
    -t ca.pem -f "$(fp good)" -n mail.example localhost "$P_good"
check nocheck 0 "ok:" -- -k -e localhost "$P_stranger"
check nocheck-expired 0 "ok:" -- -k -e localhost "$P_expired"
# configuration errors
check bad-trust-file 78 "cannot load tls_trust_file" -- \
    -t /nonexistent/ca.pem localhost "$P_good"
check trust-file-no-pem 78 "holds no PEM certificate" -- \
    -t good.key localhost "$P_good"
check bad-priorities 78 "invalid tls_priorities" -- \
    -t ca.pem -p 'NORMAL:+NOPE' localhost "$P_good"
check tls10-only 78 "TLS 1.2" -- -t ca.pem \
    -p 'NORMAL:-VERS-ALL:+VERS-TLS1.0' localhost "$P_good"
# network failures
check refused 75 "cannot connect to 127.0.0.1 port 1:" -- 127.0.0.1 1
check no-such-host 68 "cannot resolve no-such-host.invalid" -- \
    no-such-host.invalid 25
check connect-timeout 75 "timed out" 2500 -- -T 1000 127.0.0.1 "$S_backlog"
check handshake-timeout 75 "TLS handshake with localhost timed out" 2500 -- \
    -T 1000 -t ca.pem localhost "$S_silent"
check read-timeout 75 "timed out waiting for the server" 2500 -- \
    -T 1000 -t ca.pem -w localhost "$P_good"
check not-tls 76 "TLS handshake with localhost failed" -- \
    -t ca.pem localhost "$S_garbage"
# STARTTLS
check starttls 0 "ok: TLS1.3" -- -s -t ca.pem -e localhost "$S_good"
check starttls-inject 76 "bytes after STARTTLS" -- -s -t ca.pem localhost \
    "$S_inject"
check starttls-missing 69 "STARTTLS not offered" -- -s -t ca.pem localhost \
    "$S_nostarttls"
check starttls-454 69 "STARTTLS refused: 454" -- -s -t ca.pem localhost \
    "$S_refuse"
check starttls-noshake 75 "timed out" 2500 -- -T 1000 -s -t ca.pem \
    localhost "$S_noshake"
# hostile plain-text servers: flood, trickle, garbage
check flood 76 "longer than" 2500 -- -s localhost "$S_flood"
check trickle 75 "timed out waiting for the server" 2500 -- -T 1000 -s \
    localhost "$S_trickle"
check garbage 76 "malformed reply line" -- -s localhost "$S_garbage"

echo "tls_probe: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
