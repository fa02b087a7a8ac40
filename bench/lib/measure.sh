# lib/measure.sh - counter snapshots and policy options for the benchmarks.
# (needs common.sh; topology.sh for the namespaces)

# netstat_snap NS FILE: copy the TcpExt header and value lines of namespace NS
# (tx, rx, or "init" for the initial namespace) to FILE.
netstat_snap() {
	if [ "$1" = init ]; then
		grep '^TcpExt:' /proc/net/netstat > "$2"
	else
		$IP netns exec "$1" grep '^TcpExt:' /proc/net/netstat > "$2"
	fi
}

# netstat_delta OLD NEW PREFIX PATTERN...: print PREFIX<Name>=<new - old> for
# every TcpExt counter whose name equals a PATTERN, or starts with it when
# the PATTERN ends in '*'. A counter the kernel lacks prints nothing.
netstat_delta() {
	_old=$1 _new=$2 _pfx=$3
	shift 3
	awk -v pfx="$_pfx" -v pats="$*" '
		BEGIN { np = split(pats, p, " ") }
		FNR == 1 { for (i = 2; i <= NF; i++) name[FILENAME, i] = $i; next }
		FNR == 2 {
			for (i = 2; i <= NF; i++) {
				n = name[FILENAME, i]
				if (FILENAME == ARGV[1]) old[n] = $i
				else { nw[n] = $i; order[++cnt] = n }
			}
		}
		END {
			for (k = 1; k <= cnt; k++) {
				n = order[k]
				for (j = 1; j <= np; j++) {
					q = p[j]
					if (q ~ /\*$/) { q = substr(q, 1, length(q) - 1); hit = index(n, q) == 1 }
					else hit = n == q
					if (hit) { printf "%s%s=%d\n", pfx, n, nw[n] - old[n]; break }
				}
			}
		}' "$_old" "$_new"
}

# recv_opts SPEC: trs-exec options for a receiver spec of
# bench/experiments/policies.tsv (nice=N,fifo=P,batch,slice=US or -).
recv_opts() {
	[ "$1" = - ] && return 0
	echo "$1" | tr ',' '\n' | while read -r _o; do
		case $_o in
		nice=*) printf -- '-n %s ' "${_o#nice=}" ;;
		fifo=*) printf -- '-f %s ' "${_o#fifo=}" ;;
		slice=*) printf -- '-s %s ' "${_o#slice=}" ;;
		batch) printf -- '-b ' ;;
		*) echo "recv_opts: unknown receiver setting '$_o'" >&2; return 1 ;;
		esac
	done
}

# hog_opts SPEC: trs-hog options for a hogs spec (nice=N,batch or -).
hog_opts() {
	[ "$1" = - ] && return 0
	echo "$1" | tr ',' '\n' | while read -r _o; do
		case $_o in
		nice=*) printf -- '-N %s ' "${_o#nice=}" ;;
		batch) printf -- '-b ' ;;
		*) echo "hog_opts: unknown hogs setting '$_o'" >&2; return 1 ;;
		esac
	done
}
