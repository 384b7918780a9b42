#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# --configure ADDRESS [--write]: SRV records (served by tests/server/dns.py
# on a random 127.x.y.z:53, the resolver pointed at it through a private
# /etc/resolv.conf in a mount namespace), the provider table, the probe of
# the port, the account block; --write never overwrites.  Then the bar:
# --configure --write, --doctor and a send, nothing else typed (the test
# CA is the namespace's system trust store, the password in ~/.netrc).

load helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	DNS_PID=
	[ "$(id -u)" = 0 ] && command -v unshare >/dev/null ||
		skip "needs root and unshare (mount namespace)"
	unshare -m true 2>/dev/null || skip "no mount namespaces here"
}
teardown() {
	[ -z "$DNS_PID" ] || kill "$DNS_PID" 2>/dev/null || true
	common_teardown
}

# start_dns: the zone from stdin; a random loopback address; resolv.conf
start_dns() {
	cat > "$T/zone"
	mkdir -p "$T/dns"
	DNS_ADDR=127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))
	"$PYTHON" "$REPO/tests/server/dns.py" "$T/zone" "$T/dns" "$DNS_ADDR" \
	    > "$T/dns.out" 2>&1 3>&- &
	DNS_PID=$!
	local i
	for i in $(seq 1 200); do
		[ -s "$T/dns/ready" ] && break
		kill -0 "$DNS_PID" 2>/dev/null || break
		sleep 0.05
	done
	[ -s "$T/dns/ready" ] || { cat "$T/dns.out" >&2; return 1; }
	printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$DNS_ADDR" \
	    > "$T/resolv.conf"
	cp "$CERTS/ca.pem" "$T/trust.pem"
}

# run_ns ARGS...: $SMTPS ARGS < $INPUT in a mount namespace whose
# /etc/resolv.conf is ours and whose system trust store is the test CA;
# in a session of its own, without a controlling terminal (setsid)
run_ns() {
	status=0
	timeout -k 5 60 setsid -w unshare -m sh -c '
		mount --bind "$1" /etc/resolv.conf &&
		mount --bind "$2" /etc/ssl/certs/ca-certificates.crt &&
		shift 2 && exec "$@"' sh "$T/resolv.conf" "$T/trust.pem" \
	    "$SMTPS" "$@" < "$INPUT" > "$T/stdout" 2> "$T/stderr" || status=$?
	output=$(cat "$T/stdout")
	stderr=$(cat "$T/stderr")
}

assert_line_re() {
	echo "$output" | grep -Eq -- "$1" || fail "no line /$1/ in: $output"
}

@test "configure: _submissions._tcp SRV -> TLS at once on its port, the block printed" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	start_dns <<EOF
_submissions._tcp.test.example SRV 0 1 $PORT localhost
EOF
	run_ns --configure me@test.example
	assert_status 0
	assert_line_re '^# smtps --configure me@test\.example: TLS at once, found by _submissions\._tcp\.test\.example$'
	assert_line_re '^account test\.example$'
	assert_line_re '^host localhost$'
	assert_line_re "^port $PORT\$"
	assert_line_re '^tls_starttls off$'
	assert_line_re '^user me@test\.example$'
	assert_line_re '^from me@test\.example$'
	assert_line_re '^# passwordeval "pass show mail/me@test\.example"$'
	assert_line_re '^account default : test\.example$'
	! echo "$output" | grep -q '^password' || fail "a password line: $output"
	grep -q '^SRV _submissions._tcp.test.example$' "$T/dns/queries" ||
		fail "no SRV query: $(cat "$T/dns/queries")"
}

@test "configure: only _submission._tcp -> STARTTLS (the port greets in plaintext)" {
	scenario <<EOF
$(sc_starttls)
EOF
	start_server
	start_dns <<EOF
_submission._tcp.test.example SRV 0 1 $PORT localhost
EOF
	run_ns --configure me@test.example
	assert_status 0
	assert_line_re '^# smtps --configure me@test\.example: an SMTP greeting: STARTTLS, found by _submission\._tcp\.test\.example$'
	assert_line_re '^tls_starttls on$'
	assert_line_re "^port $PORT\$"
	grep -q '^SRV _submissions._tcp.test.example$' "$T/dns/queries" ||
		fail "_submissions not asked first"
}

@test "configure: SRV records by priority (lowest first), a dead one skipped" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	# a second live server: chosen only if the order were not priority's
	mkdir -p "$T/srv2"
	"$PYTHON" "$SERVER" "$T/scenario" "$T/srv2" > "$T/srv2.out" 2>&1 3>&- &
	local pid2=$! i dead
	for i in $(seq 1 200); do
		[ -s "$T/srv2/port" ] && break
		sleep 0.05
	done
	[ -s "$T/srv2/port" ] || fail "second server did not start"
	dead=$(free_port)
	start_dns <<EOF
_submissions._tcp.test.example SRV 20 9 $(cat "$T/srv2/port") localhost
_submissions._tcp.test.example SRV 10 0 $dead localhost
_submissions._tcp.test.example SRV 15 5 $PORT localhost
EOF
	run_ns --configure me@test.example
	kill "$pid2" 2>/dev/null || true
	assert_status 0
	assert_line_re "^port $PORT\$"
}

@test "configure: a provider (gmail.com) without SRV: the table's settings and sign-in notes, unchecked" {
	start_dns <<EOF
# nothing: NXDOMAIN for every name
EOF
	run_ns --configure ann@gmail.com
	assert_status 0
	assert_line_re '^# smtps --configure ann@gmail\.com: not checked \(nothing answered\), found by the provider table \(Gmail\)$'
	assert_line_re '^host smtp\.gmail\.com$'
	assert_line_re '^port 465$'
	assert_line_re '^tls_starttls off$'
	assert_line_re '^# Gmail signs in with an app password \(2-Step Verification on\), or OAuth2; see https://support\.google\.com/mail/answer/7126229$'
	assert_line_re '^# oauth2_provider google$'
}

@test "configure: not an address -> 64" {
	run_smtps_nocfg --configure nodomain
	assert_status 64
	assert_error_line "'nodomain' is not an address"
}

@test "configure --write: an existing file is never overwritten (no terminal: 73)" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	start_dns <<EOF
_submissions._tcp.test.example SRV 0 1 $PORT localhost
EOF
	printf 'account old\nhost old.example\n' > "$CFG"
	cp "$CFG" "$T/before"
	run_ns -C "$CFG" --configure me@test.example --write
	assert_status 73
	grep -q 'exists; nothing written' "$T/stderr" || fail "$stderr"
	cmp -s "$CFG" "$T/before" || fail "the file changed"
}

@test "the bar: --configure --write, then --doctor, then a send; nothing else typed" {
	scenario <<EOF
$(sc_tls)
user me@test.example
password netrc-secret
connections 4
EOF
	start_server
	start_dns <<EOF
_submissions._tcp.test.example SRV 0 1 $PORT localhost
EOF
	printf 'machine localhost login me@test.example password netrc-secret\n' \
	    > "$HOME/.netrc"
	chmod 600 "$HOME/.netrc"
	run_ns --configure me@test.example --write
	assert_status 0
	local cfg=$HOME/.config/smtps/mailrc
	[ -f "$cfg" ] || fail "no $cfg"
	[ "$(stat -c %a "$cfg")" = 600 ] || fail "mode $(stat -c %a "$cfg")"
	assert_line_re "^smtps: account test\.example written to $cfg\$"
	run_ns --doctor
	assert_status 0
	assert_line_re '^ok   sign-in: me@test\.example accepted with PLAIN$'
	! grep -q netrc-secret "$T/stdout" "$T/stderr" || fail "secret printed"
	printf 'Subject: hello\n\nfrom the bar\n' > "$INPUT"
	run_ns bob@example.net
	assert_status 0
	server_idle 10 || true
	grep -q 'from the bar' "$SRV/msg.1" || fail "not delivered"
}

@test "doctor: a host name that does not resolve: the dns step's line; exit 68" {
	start_dns <<EOF
# nothing: NXDOMAIN for every name
EOF
	write_config tls+auth 'host nowhere.test.example'
	run_ns -C "$CFG" --doctor
	assert_status 68
	assert_line_re '^FAIL dns: cannot resolve nowhere\.test\.example: .* - the host name does not resolve - check the spelling of host and this machine.s DNS \(/etc/resolv\.conf\)$'
	! echo "$output" | grep -q '^ok   tcp' || fail "$output"
	grep -q 'nowhere.test.example' "$T/dns/queries" || fail "not asked"
}

@test "configure: an SRV target that is not a plain host name is never written" {
	start_dns <<EOF
_submissions._tcp.test.example SRV 0 1 465 bad;name\$x.example
EOF
	run_ns --configure me@test.example
	assert_status 0
	! echo "$output" | grep -q 'bad' || fail "the bad target was written: $output"
	assert_line_re '^# smtps --configure me@test\.example: not checked \(nothing answered\), found by a common host name$'
	assert_line_re '^host smtp\.test\.example$'
	assert_line_re '^port 465$'
}

# run_ns_tty ANSWER ARGS...: run_ns on a pseudo-terminal that answers
# the append question with ANSWER
run_ns_tty() {
	local ans=$1
	shift
	status=0
	"$PYTHON" "$BATS_TEST_DIRNAME/pty_run.py" --expect "append this account" \
	    --answer "$ans" --log "$T/tty" --stdin /dev/null \
	    --stdout "$T/stdout" --stderr "$T/stderr" -- \
	    unshare -m sh -c '
		mount --bind "$1" /etc/resolv.conf &&
		mount --bind "$2" /etc/ssl/certs/ca-certificates.crt &&
		shift 2 && exec "$@"' sh "$T/resolv.conf" "$T/trust.pem" \
	    "$SMTPS" "$@" || status=$?
	output=$(cat "$T/stdout")
}

@test "configure --write on a terminal: asked; y appends the account (no second default), n leaves the file" {
	scenario <<EOF
$(sc_tls)
connections 2
EOF
	start_server
	start_dns <<EOF
_submissions._tcp.test.example SRV 0 1 $PORT localhost
EOF
	printf 'account old\nhost old.example\n\naccount default : old\n' > "$CFG"
	cp "$CFG" "$T/before"
	run_ns_tty n -C "$CFG" --configure me@test.example --write
	assert_status 73
	grep -q "append this account to it" "$T/tty" || fail "not asked: $(cat "$T/tty")"
	cmp -s "$CFG" "$T/before" || fail "the file changed on n"
	run_ns_tty y -C "$CFG" --configure me@test.example --write
	assert_status 0
	head -n 4 "$CFG" | cmp -s - "$T/before" || fail "the old lines changed"
	grep -q '^account test\.example$' "$CFG" || fail "not appended: $(cat "$CFG")"
	[ "$(grep -c '^account default' "$CFG")" = 1 ] || fail "a second default"
}
