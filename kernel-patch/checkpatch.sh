#!/usr/bin/env bash
# checkpatch.sh - run the kernel's checkpatch.pl --strict on every patch of
# the series (in the pristine tree extracted by build-kernel.sh) and check
# that each series applies with patch -p1 to a pristine copy, in order:
# upstream/series (the receive-window fix), backlog/series (backlog
# accounting) and policy/series (receive-aware scheduling), each alone, and
# 6.12/series, the testbed stack of all three (apply-patch.sh merges the
# counter lists they all append to).
# Exit 1 if any patch has an error, warning or check, or does not apply.
#
# UNKNOWN_COMMIT_ID is ignored, and only that: Debian's linux-source tarball
# has no git history, so checkpatch cannot resolve any commit id (it warns
# on every Fixes: tag). The Fixes: lines are checked here instead: 12 hex
# digits and the subject of the commit they name, as recorded in
# upstream/fixes (ID SUBJECT per line).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${TRS_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/tcp-recv-sched}"
pristine=$TRS_CACHE/pristine
[ -x "$pristine/scripts/checkpatch.pl" ] ||
	{ echo "checkpatch: no pristine tree in $pristine (run make kernel first)" >&2; exit 1; }
rc=0 n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check_fixes PATCH: every Fixes: line names a commit of upstream/fixes
# with its exact subject
check_fixes() {
	local line id subj known
	while IFS= read -r line; do
		if ! [[ $line =~ ^Fixes:\ ([0-9a-f]{12})\ \(\"(.*)\"\)$ ]]; then
			echo "$(basename "$1"): malformed: $line"; return 1
		fi
		id=${BASH_REMATCH[1]} subj=${BASH_REMATCH[2]}
		known=$(awk -v id="$id" '$1 == id { $1 = ""; sub(/^ /, ""); print }' "$here/upstream/fixes")
		if [ "$known" != "$subj" ]; then
			echo "$(basename "$1"): Fixes: $id: subject '$subj' is not '$known' (upstream/fixes)"
			return 1
		fi
	done < <(grep '^Fixes:' "$1")
}

. "$here/apply-patch.sh"

declare -A checked=()
nseries=0
for series in "$here/upstream/series" "$here/backlog/series" "$here/policy/series" \
	      "$here/6.12/series"; do
	d=$(dirname "$series")
	nseries=$((nseries + 1))
	# a tree of just the files the series touches, as in pristine
	rm -rf "$tmp/tree" "$tmp/scratch"
	mkdir -p "$tmp/tree" "$tmp/scratch"
	while read -r f; do
		[ ! -e "$pristine/$f" ] || install -D -m 644 "$pristine/$f" "$tmp/tree/$f"
	done < <(series_patches "$series" | xargs sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' | sort -u)
	while read -r pp; do
		p=$(basename "$pp")
		if [ -z "${checked[$pp]:-}" ]; then
			checked[$pp]=1
			n=$((n + 1))
			# /usr/bin first: the SPDX check needs Debian's python3 with ply and git.
			if ! out=$(cd "$pristine" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict \
				--ignore UNKNOWN_COMMIT_ID "$pp" 2>&1); then
				echo "$p:"; echo "$out"; rc=1
			fi
			check_fixes "$pp" || rc=1
		fi
		if ! apply_patch "$tmp/tree" "$pristine" "$tmp/scratch" "$pp" >/dev/null; then
			echo "$p: does not apply on top of the previous patches of $(basename "$d")/series"; rc=1
		fi
	done < <(series_patches "$series")
done
# The scheduler side of the policy series knows nothing about sockets: no
# line it adds to kernel/sched/ or include/linux/sched* names TCP, a socket
# or CONFIG_INET.
while read -r pp; do
	if hits=$(awk '/^\+\+\+ b\//{ f = ($2 ~ /^b\/(kernel\/sched\/|include\/linux\/sched)/) ; next }
		      f && /^\+/ && tolower($0) ~ /tcp|sock|inet/ { print FILENAME ": " $0 }' \
		      "$pp") && [ -n "$hits" ]; then
		echo "$(basename "$pp"): the scheduler side names the network stack:"; echo "$hits"; rc=1
	fi
done < <(series_patches "$here/policy/series")
echo "checkpatch: $n patch(es) in $nseries series, $([ $rc = 0 ] && echo clean || echo PROBLEMS)"
exit $rc
