#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""pty_run.py - run a command with a pseudo-terminal as its controlling
terminal, as a user at a terminal would, for the Bats suites.

usage: pty_run.py [--answer TEXT] [--expect TEXT] [--log FILE]
                  --stdin FILE --stdout FILE --stderr FILE -- CMD ARGS...

The command runs in a new session whose controlling terminal is the pty
(so /dev/tty opens); its stdin, stdout and stderr are the given files
(smtps reads the message from stdin, not from the terminal).  Everything
the command writes to the terminal goes to --log.  When the terminal
output contains --expect (default "password for "), pty_run notes
whether echo was off at that moment ("echo-at-prompt: off|on" in the
log) and types --answer and Enter, once; without --answer it types
nothing.  After the command exits, "echo-after: on|off" is logged.
Exit status: the command's (128+N for signal N); 124 if it is still
running after 30 s (it is killed).
"""
import os
import pty
import select
import signal
import sys
import termios
import time


def parse(argv):
    opts = {"--answer": None, "--expect": "password for ", "--log": None,
            "--stdin": None, "--stdout": None, "--stderr": None}
    i = 0
    while i < len(argv) and argv[i] != "--":
        opts[argv[i]] = argv[i + 1]
        i += 2
    return opts, argv[i + 1:]


def child(opts, cmd):
    # pty.fork made us a session leader with the pty as the controlling
    # terminal (fds 0-2); now put the files in their place
    for fd, name, flags in ((0, "--stdin", os.O_RDONLY),
                            (1, "--stdout", os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                            (2, "--stderr", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
        f = os.open(opts[name], flags, 0o600)
        os.dup2(f, fd)
        os.close(f)
    os.execvp(cmd[0], cmd)


def echo_on(fd):
    try:
        return bool(termios.tcgetattr(fd)[3] & termios.ECHO)
    except termios.error:
        return None


def main():
    opts, cmd = parse(sys.argv[1:])
    pid, master = pty.fork()
    if pid == 0:
        try:
            child(opts, cmd)
        finally:
            os._exit(127)
    out, log, answered = b"", [], False
    deadline = time.monotonic() + 30
    status = None
    while status is None:
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            status = 124
            break
        r, _, _ = select.select([master], [], [], 0.05)
        if r:
            try:
                data = os.read(master, 4096)
            except OSError:
                data = b""
            out += data
        if not answered and opts["--expect"].encode() in out:
            answered = True
            log.append("echo-at-prompt: %s" % ("on" if echo_on(master) else "off"))
            if opts["--answer"] is not None:
                os.write(master, opts["--answer"].encode() + b"\n")
        w, st = os.waitpid(pid, os.WNOHANG)
        if w == pid:
            status = os.waitstatus_to_exitcode(st)
            if status < 0:
                status = 128 - status
    while select.select([master], [], [], 0)[0]:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    log.append("echo-after: %s" % ("on" if echo_on(master) else "off"))
    if opts["--log"]:
        with open(opts["--log"], "wb") as f:
            f.write(b"terminal: " + out + b"\n")
            f.write(("\n".join(log) + "\n").encode())
    sys.exit(status)


main()
