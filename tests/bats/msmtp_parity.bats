#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The drop-in bar: an msmtp config that uses every keyword of msmtp's manual
# (1.8.23) parses, and `smtps -P` shows the account `msmtp --pretend`
# shows for the same -a / -f, field by field.  msmtp's names and spellings
# are mapped to smtps's (msmtp_fields); what is left must be exactly the
# deliberate differences listed with each case (smtps-mailrc(5),
# DIFFERENCES FROM MSMTP): anything else is a bug.
#
# The msmtp here is Debian 12's 1.8.23; msmtp changed meanings since
# (NEWS 1.8.24-1.8.33).  Where it did, smtps follows the CURRENT manual,
# and the case below says so: the difference then listed against 1.8.23
# is Debian 12's msmtp still behaving the old way, not a smtps choice.
# msmtp_now.bats tests those meanings through real deliveries.
#
# msmtp must be installed (tests/setup-deps.sh test installs it; CI runs
# that): without it these tests FAIL, they never skip.

load helper

# Values of the connection keywords in account base (one line each, so
# one can be emptied to compare msmtp's "not set"); read when the config
# is written ($T and $CERTS are set; the certificates are real because
# smtps loads them when it validates the account).
not_yet_values() {
	KW_SOCKET=$T/mail.sock
	KW_SOURCE_IP='127.0.0.1'
	KW_PROXY_HOST='127.0.0.1'
	KW_TLS_CERT_FILE=$CERTS/client.pem
	KW_TLS_KEY_FILE=$CERTS/client-key.pem
	KW_TLS_CRL_FILE=$CERTS/crl.pem
	KW_PROTOCOL='lmtp'
}

# every keyword of `man msmtp` 1.8.23, CONFIGURATION FILES
MSMTP_KEYWORDS="defaults account eval host port source_ip proxy_host
proxy_port socket timeout protocol domain auth user password passwordeval
ntlmdomain tls tls_starttls tls_trust_file tls_crl_file tls_fingerprint
tls_key_file tls_cert_file tls_certcheck tls_priorities tls_host_override
tls_min_dh_prime_bits from allow_from_override dsn_notify dsn_return
set_from_header set_date_header set_msgid_header remove_bcc_headers
undisclosed_recipients logfile logfile_time_format syslog aliases auto_from
maildomain"

# keywords the current manual (1.8.33) adds; undisclosed_recipients is no
# longer a keyword of its own there but the old spelling of set_to_header
# undisclosed_recipients (1.8.29)
MSMTP_NOW_KEYWORDS="from_full_name set_to_header"

# with tls off msmtp still shows tls_starttls on; smtps shows what is used
TLS_OFF="tls_starttls: on -> off"
FPR=00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF

setup_file() { common_setup_file; }
setup() {
	common_setup
	command -v msmtp >/dev/null || {
		echo "msmtp is not installed: sh tests/setup-deps.sh test" >&2
		return 1
	}
	export USER=tester HOSTNAME=host.example
	: > "$T/trust.pem"
	: > "$T/aliases"
	not_yet_values
	cat > "$CFG" <<EOF
# every keyword of msmtp's manual
defaults
timeout 40
tls_trust_file $T/trust.pem
logfile $T/mail.log
logfile_time_format %Y-%m-%d
syslog LOG_MAIL
aliases $T/aliases
ntlmdomain
tls_min_dh_prime_bits

account base
eval echo domain %H
host smtp.base.example
port 2525
source_ip $KW_SOURCE_IP
proxy_host $KW_PROXY_HOST
proxy_port 1080
socket $KW_SOCKET
protocol $KW_PROTOCOL
tls_cert_file $KW_TLS_CERT_FILE
tls_key_file $KW_TLS_KEY_FILE
tls_crl_file $KW_TLS_CRL_FILE
tls on
tls_starttls on
auth plain
user ann
password "se cret"
from ann@base.example
allow_from_override on
dsn_notify success,failure
dsn_return headers
set_from_header on
set_date_header off
set_msgid_header off
remove_bcc_headers off
undisclosed_recipients on
maildomain base.example
tls_fingerprint $FPR
tls_certcheck off
tls_priorities NORMAL
tls_host_override mx.base.example

# takes everything base set; its own host, TLS mode, auth and password
account work : base
host smtp.work.example
from *@work.example
passwordeval "echo pw"
tls_starttls off
auth on

account strict
host smtp.strict.example
domain strict.example
from boss@strict.example
allow_from_override off
user boss
password x
auth login
tls on
tls_starttls off

account child : strict
host smtp.child.example
from kid@child.example

# no TLS keyword, no port: the secure defaults
account bare
host smtp.bare.example
from bare@bare.example

# user without auth: smtps authenticates
account submit
host smtp.submit.example
domain submit.example
port 587
tls on
user sub
password y
from sub@submit.example

account pat
host smtp.pat.example
domain %H
from %U@pat.example
auto_from off
tls off

# %F: the From: address (msmtp 1.8.29; 1.8.23 keeps it as written).
# Neither -P nor --pretend here reads a message: kept as written
account pct
host smtp.pct.example
from x%F%U@pct.example
domain pct.example
tls off

account default : pat
EOF
	chmod 600 "$CFG"
}
teardown() { :; }

# msmtp --pretend ARGS as "key=value" lines in smtps's names, plus
# "account=NAME"; fields smtps does not have (ntlmdomain,
# tls_min_dh_prime_bits: accepted without effect) are left out
msmtp_fields() {
	msmtp -C "$CFG" --pretend "$@" x@example.net > "$T/msmtp.out" 2>&1 ||
		fail "msmtp --pretend $* failed: $(cat "$T/msmtp.out")"
	sed -n 's/^using account \(.*\) from .*/account=\1/p' "$T/msmtp.out"
	sed -n 's/^\([a-z_ ]*[a-z]\) = \(.*\)$/\1=\2/p' "$T/msmtp.out" |
	awk -F= -v OFS='=' '{
		k = $1; v = substr($0, length(k) + 2)
		gsub(/ /, "_", k)
		if (k == "ntlmdomain" || k == "tls_min_dh_prime_bits") next
		if (k == "timeout") sub(/ seconds$/, "", v)
		if (k == "proxy_port" && v == "0") v = "(not set)"
		if (k == "password" && v == "*") v = "***"
		if (k == "auth") v = v == "none" ? "off" : v == "choose" ? "on" : tolower(v)
		if (k == "from") k = "envelope-from"
		# 1.8.23 prints undisclosed_recipients; 1.8.29 made it the
		# value undisclosed_recipients of set_to_header, as smtps shows
		if (k == "undisclosed_recipients") {
			k = "set_to_header"
			v = v == "on" ? "undisclosed_recipients" : "off"
		}
		print k, v
	}'
}

# smtps -P ARGS as "key=value" lines
smtps_fields() {
	"$SMTPS" -C "$CFG" -P "$@" x@example.net > "$T/smtps.out" 2> "$T/stderr" ||
		fail "smtps -P $* failed: $(cat "$T/stderr")"
	awk '/^#/ { next } {
		k = $1; v = $0; sub(/^[^ ]+ +/, "", v)
		if (k == "envelope-from") { sub(/^</, "", v); sub(/>$/, "", v) }
		if (!(k in seen)) print k "=" v
		seen[k] = 1
	}' "$T/smtps.out"
}

# compare ARGS... [-- DIFF...]: every field msmtp prints must equal
# smtps's, except exactly the listed "key: msmtp -> smtps" differences
compare() {
	local args=() want=() m s k got
	while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	want=("$@")
	m=$(msmtp_fields "${args[@]}") || return 1
	s=$(smtps_fields "${args[@]}") || return 1
	[ "$(printf '%s\n' "$m" | wc -l)" -ge 38 ] ||
		fail "msmtp printed too few fields: $m"
	got=$(printf '%s\n' "$m" | while IFS= read -r line; do
		k=${line%%=*}
		sv=$(printf '%s\n' "$s" | sed -n "s/^$k=//p")
		[ -n "$sv" ] || sv="(missing)"
		[ "${line#*=}" = "$sv" ] || printf '%s: %s -> %s\n' "$k" "${line#*=}" "$sv"
	done)
	local exp=""
	[ ${#want[@]} -eq 0 ] || exp=$(printf '%s\n' "${want[@]}")
	[ "$got" = "$exp" ] || fail "smtps -P ${args[*]} differs from msmtp:" \
	    "--- got (key: msmtp -> smtps):" "$got" "--- expected:" "$exp"
}

@test "the config uses every keyword of msmtp's manual, and smtps parses it" {
	local kw
	for kw in $MSMTP_KEYWORDS; do
		grep -Eq "^$kw( |\$)" "$CFG" || fail "keyword $kw not in the test config"
	done
	# the installed manual has no keyword the list lacks
	if [ -r /usr/share/man/man1/msmtp.1.gz ]; then
		zcat /usr/share/man/man1/msmtp.1.gz | sed -n '/^\.SH CONFIGURATION FILES/,/^\.SH /p' |
		    sed -n 's/^\.IP "\([a-z_]*\).*/\1/p' | sort -u > "$T/man.kw"
		[ "$(wc -l < "$T/man.kw")" -ge 40 ] ||
			fail "cannot read the keywords of msmtp's manual"
		for kw in $(cat "$T/man.kw"); do
			case " $(echo $MSMTP_KEYWORDS) " in *" $kw "*) ;;
			*) fail "msmtp's manual has keyword $kw; add it to the test" ;; esac
		done
	fi
	for a in base work strict child bare submit pat pct default; do
		run "$SMTPS" -C "$CFG" -P -a "$a" -f x@work.example x@example.net
		[ "$status" -eq 0 ] || fail "smtps -P -a $a: $output"
	done
	run msmtp -C "$CFG" --pretend -a base x@example.net
	[ "$status" -eq 0 ] || fail "msmtp does not read the test config: $output"
}

# Debian 12's msmtp does not know these keywords (1.8.24, 1.8.29): no
# comparison is possible; smtps must take them as the current manual says
@test "msmtp >= 1.8.24 keywords: from_full_name and set_to_header parse and -P shows them" {
	local v kw
	for v in on off undisclosed_recipients; do
		printf '%s\n' "account now" "host smtp.now.example" \
		    "from now@now.example" 'from_full_name "Now User"' \
		    "set_to_header $v" > "$T/now.rc"
		chmod 600 "$T/now.rc"
		run "$SMTPS" -C "$T/now.rc" -P x@example.net
		[ "$status" -eq 0 ] || fail "smtps -P (set_to_header $v): $output"
		[[ $output == *$'\nset_to_header          '"$v"$'\n'* ]] ||
			fail "set_to_header $v: $output"
		[[ $output == *$'\nfrom_full_name         Now User\n'* ]] ||
			fail "from_full_name: $output"
	done
	for kw in $MSMTP_NOW_KEYWORDS; do
		grep -q "^$kw " "$T/now.rc" || fail "keyword $kw not tested"
	done
}

@test "-a: each account as msmtp resolves it, inheritance included" {
	compare -a base
	compare -a work -f bob@work.example
	compare -a strict -f other@else.example
	compare -a submit -- "auth: off -> on"
	compare -a default -- "$TLS_OFF"
	compare -a pct -- "$TLS_OFF"
	grep -qx 'envelope-from=x%Ftester@pct.example' <(smtps_fields -a pct) ||
		fail "%F: $(cat "$T/smtps.out")"
}

@test "-f chooses the account as msmtp does (exact, any case, +detail, wildcard)" {
	compare -f ann@base.example
	compare -f ANN+news@Base.Example
	compare -f bob@work.example
	compare -f boss@strict.example
}

@test "no -a, unknown -f or none: account default : NAME" {
	compare -- "$TLS_OFF"
	compare -f nobody@elsewhere.example -- "$TLS_OFF"
	run msmtp -C "$CFG" --pretend x@example.net
	[[ $output == *"using account default from"* ]] || fail "msmtp: $output"
}

@test "--read-envelope-from -P: the From: header chooses the account, as msmtp" {
	printf 'From: Bob <bob@work.example>\nSubject: x\n\nhi\n' > "$T/msg"
	m=$(msmtp -C "$CFG" --pretend --read-envelope-from x@example.net < "$T/msg" 2>&1)
	[[ $m == *"using account work from"* ]] || fail "msmtp: $m"
	run "$SMTPS" -C "$CFG" -P --read-envelope-from x@example.net < "$T/msg"
	[ "$status" -eq 0 ] || fail "smtps: $output"
	[[ $output == *$'\naccount                work\n'* ]] || fail "smtps: $output"
	[[ $output == *"envelope-from          <bob@work.example>"* ]] ||
		fail "smtps: $output"
}

# msmtp 1.8.26: "With --read-envelope-from, a Resent-From header is now
# used if it is present and appears before any From header".  smtps
# follows that; Debian 12's 1.8.23 still takes the From (asserted, so the
# test notices a newer msmtp here).
@test "--read-envelope-from -P: a Resent-From before the From chooses the account (msmtp >= 1.8.26)" {
	printf 'Resent-From: boss@strict.example\nFrom: Bob <bob@work.example>\nSubject: x\n\nhi\n' > "$T/msg"
	m=$(msmtp -C "$CFG" --pretend --read-envelope-from x@example.net < "$T/msg" 2>&1)
	[[ $m == *"using account work from"* ]] ||
		fail "msmtp is no longer 1.8.23's behaviour: update this test: $m"
	run "$SMTPS" -C "$CFG" -P --read-envelope-from x@example.net < "$T/msg"
	[ "$status" -eq 0 ] || fail "smtps: $output"
	[[ $output == *$'\naccount                strict\n'* ]] || fail "smtps: $output"
	[[ $output == *"envelope-from          <boss@strict.example>"* ]] ||
		fail "smtps: $output"
}

# ---- deliberate differences (smtps-mailrc(5), DIFFERENCES FROM MSMTP) ----

@test "expected difference: secure defaults (TLS on, port and TLS mode, domain)" {
	compare -a bare -- \
	    "port: 25 -> 465" "domain: localhost -> (not set)" \
	    "tls: off -> on" "tls_starttls: on -> off"
	# tls off: msmtp still shows tls_starttls on, smtps shows off
	compare -a pat -- "$TLS_OFF"
}

# Any case: a smtps choice (msmtp 1.8.33 still calls fnmatch without
# FNM_CASEFOLD).  +detail: msmtp 1.8.25 fixed wildcards with a +detail
# address ("Fix find_account_by_envelope_from wildcard support"), so
# current msmtp chooses work for bob+x@work.example as smtps does; Debian
# 12's 1.8.23 still behaves the old way (the default account).
@test "expected difference: wildcards match in any case; +detail (msmtp >= 1.8.25 too, not 1.8.23)" {
	local f
	for f in Bob@WORK.example bob+x@work.example; do
		m=$(msmtp -C "$CFG" --pretend -f "$f" x@example.net 2>&1)
		[[ $m == *"using account default from"* ]] || fail "msmtp -f $f: $m"
		s=$("$SMTPS" -C "$CFG" -P -f "$f" x@example.net 2>/dev/null)
		[[ $s == *$'\naccount                work\n'* ]] || fail "smtps -f $f: $s"
	done
}

@test "expected difference: %U is replaced before from is matched with -f" {
	# msmtp compares -f with "%U@pat.example" as written: no match, and
	# the account default (a copy of pat) is used
	compare -f tester@pat.example -- "account: default -> pat" "$TLS_OFF"
}

# Not a smtps choice: msmtp 1.8.24 fixed this (NEWS "Fixed the
# allow_from_override command"; it is inherited now); Debian 12's 1.8.23
# still behaves the old way, hence the listed difference.
@test "msmtp >= 1.8.24: allow_from_override is inherited (Debian 12's 1.8.23 is not)" {
	compare -a child -- "allow_from_override: on -> off"
}
