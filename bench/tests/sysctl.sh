#!/bin/sh
# The three sysctls of the patch: defaults, bad input, privilege.
#
# 1. The files exist with the defaults of include/tcp_recv_sched.h:
#    enable 0, starvation_limit TRS_STARVATION_LIMIT_DEFAULT, yield_on_return 1.
# 2. Each accepts its extreme values, and rejects garbage and out-of-range
#    values with EINVAL ("Invalid argument"), keeping the old value.
# 3. An unprivileged user cannot write them (EACCES/EPERM), value kept.
# 4. Root in a new user namespace (same network namespace) cannot write
#    them: CAP_NET_ADMIN in the initial user namespace is required.
# 5. Root in a new user + network namespace does not see them at all
#    (registered for init_net only), so a container cannot grant itself CPU.
. /trs/bench/lib/common.sh
. $TRS_BENCH/lib/tap.sh

# write_err FILE VALUE: try to write VALUE, print the error text (empty = ok)
write_err() { sh -c "echo -n '$2' > $1" 2>&1 | sed 's/.*: //'; }

# 1
check "enable exists, default 0" [ "$(cat $KNOB_ENABLE 2>/dev/null)" = 0 ]
def=$(header_define TRS_STARVATION_LIMIT_DEFAULT)
check "starvation_limit exists, default $def" [ "$(cat $KNOB_LIMIT 2>/dev/null)" = "$def" ]
check "yield_on_return exists, default 1" [ "$(cat $KNOB_YIELD 2>/dev/null)" = 1 ]

# 2
emax=$(header_define TRS_ENABLE_MAX)
lmax=$(header_define TRS_STARVATION_LIMIT_MAX)
for spec in "$KNOB_ENABLE 0 $emax" "$KNOB_LIMIT 0 $lmax" "$KNOB_YIELD 0 1"; do
	set -- $spec
	f=$1 lo=$2 hi=$3 name=${1##*/}
	old=$(cat $f)
	e1=$(write_err $f $hi); v1=$(cat $f)
	e2=$(write_err $f $lo); v2=$(cat $f)
	check "$name accepts $hi and $lo" [ -z "$e1$e2" -a "$v1" = "$hi" -a "$v2" = "$lo" ]
	echo "$old" > $f
	for bad in $((hi + 1)) -1 abc 1x 99999999999999999999; do
		err=$(write_err $f "$bad")
		now=$(cat $f)
		check "$name rejects '$bad' with EINVAL ($err), keeps $old" \
			[ "$err" = "Invalid argument" -a "$now" = "$old" ]
	done
done

# 3
for f in $KNOB_ENABLE $KNOB_LIMIT $KNOB_YIELD; do
	old=$(cat $f)
	new=$((old == 0 ? 1 : 0))
	err=$($SETPRIV --reuid=65534 --regid=65534 --clear-groups sh -c "echo $new > $f" 2>&1 | sed 's/.*: //')
	check "unprivileged write to ${f##*/} fails ($err), value kept" \
		[ -n "$err" -a "$(cat $f)" = "$old" ]
done

# 4
for f in $KNOB_ENABLE $KNOB_LIMIT $KNOB_YIELD; do
	old=$(cat $f)
	new=$((old == 0 ? 1 : 0))
	err=$($UNSHARE -U -r sh -c "echo $new > $f" 2>&1 | sed 's/.*: //')
	check "root of a new user namespace cannot write ${f##*/} ($err)" \
		[ -n "$err" -a "$(cat $f)" = "$old" ]
done

# 5
seen=$($UNSHARE -U -r -n sh -c "ls $KNOB_DIR | grep -c tcp_recv_sched")
check "a new user+net namespace sees none of the knobs (saw $seen)" [ "$seen" = 0 ]
check "... while the initial namespace sees all three" \
	[ "$(ls $KNOB_DIR | grep -c tcp_recv_sched)" = 3 ]

tap_done
