#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# OAuth2 built in (the sign-in work): smtps --authorize with every grant against a
# mock identity provider (tests/server/idp.py, HTTPS with the test CA),
# access tokens cached and refreshed, refresh tokens rotated under a lock,
# every error mode of the IdP, and no token anywhere smtps writes.  The
# scripted SMTP server accepts exactly the access tokens the IdP says are
# valid (its tokens_file).

load helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	IDP=$T/idp
	IDP_PID=
	TOKFILE=$HOME/.local/state/smtps/oauth2/default
}
teardown() {
	stop_flusher
	stop_idp
	common_teardown
}

# ------------------------------------------------------------------ the IdP

# idp_conf [LINE...]: the IdP's config (re-read at every request)
idp_conf() {
	{
		printf 'cert %s\nkey %s\n' "$CERTS/${IDP_CERT:-server}.pem" \
		    "$CERTS/${IDP_CERT:-server}-key.pem"
		echo "tokens_file $T/tokens"
		echo "client_id smtps-test"
		local l
		for l in "$@"; do printf '%s\n' "$l"; done
	} > "$T/idp.conf"
}

start_idp() {
	[ -e "$T/idp.conf" ] || idp_conf
	mkdir -p "$IDP"
	"$PYTHON" "$REPO/tests/server/idp.py" "$T/idp.conf" "$IDP" \
	    > "$T/idp.out" 2>&1 3>&- &
	local i
	for i in $(seq 1 200); do
		[ -s "$IDP/port" ] && break
		kill -0 $! 2>/dev/null || break
		sleep 0.05
	done
	[ -s "$IDP/port" ] || { cat "$T/idp.out" >&2; return 1; }
	IDP_PORT=$(cat "$IDP/port")
	IDP_PID=$(cat "$IDP/pid")
}

stop_idp() {
	[ -n "${IDP_PID:-}" ] || return 0
	kill "$IDP_PID" 2>/dev/null || true
	IDP_PID=
}

# the SMTP side: implicit TLS, XOAUTH2 only, tokens from the IdP
smtp_oauth() {
	scenario <<EOF
mode tls
cert $CERTS/server.pem
key $CERTS/server-key.pem
user $USER_NAME
ehlo AUTH XOAUTH2
tokens_file $T/tokens
connections ${1:-1}
EOF
	start_server
}

# the account: a generic provider at the mock IdP; LINE... appended
oauth_config() {
	local u=https://127.0.0.1:$IDP_PORT
	write_config tls "user $USER_NAME" "oauth2_provider generic" \
	    "oauth2_client_id smtps-test" "oauth2_token_url $u/token" \
	    "oauth2_device_url $u/device" "oauth2_auth_url $u/authorize" \
	    "oauth2_trust_file $CERTS/ca.pem" "$@"
}

# a token file as --authorize would leave it: access token expired,
# refresh token $1 (which the IdP must know: idp_conf "refresh_token $1")
seed_tokens() {
	mkdir -p "$(dirname "$TOKFILE")"
	printf '{"access_token":"at-old","expires_at":1,"refresh_token":"%s"}\n' \
	    "$1" > "$TOKFILE"
	chmod 600 "$TOKFILE"
}

# assert_sequence_file FILE RE...: lines matching each RE in this order
assert_sequence_file() {
	local f=$1 re n=0 line
	shift
	local -a want=("$@")
	while IFS= read -r line; do
		[ "$n" -lt "${#want[@]}" ] || break
		re=${want[$n]}
		if [[ $line =~ ^($re)$ ]]; then n=$((n + 1)); fi
	done < "$f"
	[ "$n" -eq "${#want[@]}" ] || fail "$f lacks /${want[$n]}/: $(cat "$f")"
}

# no refresh token was presented to the IdP twice
assert_rotation_clean() {
	local dup
	dup=$(awk '$1 == "refresh_token" { print $3 }' "$IDP/uses" |
	    sort | uniq -d)
	[ -z "$dup" ] || fail "refresh token used more than once: $dup" \
	    "$(cat "$IDP/uses")"
}

# no token the IdP issued or took appears in anything smtps wrote
assert_no_token() {
	local s f
	for s in $(cat "$IDP/issued" 2>/dev/null) \
	    $(awk '{ print $3 }' "$IDP/uses" 2>/dev/null) "$@"; do
		[ -n "$s" ] || continue
		for f in "$T/stderr" "$T/stdout" "$HOME/dead.letter" \
		    "$HOME/log"; do
			[ ! -e "$f" ] || ! grep -Fq -- "$s" "$f" ||
				fail "$f holds a token: $s"
		done
		[ ! -d "$HOME/queue" ] || ! grep -rFq -- "$s" "$HOME/queue" ||
			fail "the queue holds a token: $s"
		for f in "$(b64 "$s")" "$(printf 'user=%s\001auth=Bearer %s\001\001' \
		    "$USER_NAME" "$s" | base64 -w0)"; do
			! grep -Fq -- "$f" "$T/stderr" ||
				fail "stderr holds a token's base64: $f"
		done
	done
}

# authorize_bg: smtps --authorize in the background, stdin a FIFO kept
# open on fd 5 (write a pasted URL there); sets AUTH_PID and AUTH_URL
# (the authorization URL it printed)
authorize_bg() {
	[ -p "$T/in" ] || mkfifo "$T/in"
	exec 5<>"$T/in"
	: > "$T/stdout"
	"$SMTPS" -C "$CFG" --authorize < "$T/in" > "$T/stdout" 2> "$T/stderr" &
	AUTH_PID=$!
	local i
	AUTH_URL=
	for i in $(seq 1 200); do
		AUTH_URL=$(grep -m1 '^https://' "$T/stdout" || true)
		[ -n "$AUTH_URL" ] && return 0
		sleep 0.05
	done
	fail "no authorization URL: $(cat "$T/stdout" "$T/stderr")"
}

# authorize_wait: its exit status into status
authorize_wait() {
	status=0
	wait "$AUTH_PID" || status=$?
	exec 5>&-
}

# concurrent_sends N: N smtps at once, all must succeed and arrive
concurrent_sends() {
	local i bad=0 pids=()
	for i in $(seq 1 "$1"); do
		"$SMTPS" -C "$CFG" bob@example.net < "$INPUT" \
		    > "$T/out.$i" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || bad=$((bad + 1)); done
	server_done 30 || true
	[ "$bad" -eq 0 ] || fail "$bad sends failed: $(cat "$T"/out.*)"
	[ -e "$SRV/msg.$1" ] || fail "not all $1 arrived"
}

# send_via_idp IDP_LINE...: an IdP configured with these lines that knows
# rt-seed, a token file that must be refreshed, one send with --no-queue
# ($ACCT: an extra account line)
send_via_idp() {
	idp_conf "refresh_token rt-seed" "$@"
	start_idp
	seed_tokens rt-seed
	oauth_config ${ACCT:+"$ACCT"}
	message <<<"Subject: via the IdP"
	run_smtps --no-queue bob@example.net
}

# ------------------------------------------------------------------ grants

@test "device grant: --authorize prints the URI and code, polls through authorization_pending, stores the tokens 0600" {
	idp_conf "device_pending 2"
	start_idp
	oauth_config
	run_smtps --authorize -a default
	assert_status 0
	grep -Fq "open https://127.0.0.1:$IDP_PORT/verify in a browser and enter the code WDJB-MJHT" "$T/stdout" ||
		fail "no device instructions: $output"
	grep -q "account default is signed in (OAuth2, device grant); tokens stored in $TOKFILE" "$T/stdout" ||
		fail "no success line: $output"
	[ "$(grep -c '^device_code authorization_pending$' "$IDP/uses")" -eq 2 ] ||
		fail "$(cat "$IDP/uses")"
	[ "$(stat -c %a "$TOKFILE")" = 600 ] || fail "token file mode"
	[ "$(stat -c %a "$(dirname "$TOKFILE")")" = 700 ] || fail "dir mode"
	assert_no_token
	# then mail flows with the cached access token: no IdP request
	smtp_oauth
	oauth_config
	message <<<"Subject: hi"
	run_smtps -v bob@example.net
	assert_status 0
	assert_transcript '-- XOAUTH2: user alice, token valid'
	[ "$(grep -c . "$IDP/uses")" -eq 3 ] || fail "the send asked the IdP"
	assert_stderr_match 'cached access token of account default'
	assert_no_token
}

@test "device grant: slow_down makes smtps poll more slowly, then succeeds" {
	idp_conf "device_pending 2" "device_slow_down on"
	start_idp
	oauth_config
	run_smtps --authorize
	assert_status 0
	assert_sequence_file "$IDP/uses" 'device_code slow_down' \
	    'device_code authorization_pending' 'device_code ok'

}

@test "device grant: access_denied is exit 77 with one clear line" {
	idp_conf "device_deny on"
	start_idp
	oauth_config
	run_smtps --authorize
	assert_status 77
	assert_error_line "OAuth2 sign-in of account 'default' is no longer valid \(127\.0\.0\.1 said access_denied: the user declined\); run: smtps --authorize -a default"
	[ ! -e "$TOKFILE" ] || fail "a token file was written"
}

@test "code grant + PKCE: the browser's redirect reaches the loopback listener" {
	start_idp
	oauth_config "oauth2_grant code"
	authorize_bg		# stdin stays open: the listener must win
	local url=$AUTH_URL
	[[ $url == *code_challenge_method=S256* ]] || fail "no S256: $url"
	[[ $url == *redirect_uri=http%3A%2F%2F127.0.0.1%3A* ]] || fail "redirect: $url"
	run "$PYTHON" "$REPO/tests/server/idp.py" browse "$url" "$CERTS/ca.pem"
	[ "$status" -eq 0 ] || fail "browser: $output"
	[[ $output == "200 smtps: signed in"* ]] || fail "listener page: $output"
	authorize_wait
	assert_status 0
	grep -q '^authorization_code ok$' "$IDP/uses" || fail "$(cat "$IDP/uses")"
	grep -q 'account default is signed in (OAuth2, code grant)' "$T/stdout" ||
		fail "$(cat "$T/stdout")"
	grep -q '"refresh_token":"rt-' "$TOKFILE" || fail "no refresh token stored"
	assert_no_token
}

@test "code grant + PKCE: the final URL pasted on stdin (no listener reachable, e.g. over SSH)" {
	start_idp
	oauth_config "oauth2_grant code" "oauth2_redirect_port $(free_port)"
	authorize_bg
	local url=$AUTH_URL
	run "$PYTHON" "$REPO/tests/server/idp.py" browse "$url" "$CERTS/ca.pem" paste
	[ "$status" -eq 0 ] || fail "browser: $output"
	printf '%s\n' "$output" >&5
	authorize_wait
	assert_status 0
	grep -q '^authorization_code ok$' "$IDP/uses" || fail "$(cat "$IDP/uses")"
}

@test "code grant: a redirect with error=access_denied is exit 77 naming it; a forged state is 76" {
	idp_conf "code_error access_denied"
	start_idp
	oauth_config "oauth2_grant code"
	authorize_bg
	run "$PYTHON" "$REPO/tests/server/idp.py" browse "$AUTH_URL" "$CERTS/ca.pem"
	authorize_wait
	assert_status 77
	assert_error_line 'account default: the provider refused the sign-in: access_denied: the user said no'
	# a pasted URL whose state is not this sign-in's
	authorize_bg
	printf 'http://127.0.0.1:1/?code=abc&state=forged\n' >&5
	authorize_wait
	assert_status 76
	assert_error_line "the redirect's state does not match this sign-in"
}

@test "client credentials (Microsoft 365 app-only): no --authorize needed, the token is fetched, cached and used" {
	idp_conf "client_secret app-secret-123"
	start_idp
	smtp_oauth 2
	oauth_config "oauth2_grant client_credentials" \
	    "oauth2_client_secreteval echo app-secret-123"
	message <<<"Subject: app"
	run_smtps -v bob@example.net
	assert_status 0
	assert_transcript '-- XOAUTH2: user alice, token valid'
	grep -q '^client_credentials ok$' "$IDP/uses" || fail "$(cat "$IDP/uses")"
	run_smtps bob@example.net
	assert_status 0
	[ "$(grep -c . "$IDP/uses")" -eq 1 ] || fail "the second send asked again"
	assert_no_token app-secret-123
}

@test "client credentials: a wrong client secret is one line naming the IdP's error" {
	idp_conf "client_secret right"
	start_idp
	oauth_config "oauth2_grant client_credentials" "oauth2_client_secret wrong"
	run_smtps --authorize
	assert_status 78
	assert_error_line "OAuth2 for account 'default': 127\.0\.0\.1 refused the request: invalid_client: wrong client secret"
}

# ------------------------------------------------------------ refreshing

@test "expired access token: refreshed before the session, the rotated refresh token is on disk first" {
	idp_conf "refresh_token rt-seed"
	start_idp
	seed_tokens rt-seed
	smtp_oauth
	oauth_config "logfile $HOME/log"
	message <<<"Subject: r"
	run_smtps -v bob@example.net
	assert_status 0
	assert_stderr_match 'refreshing the access token of account default'
	[ -s "$HOME/log" ] || fail "no log line"
	grep -q '^refresh_token ok rt-seed$' "$IDP/uses" || fail "$(cat "$IDP/uses")"
	! grep -q rt-seed "$TOKFILE" || fail "the old refresh token is still stored"
	assert_no_token rt-seed at-old
}

@test "a cached token the server refuses is renewed once and AUTH retried in the same session" {
	idp_conf "refresh_token rt-seed"
	start_idp
	mkdir -p "$(dirname "$TOKFILE")"
	printf '{"access_token":"at-revoked","expires_at":4000000000,"refresh_token":"rt-seed"}\n' > "$TOKFILE"
	smtp_oauth
	oauth_config
	message <<<"Subject: renew"
	run_smtps -v bob@example.net
	assert_status 0
	assert_sequence '-- XOAUTH2: user alice, token rejected' \
	    '-- XOAUTH2: user alice, token valid' '-- message 1.*'
	[ "$(grep -c '^-- TLS$' "$SRV/transcript")" -eq 1 ] || fail "a second session"
	assert_no_token at-revoked rt-seed
}

@test "rotation under 20 concurrent sends: one refresh, each refresh token used once, all 20 delivered" {
	idp_conf "refresh_token rt-seed"
	start_idp
	seed_tokens rt-seed
	smtp_oauth 20
	oauth_config
	message <<<"Subject: concurrent"
	concurrent_sends 20
	assert_rotation_clean
	[ "$(grep -c '^refresh_token' "$IDP/uses")" -eq 1 ] ||
		fail "expected one refresh: $(cat "$IDP/uses")"
}

@test "rotation under 20 concurrent sends with access tokens that are always stale: 20 refreshes, none reused" {
	idp_conf "refresh_token rt-seed" "access_lifetime 5"
	start_idp
	seed_tokens rt-seed
	smtp_oauth 20
	oauth_config
	message <<<"Subject: concurrent"
	concurrent_sends 20
	assert_rotation_clean
	! grep -q invalid_grant "$IDP/uses" || fail "$(cat "$IDP/uses")"
}

@test "bar: --authorize once, then 50 cron-style sends; access tokens expire every 2 s, refresh tokens rotate on every use; all arrive" {
	idp_conf "device_pending 1" "access_lifetime 2"
	start_idp
	smtp_oauth 50
	oauth_config
	sed -i '/^queue off$/d' "$CFG"	# cron: the retry queue is on
	run_smtps --authorize
	assert_status 0
	message <<<"Subject: cron"
	local i
	for i in $(seq 1 50); do
		run_smtps bob@example.net
		[ "$status" -eq 0 ] || fail "send $i: $stderr"
		[ -e "$SRV/msg.$i" ] || fail "message $i did not arrive"
		grep -q 'queued' "$T/stderr" && fail "send $i was queued"
	done
	[ "$(grep -c '^refresh_token ok' "$IDP/uses")" -ge 50 ] ||
		fail "fewer refreshes than sends: $(cat "$IDP/uses")"
	assert_rotation_clean
	"$SMTPS" -C "$CFG" -bp | grep -qx 'Mail queue is empty' || fail "queue not empty"
	assert_no_token
}

@test "token expiry mid-queue: messages queued while the IdP is down go out with a fresh token on -q" {
	idp_conf "refresh_token rt-seed" "token_mode error500"
	start_idp
	seed_tokens rt-seed
	oauth_config "queue on" "queue_backoff_min 3600"
	message <<<"Subject: q"
	local i
	for i in 1 2 3; do
		run_smtps bob@example.net
		assert_status 0
		assert_stderr_match "queued .*127\.0\.0\.1 answered HTTP 503 \(try again later\)"
	done
	idp_conf "refresh_token rt-seed" "access_lifetime 2"
	smtp_oauth 1
	oauth_config "queue on" "queue_backoff_min 3600"
	run_smtps -q
	assert_status 0
	[ -e "$SRV/msg.3" ] || fail "not all 3 delivered: $output"
	assert_rotation_clean
	"$SMTPS" -C "$CFG" -bp | grep -qx 'Mail queue is empty' || fail "queue not empty"
	assert_no_token rt-seed
}

# ------------------------------------------------------------ error modes

@test "invalid_grant: exit 77 with the command to run; the message stays queued and mailq says why" {
	idp_conf "refresh_token rt-seed" "token_mode invalid_grant"
	start_idp
	seed_tokens rt-seed
	oauth_config "queue on" "queue_backoff_min 3600" "logfile $HOME/log"
	message <<<"Subject: revoked"
	run_smtps bob@example.net
	assert_status 77
	assert_error_line "OAuth2 sign-in of account 'default' is no longer valid \(127\.0\.0\.1 said invalid_grant: AADSTS70000: the grant was revoked\); run: smtps --authorize -a default; the message stays queued as [^ ]+ until then"
	[ "$(grep -c '^smtps: ' "$T/stderr")" -eq 1 ] || fail "more than one line"
	[ ! -e "$HOME/dead.letter" ] || fail "it bounced to dead.letter"
	# the log line says what became of it (queued), not "failed"
	grep -Eq ' outcome=queued .*exitcode=EX_NOPERM$' "$HOME/log" ||
		fail "log: $(cat "$HOME/log")"
	run_smtps -bp
	assert_status 0
	grep -q 'last error: OAuth2 sign-in of account .default. is no longer valid.*run: smtps --authorize -a default' "$T/stdout" ||
		fail "mailq: $output"
	# the retry keeps it too (the flusher's path)
	run_smtps -q
	[ ! -e "$HOME/dead.letter" ] || fail "the retry bounced it"
	assert_no_token rt-seed
}

@test "never signed in: exit 77 telling to run smtps --authorize" {
	start_idp
	oauth_config
	message <<<"Subject: x"
	run_smtps bob@example.net
	assert_status 77
	assert_error_line "account 'default' is not signed in with OAuth2 yet \(no token in $TOKFILE\); run: smtps --authorize -a default"
	[ ! -e "$IDP/uses" ] || fail "the IdP was asked"
}

@test "IdP answers 503: --no-queue exit 75 with one line, message in dead.letter without a token" {
	send_via_idp "token_mode error500"
	assert_status 75
	assert_error_line "OAuth2 for account 'default': 127\.0\.0\.1 answered HTTP 503 \(try again later\)"
	assert_dead_letter
	assert_no_token rt-seed
	grep -q rt-seed "$TOKFILE" || fail "the refresh token was lost"
}

@test "IdP too slow: the account's timeout, exit 75" {
	ACCT="timeout 2" send_via_idp "token_mode slow" "slow_seconds 8"
	assert_status 75
	assert_error_line "OAuth2 for account 'default': 127\.0\.0\.1: timed out"
}

@test "malformed JSON from the token endpoint: exit 76, one line" {
	send_via_idp "token_mode malformed"
	assert_status 76
	assert_error_line "OAuth2 for account 'default': 127\.0\.0\.1 sent a malformed reply: malformed JSON"
}

@test "a redirect from the token endpoint is refused: exit 76" {
	send_via_idp "token_mode redirect"
	assert_status 76
	assert_error_line "127\.0\.0\.1 answered with a redirect \(3xx\), which smtps does not follow"
}

@test "IdP with a certificate from an untrusted CA: exit 69 like SMTP TLS, nothing sent to it" {
	IDP_CERT=untrusted send_via_idp
	assert_status 69
	assert_error_line "TLS certificate verification failed for 127\.0\.0\.1: certificate signer is not trusted"
	[ ! -e "$IDP/uses" ] || fail "a token request reached the IdP"
}

@test "IdP with a certificate for another name: exit 69" {
	IDP_CERT=wrongname send_via_idp
	assert_status 69
	assert_error_line "TLS certificate verification failed for 127\.0\.0\.1: certificate does not match host name"
}

# ------------------------------------------------------------ configuration

@test "config: incomplete OAuth2 accounts are refused with FILE:LINE" {
	write_config tls "user $USER_NAME" "oauth2_provider generic"
	run_smtps -P
	assert_status 78
	assert_error_line "account 'default' \($CFG:[0-9]+\): oauth2_provider needs oauth2_client_id"
	write_config tls "user $USER_NAME" "oauth2_provider generic" \
	    "oauth2_client_id x"
	run_smtps -P
	assert_status 78
	assert_error_line "oauth2_provider generic needs oauth2_token_url"
	write_config tls "user $USER_NAME" "oauth2_provider google" \
	    "oauth2_client_id x" "auth plain"
	run_smtps -P
	assert_status 78
	assert_error_line "oauth2_provider is set: auth must be on, xoauth2 or oauthbearer"
	write_config tls "oauth2_provider generic" "oauth2_client_id x" \
	    "oauth2_token_url https://idp.example/t" \
	    "oauth2_device_url https://idp.example/d"
	run_smtps -P
	assert_status 78
	assert_error_line "oauth2_provider needs user \(the mailbox's address"
	write_config tls "oauth2_provider yahoo"
	run_smtps -P
	assert_status 78
	assert_error_line "$CFG:[0-9]+: keyword 'oauth2_provider' expects microsoft, google or generic, got 'yahoo'"
}

@test "config: -P shows the oauth2 keywords, the client secret as ***" {
	write_config tls "user $USER_NAME" "oauth2_provider microsoft" \
	    "oauth2_client_id cid" "oauth2_client_secret topsecret" \
	    "oauth2_tenant contoso.onmicrosoft.com"
	run_smtps -P
	assert_status 0
	grep -q '^oauth2_provider  *microsoft$' "$T/stdout" || fail "$output"
	grep -q '^oauth2_client_secret  *\*\*\*$' "$T/stdout" || fail "$output"
	! grep -q topsecret "$T/stdout" || fail "the secret was shown"
}

@test "--authorize on an account without oauth2_provider: exit 78" {
	write_config tls+auth
	run_smtps --authorize
	assert_status 78
	assert_error_line "account 'default' \($CFG:[0-9]+\) has no oauth2_provider: nothing to authorize"
}

@test "microsoft preset with the IdP's URLs: device grant by default, the SMTP.Send scope asked for" {
	start_idp
	local u=https://127.0.0.1:$IDP_PORT
	write_config tls "user $USER_NAME" "oauth2_provider microsoft" \
	    "oauth2_client_id smtps-test" "oauth2_token_url $u/token" \
	    "oauth2_device_url $u/device" "oauth2_trust_file $CERTS/ca.pem"
	run_smtps --authorize
	assert_status 0
	grep -q 'OAuth2, device grant' "$T/stdout" || fail "$output"
	grep -qx 'device https://outlook.office.com/SMTP.Send offline_access' \
	    "$IDP/scopes" || fail "scope: $(cat "$IDP/scopes")"
}

@test "-S on an OAuth2 account: the mechanism it would use is XOAUTH2, not the offered PLAIN; no token needed" {
	scenario <<EOF2
mode tls
cert $CERTS/server.pem
key $CERTS/server-key.pem
ehlo AUTH PLAIN LOGIN XOAUTH2
EOF2
	start_server
	write_config tls "user $USER_NAME" "oauth2_provider google" \
	    "oauth2_client_id x"
	run_smtps -S
	assert_status 0
	grep -q '^smtps would use: XOAUTH2 ' "$T/stdout" || fail "$output"
}

@test "invalid_grant past queue_lifetime: the waiting message goes to dead.letter at last" {
	idp_conf "refresh_token rt-seed" "token_mode invalid_grant"
	start_idp
	seed_tokens rt-seed
	# a lifetime the first attempt cannot outlive even on a loaded
	# machine (1 s was: an attempt that crossed a second boundary gave
	# up at once), then waited out from the moment that attempt ended
	oauth_config "queue on" "queue_backoff_min 3600" "queue_lifetime 5"
	message <<<"Subject: too late"
	run_smtps bob@example.net
	assert_status 77
	assert_stderr_match 'the message stays queued as'
	local t1
	t1=$(date +%s)
	while [ "$(date +%s)" -le $((t1 + 5)) ]; do sleep 0.2; done
	run_smtps -q
	assert_status 77
	grep -q 'gave up after .* (queue_lifetime 5 s).*saved in .*dead.letter' \
	    "$T/stdout" || fail "-q: $output"
	grep -q '^Subject: too late' "$HOME/dead.letter" || fail "not in dead.letter"
}

@test "proxy_host: the IdP is reached through the account's SOCKS5 proxy too, like the SMTP server" {
	idp_conf "refresh_token rt-seed"
	start_idp
	seed_tokens rt-seed
	smtp_oauth
	PX=$T/proxy
	mkdir -p "$PX"
	printf 'connections 2\n' > "$T/proxy.script"
	"$PYTHON" "$REPO/tests/server/socks5.py" "$T/proxy.script" "$PX" \
	    > "$T/proxy.out" 2>&1 3>&- &
	local i
	for i in $(seq 1 200); do
		[ -s "$PX/port" ] && break
		sleep 0.05
	done
	[ -s "$PX/port" ] || fail "proxy did not start: $(cat "$T/proxy.out")"
	oauth_config "proxy_host 127.0.0.1" "proxy_port $(cat "$PX/port")"
	message <<<"Subject: via tor"
	run_smtps bob@example.net
	kill "$(cat "$PX/pid")" 2>/dev/null || true
	assert_status 0
	assert_sequence_file "$PX/log" "relay 127\.0\.0\.1:$IDP_PORT" \
	    "relay 127\.0\.0\.1:$PORT"
	grep -q '^refresh_token ok rt-seed$' "$IDP/uses" || fail "$(cat "$IDP/uses")"
}
