#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""smtpserver.py SCENARIO OUTDIR - a scripted SMTP server for the smtps tests.

Listens on 127.0.0.1, port 0 (the kernel picks a free one), plays the
scenario file SCENARIO for `connections` connections one after the other,
records the exact transcript, then exits.  Python 3 standard library only.

Files written to OUTDIR:
  pid          this process's PID (written before `port`)
  port         the TCP port (appears atomically; wait for it)
  transcript   one line per event:  "S: ..." server line, "C: ..." client
               line, "C+ ..." client line that arrived in the same recv() as
               the previous client line (pipelined), "-- ..." markers
  msg.N        message N as delivered (dot-unstuffed, without the final dot)
  msg.N.raw    message N exactly as received after DATA (dot-stuffed,
               including the terminating ".\\r\\n")
  msg.N.env    envelope of message N: the MAIL line, then one line per
               accepted RCPT
  accepted     number of connections accepted so far
  served       number of connections finished (transcript complete)
  tls          one line per TLS handshake: protocol version and cipher
  log          the server's own errors (scenario syntax, tracebacks)

The scenario format is described in tests/server/README.
"""

import base64
import hashlib
import hmac
import json
import os
import signal
import socket
import ssl
import sys
import time

# ---------------------------------------------------------------- scenario

DEFAULT_CAPS = ["PIPELINING", "SIZE 52428800", "8BITMIME", "ENHANCEDSTATUSCODES",
                "AUTH PLAIN LOGIN"]

ACTIONS = ("reply", "raw", "reply+silent", "silent", "close", "reset", "flood-line",
           "flood-lines", "trickle")


class ScenarioError(Exception):
    pass


def unescape(text):
    """Turn the scenario escapes into bytes.  Returns a list of chunks:
    `\\p` splits the text into separately written chunks (with a pause)."""
    out = [bytearray()]
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "\\" or i + 1 >= len(text):
            out[-1] += ch.encode("utf-8")
            i += 1
            continue
        nxt = text[i + 1]
        i += 2
        if nxt == "r":
            out[-1] += b"\r"
        elif nxt == "n":
            out[-1] += b"\n"
        elif nxt == "t":
            out[-1] += b"\t"
        elif nxt == "e":
            out[-1] += b"\x1b"
        elif nxt == "0":
            out[-1] += b"\x00"
        elif nxt == "s":
            out[-1] += b" "
        elif nxt == "\\":
            out[-1] += b"\\"
        elif nxt == "x":
            try:
                out[-1].append(int(text[i:i + 2], 16))
            except ValueError:
                raise ScenarioError("bad \\x escape in %r" % text)
            i += 2
        elif nxt == "p":
            out.append(bytearray())
        else:
            raise ScenarioError("unknown escape \\%s in %r" % (nxt, text))
    return [bytes(c) for c in out]


class Rule:
    def __init__(self, when, action, text):
        self.nth = None
        if "#" in when:
            when, n = when.split("#", 1)
            self.nth = int(n)
        self.arg = None
        if ":" in when:
            when, self.arg = when.split(":", 1)
            self.arg = self.arg.lower()
        self.cmd = when.upper()
        if self.cmd == "GREETING":
            self.cmd = "greeting"
        if action not in ACTIONS:
            raise ScenarioError("unknown action %r" % action)
        self.action = action
        self.text = text
        if action in ("reply", "raw", "reply+silent") and text is None:
            raise ScenarioError("action %s needs text" % action)


class Scenario:
    def __init__(self):
        self.mode = "plain"
        self.cert = None
        self.key = None
        self.starttls = None
        self.hostname = "localhost"
        self.greeting = None
        self.caps = None
        self.caps_tls = None
        self.user = None
        self.password = None
        self.tokens = []              # valid OAuth2 access tokens
        self.tokens_file = None       # more, one a line, re-read per AUTH
        self.oauth_challenge = True   # RFC 7628 error challenge
        self.oauth_status = None
        self.oauth_scope = "https://mail.example/smtp"
        self.scram_iter = 4096
        self.scram_salt = "QSXCR+Q6sek8bf92"
        self.scram_bad_signature = False  # send a wrong server signature
        self.scram_cb_mismatch = False    # as if behind a TLS relay
        self.scram_skip_final = False     # 235 without the server-final
        self.require_auth = None
        self.connections = 1
        self.port = 0
        self.idle_timeout = 20.0
        self.max_time = 180.0
        self.max_rcpts = 0
        self.max_line = 0
        self.tls_min = None
        self.tls_max = None
        self.lmtp = False
        self.unix = None              # listen on this unix socket path
        self.record_peer = False      # "-- peer ADDR" after each accept
        self.nodelay = False          # TCP_NODELAY on accepted sockets
        self.client_cert = None     # (request|require, CA file)
        self.tls_sessions = False   # one context: tickets stay valid
        self.ctx = None
        self.rules = []

    @classmethod
    def load(cls, path):
        sc = cls()
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                line = line.rstrip("\r\n")
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                parts = line.strip().split(None, 1)
                key = parts[0]
                val = parts[1] if len(parts) > 1 else ""
                try:
                    sc.set(key, val)
                except (ScenarioError, ValueError) as e:
                    raise ScenarioError("%s:%d: %s" % (path, lineno, e))
        sc.finish()
        return sc

    def set(self, key, val):
        onoff = {"on": True, "off": False}
        if key == "mode":
            if val not in ("plain", "tls"):
                raise ScenarioError("mode must be plain or tls")
            self.mode = val
        elif key == "cert":
            self.cert = val
        elif key == "key":
            self.key = val
        elif key == "starttls":
            self.starttls = onoff[val]
        elif key == "hostname":
            self.hostname = val
        elif key == "greeting":
            self.greeting = val
        elif key == "ehlo":
            self.caps = (self.caps or []) + ([val] if val else [])
        elif key == "ehlo_tls":
            self.caps_tls = (self.caps_tls or []) + ([val] if val else [])
        elif key == "user":
            self.user = val
        elif key == "password":
            self.password = val
        elif key == "scram_iter":
            self.scram_iter = int(val)
        elif key == "scram_salt":
            self.scram_salt = val
        elif key == "scram_skip_final":
            self.scram_skip_final = onoff[val]
        elif key == "scram_cb_mismatch":
            self.scram_cb_mismatch = onoff[val]
        elif key == "scram_bad_signature":
            self.scram_bad_signature = onoff[val]
        elif key == "token":
            self.tokens.append(val)
        elif key == "tokens_file":
            self.tokens_file = val
        elif key == "oauth_challenge":
            self.oauth_challenge = onoff[val]
        elif key == "oauth_status":
            self.oauth_status = val
        elif key == "oauth_scope":
            self.oauth_scope = val
        elif key == "require_auth":
            self.require_auth = onoff[val]
        elif key == "connections":
            self.connections = int(val)
        elif key == "port":
            self.port = int(val)
        elif key == "idle_timeout":
            self.idle_timeout = float(val)
        elif key == "max_time":
            self.max_time = float(val)
        elif key == "max_rcpts":
            self.max_rcpts = int(val)
        elif key == "max_line":
            self.max_line = int(val)
        elif key == "tls_min":
            self.tls_min = val
        elif key == "tls_max":
            self.tls_max = val
        elif key == "lmtp":
            self.lmtp = onoff[val]
        elif key == "unix":
            self.unix = val
        elif key == "record_peer":
            self.record_peer = onoff[val]
        elif key == "nodelay":
            self.nodelay = onoff[val]
        elif key == "client_cert":
            p = val.split(None, 1)
            if len(p) != 2 or p[0] not in ("request", "require"):
                raise ScenarioError("client_cert request|require CAFILE")
            self.client_cert = (p[0], p[1])
        elif key == "tls_sessions":
            self.tls_sessions = onoff[val]
        elif key == "on":
            p = val.split(None, 2)
            if len(p) < 2:
                raise ScenarioError("on WHEN ACTION [TEXT]")
            self.rules.append(Rule(p[0], p[1], p[2] if len(p) > 2 else None))
        else:
            raise ScenarioError("unknown keyword %r" % key)

    def finish(self):
        if self.caps is None:
            self.caps = list(DEFAULT_CAPS)
        if self.caps_tls is None:
            self.caps_tls = list(self.caps)
        if self.starttls is None:
            self.starttls = self.mode == "plain" and self.cert is not None
        if self.require_auth is None:
            self.require_auth = self.user is not None
        if self.greeting is None:
            self.greeting = "220 %s ESMTP smtps-test" % self.hostname
        if (self.mode == "tls" or self.starttls) and not (self.cert and self.key):
            raise ScenarioError("TLS needs cert and key")

    def rule(self, cmd, arg, count):
        for r in self.rules:
            if r.cmd != cmd:
                continue
            if r.arg is not None and r.arg != (arg or "").lower():
                continue
            if r.nth is not None and r.nth != count:
                continue
            return r
        return None


# ------------------------------------------------- tls-exporter (RFC 9266)

def tls_exporter(sock):
    """RFC 9266 channel binding of a server-side ssl.SSLSocket: 32 bytes
    of the TLS exporter, label "EXPORTER-Channel-Binding", empty context.
    Python 3.11's ssl module cannot export keying material, so this calls
    OpenSSL's SSL_export_keying_material through ctypes on the SSL* that
    the _ssl._SSLSocket object holds right after its PyObject header and
    its socket weakref.  The pointer is checked (SSL_get_version must
    equal sock.version()) before use; a mismatch raises, so a changed
    layout fails the test instead of binding to garbage."""
    import ctypes
    lib = ctypes.CDLL("libssl.so.3")
    lib.SSL_get_version.restype = ctypes.c_char_p
    lib.SSL_get_version.argtypes = [ctypes.c_void_p]
    lib.SSL_export_keying_material.argtypes = [
        ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p,
        ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
    obj = sock._sslobj
    ptr = ctypes.c_void_p.from_address(
        id(obj) + 3 * ctypes.sizeof(ctypes.c_void_p)).value
    if not ptr or lib.SSL_get_version(ptr).decode() != sock.version():
        raise RuntimeError("cannot find the SSL* of this socket")
    out = ctypes.create_string_buffer(32)
    label = b"EXPORTER-Channel-Binding"
    if lib.SSL_export_keying_material(ptr, out, 32, label, len(label),
                                      b"", 0, 1) != 1:
        raise RuntimeError("SSL_export_keying_material failed")
    return out.raw


# --------------------------------------------------------------- recording

SUBJ_NAMES = {"commonName": "CN", "organizationName": "O"}


def visible(b):
    """Bytes as a printable line: control and 8-bit bytes escaped."""
    out = []
    for c in b:
        if c == 0x5c:
            out.append("\\\\")
        elif 0x20 <= c < 0x7f:
            out.append(chr(c))
        elif c == 0x0d:
            out.append("\\r")
        elif c == 0x0a:
            out.append("\\n")
        elif c == 0x09:
            out.append("\\t")
        else:
            out.append("\\x%02x" % c)
    return "".join(out)


class Recorder:
    def __init__(self, outdir):
        self.outdir = outdir
        self.f = open(os.path.join(outdir, "transcript"), "a", encoding="utf-8")
        self.nmsg = 0

    def line(self, text):
        self.f.write(text + "\n")
        self.f.flush()

    def message(self, raw, envelope, dotted=True):
        self.nmsg += 1
        n = self.nmsg
        base = os.path.join(self.outdir, "msg.%d" % n)
        with open(base + ".raw", "wb") as f:
            f.write(raw)
        with open(base, "wb") as f:
            f.write(undot(raw) if dotted else raw)
        with open(base + ".env", "w", encoding="utf-8") as f:
            for e in envelope:
                f.write(visible(e) + "\n")
        return n


def undot(raw):
    """Dot-stuffed data ending in CRLF.CRLF (or just .CRLF when empty) ->
    the message: terminator removed, one leading dot removed per line."""
    if raw == b".\r\n":
        return b""
    assert raw.endswith(b"\r\n.\r\n")
    body = raw[:-3]
    return (b"\r\n" + body).replace(b"\r\n.", b"\r\n")[2:]


# ---------------------------------------------------------------- session

class AuthAborted(Exception):
    """The client answered a challenge with "*"."""


class Closed(Exception):
    """The connection is over; the transcript has its marker."""


class Session:
    def __init__(self, sc, sock, rec, counts):
        self.sc = sc
        self.sock = sock
        self.rec = rec
        self.counts = counts          # per server lifetime: CMD -> count
        self.buf = b""
        self.first_in_chunk = True    # next line is the first of a recv()
        self.tls = False
        self.caps = sc.caps
        self.ehlo_done = False
        self.authed = False
        self.reset_tx()
        sock.settimeout(sc.idle_timeout)

    def reset_tx(self):
        self.mail = None
        self.rcpts = []
        self.chunks = b""

    # -- low level
    def send(self, data, note=None):
        try:
            self.sock.sendall(data)
        except (OSError, ssl.SSLError) as e:
            self.rec.line("-- error: send: %s" % e)
            raise Closed()

    def recv(self):
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            self.rec.line("-- timeout")
            raise Closed()
        except (OSError, ssl.SSLError) as e:
            self.rec.line("-- error: recv: %s" % e)
            raise Closed()
        if not data:
            if self.buf:
                self.rec.line("C: %s [no CRLF]" % visible(self.buf))
                self.buf = b""
            self.rec.line("-- EOF")
            raise Closed()
        return data

    def readline(self):
        """Next client line without CRLF; marks pipelined lines."""
        while b"\n" not in self.buf:
            self.buf += self.recv()
            self.first_in_chunk = True
            if len(self.buf) > 1 << 20:
                self.rec.line("C: %s... [line too long]" % visible(self.buf[:200]))
                raise Closed()
        line, self.buf = self.buf.split(b"\n", 1)
        bare = not line.endswith(b"\r")
        if not bare:
            line = line[:-1]
        tag = "C:" if self.first_in_chunk else "C+"
        self.first_in_chunk = False
        self.rec.line("%s %s%s" % (tag, visible(line), " [bare LF]" if bare else ""))
        return line

    def reply_lines(self, lines):
        data = b""
        for ln in lines:
            self.rec.line("S: " + visible(ln))
            data += ln + b"\r\n"
        self.send(data)

    def reply(self, text):
        self.reply_lines([l.encode() for l in text.split("\n")])

    # -- scenario actions
    def act(self, cmd, arg, default):
        """Answer a command: the matching rule's action, else `default`
        (a string, lines separated by \\n).  Returns the reply bytes sent
        (for code checks), or raises Closed."""
        self.counts[cmd] = self.counts.get(cmd, 0) + 1
        r = self.sc.rule(cmd, arg, self.counts[cmd])
        if r is None:
            self.reply(default)
            return default.encode()
        code = default[:3].encode()
        if r.action == "reply":
            chunks = unescape(r.text)
            lines = b"".join(chunks).split(b"\n")
            self.reply_lines(lines)
            return b"\n".join(lines)
        if r.action == "raw":
            chunks = unescape(r.text)
            for i, c in enumerate(chunks):
                if i:
                    time.sleep(0.3)
                self.rec.line("S: [raw] " + visible(c))
                self.send(c)
            return b"".join(chunks)
        if r.action == "reply+silent":
            self.reply_lines(b"".join(unescape(r.text)).split(b"\n"))
            self.rec.line("-- silent")
            self.drain()
        if r.action == "silent":
            self.rec.line("-- silent")
            self.drain()
        if r.action == "close":
            self.rec.line("-- close")
            self.sock.close()
            raise Closed()
        if r.action == "reset":
            self.rec.line("-- reset")
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                 b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.sock.close()
            raise Closed()
        if r.action == "flood-line":
            self.rec.line("S: [flood-line]")
            self.send(code + b" ")
            chunk = b"x" * 65536
            while True:
                self.send(chunk)
        if r.action == "flood-lines":
            self.rec.line("S: [flood-lines]")
            chunk = (code + b"-flood flood flood flood\r\n") * 2000
            while True:
                self.send(chunk)
        if r.action == "trickle":
            self.rec.line("S: [trickle]")
            while True:
                self.send(code + b"-still thinking\r\n")
                time.sleep(0.5)
        raise AssertionError("unreachable")

    def drain(self):
        """Say nothing; record whatever the client sends until it goes."""
        while True:
            self.readline()

    # -- TLS
    def start_tls(self):
        ctx = self.sc.ctx or self.make_ctx()
        try:
            self.sock = ctx.wrap_socket(self.sock, server_side=True)
        except socket.timeout:
            self.rec.line("-- TLS failed: timeout")
            raise Closed()
        except (OSError, ssl.SSLError) as e:
            self.rec.line("-- TLS failed: %s" % e)
            raise Closed()
        self.rec.line("-- TLS")
        self.record_tls_extras()
        self.tls_ready()

    def record_tls_extras(self):
        """client_cert and tls_sessions scenarios: what the client did"""
        if self.sc.client_cert:
            cert = self.sock.getpeercert()
            subj = ",".join("%s=%s" % (SUBJ_NAMES.get(k, k), v)
                            for rdn in (cert or {}).get("subject", ())
                            for k, v in rdn)
            self.rec.line("-- TLS client certificate: %s" % (subj or "none"))
        if self.sc.tls_sessions:
            self.rec.line("-- TLS session %s" % (
                "reused" if self.sock.session_reused else "new"))

    def make_ctx(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        # allow serving deliberately weak certificates (RSA-1024, SHA-1)
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        # a client that closes without close_notify after QUIT is fine: EOF
        ctx.options |= getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)
        vers = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1,
                "1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}
        if self.sc.tls_min:
            ctx.minimum_version = vers[self.sc.tls_min]
        if self.sc.tls_max:
            ctx.maximum_version = vers[self.sc.tls_max]
        ctx.load_cert_chain(self.sc.cert, self.sc.key)
        if self.sc.client_cert:
            ctx.verify_mode = (ssl.CERT_REQUIRED if self.sc.client_cert[0]
                               == "require" else ssl.CERT_OPTIONAL)
            ctx.load_verify_locations(self.sc.client_cert[1])
        if self.sc.tls_sessions:
            self.sc.ctx = ctx
        return ctx

    def tls_ready(self):
        with open(os.path.join(self.rec.outdir, "tls"), "a") as f:
            f.write("%s %s\n" % (self.sock.version(), self.sock.cipher()[0]))
        self.tls = True
        self.caps = self.sc.caps_tls
        self.ehlo_done = False
        self.authed = False
        self.buf = b""
        self.first_in_chunk = True
        self.reset_tx()

    def offered(self):
        caps = list(self.caps)
        if self.sc.starttls and not self.tls:
            caps.append("STARTTLS")
        return caps

    def cap(self, name):
        for c in self.offered():
            w = c.split()
            if w and w[0].upper() == name:
                return w[1:]
        return None

    # -- the conversation
    def run(self):
        if self.sc.mode == "tls":
            self.start_tls()
        self.act("greeting", None, self.sc.greeting)
        while True:
            line = self.readline()
            word, _, rest = line.partition(b" ")
            cmd = word.decode("latin-1").upper()
            handler = getattr(self, "do_" + cmd, None) if cmd.isalpha() else None
            if handler is None:
                self.act("UNKNOWN", None, "500 5.5.2 Error: command not recognized")
                continue
            handler(rest)

    def do_EHLO(self, arg):
        if self.sc.lmtp:
            self.act("EHLO", None, "500 5.5.1 Error: this is LMTP, say LHLO")
            return
        self.hello("EHLO")

    def do_LHLO(self, arg):
        """LMTP (RFC 2033): LHLO replaces EHLO (scenario `lmtp on`)."""
        if not self.sc.lmtp:
            self.act("UNKNOWN", None, "500 5.5.2 Error: command not recognized")
            return
        self.hello("LHLO")

    def hello(self, cmd):
        lines = [self.sc.hostname] + self.offered()
        text = "\n".join("250%s%s" % ("-" if i < len(lines) - 1 else " ", l)
                         for i, l in enumerate(lines))
        if self.act(cmd, None, text).startswith(b"250"):
            self.ehlo_done = True
            self.reset_tx()

    def do_HELO(self, arg):
        if self.act("HELO", None, "250 " + self.sc.hostname).startswith(b"250"):
            self.ehlo_done = True
            self.reset_tx()

    def do_STARTTLS(self, arg):
        if self.tls or not self.sc.starttls:
            self.act("STARTTLS", None, "502 5.5.1 Error: command not implemented")
            return
        if self.act("STARTTLS", None, "220 2.0.0 Ready to start TLS").startswith(b"220"):
            self.start_tls()

    def do_AUTH(self, arg):
        mechs = [m.upper() for m in (self.cap("AUTH") or [])]
        words = arg.split()
        mech = words[0].decode("latin-1").upper() if words else ""
        ir = words[1] if len(words) > 1 else None
        if not mechs:
            self.act("AUTH", None, "503 5.5.1 Error: authentication not enabled")
            return
        if self.authed:
            self.act("AUTH", None, "503 5.5.1 Error: already authenticated")
            return
        check = getattr(self, "auth_" + mech.replace("-", "_"), None)
        if mech not in mechs or check is None:
            self.act("AUTH", None, "504 5.5.4 Unsupported authentication mechanism")
            return
        try:
            ok = check(ir)
        except AuthAborted:
            self.act("AUTH", None, "501 5.7.0 Authentication aborted")
            return
        except (ValueError, KeyError, IndexError) as e:
            self.rec.line("-- AUTH %s: bad response: %s" % (mech, e))
            self.act("AUTH", None, "501 5.5.2 Cannot decode response")
            return
        default = ("235 2.7.0 Authentication successful" if ok else
                   "535 5.7.8 Error: authentication failed")
        if self.act("AUTH", None, default).startswith(b"235"):
            self.authed = True

    def challenge(self, data):
        """Send 334 with base64(data) (data "" = "334 "); the client's
        answer decoded.  "*" aborts (RFC 4954)."""
        self.reply("334 " + base64.b64encode(data).decode())
        line = self.readline()
        if line == b"*":
            raise AuthAborted()
        return base64.b64decode(line, validate=True)

    def user_pass_ok(self, user, pw):
        return (self.sc.user is not None and user == self.sc.user.encode()
                and pw == (self.sc.password or "").encode())

    def auth_PLAIN(self, ir):
        if ir is None:
            self.reply("334 ")
            ir = self.readline()
        if ir == b"*":
            raise AuthAborted()
        parts = base64.b64decode(ir, validate=True).split(b"\0")
        if len(parts) != 3:
            raise ValueError("PLAIN needs three parts")
        return self.user_pass_ok(parts[1], parts[2])

    def auth_LOGIN(self, ir):
        if ir is None:
            user = self.challenge(b"Username:")
        else:
            user = base64.b64decode(ir, validate=True)
        return self.user_pass_ok(user, self.challenge(b"Password:"))

    def auth_CRAM_MD5(self, ir):
        if ir is not None:
            raise ValueError("CRAM-MD5 has no initial response")
        chal = ("<%d.%d@%s>" % (os.getpid(), time.time(), self.sc.hostname)).encode()
        user, _, digest = self.challenge(chal).rpartition(b" ")
        want = hmac.new((self.sc.password or "").encode(), chal, "md5").hexdigest()
        return self.user_pass_ok(user, (self.sc.password or "").encode()) \
            if hmac.compare_digest(digest, want.encode()) else False

    def auth_EXTERNAL(self, ir):
        authzid = self.challenge(b"") if ir is None else (
            b"" if ir == b"=" else base64.b64decode(ir, validate=True))
        cert = self.sock.getpeercert() if self.tls else None
        self.rec.line("-- EXTERNAL: authzid %r, client certificate %s" % (
            authzid.decode("latin-1"), "yes" if cert else "none"))
        return bool(cert) and authzid in (b"", (self.sc.user or "").encode())

    # -- SCRAM (RFC 5802, 7677), server side, with channel binding
    def channel_binding(self, cbtype):
        """The TLS channel binding data of this connection, or None."""
        if not self.tls:
            return None
        if cbtype == "tls-unique":
            return self.sock.get_channel_binding("tls-unique")
        if cbtype == "tls-exporter" and self.sock.version() == "TLSv1.3":
            return tls_exporter(self.sock)
        return None

    def scram(self, ir, hname, plus):
        h = getattr(hashlib, hname)
        mech = "SCRAM-%s%s" % (hname.upper().replace("SHA", "SHA-"),
                               "-PLUS" if plus else "")
        first = (self.challenge(b"") if ir is None else
                 base64.b64decode(ir, validate=True)).decode("utf-8")
        cbflag, authzid, bare = first.split(",", 2)
        attrs = dict(a.split("=", 1) for a in bare.split(","))
        user = attrs["n"].replace("=2C", ",").replace("=3D", "=")
        cnonce = attrs["r"]
        cbtype = cbflag[2:] if cbflag.startswith("p=") else None
        self.rec.line("-- %s: user %s, gs2 %s" % (mech, user, cbflag))
        if plus != (cbtype is not None):
            raise ValueError("gs2 header %s with %s" % (cbflag, mech))
        if cbflag == "y" and any(m.endswith("-PLUS") for m in
                                 (self.cap("AUTH") or [])):
            self.rec.line("-- %s: client says y but -PLUS is offered (downgrade)" % mech)
            return False
        cb = self.channel_binding(cbtype) if cbtype else b""
        if cb and self.sc.scram_cb_mismatch:
            cb = bytes([cb[0] ^ 1]) + cb[1:]     # another TLS session's
        if cb is None:
            self.rec.line("-- %s: channel binding %s not available" % (mech, cbtype))
            return False
        salt = base64.b64decode(self.sc.scram_salt)
        it = self.sc.scram_iter
        snonce = cnonce + "srvNonce%d" % os.getpid()
        sfirst = "r=%s,s=%s,i=%d" % (snonce, self.sc.scram_salt, it)
        final = self.challenge(sfirst.encode()).decode("utf-8")
        without, _, proof = final.rpartition(",p=")
        fa = dict(a.split("=", 1) for a in without.split(","))
        want_c = base64.b64encode((cbflag + "," + authzid + ",").encode() + cb).decode()
        salted = hashlib.pbkdf2_hmac(hname, (self.sc.password or "").encode(), salt, it)
        ckey = hmac.new(salted, b"Client Key", hname).digest()
        authmsg = ("%s,%s,%s" % (bare, sfirst, without)).encode()
        csig = hmac.new(h(ckey).digest(), authmsg, hname).digest()
        got = bytes(a ^ b for a, b in zip(base64.b64decode(proof), csig))
        ok = (user == (self.sc.user or "") and fa.get("r") == snonce and
              fa.get("c") == want_c and h(got).digest() == h(ckey).digest())
        self.rec.line("-- %s: channel binding %s, proof %s" % (
            mech, "ok" if fa.get("c") == want_c else "WRONG",
            "valid" if ok else "invalid"))
        if not ok:
            return False
        skey = hmac.new(salted, b"Server Key", hname).digest()
        ssig = hmac.new(skey, authmsg, hname).digest()
        if self.sc.scram_bad_signature:
            ssig = bytes([ssig[0] ^ 1]) + ssig[1:]
        if self.sc.scram_skip_final:
            return True                     # 235 without proving itself
        if self.challenge(b"v=" + base64.b64encode(ssig)) != b"":
            raise ValueError("non-empty response to the server-final message")
        return True

    def auth_SCRAM_SHA_1(self, ir):
        return self.scram(ir, "sha1", False)

    def auth_SCRAM_SHA_256(self, ir):
        return self.scram(ir, "sha256", False)

    def auth_SCRAM_SHA_1_PLUS(self, ir):
        return self.scram(ir, "sha1", True)

    def auth_SCRAM_SHA_256_PLUS(self, ir):
        return self.scram(ir, "sha256", True)

    def valid_tokens(self):
        """The scenario's tokens plus the tokens file, re-read each time
        (a test's identity provider writes the valid tokens there)."""
        toks = list(self.sc.tokens)
        if self.sc.tokens_file:
            try:
                with open(self.sc.tokens_file, encoding="utf-8") as f:
                    toks += [l.strip() for l in f if l.strip()]
            except OSError:
                pass
        return toks

    def oauth_check(self, mech, user, token):
        """A rejected token gets the RFC 7628 error challenge (unless
        oauth_challenge off) and the dummy response is checked."""
        ok = user == (self.sc.user or "") and token in self.valid_tokens()
        self.rec.line("-- %s: user %s, token %s" % (
            mech, user, "valid" if ok else "rejected"))
        if ok or not self.sc.oauth_challenge:
            return ok
        err = {"status": self.sc.oauth_status or (
            "invalid_token" if mech == "OAUTHBEARER" else "401")}
        if mech == "XOAUTH2":
            err["schemes"] = "bearer"
        err["scope"] = self.sc.oauth_scope
        dummy = self.challenge(json.dumps(err).encode())
        want = b"\x01" if mech == "OAUTHBEARER" else b""
        if dummy != want:
            self.rec.line("-- %s: wrong dummy response %r" % (mech, dummy))
        return False

    def auth_XOAUTH2(self, ir):
        raw = self.challenge(b"") if ir is None else base64.b64decode(ir, validate=True)
        f = raw.decode("utf-8").split("\x01")
        if len(f) != 4 or f[2:] != ["", ""] or not f[0].startswith("user=") \
                or not f[1].startswith("auth=Bearer "):
            raise ValueError("not user=U^Aauth=Bearer T^A^A")
        return self.oauth_check("XOAUTH2", f[0][5:], f[1][12:])

    def auth_OAUTHBEARER(self, ir):
        raw = self.challenge(b"") if ir is None else base64.b64decode(ir, validate=True)
        gs2, sep, rest = raw.decode("utf-8").partition(",\x01")
        h = gs2.split(",")
        if not sep or len(h) != 2 or h[0] != "n" or not h[1].startswith("a=") \
                or not rest.endswith("\x01\x01"):
            raise ValueError("not n,a=U,^A...^A^A")
        user = h[1][2:].replace("=2C", ",").replace("=3D", "=")
        kv = dict(x.split("=", 1) for x in rest[:-2].split("\x01"))
        if not kv.get("auth", "").startswith("Bearer "):
            raise ValueError("no auth=Bearer")
        self.rec.line("-- OAUTHBEARER: host=%s port=%s" % (kv.get("host"), kv.get("port")))
        return self.oauth_check("OAUTHBEARER", user, kv["auth"][7:])

    def do_MAIL(self, arg):
        if not arg.upper().startswith(b"FROM:<") or b">" not in arg:
            self.act("MAIL", None, "501 5.5.4 Syntax: MAIL FROM:<address>")
            return
        addr, _, params = arg[6:].partition(b">")
        default = "250 2.1.0 Ok"
        if not self.ehlo_done:
            default = "503 5.5.1 Error: send HELO/EHLO first"
        elif self.mail is not None:
            default = "503 5.5.1 Error: nested MAIL command"
        elif self.sc.require_auth and not self.authed:
            default = "530 5.7.0 Authentication required"
        else:
            limit = self.cap("SIZE")
            for p in params.split():
                if p.upper().startswith(b"SIZE=") and limit:
                    if int(limit[0]) and int(p[5:]) > int(limit[0]):
                        default = "552 5.3.4 Message size exceeds fixed limit"
        if self.act("MAIL", addr.decode("latin-1"), default).startswith(b"250"):
            self.mail = b"MAIL FROM:" + arg[5:]

    def do_RCPT(self, arg):
        if not arg.upper().startswith(b"TO:<") or b">" not in arg:
            self.act("RCPT", None, "501 5.5.4 Syntax: RCPT TO:<address>")
            return
        addr = arg[4:].partition(b">")[0]
        default = "250 2.1.5 Ok"
        if self.mail is None:
            default = "503 5.5.1 Error: need MAIL command"
        elif self.sc.max_rcpts and len(self.rcpts) >= self.sc.max_rcpts:
            default = "452 4.5.3 Error: too many recipients"
        if self.act("RCPT", addr.decode("latin-1"), default).startswith(b"250"):
            self.rcpts.append(b"RCPT TO:" + arg[3:])

    def do_DATA(self, arg):
        if self.mail is None:
            default = "503 5.5.1 Error: need MAIL command"
        elif not self.rcpts:
            default = "554 5.5.1 Error: no valid recipients"
        else:
            default = "354 End data with <CR><LF>.<CR><LF>"
        if not self.act("DATA", None, default).startswith(b"354"):
            return
        raw = self.read_data()
        n = self.rec.message(raw, [self.mail] + self.rcpts)
        self.rec.line("-- message %d: %d bytes" % (n, len(undot(raw))))
        self.rec.line("C: .")
        ok = "250 2.0.0 Ok: queued as %d" % n
        if self.sc.max_line:
            # RFC 5321 4.5.3.1.6: octets of a line, CRLF included
            longest = max(len(x) + 2 for x in raw.split(b"\r\n"))
            self.rec.line("-- longest line: %d octets" % longest)
            if longest > self.sc.max_line:
                ok = "500 5.5.2 Line too long"
        if not self.sc.lmtp:
            self.act("DOT", None, ok)
        # LMTP: one reply per accepted recipient, in order; rules
        # "on DOT:ADDR ..." script each one
        for r in self.rcpts if self.sc.lmtp else []:
            to = r.split(b"<", 1)[1].partition(b">")[0].decode("latin-1")
            self.act("DOT", to, "250 2.0.0 <%s> Ok: delivered as %d" % (to, n))
        self.reset_tx()

    def do_BDAT(self, arg):
        """RFC 3030: BDAT size [LAST]; the chunk is read whatever the
        reply, so the session stays in step."""
        w = arg.split()
        try:
            size = int(w[0])
            last = len(w) == 2 and w[1].upper() == b"LAST"
            assert len(w) == 1 or last
        except (ValueError, IndexError, AssertionError):
            self.act("BDAT", None, "501 5.5.4 Syntax: BDAT size [LAST]")
            return
        data = bytearray(self.buf)
        while len(data) < size:
            try:
                chunk = self.sock.recv(1 << 20)
            except (OSError, ssl.SSLError, socket.timeout) as e:
                self.rec.line("-- error in BDAT after %d bytes: %s" % (len(data), e))
                raise Closed()
            if not chunk:
                self.rec.line("-- EOF in BDAT after %d bytes" % len(data))
                raise Closed()
            data += chunk
        self.buf = bytes(data[size:])
        self.first_in_chunk = not self.buf
        self.rec.line("-- chunk: %d bytes%s" % (size, " LAST" if last else ""))
        if self.mail is None:
            self.act("BDAT", None, "503 5.5.1 Error: need MAIL command")
            return
        if not self.rcpts:
            self.act("BDAT", None, "554 5.5.1 Error: no valid recipients")
            self.reset_tx()
            return
        self.chunks = getattr(self, "chunks", b"") + bytes(data[:size])
        if not last:
            self.act("BDAT", None, "250 2.0.0 %d bytes ok" % size)
            return
        raw, self.chunks = self.chunks, b""
        n = self.rec.message(raw, [self.mail] + self.rcpts, dotted=False)
        self.rec.line("-- message %d: %d bytes" % (n, len(raw)))
        self.act("BDAT", None, "250 2.0.0 Ok: queued as %d" % n)
        self.reset_tx()

    def read_data(self):
        """Bytes up to and including the CRLF.CRLF terminator (the CRLF
        that ended the DATA line counts as the first CRLF)."""
        data = bytearray(self.buf)
        self.buf = b""
        start = 0
        while True:
            if data.startswith(b".\r\n"):
                end = 3
                break
            i = data.find(b"\r\n.\r\n", max(0, start - 4))
            if i >= 0:
                end = i + 5
                break
            start = len(data)
            try:
                chunk = self.sock.recv(1 << 20)
            except socket.timeout:
                self.rec.line("-- timeout in DATA after %d bytes" % len(data))
                raise Closed()
            except (OSError, ssl.SSLError) as e:
                self.rec.line("-- error in DATA after %d bytes: %s" % (len(data), e))
                raise Closed()
            if not chunk:
                self.rec.line("-- EOF in DATA after %d bytes" % len(data))
                raise Closed()
            data += chunk
        self.buf = bytes(data[end:])
        # bytes after the final dot that came with it were pipelined
        self.first_in_chunk = not self.buf
        return bytes(data[:end])

    def do_RSET(self, arg):
        self.act("RSET", None, "250 2.0.0 Ok")
        self.reset_tx()

    def do_NOOP(self, arg):
        self.act("NOOP", None, "250 2.0.0 Ok")

    def do_QUIT(self, arg):
        self.act("QUIT", None, "221 2.0.0 Bye")
        # let the client close first, so its last bytes are recorded
        self.sock.settimeout(3)
        while True:
            self.readline()


# ------------------------------------------------------------------ main

def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: smtpserver.py SCENARIO OUTDIR\n")
        return 64
    scenario, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    logf = open(os.path.join(outdir, "log"), "a")
    try:
        sc = Scenario.load(scenario)
    except (OSError, ScenarioError) as e:
        logf.write("scenario: %s\n" % e)
        sys.stderr.write("smtpserver: %s\n" % e)
        return 78

    def give_up(signum, frame):
        raise SystemExit(3)
    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(int(sc.max_time))
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)

    if sc.unix:
        # `unix PATH`: no TCP at all; the port file says 0
        ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        ls.bind(sc.unix)
    else:
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if sc.port:
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", sc.port))
    ls.listen(8)
    write_atomic(os.path.join(outdir, "pid"), "%d\n" % os.getpid())
    write_atomic(os.path.join(outdir, "port"), "%d\n" %
                 (0 if sc.unix else ls.getsockname()[1]))

    rec = Recorder(outdir)
    counts = {}
    try:
        for n in range(1, sc.connections + 1):
            conn, peer = ls.accept()
            write_atomic(os.path.join(outdir, "accepted"), "%d\n" % n)
            if sc.nodelay and not sc.unix:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if sc.record_peer:
                rec.line("-- peer %s" % (peer[0] if peer else "unix"))
            sess = Session(sc, conn, rec, counts)
            try:
                sess.run()
            except Closed:
                pass
            except Exception:
                import traceback
                traceback.print_exc(file=logf)
                rec.line("-- server error (see log)")
            finally:
                for s in (sess.sock, conn):
                    try:
                        s.close()
                    except OSError:
                        pass
                write_atomic(os.path.join(outdir, "served"), "%d\n" % n)
    except SystemExit:
        rec.line("-- max_time reached")
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
