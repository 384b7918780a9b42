#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Mail from cron and daemons: bare recipients ("root") go
# through the aliases, then get maildomain, else the domain of the mailname
# file (/etc/mailname), else go to the admin address (admin_address, else
# the account's from) - never to the sender's provider domain.  The same
# rewriting reaches To/Cc/Bcc of the message, and cron's
# "From: root (Cron Daemon)" reaches the server as the account's from with
# the name kept.  newaliases with nothing to rebuild exits 0.
# Every test but the /etc/mailname ones sets mailname_file (a file of the
# test or off), so the host's /etc/mailname never changes a result.

load helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	start_plain_server
	printf 'root: ops@example.net\npostmaster: root\n' > "$T/aliases"
}
teardown() { common_teardown; }

# the message cron sends, and cron's command line (Debian's cron)
cron_message() {
	message <<'EOF'
From: root (Cron Daemon)
To: root
Subject: Cron <root@web1> /usr/local/bin/backup
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Auto-Submitted: auto-generated

backup: 3 files
EOF
}
run_cron() {
	run_smtps -FCronDaemon -i -B8BITMIME -oem root
}

# two messages in one test: a server that takes two connections
two_connections() {
	stop_server
	scenario <<EOF
$(sc_plain)
connections 2
EOF
	start_server
}

# field NAME [N]: the first NAME field of delivered message N, CR removed
field() {
	grep -m1 -i "^$1:" "$SRV/msg.${2:-1}" | tr -d '\r'
}

assert_field() {
	local got
	got=$(field "$1" "${3:-1}")
	[ "$got" = "$2" ] || fail "expected '$2', got '$got'"
}

assert_rcpts() {
	local want
	want=$(printf 'RCPT TO:<%s>\n' "$@" | sort)
	[ "$(rcpts_sorted)" = "$want" ] || fail "RCPT: $(rcpts_sorted)"
}

CRON_FROM='From: "Cron Daemon (root)" <alice@example.org>'

@test "cron to root, aliases map root: RCPT TO the alias, To says so, From is the account's with the name kept" {
	write_config plain "aliases $T/aliases" "mailname_file off"
	cron_message
	run_cron
	assert_status 0
	assert_rcpts ops@example.net
	assert_field From "$CRON_FROM"
	assert_field To 'To: ops@example.net'
	assert_field Subject 'Subject: Cron <root@web1> /usr/local/bin/backup'
	[ "$(envelope | head -n 1 | cut -d' ' -f1-2)" = \
	    'MAIL FROM:<alice@example.org>' ] || fail "$(envelope)"
}

@test "cron to root, maildomain set: root@maildomain in RCPT TO and To (maildomain wins over the mailname file)" {
	echo mail.example.com > "$T/mailname"
	write_config plain "maildomain corp.example" \
	    "mailname_file $T/mailname"
	cron_message
	run_cron
	assert_status 0
	assert_rcpts root@corp.example
	assert_field To 'To: root@corp.example'
	assert_field From "$CRON_FROM"
}

@test "cron to root, mailname_file only: root@ the file's domain" {
	printf 'mail.example.com  \n# not read\n' > "$T/mailname"
	write_config plain "mailname_file $T/mailname"
	cron_message
	run_cron
	assert_status 0
	assert_rcpts root@mail.example.com
	assert_field To 'To: root@mail.example.com'
	assert_field From "$CRON_FROM"
}

# /etc/mailname itself: a private mount namespace where /etc is a symlink
# farm over the real one plus a mailname file (nothing changes on the host)
with_etc_mailname() {
	local name=$1
	shift
	command -v unshare >/dev/null || skip "no unshare"
	unshare -m true 2>/dev/null || skip "no mount namespaces here"
	mkdir -p "$T/ns/etc" "$T/ns/orig"
	# shellcheck disable=SC2016
	status=0
	unshare -m sh -c '
		mount --bind /etc "$1/orig" || exit 90
		for x in "$1"/orig/* "$1"/orig/.[!.]*; do
			[ -e "$x" ] || [ -L "$x" ] || continue
			[ "${x##*/}" = mailname ] || ln -s "$x" "$1/etc/"
		done
		printf "%s\n" "$2" > "$1/etc/mailname"
		mount --bind "$1/etc" /etc || exit 90
		shift 2
		exec "$@"' sh "$T/ns" "$name" \
	    timeout -k 5 30 "$SMTPS" -C "$CFG" "$@" < "$INPUT" \
	    > "$T/stdout" 2> "$T/stderr" || status=$?
	[ "$status" -ne 90 ] || skip "cannot bind-mount here"
	output=$(cat "$T/stdout")
	stderr=$(cat "$T/stderr")
	server_idle 10 || true
}

@test "cron to root, /etc/mailname only (the default mailname_file): root@ its domain" {
	write_config plain
	cron_message
	with_etc_mailname mail.example.com -FCronDaemon -i root
	assert_status 0
	assert_rcpts root@mail.example.com
	assert_field To 'To: root@mail.example.com'
	assert_field From "$CRON_FROM"
}

@test "/etc/mailname with one label (a bare host name) is no mail domain: the admin address, a note under -v" {
	write_config plain
	cron_message
	with_etc_mailname web1 -v -FCronDaemon -i root
	assert_status 0
	assert_rcpts alice@example.org
	assert_stderr_match "mailname file /etc/mailname: 'web1' is no mail domain; not used"
}

@test "cron to root, nothing set: the account's from, never root@ the sender's domain" {
	write_config plain "mailname_file off"
	cron_message
	run_cron
	assert_status 0
	assert_rcpts alice@example.org
	assert_field To 'To: alice@example.org'
	assert_field From "$CRON_FROM"
	! grep -qi 'root@example.org' "$SRV/msg.1" "$SRV/msg.1.env" ||
		fail "root@ the provider's domain"
}

@test "admin_address takes the bare names that have no alias and no domain" {
	write_config plain "mailname_file off" "aliases $T/aliases" \
	    "admin_address sysadmin@example.net"
	cron_message
	run_smtps www-data root
	assert_status 0
	assert_rcpts ops@example.net sysadmin@example.net
	assert_field To 'To: ops@example.net'
}

@test "a missing mailname file is no domain: the admin address" {
	write_config plain "mailname_file $T/none" \
	    "admin_address sysadmin@example.net"
	cron_message
	run_cron
	assert_status 0
	assert_rcpts sysadmin@example.net
}

@test "From as 'Cron Daemon <root>' and a quoted name: the name and the local part kept" {
	two_connections
	write_config plain "mailname_file off"
	message <<'EOF'
From: Cron Daemon <root>
To: root
Subject: x

y
EOF
	run_cron
	assert_status 0
	assert_field From "$CRON_FROM"
	message <<'EOF'
From: "smartd, disk monitor" <smartd>
To: root
Subject: x

y
EOF
	run_cron
	assert_status 0
	assert_field From 'From: "smartd, disk monitor (smartd)" <alice@example.org>' 2
}

@test "set_from_header on replaces cron's From as msmtp does (-F name); off leaves it as written" {
	two_connections
	write_config plain "mailname_file off" "set_from_header on"
	cron_message
	run_cron
	assert_status 0
	assert_field From 'From: CronDaemon <alice@example.org>'
	write_config plain "mailname_file off" "set_from_header off"
	run_cron
	assert_status 0
	assert_field From 'From: root (Cron Daemon)' 2
}

@test "-f root (a daemon's bare sender): MAIL FROM the account's from, a note under -v" {
	write_config plain "mailname_file off"
	cron_message
	run_smtps -v -f root root
	assert_status 0
	[ "$(envelope | head -n 1 | cut -d' ' -f1-2)" = \
	    'MAIL FROM:<alice@example.org>' ] || fail "$(envelope)"
	assert_rcpts alice@example.org
	assert_field From "$CRON_FROM"
	assert_stderr_match "-f root has no domain: the sender is alice@example.org"
}

@test "a qualified From and To are delivered byte for byte" {
	write_config plain "mailname_file off" "aliases $T/aliases"
	std_message
	run_smtps root
	assert_status 0
	assert_rcpts ops@example.net
	assert_delivered
}

@test "-t with bare names in To and Cc: aliases, the domain, names and comments kept" {
	printf 'staff: a@example.net, b@example.net\n' >> "$T/aliases"
	write_config plain "aliases $T/aliases" "maildomain corp.example" \
	    "mailname_file off"
	message <<'EOF'
From: www-data
To: root, Web Team <www-data>
Cc: staff (the team), x@example.net
Bcc: postmaster
Subject: report

body
EOF
	run_smtps -t
	assert_status 0
	assert_rcpts a@example.net b@example.net ops@example.net \
	    www-data@corp.example x@example.net
	assert_field From 'From: www-data <alice@example.org>'
	assert_field To 'To: ops@example.net, Web Team <www-data@corp.example>'
	assert_field Cc 'Cc: a@example.net, b@example.net (the team), x@example.net'
	! grep -qi '^Bcc:' "$SRV/msg.1" || fail "Bcc delivered"
}

@test "a bare name with nowhere to go: exit 64 naming it, nothing sent, the message kept" {
	write_config plain "mailname_file off" "from *@example.org"
	cron_message
	run_smtps -f alice@example.org root
	assert_status 64
	assert_error_line "recipient 'root' has no domain"
	refute_transcript 'C[:+] MAIL.*'
	grep -q '^backup: 3 files' "$HOME/dead.letter" || fail "message lost"
}

@test "a mailname file that is no domain name: exit 78 naming it, the message in dead.letter" {
	printf 'not a domain!\n' > "$T/mailname"
	write_config plain "mailname_file $T/mailname"
	cron_message
	run_cron
	assert_status 78
	assert_error_line "mailname file $T/mailname: 'not a domain!' is not a domain name"
	refute_transcript 'C[:+] MAIL.*'
	grep -q '^backup: 3 files' "$HOME/dead.letter" || fail "message lost"
}

@test "admin_address that is not a full address: exit 78 naming the account" {
	write_config plain "admin_address root"
	cron_message
	run_cron
	assert_status 78
	assert_error_line "admin_address 'root' is not a full address"
}

@test "newaliases / -bi without an aliases file: exit 0, silent; the note only with -v" {
	write_config plain
	run_smtps -bi
	assert_status 0
	[ -z "$output$stderr" ] || fail "not silent: $output$stderr"
	refute_transcript 'C: EHLO.*' 
	run_smtps -bi -v
	assert_status 0
	assert_stderr_match "account '[a-z]+' has no aliases file .*nothing to rebuild"
	ln -s "$SMTPS" "$T/newaliases"
	status=0
	"$T/newaliases" -C "$CFG" > "$T/stdout" 2> "$T/stderr" || status=$?
	assert_status 0
	[ ! -s "$T/stdout" ] && [ ! -s "$T/stderr" ] || fail "not silent"
}

@test "newaliases / -bi with no config file at all: exit 0, the note only with -v" {
	[ ! -e /etc/smtps/mailrc ] || skip "this host has a system config"
	ln -s "$SMTPS" "$T/newaliases"
	status=0
	"$T/newaliases" > "$T/stdout" 2> "$T/stderr" || status=$?
	assert_status 0
	[ ! -s "$T/stdout" ] && [ ! -s "$T/stderr" ] || fail "not silent"
	run_smtps_nocfg -bi -v
	assert_status 0
	assert_stderr_match "no configuration file: no aliases file to rebuild"
	# -C names a file: its absence is an error
	run_smtps_nocfg -bi -C "$T/none"
	assert_status 78
}
