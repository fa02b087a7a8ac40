#!/usr/bin/env bash
# checkpatch.sh - run the kernel's checkpatch.pl --strict on every patch of
# the series (in the pristine tree extracted by build-kernel.sh) and check
# that the series applies with patch -p1 to a pristine copy, in order.
# Exit 1 if any patch has an error, warning or check, or does not apply.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${TRS_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/tcp-recv-sched}"
pristine=$TRS_CACHE/pristine
[ -x "$pristine/scripts/checkpatch.pl" ] ||
	{ echo "checkpatch: no pristine tree in $pristine (run make kernel first)" >&2; exit 1; }
rc=0 n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -a "$pristine/." "$tmp/"
while read -r p; do
	p=${p%%#*}; p=${p//[[:space:]]/}
	[ -n "$p" ] || continue
	n=$((n + 1))
	# /usr/bin first: the SPDX check needs Debian's python3 with ply and git.
	if ! out=$(cd "$pristine" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict \
		"$here/6.12/$p" 2>&1); then
		echo "$p:"; echo "$out"; rc=1
	fi
	if ! patch -d "$tmp" -p1 --batch --forward --quiet < "$here/6.12/$p" >/dev/null; then
		echo "$p: does not apply on top of the previous patches"; rc=1
	fi
done < "$here/6.12/series"
echo "checkpatch: $n patch(es), $([ $rc = 0 ] && echo clean || echo PROBLEMS)"
exit $rc
