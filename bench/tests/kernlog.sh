#!/bin/sh
# The kernel log of the whole boot, read after the other tests of a plan
# line: meant as the last test of the sanitizer boots (bench/tests/
# plan-sanitizers), where the tests before it only look at their own
# symptoms.
# 1. The kernel is the one the plan line asked for: KASAN is built in
#    (kasan_report in /proc/kallsyms) on a KASAN kernel, KCSAN
#    (__tsan_read8) on a KCSAN kernel (TRS_EXPECT_SANITIZER=kasan|kcsan;
#    unset: not checked).
# 2. No report anywhere in the log since boot: KASAN ("BUG: KASAN"),
#    KCSAN ("BUG: KCSAN"), UBSAN, any other BUG/WARNING/Oops, lockdep
#    ("possible circular locking", "inconsistent lock state", "lockdep is
#    turned off", ...),
#    sleeping in atomic context, RCU stalls, soft/hard lockups, hung tasks.
#    The first lines of each report are printed as diagnostics.
. /trs/bench/lib/common.sh
. $TRS_BENCH/lib/tap.sh
log=/tmp/kernlog.dmesg
dmesg > $log
# (the boot's own "initialized" line may have left the 128 KB ring by now:
# the kernel's symbols say it instead)
case ${TRS_EXPECT_SANITIZER:-} in
kasan) check "KASAN is on (kasan_report in /proc/kallsyms)" grep -q ' kasan_report$' /proc/kallsyms ;;
kcsan) check "KCSAN is on (__tsan_read8 in /proc/kallsyms)" grep -q ' __tsan_read8$' /proc/kallsyms ;;
esac
# the ring keeps the last 128 KB; error-level lines (every sanitizer report)
# also went to the console, which bench/run-checks scans on the host
first=$(sed -n '1s/^\[ *\([0-9]*\)\..*/\1/p' $log)
[ "${first:-0}" -eq 0 ] || diag "the kernel log starts at ${first} s: earlier lines left the ring (the host scans the console)"
# (not a bare "lockdep": the boot says "RCU lockdep checking is enabled";
# not a bare "KCSAN": its banner names CONFIG_KCSAN_STRICT)
pat='BUG:|WARNING:|Oops|UBSAN|KASAN:|KCSAN:|possible circular locking|inconsistent lock state|possible recursive locking|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|lockdep is turned off|sleeping function called from invalid context|self-detected stall|rcu: INFO|soft lockup|hard LOCKUP|blocked for more than'
n=$(grep -cE "$pat" $log)
if [ "$n" -gt 0 ]; then
	grep -nE "$pat" $log | head -n 10 | while IFS= read -r l; do diag "$l"; done
	first=$(grep -nE "$pat" $log | head -n 1 | cut -d: -f1)
	sed -n "$first,$((first + 40))p" $log | while IFS= read -r l; do diag "$l"; done
fi
check "no report in the kernel log since boot ($n lines matched)" [ "$n" -eq 0 ]
tap_done
