# smtps - sendmail-compatible SMTP submission client.
# See README for the two commands that matter: `make demo` and `make check`.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
SHAREDIR ?= $(PREFIX)/share/smtps
SYSCONFDIR ?= /etc
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
SYSTEMDUNITDIR ?= $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
USERUNITDIR ?= $(shell pkg-config --variable=systemduserunitdir systemd 2>/dev/null || echo /usr/lib/systemd/user)
DESTDIR	?=

CC	?= cc
CFLAGS	?= -O2 -g
WARN	= -Wall -Wextra -Wshadow -Wformat=2 \
	  -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
	  -Wwrite-strings -Wundef -Wvla -Wimplicit-fallthrough \
	  -Wnull-dereference -Wcast-align
# Hardening on by default (what Debian's dpkg-buildflags gives with
# hardening=+all, plus _FORTIFY_SOURCE=3 where the compiler and libc
# support it): stack protector, stack clash protection, CET on x86,
# fortified libc calls, PIE, full RELRO (-z relro -z now).  Apart from
# CFLAGS/LDFLAGS so that `make CFLAGS=...` keeps them; HARDEN=0 turns them
# off (the sanitizer build does).  hardening-check smtps must be clean.
HARDEN	?= 1
# SAN=1: the ASan + UBSan build (SAN_EXTRA: more flags, e.g. -Werror), in
# build-san/ with its own flags; `make SAN=1 bats` (hostile, unit, ...)
# tests that binary.  `make sanitize` is `make SAN=1`.
SAN	?= 0
SAN_EXTRA ?=
ifeq ($(SAN),1)
B	:= build-san
HARDEN	:= 0
override CFLAGS := -O1 -g -fsanitize=address,undefined \
	  -fno-omit-frame-pointer -fno-sanitize-recover=all $(SAN_EXTRA)
override LDFLAGS := -fsanitize=address,undefined
endif
cc_flag	= $(shell $(CC) -Werror $(1) -x c -c /dev/null -o /dev/null \
	  >/dev/null 2>&1 && echo $(1))
FORTIFY	:= $(shell printf '\043include <string.h>\n__USE_FORTIFY_LEVEL\n' | \
	  $(CC) -O2 -D_FORTIFY_SOURCE=3 -E -x c - 2>/dev/null | tail -n 1)
ifeq ($(HARDEN),1)
HARDEN_CFLAGS := -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=$(if $(filter 3,$(FORTIFY)),3,2) \
	  -fstack-protector-strong -fPIE \
	  $(call cc_flag,-fstack-clash-protection) \
	  $(call cc_flag,-fcf-protection)
HARDEN_LDFLAGS := -pie -Wl,-z,relro -Wl,-z,now
endif
PKGS	= gnutls libbsd-overlay json-c libidn2
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lresolv
VERSION	= 0.1.0
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DSMTPS_VERSION='"$(VERSION)"' \
	  -Isrc $(PKG_CFLAGS) $(WARN) $(HARDEN_CFLAGS) $(CFLAGS) $(CPPFLAGS)

# Build tree: objects, unit tests and the linked binary of a build go
# under B (build/; the sanitizer build: build-san/), the libFuzzer build
# under build-fuzz/, the bench tools under build/bench/; src/ and tests/
# hold only sources.  ./smtps is a copy of build/smtps (the normal build
# only: a sanitizer binary never takes its place); the test targets run
# $(BIN), the binary of the build they are called for.
# $(B)/.buildflags
# holds the compiler, flags and link flags: when they change (another
# CFLAGS) every object of B is rebuilt.
B	?= build
BIN	= $(B)/smtps
SRCS	= $(wildcard src/*.c)
HDRS	= $(wildcard src/*.h)
MODS	= $(patsubst src/%.c,%,$(SRCS))
LIBMODS	= $(filter-out main,$(MODS))
objs	= $(patsubst %,$(B)/%.o,$(1))
OBJS	= $(call objs,$(MODS))
UNITS	= $(patsubst tests/unit/%.c,$(B)/unit/%,$(wildcard tests/unit/t_*.c))


all: pkgcheck $(BIN) $(if $(filter build,$(B)),smtps)

pkgcheck:
	@pkg-config --exists $(PKGS) || { \
	  echo "smtps: missing build packages (pkg-config $(PKGS));" \
	       "run 'make deps' as root, or: apt-get install libgnutls28-dev libbsd-dev libjson-c-dev libidn2-dev pkg-config" >&2; \
	  exit 1; }

smtps: build/smtps FORCE
	@cmp -s build/smtps $@ || { cp build/smtps $@.tmp && \
	  mv -f $@.tmp $@ && echo "smtps: copied from build/smtps"; }

# rewritten (newer than the objects) only when the flags differ
FLAGS_NOW = $(CC) $(ALL_CFLAGS) $(HARDEN_LDFLAGS) $(LDFLAGS)
differ	= $(subst $(1),,$(2))$(subst $(2),,$(1))
$(B)/.buildflags: FORCE
	@: $(shell mkdir -p $(B))$(if $(call differ,$(FLAGS_NOW),$(file <$@)),$(file >$@,$(FLAGS_NOW)))

$(BIN): $(OBJS) $(B)/.buildflags
	$(CC) $(ALL_CFLAGS) $(HARDEN_LDFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(PKG_LIBS)

$(B)/%.o: src/%.c $(HDRS) $(B)/.buildflags Makefile
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# each unit test links only the modules it needs (T_name), so a module can be
# tested while others are unfinished
T_addr	= addr path err
T_hdr	= hdr hdrlocal intl alias addr path err
T_msg	= msg longline qp hdrfold dot hdr hdrlocal intl alias addr path sum err
T_qp	= qp hdr hdrlocal intl alias addr path err
T_hdrfold = hdrfold hdr hdrlocal intl alias addr path err
T_intl	= intl addr path err
T_idna	= idna path err
T_conf	= conf confval subpolicy url secret fspath prompt netrc io diag err
T_account = account oauth2conf path $(T_conf)
T_reply	= reply err
T_dot	= dot
T_sum	= sum
T_sasl	= sasl scram err
T_scram	= $(T_sasl)
T_smtpauth = $(LIBMODS)
T_io	= io err
T_flags	= flags qcheck err
T_qcheck = qcheck err
T_queue	= queue fspath sum io err
T_dead	= dead fspath io err
T_path	= path err
T_alias	= alias addr path err
T_bsproto = bsproto addr path err
T_logline = logline err
T_socks	= socks err
T_url	= url err
T_httpresp = httpresp err
T_jdoc	= jdoc err
T_netrc	= netrc err
T_fspath = fspath err
T_subproto = subproto flags qcheck err
T_subpolicy = subpolicy err
T_diagnose = diagnose
T_presets = presets
.SECONDEXPANSION:
$(B)/unit/t_%: tests/unit/t_%.c tests/unit/t.h $$(call objs,$$(T_$$*)) \
    $(B)/.buildflags
	@mkdir -p $(B)/unit
	$(CC) $(ALL_CFLAGS) -Itests/unit $(HARDEN_LDFLAGS) $(LDFLAGS) -o $@ $< \
	  $(call objs,$(T_$*)) $(PKG_LIBS)

# install build and test packages (Debian, as root; no-op when present)
deps:
	sh tests/setup-deps.sh build
deps-test:
	sh tests/setup-deps.sh test
deps-deb:
	sh tests/setup-deps.sh deb

unit: $(UNITS)
	sh tests/run-unit.sh $(UNITS)

bats: $(BIN)
	SMTPS=$${SMTPS:-$(CURDIR)/$(BIN)} sh tests/bats/run.sh

check: deps-test
	$(MAKE) lint
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) bats
	$(MAKE) integration

# real Postfix + Dovecot submission servers and real clients (git send-email,
# s-nail), on loopback; as root it installs them with apt (not root: skipped,
# loudly).  See tests/integration/helper.bash.
integration: $(BIN)
	SMTPS=$${SMTPS:-$(CURDIR)/$(BIN)} sh tests/integration/run.sh

# ASan + UBSan binary (build-san/smtps) and test run with it
sanitize:
	$(MAKE) SAN=1 all

check-sanitize: deps-test
	$(MAKE) SAN=1 all
	$(MAKE) SAN=1 unit
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 MSGDIFF_COUNT=800 $(MAKE) SAN=1 bats

# libFuzzer targets (tests/fuzz/README): the library is compiled once
# with coverage + ASan/UBSan into FUZZ_OBJDIR, each target (FUZZ_DIR/fuzz_NAME)
# links it.
# `make fuzz-run FUZZ_SECONDS=N` runs every target N seconds from its seed
# corpus (tests/fuzz/seed/<name>, plus generated seeds); crashes land in
# tests/tmp/fuzz/crash/.  FUZZ_TARGETS=smtp,msg picks some.
FUZZ_DIR = build-fuzz
FUZZERS	= $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_OBJDIR = $(FUZZ_DIR)/obj
FUZZ_OBJS = $(patsubst %,$(FUZZ_OBJDIR)/%.o,$(LIBMODS))
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -DSMTPS_VERSION='"$(VERSION)"' -Isrc \
	  $(PKG_CFLAGS) -g -O1 -fno-omit-frame-pointer
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: $(FUZZERS)
.PRECIOUS: $(FUZZ_OBJDIR)/%.o
$(FUZZ_OBJDIR)/%.o: src/%.c $(HDRS) Makefile
	@mkdir -p $(FUZZ_OBJDIR)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
	  $(FUZZ_OBJS) $(PKG_LIBS)
fuzz-run: $(FUZZERS)
	FUZZ_DIR=$(CURDIR)/$(FUZZ_DIR) sh tests/fuzz/run.sh $(FUZZ_SECONDS) \
	  $(FUZZ_TARGETS)

# hostile SMTP server fuzzer (tests/hostile/README) against the ASan+UBSan
# binary: HOSTILE_SECONDS of mutated sessions from seed HOSTILE_SEED
# HOSTILE_XFAIL: classes of violations of a known open bug to report as
# XFAIL instead of failing (hostile.py --xfail; e.g. stray-2xx); empty:
# none is known, every violation fails the run
HOSTILE_SECONDS ?= 120
HOSTILE_SEED ?= 1
HOSTILE_XFAIL ?=
hostile: $(BIN)
	rm -rf tests/tmp/hostile && mkdir -p tests/tmp/hostile
	python3 tests/hostile/hostile.py --smtps $${SMTPS:-$(CURDIR)/$(BIN)} \
	  --seconds $(HOSTILE_SECONDS) --seed $(HOSTILE_SEED) \
	  --workdir tests/tmp/hostile $(HOSTILE_XFAIL:%=--xfail %)

# valgrind (memcheck) over the Bats suites that deliver (tests/valgrind.sh):
# any memcheck error or definite leak ("==PID==" lines; valgrind's own
# "--PID--" warnings, e.g. its missing pidfd_open, are not) fails the run
VALGRIND_SUITES ?= envelope message chunking lmtp auth tls queue longlines intl doctor
VG_LOGS = $(CURDIR)/tests/tmp/valgrind
valgrind: $(BIN)
	rm -rf $(VG_LOGS) && mkdir -p $(VG_LOGS)
	SMTPS=$(CURDIR)/tests/valgrind.sh SMTPS_REAL=$(CURDIR)/$(BIN) \
	  VALGRIND_LOGS=$(VG_LOGS) bats --tap $(VALGRIND_SUITES:%=tests/bats/%.bats)
	@n=$$(ls $(VG_LOGS) | grep -c '^vg\.'); bad=$$(grep -lE '^==[0-9]+==' $(VG_LOGS)/vg.*); \
	if [ -n "$$bad" ]; then cat $$bad; \
	  echo "valgrind: errors or definite leaks in $$(echo $$bad | wc -w) of $$n runs" >&2; exit 1; fi; \
	[ "$$n" -gt 0 ] || { echo "valgrind: smtps never ran" >&2; exit 1; }; \
	echo "valgrind: $$n smtps runs, 0 errors, 0 definite leaks"

# CI's fuzzing stage: every libFuzzer target >= 60 s, the hostile fuzzer
# against a sanitizer build, valgrind over the delivery suites
# SIGKILL at every system call of a send, a -q and a flusher pass
# (tests/crash/killpoints.bats): nothing committed is lost, a duplicate
# only after the final dot and then disclosed.  KILLPOINTS_STEP=N kills
# at every Nth call only (quicker local runs).
KILLPOINTS_STEP ?= 1
killpoints: $(BIN)
	SMTPS=$(CURDIR)/$(BIN) KILLPOINTS_STEP=$(KILLPOINTS_STEP) \
	  bats --tap tests/crash/killpoints.bats

fuzz-ci: deps-test
	$(MAKE) fuzz-run FUZZ_SECONDS=60
	$(MAKE) SAN=1 SAN_EXTRA=-Werror all
	ASAN_OPTIONS=detect_leaks=1 $(MAKE) SAN=1 SAN_EXTRA=-Werror hostile \
	  HOSTILE_SECONDS=180
	$(MAKE) valgrind CFLAGS='-O1 -g'
	$(MAKE) killpoints

demo: deps-test
	$(MAKE) all
	sh tests/demo.sh

# benchmark against msmtp (the performance targets; tests/bench/run.sh): prints a table,
# never fails the build, not part of `make check`.  BENCH_QUICK=1: smoke run
BENCH_BIN = build/bench
BENCH_TOOLS = $(patsubst tests/bench/%.c,$(BENCH_BIN)/%,$(wildcard tests/bench/*.c))
$(BENCH_BIN)/%: tests/bench/%.c
	@mkdir -p $(BENCH_BIN)
	$(CC) -std=c11 -O2 -g $(WARN) -o $@ $< `pkg-config --cflags --libs gnutls`
bench: $(BIN) $(BENCH_TOOLS)
	-SMTPS=$${SMTPS:-$(CURDIR)/$(BIN)} BENCH_BIN=$(CURDIR)/$(BENCH_BIN) sh tests/bench/run.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SHAREDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/smtps
	install -m 0644 man/smtps.1 $(DESTDIR)$(MANDIR)/man1/smtps.1
	install -m 0644 man/smtps-mailrc.5 $(DESTDIR)$(MANDIR)/man5/smtps-mailrc.5
	install -m 0644 mailrc.sample $(DESTDIR)$(SHAREDIR)/mailrc.sample
	install -d $(DESTDIR)$(SYSCONFDIR)/smtps
	[ -e $(DESTDIR)$(SYSCONFDIR)/smtps/mailrc ] || \
	  install -m 0644 mailrc.sample $(DESTDIR)$(SYSCONFDIR)/smtps/mailrc
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
	  $(DESTDIR)$(FISHCOMPDIR)
	install -m 0644 completions/smtps.bash $(DESTDIR)$(BASHCOMPDIR)/smtps
	install -m 0644 completions/_smtps $(DESTDIR)$(ZSHCOMPDIR)/_smtps
	install -m 0644 completions/smtps.fish $(DESTDIR)$(FISHCOMPDIR)/smtps.fish

# sendmail, mailq and newaliases as links to smtps (SBINDIR/sendmail,
# BINDIR/mailq, BINDIR/newaliases); an existing sendmail that is not smtps
# is left alone unless FORCE=1.  The links are relative (Debian policy
# 10.5) when BINDIR and SBINDIR share a parent, so they also work inside
# DESTDIR; else sendmail is an absolute link.
SENDMAIL_LINK = $(if $(filter $(dir $(BINDIR)),$(dir $(SBINDIR))),../$(notdir $(BINDIR))/smtps,$(BINDIR)/smtps)
install-sendmail: install
	@t=$(DESTDIR)$(SBINDIR)/sendmail; l=$$(readlink "$$t"); \
	if [ -e "$$t" ] && [ "$$l" != "$(SENDMAIL_LINK)" ] && \
	   [ "$$l" != "$(BINDIR)/smtps" ] && [ "$(FORCE)" != 1 ]; then \
	  echo "smtps: $$t exists and is not smtps; make install-sendmail FORCE=1 replaces it" >&2; \
	  exit 1; fi
	install -d $(DESTDIR)$(SBINDIR)
	ln -sf $(SENDMAIL_LINK) $(DESTDIR)$(SBINDIR)/sendmail
	ln -sf smtps $(DESTDIR)$(BINDIR)/mailq
	ln -sf smtps $(DESTDIR)$(BINDIR)/newaliases
	for n in sendmail newaliases; do \
	  ln -sf smtps $(DESTDIR)$(BASHCOMPDIR)/$$n; \
	  ln -sf smtps.fish $(DESTDIR)$(FISHCOMPDIR)/$$n.fish; done

# the systemd units (dist/systemd/: the submission socket and service, the
# system queue's timer, the per-user queue timer) and the cron.d fallback
# (dist/cron/smtps), with BINDIR's smtps in their command lines.  Enabling
# them is the admin's (or the package's) job: systemctl enable --now
# smtps.socket smtps-queue.timer
UNITS_SYS = $(wildcard dist/systemd/system/*)
UNITS_USER = $(wildcard dist/systemd/user/*)
install-systemd:
	install -d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(USERUNITDIR) \
	  $(DESTDIR)$(SYSCONFDIR)/cron.d
	for f in $(UNITS_SYS); do sed 's|/usr/bin/smtps|$(BINDIR)/smtps|g' \
	  $$f >$(DESTDIR)$(SYSTEMDUNITDIR)/$${f##*/} && \
	  chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${f##*/} || exit 1; done
	for f in $(UNITS_USER); do sed 's|/usr/bin/smtps|$(BINDIR)/smtps|g' \
	  $$f >$(DESTDIR)$(USERUNITDIR)/$${f##*/} && \
	  chmod 0644 $(DESTDIR)$(USERUNITDIR)/$${f##*/} || exit 1; done
	sed 's|/usr/bin/smtps|$(BINDIR)/smtps|g' dist/cron/smtps \
	  >$(DESTDIR)$(SYSCONFDIR)/cron.d/smtps
	chmod 0644 $(DESTDIR)$(SYSCONFDIR)/cron.d/smtps

# the Debian package (debian/, debhelper): built from a copy of the tree
# in DEB_DIR (dpkg-buildpackage writes its results next to the source
# tree), then lintian, which must report no error and no warning.
# Results: DEB_DIR/smtps_VERSION_ARCH.deb and .changes.  Needs
# `sh tests/setup-deps.sh deb`.
DEB_DIR	= build/deb
DEB_SRC	= $(DEB_DIR)/smtps-$(VERSION)
deb:
	@v=$$(dpkg-parsechangelog -S Version); [ "$$v" = "$(VERSION)" ] || { \
	  echo "smtps: debian/changelog says $$v, the Makefile $(VERSION)" >&2; \
	  exit 1; }
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_SRC)
	tar -cf - --exclude-vcs --exclude=./build --exclude='./build-*' \
	  --exclude=./tests/tmp --exclude=./smtps \
	  --exclude=./smtps.tmp . | tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	  DEB_BUILD_OPTIONS="$${DEB_BUILD_OPTIONS:-parallel=2}" \
	  dpkg-buildpackage -us -uc
	lintian --fail-on error,warning --info $(DEB_DIR)/smtps_$(VERSION)_*.changes

# the package in a debootstrap'ed bookworm chroot (tests/deb/run.sh; root)
deb-test:
	sh tests/setup-deps.sh deb
	sh tests/deb/run.sh

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/smtps $(DESTDIR)$(MANDIR)/man1/smtps.1 \
	  $(DESTDIR)$(MANDIR)/man5/smtps-mailrc.5 $(DESTDIR)$(SHAREDIR)/mailrc.sample \
	  $(DESTDIR)$(BASHCOMPDIR)/smtps $(DESTDIR)$(ZSHCOMPDIR)/_smtps \
	  $(DESTDIR)$(FISHCOMPDIR)/smtps.fish
	for f in $(DESTDIR)$(SBINDIR)/sendmail $(DESTDIR)$(BINDIR)/mailq \
	  $(DESTDIR)$(BINDIR)/newaliases; do \
	  case "$$(readlink "$$f")" in \
	  smtps|$(SENDMAIL_LINK)|$(BINDIR)/smtps) rm -f "$$f" ;; esac; done
	for n in sendmail newaliases; do \
	  rm -f $(DESTDIR)$(BASHCOMPDIR)/$$n $(DESTDIR)$(FISHCOMPDIR)/$$n.fish; done

lint-man:
	mandoc -Tlint -Wwarning man/smtps.1 man/smtps-mailrc.5

# the tree's written rules (HACKING, "make lint"): function length, banned
# functions, include layering, mandoc -Tlint, 80 columns
lint:
	sh tests/lint.sh

# the binary carries the hardening set (devscripts' hardening-check).
# Control flow protection is not required: Debian's toolchain (crt files)
# carries no IBT/SHSTK note, so no program linked there has it.
check-hardening: smtps
	hardening-check --nocfprotection smtps

clean-obj:
	rm -f build/*.o build-san/*.o $(FUZZ_OBJDIR)/*.o
clean:
	rm -rf build build-san $(FUZZ_DIR) tests/tmp
	rm -f smtps smtps.tmp
FORCE:

.PHONY: all pkgcheck deps deps-test unit bats integration check sanitize check-sanitize check-hardening \
	fuzz fuzz-run fuzz-ci hostile valgrind killpoints bench demo install install-sendmail \
	install-systemd deb deb-test deps-deb uninstall lint lint-man \
	clean clean-obj FORCE
