#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""msgdiff.py - differential test of smtps's message path (hostile-input hardening).

    python3 tests/msgdiff.py --smtps ./smtps [--count N] [--seed S]
                             [--lanes L] [--keep DIR] [-v]

Generates a corpus of messages from a fixed seed (nothing is downloaded):
cron mail, mailx output (with and without headers), git format-patch
files (mbox "From " line), MIME multipart messages with attachments,
resent messages, obsolete header syntax (white space before the colon,
whitespace-only continuation lines), random header soups with folding,
8-bit text, dot lines and "From " lines in bodies, messages with NUL
bytes; each in one of the line-end styles LF, CRLF, CR only, CR CR LF
(a CRLF converted twice), or a random mix per line, some without a final
line end.

Each message is piped into the real smtps binary (`smtps -C CFG
[--read-envelope-from] [-t] [RCPT]`), which delivers it to the scripted
loopback server
(tests/server/smtpserver.py, one server per lane, lanes run in
parallel).  What the server recorded (msg.N, msg.N.raw, msg.N.env) is
compared with what Python's `email` package (the reference parser, not
smtps's rules) reads from the input: every header field (name, value,
folding) in order, the body byte for byte, with -t the recipients
(email.utils.getaddresses), with --read-envelope-from the envelope sender
(the address of the first From or Resent-From field, as msmtp does
since 1.8.26: that path finds the header block on its own).  Exit 0 when every message agrees; else 1
with the first differences.

The expected message is the reference parse after the DOCUMENTED
decisions below (man/smtps.1 "Message handling"; src/hdr.h, src/msg.h).
The summary line counts how many messages each decision touched; any
difference not explained by one of them is a failure.
"""

import argparse
import email.parser
import email.policy
import email.utils
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time

# The documented decisions, applied to the reference parse.
DECISIONS = {
    "D1": "line ends: CRLF, bare CR and bare LF each end a line and are "
          "delivered as CRLF; a final line end is added when missing",
    "D2": "a first line starting with 'From ' (mbox separator, git "
          "format-patch) is dropped when it has a line end and is not a "
          "field ('From : x', D4; Python takes both for the separator)",
    "D3": "the header block ends at the first empty line or at the first "
          "line that is neither a field ('name WSP* :') nor a continuation "
          "line; that line starts the body (Python instead drops a "
          "misplaced 'From ' line, accepts an empty name ':' and skips a "
          "leading continuation line: input starting with white space is "
          "all body for smtps)",
    "D4": "obsolete syntax 'Name WSP :' (RFC 5322 4.5) is the field Name, "
          "written 'Name:'",
    "D5": "Bcc and Resent-Bcc fields are removed",
    "D6": "Date, Message-ID and From are added when missing, in that "
          "order, after the existing fields",
    "D7": "-t: recipients from To/Cc/Bcc, or from Resent-To/Cc/Bcc only "
          "when the message has a Resent- field",
    "D8": "a NUL byte in the header block or the body refuses the message "
          "(exit 65, nothing sent); in the body the error names the line",
    "D9": "CR CR LF (a CRLF converted twice) is ONE line end, in the header "
          "block and the body, as in Postfix and sendmail (Python reads a "
          "bare CR and a CRLF: two, so an empty line, the end of the header "
          "block, where there is none)",
    "D10": "local mail: a bare name in To/Cc/Bcc goes where the envelope "
           "sends it (here: no aliases, no domain, mailname_file off: the "
           "admin address, the account's from); a From whose address is a "
           "bare name is the account's from with the name kept: 'root (Cron "
           "Daemon)' -> '\"Cron Daemon (root)\" <alice@example.org>'",
}

# D10: the bare-name fields the corpus makes (cron's), as smtps writes them
LOCAL = {("from", b"root (Cron Daemon)"):
         b'"Cron Daemon (root)" <alice@example.org>',
         ("to", b"root"): b"alice@example.org"}

FIELD_RE = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)([ \t]*):")
LINE_RE = re.compile(rb"([^\r\n]*)(\r\r\n|\r\n|\r|\n|$)")     # D9 first
EOL_RE = re.compile(rb"\r\r\n|\r\n|\r|\n")
RESENT = {"resent-date", "resent-from", "resent-sender", "resent-to",
          "resent-cc", "resent-bcc", "resent-message-id", "resent-reply-to"}

# --------------------------------------------------------------- corpus


class Gen:
    """Deterministic message generator: gen(i) -> (kind, bytes, args)."""

    WORDS = ("alpha beta gamma delta report backup disk usage ok failed "
             "error warning cron job nightly weekly patch fix update the of "
             "to and in for on with").split()
    UTF8 = ("café", "naïve", "Jörg", "Ærøskøbing", "日本語", "Ελληνικά",
            "emoji 😀", "Straße")
    NAMES = ("Subject", "X-Mailer", "Reply-To", "In-Reply-To", "References",
             "Keywords", "Comments", "X-Priority", "Organization",
             "User-Agent", "List-Id", "Precedence", "Auto-Submitted",
             "MIME-Version", "Content-Type", "Content-Transfer-Encoding")

    def __init__(self, seed):
        self.seed = seed

    def r(self, i):
        return random.Random("%s-%d" % (self.seed, i))

    def addr(self, r, form=None):
        u = "%s%d" % (r.choice(("bob", "carol", "dave", "erin", "frank")),
                      r.randrange(50))
        a = "%s@%s" % (u, r.choice(("example.net", "Example.NET",
                                     "mail.example.com")))
        form = form if form is not None else r.randrange(6)
        if form == 1:
            return "%s %s <%s>" % (u.capitalize(), r.choice(("Doe", "Roe")), a)
        if form == 2:
            return '"%s, %s" <%s>' % (r.choice(("Doe", "Roe")),
                                       u.capitalize(), a)
        if form == 3:
            return "%s (%s)" % (a, r.choice(("the boss", "home", "x, y")))
        if form == 4:
            return "<%s>" % a
        return a

    def addrs(self, r, n=None):
        n = n if n is not None else r.randint(1, 3)
        return ", ".join(self.addr(r) for _ in range(n))

    def words(self, r, n):
        return " ".join(r.choice(self.WORDS) for _ in range(n))

    def value(self, r):
        k = r.randrange(10)
        if k == 0:
            return r.choice(self.UTF8) + " " + self.words(r, 2)
        if k == 1:
            return "=?UTF-8?B?SsO2cmc=?= " + self.words(r, 2)
        if k == 2:
            return self.words(r, r.randint(30, 120))      # long line
        if k == 3:
            return ""
        return self.words(r, r.randint(1, 8))

    def field(self, r, name, value):
        """lines of one field, sometimes folded or in obsolete syntax"""
        sep = ":"
        if r.random() < 0.08:
            sep = r.choice((" :", "\t:", "  \t :"))      # RFC 5322 4.5
        sp = "" if r.random() < 0.1 else " "
        first = "%s%s%s%s" % (name, sep, sp, value)
        lines = [first]
        if r.random() < 0.2:
            for _ in range(r.randint(1, 3)):
                lines.append(r.choice((" ", "\t", "  ")) + self.words(r, 3))
        if r.random() < 0.03:
            lines.append(" ")                   # whitespace-only (obs-FWS)
        return lines

    def addr_field(self, r, name, n=None):
        """an address-list field, folded between addresses or not"""
        a = [self.addr(r) for _ in range(n or r.randint(1, 4))]
        sep = ":" if r.random() > 0.08 else r.choice((" :", "\t:"))
        if r.random() < 0.6:
            return ["%s%s %s" % (name, sep, ", ".join(a))]
        lines = ["%s%s %s," % (name, sep, a[0])]
        lines += [r.choice((" ", "\t", "    ")) + x + "," for x in a[1:]]
        lines[-1] = lines[-1][:-1]
        return lines

    def std_fields(self, r, drop=0.15):
        """From, Date, Message-ID, each one or missing: a list of fields"""
        f = []
        if r.random() > drop:
            f.append(self.addr_field(r, "From", 1))
        if r.random() > drop:
            f.append(self.field(r, "Date", "Tue, 01 Oct 2024 10:00:%02d "
                                "+0000" % r.randrange(60)))
        if r.random() > drop:
            f.append(self.field(r, "Message-ID", "<%d.%d@example.org>"
                                % (r.randrange(10**6), r.randrange(10**6))))
        return f

    def body(self, r, n=None):
        """body lines: text, dot lines, 'From ' lines, 8-bit, long lines,
        control characters, lines that look like fields"""
        kinds = (
            lambda: "",
            lambda: r.choice((".", "..", ". ", ".leading dot")),
            lambda: "From the start of a body line",
            lambda: r.choice(self.UTF8) + " " + self.words(r, 3),
            lambda: "x" * r.randint(200, 990),
            lambda: "\ttab and trailing space  ",
            lambda: "ctrl \x0c\x1b[0m \x7f bytes",
            lambda: "Subject: a body line that looks like a field",
        )
        n = n if n is not None else r.randint(0, 25)
        out = []
        for _ in range(n):
            k = r.randrange(len(kinds) + 6)
            out.append(kinds[k]() if k < len(kinds) else
                       self.words(r, r.randint(1, 12)))
        return out

    # --- kinds: each returns (header lines, body lines, args)

    def cron(self, r):
        cmd = r.choice(("/usr/local/bin/backup.sh", "run-parts /etc/daily",
                        "test -x /usr/sbin/anacron"))
        h = ["From: root (Cron Daemon)", "To: root",
             "Subject: Cron <root@host> " + cmd,
             "MIME-Version: 1.0",
             "Content-Type: text/plain; charset=UTF-8",
             "Content-Transfer-Encoding: 8bit",
             "X-Cron-Env: <SHELL=/bin/sh>", "X-Cron-Env: <HOME=/root>",
             "Auto-Submitted: auto-generated", "Precedence: bulk"]
        return h, self.body(r), [self.addr(r, 0)]

    def mailx(self, r):
        if r.random() < 0.3:                   # echo body | mail: no header
            return [], self.body(r, r.randint(1, 8)), [self.addr(r, 0)]
        h = [["Subject: " + self.value(r)], self.addr_field(r, "To")]
        if r.random() < 0.5:
            h.append(self.addr_field(r, "Cc"))
        if r.random() < 0.5:
            h.append(self.addr_field(r, "Bcc"))
        h += [["User-Agent: mailx 12.5"], ["MIME-Version: 1.0"]]
        r.shuffle(h)                        # fields keep their folding
        return [x for f in h for x in f], self.body(r), ["-t"]

    def patch(self, r):
        sha = "%040x" % r.getrandbits(160)
        h = ["From %s Mon Sep 17 00:00:00 2001" % sha,
             "From: %s" % self.addr(r, 1),
             "Date: Mon, 7 Oct 2024 12:%02d:00 +0200" % r.randrange(60),
             "Subject: [PATCH %d/%d] %s" % (r.randint(1, 3), 3,
                                            self.words(r, 5)),
             "MIME-Version: 1.0",
             "Content-Type: text/plain; charset=UTF-8",
             "Content-Transfer-Encoding: 8bit"]
        b = [self.words(r, 8), "", "Signed-off-by: %s" % self.addr(r, 1),
             "---", " src/x.c | 2 +-", " 1 file changed", "",
             "diff --git a/src/x.c b/src/x.c", "--- a/src/x.c",
             "+++ b/src/x.c", "@@ -1,3 +1,3 @@", " context",
             "-From old", "+From new", ".", "-- ", "2.39.2", ""]
        return h, b, [self.addr(r, 0)]

    def mime(self, r):
        bd = "=_b%d" % r.randrange(10**6)
        h = ["From: " + self.addr(r, 1), "To: " + self.addrs(r),
             "Subject: " + self.value(r), "MIME-Version: 1.0",
             'Content-Type: multipart/mixed;', ' boundary="%s"' % bd]
        b = ["This is a multi-part message in MIME format.", "",
             "--" + bd, "Content-Type: text/plain; charset=UTF-8",
             "Content-Transfer-Encoding: 8bit", ""] + self.body(r, 5) + [
            "--" + bd, "Content-Type: application/octet-stream",
            "Content-Transfer-Encoding: base64",
            'Content-Disposition: attachment; filename="x.bin"', ""]
        for _ in range(r.randint(1, 6)):
            b.append("".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh"
                                      "ijklmnopqrstuvwxyz0123456789+/")
                             for _ in range(76)))
        b += ["--" + bd + "--", ""]
        return h, b, ["-t"] if r.random() < 0.5 else [self.addr(r, 0)]

    def resent(self, r):
        h = ["Resent-From: " + self.addr(r, 1),
             "Resent-To: " + self.addrs(r)]
        if r.random() < 0.5:
            h.append("Resent-Cc: " + self.addrs(r))
        if r.random() < 0.7:
            h += self.addr_field(r, "Resent-Bcc")
        h.append("Resent-Date: Wed, 02 Oct 2024 10:00:00 +0000")
        h += ["From: " + self.addr(r, 1), "To: " + self.addrs(r),
              "Cc: " + self.addrs(r), "Bcc: " + self.addrs(r),
              "Subject: " + self.value(r)]
        return h, self.body(r), ["-t"]

    def soup(self, r):
        h = self.std_fields(r, drop=0.4)
        for _ in range(r.randint(0, 12)):
            name = r.choice(self.NAMES + ("X-%s" % self.words(r, 1).title(),
                                          "X-Bcc", "Bcc-Not", "To-Do"))
            h.append(self.field(r, name, self.value(r)))
        for name in ("To", "Cc", "Bcc", "Resent-Bcc"):
            if r.random() < 0.3:
                h.append(self.addr_field(r, name))
        r.shuffle(h)                    # fields move with their folding
        h = [x for f in h for x in f]
        if r.random() < 0.04:
            h.insert(0, " a leading continuation line")     # D3
        return h, self.body(r), (["-t"] if any(
            re.match(r"(?i)(to|cc|bcc)[ \t]*:", x) for x in h)
            else [self.addr(r, 0)])

    def obsolete(self, r):
        h = []
        for name in ("From", "To", "Cc", "Bcc", "Subject", "Date",
                     "Message-ID"):
            if r.random() < 0.7:
                v = {"From": self.addr(r, 1), "Subject": self.value(r),
                     "Date": "Tue, 01 Oct 2024 10:00:00 +0000",
                     "Message-ID": "<obs%d@example.org>" % r.randrange(999)
                     }.get(name) or self.addrs(r)
                h.append("%s%s:%s" % (name, r.choice((" ", "\t", " \t ")),
                                      r.choice(("", " ")) + v))
        h.append("X-After: still a header")
        return h, self.body(r), ["-t"] if any(
            x.split(None, 1)[0] in ("To", "Cc", "Bcc") for x in h) else [
            self.addr(r, 0)]

    def nul(self, r):
        h, b, a = self.mailx(r)
        if not h or r.random() < 0.7:
            b = b or ["x"]
            k = r.randrange(len(b))
            b[k] = b[k][:3] + "\0" + b[k][3:]
        else:
            k = r.randrange(len(h))
            h[k] = h[k] + "\0tail" if ":" in h[k] else h[k]
        return h, b, a

    KINDS = (("cron", 10), ("mailx", 18), ("patch", 10), ("mime", 12),
             ("resent", 8), ("soup", 26), ("obsolete", 12), ("nul", 4))

    def gen(self, i):
        r = self.r(i)
        kind = r.choices([k for k, _ in self.KINDS],
                         [w for _, w in self.KINDS])[0]
        h, b, args = getattr(self, kind)(r)
        if kind not in ("cron", "nul") and r.random() < 0.15:
            args = ["--read-envelope-from"] + args   # the From field, found
        lines = h                                  # before msg_read runs + ([""] if h and r.random() < 0.95 else []) + b
        style = r.choices(("LF", "CRLF", "CR", "mixed", "twice"),
                          (40, 25, 10, 20, 5))[0]
        ends = {"LF": [b"\n"], "CRLF": [b"\r\n"], "CR": [b"\r"],
                "mixed": [b"\n", b"\r\n", b"\r", b"\r\r\n"],
                "twice": [b"\r\r\n"]}[style]
        out = []
        for n, ln in enumerate(lines):
            out.append(ln.encode("utf-8"))
            if n < len(lines) - 1 or r.random() < 0.9:
                out.append(r.choice(ends))
        return "%s/%s" % (kind, style), b"".join(out), args


# ------------------------------------------------------------ reference


def split_lines(data):
    """-> [(text, eol)] by universal line ends (D1)"""
    out = []
    pos = 0
    while pos < len(data):
        m = LINE_RE.match(data, pos)
        out.append((m.group(1), m.group(2)))
        pos = m.end()
    return out


def prepare(inp, used):
    """Apply D2-D4 to the input so that Python's parser sees smtps's
    header block.  -> (prepared bytes, header block lines, index of the
    first body line in the input's lines)"""
    lines = split_lines(inp)
    if b"\r\r\n" in inp:
        used.add("D9")
    start = 0
    if (lines and lines[0][0].startswith(b"From ") and lines[0][1] and
            not FIELD_RE.match(lines[0][0])):        # "From : x" is D4
        used.add("D2")
        start = 1
    out, hdr = [], []
    i = start
    while i < len(lines):
        text, eol = lines[i]
        if text == b"":
            i += 1                                  # the blank line
            break
        if text[:1] in (b" ", b"\t"):
            if not hdr:
                used.add("D3")                      # headerless: all body
                break
            hdr.append(text + eol)
            i += 1
            continue
        m = FIELD_RE.match(text)
        if not m:
            if hdr:
                used.add("D3")                      # body starts here
            break
        if m.group(2):
            used.add("D4")
            text = m.group(1) + text[m.end() - 1:]
        hdr.append(text + eol)
        i += 1
    body = b"".join(t + e for t, e in lines[i:])
    # CRLF ends here, so that no CR of a field meets the LF of the
    # separator (D1 makes them CRLF in any case)
    hdr = [crlf(h) if EOL_RE.search(h) else h + b"\r\n" for h in hdr]
    return b"".join(hdr) + b"\r\n" + body, hdr, i


def crlf(b):
    return EOL_RE.sub(b"\r\n", b)


def parse(data):
    m = email.parser.BytesHeaderParser(policy=email.policy.compat32
                                       ).parsebytes(data)
    fields = [(n, crlf(v.encode("ascii", "surrogateescape")))
              for n, v in m.raw_items()]
    # the raw payload: get_payload() would decode 8-bit text by charset
    body = m._payload
    if isinstance(body, str):
        body = body.encode("ascii", "surrogateescape")
    return fields, body or b""


def dotstuff(data):
    return (b"\r\n" + data).replace(b"\r\n.", b"\r\n..")[2:] + b".\r\n"


def addresses(values):
    vals = [v.decode("utf-8", "replace").replace("\r\n", "") for v in values]
    try:
        # the RFC 5322 parse; strict mode (Python's CVE-2023-27043 fix)
        # gives up on a comment holding a comma
        got = email.utils.getaddresses(vals, strict=False)
    except TypeError:                       # Python without strict=
        got = email.utils.getaddresses(vals)
    return {a.lower() for _, a in got if "@" in a}


def expect(inp, args, used):
    """-> dict: either {'error': regex} or the expected fields/body/rcpts"""
    prep, hdr, bodyline = prepare(inp, used)
    lines = split_lines(inp)
    sender = "alice@example.org"
    if "--read-envelope-from" in args:
        # msmtp since 1.8.26/1.8.31: a Resent-From before any From wins;
        # neither -> EX_USAGE
        froms = [v for n, v in parse(prep)[0]
                 if n.lower() in ("from", "resent-from")]
        if not froms:
            return {"error": r"--read-envelope-from: no envelope sender "
                    "found: the message has no From: header", "code": 64}
        sender = sorted(addresses(froms[:1]))[0]    # generated: one address
    if any(b"\0" in h for h in hdr):
        used.add("D8")
        return {"error": r"NUL byte in header", "code": 65}
    for n, (text, _) in enumerate(lines[bodyline:], bodyline + 1):
        if b"\0" in text:
            used.add("D8")
            return {"error": r"NUL byte in the body, line %d of" % n,
                    "code": 65}
    fields, body = parse(prep)
    names = [n.lower() for n, _ in fields]
    kept = [(n, v) for n, v in fields
            if n.lower() not in ("bcc", "resent-bcc")]
    local = [(n, LOCAL.get((n.lower(), v), v)) for n, v in kept]
    if local != kept:
        used.add("D10")
        kept = local
    if len(kept) != len(fields):
        used.add("D5")
    added = [n for n in ("Date", "Message-ID", "From")
             if n.lower() not in names]
    if added:
        used.add("D6")
    body = crlf(body)
    if body and not body.endswith(b"\r\n"):
        used.add("D1")
        body += b"\r\n"
    rcpts = {a.lower() for a in args if not a.startswith("-")}
    if "-t" in args:
        resent = any(n in RESENT for n in names)
        want = ({"resent-to", "resent-cc", "resent-bcc"} if resent
                else {"to", "cc", "bcc"})
        if resent:
            used.add("D7")
        rcpts |= addresses(v for n, v in fields if n.lower() in want)
        if not rcpts:
            return {"error": r"no recipients", "code": 64}
    return {"fields": kept, "added": added, "body": body, "rcpts": rcpts,
            "sender": sender}


def compare(want, got_msg, got_raw, got_env):
    """-> None or a description of the first difference"""
    fields, body = parse(got_msg)
    n = len(want["fields"])
    if fields[:n] != want["fields"]:
        for k, (w, g) in enumerate(zip(want["fields"], fields)):
            if w != g:
                return "field %d: expected %r, got %r" % (k, w, g)
        return "fields: expected %r, got %r" % (want["fields"], fields)
    extra = [f for f, _ in fields[n:]]
    if extra != want["added"]:
        return "added fields: expected %r, got %r" % (want["added"], extra)
    if body != want["body"]:
        return "body: expected %r, got %r" % (want["body"][:300], body[:300])
    if got_raw != dotstuff(got_msg):
        return "dot-stuffed wire data differs from the delivered message"
    rc = {m.group(1).lower() for m in
          re.finditer(r"^RCPT TO:<([^>]*)>", got_env, re.M)}
    m = re.match(r"MAIL FROM:<([^>]*)>", got_env)
    if m is None or m.group(1).lower() != want["sender"]:
        return "sender: expected %s, got %r" % (want["sender"],
                                                got_env.split("\n")[0])
    if rc != want["rcpts"]:
        return "recipients: expected %s, got %s" % (sorted(want["rcpts"]),
                                                    sorted(rc))
    return None


# ---------------------------------------------------------------- lanes


class Lane:
    """One scripted server and the smtps runs that talk to it, in order."""

    def __init__(self, n, top, smtps, server, python):
        self.dir = os.path.join(top, "lane%d" % n)
        self.srv = os.path.join(self.dir, "srv")
        os.makedirs(self.dir)
        sc = os.path.join(self.dir, "scenario")
        with open(sc, "w") as f:
            f.write("mode plain\nstarttls off\nnodelay on\n"
                    "connections 100000\nmax_time 600\n")
        self.proc = subprocess.Popen([python, server, sc, self.srv],
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        port = os.path.join(self.srv, "port")
        for _ in range(400):                      # poll for the port file
            if os.path.exists(port) and open(port).read().strip():
                break
            if self.proc.poll() is not None:
                raise SystemExit("msgdiff: scripted server did not start")
            time.sleep(0.025)
        else:
            raise SystemExit("msgdiff: scripted server did not start")
        self.cfg = os.path.join(self.dir, "mailrc")
        with open(self.cfg, "w") as f:
            f.write("defaults\nqueue off\ntimeout 10\ndomain client.example\n"
                    "dead_letter %s/dead.letter\n\naccount t\nhost 127.0.0.1\n"
                    "port %s\nfrom alice@example.org\ntls off\n"
                    "mailname_file off\n"
                    "account default : t\n" % (self.dir,
                                               open(port).read().strip()))
        os.chmod(self.cfg, 0o600)
        self.smtps = smtps
        self.jobs = []          # (index, input path, args)
        self.results = {}       # index -> (rc, stderr, msg number or None)

    def run(self):
        delivered = 0
        env = dict(os.environ, HOME=self.dir, XDG_CONFIG_HOME=self.dir,
                   XDG_STATE_HOME=self.dir)
        for i, path, args in self.jobs:
            with open(path, "rb") as f:
                try:
                    p = subprocess.run([self.smtps, "-C", self.cfg] + args,
                                       stdin=f, capture_output=True,
                                       env=env, timeout=60)
                    rc, err = p.returncode, p.stderr.decode("utf-8",
                                                            "replace")
                except subprocess.TimeoutExpired:
                    rc, err = 124, "smtps hung (killed after 60 s)"
            num = None
            if rc == 0:
                delivered += 1
                num = delivered
            self.results[i] = (rc, err, num)
        self.delivered = delivered

    def stop(self):
        """wait until the server has finished every message, then stop it"""
        served = os.path.join(self.srv, "served")
        for _ in range(400):
            try:
                if int(open(served).read()) >= self.delivered:
                    break
            except (OSError, ValueError):
                if self.delivered == 0:
                    break
            time.sleep(0.025)
        self.proc.terminate()
        self.proc.wait(10)

    def got(self, num):
        base = os.path.join(self.srv, "msg.%d" % num)
        return (open(base, "rb").read(), open(base + ".raw", "rb").read(),
                open(base + ".env").read())


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--smtps", default=os.path.join(here, "..", "smtps"))
    ap.add_argument("--count", type=int, default=2500)
    ap.add_argument("--seed", default="issue12")
    ap.add_argument("--lanes", type=int, default=2)
    ap.add_argument("--keep", help="write the corpus and results here")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()

    t0 = time.time()
    top = a.keep or tempfile.mkdtemp(prefix="msgdiff.")
    os.makedirs(os.path.join(top, "corpus"), exist_ok=True)
    gen = Gen(a.seed)
    lanes = [Lane(n, top, os.path.abspath(a.smtps),
                  os.path.join(here, "server", "smtpserver.py"),
                  sys.executable) for n in range(a.lanes)]
    msgs = []
    for i in range(a.count):
        kind, data, args = gen.gen(i)
        path = os.path.join(top, "corpus", "%05d" % i)
        with open(path, "wb") as f:
            f.write(data)
        msgs.append((kind, data, args))
        lanes[i % a.lanes].jobs.append((i, path, args))
    threads = [threading.Thread(target=lane.run) for lane in lanes]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for lane in lanes:
            if hasattr(lane, "delivered"):
                lane.stop()
            else:
                lane.proc.kill()

    used, counts, bad = {}, {}, []
    for i, (kind, data, args) in enumerate(msgs):
        lane = lanes[i % a.lanes]
        rc, err, num = lane.results[i]
        u = set()
        want = expect(data, args, u)
        for d in u:
            used[d] = used.get(d, 0) + 1
        k = kind.split("/")[0]
        counts[k] = counts.get(k, 0) + 1
        if "error" in want:
            why = None
            if rc != want["code"] or not re.search(r"smtps: " +
                                                   want["error"], err):
                why = "expected exit %d /%s/, got %d: %s" % (
                    want["code"], want["error"], rc, err.strip())
        elif rc != 0:
            why = "exit %d: %s" % (rc, err.strip())
        else:
            why = compare(want, *lane.got(num))
        if why:
            bad.append((i, kind, " ".join(args), why))

    print("msgdiff: %d messages (%s), %d lanes, %.1f s" % (
        len(msgs), ", ".join("%s %d" % kv for kv in sorted(counts.items())),
        a.lanes, time.time() - t0))
    for d in sorted(DECISIONS):
        print("  %s (%d messages): %s" % (d, used.get(d, 0), DECISIONS[d]))
    for i, kind, args, why in bad[:10]:
        print("DIFF %05d %s [%s]: %s" % (i, kind, args, why))
    if bad:
        print("msgdiff: %d of %d messages differ (corpus and server output "
              "in %s)" % (len(bad), len(msgs), top))
        return 1
    if not a.keep:
        subprocess.run(["rm", "-rf", top])
    print("msgdiff: no difference that is not a documented decision")
    return 0


if __name__ == "__main__":
    sys.exit(main())
