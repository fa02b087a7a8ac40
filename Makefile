# tcp-recv-sched: top-level driver. `make help` lists the targets.
#
# Build outputs go to build/ (in the repo, ignored by git); the kernel tree,
# its objects and ccache live in $(TRS_CACHE), outside the repo.

TRS_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/tcp-recv-sched
KVARIANT ?= default
BUILD := $(CURDIR)/build
GUEST_BIN := $(BUILD)/guest-bin
INITRAMFS := $(BUILD)/initramfs.cpio.gz
KERNEL := $(TRS_CACHE)/out/$(KVARIANT)/bzImage
export TRS_CACHE KVARIANT

# Debian packages the project needs (build, guest userland, tests, charts).
DEB_PACKAGES := gcc make libc6-dev flex bison bc libelf-dev libssl-dev cpio \
	xz-utils rsync ccache kmod perl python3 linux-source-6.12 \
	qemu-system-x86 busybox-static iperf3 iproute2 procps util-linux \
	libcmocka-dev valgrind gnuplot-nox python3-ply python3-git git
# What the host tests alone need (make check-host): the tool's unit tests
# (cmocka, valgrind) and the analyzers' (python3, gnuplot).
HOST_PACKAGES := gcc make libc6-dev libcmocka-dev valgrind python3 gnuplot-nox

.PHONY: help deps tool install bench-bin guest-bin initramfs kernel kernel-debug kernel-upstream \
	check check-host check-guest check-timing check-sanitizers demo bench bench-full plots docs-img \
	checkpatch clean rcvbuf backlog

help:
	@echo "tcp-recv-sched - make targets"
	@echo "  demo          build everything, boot the guest, run the default experiment, draw charts"
	@echo "  check         all tests: host unit tests, guest tests (both preemption models, debug kernel)"
	@echo "  check-host    host-only tests (the tcp-recv-sched tool's unit tests, valgrind; the analyzers')"
	@echo "  check-guest   guest tests on the $(KVARIANT) kernel"
	@echo "  check-timing  the timed guest checks (starvation-limit bounds); run on a quiet host"
	@echo "  check-sanitizers  the stress test on KASAN and KCSAN kernels; any report fails"
	@echo "  deps          install the Debian packages the project needs (root; apt-get)"
	@echo "  tool          build the tcp-recv-sched tool into build/ (needs only a C compiler)"
	@echo "  install       install the tool and its man page (PREFIX=/usr/local DESTDIR=)"
	@echo "  bench-bin     build the benchmark helpers (load generator) into build/"
	@echo "  kernel        build the guest kernel (KVARIANT=default|debug|upstream) in \$$TRS_CACHE"
	@echo "  kernel-debug  build the debug (lockdep) guest kernel"
	@echo "  kernel-upstream  build pristine 6.12 + the receive-window fix alone (kernel-patch/upstream)"
	@echo "  initramfs     build the guest initramfs (Debian binaries + project files)"
	@echo "  bench         run an experiment (bench/run EXP, default.exp): results, summary, charts in one folder"
	@echo "  bench-full    run the whole benchmark grid (hours)"
	@echo "  rcvbuf        the receive-window collapse experiment, 6.12 as shipped vs fix (issue 8)"
	@echo "  backlog       where socket backlog parking is large, and modes 1-3 there (issue 7; EXP=...)"
	@echo "  plots         draw the charts of the last benchmark run into build/plots/"
	@echo "  docs-img      copy the reference run's charts into docs/img/"
	@echo "  checkpatch    run scripts/checkpatch.pl --strict on the patch series"
	@echo "  clean         remove build/ (the kernel cache stays; rm -rf \$$TRS_CACHE for that)"
	@echo "Variables: TRS_CACHE=$(TRS_CACHE) KVARIANT=$(KVARIANT)"

deps:
	@bench/deps.sh $(DEB_PACKAGES)

# Needs only a C compiler and make: no deps (check-host needs libcmocka-dev).
tool:
	$(MAKE) -C sysctl-tool BUILD=$(BUILD)

# PREFIX=/usr/local DESTDIR= : $(DESTDIR)$(PREFIX)/sbin and share/man/man8
install: tool
	$(MAKE) -C sysctl-tool BUILD=$(BUILD) install

bench-bin: deps
	$(MAKE) -C bench BUILD=$(BUILD)

guest-bin: tool bench-bin
	@rm -rf $(GUEST_BIN) && mkdir -p $(GUEST_BIN)
	cp $(BUILD)/sysctl-tool/tcp-recv-sched $(GUEST_BIN)/
	cp $(BUILD)/bench/bin/* $(GUEST_BIN)/

initramfs: guest-bin
	bench/mkinitramfs.sh $(INITRAMFS) $(GUEST_BIN)

kernel: deps
	kernel-patch/build-kernel.sh

kernel-debug: deps
	KVARIANT=debug kernel-patch/build-kernel.sh

kernel-upstream: deps
	KVARIANT=upstream kernel-patch/build-kernel.sh

check-host: tool
	@bench/deps.sh $(HOST_PACKAGES)
	$(MAKE) -C sysctl-tool BUILD=$(BUILD) check
	plots/test-analyze
	bench/tests/host-exp.sh
	$(MAKE) -C bench BUILD=$(abspath $(BUILD)) $(abspath $(BUILD))/bench/bin/trs-lat
	bench/tests/host-lat.sh

check-guest: kernel initramfs
	bench/run-checks guest $(KVARIANT)

# The worst-wait bounds are not judged here (TRS_TIMING=0: reported as
# skipped); `make check-timing` judges them (docs/testbed.md, "Timed checks").
check: deps
	TRS_TIMING=$${TRS_TIMING:-0} bench/run-checks all

check-timing: kernel initramfs
	TRS_PLAN=bench/tests/plan-timing TRS_TIMING=1 bench/run-checks guest default

check-sanitizers: deps initramfs
	TRS_PLAN=bench/tests/plan-sanitizers bench/run-checks guest

bench: kernel initramfs
	bench/run $(or $(EXP),bench/experiments/default.exp)

bench-full: kernel initramfs
	bench/run bench/experiments/full.exp

rcvbuf: kernel initramfs
	bench/run $(or $(EXP),bench/experiments/rcvbuf-collapse.exp)

backlog: kernel initramfs
	bench/run $(or $(EXP),bench/experiments/backlog-explore.exp)

plots:
	plots/draw $(BUILD)/results/latest $(BUILD)/plots
	plots/tables $(BUILD)/results/latest > $(BUILD)/plots/tables.md

docs-img: plots
	plots/refresh-docs $(BUILD)/plots docs/img

demo: kernel initramfs
	bench/run bench/experiments/default.exp
	@echo "charts and summary.md: $(BUILD)/results/latest/"

checkpatch: deps
	kernel-patch/checkpatch.sh

clean:
	rm -rf $(BUILD)
