# lib/provenance.sh - the one writer of a results folder's meta.txt (bash,
# on the host; sourced by bench/run-experiment and bench/sweep-run).
#
# prov_write OUT NAME DRIVER EXPFILE KERNEL_DIR: write OUT/meta.txt (the
# series file is read by kernel-patch/apply-patch.sh's series_patches):
#   experiment, driver, date, repo_commit, repo_dirty_paths,
#   series_sha256_16 (kernel-patch/6.12/series and every patch it names),
#   series_dirty, kernel_variant, kernel_release_built, bzimage_sha256_16,
#   kernel_build_stamp, bzimage_mtime (of KERNEL_DIR/bzImage), host_cpu_model,
#   host_cpus, host_kernel, exp_sha256_16.
# prov_guest OUT MODEL GUEST_DIR STATUS: append what one guest (bench/vm -o
#   GUEST_DIR) ran on: accel_MODEL, MODEL_kernel_release (the guest's
#   console line), status_MODEL.
# prov_accel OUT: append accel= (the accelerators of all guests, one line).
prov_write() {
	local out=$1 name=$2 driver=$3 exp=$4 kernel=$5 top series series_sha
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	series=$top/kernel-patch/6.12/series
	# shellcheck source=../../kernel-patch/apply-patch.sh
	. "$top/kernel-patch/apply-patch.sh"	# series_patches, the one series-file reader
	series_sha=$( (cat "$series"; series_patches "$series" | xargs cat) | sha256sum | cut -c1-16)
	{
		echo "experiment=$name"
		echo "driver=$driver"
		echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "repo_commit=$(git -C "$top" rev-parse HEAD 2>/dev/null || echo unknown)"
		echo "repo_dirty_paths=$(git -C "$top" status --porcelain 2>/dev/null | wc -l)"
		echo "series_sha256_16=$series_sha"
		echo "series_dirty=$(git -C "$top" status --porcelain -- kernel-patch 2>/dev/null | wc -l)"
		echo "kernel_variant=${KVARIANT:-default}"
		echo "kernel_release_built=$(cat "$kernel/kernelrelease" 2>/dev/null || echo unknown)"
		echo "bzimage_sha256_16=$(sha256sum "$kernel/bzImage" 2>/dev/null | cut -c1-16)"
		echo "kernel_build_stamp=$(cat "$kernel/.trs-build" 2>/dev/null)"
		echo "bzimage_mtime=$(date -u -r "$kernel/bzImage" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)"
		echo "host_cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
		echo "host_cpus=$(nproc)"
		echo "host_kernel=$(uname -r)"
		echo "exp_sha256_16=$(sha256sum "$exp" | cut -c1-16)"
	} > "$out/meta.txt"
}

prov_guest() {
	local out=$1 model=$2 g=$3
	{
		echo "accel_$model=$(cat "$g/.trs/accel" 2>/dev/null || echo unknown)"
		echo "${model}_kernel_release=$(sed -n 's/^trs-guest: \([^ ]*\).*/\1/p' "$g/console.log" 2>/dev/null | head -n 1)"
		echo "status_$model=$4"
	} >> "$out/meta.txt"
}

prov_accel() {
	local accels
	accels=$(sed -n 's/^accel_[a-z]*=//p' "$1/meta.txt" | sort -u | tr '\n' ' ')
	echo "accel=${accels% }" >> "$1/meta.txt"
}
