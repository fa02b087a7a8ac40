#!/usr/bin/env bash
# Build the guest kernel: Debian's linux-source-6.12 + our series + guest config.
#
# 1. Extract /usr/src/linux-source-6.12.tar.xz once into $TRS_CACHE/pristine.
# 2. Keep a working tree in $TRS_CACHE/src; when the series (or a patch in it)
#    changes, reset the tree to pristine (content-compared, so untouched files
#    keep their mtimes and objects) and apply the series with patch -p1
#    (apply-patch.sh: the counter lists several series append to are merged).
# 3. Configure $TRS_CACHE/obj/$KVARIANT from tinyconfig + guest.config
#    (+ guest-debug.config for KVARIANT=debug, + guest-kasan.config too for
#    KVARIANT=kasan, guest-kcsan.config alone for KVARIANT=kcsan) and check that every option
#    of the fragments survived olddefconfig.
# 4. Build bzImage with ccache; copy it to $TRS_CACHE/out/$KVARIANT/.
# KVARIANT=proto applies kernel-patch/proto/series after the series (measured
# prototypes that are not part of it) and builds in obj/default, so that
# only the files the prototypes touch are recompiled (the next default
# build recompiles them back; out/default is left alone).
# KVARIANT=upstream builds pristine + kernel-patch/upstream/series only (the
# receive-window fix as submitted), in its own src-upstream and obj/upstream,
# so that alternating with the other variants recompiles nothing.
# Nothing is rebuilt when the series, fragments and this script are unchanged.
#
# Environment: TRS_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/tcp-recv-sched),
# KVARIANT (default|debug|kasan|kcsan|proto|upstream), CCACHE_DIR (default $TRS_CACHE/ccache), JOBS,
# KERNEL_TARBALL, KBUILD_EXTRA (extra make arguments, e.g. W=1).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
: "${TRS_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/tcp-recv-sched}"
: "${KVARIANT:=default}"
: "${KERNEL_TARBALL:=/usr/src/linux-source-6.12.tar.xz}"
: "${JOBS:=$(nproc)}"
: "${KBUILD_EXTRA:=}"
export CCACHE_DIR="${CCACHE_DIR:-$TRS_CACHE/ccache}"

series_dir=$here/6.12
pristine=$TRS_CACHE/pristine
src=$TRS_CACHE/src
obj=$TRS_CACHE/obj/$KVARIANT
out=$TRS_CACHE/out/$KVARIANT
series_files=("$series_dir/series")

case $KVARIANT in
default) fragments=("$here/guest.config") ;;
debug)   fragments=("$here/guest.config" "$here/guest-debug.config") ;;
kasan)   fragments=("$here/guest.config" "$here/guest-debug.config" "$here/guest-kasan.config") ;;
kcsan)   fragments=("$here/guest.config" "$here/guest-kcsan.config") ;;
proto)   fragments=("$here/guest.config"); obj=$TRS_CACHE/obj/default
	 series_files+=("$here/proto/series") ;;
upstream) fragments=("$here/guest.config"); series_files=("$here/upstream/series")
	 src=$TRS_CACHE/src-upstream ;;  # its own tree: no toggling with default's
*) echo "build-kernel: unknown KVARIANT '$KVARIANT' (default|debug|kasan|kcsan|proto|upstream)" >&2; exit 2 ;;
esac

# shellcheck source=apply-patch.sh
. "$here/apply-patch.sh"

log() { printf 'build-kernel: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ -r "$KERNEL_TARBALL" ] || die "$KERNEL_TARBALL not found (apt-get install linux-source-6.12)"
mkdir -p "$TRS_CACHE" "$CCACHE_DIR" "$out"
exec 9>"$TRS_CACHE/.lock"
flock 9

# Hash of a list of files (name and content), stable across machines.
hash_files() { for f in "$@"; do printf '%s\n' "$(basename "$f")"; cat "$f"; done | sha256sum | cut -d' ' -f1; }

patches=()
for sf in "${series_files[@]}"; do
	list=$(series_patches "$sf") || die "series $sf: a patch is missing (above)"
	[ -z "$list" ] || mapfile -t -O ${#patches[@]} patches <<< "$list"
done

# 1. pristine tree
tar_id=$(stat -c '%s %Y' "$KERNEL_TARBALL")
if [ "$(cat "$pristine/.tarball" 2>/dev/null)" != "$tar_id" ]; then
	log "extracting $KERNEL_TARBALL"
	rm -rf "$pristine"
	mkdir -p "$pristine"
	tar -xf "$KERNEL_TARBALL" -C "$pristine" --strip-components=1
	echo "$tar_id" > "$pristine/.tarball"
fi

# 2. patched tree
src_id=$(printf '%s\n%s\n' "$tar_id" "$(hash_files "$here/apply-patch.sh" "${series_files[@]}" ${patches[@]+"${patches[@]}"})" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$src/.trs-src" 2>/dev/null)" != "$src_id" ]; then
	log "resetting $src to pristine and applying ${#patches[@]} patch(es)"
	mkdir -p "$src"
	rm -f "$src/.trs-src"
	# No -t: a file whose content changes gets a new mtime, so make rebuilds it.
	rsync -r -l --checksum --delete --exclude=/.tarball "$pristine/" "$src/"
	scratch=$(mktemp -d)
	for p in ${patches[@]+"${patches[@]}"}; do
		log "  applying $(basename "$(dirname "$p")")/$(basename "$p")"
		merged=$(apply_patch "$src" "$pristine" "$scratch" "$p") ||
			{ rm -rf "$scratch"; die "$(basename "$p") does not apply"; }
		[ -z "$merged" ] || log "    merged: $(echo $merged)"
	done
	rm -rf "$scratch"
	echo "$src_id" > "$src/.trs-src"
fi

# 3. configuration
mk() { make -C "$src" O="$obj" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc" \
	KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026" \
	KBUILD_BUILD_USER=tcp-recv-sched KBUILD_BUILD_HOST=guest \
	$KBUILD_EXTRA "$@"; }
cfg_id=$(printf '%s\n%s\n' "$src_id" "$(hash_files "${fragments[@]}")" | sha256sum | cut -d' ' -f1)
mkdir -p "$obj"
if [ "$(cat "$obj/.trs-cfg" 2>/dev/null)" != "$cfg_id" ] || [ ! -f "$obj/.config" ]; then
	log "configuring $KVARIANT kernel in $obj"
	rm -f "$obj/.trs-cfg"
	mk -s tinyconfig >/dev/null
	(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" .config "${fragments[@]}" >/dev/null)
	mk -s olddefconfig >/dev/null
	missing=0
	for f in "${fragments[@]}"; do
		while IFS= read -r line; do
			case $line in CONFIG_*=*) ;; *) continue ;; esac
			if ! grep -qxF "$line" "$obj/.config"; then
				log "option lost in .config: $line"
				missing=1
			fi
		done < "$f"
	done
	[ $missing = 0 ] || die "the config fragment does not apply cleanly (see above)"
	echo "$cfg_id" > "$obj/.trs-cfg"
fi

# 4. build
build_id=$(printf '%s\n%s\n%s\n' "$cfg_id" "$(hash_files "$0")" "$KBUILD_EXTRA" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$out/.trs-build" 2>/dev/null)" = "$build_id" ] && [ -f "$out/bzImage" ]; then
	log "$KVARIANT kernel up to date: $out/bzImage"
	exit 0
fi
log "building $KVARIANT bzImage with $JOBS jobs (ccache: $CCACHE_DIR)"
ccache -M 5G >/dev/null
rm -f "$out/.trs-build"
mk bzImage
cp "$obj/arch/x86/boot/bzImage" "$out/bzImage"
cp "$obj/.config" "$out/config"
make -s -C "$src" O="$obj" kernelrelease > "$out/kernelrelease"
echo "$build_id" > "$out/.trs-build"
log "built $out/bzImage ($(cat "$out/kernelrelease"))"
