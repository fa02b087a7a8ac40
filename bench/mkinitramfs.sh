#!/usr/bin/env bash
# Build the guest initramfs from Debian binaries and the project's own files.
#
#   mkinitramfs.sh OUTPUT.cpio.gz PROJECT_BIN_DIR
#
# 1. busybox-static as /bin/busybox (applets installed by /init at boot).
# 2. The Debian tools the tests and benchmarks call by absolute path, with
#    every shared library ldd names (and the dynamic loader).
# 3. /init (bench/guest/init), the scripts of bench/ under /trs/bench, the
#    shared header under /trs/include, the project's binaries
#    (PROJECT_BIN_DIR/*) under /trs/bin and the stand-alone reproducer
#    (kernel-patch/upstream/repro-rcvbuf-collapse.sh) under /trs/repro.
set -euo pipefail

out=$1
bindir=$2
here=$(cd "$(dirname "$0")" && pwd)

tools=(/usr/bin/iperf3 /usr/sbin/ip /usr/sbin/tc /usr/bin/ss /usr/sbin/sysctl
	/usr/bin/taskset /usr/bin/chrt /usr/bin/nstat /usr/bin/setpriv
	/usr/bin/unshare /usr/bin/nsenter /usr/bin/timeout)

for t in /bin/busybox "${tools[@]}"; do
	[ -x "$t" ] || { echo "mkinitramfs: $t missing (run: make deps)" >&2; exit 1; }
done

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib64,etc,proc,sys,dev,tmp,run,out,root,trs/bin}
cp /bin/busybox "$root/bin/busybox"

libs=()
for t in "${tools[@]}" "$bindir"/*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	case $t in "$bindir"/*) ;; *) mkdir -p "$root$(dirname "$t")"; cp "$t" "$root$t" ;; esac
	while read -r lib; do libs+=("$lib"); done < <(ldd "$t" 2>/dev/null | grep -o '/[^ ]*' || true)
done
for lib in $(printf '%s\n' "${libs[@]}" | sort -u); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done

cp "$here/guest/init" "$root/init"
chmod 755 "$root/init"
cp -a "$bindir"/. "$root/trs/bin/"
mkdir -p "$root/trs/bench" "$root/trs/include"
cp "$here/../include/tcp_recv_sched.h" "$root/trs/include/"
mkdir -p "$root/trs/repro"
cp "$here/../kernel-patch/upstream/repro-rcvbuf-collapse.sh" "$root/trs/repro/"
(cd "$here" && tar --exclude='*.c' --exclude='*.o' -cf - .) | tar -xf - -C "$root/trs/bench"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
printf '127.0.0.1 localhost\n' > "$root/etc/hosts"

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --reproducible --quiet) | gzip -n -1 > "$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs: $out ($(du -h "$out" | cut -f1))" >&2
