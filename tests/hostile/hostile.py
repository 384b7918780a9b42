#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""hostile.py - a hostile SMTP server fuzzer for the real smtps binary.

Each case starts a loopback server (127.0.0.1, port 0) that plays a normal
submission session but mutates the reply of one or two phases (greeting,
EHLO, AUTH, MAIL, RCPT, DATA, the final dot, QUIT): split into pieces,
extra lines, wrong codes, floods, stalls, bare LF, overlong lines, invalid
multi-line continuations, control bytes, a close in the middle.  It then
runs `smtps -C CONFIG RCPT... < MESSAGE` against it and checks the oracles:

  CRASH     the exit status is a signal, or the sanitizers reported
            (AddressSanitizer, LeakSanitizer, UBSan "runtime error")
  HANG      smtps still runs after the bound (every reply has the
            configured `timeout`; at most two phases are slowed), killed
  MEMORY    its RSS goes over --rss-mb (watched in /proc while it runs,
            then killed; else its peak from wait4)
  EXIT      an exit status that is not 0 or a sysexits code (64-78)
  FALSE-OK  exit 0 although the server's reply to the final dot of the
            message was not a positive completion (2xx), or the server
            never received the final dot

Everything is derived from --seed: case N uses random.Random("SEED:N"),
so `--seed S --case N` replays one case exactly (-v prints the server's
side of it).  Every case is logged (--log) as one line.

--xfail KIND marks the violations a known bug causes as XFAIL (reported,
not failed): `stray-2xx` = FALSE-OK in a case where an extra positive
reply was injected before the final dot's reply (the client may take it
as the answer to the dot: smtp_no_stray() checks for it after the 354 and
before the dot, but a stray 250 that arrives just after those checks is
still read as the dot's reply - open, see the lead's notes).  Nothing is skipped: those cases still run
and every other oracle still fails them.

Exit status: 0 clean, 1 a violation (the summary names the cases).
"""
import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

PHASES = ["greeting", "ehlo", "auth", "mail", "rcpt", "data", "dot", "quit"]
MUTATIONS = ["split", "bare_lf", "extra", "extra_pos", "wrong_code",
             "bad_multiline", "overlong", "flood_lines", "flood_line",
             "stall", "trickle", "close", "close_mid", "ctrl", "many_lines"]
NORMAL = {
    "greeting": ["220 hostile.example ESMTP"],
    "auth": ["235 2.7.0 ok"],
    "mail": ["250 2.1.0 ok"],
    "rcpt": ["250 2.1.5 ok"],
    "data": ["354 go ahead"],
    "dot": ["250 2.0.0 ok: queued as H1"],
    "quit": ["221 2.0.0 bye"],
}
FLOOD_CAP = 4 << 20          # bytes a flood sends at most
SAN_RE = re.compile(rb"(AddressSanitizer|LeakSanitizer|runtime error:|"
                    rb"UndefinedBehaviorSanitizer)")


class Case:
    """One session's plan, drawn from the case's own random stream."""

    def __init__(self, seed, n):
        self.id = "%s:%d" % (seed, n)
        r = self.rng = random.Random(self.id)
        self.pipelining = r.random() < 0.6
        self.auth = r.random() < 0.4
        self.nrcpts = r.randint(1, 3)
        self.muts = []
        for _ in range(1 if r.random() < 0.5 else 2):
            ph = r.choice(PHASES if self.auth else
                          [p for p in PHASES if p != "auth"])
            self.muts.append((ph, r.choice(MUTATIONS)))
        # the known hole: a positive stray reply, then a negative dot reply
        if r.random() < 0.1:
            ph = r.choice(["mail", "rcpt", "data"])
            self.muts = [(ph, "extra_pos"), ("dot", "wrong_code")]

    def describe(self):
        return "pipelining=%d auth=%d rcpts=%d muts=%s" % (
            self.pipelining, self.auth, self.nrcpts,
            ",".join("%s/%s" % m for m in self.muts))


class Server(threading.Thread):
    """Serves one connection of a Case; records what it sent."""

    def __init__(self, case, timeout, verbose):
        super().__init__(daemon=True)
        self.case, self.timeout, self.verbose = case, timeout, verbose
        self.ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(1)
        self.ls.settimeout(timeout * 4 + 20)
        self.port = self.ls.getsockname()[1]
        self.got_dot = False
        self.dot_reply = None    # bytes sent as the reply to the final dot
        self.stray_sent = False  # an extra positive reply went out before
        self.log = []
        self.conn = None
        self.rbuf = b""

    def stop(self):
        """smtps has ended: wake an accept() still waiting for it."""
        if self.conn is None:
            try:
                self.ls.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def note(self, s):
        self.log.append(s)
        if self.verbose:
            sys.stderr.write("  server: %s\n" % s)

    def run(self):
        try:
            self.conn, _ = self.ls.accept()
            self.conn.settimeout(self.timeout * 3 + 10)
            self.session()
        except (OSError, ValueError) as e:
            self.note("-- %s" % e)
        finally:
            if self.conn is not None:
                try:
                    self.conn.close()
                except OSError:
                    pass
            self.ls.close()

    def readline(self):
        while b"\n" not in self.rbuf:
            d = self.conn.recv(65536)
            if not d:
                return None
            self.rbuf += d
        line, self.rbuf = self.rbuf.split(b"\n", 1)
        self.note("C: %r" % line)
        return line.rstrip(b"\r")

    def read_body(self):
        buf = b"\r\n" + self.rbuf
        while b"\r\n.\r\n" not in buf:
            d = self.conn.recv(65536)
            if not d:
                return False
            buf += d
        self.rbuf = buf.split(b"\r\n.\r\n", 1)[1]
        self.note("C: <message> .")
        return True

    def mutated(self, phase, lines):
        """The byte actions for this phase's reply."""
        acts = [("send", b"".join(l.encode() + b"\r\n" for l in lines))]
        for ph, m in self.case.muts:
            if ph == phase:
                acts = self.mutate(m, lines, acts)
        return acts

    def mutate(self, m, lines, acts):
        r = self.case.rng
        data = b"".join(a[1] for a in acts if a[0] == "send")
        code = lines[-1][:3]
        if m == "split":
            out, i = [], 0
            while i < len(data):
                k = r.randint(1, 7)
                out += [("send", data[i:i + k]), ("sleep", r.random() / 50)]
                i += k
            return out
        if m == "bare_lf":
            return [("send", data.replace(b"\r\n", b"\n"))]
        if m in ("extra", "extra_pos"):
            x = "250 2.0.0 ok" if m == "extra_pos" else r.choice(
                ["250 2.0.0 ok", "220 again", "354 more", "550 5.0.0 no",
                 "451 later", "250-half"])
            return acts + [("send", x.encode() + b"\r\n")] + \
                ([("stray",)] if x.startswith("2") else [])
        if m == "wrong_code":
            c = r.choice(["199", "220", "250", "251", "334", "354", "421",
                          "451", "452", "500", "535", "550", "554", "600",
                          "999", "2x0", "25", ""])
            return [("send", b"".join((c + l[3:]).encode() + b"\r\n"
                                      for l in lines))]
        if m == "bad_multiline":
            v = r.choice([code + "-first\r\n" + str(int(code) + 1) +
                          " second\r\n",
                          code + "-first\r\n" + code + "x\r\n",
                          code + "-only continuation\r\n",
                          code + "-a\r\n-b\r\n" + code + " c\r\n",
                          code + "-" + "\r\n" + code + "\r\n"])
            return [("send", v.encode())]
        if m == "overlong":
            n = r.choice([513, 1000, 2047, 2048, 2049, 4096, 70000])
            return [("send", (code + " " + "x" * n + "\r\n").encode())]
        if m == "many_lines":
            n = r.choice([127, 128, 129, 1000])
            v = "".join("%s-line %d\r\n" % (code, i) for i in range(n))
            return [("send", (v + lines[-1] + "\r\n").encode())]
        if m == "flood_lines":
            return [("flood", (code + "-flood " + "y" * 60 + "\r\n").encode())]
        if m == "flood_line":
            return [("send", (code + " ").encode()), ("flood", b"z" * 4096)]
        if m == "stall":
            return [("stall",)]
        if m == "trickle":
            return [("trickle", data)]
        if m == "close":
            return [("close",)]
        if m == "close_mid":
            return [("send", data[:max(1, len(data) // 2)]), ("close",)]
        if m == "ctrl":
            bad = r.choice([b"\x00", b"\x1b[31m", b"\x07", b"\r", b"\xff",
                            b"\x1b]0;title\x07"])
            return [("send", code.encode() + b" " + bad + b"text" + bad +
                     b"\r\n")]
        raise ValueError(m)

    def reply(self, phase, lines):
        sent = b""
        for a in self.mutated(phase, lines):
            if a[0] == "send":
                self.conn.sendall(a[1])
                sent += a[1]
                self.note("S: %r" % a[1][:200])
            elif a[0] == "sleep":
                time.sleep(a[1])
            elif a[0] == "stray":
                if phase != "dot":
                    self.stray_sent = True
            elif a[0] == "flood":
                self.note("S: [flood %r]" % a[1][:40])
                n = 0
                while n < FLOOD_CAP:
                    self.conn.sendall(a[1])
                    n += len(a[1])
                raise OSError("flood done")
            elif a[0] == "stall":
                self.note("-- stall")
                while self.conn.recv(65536):
                    pass
                raise OSError("stalled until the client closed")
            elif a[0] == "trickle":
                self.note("S: [trickle %r]" % a[1][:60])
                for b in a[1]:
                    self.conn.sendall(bytes([b]))
                    time.sleep(0.3)
                sent += a[1]
            elif a[0] == "close":
                self.note("-- close")
                raise OSError("closed by the plan")
        if phase == "dot" and self.dot_reply is None:
            self.dot_reply = sent

    def ehlo_lines(self):
        caps = ["hostile.example"]
        if self.case.pipelining:
            caps.append("PIPELINING")
        caps += ["SIZE 10000000", "8BITMIME", "ENHANCEDSTATUSCODES"]
        if self.case.auth:
            caps.append("AUTH PLAIN")
        return ["250%s%s" % ("-" if i < len(caps) - 1 else " ", c)
                for i, c in enumerate(caps)]

    def session(self):
        self.reply("greeting", NORMAL["greeting"])
        while True:
            line = self.readline()
            if line is None:
                self.note("-- EOF")
                return
            verb = line.split(b" ", 1)[0].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("ehlo", self.ehlo_lines())
            elif verb == b"AUTH":
                if len(line.split()) < 3:
                    self.conn.sendall(b"334 \r\n")
                    if self.readline() is None:
                        return
                self.reply("auth", NORMAL["auth"])
            elif verb == b"MAIL":
                self.reply("mail", NORMAL["mail"])
            elif verb == b"RCPT":
                self.reply("rcpt", NORMAL["rcpt"])
            elif verb == b"DATA":
                self.reply("data", NORMAL["data"])
                if not self.read_body():
                    self.note("-- EOF in the message")
                    return
                self.got_dot = True
                self.reply("dot", NORMAL["dot"])
            elif verb in (b"RSET", b"NOOP"):
                self.conn.sendall(b"250 2.0.0 ok\r\n")
            elif verb == b"QUIT":
                self.reply("quit", NORMAL["quit"])
                return
            else:
                self.conn.sendall(b"500 5.5.1 what\r\n")


def positive(reply):
    """Is the first complete reply in these bytes a 2xx completion?"""
    if not reply:
        return False
    code = None
    for raw in reply.split(b"\n")[:-1]:
        line = raw[:-1] if raw.endswith(b"\r") else raw
        m = re.match(rb"^([0-9]{3})([ -]|$)", line)
        if m is None or (code is not None and m.group(1) != code):
            return False
        code = m.group(1)
        if m.group(2) != b"-":
            return code[:1] == b"2"
    return False


def rss_kb(pid):
    """The process's resident set now, in KiB (0 when unknown)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def write_files(d, case, port, timeout):
    cfg = os.path.join(d, "config")
    with open(cfg, "w") as f:
        f.write("defaults\ntimeout %d\ndomain client.example\n"
                "queue off\ndead_letter %s/dead.letter\n\n"
                "account hostile\nhost 127.0.0.1\nport %d\n"
                "from alice@example.org\ntls off\n" % (timeout, d, port))
        if case.auth:
            f.write("auth on\nuser alice\npassword \"s3cret\"\n"
                    "allow_plaintext_auth on\n")
        f.write("account default : hostile\n")
    os.chmod(cfg, 0o600)
    msg = os.path.join(d, "message")
    with open(msg, "w") as f:
        f.write("From: alice@example.org\nTo: bob@example.net\n"
                "Subject: hostile %s\n\nhello\n.\n..two\n" % case.id)
    return cfg, msg


def run_case(args, seed, n, verbose=False):
    case = Case(seed, n)
    srv = Server(case, args.timeout, verbose)
    d = tempfile.mkdtemp(prefix="hostile.", dir=args.workdir)
    cfg, msg = write_files(d, case, srv.port, args.timeout)
    srv.start()
    rcpts = ["r%d@example.net" % i for i in range(case.nrcpts)]
    env = dict(os.environ, HOME=d, XDG_CONFIG_HOME=d, LC_ALL="C")
    bound = 2 * args.timeout + args.margin
    t0 = time.monotonic()
    with open(msg, "rb") as fin, open(os.path.join(d, "stderr"), "wb") as ferr:
        p = subprocess.Popen([args.smtps, "-C", cfg, "--"] + rcpts,
                             stdin=fin, stdout=subprocess.DEVNULL,
                             stderr=ferr, env=env)
        status, ru, hung = None, None, False
        while status is None:
            pid, st, ru = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                status = st
            elif time.monotonic() - t0 > bound or \
                    rss_kb(p.pid) > args.rss_mb * 1024:
                hung = time.monotonic() - t0 > bound
                os.kill(p.pid, signal.SIGKILL)
                _, status, ru = os.wait4(p.pid, 0)
            else:
                time.sleep(0.01)
        p.returncode = 0    # reaped here, not by Popen
    elapsed = time.monotonic() - t0
    srv.stop()
    srv.join(args.timeout * 4 + 25)
    with open(os.path.join(d, "stderr"), "rb") as f:
        err = f.read()
    verdict = judge(args, case, srv, status, ru, hung, err)
    ex = os.WEXITSTATUS(status) if os.WIFEXITED(status) else \
        -os.WTERMSIG(status)
    line = "case %s %s exit=%d elapsed=%.1fs rss=%dMB dot=%s -> %s" % (
        case.id, case.describe(), ex, elapsed, ru.ru_maxrss // 1024,
        "none" if srv.dot_reply is None else
        ("positive" if positive(srv.dot_reply) else "negative"), verdict)
    if verbose:
        sys.stderr.write(err.decode("utf-8", "replace"))
    keep = verdict != "ok" and not verdict.startswith("XFAIL")
    if not keep:
        shutil.rmtree(d, ignore_errors=True)
    else:
        line += " (files: %s)" % d
    return verdict, line, err


def judge(args, case, srv, status, ru, hung, err):
    if hung:
        return "HANG"
    if ru.ru_maxrss > args.rss_mb * 1024:
        return "MEMORY"     # (killed by the harness when caught live)
    if os.WIFSIGNALED(status) or SAN_RE.search(err):
        return "CRASH"
    ex = os.WEXITSTATUS(status)
    if ex != 0 and not 64 <= ex <= 78:
        return "EXIT"
    if ex == 0 and not (srv.got_dot and positive(srv.dot_reply)):
        if "stray-2xx" in args.xfail and srv.stray_sent:
            return "XFAIL(stray-2xx: an extra positive reply sent before " \
                "the dot's reply was taken as the answer to the final dot)"
        return "FALSE-OK"
    return "ok"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smtps", required=True)
    ap.add_argument("--seed", default="1")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--cases", type=int, default=0,
                    help="stop after this many cases (0: --seconds rules)")
    ap.add_argument("--case", type=int, default=None,
                    help="replay this one case of --seed (with -v)")
    ap.add_argument("--timeout", type=int, default=2,
                    help="smtps's `timeout` (seconds per reply)")
    ap.add_argument("--margin", type=float, default=10)
    ap.add_argument("--rss-mb", type=int, default=300)
    ap.add_argument("--xfail", action="append", default=[])
    ap.add_argument("--log", default=None)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    args.smtps = os.path.abspath(args.smtps)
    if args.workdir is None:
        args.workdir = tempfile.mkdtemp(prefix="smtps-hostile.")
    os.makedirs(args.workdir, exist_ok=True)
    os.environ.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    os.environ.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    log = open(args.log or os.path.join(args.workdir, "log"), "a")
    if args.case is not None:
        verdict, line, _ = run_case(args, args.seed, args.case,
                                    args.verbose)
        print(line)
        return 0 if verdict == "ok" or verdict.startswith("XFAIL") else 1
    t_end = time.monotonic() + args.seconds
    n, bad, xfail, counts = 0, [], 0, {}
    print("hostile: seed %s, %gs, smtps timeout %ds, log %s" % (
        args.seed, args.seconds, args.timeout, log.name), flush=True)
    while time.monotonic() < t_end and (args.cases == 0 or n < args.cases):
        verdict, line, err = run_case(args, args.seed, n)
        log.write(line + "\n")
        log.flush()
        key = verdict.split("(")[0]
        counts[key] = counts.get(key, 0) + 1
        if verdict.startswith("XFAIL"):
            xfail += 1
        elif verdict != "ok":
            bad.append(line)
            print(line, flush=True)
            sys.stdout.write(err.decode("utf-8", "replace")[-3000:])
        n += 1
    print("hostile: %d cases: %s" % (n, ", ".join(
        "%s %d" % kv for kv in sorted(counts.items()))))
    for line in bad:
        cid = line.split()[1]
        print("hostile: replay: python3 tests/hostile/hostile.py --smtps %s "
              "--seed %s --case %s -v" % (args.smtps, cid.rsplit(":", 1)[0],
                                          cid.rsplit(":", 1)[1]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
