#!/bin/sh
# SPDX-License-Identifier: ISC
# servers.sh start|stop DIR - private Postfix + Dovecot for the integration
# suite, on loopback ports only, everything under DIR.
#
#   start DIR  DIR must be an empty directory.  Writes configuration, users,
#              Maildirs and certificates below it, starts Postfix and Dovecot,
#              waits until every port answers, and writes DIR/env (shell
#              assignments, see below).  Exit 0 when both servers are up,
#              else prints the server logs and exits 1 (after stopping what
#              did start).
#   stop DIR   stops them all by PID (postfix -c DIR/postfix/etc stop, then
#              the PID in Postfix's master.pid; each Dovecot by its
#              master.pid; introspect.py by oauth2/pid).
#              Never looks for processes by name.
#
# Layout below DIR:
#   certs/              ca.pem (smtps trusts it), server.pem, server-key.pem
#   postfix/etc/        main.cf, master.cf, texthash maps
#   postfix/spool/      queue_directory (pid/master.pid)
#   postfix/data/       data_directory
#   postfix/maillog     Postfix's log (postlogd)
#   dovecot/            dovecot.conf, users, run/ (base_dir), dovecot.log
#   dovecot-sasl/       the same for the DC_SASL_PORT instance
#   mail/DOMAIN/USER/   Maildirs written by Postfix's virtual(8)
#
# Servers (all on 127.0.0.1):
#   PF_TLS_PORT    Postfix smtpd, implicit TLS (smtpd_tls_wrappermode), AUTH
#                  required (SASL via Dovecot's auth socket)
#   PF_STLS_PORT   Postfix smtpd, STARTTLS required (security level encrypt),
#                  AUTH required
#   PF_RELAY_PORT  Postfix smtpd, no TLS, no AUTH, accepts from 127.0.0.0/8:
#                  only Dovecot's submission service relays into it
#   DC_TLS_PORT    Dovecot submission, implicit TLS, AUTH required
#   DC_STLS_PORT   Dovecot submission, STARTTLS (ssl = required)
#   DC_SASL_PORT   a second Dovecot (dovecot-sasl/ below DIR), submission
#                  over implicit TLS with every SASL mechanism Dovecot
#                  2.3 has that smtps speaks: PLAIN LOGIN CRAM-MD5
#                  SCRAM-SHA-1 SCRAM-SHA-256 EXTERNAL (client certificate
#                  certs/alice.pem, CN alice, asked for and verified
#                  against ca.pem); relays into PF_RELAY_PORT.  Its own
#                  instance so that the other ports keep offering PLAIN
#                  LOGIN only (Dovecot's auth_mechanisms is global).
#                  No -PLUS: Dovecot 2.3 has no channel binding.  Also
#                  XOAUTH2 and OAUTHBEARER (oauth2 passdb): Dovecot asks
#                  introspect.py (loopback HTTP) whether a token is in
#                  oauth2/tokens (OAUTH_TOKENS in env; tests write it).
#
# Mail setup: virtual domains example.org and example.net; mailboxes
# alice bob admin jöran (SMTPUTF8 on: RFC 6531) @example.org, carol dave
# @example.net; aliases
# root@example.org and postmaster@example.org -> admin@example.org;
# refused@example.org is refused at RCPT with 550 5.1.1 on every port.
# Envelope addresses without a domain get @example.org (myorigin), so a bare
# "root" reaches admin's Maildir.  Postfix adds no header to submitted
# mail (local_header_rewrite_clients is empty): Date, Message-ID and From in
# a delivered message come from the client.
#
# SASL user: alice, password in $PASS below (spaces, quotes, shell
# characters, a backslash; no colon: passwd-file separates fields with it).
set -eu

# shellcheck disable=SC2016  # literal on purpose: nothing may expand
PASS='p4ss word "dq" '\''sq'\'' $HOME `id`; a|b&c \ end'
USER_NAME=alice
VUID=65534   # nobody: owner of the Maildirs
VGID=65534

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

# Debian's python3: one found earlier in PATH may be a slow wrapper
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

die() { echo "servers.sh: $*" >&2; exit 1; }

# free_ports N: N distinct free TCP ports on 127.0.0.1 (bound together, then
# released; the servers bind them a moment later)
free_ports() {
	"$PY" - "$1" <<'PY'
import socket, sys
ss = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    ss.append(s)
print(" ".join(str(s.getsockname()[1]) for s in ss))
PY
}

# wait_port PORT SECONDS: until something accepts on 127.0.0.1:PORT
wait_port() {
	"$PY" - "$1" "$2" <<'PY'
import socket, sys, time
port, limit = int(sys.argv[1]), float(sys.argv[2])
end = time.time() + limit
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
}

# pid_of FILE: the PID in FILE (digits only); fails if FILE is empty/missing
pid_of() { [ -s "$1" ] && tr -dc 0-9 < "$1"; }

write_postfix() {
	pf=$D/postfix
	mkdir -p "$pf/etc" "$pf/spool" "$pf/data"
	chown postfix:postfix "$pf/data"
	cat > "$pf/etc/vmailbox" <<EOF
alice@example.org example.org/alice/
bob@example.org   example.org/bob/
admin@example.org example.org/admin/
carol@example.net example.net/carol/
dave@example.net  example.net/dave/
jöran@example.org example.org/joran/
EOF
	cat > "$pf/etc/valias" <<EOF
root@example.org       admin@example.org
postmaster@example.org admin@example.org
EOF
	cat > "$pf/etc/refuse" <<EOF
refused@example.org 550 5.1.1 <refused@example.org>: recipient refused by the test setup
EOF
	cat > "$pf/etc/main.cf" <<EOF
# private Postfix instance of the smtps integration suite
compatibility_level = 3.6
smtputf8_enable = yes
queue_directory = $pf/spool
data_directory = $pf/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $pf/maillog
maillog_file_prefixes = $D
myhostname = mx.example.org
mydomain = example.org
myorigin = example.org
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
biff = no
alias_maps =
alias_database =
smtpd_banner = \$myhostname ESMTP Postfix (smtps integration)
smtpd_peername_lookup = no
smtpd_error_sleep_time = 0
message_size_limit = 64000000
mailbox_size_limit = 0
virtual_mailbox_limit = 0
header_size_limit = 1024000
local_header_rewrite_clients =
always_add_missing_headers = no
virtual_mailbox_domains = example.org example.net
virtual_mailbox_base = $D/mail
virtual_mailbox_maps = texthash:$pf/etc/vmailbox
virtual_alias_maps = texthash:$pf/etc/valias
virtual_uid_maps = static:$VUID
virtual_gid_maps = static:$VGID
smtpd_tls_cert_file = $D/certs/server.pem
smtpd_tls_key_file = $D/certs/server-key.pem
smtpd_tls_security_level = none
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_auth_only = yes
smtpd_tls_loglevel = 1
smtpd_sasl_type = dovecot
smtpd_sasl_path = $D/dovecot/auth-postfix
smtpd_sasl_auth_enable = no
smtpd_sasl_security_options = noanonymous
smtpd_sasl_tls_security_options = noanonymous
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access texthash:$pf/etc/refuse, permit_sasl_authenticated, reject
EOF
	# Submission services: AUTH required (recipient restrictions end in
	# reject for unauthenticated clients).  No chroot anywhere.
	sub="-o smtpd_sasl_auth_enable=yes -o smtpd_tls_security_level=encrypt"
	cat > "$pf/etc/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:$PF_TLS_PORT inet n - n - - smtpd
  -o syslog_name=postfix/smtps $sub -o smtpd_tls_wrappermode=yes
127.0.0.1:$PF_STLS_PORT inet n - n - - smtpd
  -o syslog_name=postfix/submission $sub
127.0.0.1:$PF_RELAY_PORT inet n - n - - smtpd
  -o syslog_name=postfix/relay
  -o smtpd_recipient_restrictions=check_recipient_access,texthash:$pf/etc/refuse,permit_mynetworks,reject
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

write_dovecot() {
	dc=$D/dovecot
	mkdir -p "$dc/run" "$dc/state" "$dc/home"
	chown "$VUID:$VGID" "$dc/home"
	printf '%s:{PLAIN}%s::::::\n' "$USER_NAME" "$PASS" > "$dc/users"
	chown root:dovecot "$dc/users"	# read by the auth process (user dovecot)
	chmod 640 "$dc/users"
	dh=""
	[ -f /usr/share/dovecot/dh.pem ] && dh="ssl_dh = </usr/share/dovecot/dh.pem"
	cat > "$dc/dovecot.conf" <<EOF
# private Dovecot instance of the smtps integration suite
base_dir = $dc/run
state_dir = $dc/state
instance_name = smtps-it-$(basename "$D")
protocols = submission
listen = 127.0.0.1
log_path = $dc/dovecot.log
ssl = required
ssl_cert = <$D/certs/server.pem
ssl_key = <$D/certs/server-key.pem
ssl_min_protocol = TLSv1.2
$dh
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = 0
hostname = submit.example.org
postmaster_address = postmaster@example.org
mail_location = maildir:~/Maildir
submission_relay_host = 127.0.0.1
submission_relay_port = $PF_RELAY_PORT
submission_relay_trusted = no
submission_max_mail_size = 64M
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dc/users
}
userdb {
  driver = static
  args = uid=$VUID gid=$VGID home=$dc/home/%u
}
service auth {
  unix_listener $dc/auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}
service submission-login {
  inet_listener submission {
    address = 127.0.0.1
    port = $DC_STLS_PORT
  }
  inet_listener submissions {
    address = 127.0.0.1
    port = $DC_TLS_PORT
    ssl = yes
  }
}
EOF
}

# the second Dovecot: every SASL mechanism, client certificates
write_dovecot_sasl() {
	ds=$D/dovecot-sasl
	mkdir -p "$ds/run" "$ds/state"
	cp "$D/dovecot/users" "$ds/users"
	chown root:dovecot "$ds/users"
	chmod 640 "$ds/users"
	cat > "$ds/dovecot.conf" <<EOF
# private Dovecot with every SASL mechanism (smtps integration suite)
base_dir = $ds/run
state_dir = $ds/state
instance_name = smtps-it-sasl-$(basename "$D")
protocols = submission
listen = 127.0.0.1
log_path = $ds/dovecot.log
ssl = required
ssl_cert = <$D/certs/server.pem
ssl_key = <$D/certs/server-key.pem
ssl_ca = <$D/certs/ca.pem
ssl_verify_client_cert = yes
ssl_require_crl = no
ssl_min_protocol = TLSv1.2
$dh
auth_ssl_username_from_cert = yes
ssl_cert_username_field = commonName
disable_plaintext_auth = yes
auth_mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256 external xoauth2 oauthbearer
auth_failure_delay = 0
auth_verbose = yes
hostname = sasl.example.org
postmaster_address = postmaster@example.org
mail_location = maildir:~/Maildir
submission_relay_host = 127.0.0.1
submission_relay_port = $PF_RELAY_PORT
submission_relay_trusted = no
# EXTERNAL: the certificate (CN = user name) is the credential
passdb {
  driver = static
  args = nopassword=y
  mechanisms = external
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $ds/users
  mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256
}
# XOAUTH2/OAUTHBEARER: tokens checked by introspect.py (oauth2/tokens)
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $ds/oauth2.conf.ext
}
userdb {
  driver = static
  args = uid=$VUID gid=$VGID home=$D/dovecot/home/%u
}
service submission-login {
  inet_listener submission {
    port = 0
  }
  inet_listener submissions {
    address = 127.0.0.1
    port = $DC_SASL_PORT
    ssl = yes
  }
}
EOF
}

# the OAuth2 token check Dovecot asks (introspect.py), and its config
start_introspect() {
	mkdir -p "$D/oauth2"
	: > "$D/oauth2/tokens"
	"$PY" "$here/introspect.py" "$D/oauth2" < /dev/null \
	    > "$D/oauth2/out" 2>&1 3>&- &
	i=0
	while [ ! -s "$D/oauth2/port" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ -s "$D/oauth2/port" ] || die "introspect.py did not start"
	OAUTH_PORT=$(cat "$D/oauth2/port")
	cat > "$D/dovecot-sasl/oauth2.conf.ext" <<EOF
introspection_mode = auth
introspection_url = http://127.0.0.1:$OAUTH_PORT/
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
EOF
}

# certs/alice.pem, alice-key.pem: a client certificate for the user alice
client_cert() {
	certtool --generate-privkey --key-type rsa --bits 2048 \
	    --outfile "$D/certs/alice-key.pem" >/dev/null 2>&1
	printf 'cn = "alice"\norganization = "smtps tests"\nserial = 7001\nexpiration_days = 30\ntls_www_client\nsigning_key\nencryption_key\n' \
	    > "$D/certs/alice.tmpl"
	certtool --generate-certificate --load-privkey "$D/certs/alice-key.pem" \
	    --load-ca-certificate "$repo/tests/tmp/certs/ca.pem" \
	    --load-ca-privkey "$repo/tests/tmp/certs/ca-key.pem" \
	    --template "$D/certs/alice.tmpl" --outfile "$D/certs/alice.pem" \
	    > "$D/certs/alice.log" 2>&1 || die "certtool: no client certificate"
	chmod 600 "$D/certs/alice-key.pem"
}

dump_logs() {
	for f in "$D/postfix/maillog" "$D/dovecot/dovecot.log" "$D/postfix.start" "$D/dovecot.start" \
	    "$D/dovecot-sasl/dovecot.log" "$D/dovecot-sasl.start"; do
		[ -s "$f" ] || continue
		echo "----- $f" >&2
		tail -n 40 "$f" >&2
	done
}

stop() {
	pf=$D/postfix
	if [ -f "$pf/etc/main.cf" ]; then
		pid=$(pid_of "$pf/spool/pid/master.pid" || :)
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			postfix -c "$pf/etc" stop >/dev/null 2>&1 || :
			i=0
			while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
				sleep 0.1; i=$((i + 1))
			done
			kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
		fi
	fi
	for f in "$D/dovecot/run/master.pid" "$D/dovecot-sasl/run/master.pid" \
	    "$D/oauth2/pid"; do
		pid=$(pid_of "$f" || :)
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			kill "$pid" 2>/dev/null || :
			i=0
			while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
				sleep 0.1; i=$((i + 1))
			done
			kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
		fi
	done
	return 0
}

start() {
	[ "$(id -u)" -eq 0 ] || die "must run as root"
	for c in postfix postconf dovecot certtool python3; do
		command -v "$c" >/dev/null 2>&1 || die "$c not found (run tests/integration/setup-deps.sh)"
	done
	# the parent directories must be searchable by the postfix user
	chmod 755 "$D"

	sh "$repo/tests/certs.sh" "$repo/tests/tmp/certs" >&2
	mkdir -p "$D/certs"
	cp "$repo/tests/tmp/certs/ca.pem" "$repo/tests/tmp/certs/server.pem" \
	    "$repo/tests/tmp/certs/server-key.pem" "$D/certs/"
	chmod 600 "$D/certs/server-key.pem"

	# shellcheck disable=SC2046
	set -- $(free_ports 6)
	PF_TLS_PORT=$1 PF_STLS_PORT=$2 PF_RELAY_PORT=$3 DC_TLS_PORT=$4 DC_STLS_PORT=$5
	DC_SASL_PORT=$6
	client_cert

	mkdir -p "$D/mail"
	chown "$VUID:$VGID" "$D/mail"
	write_postfix
	write_dovecot
	write_dovecot_sasl
	start_introspect

	# Dovecot first: Postfix's SASL goes through its auth socket
	if ! dovecot -c "$D/dovecot/dovecot.conf" > "$D/dovecot.start" 2>&1; then
		echo "servers.sh: dovecot did not start" >&2
		dump_logs; stop; exit 1
	fi
	if ! dovecot -c "$D/dovecot-sasl/dovecot.conf" > "$D/dovecot-sasl.start" 2>&1; then
		echo "servers.sh: the SASL dovecot did not start" >&2
		dump_logs; stop; exit 1
	fi
	if ! postfix -c "$D/postfix/etc" start > "$D/postfix.start" 2>&1; then
		echo "servers.sh: postfix did not start" >&2
		dump_logs; stop; exit 1
	fi
	for p in $PF_TLS_PORT $PF_STLS_PORT $PF_RELAY_PORT $DC_TLS_PORT $DC_STLS_PORT $DC_SASL_PORT; do
		if ! wait_port "$p" 15; then
			echo "servers.sh: nothing answers on 127.0.0.1:$p" >&2
			dump_logs; stop; exit 1
		fi
	done
	i=0
	while [ ! -S "$D/dovecot/auth-postfix" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ -S "$D/dovecot/auth-postfix" ] || {
		echo "servers.sh: dovecot's auth socket did not appear" >&2
		dump_logs; stop; exit 1
	}
	cat > "$D/env" <<EOF
PF_TLS_PORT=$PF_TLS_PORT
PF_STLS_PORT=$PF_STLS_PORT
PF_RELAY_PORT=$PF_RELAY_PORT
DC_TLS_PORT=$DC_TLS_PORT
DC_STLS_PORT=$DC_STLS_PORT
PF_CONF=$D/postfix/etc
PF_QUEUE=$D/postfix/spool
PF_PIDFILE=$D/postfix/spool/pid/master.pid
PF_LOG=$D/postfix/maillog
DC_CONF=$D/dovecot/dovecot.conf
DC_PIDFILE=$D/dovecot/run/master.pid
DC_LOG=$D/dovecot/dovecot.log
DC_SASL_PORT=$DC_SASL_PORT
DC_SASL_PIDFILE=$D/dovecot-sasl/run/master.pid
DC_SASL_LOG=$D/dovecot-sasl/dovecot.log
CLIENT_CERT=$D/certs/alice.pem
CLIENT_KEY=$D/certs/alice-key.pem
OAUTH_TOKENS=$D/oauth2/tokens
OAUTH_LOG=$D/oauth2/log
MAILBASE=$D/mail
CA=$D/certs/ca.pem
EOF
	# the password exactly, for the suite (not shell-parsed: one line)
	printf '%s\n' "$PASS" > "$D/password"
	chmod 600 "$D/password"
}

cmd=${1:-}
D=${2:-}
if [ -z "$D" ] || [ ! -d "$D" ]; then
	die "usage: servers.sh start|stop DIR (DIR must exist)"
fi
D=$(cd "$D" && pwd)
case $cmd in
start) start ;;
stop) stop ;;
*) die "usage: servers.sh start|stop DIR" ;;
esac
