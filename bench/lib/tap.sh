# lib/tap.sh - TAP output for the guest tests (sourced by bench/tests/*.sh).
#
# ok/fail print one test point each; check runs a command and reports it;
# diag prints a "# " line; tap_done prints the plan and returns non-zero if
# any point failed. A test file that dies before tap_done has no plan line,
# and the host-side summary counts it as failed.
_tap_n=0
_tap_failed=0

diag() { echo "# $*"; }
ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
fail() {
	_tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $*"
}
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP ${2:-}"; }
# check DESCRIPTION COMMAND...: one point, passing when COMMAND succeeds.
check() {
	_d=$1; shift
	if "$@"; then ok "$_d"; else fail "$_d"; fi
}
tap_done() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}

# check_no_new_splat T: one point, passing when the kernel log has no
# BUG/WARNING/Oops/UBSAN/KASAN/KCSAN/lockdep/sleeping-in-atomic report or
# Call Trace after the last line of T.dmesg0 (the caller's `dmesg >
# T.dmesg0` at its start); the new lines are left in T.dmesg.
check_no_new_splat() {
	dmesg > $1.dmesg1
	last=$(tail -n 1 $1.dmesg0) awk '{ l[NR] = $0; if (ENVIRON["last"] != "" && $0 == ENVIRON["last"]) p = NR }
		END { for (i = p + 1; i <= NR; i++) print l[i] }' $1.dmesg1 > $1.dmesg
	_splat=$(grep -E 'BUG:|WARNING:|Oops|UBSAN|KASAN|KCSAN|lockdep|circular locking|sleeping function called from invalid context|Call Trace' $1.dmesg | head -n 5)
	[ -z "$_splat" ] || diag "$_splat"
	check "no new splat in the kernel log ($(wc -l < $1.dmesg) new lines)" [ -z "$_splat" ]
}
