#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""idp.py - a mock OAuth2 identity provider for the smtps tests.

    python3 tests/server/idp.py CONFIG OUTDIR     serve (HTTPS, 127.0.0.1)
    python3 tests/server/idp.py browse URL CA [paste]
                                                  play the browser of the
                                                  code grant (see below)

Python 3 standard library only.  Listens on 127.0.0.1, port 0 (the kernel
picks), HTTPS with `cert`/`key`; writes OUTDIR/pid, then OUTDIR/port
(atomically: poll for it).  Serves until killed (or max_time seconds).

CONFIG: `keyword value` lines, RE-READ AT EVERY REQUEST (a test changes
the IdP's behaviour by rewriting it):
  cert FILE, key FILE   the TLS certificate (tests/certs.sh)
  client_id ID          the client the IdP knows (default smtps-test)
  client_secret S       when set, required from the client
  access_lifetime S     seconds an access token lives (default 3600)
  tokens_file PATH      the currently valid access tokens, one a line,
                        rewritten when one is issued and as they expire
                        (the scripted SMTP server's tokens_file)
  refresh_token RT      a refresh token valid from the start (repeatable)
  rotate on|off         a refresh gives a new refresh token and the old
                        one dies (default on)
  token_mode M          how /token answers every request:
                        ok (default), invalid_grant, error500, slow,
                        malformed, redirect
  slow_seconds S        delay of token_mode slow (default 30)
  device_pending N      device grant: the first N polls get
                        authorization_pending (default 1)
  device_slow_down on   ... and the first of them slow_down instead
  device_interval S     the interval the IdP names (default 1)
  device_deny on        polls after the pending ones get access_denied
  code_error E          /authorize redirects with error=E instead of a code

Endpoints: POST /token (grant_type refresh_token, client_credentials,
authorization_code with PKCE S256 checked, device_code), POST /device
(RFC 8628 device authorization), GET /authorize (approves at once:
302 to redirect_uri with code and state).

OUTDIR/uses: one line per token request: "GRANT RESULT [TOKEN]" where
TOKEN is the refresh token presented (refresh_token grant) - a test
checks that no refresh token was presented twice.  OUTDIR/issued: one
line per access token issued.  OUTDIR/scopes: "device SCOPE" per device
authorization request.  OUTDIR/log: errors.

browse URL CA [paste]: GET the authorization URL (trusting CA), take
the 302's Location; without `paste` GET that location (the loopback
listener of smtps --authorize) and print its status line, with `paste`
print the location.
"""
import hashlib
import base64
import http.server
import json
import os
import secrets
import ssl
import sys
import threading
import time
import urllib.parse
import urllib.request

LOCK = threading.Lock()
STATE = {
    'refresh': set(),       # valid refresh tokens
    'access': {},           # access token -> expiry (time.time())
    'codes': {},            # code -> (challenge, redirect_uri)
    'devices': {},          # device_code -> polls so far
    'seeded': False,
    'n': 0,
}


def conf():
    c = {'refresh_token': []}
    with open(CONFIG) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            k, _, v = line.partition(' ')
            if k == 'refresh_token':
                c[k].append(v.strip())
            else:
                c[k] = v.strip()
    return c


def out(name, line):
    with LOCK:
        with open(os.path.join(OUTDIR, name), 'a') as f:
            f.write(line + '\n')


def write_tokens(c):
    path = c.get('tokens_file')
    if not path:
        return
    now = time.time()
    with LOCK:
        valid = [t for t, exp in STATE['access'].items() if exp > now]
        tmp = path + '.tmp'
        with open(tmp, 'w') as f:
            f.write(''.join(t + '\n' for t in valid))
        os.replace(tmp, path)


def expirer():
    while True:
        try:
            write_tokens(conf())
        except Exception:
            pass
        time.sleep(0.2)


def new_token(prefix):
    with LOCK:
        STATE['n'] += 1
        return '%s-%d-%s' % (prefix, STATE['n'], secrets.token_urlsafe(12))


def issue(c, refresh=True):
    life = int(c.get('access_lifetime', '3600'))
    at = new_token('at')
    with LOCK:
        STATE['access'][at] = time.time() + life
    out('issued', at)
    write_tokens(c)
    r = {'access_token': at, 'token_type': 'Bearer', 'expires_in': life}
    if refresh:
        rt = new_token('rt')
        with LOCK:
            STATE['refresh'].add(rt)
        r['refresh_token'] = rt
    return r


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *a):
        pass

    def reply(self, code, obj=None, raw=None, headers=()):
        body = raw if raw is not None else json.dumps(obj or {}).encode()
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Connection', 'close')
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def err(self, e, desc=None, code=400):
        o = {'error': e}
        if desc:
            o['error_description'] = desc
        self.reply(code, o)

    def form(self):
        n = int(self.headers.get('Content-Length', '0'))
        data = self.rfile.read(n).decode()
        return {k: v[0] for k, v in urllib.parse.parse_qs(data).items()}

    def do_GET(self):
        c = conf()
        u = urllib.parse.urlparse(self.path)
        q = {k: v[0] for k, v in urllib.parse.parse_qs(u.query).items()}
        if u.path != '/authorize':
            return self.reply(404, {})
        ru = q.get('redirect_uri', '')
        if c.get('code_error'):
            loc = ru + '?' + urllib.parse.urlencode(
                {'error': c['code_error'], 'error_description':
                 'the user said no', 'state': q.get('state', '')})
        else:
            if (q.get('code_challenge_method') != 'S256' or
                    q.get('client_id') != c.get('client_id', 'smtps-test')):
                return self.reply(400, {'error': 'invalid_request'})
            code = new_token('code')
            with LOCK:
                STATE['codes'][code] = (q.get('code_challenge'), ru)
            loc = ru + '?' + urllib.parse.urlencode(
                {'code': code, 'state': q.get('state', '')})
        self.send_response(302)
        self.send_header('Location', loc)
        self.send_header('Content-Length', '0')
        self.send_header('Connection', 'close')
        self.end_headers()
        self.close_connection = True

    def do_POST(self):
        c = conf()
        f = self.form()
        if self.path == '/device':
            return self.device_start(c, f)
        if self.path != '/token':
            return self.reply(404, {})
        mode = c.get('token_mode', 'ok')
        g = f.get('grant_type', '')
        if mode == 'slow':
            time.sleep(int(c.get('slow_seconds', '30')))
        if mode == 'error500':
            out('uses', g + ' 503')
            return self.reply(503, raw=b'<html>busy</html>')
        if mode == 'malformed':
            out('uses', g + ' malformed')
            return self.reply(200, raw=b'{"access_token": "x", ')
        if mode == 'redirect':
            return self.reply(302, {}, headers=[('Location', '/elsewhere')])
        if f.get('client_id') != c.get('client_id', 'smtps-test'):
            return self.err('invalid_client', 'unknown client', 401)
        if c.get('client_secret') and \
                f.get('client_secret') != c['client_secret']:
            return self.err('invalid_client', 'wrong client secret', 401)
        if mode == 'invalid_grant':
            out('uses', g + ' invalid_grant ' + f.get('refresh_token', ''))
            return self.err('invalid_grant', 'AADSTS70000: the grant was '
                            'revoked')
        h = {'refresh_token': self.refresh,
             'client_credentials': self.client_credentials,
             'authorization_code': self.code,
             'urn:ietf:params:oauth:grant-type:device_code':
             self.device_poll}.get(g)
        if h is None:
            return self.err('unsupported_grant_type')
        return h(c, f)

    def refresh(self, c, f):
        rt = f.get('refresh_token', '')
        with LOCK:
            if not STATE['seeded']:
                STATE['refresh'].update(c['refresh_token'])
                STATE['seeded'] = True
            ok = rt in STATE['refresh']
            if ok and c.get('rotate', 'on') == 'on':
                STATE['refresh'].discard(rt)
        out('uses', 'refresh_token %s %s' % ('ok' if ok else
                                              'invalid_grant', rt))
        if not ok:
            return self.err('invalid_grant', 'refresh token unknown or '
                            'already used')
        r = issue(c, refresh=c.get('rotate', 'on') == 'on')
        return self.reply(200, r)

    def client_credentials(self, c, f):
        out('uses', 'client_credentials ok')
        return self.reply(200, issue(c, refresh=False))

    def code(self, c, f):
        with LOCK:
            chal, ru = STATE['codes'].pop(f.get('code', ''), (None, None))
        v = f.get('code_verifier', '').encode()
        want = base64.urlsafe_b64encode(
            hashlib.sha256(v).digest()).rstrip(b'=').decode()
        if chal is None or ru != f.get('redirect_uri') or want != chal:
            out('uses', 'authorization_code invalid_grant')
            return self.err('invalid_grant', 'bad code, redirect_uri or '
                            'code_verifier')
        out('uses', 'authorization_code ok')
        return self.reply(200, issue(c))

    def device_start(self, c, f):
        if f.get('client_id') != c.get('client_id', 'smtps-test'):
            return self.err('invalid_client', 'unknown client', 401)
        out('scopes', 'device ' + f.get('scope', ''))
        dc = new_token('dc')
        with LOCK:
            STATE['devices'][dc] = 0
        port = self.server.server_address[1]
        return self.reply(200, {
            'device_code': dc, 'user_code': 'WDJB-MJHT',
            'verification_uri': 'https://127.0.0.1:%d/verify' % port,
            'expires_in': 600,
            'interval': int(c.get('device_interval', '1'))})

    def device_poll(self, c, f):
        dc = f.get('device_code', '')
        with LOCK:
            if dc not in STATE['devices']:
                n = None
            else:
                n = STATE['devices'][dc]
                STATE['devices'][dc] = n + 1
        if n is None:
            out('uses', 'device_code expired_token')
            return self.err('expired_token')
        if n < int(c.get('device_pending', '1')):
            e = 'slow_down' if n == 0 and c.get('device_slow_down') == 'on' \
                else 'authorization_pending'
            out('uses', 'device_code ' + e)
            return self.err(e)
        if c.get('device_deny') == 'on':
            out('uses', 'device_code access_denied')
            return self.err('access_denied', 'the user declined')
        with LOCK:
            del STATE['devices'][dc]
        out('uses', 'device_code ok')
        return self.reply(200, issue(c))


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def get_request(self):
        sock, addr = super().get_request()
        return CTX.wrap_socket(sock, server_side=True), addr

    def handle_error(self, request, client_address):
        out('log', 'error with %s: %s' % (client_address,
                                          sys.exc_info()[1]))


def browse(url, ca, paste):
    ctx = ssl.create_default_context(cafile=ca)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a):
            return None
    op = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=ctx), NoRedirect)
    try:
        op.open(url, timeout=10)
        print('no redirect', file=sys.stderr)
        return 1
    except urllib.error.HTTPError as e:
        if e.code != 302:
            print('status %d' % e.code, file=sys.stderr)
            return 1
        loc = e.headers['Location']
    if paste:
        print(loc)
        return 0
    with urllib.request.urlopen(loc, timeout=10) as r:
        print(r.status, r.read().decode().strip())
    return 0


def main():
    global CONFIG, OUTDIR, CTX
    if sys.argv[1] == 'browse':
        return browse(sys.argv[2], sys.argv[3], len(sys.argv) > 4)
    CONFIG, OUTDIR = sys.argv[1], sys.argv[2]
    c = conf()
    CTX = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    CTX.load_cert_chain(c['cert'], c['key'])
    srv = Server(('127.0.0.1', 0), H)
    with open(os.path.join(OUTDIR, 'pid'), 'w') as f:
        f.write('%d\n' % os.getpid())
    tmp = os.path.join(OUTDIR, 'port.tmp')
    with open(tmp, 'w') as f:
        f.write('%d\n' % srv.server_address[1])
    os.replace(tmp, os.path.join(OUTDIR, 'port'))
    threading.Thread(target=expirer, daemon=True).start()
    deadline = time.time() + int(c.get('max_time', '600'))
    srv.timeout = 1
    while time.time() < deadline:
        srv.handle_request()
    return 0


if __name__ == '__main__':
    sys.exit(main())
