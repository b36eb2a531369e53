#!/bin/sh
# run-guest.sh OUTDIR
#
# tlbreplay on arm64, under emulation: cross-builds tlbreplay and the
# workloads for aarch64, and boots Debian's arm64 kernels in
# qemu-system-aarch64 (TCG, -M virt -cpu max -smp 2), one boot per kernel
# sharing one initramfs (busybox, tlbreplay and its shared libraries, the
# workloads, Debian's stress-ng with the libraries it needs). In each boot
# /init runs `tlbreplay record --check` and records one trace of every
# program, one after the other (all.dat; programs.txt names each program's
# process: "NAME pid=P thp=X"): the project's workloads (usemem,
# mprotect-churn, stress-ng vm+fork), busybox (a shell fork/exec loop; with
# the full suite also sort and gzip) and stress-ng stressors that madvise
# (DONTNEED, FREE, PAGEOUT, ...) and mremap (grow, shrink, move) (full
# suite: also forkheavy, mmap, mprotect, exec, tlb-shootdown), with
# transparent huge pages at the kernel's default and off. One recording,
# not one per program: arming and removing the census's ~400 kprobes takes
# a stop_machine each, about 100 s per recording under TCG. The
# traces come back over the serial console (base64 between markers) into
# OUTDIR/KERNEL/ (KERNEL: 6.1, 6.12), with the guest's `record --check`,
# the recorders' logs and the console log.
#
# TLBR_ARM64_SMP: the guest's CPUs (default 2: every kprobe the recorder
# arms or removes stops every vCPU, stop_machine; on 2 host CPUs 4 vCPUs
# took twice as long, t0500 728 s against 364 s).
# TLBR_ARM64_KERNELS: the kernels to boot (default "6.1 6.12"): 6.1 is
# Debian 12's linux-image-6.1.0-47-arm64, 6.12 Debian 12 security's
# linux-image-6.12.*+deb12-arm64 (the newest apt knows, or
# TLBR_ARM64_612=6.12.N+deb12-arm64). TLBR_ARM64_SUITE=full runs each
# program longer (tools/arm64/sweep.sh; CI runs the default, short one);
# TLBR_ARM64_SUITE=age only stress-ng --madvise and --mremap at the full
# suite's lengths, the programs whose agings the recorder's age_young probe
# decides on the hardware Access flag (the default CPU);
# TLBR_ARM64_SUITE=shootdown only stress-ng --tlb-shootdown 1..4
# (tools/sweep-tlb-shootdown.sh); TLBR_ARM64_SUITE=crossarch only the
# programs of tools/cross-arch-programs.sh, also recorded on x86
# (tools/cross-arch.sh), and no cleanup run. TLBR_ARM64_APPEND: more of the
# kernel's command line (cross-arch.sh: the x86 host's THP setting, and
# tlbr.cpus=LIST: the recorder and its programs pinned by taskset -c LIST).
# TLBR_ARM64_CPU: qemu's -cpu (default max,pauth-impdef=on: qemu 7.2's max
# has FEAT_HAFDBS, the hardware sets the Access flag). TLBR_ARM64_SUITE=madvise
# runs only the madvise programs (stress-ng --madvise at the full suite's
# length, zap-churn with and without huge pages) and stress-ng
# --tlb-shootdown (zaps of shared memory, whose clean pages force no flush
# where there is no hardware dirty state either), for a CPU without
# FEAT_HAFDBS (sweep.sh: TLBR_ARM64_CPU=cortex-a72, ARMv8.0), where each
# access through an old PTE is a software Access flag fault the recorder
# traces (the metadata says access_flag=software), with MGLRU off
# (/sys/kernel/mm/lru_gen/enabled: 6.12's default is on; the metadata says
# lru_gen=0x0000), whose aging would clear Access flags unseen: there a
# PTE's age is decidable from the trace. TLBR_ARM64_TAG: appended
# to each kernel's directory name (OUTDIR/6.1-a72).
#
# Needs: qemu-system-arm, gcc-aarch64-linux-gnu, meson, ninja, and the arm64
# architecture in apt (dpkg --add-architecture arm64; apt-get update): the
# arm64 packages are downloaded (apt-get download) and unpacked into a
# sysroot, never installed, so they cannot replace the host's.
# TLBR_ARM64_CACHE keeps the downloads and builds between runs
# (default: $HOME/.cache/tlbreplay-arm64); a lock on it keeps two runs
# from sharing it at once.
set -eu
[ $# -eq 1 ] || { echo "usage: run-guest.sh OUTDIR" >&2; exit 2; }
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
cache=${TLBR_ARM64_CACHE:-$HOME/.cache/tlbreplay-arm64}
kernels=${TLBR_ARM64_KERNELS:-6.1 6.12}
suite=${TLBR_ARM64_SUITE:-ci}
mkdir -p "$cache/debs"
# one run at a time per cache: a second run waits instead of unpacking over the first
exec 9> "$cache/.lock"
flock 9

need() { command -v "$1" >/dev/null || { echo "run-guest.sh: $1 is missing ($2)" >&2; exit 77; }; }
need qemu-system-aarch64 "apt-get install qemu-system-arm"
need aarch64-linux-gnu-gcc "apt-get install gcc-aarch64-linux-gnu"
need cpio "apt-get install cpio"

# 1. arm64 packages: downloaded, unpacked into a sysroot
kver_of() {
	case $1 in
	6.1) echo 6.1.0-47-arm64 ;;
	6.12)
		if [ -n "${TLBR_ARM64_612:-}" ]; then echo "$TLBR_ARM64_612"; return; fi
		k=$(cd "$cache" && ls -d Image-6.12.*+deb12-arm64 2>/dev/null | sort -V | tail -1)
		[ -n "$k" ] && { echo "${k#Image-}"; return; }
		apt-cache search --names-only '^linux-image-6\.12\..*\+deb12-arm64-unsigned$' |
			sed 's/^linux-image-\([^ ]*\)-unsigned .*/\1/' | sort -V | tail -1 ;;
	*) echo "$1" ;;
	esac
}
kvers=
for k in $kernels; do
	v=$(kver_of "$k")
	[ -n "$v" ] || { echo "run-guest.sh: no Debian arm64 kernel package for $k" >&2; exit 77; }
	kvers="$kvers $k=$v"
done
debs="libtracecmd1 libtracecmd-dev libtracefs1 libtracefs-dev libtraceevent1 libtraceevent-dev
      libzstd1 libzstd-dev zlib1g zlib1g-dev busybox-static"
sysdebs=$debs
for kv in $kvers; do
	v=${kv#*=}
	[ -e "$cache/Image-$v" ] || debs="$debs linux-image-$v-unsigned"
done
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
# (and of the packages this version of the script wants: a new one rebuilds it)
if [ ! -e "$sysroot/.done" ] || [ ! -x "$sysroot/bin/busybox" ] ||
   [ "$(cat "$sysroot/.done")" != "$(echo $sysdebs)" ]; then
	rm -rf "$sysroot"
	mkdir -p "$sysroot"
	for d in *_arm64.deb; do
		case $d in linux-image-*) continue ;; esac
		dpkg-deb -x "$d" "$sysroot" || {
			rm -rf "$sysroot"; echo "run-guest.sh: cannot unpack $d" >&2; exit 1; }
	done
	# absolute library links (libz.so -> /lib/...) point into the sysroot
	for l in "$sysroot"/usr/lib/aarch64-linux-gnu/*.so; do
		t=$(readlink "$l") || continue
		case $t in /*) ln -sf "$sysroot$t" "$l" ;; esac
	done
	echo $sysdebs > "$sysroot/.done"
fi
for kv in $kvers; do
	v=${kv#*=}
	[ -e "$cache/Image-$v" ] && continue
	rm -rf "$cache/kernel"
	dpkg-deb -x linux-image-$v-unsigned_*_arm64.deb "$cache/kernel"
	cp "$cache/kernel/boot/vmlinuz-$v" "$cache/Image-$v"
	rm -rf "$cache/kernel" linux-image-$v-unsigned_*_arm64.deb
done

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
ninja -j2 -C "$build" cmd/tlbreplay tests/workloads/usemem tests/workloads/mprotect-churn \
	tests/workloads/zap-churn > "$cache/ninja.log" 2>&1 || { tail -30 "$cache/ninja.log" >&2; exit 1; }

# 3. the initramfs: busybox, tlbreplay and its libraries, the workloads, /init
root=$cache/initramfs
rm -rf "$root"
mkdir -p "$root/bin" "$root/lib/aarch64-linux-gnu" "$root/proc" "$root/sys" "$root/tmp" \
	"$root/dev" "$root/usr/bin"
cp "$sysroot/bin/busybox" "$root/bin/busybox"
cp "$build/cmd/tlbreplay" "$build/tests/workloads/usemem" "$build/tests/workloads/mprotect-churn" \
	"$build/tests/workloads/zap-churn" "$root/bin/"
cp "$src/tools/cross-arch-programs.sh" "$root/bin/"
cross=/usr/aarch64-linux-gnu/lib
cp "$cross/ld-linux-aarch64.so.1" "$root/lib/"
for l in "$cross"/lib*.so.[0-9]*; do	# the C library: libc, libm, libpthread, librt, ...
	cp -L "$l" "$root/lib/aarch64-linux-gnu/"
done
for l in libtracecmd.so.1 libtracefs.so.1 libtraceevent.so.1 libzstd.so.1 libz.so.1; do
	for d in "$libdir" "$sysroot/lib/aarch64-linux-gnu"; do
		[ -e "$d/$l" ] && { cp -L "$d/$l" "$root/lib/aarch64-linux-gnu/"; break; }
	done
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
full=; grep -q 'tlbr.suite=full' /proc/cmdline && full=1
send() {	# the files go out as soon as they are there: a slow guest still gives some
	for f in "$@"; do
		[ -e "$f" ] || continue
		echo "TLBR-FILE-BEGIN $f"
		base64 "$f"
		echo "TLBR-FILE-END $f"
	done
}
tlbreplay record --check > check.txt 2>&1
send check.txt
# tools/sweep-tlb-shootdown.sh: stress-ng --tlb-shootdown N for N = 1..4
# only, one recording each (suite compares them as workloads)
if grep -q 'tlbr.suite=shootdown' /proc/cmdline; then
	for k in 1 2 3 4; do
		echo "TLBR-PROGRESS sng-tlb-shootdown-$k $(cut -d' ' -f1 /proc/uptime)"
		tlbreplay record -o sng-tlb-shootdown-$k.dat -- stress-ng --tlb-shootdown $k \
			--tlb-shootdown-ops 200 --timeout 10 --quiet > sng-tlb-shootdown-$k.log 2>&1
		send sng-tlb-shootdown-$k.log sng-tlb-shootdown-$k.dat
		rm -f sng-tlb-shootdown-$k.dat
	done
	echo TLBR-GUEST-DONE; poweroff -f
fi
# One recording of every program (arming and removing the census's ~400
# kprobes costs a stop_machine each: about 100 s a recording under TCG);
# programs.txt says which process tree is which program ("NAME pid=P thp=X").
cat > run.sh <<'RUN'
THP=/sys/kernel/mm/transparent_hugepage/enabled
run() {	# run NAME COMMAND...: one program, its process tree (THP at $CX_THP if set)
	t=$1; shift
	echo "TLBR-PROGRESS $t $(cut -d' ' -f1 /proc/uptime)" > /dev/console
	old=$(sed -n 's/.*\[\(.*\)\].*/\1/p' $THP 2>/dev/null)
	[ -n "${CX_THP:-}" ] && [ -e $THP ] && echo "$CX_THP" > $THP
	"$@" & p=$!
	echo "$t pid=$p thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' $THP 2>/dev/null)" \
		"cpus=$(taskset -p $p 2>/dev/null | sed 's/.*: //')" >> programs.txt
	wait $p
	[ -n "${CX_THP:-}" ] && [ -n "$old" ] && echo "$old" > $THP
	return 0
}
RUN
# tools/cross-arch.sh: the programs it also records on x86, and nothing else
if grep -q 'tlbr.suite=madvise' /proc/cmdline; then
# ages decidable: MGLRU's aging clears Access flags with no event
# (walk_pte_range, lru_gen_look_around): off, as 6.1's default is (the
# recorder then writes lru_gen=0x0000 and a fault proves a PTE young)
[ -e /sys/kernel/mm/lru_gen/enabled ] && echo n > /sys/kernel/mm/lru_gen/enabled
cat > progs.sh <<'PROGS'
. ./run.sh
# madvise only (a CPU without FEAT_HAFDBS: the Access flag set by software)
run sng-madvise stress-ng --madvise 1 --madvise-ops 2000 --timeout 10 --quiet
run zap-churn zap-churn -n 50 -p 64
run zap-churn-thp zap-churn -n 10 -p 1024 -H
# shared memory's zaps: without the hardware dirty state a page only read is clean
run sng-tlb-shootdown stress-ng --tlb-shootdown 1 --tlb-shootdown-ops 200 --timeout 10 --quiet
PROGS
elif grep -q 'tlbr.suite=age' /proc/cmdline; then
cat > progs.sh <<'PROGS'
. ./run.sh
# madvise COLD/PAGEOUT's agings and mremap's (the full suite's lengths)
run sng-madvise stress-ng --madvise 1 --madvise-ops 2000 --timeout 10 --quiet
run sng-mremap stress-ng --mremap 1 --mremap-ops 1000 --timeout 10 --quiet --mremap-bytes 4M
PROGS
elif grep -q 'tlbr.suite=crossarch' /proc/cmdline; then
	printf '. ./run.sh\nTRUE=/bin/true\n. /bin/cross-arch-programs.sh\ncross_arch_programs\n' > progs.sh
	. /bin/cross-arch-programs.sh
	cross_arch_input
else
cat > progs.sh <<'PROGS'
full=$1
n() { [ -n "$full" ] && echo "$2" || echo "$1"; }	# n CI FULL: a count by suite
. ./run.sh
# the project's workloads
run usemem usemem -t 2 -m 2 -s 1 -f 100
run mprotect-churn mprotect-churn -p 8 -n 100
run stress-ng stress-ng --vm 1 --vm-bytes 4M --fork 1 --timeout 2 --quiet
# busybox: a shell fork/exec loop (full: a sort, realloc's mremap grows, and a gzip)
run bb-sh-fork-exec sh -c "i=0; while [ \$i -lt $(n 20 400) ]; do /bin/true; i=\$((i+1)); done"
if [ -n "$full" ]; then
	run bb-sort sh -c 'sort -r lines.txt > sorted.txt'
	run bb-gzip sh -c 'gzip -c lines.txt > lines.gz'
fi
# stress-ng: munmap, madvise, mremap, mprotect, fork and exec patterns
sng() { t=$1 s=$2 o=$3; shift 3; run $t stress-ng --$s 1 --$s-ops $o --timeout $(n 2 10) --quiet "$@"; }
sng sng-madvise madvise $(n 20 2000)
sng sng-mremap mremap $(n 4 1000) --mremap-bytes $(n 256K 4M)
if [ -n "$full" ]; then
	sng sng-forkheavy forkheavy 2000
	sng sng-mmap mmap 1000 --mmap-bytes 1M
	sng sng-mprotect mprotect 2000
	sng sng-exec exec 500
	sng sng-tlb-shootdown tlb-shootdown 200
fi
# transparent huge pages: at the kernel's default, then off
run thp-default stress-ng --vm 1 --vm-bytes 4M --vm-ops $(n 2 40) --fork 1 --fork-ops $(n 4 80) \
	--timeout $(n 2 10) --quiet
[ -e $THP ] && echo never > $THP
run thp-off stress-ng --vm 1 --vm-bytes 4M --vm-ops $(n 2 40) --fork 1 --fork-ops $(n 4 80) \
	--timeout $(n 2 10) --quiet
PROGS
[ -n "$full" ] && seq 1 300000 > lines.txt
fi
echo "TLBR-PROGRESS record $(cut -d' ' -f1 /proc/uptime)"
# tlbr.cpus=LIST (cross-arch.sh): the recorder, and the programs it runs, pinned as on x86
pin=$(sed -n 's/.*tlbr\.cpus=\([^ ]*\).*/\1/p' /proc/cmdline)
${pin:+taskset -c $pin} tlbreplay record -o all.dat -- sh progs.sh "$full" > all.log 2>&1
echo "TLBR-PROGRESS recorded $(cut -d' ' -f1 /proc/uptime)"
send all.log programs.txt all.dat
rm -f all.dat
echo "TLBR-PROGRESS sent $(cut -d' ' -f1 /proc/uptime)"
# cleanup with kprobes (on the first kernel): a signal, a SIGKILLed recorder and the next run
grep -q 'tlbr.cleanup=1' /proc/cmdline || { echo TLBR-GUEST-DONE; poweroff -f; }
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
	# killed once its kprobes and instance exist (at most 120 s: TCG on a
	# loaded host may take longer than any fixed delay to set them up)
	i=0
	while { [ "$(grep -c ':tlbr/' $T/kprobe_events)" -eq 0 ] ||
		[ ! -d $T/instances/tlbreplay_$p ]; } && kill -0 $p 2>/dev/null && [ $i -lt 1200 ]; do
		sleep 0.1; i=$((i + 1))
	done
	sleep 0.5; kill -KILL $p; wait $p
	state after-sigkill
	tlbreplay record --no-census -a -d 1 -o next.dat > next.log 2>&1; echo "next-status $?"
	state after-next
} > cleanup.txt 2>&1
send cleanup.txt next.log
echo TLBR-GUEST-DONE
poweroff -f
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$cache/initramfs.cpio.gz"

# 4. one boot per kernel: record, and bring the files back
st=0 first=1
case $suite in crossarch|madvise|age) first=0 ;; esac	# its own programs only: no cleanup run
for kv in $kvers; do
	k=${kv%%=*} v=${kv#*=}
	dir=$out/$k${TLBR_ARM64_TAG:-}
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "$v" > "$dir/kernel"
	start=$(date +%s)
	timeout ${TLBR_ARM64_TIMEOUT:-1200} qemu-system-aarch64 -M virt -cpu ${TLBR_ARM64_CPU:-max,pauth-impdef=on} -smp ${TLBR_ARM64_SMP:-2} -m 2G -nographic \
		-no-reboot -kernel "$cache/Image-$v" -initrd "$cache/initramfs.cpio.gz" \
		-append "console=ttyAMA0 nokaslr quiet panic=-1 tlbr.suite=$suite tlbr.cleanup=$first ${TLBR_ARM64_APPEND:-}" \
		< /dev/null > "$dir/console.log" 2>&1 || true
	echo "$k: $v booted, recorded and powered off in $(( $(date +%s) - start )) s"
	tr -d '\r' < "$dir/console.log" | awk -v dir="$dir" '
		/^TLBR-FILE-BEGIN / { f = dir "/" $2 ".b64"; printf "" > f; on = 1; next }
		/^TLBR-FILE-END / { on = 0; close(f); next }
		on { print >> f }'
	for b in "$dir"/*.b64; do
		[ -e "$b" ] || continue
		base64 -d "$b" > "${b%.b64}" && rm -f "$b"
	done
	grep -q '^TLBR-GUEST-DONE' "$dir/console.log" || {
		echo "run-guest.sh: the $k guest did not finish (see $dir/console.log)" >&2; st=1; }
	first=0
done
exit $st
