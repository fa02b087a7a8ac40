#!/bin/sh
# Bad input to the four sysctls of the series, alone and concurrently,
# beside a checksummed transfer.
#
# What Linux 6.12 does with a write to them (kernel/sysctl.c): enable,
# yield_on_return and rcvq_drain_aware use proc_dou8vec_minmax(),
# starvation_limit proc_douintvec_minmax() (all but rcvq_drain_aware
# through the series' proc_tcp_recv_sched() in sysctl_net_ipv4.c, which
# adds the CAP_NET_ADMIN check and, for enable, a mutex and the static
# key, switched only after a successful write); both end in
# do_proc_douintvec_w():
#  - leading isspace() characters are skipped; nothing left: EINVAL;
#  - proc_get_long(): a '-' is read as a sign and a negative number, "-0"
#    too, is EINVAL; the next character must be a digit ("+1", "abc":
#    EINVAL); the number is parsed in base 0 (strtoul_lenient: "0x2" is 2,
#    "010" is 8, "08" stops at the 8); 64-bit overflow or 21 characters
#    of digits is EINVAL; the character after the number must be ' ',
#    '\t' or '\n' ("1x", "1.0", "1\r": EINVAL);
#  - the number must fit an unsigned int and lie in [extra1, extra2],
#    checked before the store (a u8 is checked as an unsigned int, so
#    256 + v does not wrap to v), else EINVAL and nothing is stored;
#  - nothing after the first number and its whitespace is looked at:
#    "1 2" stores 1 and succeeds ("4 1" fails on the 4);
#  - a write of zero bytes returns 0 and stores nothing.
#
# 1. Sequential bad input, per sysctl, from a known value: out of range
#    (max+1, 256+1, 256+max, 65536, 65536+1 for the u8 ones, 2^32-1 for
#    the limit, 2^32, 2^32+1, 2^64, 2^64+1, twenty 9s), negative (-1, -0),
#    garbage (abc, 1x, +1, 08, 0x, 1.0, "1\r", 21 digits), whitespace
#    alone, a bad value followed by a good one: each write fails with
#    EINVAL and the value read back is unchanged. Whitespace around a
#    value (" v", "v ", "\tv\n", "v\n", "\n v\t"), a second value ("v 2"),
#    hex ("0xv"), octal ("010" = 8, limit) and the bounds are accepted and
#    store the parsed value. An empty write succeeds and changes nothing.
# 2. Beside a 2-stream trs-stream transfer (receiver pinned to CPU 1,
#    sender to CPU 0, 1 ms each way), for TRS_BADINPUT_SECONDS (20): one
#    writer pinned to each CPU writes a random mix of valid and invalid
#    values to all four sysctls (lines drawn by awk from a /dev/urandom
#    seed: valid as decimal, "\tv\n" or hex; invalid of the kinds of 1;
#    rcvq_drain_aware is init_net's, the receiver's namespace keeps its
#    own); every valid write succeeds and every invalid one fails; a reader
#    (unpinned) finds every value parsable and in range.
# 3. Then for TRS_BADINPUT_INVALID_SECONDS (5), from known valid values,
#    both writers write only invalid values: every write fails, the reader
#    never sees another value, and the values are unchanged afterwards.
# 4. During 2 and 3 the 12 TcpExt counters of the series are sampled
#    (/proc/net/netstat of init_net, where the policy counts, and of the
#    receiver's namespace, where the backlog and receive-queue ones count):
#    all present, at least 20 samples, none ever goes down.
# 5. The transfer was still running at the end of 3, then ended by itself
#    with every byte intact (stream_errors=0).
# 6. No new BUG:, WARNING:, Oops, UBSAN, KASAN, KCSAN, lockdep, circular
#    locking or sleeping-in-atomic report (or Call Trace) in the kernel log.
# 7. The four sysctls are back at their values from before the test (the
#    EXIT trap restores them on every other exit path too).
#
# tcp_recv_sched_enable drives a static key. Its concurrent valid values are
# 1..max: it is set non-zero once before the load and restored after it,
# because flipping a static key under load under multi-threaded TCG
# crashes even the stock kernel (docs/testbed.md). TRS_BADINPUT_FLIP=1 adds
# 0 to the valid values (for single-threaded TCG or KVM).
. /trs/bench/lib/common.sh
. $TRS_BENCH/lib/tap.sh
. $TRS_BENCH/lib/topology.sh
. $TRS_BENCH/lib/load.sh
secs=${TRS_BADINPUT_SECONDS:-20}
isecs=${TRS_BADINPUT_INVALID_SECONDS:-5}
flip=${TRS_BADINPUT_FLIP:-0}
port=5471
T=/tmp/badinput
emax=$(header_define TRS_ENABLE_MAX)
lmax=$(header_define TRS_STARVATION_LIMIT_MAX)
dmax=$(header_define TRS_RCVQ_DRAIN_AWARE_MAX)
KNOB_DRAIN=$KNOB_DIR/tcp_rcvq_drain_aware
# name file max type: the four sysctls
KNOBS="enable:tcp_recv_sched_enable:$emax:u8
limit:tcp_recv_sched_starvation_limit:$lmax:u32
yield:tcp_recv_sched_yield_on_return:1:u8
drain:tcp_rcvq_drain_aware:$dmax:u8"
# The counter names, from the shared header.
CNAMES=$(sed -n '/TRS_COUNTER_NAMES/,/^}/s/.*"\([A-Za-z]*\)".*/\1/p' /trs/include/tcp_recv_sched.h | tr '\n' ' ')
E_LO=1
[ "$flip" = 1 ] && E_LO=0
bgpids=""
orig=""

# rd FILE: the value read back, in $val ("" if unreadable). Not with the
# shell's read: it reads a byte at a time, and a sysctl read at a non-zero
# offset returns EOF (__do_proc_douintvec), so "123456" would read as "1".
rd() { val=$(cat "$1" 2>/dev/null); }

# wr FILE VALUE: write VALUE (echo -e escapes: \t \n \r \xHH) in one
# write(); wrc = its status (0: accepted), werr = the error text.
wr() {
	werr=$( { echo -ne "$2" > "$1"; } 2>&1 ); wrc=$?
	werr=${werr##*: }
}

restore() {
	[ -n "$orig" ] || return 0
	set -- $orig
	echo "$1" > $KNOB_ENABLE; echo "$2" > $KNOB_LIMIT
	echo "$3" > $KNOB_YIELD; echo "$4" > $KNOB_DRAIN
}
stop_bg() {
	for p in $bgpids; do kill "$p" 2>/dev/null; done
	for p in $bgpids; do wait "$p" 2>/dev/null; done
	bgpids=""
}
cleanup() {
	stop_bg
	[ -n "${srvpid:-}" ] && kill "$srvpid" 2>/dev/null
	[ -n "${cli:-}" ] && kill "$cli" 2>/dev/null
	[ -n "${samp:-}" ] && kill "$samp" 2>/dev/null
	restore
	topo_down
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

for k in $KNOB_ENABLE $KNOB_LIMIT $KNOB_YIELD $KNOB_DRAIN; do
	[ -w "$k" ] || { fail "$k exists and is writable"; tap_done; exit 1; }
done
rd $KNOB_ENABLE; o1=$val; rd $KNOB_LIMIT; o2=$val
rd $KNOB_YIELD; o3=$val; rd $KNOB_DRAIN; o4=$val
orig="$o1 $o2 $o3 $o4"
diag "before: enable/limit/yield/drain = $o1/$o2/$o3/$o4; $(cat /sys/kernel/debug/sched/preempt 2>/dev/null); enable values under load $E_LO..$emax"
dmesg > $T.dmesg0

# 1
# rejects NAME FILE PRESET VALUE...: each VALUE fails with EINVAL, PRESET kept
rejects() {
	_n=$1 _f=$KNOB_DIR/$2 _p=$3; shift 3
	_bad="" _c=0
	for _v in "$@"; do
		_c=$((_c + 1))
		echo "$_p" > $_f || { _bad="$_bad [preset $_p failed]"; continue; }
		wr $_f "$_v"; rd $_f
		[ $wrc -ne 0 ] && [ "$werr" = "Invalid argument" ] && [ "$val" = "$_p" ] ||
			_bad="$_bad ['$_v': rc=$wrc '$werr', now $val]"
	done
	[ -z "$_bad" ] || diag "$_n:$_bad"
	check "$_n: $_c bad values rejected with EINVAL, $_p kept" [ -z "$_bad" ]
}
# accepts NAME FILE PRESET ALT "VALUE EXPECT"...: from PRESET (ALT when
# EXPECT is PRESET), each VALUE succeeds and stores EXPECT
accepts() {
	_n=$1 _f=$KNOB_DIR/$2 _p=$3 _a=$4; shift 4
	_bad="" _c=0
	for _s in "$@"; do
		_c=$((_c + 1))
		_v=${_s% *} _e=${_s##* } _q=$_p
		[ "$_e" = "$_p" ] && _q=$_a
		echo "$_q" > $_f || { _bad="$_bad [preset $_q failed]"; continue; }
		wr $_f "$_v"; rd $_f
		[ $wrc -eq 0 ] && [ "$val" = "$_e" ] ||
			_bad="$_bad ['$_v' -> $_e: rc=$wrc '$werr', now $val]"
	done
	[ -z "$_bad" ] || diag "$_n:$_bad"
	check "$_n: $_c whitespace/second-value/hex/octal/bound forms accepted with the parsed value" [ -z "$_bad" ]
}
echo $emax > $KNOB_ENABLE	# the only 0 -> non-zero flip before the load
for spec in $KNOBS; do
	IFS=: read -r name file max type <<-EOF
	$spec
	EOF
	case $name in
	enable) p=2 t=1 ;;
	limit) p=123456 t=7 ;;
	*) p=0 t=1 ;;
	esac
	extra=""
	[ $type = u8 ] && extra="256 257 $((256 + max)) 65536 65537"
	[ $type = u32 ] && extra=4294967295
	rejects $name $file $p $((max + 1)) -1 -0 abc 1x +1 08 0x 1.0 '1\r' \
		'\x20' '\n' '\t\x20\n' 4294967296 4294967297 18446744073709551616 \
		18446744073709551617 99999999999999999999 000000000000000000001 \
		"$((max + 1))\x20$t" $extra
	low="0 0"
	[ $name = enable ] && low="$t $t"	# 0 would flip the static key
	more=""
	[ $type = u32 ] && more="010 8"
	accepts $name $file $p 1 "\x20$t $t" "$t\x20 $t" "\t$t\n $t" "$t\n $t" \
		"\n\x20$t\t $t" "$t\x202 $t" "0x$t $t" "$max $max" "$low" ${more:+"$more"}
	echo $p > $KNOB_DIR/$file
	wr $KNOB_DIR/$file ""; rd $KNOB_DIR/$file
	check "$name: an empty write succeeds (rc=$wrc) and changes nothing ($val)" \
		[ $wrc -eq 0 -a "$val" = $p ]
done
echo $emax > $KNOB_ENABLE

# 2, 3: the load, writers, reader, sampler
# gen SEED MODE N: N lines "FILE KIND VALUE" (KIND ok|bad, VALUE in echo -e
# notation without spaces); MODE mix (half valid) or bad (all invalid).
gen() {
	awk -v seed="$1" -v mode="$2" -v n="$3" -v knobs="$KNOBS" -v elo=$E_LO '
	function r(k) { return int(rand() * k) }
	BEGIN {
		srand(seed)
		nk = split(knobs, line, "\n")
		for (i = 1; i <= nk; i++) {
			split(line[i], a, ":"); f[i] = a[2]; mx[i] = a[3]; u8[i] = a[4] == "u8"
			lo[i] = a[1] == "enable" ? elo : 0
		}
		for (j = 0; j < n; j++) {
			i = 1 + r(nk); m = mx[i]
			if (mode == "mix" && r(2)) {
				v = lo[i] + r(m - lo[i] + 1); k = r(4)
				if (k == 0) s = "\\t" v "\\n"
				else if (k == 1) s = sprintf("0x%x", v)
				else s = v
				print f[i], "ok", s
				continue
			}
			k = r(16); v = r(m + 1)
			if (k == 0) s = m + 1 + r(1000)
			else if (k == 1) s = "-" (1 + r(1000))
			else if (k == 2) s = u8[i] ? 256 + v : 4294967295
			else if (k == 3) s = u8[i] ? 65536 + v : m + 1
			else if (k == 4) s = sprintf("%.0f", 4294967296 + v)
			else if (k == 5) s = "18446744073709551616"
			else if (k == 6) s = "abc"
			else if (k == 7) s = v "x"
			else if (k == 8) s = "+" v
			else if (k == 9) s = "-0"
			else if (k == 10) s = "08"
			else if (k == 11) s = v "\\r"
			else if (k == 12) s = v ".0"
			else if (k == 13) s = "\\t"
			else if (k == 14) s = "000000000000000000001"
			else s = (m + 1) "\\t" v
			print f[i], "bad", s
		}
	}'
}
# seed: 4 random bytes from the kernel
seed() { od -An -N4 -tu4 /dev/urandom | tr -d ' '; }
# writer CPU LIST UNTIL_CS OUT: pinned to CPU, writes the lines of LIST
# (again from the top at its end) until uptime UNTIL_CS; counts writes whose
# outcome contradicts their KIND. Run in the background; no fork in the loop.
writer() {
	read -r _me _ < /proc/self/stat
	$TASKSET -pc "$1" "$_me" > /dev/null 2>&1
	_cpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)
	_n=0 _ok=0 _bad=0 _wrong=0 _first="" _now=0
	while [ "$_now" -lt "$3" ]; do
		read -r _u _ < /proc/uptime; _now=${_u%.*}${_u#*.}
		while read -r _f _k _v; do
			read -r _u _ < /proc/uptime; _now=${_u%.*}${_u#*.}
			[ "$_now" -lt "$3" ] || break
			if echo -ne "$_v" > "$KNOB_DIR/$_f" 2>/dev/null; then _r=ok; else _r=bad; fi
			_n=$((_n + 1))
			[ $_k = ok ] && _ok=$((_ok + 1))
			if [ $_r != $_k ]; then
				_wrong=$((_wrong + 1))
				[ -n "$_first" ] || _first="$_f '$_v' expected $_k"
			fi
		done < "$2"
	done
	printf 'writes=%s\nvalid=%s\nwrong=%s\ncpus=%s\nfirst=%s\n' \
		$_n $_ok $_wrong "$_cpus" "$_first" > "$4"
}
# reader SPECS UNTIL_CS OUT: reads every FILE of SPECS ("FILE:MIN:MAX ...")
# in a loop until uptime UNTIL_CS, one cat per round (see rd); counts values
# missing, unparsable or out of range.
reader() {
	_specs=$1 _until=$2 _out=$3
	_n=0 _bad=0 _first="" _now=0 _files="" _nf=0
	for _s in $_specs; do _files="$_files $KNOB_DIR/${_s%%:*}"; _nf=$((_nf + 1)); done
	while [ "$_now" -lt "$_until" ]; do
		read -r _u _ < /proc/uptime; _now=${_u%.*}${_u#*.}
		set -- $(cat $_files 2>&1)
		_n=$((_n + 1))
		if [ $# -ne $_nf ]; then
			_bad=$((_bad + 1))
			[ -n "$_first" ] || _first="read '$*'"
			continue
		fi
		for _s in $_specs; do
			_v=$1; shift
			_f=${_s%%:*} _r=${_s#*:}; _lo=${_r%:*} _hi=${_r#*:}
			case $_v in
			*[!0-9]*) _e=1 ;;
			*) [ ${#_v} -le 10 ] && [ "$_v" -ge "$_lo" ] && [ "$_v" -le "$_hi" ]; _e=$? ;;
			esac
			if [ $_e != 0 ]; then
				_bad=$((_bad + 1))
				[ -n "$_first" ] || _first="$_f='$_v' not in $_lo..$_hi"
			fi
		done
	done
	printf 'rounds=%s\nbad=%s\nfirst=%s\n' $_n $_bad "$_first" > "$_out"
}
# sample FILE: the counters CNAMES of a netstat file, one line ("-" if missing)
sample() {
	awk -v names="$CNAMES" '
		BEGIN { n = split(names, nm, " ") }
		$1 == "TcpExt:" {
			if (!h) { for (i = 2; i <= NF; i++) col[$i] = i; h = 1; next }
			for (k = 1; k <= n; k++) printf "%s%s", (k > 1 ? " " : ""), (nm[k] in col ? $(col[nm[k]]) : "-")
			print ""; exit
		}' "$1"
}
# sampler RXPID UNTIL_CS: every ~0.25 s, init_net's counters to $T.init and
# the receiver namespace's (/proc/RXPID/net/netstat) to $T.rx, until
# $T.stop exists or uptime UNTIL_CS (a bound).
sampler() {
	_now=0
	while [ "$_now" -lt "$2" ] && [ ! -e $T.stop ]; do
		sample /proc/net/netstat >> $T.init
		sample /proc/$1/net/netstat >> $T.rx
		usleep 250000
		read -r _u _ < /proc/uptime; _now=${_u%.*}${_u#*.}
	done
}
# monotone FILE: "samples=N missing=N down=N first=...", counters never down
monotone() {
	awk -v names="$CNAMES" '
		BEGIN { split(names, nm, " ") }
		{
			nf = NF
			for (k = 1; k <= NF; k++) {
				if ($k == "-") { miss++; continue }
				if (NR > 1 && $k + 0 < p[k]) { down++; if (!f) f = nm[k] " " p[k] " -> " $k " at sample " NR }
				if (NR == 1) a[k] = $k
				p[k] = $k + 0
			}
		}
		END {
			for (k = 1; k <= nf; k++) d = d " " nm[k] "+" (p[k] - a[k])
			printf "samples=%d missing=%d down=%d first=%s;%s\n", NR, miss, down, f, d
		}' "$1"
}
wait_bg() { for p in $bgpids; do wait "$p"; done; bgpids=""; }
# flat FILE: a key=value report on one line, for diag
flat() { tr '\n' ' ' < "$1" 2>/dev/null; }
# counters_ok SAMPLES MONOTONE_OUTPUT: enough samples, none missing or down
counters_ok() {
	[ "$1" -ge 20 ] 2>/dev/null || return 1
	case $2 in *" missing=0 down=0 "*) return 0 ;; esac
	return 1
}

rm -f $T.*.out $T.init $T.rx $T.w* $T.stop
gen "$(seed)" mix 3000 > $T.wmix0
gen "$(seed)" mix 3000 > $T.wmix1
gen "$(seed)" bad 3000 > $T.wbad0
gen "$(seed)" bad 3000 > $T.wbad1
topo_up 1 none 0 || { fail "topology"; tap_done; exit 1; }
in_rx $TASKSET -c 1 $TRS_BIN/trs-stream -s -p $port -P 2 > $T.stream.out 2>&1 &
srv=$!
wait_listen rx $port || diag "the receiver does not listen"
srvpid=$(pidof trs-stream | awk '{ print $1 }')
rxns=$(readlink /proc/${srvpid:-0}/ns/net) myns=$(readlink /proc/self/ns/net)
diag "receiver pid ${srvpid:-?} in $rxns (test in $myns)"
in_tx $TASKSET -c 0 $TRS_BIN/trs-stream -c $TOPO_RX_ADDR -p $port -P 2 -t $((secs + isecs + 10)) > $T.client.out 2>&1 &
cli=$!
sleep 1
start=$(uptime_cs)
untilA=$((start + secs * 100))
untilB=$((untilA + 50 + isecs * 100))
sampler "${srvpid:-0}" $((untilB + 1000)) &
samp=$!
# 2
writer 0 $T.wmix0 $untilA $T.a0.out & bgpids="$bgpids $!"
writer 1 $T.wmix1 $untilA $T.a1.out & bgpids="$bgpids $!"
reader "tcp_recv_sched_enable:$E_LO:$emax tcp_recv_sched_starvation_limit:0:$lmax tcp_recv_sched_yield_on_return:0:1 tcp_rcvq_drain_aware:0:$dmax" \
	$untilA $T.ar.out & bgpids="$bgpids $!"
wait_bg
for c in 0 1; do
	diag "writer $c: $(flat $T.a$c.out)"
	check "writer pinned to CPU $c: $(kv $T.a$c.out writes) writes ($(kv $T.a$c.out valid) valid), none with the wrong outcome" \
		[ "$(kv $T.a$c.out cpus)" = $c -a "$(kv $T.a$c.out wrong)" = 0 -a "$(kv $T.a$c.out writes)" -ge 50 ]
done
diag "reader: $(flat $T.ar.out)"
check "reader: $(kv $T.ar.out rounds) rounds of 4 reads under mixed writes, every value parsable and in range" \
	[ "$(kv $T.ar.out bad)" = 0 -a "$(kv $T.ar.out rounds)" -ge 10 ]

# 3
ke=2 kl=654321 ky=0 kd=2
knobs $ke $kl $ky && echo $kd > $KNOB_DRAIN || diag "setting the known values failed"
untilB=$(( $(uptime_cs) + isecs * 100 ))
writer 0 $T.wbad0 $untilB $T.b0.out & bgpids="$bgpids $!"
writer 1 $T.wbad1 $untilB $T.b1.out & bgpids="$bgpids $!"
reader "tcp_recv_sched_enable:$ke:$ke tcp_recv_sched_starvation_limit:$kl:$kl tcp_recv_sched_yield_on_return:$ky:$ky tcp_rcvq_drain_aware:$kd:$kd" \
	$untilB $T.br.out & bgpids="$bgpids $!"
wait_bg
for c in 0 1; do
	diag "invalid-only writer $c: $(flat $T.b$c.out)"
	check "invalid-only writer on CPU $c: all $(kv $T.b$c.out writes) writes rejected" \
		[ "$(kv $T.b$c.out cpus)" = $c -a "$(kv $T.b$c.out wrong)" = 0 -a "$(kv $T.b$c.out writes)" -ge 20 -a "$(kv $T.b$c.out valid)" = 0 ]
done
diag "reader: $(flat $T.br.out)"
check "reader: $(kv $T.br.out rounds) rounds during invalid-only writes, never a value other than $ke/$kl/$ky/$kd" \
	[ "$(kv $T.br.out bad)" = 0 -a "$(kv $T.br.out rounds)" -ge 5 ]
rd $KNOB_ENABLE; v1=$val; rd $KNOB_LIMIT; v2=$val; rd $KNOB_YIELD; v3=$val; rd $KNOB_DRAIN; v4=$val
check "after invalid-only writes the values are unchanged: $v1/$v2/$v3/$v4 (set $ke/$kl/$ky/$kd)" \
	[ "$v1/$v2/$v3/$v4" = "$ke/$kl/$ky/$kd" ]
alive=0
kill -0 $cli 2>/dev/null && alive=1

# 4
touch $T.stop
wait $samp; samp=""
for ns in init rx; do
	m=$(monotone $T.$ns)
	diag "counters of $ns: $m"
	n=${m#samples=}; n=${n%% *}
	[ $ns = init ] || [ -n "$rxns" -a "$rxns" != "$myns" ] || m="not the receiver's namespace: $m"
	check "the $(echo $CNAMES | wc -w) counters of the series in $ns's netstat: present, never down in $n samples" \
		counters_ok "$n" "$m"
done

# 5 (both ends stop by themselves; give them a bounded time)
for i in $(seq 40); do kill -0 $cli 2>/dev/null || break; sleep 1; done
kill -0 $cli 2>/dev/null && { diag "the sender did not end"; kill $cli; }
wait $cli; crc=$?
for i in $(seq 30); do kill -0 $srv 2>/dev/null || break; sleep 1; done
if kill -0 $srv 2>/dev/null; then
	fail "transfer did not end: receiver hung"
else
	wait $srv; rc=$?
	srvpid=""
	check "2 streams ran through phases 2-3 (alive=$alive) and arrived intact: $(kv $T.stream.out stream_bytes) bytes, $(kv $T.stream.out stream_errors) errors (rc $rc, sender $crc)" \
		[ $rc = 0 -a $alive = 1 -a "$(kv $T.stream.out stream_errors)" = 0 ]
fi
cli=""

# 6
check_no_new_splat $T

# 7
restore
rd $KNOB_ENABLE; v1=$val; rd $KNOB_LIMIT; v2=$val; rd $KNOB_YIELD; v3=$val; rd $KNOB_DRAIN; v4=$val
check "restored: enable/limit/yield/drain = $v1/$v2/$v3/$v4 (before $o1/$o2/$o3/$o4)" \
	[ "$v1 $v2 $v3 $v4" = "$orig" ]
tap_done
