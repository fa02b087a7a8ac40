# lib/exp.sh - experiment files (bench/experiments/*.exp): the one table of
# their keys, loading with validation, reading values. POSIX sh: sourced by
# the host drivers (bash, under set -euo pipefail) and by the guest drivers
# (busybox sh, from $TRS_BENCH/lib).
#
# An experiment file holds one key=value per line (lists: values separated by
# spaces); blank lines and lines whose first non-blank character is # are
# ignored. Its driver= says which program reads it:
#   grid     bench/run-experiment FILE      (guest: bench/guest/grid)
#   rcvbuf   bench/sweep-run rcvbuf FILE    (guest: bench/guest/rcvbuf-sweep)
#   backlog  bench/sweep-run backlog FILE   (guest: bench/guest/backlog-sweep)
#
# exp_load DRIVER FILE   check FILE for DRIVER and make it the file exp_get
#                        reads. Prints one line per problem on stderr
#                        (naming the file, line and key) and returns 1 if
#                        there is any: a missing, unknown or other driver=, a
#                        line that is not key=value, a key no driver reads, a
#                        key DRIVER does not read, a key DRIVER needs missing.
# exp_get KEY [DEFAULT]  the last value of KEY in the loaded file; if it is
#                        missing or empty, DEFAULT if given, else the
#                        driver's default (EXP_DEFAULTS below). A KEY the loaded
#                        driver does not read is a bug of the caller: message
#                        on stderr, status 1.
# exp_keys DRIVER        the keys DRIVER reads, one a line.
#
# The table: a key, then the drivers that read it; "*" after a driver: that
# driver needs the key (exp_load fails without it). bench/experiments/README.md
# documents each key in a table with the same drivers column, and
# bench/tests/host-exp.sh checks that the two agree.
EXP_DRIVERS="grid rcvbuf backlog"
EXP_KEYS='
driver          grid* rcvbuf* backlog*
models          grid rcvbuf* backlog*
rounds          grid rcvbuf* backlog
seconds         grid rcvbuf* backlog
n               grid rcvbuf* backlog
enable          grid rcvbuf backlog
delay_ms        grid rcvbuf* backlog
rate            grid rcvbuf backlog
read_len        grid backlog
name            grid rcvbuf backlog
kind            grid
policies        grid
n0_policies     grid
loss            grid
extra_counters  grid
pingpong_iters  grid
fanout_msgs     grid
fanout_groups   grid
fanout_readers  grid
analyze         grid rcvbuf backlog
reader          grid rcvbuf
rmem            rcvbuf
aware           rcvbuf*
sample_at       rcvbuf*
series_at       rcvbuf
sample_every    rcvbuf
hog_nice        backlog
cgroup          backlog
period_us       backlog
trace           backlog
'
# The defaults: "key|drivers|value" (value may hold spaces; @file: the
# file's name without .exp). A key with no default here for a driver has
# none (empty). exp_get uses them; no driver spells a default of its own.
EXP_DEFAULTS='
models|grid|voluntary
rounds|grid|3
rounds|backlog|1
seconds|grid backlog|10
n|grid backlog|0 16
enable|grid|0 1
enable|rcvbuf backlog|0
delay_ms|grid backlog|10
rate|grid|1gbit
rate|rcvbuf backlog|none
read_len|grid backlog|128K
name|grid rcvbuf backlog|@file
kind|grid|net
policies|grid|stock
n0_policies|grid|all
loss|grid|0
pingpong_iters|grid|200000
fanout_msgs|grid|2000
fanout_groups|grid|4
fanout_readers|grid|8
reader|grid rcvbuf|iperf3
hog_nice|backlog|0
cgroup|backlog|max
period_us|backlog|100000
trace|backlog|0
'
EXP_FILE=
EXP_DRIVER=
EXP_DRIVER_KEYS=

# exp_default DRIVER KEY: KEY's default for DRIVER (the table above).
exp_default() {
	printf '%s\n' "$EXP_DEFAULTS" | awk -F'|' -v d="$1" -v k="$2" '
		$1 == k { n = split($2, ds, " "); for (i = 1; i <= n; i++) if (ds[i] == d) { print $3; exit } }'
}

exp_keys() {
	printf '%s\n' "$EXP_KEYS" | awk -v d="$1" '{
		for (i = 2; i <= NF; i++) { x = $i; sub(/\*$/, "", x); if (x == d) print $1 } }'
}

exp_load() {
	EXP_DRIVER=$1 EXP_FILE=$2 EXP_DRIVER_KEYS=
	case " $EXP_DRIVERS " in
	*" $1 "*) ;;
	*) echo "exp_load: no driver '$1' (drivers: $EXP_DRIVERS)" >&2; return 1 ;;
	esac
	if [ ! -f "$2" ] || [ ! -r "$2" ]; then
		echo "$2: cannot read this experiment file" >&2
		return 1
	fi
	EXP_DRIVER_KEYS=$(exp_keys "$1" | tr '\n' ' ')
	awk -v drv="$1" -v file="$2" -v drivers="$EXP_DRIVERS" \
		-v table="$(printf '%s\n' "$EXP_KEYS" | tr '\n' ';')" '
	function err(m) { print m; bad = 1 }
	function cmd(d) { return d == "grid" ? "bench/run-experiment " file : "bench/sweep-run " d " " file }
	function alist(a, n, c,   s, i) {	# "x", "x C y", "x, y C z"
		for (i = 1; i <= n; i++) s = s (i == 1 ? "" : i == n ? " " c " " : ", ") a[i]
		return s
	}
	BEGIN {
		nt = split(table, rows, ";")
		for (i = 1; i <= nt; i++) {
			nf = split(rows[i], f, " ")
			if (nf < 2) continue
			k = f[1]; known[k] = 1; tkeys[++ntk] = k
			for (j = 2; j <= nf; j++) {
				d = f[j]; req = sub(/\*$/, "", d)
				acc[k, d] = 1; if (req) need[k, d] = 1
				by[k, j - 1] = d; nby[k] = j - 1
			}
		}
		nd = split(drivers, dl, " ")
		for (i = 1; i <= nd; i++) isdrv[dl[i]] = 1
	}
	/^[ \t]*$/ || /^[ \t]*#/ { next }
	!/^[A-Za-z_][A-Za-z0-9_]*=/ {
		err(file ":" NR ": not key=value (a key at the start of the line, no space before =): " substr($0, 1, 60))
		next
	}
	{
		k = substr($0, 1, index($0, "=") - 1); v = substr($0, index($0, "=") + 1)
		if (!(k in line)) { line[k] = NR; order[++nk] = k }
		if (k == "driver") {
			if (dv != "" && v != dv)
				err(file ":" NR ": driver=" v " after driver=" dv " (line " dline "): one driver a file")
			dv = v; dline = NR
		}
	}
	END {
		fdrv = drv
		if (dv == "") {
			nfit = 0
			for (i = 1; i <= nd; i++) {
				ok = 1
				for (k in line) if ((k in known) && !acc[k, dl[i]]) ok = 0
				if (ok) { fit[++nfit] = dl[i]; fitc[nfit] = "driver=" dl[i] " (" cmd(dl[i]) ")" }
			}
			if (nfit == 1) {
				fdrv = fit[1]
				err(file ": no driver= line: its keys are those of " fdrv "; add driver=" fdrv \
					(fdrv == drv ? "" : " and run it with " cmd(fdrv)))
			} else {
				if (nfit == 0)
					for (i = 1; i <= nd; i++) fitc[++nfit] = "driver=" dl[i] " (" cmd(dl[i]) ")"
				err(file ": no driver= line: add " alist(fitc, nfit, "or"))
			}
		} else if (!(dv in isdrv))
			err(file ":" dline ": driver=" dv ": no such driver (" alist(dl, nd, "or") ")")
		else if (dv != drv) {
			fdrv = dv
			err(file ":" dline ": driver=" dv ": this is a " dv " experiment, not " drv "; run it with " cmd(dv))
		}
		for (i = 1; i <= nk; i++) {
			k = order[i]
			if (!(k in known))
				err(file ":" line[k] ": unknown key " k (k == "repeat" || k == "runs" ? \
					" (now rounds, since issue 15)" : " (no driver reads it; the keys: bench/experiments/README.md)"))
			else if (!acc[k, fdrv]) {
				for (j = 1; j <= nby[k]; j++) bl[j] = by[k, j]
				err(file ":" line[k] ": key " k ": " fdrv " does not read it (" alist(bl, nby[k], "and") \
					(nby[k] == 1 ? " reads it" : " read it") ")")
			}
		}
		for (i = 1; i <= ntk; i++) {
			k = tkeys[i]
			if (k != "driver" && need[k, fdrv] && !(k in line))
				err(file ": key " k " is missing: " fdrv " needs it")
		}
		exit bad
	}' < "$2" >&2
}

exp_get() {
	case " $EXP_DRIVER_KEYS " in
	*" $1 "*) ;;
	*) echo "exp_get: $1 is not a key of driver '${EXP_DRIVER:-none loaded}' (bench/lib/exp.sh)" >&2; return 1 ;;
	esac
	_exp_v=$(sed -n "s/^$1=//p" "$EXP_FILE" | tail -n 1)
	if [ -z "$_exp_v" ]; then
		if [ $# -ge 2 ]; then _exp_v=$2
		else _exp_v=$(exp_default "$EXP_DRIVER" "$1"); fi
		[ "$_exp_v" = @file ] && { _exp_v=${EXP_FILE##*/}; _exp_v=${_exp_v%.exp}; }
	fi
	printf '%s\n' "$_exp_v"
}
