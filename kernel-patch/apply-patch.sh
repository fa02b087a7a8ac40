# Sourced by build-kernel.sh and checkpatch.sh (bash).
#
# series_patches SERIES: the patch files of a series file (below).
# apply_patch TREE PRISTINE SCRATCH PATCH: apply PATCH (patch -p1) to TREE.
#
# The three series, upstream/ (receive autotuning fix), backlog/ (backlog
# accounting) and policy/ (receive-aware scheduling), are each made against
# pristine 6.12 so that each applies alone; the testbed series (6.12/series)
# stacks them.  Two of them append TcpExt counters to the same lists, so a
# patch of theirs may not apply to the stack as it is.  Then each file it
# touches is merged three-way (git merge-file): base and theirs are the file
# before and after PATCH in its own series applied alone to PRISTINE (kept
# under SCRATCH, only the files its patches touch), ours is TREE's.  A
# conflict is resolved by keeping both sides, the earlier series first
# (--union), only in the counter lists named in apply_union_files; anywhere
# else it is an error.  Patches of 6.12/ (testbed-only) and proto/ (made on
# top of the stack) must apply as they are.  Prints "FILE: union" for each
# union merge.
apply_union_files='include/uapi/linux/snmp.h net/ipv4/proc.c'

# series_patches SERIES: the patch files SERIES lists, in order, one a line
# (comments and blank lines dropped, paths resolved against its directory).
# Fails, naming it, if a patch it lists is not there.
series_patches() {
	local d p
	d=$(dirname "$1")
	while read -r p; do
		p=${p%%#*}; p=${p//[[:space:]]/}
		[ -n "$p" ] || continue
		[ -r "$d/$p" ] || { echo "$1 names $p, which is not in $d" >&2; return 1; }
		realpath "$d/$p"
	done < "$1"
}

apply_patch() {
	local tree=$1 pristine=$2 scratch=$3 p=$4
	local dir alone files f stacked rc=0

	dir=$(basename "$(dirname "$p")")
	files=$(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p")
	alone=$scratch/alone-$dir
	case $dir in 6.12|proto) stacked=1 ;; *) stacked=0 ;; esac
	if [ $stacked = 0 ]; then
		rm -rf "$scratch/base"
		for f in $files; do
			if [ ! -e "$alone/$f" ] && [ -e "$pristine/$f" ]; then
				install -D -m 644 "$pristine/$f" "$alone/$f"
			fi
			if [ -e "$alone/$f" ]; then
				install -D -m 644 "$alone/$f" "$scratch/base/$f"
			fi
		done
		if ! patch -d "$alone" -p1 --batch --forward --quiet --no-backup-if-mismatch < "$p" >/dev/null; then
			echo "$(basename "$p"): does not apply to its own series alone on pristine" >&2
			return 1
		fi
	fi
	if patch -d "$tree" -p1 --batch --forward --quiet --no-backup-if-mismatch --dry-run < "$p" >/dev/null 2>&1; then
		patch -d "$tree" -p1 --batch --forward --quiet --no-backup-if-mismatch < "$p" >/dev/null
		return
	fi
	[ $stacked = 0 ] || return 1
	for f in $files; do
		if [ ! -e "$scratch/base/$f" ] || [ ! -e "$tree/$f" ]; then
			echo "$(basename "$p"): $f: created here and earlier" >&2
			return 1
		fi
		cp "$tree/$f" "$scratch/ours"
		git merge-file -q "$tree/$f" "$scratch/base/$f" "$alone/$f" && continue
		case " $apply_union_files " in
		*" $f "*)
			cp "$scratch/ours" "$tree/$f"
			git merge-file -q --union "$tree/$f" "$scratch/base/$f" "$alone/$f"
			echo "$f: union" ;;
		*)
			cp "$scratch/ours" "$tree/$f"
			echo "$(basename "$p"): $f: conflicts with the patches before it" >&2
			rc=1 ;;
		esac
	done
	return $rc
}
