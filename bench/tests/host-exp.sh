#!/usr/bin/env bash
# bench/tests/host-exp.sh - host test of bench/lib/exp.sh and the experiment
# files (no guest, no QEMU; run by `make check-host` and bench/run-checks).
#
# 1. Every bench/experiments/*.exp loads under its own driver (its driver=
#    line) and fails under each other driver, the message naming the file's
#    driver and the command to use; under bash, sh and busybox sh (when
#    installed; with busybox's awk, sed, tr and tail, as in the guest).
# 2. exp_load fails, naming the problem: a planted unknown key (and its
#    line), another driver's key (and the driver that reads it), no driver=
#    line (and the driver the keys fit), an unknown driver, a line that is
#    not key=value, a missing key the driver needs; exp_get returns the last
#    value, the default for a missing or empty key, and fails for a key the
#    loaded driver does not read.
# 3. The host drivers (bench/run, bench/run-experiment, bench/sweep-run)
#    exit 2 on another driver's file or a bad one and create nothing (run with an empty
#    TRS_CACHE and TRS_KERNEL=/nonexistent, so nothing could boot anyway).
# 4. Docs and code agree: the key table of bench/experiments/README.md has
#    the same keys with the same drivers as exp.sh's table, and each
#    driver's scripts call exp_load with their driver, have no get() of
#    their own, and ask exp_get only for keys their driver reads.
# 5. plots/trs_results.exp_rounds reads rounds=, and repeat= / runs= of runs
#    stored before the rename.
# Prints a line per check group and per failure, then "exp: N passed, M
# failed"; exit status 1 if any check failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bench=$(dirname "$here")
top=$(dirname "$bench")
lib=$bench/lib/exp.sh
expdir=$bench/experiments
readme=$expdir/README.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 failn=0

ok() { pass=$((pass + 1)); }
fail() { failn=$((failn + 1)); echo "FAIL - $*"; }
# check NAME CMD...: one check, silent when it passes (status 0 either way)
check() { local n=$1; shift; if "$@"; then ok; else fail "$n"; fi; }
has() { case $1 in *$2*) ;; *) return 1 ;; esac; }	# has TEXT PART

# The shells to run exp.sh under: "bash", "sh" and "bb" (busybox sh with
# busybox's text tools first in PATH, like the guest).
shells="bash sh"
if command -v busybox > /dev/null; then
	mkdir -p "$tmp/bb"
	for t in awk sed tr tail; do ln -s "$(command -v busybox)" "$tmp/bb/$t"; done
	shells="$shells bb"
fi
# run_sh SHELL SCRIPT: SCRIPT after sourcing exp.sh; stdout and stderr merged
run_sh() {
	case $1 in
	bb) PATH=$tmp/bb:$PATH busybox sh -c ". '$lib'; $2" 2>&1 ;;
	*) "$1" -c ". '$lib'; $2" 2>&1 ;;
	esac
}
# loads SHELL DRIVER FILE: exp_load's messages in $msg, true if it loaded
loads() { msg=$(run_sh "$1" "exp_load '$2' '$3'"); }
# rejects SHELL DRIVER FILE PATTERN...: exp_load fails, each PATTERN (grep -E) in its messages
rejects() {
	local sh=$1 drv=$2 f=$3 p; shift 3
	if loads "$sh" "$drv" "$f"; then echo "  exp_load $drv $f loaded"; return 1; fi
	for p in "$@"; do
		echo "$msg" | grep -qE -- "$p" || { echo "  no /$p/ in:"; echo "$msg" | sed 's/^/    /'; return 1; }
	done
}
drivers=$(bash -c ". '$lib'; echo \$EXP_DRIVERS")
command_of() { case $1 in grid) echo "bench/run-experiment" ;; *) echo "bench/sweep-run $1" ;; esac; }

# 1
for sh in $shells; do
	nf=0 f0=$failn
	for f in "$expdir"/*.exp; do
		nf=$((nf + 1))
		own=$(sed -n 's/^driver=//p' "$f" | tail -n 1)
		if [ -z "$own" ]; then fail "[$sh] $(basename "$f") has no driver= line"; continue; fi
		if loads "$sh" "$own" "$f" && [ -z "$msg" ]; then ok
		else fail "[$sh] $(basename "$f") does not load under its driver $own:"; echo "$msg" | sed 's/^/    /'; fi
		for d in $drivers; do
			[ "$d" = "$own" ] && continue
			check "[$sh] $(basename "$f") is refused by driver $d" \
				rejects "$sh" "$d" "$f" "driver=$own: this is a $own experiment, not $d" "$(command_of "$own") $f"
		done
	done
	echo "$([ $failn = "$f0" ] && echo ok || echo FAIL) - [$sh] the $nf experiment files load under their own driver only"
done

# 2
printf 'driver=grid\nmodels=full\n# a comment\n\nrounds=2\nseconds=3\ncolour=blue\nrounds=7\nrate=\n' > "$tmp/unknown.exp"
printf 'driver=grid\nmodels=full\naware=0 1\n' > "$tmp/other.exp"
grep -v '^driver=' "$expdir/default.exp" > "$tmp/nodriver.exp"
grep -v '^driver=' "$expdir/rcvq-smoke.exp" > "$tmp/nodriver-rcvbuf.exp"
printf 'driver=sweep\nmodels=full\n' > "$tmp/baddriver.exp"
printf 'driver=grid\nmodels = full\n  seconds=3\n' > "$tmp/syntax.exp"
grep -v '^aware=' "$expdir/rcvq-smoke.exp" > "$tmp/noaware.exp"
printf 'driver=grid\ndriver=rcvbuf\n' > "$tmp/twodrivers.exp"
for sh in $shells; do
	f0=$failn
	check "[$sh] an unknown key fails, naming the key and its line" \
		rejects "$sh" grid "$tmp/unknown.exp" "unknown.exp:7: unknown key colour"
	check "[$sh] a key of another driver fails, naming the driver that reads it" \
		rejects "$sh" grid "$tmp/other.exp" "other.exp:3: key aware: grid does not read it \(rcvbuf reads it\)"
	check "[$sh] a file without driver= fails, naming the driver its keys fit" \
		rejects "$sh" grid "$tmp/nodriver.exp" "nodriver.exp: no driver= line: .*add driver=grid"
	check "[$sh] a rcvbuf file without driver= fails under grid, naming rcvbuf and its command" \
		rejects "$sh" grid "$tmp/nodriver-rcvbuf.exp" "no driver= line: .*add driver=rcvbuf and run it with bench/sweep-run rcvbuf"
	check "[$sh] an unknown driver fails" \
		rejects "$sh" grid "$tmp/baddriver.exp" "baddriver.exp:1: driver=sweep: no such driver"
	check "[$sh] lines that are not key=value fail, one message each" \
		rejects "$sh" grid "$tmp/syntax.exp" "syntax.exp:2: not key=value" "syntax.exp:3: not key=value"
	check "[$sh] a missing key the driver needs fails, naming it" \
		rejects "$sh" rcvbuf "$tmp/noaware.exp" "noaware.exp: key aware is missing: rcvbuf needs it"
	check "[$sh] two different driver= lines fail" \
		rejects "$sh" grid "$tmp/twodrivers.exp" "twodrivers.exp:2: driver=rcvbuf after driver=grid"
	check "[$sh] a missing file fails" rejects "$sh" grid "$tmp/none.exp" "none.exp: cannot read"
	check "[$sh] an unknown driver asked for fails" rejects "$sh" sweep "$expdir/smoke.exp" "no driver 'sweep'"
	sed '/^colour=/d' "$tmp/unknown.exp" > "$tmp/get.exp"
	out=$(run_sh "$sh" "exp_load grid '$tmp/get.exp' || echo load-failed
		echo \"rounds=\$(exp_get rounds 3) loss=\$(exp_get loss 0) rate=\$(exp_get rate none) seconds=\$(exp_get seconds)\"
		exp_get aware 0 || echo get-failed")
	check "[$sh] exp_get: the last value, the default for a missing or empty key; a key the driver does not read fails" \
		[ "$out" = "rounds=7 loss=0 rate=none seconds=3
exp_get: aware is not a key of driver 'grid' (bench/lib/exp.sh)
get-failed" ]
	[ $failn = "$f0" ] || echo "  exp_get said: $out"
	echo "$([ $failn = "$f0" ] && echo ok || echo FAIL) - [$sh] exp_load refuses bad files, naming the key; exp_get"
done

# 3
f0=$failn
export TRS_CACHE=$tmp/cache TRS_KERNEL=/nonexistent
set +e
# refused RC OUTDIR MSG PART: exit status 2, OUTDIR not created, PART in MSG
refused() { [ "$1" = 2 ] && [ ! -e "$2" ] && has "$3" "$4"; }
msg=$("$bench/run-experiment" -q -o "$tmp/re-out" "$expdir/rcvq-smoke.exp" 2>&1); rc=$?
check "run-experiment on a rcvbuf file: exit 2 (was $rc), nothing created, the command named" \
	refused "$rc" "$tmp/re-out" "$msg" "run it with bench/sweep-run rcvbuf"
msg=$("$bench/sweep-run" rcvbuf "$expdir/smoke.exp" "$tmp/sr-out" 2>&1); rc=$?
check "sweep-run rcvbuf on a grid file: exit 2 (was $rc), nothing created, the command named" \
	refused "$rc" "$tmp/sr-out" "$msg" "run it with bench/run-experiment"
msg=$("$bench/sweep-run" backlog "$expdir/rcvq-smoke.exp" "$tmp/sb-out" 2>&1); rc=$?
check "sweep-run backlog on a rcvbuf file: exit 2 (was $rc), nothing created, the command named" \
	refused "$rc" "$tmp/sb-out" "$msg" "run it with bench/sweep-run rcvbuf"
msg=$("$bench/sweep-run" backlog "$tmp/unknown.exp" "$tmp/sb-out" 2>&1); rc=$?
check "sweep-run backlog on a file with an unknown key: exit 2 (was $rc), the key named" \
	refused "$rc" "$tmp/sb-out" "$msg" "unknown key colour"
msg=$("$bench/run" "$tmp/unknown.exp" "$tmp/run-out" 2>&1); rc=$?
check "run on a file with an unknown key: exit 2 (was $rc), nothing created, the key named" \
	refused "$rc" "$tmp/run-out" "$msg" "unknown key colour"
printf 'driver=sweep\nn=1\n' > "$tmp/baddriver.exp"
msg=$("$bench/run" "$tmp/baddriver.exp" "$tmp/run-out" 2>&1); rc=$?
check "run on a file with driver=sweep: exit 2 (was $rc), nothing created, the drivers named" \
	refused "$rc" "$tmp/run-out" "$msg" "drivers: grid rcvbuf backlog"
set -e
[ $failn = "$f0" ] || echo "  the last message: $msg"
unset TRS_CACHE TRS_KERNEL
echo "$([ $failn = "$f0" ] && echo ok || echo FAIL) - the host drivers exit 2 before anything on a wrong file"

# 4
f0=$failn
# "key drivers" lines, drivers sorted, "*" after one that needs the key
bash -c ". '$lib'; printf '%s\n' \"\$EXP_KEYS\"" | awk 'NF >= 2 {
	s = ""; for (i = 2; i <= NF; i++) s = s " " $i; print $1 s }' |
	while read -r k ds; do echo "$k $(echo $ds | tr ' ' '\n' | sort | tr '\n' ' ')"; done | sort > "$tmp/code"
# the README's table: the rows after the header "| key | drivers |", up to the first line not a row
awk -F'|' 'index($0, "| key | drivers |") == 1 { t = 1; next } t && !/^[|]/ { exit }
	t && $2 !~ /^-+$/ {
		k = $2; gsub(/[ `]/, "", k)
		n = split($3, d, ","); s = ""
		for (i = 1; i <= n; i++) { x = d[i]; r = sub(/\(required\)/, "", x); gsub(/ /, "", x); s = s " " x (r ? "*" : "") }
		print k s
	}' "$readme" |
	while read -r k ds; do echo "$k $(echo $ds | tr ' ' '\n' | sort | tr '\n' ' ')"; done | sort > "$tmp/doc"
check "exp.sh's table is not empty ($(wc -l < "$tmp/code") keys)" [ "$(wc -l < "$tmp/code")" -ge 10 ]
check "README's key table is found ($(wc -l < "$tmp/doc") keys)" [ "$(wc -l < "$tmp/doc")" -ge 10 ]
while read -r line; do fail "in exp.sh, not in the README's key table as such: $line"; done < <(comm -23 "$tmp/code" "$tmp/doc")
while read -r line; do fail "in the README's key table, not in exp.sh as such: $line"; done < <(comm -13 "$tmp/code" "$tmp/doc")
[ -n "$(comm -3 "$tmp/code" "$tmp/doc")" ] || ok
# the drivers' scripts: DRIVER(S) SCRIPT
no_own_get() { ! grep -qE '^[[:space:]]*get[[:space:]]*\(\)' "$1"; }
no_sed_get() { ! grep -qF 's/^$1=//p' "$1" && ! grep -qE 's/\^(models|analyze)=' "$1"; }
# no_default_get SCRIPT: every exp_get call names a key and nothing after it
no_default_get() { ! grep -qE 'exp_get [a-z_0-9]+ +[^ )|;]' "$1"; }
# loads_first SCRIPT DRIVER-WORD: "exp_load DRIVER-WORD "$exp" || ... exit 2" on one line
loads_first() { grep -F "exp_load $2 \"\$exp\" ||" "$1" | grep -q 'exit 2'; }
declare -A keys_of
for d in $drivers; do keys_of[$d]=" $(bash -c ". '$lib'; exp_keys $d" | tr '\n' ' ') "; done
while read -r ds script; do
	f="$top/$script"
	if [ ! -r "$f" ]; then fail "$script: not found"; continue; fi
	check "$script has no get() of its own" no_own_get "$f"
	check "$script reads no .exp key with sed" no_sed_get "$f"
	case $ds in
	*,*) check "$script loads its file first (exp_load \"\$name\" ... || exit 2)" loads_first "$f" '"$name"' ;;
	*) check "$script loads its file first (exp_load $ds ... || exit 2)" loads_first "$f" "$ds" ;;
	esac
	check "$script passes no default to exp_get (defaults are exp.sh's table)" \
		no_default_get "$f"
	for k in $(grep -oE 'exp_get [a-z_0-9]+' "$f" | awk '{ print $2 }' | sort -u); do
		for d in $(echo "$ds" | tr , ' '); do
			check "$script: exp_get $k: driver $d does not read $k" has "${keys_of[$d]}" " $k "
		done
	done
done <<'EOF'
grid bench/run-experiment
grid bench/guest/grid
rcvbuf,backlog bench/sweep-run
rcvbuf bench/guest/rcvbuf-sweep
backlog bench/guest/backlog-sweep
EOF
# the defaults: each value of EXP_DEFAULTS is in the README's default cell
# of its key, and exp_get without a value returns it for each driver
while IFS='|' read -r k ds v; do
	[ -n "$k" ] || continue
	cell=$(awk -F'|' -v k="\`$k\`" 'index($0, "| key | drivers |") == 1 { t = 1; next }
		t && !/^[|]/ { exit } t { x = $2; gsub(/ /, "", x); if (x == k) print $5 }' "$readme")
	w=$v; [ "$v" = @file ] && w="file name"
	check "default of $k ($v) is in the README's default cell" has "$cell" "$w"
	for d in $ds; do
		printf 'driver=%s\n' "$d" > "$tmp/def.exp"
		got=$(bash -c ". '$lib'; EXP_DRIVER=$d EXP_FILE='$tmp/def.exp' EXP_DRIVER_KEYS=\" \$(exp_keys $d | tr '\n' ' ') \"; exp_get $k")
		want=$v; [ "$v" = @file ] && want=def
		check "exp_get $k for $d without a value: the default '$want' (got '$got')" [ "$got" = "$want" ]
	done
done < <(bash -c ". '$lib'; printf '%s\n' \"\$EXP_DEFAULTS\"")
echo "$([ $failn = "$f0" ] && echo ok || echo FAIL) - the README's key table, exp.sh's table and the drivers' exp_get calls agree"

# 5
f0=$failn
py=$(PYTHONDONTWRITEBYTECODE=1 python3 - "$top/plots" <<'EOF' 2>&1
import sys
sys.path.insert(0, sys.argv[1])
import trs_results as tr
print(tr.exp_rounds({"rounds": "5", "repeat": "3"}), tr.exp_rounds({"repeat": "3"}),
      tr.exp_rounds({"runs": "20"}), tr.exp_rounds({}, "3"), tr.exp_rounds({"rounds": ""}, "1"))
EOF
) || true
check "trs_results.exp_rounds: rounds, else repeat, else runs, else the default (got: $py)" [ "$py" = "5 3 20 3 1" ]
echo "$([ $failn = "$f0" ] && echo ok || echo FAIL) - the analyzers' rounds of old and new experiment files"

echo "exp: $pass passed, $failn failed"
[ "$failn" = 0 ]
