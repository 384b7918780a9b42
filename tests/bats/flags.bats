#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The sendmail command line: accepted, ignored and refused flags, -v
# transcript format, account choice.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

plain_server() {
	scenario <<EOF
$(sc_plain)
EOF
	start_server
	write_config plain
	std_message
}

@test "--help: usage on stdout, exit 0, lists the flags" {
	run_smtps_nocfg --help
	assert_status 0
	for f in -t -i -f -r -F -v -C -a --help --version; do
		grep -q -- "$f" "$T/stdout" || fail "--help does not mention $f"
	done
}

@test "--version: prints the version, exit 0" {
	run_smtps_nocfg --version
	assert_status 0
	grep -Eq '^smtps [0-9]+\.[0-9]+\.[0-9]+' "$T/stdout" ||
		fail "unexpected --version output: $output"
}

@test "unknown flag: one error line, exit 64, nothing sent" {
	plain_server
	run_smtps -Z bob@example.net
	assert_status 64
	[ "$(wc -l < "$T/stderr")" -eq 1 ] || fail "more than one line on stderr"
	assert_error_line '^smtps: .*-Z'
	[ ! -s "$SRV/transcript" ] || fail "smtps connected"
}

@test "unknown long option: exit 64" {
	plain_server
	run_smtps --no-such-option bob@example.net
	assert_status 64
	assert_error_line '^smtps: '
	[ ! -s "$SRV/transcript" ] || fail "smtps connected"
}

@test "no recipients: exit 64, nothing sent" {
	plain_server
	run_smtps
	assert_status 64
	assert_error_line '^smtps: .*'
	[ ! -s "$SRV/transcript" ] || fail "smtps connected"
}

@test "-f without its argument: exit 64" {
	plain_server
	run_smtps -f
	assert_status 64
	[ ! -s "$SRV/transcript" ] || fail "smtps connected"
}

@test "-i, -oi, -oem, -odb, -bm and -- are accepted" {
	plain_server
	run_smtps -i -oi -oem -odb -bm -- bob@example.net
	assert_status 0
	grep -q '^RCPT TO:<bob@example.net>' "$SRV/msg.1.env" || fail "not delivered"
	assert_delivered 1
}

@test "combined flags (-ti, -oi -t)" {
	plain_server
	run_smtps -ti
	assert_status 0
	grep -q '^RCPT TO:<bob@example.net>' "$SRV/msg.1.env" || fail "-t lost"
}

@test "-- ends the flags: a following -x@example.net is a recipient" {
	plain_server
	run_smtps -- -x@example.net
	assert_status 0
	grep -q '^RCPT TO:<-x@example.net>' "$SRV/msg.1.env" || fail "not delivered"
}

@test "an option after the recipients is refused (64), never mailed to" {
	plain_server
	run_smtps bob@example.net -f eve@example.org
	assert_status 64
	assert_error_line "option '-f' after the recipients"
	[ ! -s "$SRV/transcript" ] || fail "smtps connected"
}

@test "-v: transcript on stderr, '-->' sent and '<--' received, in order" {
	plain_server
	run_smtps -v bob@example.net
	assert_status 0
	[ -z "$output" ] || fail "-v wrote to stdout"
	# what was sent: the client lines of the server's transcript, in
	# order (the message body and its final dot may be summarised)
	grep '^--> ' "$T/stderr" | grep -Ev '^--> (\.|<[^:]*>)$' > "$T/sent"
	grep -E '^C[:+] ' "$SRV/transcript" | grep -vx 'C: \.' |
	    sed 's/^C[:+] /--> /' > "$T/want"
	diff -u "$T/want" "$T/sent" >&2 || fail "-v sent lines differ from the wire"
	# what was received: the server lines, in order
	grep '^<-- ' "$T/stderr" > "$T/recv"
	grep '^S: ' "$SRV/transcript" | sed 's/^S: /<-- /' > "$T/want"
	diff -u "$T/want" "$T/recv" >&2 || fail "-v received lines differ from the wire"
}

@test "-a NAME and --account=NAME choose the account" {
	scenario <<EOF
$(sc_plain)
connections 2
EOF
	start_server
	dead=$(free_port)
	cat > "$CFG" <<EOF
defaults
timeout 5
domain client.example
queue_dir $HOME/queue
dead_letter $HOME/dead.letter
tls off

account first
host 127.0.0.1
port $dead
from first@example.org

account second
host 127.0.0.1
port $PORT
from second@example.org

account default : first
EOF
	chmod 600 "$CFG"
	std_message
	run_smtps -a second bob@example.net
	assert_status 0
	head -n 1 "$SRV/msg.1.env" | grep -q '<second@example.org>' || fail "wrong account"
	run_smtps --account=second bob@example.net
	assert_status 0
	head -n 1 "$SRV/msg.2.env" | grep -q '<second@example.org>' || fail "wrong account"
}

@test "-f matching an account's from chooses that account" {
	scenario <<EOF
$(sc_plain)
EOF
	start_server
	dead=$(free_port)
	cat > "$CFG" <<EOF
defaults
timeout 5
domain client.example
queue_dir $HOME/queue
dead_letter $HOME/dead.letter
tls off

account first
host 127.0.0.1
port $dead
from first@example.org

account second
host 127.0.0.1
port $PORT
from second@example.org

account default : first
EOF
	chmod 600 "$CFG"
	std_message
	run_smtps -f SECOND@example.org bob@example.net
	assert_status 0
	[ -e "$SRV/msg.1" ] || fail "not delivered through the matching account"
}

@test "-a with an unknown account: exit 78" {
	plain_server
	run_smtps -a nosuch bob@example.net
	assert_status 78
	assert_error_line 'nosuch'
	[ ! -s "$SRV/transcript" ] || fail "smtps connected"
}

@test "without -C, the config is read from \$XDG_CONFIG_HOME/smtps/mailrc" {
	plain_server
	mkdir -p "$XDG_CONFIG_HOME/smtps"
	cp "$CFG" "$XDG_CONFIG_HOME/smtps/mailrc"
	run_smtps_nocfg bob@example.net
	assert_status 0
	[ -e "$SRV/msg.1" ] || fail "not delivered"
}
