#!/bin/sh
# The tcp-recv-sched tool against the real patched kernel.
#
# 1. show: the three knobs with their current values; -j is one JSON object
#    naming the three counters.
# 2. set: writes the values (read back from /proc), and rejects an
#    out-of-range value with exit 2 without writing anything.
# 3. sweep: a two-point sweep (enable 0,2) running a short flood records
#    two rows, with the settings, and restores the knobs afterwards.
. /trs/bench/lib/common.sh
. $TRS_BENCH/lib/tap.sh
T=$TRS_BIN/tcp-recv-sched
def=$(header_define TRS_STARVATION_LIMIT_DEFAULT)
trap 'knobs 0 $def 1' EXIT

# 1
out=$($T show); rc=$?
diag "$(echo "$out" | tr '\n' ' ')"
check "show exits 0" [ $rc = 0 ]
check "show prints enable 0" sh -c "echo '$out' | grep -Eq '^enable[ =]+0$'"
check "show prints starvation_limit $def" sh -c "echo '$out' | grep -Eq '^starvation_limit[ =]+$def'"
json=$($T -j show)
check "show -j names the counters" sh -c "echo '$json' | grep -q TCPRecvSchedGrants"

# 2
$T set enable=2 starvation_limit=1500 yield_on_return=0
check "set writes all three" [ "$(cat $KNOB_ENABLE)/$(cat $KNOB_LIMIT)/$(cat $KNOB_YIELD)" = 2/1500/0 ]
knobs 0 $def 1
$T set enable=1 starvation_limit=99999999 2>/dev/null; rc=$?
check "set with an out-of-range value exits 2 ($rc) and writes nothing" \
	[ $rc = 2 -a "$(cat $KNOB_ENABLE)" = 0 -a "$(cat $KNOB_LIMIT)" = $def ]

# 3
cat > /tmp/sweep-cmd.sh <<'EOS'
. /trs/bench/lib/common.sh
echo "seen_enable=$(cat $KNOB_ENABLE)"
$TRS_BIN/trs-hog -n 1 -t 1
EOS
$T sweep --enable 0,2 --out /tmp/sweep.tsv -- sh /tmp/sweep-cmd.sh; rc=$?
check "sweep exits 0" [ $rc = 0 ]
rows=$(($(wc -l < /tmp/sweep.tsv) - 1))
check "sweep wrote 2 rows ($rows)" [ "$rows" = 2 ]
check "the command saw the setting of its row" awk -F'\t' '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["enable"] != $c["seen_enable"] { bad = 1 } END { exit bad }' /tmp/sweep.tsv
check "sweep restored the knobs" [ "$(cat $KNOB_ENABLE)/$(cat $KNOB_LIMIT)/$(cat $KNOB_YIELD)" = 0/$def/1 ]
tap_done
