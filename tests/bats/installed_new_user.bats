#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The drop-in bar, tried as a new user would: `make install install-sendmail`
# (here into DESTDIR=$ROOT, PREFIX=/usr), then with PATH on the installed
# bin and sbin and the config in the usual place (~/.config/smtps/mailrc,
# no -C): mailq, `sendmail -t -oi < msg`, `sendmail -bs` driven by a
# script, and bash completion from the INSTALLED completion file.

load helper

setup_file() {
	common_setup_file
	ROOT=$BATS_FILE_TMPDIR/root
	export ROOT
	make -s -C "$REPO" install install-sendmail DESTDIR="$ROOT" PREFIX=/usr \
	    > "$BATS_FILE_TMPDIR/install.log" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/install.log" >&2
		return 1
	}
}
setup() {
	common_setup
	PATH=$ROOT/usr/bin:$ROOT/usr/sbin:$PATH
	Q=$HOME/queue
	PORT=$(free_port)
	write_config plain "queue on" "queue_backoff_min 1h" "queue_backoff_max 2h"
	mkdir -p "$XDG_CONFIG_HOME/smtps"
	mv "$CFG" "$XDG_CONFIG_HOME/smtps/mailrc"
}
teardown() {
	local pid
	# a flusher started by a queued message (its PID is in flush.lock)
	pid=$(cat "$Q/flush.lock" 2>/dev/null) || pid=
	if [ -n "$pid" ] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null |
	    grep -q -- "--flush-daemon $Q"; then
		kill "$pid" 2>/dev/null || true
	fi
	common_teardown
}

# the scripted server on $PORT (chosen before the server exists)
server_up() {
	{ sc_plain; echo "port $PORT"; echo "connections 10"; } > "$T/scenario"
	start_server
}

# CMD ARGS... < $INPUT as the user types it: no -C, found in PATH
as_user() {
	status=0
	timeout -k 5 30 "$@" < "$INPUT" > "$T/stdout" 2> "$T/stderr" || status=$?
	output=$(cat "$T/stdout")
	[ -z "$SERVER_PID" ] || server_idle 10 || true
}

@test "the installed commands are the installed smtps" {
	[ "$(command -v sendmail)" = "$ROOT/usr/sbin/sendmail" ] || fail "sendmail: $(command -v sendmail)"
	[ "$(command -v mailq)" = "$ROOT/usr/bin/mailq" ] || fail "mailq: $(command -v mailq)"
	[ "$(command -v smtps)" = "$ROOT/usr/bin/smtps" ] || fail "smtps: $(command -v smtps)"
	as_user sendmail --version
	assert_status 0
	[ "$output" = "$("$SMTPS" --version)" ] || fail "sendmail --version: $output"
}

@test "mailq: empty, then the message queued while the server is down; sendmail -q sends it" {
	as_user mailq
	assert_status 0
	[ "$output" = "Mail queue is empty" ] || fail "mailq: $output"
	printf 'To: bob@example.net\nSubject: while down\n\nqueued\n' > "$INPUT"
	as_user sendmail -t -oi
	assert_status 0
	assert_stderr_match '^smtps: queued [0-9a-f.]+: cannot connect to 127\.0\.0\.1'
	: > "$INPUT"
	as_user mailq
	assert_status 0
	grep -q '^    to <bob@example.net>$' "$T/stdout" || fail "mailq: $output"
	grep -q "<$FROM_ADDR>" "$T/stdout" || fail "mailq: no sender: $output"
	grep -q '^1 message in ' "$T/stdout" || fail "mailq: $output"
	server_up
	as_user sendmail -q
	assert_status 0
	[[ $output == *": delivered" ]] || fail "sendmail -q: $output"
	grep -q '^Subject: while down' "$SRV/msg.1" || fail "not delivered"
	as_user mailq
	[ "$output" = "Mail queue is empty" ] || fail "mailq after -q: $output"
}

@test "sendmail -t -oi < msg: recipients from To/Cc/Bcc, Bcc removed, delivered" {
	server_up
	message <<'EOF'
From: Alice <alice@example.org>
To: Bob <bob@example.net>
Cc: carol@example.net
Bcc: dave@example.net
Subject: new user

.a line with a leading dot
body
EOF
	as_user sendmail -t -oi
	assert_status 0
	[ -z "$(cat "$T/stderr")" ] || fail "stderr: $(cat "$T/stderr")"
	assert_transcript "C[:+] MAIL FROM:<$FROM_ADDR> SIZE=[0-9]+"
	assert_transcript 'C[:+] RCPT TO:<bob@example.net>'
	assert_transcript 'C[:+] RCPT TO:<carol@example.net>'
	assert_transcript 'C[:+] RCPT TO:<dave@example.net>'
	assert_transcript 'C[:+] QUIT'
	! grep -qi '^Bcc:' "$SRV/msg.1" || fail "Bcc header delivered"
	grep -q '^\.a line with a leading dot' "$SRV/msg.1" || fail "dot line lost"
	grep -q '^Message-ID: ' "$SRV/msg.1" || fail "no Message-ID added"
	as_user mailq
	[ "$output" = "Mail queue is empty" ] || fail "mailq: $output"
}

@test "sendmail -bs driven by a script: replies, then the message is delivered" {
	server_up
	sed 's/$/\r/' > "$INPUT" <<'EOF'
EHLO client.example
MAIL FROM:<alice@example.org>
RCPT TO:<bob@example.net>
DATA
Subject: via sendmail -bs

hello
.
QUIT
EOF
	as_user sendmail -bs
	assert_status 0
	tr -d '\r' < "$T/stdout" | cut -d' ' -f1 | cut -d- -f1 | uniq > "$T/codes"
	[ "$(tr '\n' ' ' < "$T/codes")" = "220 250 354 250 221 " ] ||
		fail "reply codes: $(tr '\n' ' ' < "$T/codes")" "$(cat "$T/stdout")"
	tr -d '\r' < "$T/stdout" | grep -q '^250 2.0.0 Ok: delivered$' ||
		fail "no 'delivered' after the dot: $(cat "$T/stdout")"
	assert_transcript 'C[:+] MAIL FROM:<alice@example.org> SIZE=[0-9]+'
	assert_transcript 'C[:+] RCPT TO:<bob@example.net>'
	grep -q '^Subject: via sendmail -bs' "$SRV/msg.1" || fail "not delivered"
}

# the installed bash completion, sourced as bash-completion would load it;
# prints COMPREPLY for the command line given, then `complete -p`
installed_completion() {
	bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_smtps
		printf "%s\n" "${COMPREPLY[@]}"
		complete -p smtps sendmail
	' _ "$ROOT/usr/share/bash-completion/completions/smtps" "$@"
}

@test "bash completion from the installed file: complete -p, flags, account names" {
	local f=$ROOT/usr/share/bash-completion/completions
	[ -f "$f/smtps" ] || fail "no installed completion"
	[ "$(readlink "$f/sendmail")" = smtps ] || fail "no completion link for sendmail"
	printf '\naccount work\nhost h.example\nfrom w@example.org\n' >> "$XDG_CONFIG_HOME/smtps/mailrc"
	run installed_completion sendmail --read-
	[ "$status" -eq 0 ] || fail "$output"
	echo "$output" | grep -qx 'complete -F _smtps smtps' || fail "complete -p smtps: $output"
	echo "$output" | grep -qx 'complete -F _smtps sendmail' || fail "complete -p sendmail: $output"
	[ "$(echo "$output" | grep -v '^complete' | sort | tr '\n' ' ')" = \
	    "--read-envelope-from --read-recipients " ] || fail "flags: $output"
	# account names from the user's config (no -C): as a new user has it
	run installed_completion sendmail -a ""
	[ "$(echo "$output" | grep -v '^complete' | sort | tr '\n' ' ')" = "default test work " ] ||
		fail "accounts: $output"
}
