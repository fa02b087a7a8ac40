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
