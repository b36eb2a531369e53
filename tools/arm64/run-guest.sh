#!/bin/sh
# run-guest.sh OUTDIR
#
# tlbreplay on arm64, under emulation: cross-builds tlbreplay and the
# workloads for aarch64, boots Debian's arm64 kernel in qemu-system-aarch64
# (TCG, -M virt -cpu max -smp 4) with an initramfs holding them, busybox and
# tlbreplay's shared libraries, runs `tlbreplay record` on the workloads
# (usemem, mprotect-churn, and Debian's stress-ng with the libraries it needs)
# inside the guest, and brings the trace.dat files back over the serial
# console (base64 between markers) into OUTDIR, with the guest's
# `record --check` and its console log.
#
# Needs: qemu-system-arm, gcc-aarch64-linux-gnu, meson, ninja, and the arm64
# architecture in apt (dpkg --add-architecture arm64; apt-get update): the
# arm64 packages are downloaded (apt-get download) and unpacked into a
# sysroot, never installed, so they cannot replace the host's.
# TLBR_ARM64_CACHE keeps the downloads and builds between runs
# (default: $HOME/.cache/tlbreplay-arm64).
set -eu
[ $# -eq 1 ] || { echo "usage: run-guest.sh OUTDIR" >&2; exit 2; }
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
cache=${TLBR_ARM64_CACHE:-$HOME/.cache/tlbreplay-arm64}
kver=6.1.0-47-arm64
mkdir -p "$cache/debs"
# one run at a time per cache: a second run waits instead of unpacking over the first
exec 9> "$cache/.lock"
flock 9

need() { command -v "$1" >/dev/null || { echo "run-guest.sh: $1 is missing ($2)" >&2; exit 77; }; }
need qemu-system-aarch64 "apt-get install qemu-system-arm"
need aarch64-linux-gnu-gcc "apt-get install gcc-aarch64-linux-gnu"
need cpio "apt-get install cpio"

# 1. arm64 packages: downloaded, unpacked into a sysroot
debs="libtracecmd1 libtracecmd-dev libtracefs1 libtracefs-dev libtraceevent1 libtraceevent-dev
      libzstd1 libzstd-dev busybox-static linux-image-$kver-unsigned"
cd "$cache/debs"
for p in $debs; do
	ls "${p}"_*_arm64.deb >/dev/null 2>&1 || apt-get download -q "$p:arm64" >/dev/null 2>&1 || {
		echo "run-guest.sh: cannot download $p:arm64 (dpkg --add-architecture arm64;" \
		     "apt-get update)" >&2; exit 77; }
done
# stress-ng and the libraries it needs (its Depends, not Recommends: no GPU drivers)
stressdeps=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
	--no-breaks --no-replaces --no-enhances stress-ng:arm64 2>/dev/null |
	grep '^[a-z].*:arm64$' | grep -v '^libc6:' | sort -u)
for p in $stressdeps; do
	n=${p%:arm64}
	ls "${n}"_*_arm64.deb >/dev/null 2>&1 || apt-get download -q "$p" >/dev/null 2>&1 || {
		echo "run-guest.sh: cannot download $p" >&2; exit 77; }
done
stressroot=$cache/stress-ng
if [ ! -e "$stressroot/.done" ]; then
	rm -rf "$stressroot"
	mkdir -p "$stressroot"
	for p in $stressdeps; do
		dpkg-deb -x "${p%:arm64}"_*_arm64.deb "$stressroot" || {
			rm -rf "$stressroot"; echo "run-guest.sh: cannot unpack $p" >&2; exit 1; }
	done
	touch "$stressroot/.done"
fi
sysroot=$cache/sysroot
# (a sysroot is complete only when every package unpacked: checked, not assumed)
if [ ! -e "$sysroot/.done" ] || [ ! -x "$sysroot/bin/busybox" ]; then
	rm -rf "$sysroot"
	mkdir -p "$sysroot"
	for d in *_arm64.deb; do
		case $d in linux-image-*) continue ;; esac
		dpkg-deb -x "$d" "$sysroot" || {
			rm -rf "$sysroot"; echo "run-guest.sh: cannot unpack $d" >&2; exit 1; }
	done
	touch "$sysroot/.done"
fi
kernel=$cache/Image-$kver
if [ ! -e "$kernel" ]; then
	rm -rf "$cache/kernel"
	dpkg-deb -x linux-image-$kver-unsigned_*_arm64.deb "$cache/kernel"
	cp "$cache/kernel/boot/vmlinuz-$kver" "$kernel"
	rm -rf "$cache/kernel"
fi

# 2. the cross build (no babeltrace2 for arm64: CTF is a host matter)
build=$cache/build-$(printf %s "$src" | md5sum | cut -c1-8)	# one per source tree
libdir=$sysroot/usr/lib/aarch64-linux-gnu
cat > "$cache/cross.ini" <<EOF
[binaries]
c = 'aarch64-linux-gnu-gcc'
strip = 'aarch64-linux-gnu-strip'
pkgconfig = 'pkg-config'

[properties]
sys_root = '$sysroot'
pkg_config_libdir = ['$libdir/pkgconfig', '$sysroot/usr/share/pkgconfig']

[built-in options]
c_link_args = ['-L$libdir', '-Wl,-rpath-link,$libdir', '-Wl,-rpath-link,$sysroot/lib/aarch64-linux-gnu']

[host_machine]
system = 'linux'
cpu_family = 'aarch64'
cpu = 'aarch64'
endian = 'little'
EOF
if [ ! -e "$build/build.ninja" ]; then
	meson setup "$build" "$src" --cross-file "$cache/cross.ini" -Dctf=disabled \
		-Dman-pages=disabled -Dbuildtype=release > "$cache/meson.log" 2>&1 || {
		tail -20 "$cache/meson.log" >&2; exit 1; }
fi
ninja -C "$build" cmd/tlbreplay tests/workloads/usemem tests/workloads/mprotect-churn \
	> "$cache/ninja.log" 2>&1 || { tail -30 "$cache/ninja.log" >&2; exit 1; }

# 3. the initramfs: busybox, tlbreplay and its libraries, the workloads, /init
root=$cache/initramfs
rm -rf "$root"
mkdir -p "$root/bin" "$root/lib/aarch64-linux-gnu" "$root/proc" "$root/sys" "$root/tmp" \
	"$root/dev" "$root/usr/bin"
cp "$sysroot/bin/busybox" "$root/bin/busybox"
cp "$build/cmd/tlbreplay" "$build/tests/workloads/usemem" "$build/tests/workloads/mprotect-churn" \
	"$root/bin/"
cross=/usr/aarch64-linux-gnu/lib
cp "$cross/ld-linux-aarch64.so.1" "$root/lib/"
for l in "$cross"/lib*.so.[0-9]*; do	# the C library: libc, libm, libpthread, librt, ...
	cp -L "$l" "$root/lib/aarch64-linux-gnu/"
done
for l in libtracecmd.so.1 libtracefs.so.1 libtraceevent.so.1 libzstd.so.1; do
	cp -L "$libdir/$l" "$root/lib/aarch64-linux-gnu/"
done
cp "$stressroot/usr/bin/stress-ng" "$root/bin/"
for d in "$stressroot/lib/aarch64-linux-gnu" "$stressroot/usr/lib/aarch64-linux-gnu"; do
	[ -d "$d" ] && find "$d" -maxdepth 1 -name '*.so*' -exec cp -Ln {} "$root/lib/aarch64-linux-gnu/" \;
done
cat > "$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin LD_LIBRARY_PATH=/lib/aarch64-linux-gnu
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tracefs nodev /sys/kernel/tracing
mount -t debugfs nodev /sys/kernel/debug
mount -t tmpfs tmp /tmp
cd /tmp
echo "TLBR-GUEST $(uname -r) $(uname -m) $(nproc) CPUs"
tlbreplay record --check > check.txt 2>&1
tlbreplay record -o usemem.dat -- usemem -t 2 -m 2 -s 1 -f 100 > usemem.log 2>&1
tlbreplay record -o mprotect-churn.dat -- mprotect-churn -p 8 -n 100 > mprotect-churn.log 2>&1
tlbreplay record -o stress-ng.dat -- stress-ng --vm 1 --vm-bytes 4M --fork 1 --timeout 2 \
	--quiet > stress-ng.log 2>&1
# cleanup with kprobes: a signal, then a SIGKILLed recorder and the next run
T=/sys/kernel/tracing
state() { echo "$1 kprobes=$(grep -c ':tlbr/' $T/kprobe_events) instances=$(ls $T/instances | grep -c tlbreplay_)"; }
{
	state before
	tlbreplay record --no-census -a -o sigint.dat > sigint.log 2>&1 & p=$!
	sleep 3; kill -INT $p; wait $p; echo "sigint-status $?"
	state after-sigint
	tlbreplay record --no-census -a -o sigterm.dat > sigterm.log 2>&1 & p=$!
	sleep 3; kill -TERM $p; wait $p; echo "sigterm-status $?"
	state after-sigterm
	tlbreplay record --no-census -a -o killed.dat > killed.log 2>&1 & p=$!
	sleep 3; kill -KILL $p; wait $p
	state after-sigkill
	tlbreplay record --no-census -a -d 1 -o next.dat > next.log 2>&1; echo "next-status $?"
	state after-next
} > cleanup.txt 2>&1
for f in check.txt cleanup.txt next.log usemem.log mprotect-churn.log stress-ng.log usemem.dat \
	 mprotect-churn.dat stress-ng.dat; do
	[ -e "$f" ] || continue
	echo "TLBR-FILE-BEGIN $f"
	base64 "$f"
	echo "TLBR-FILE-END $f"
done
echo TLBR-GUEST-DONE
poweroff -f
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$cache/initramfs.cpio.gz"

# 4. boot, record, and bring the files back
timeout 900 qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on -smp 4 -m 2G -nographic \
	-no-reboot -kernel "$kernel" -initrd "$cache/initramfs.cpio.gz" \
	-append "console=ttyAMA0 nokaslr quiet panic=-1" < /dev/null > "$out/console.log" 2>&1 || true
tr -d '\r' < "$out/console.log" | awk -v dir="$out" '
	/^TLBR-FILE-BEGIN / { f = dir "/" $2 ".b64"; printf "" > f; on = 1; next }
	/^TLBR-FILE-END / { on = 0; close(f); next }
	on { print >> f }'
for b in "$out"/*.b64; do
	[ -e "$b" ] || continue
	base64 -d "$b" > "${b%.b64}" && rm -f "$b"
done
grep -q '^TLBR-GUEST-DONE' "$out/console.log" || {
	echo "run-guest.sh: the guest did not finish (see $out/console.log)" >&2; exit 1; }
ls "$out"
