#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""introspect.py DIR - the OAuth2 token check behind the SASL Dovecot.

A loopback HTTP server (127.0.0.1, a port the kernel picks) that Dovecot's
oauth2 passdb asks about each XOAUTH2/OAUTHBEARER token (introspection_mode
= auth: GET / with "Authorization: Bearer TOKEN").  DIR/tokens holds the
valid access tokens, one a line, re-read on every request; a valid one gets
200 {"username": "alice", "active": "true"}, any other "active": "false"
(Dovecot 2.3 reads a 401 as a temporary failure of the check).  Writes
DIR/pid, then DIR/port (atomically); every request is logged to DIR/log as
"valid" or "rejected" (never the token).  Standard library only; stopped
by its PID (servers.sh stop).
"""
import http.server
import json
import os
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else None
        try:
            with open(os.path.join(DIR, "tokens"), encoding="utf-8") as f:
                valid = {l.strip() for l in f if l.strip()}
        except OSError:
            valid = set()
        ok = token is not None and token in valid
        with open(os.path.join(DIR, "log"), "a") as f:
            f.write("%s\n" % ("valid" if ok else "rejected"))
        # Dovecot 2.3 reads a 401 as a failure of the check itself (454
        # temporary); an inactive token is how it learns "not valid"
        body = json.dumps({"username": "alice",
                           "active": "true" if ok else "false"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


def main():
    global DIR
    DIR = sys.argv[1]
    srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    with open(os.path.join(DIR, "pid"), "w") as f:
        f.write("%d\n" % os.getpid())
    with open(os.path.join(DIR, "port.tmp"), "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
    srv.serve_forever()


if __name__ == "__main__":
    main()
