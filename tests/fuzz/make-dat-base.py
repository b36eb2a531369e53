#!/usr/bin/env python3
# make-dat-base.py - the fixed part of fuzz-dat's files (dat-base.dat) and
# its seed corpus, from a version 6 trace.dat (trace-cmd convert
# --file-version 6 -i samples/mprotect-churn.dat -o v6.dat):
#
#   tests/fuzz/make-dat-base.py v6.dat tests/fuzz
#
# dat-base.dat keeps the file header, the header and event formats, and one
# CPU; kallsyms, printk formats and command lines are cut to one line each
# (libtraceevent would parse 5 MB of kallsyms at every run) and the CPU data is whatever
# the fuzzer gives (fuzz-dat.c puts it at the end). The seeds are runs of
# the real file's pages of CPU 0 and 1.
import struct
import sys

src, out = sys.argv[1], sys.argv[2]
d = open(src, 'rb').read()
assert d[:10] == b'\x17\x08Dtracing' and d[10:12] == b'6\0'
page = struct.unpack_from('<I', d, 14)[0]
p = 18
p += 12; n = struct.unpack_from('<Q', d, p)[0]; p += 8 + n     # header_page
p += 13; n = struct.unpack_from('<Q', d, p)[0]; p += 8 + n     # header_event
cnt = struct.unpack_from('<I', d, p)[0]; p += 4                # ftrace formats
for _ in range(cnt):
    n = struct.unpack_from('<Q', d, p)[0]; p += 8 + n
nsys = struct.unpack_from('<I', d, p)[0]; p += 4               # event formats
for _ in range(nsys):
    p = d.index(b'\0', p) + 1
    cnt = struct.unpack_from('<I', d, p)[0]; p += 4
    for _ in range(cnt):
        n = struct.unpack_from('<Q', d, p)[0]; p += 8 + n
head = d[:p]
n = struct.unpack_from('<I', d, p)[0]; p += 4 + n              # kallsyms
n = struct.unpack_from('<I', d, p)[0]; p += 4 + n              # printk
n = struct.unpack_from('<Q', d, p)[0]; p += 8 + n              # cmdlines
ncpus = struct.unpack_from('<I', d, p)[0]; p += 4
if d[p:p + 10] == b'options  \0':
    p += 10
    while True:
        oid = struct.unpack_from('<H', d, p)[0]; p += 2
        if not oid:
            break
        n = struct.unpack_from('<I', d, p)[0]; p += 4 + n
assert d[p:p + 10] == b'flyrecord\0'
p += 10
cpus = [struct.unpack_from('<QQ', d, p + 16 * i) for i in range(ncpus)]

# the base: one CPU, its offset and size filled in by the harness (zeros here)
ksyms = b'ffffffff81000000 T _stext\n'
printk = b'0xffffffff82000000 : "tlbreplay"\n'
cmdlines = b'1 init\n'
base = head + struct.pack('<I', len(ksyms)) + ksyms + struct.pack('<I', len(printk)) + printk
base += struct.pack('<Q', len(cmdlines)) + cmdlines + struct.pack('<I', 1) + b'flyrecord\0'
base += struct.pack('<QQ', 0, 0)
open(out + '/dat-base.dat', 'wb').write(base)
# seeds: mode byte 0 (CPU data), then pages
for i, (off, size) in enumerate(cpus):
    for k, npages in enumerate((1, 4)):
        if size >= npages * page:
            open('%s/corpus-dat/cpu%d-%dpages' % (out, i, npages), 'wb').write(
                b'\0' + d[off:off + npages * page])
# whole-file seeds (first byte odd): the base with 4 pages of CPU 0
off = (len(base) + page - 1) // page * page
data = cpus[0][0], 4 * page
whole = bytearray(base) + bytes(off - len(base)) + d[cpus[0][0]:cpus[0][0] + 4 * page]
struct.pack_into('<QQ', whole, len(base) - 16, off, 4 * page)
open(out + '/corpus-dat/whole-v6', 'wb').write(b'\1' + whole)
print('base %d bytes, page %d, %d cpus' % (len(base), page, ncpus))

# A version 7 file of the same content (compression "none"), written here
# since trace-cmd convert refuses the trimmed v6 file: the whole-file seed
# for the v7 walk (sections, options, buffer option, strings).
def section(sid, body, sname=0):
    return struct.pack('<HHIQ', sid, 0, sname, len(body)) + body


hp = 18 + 12
hdr_end = hp + 8 + struct.unpack_from('<Q', d, hp)[0]
hdr_end += 13 + 8 + struct.unpack_from('<Q', d, hdr_end + 13)[0]
headers = d[18:hdr_end]
p = hdr_end
cnt = struct.unpack_from('<I', d, p)[0]; q = p + 4
for _ in range(cnt):
    q += 8 + struct.unpack_from('<Q', d, q)[0]
ftrace, events = d[p:q], head[q:]
v7 = bytearray(d[:10] + b'7\0' + d[12:18] + b'none\0' + b'\0')
v7 += b'\0' * 8                         # offset of the first options section
offs = {}
for sid, body in ((16, headers), (17, ftrace), (18, events),
                  (19, struct.pack('<I', len(ksyms)) + ksyms),
                  (20, struct.pack('<I', len(printk)) + printk),
                  (21, struct.pack('<Q', len(cmdlines)) + cmdlines)):
    offs[sid] = len(v7)
    v7 += section(sid, body)
pad = (-(len(v7) + 16)) % page
buf_off = len(v7)
cpu_data = d[cpus[0][0]:cpus[0][0] + 4 * page]
v7 += section(3, b'\0' * pad + cpu_data)
cpu_off = buf_off + 16 + pad
opts = b''
for sid in (16, 17, 18, 19, 20, 21):
    opts += struct.pack('<HIQ', sid, 8, offs[sid])
binfo = struct.pack('<Q', buf_off) + b'\0' + b'mono\0' + struct.pack('<II', page, 1)
binfo += struct.pack('<IQQ', 0, cpu_off, len(cpu_data))
opts += struct.pack('<HI', 3, len(binfo)) + binfo
opts += struct.pack('<HIQ', 0, 8, 0)
struct.pack_into('<Q', v7, 18 + 6, len(v7))
v7 += section(0, opts)
v7 += section(15, b'headers\0')
open(out + '/corpus-dat/whole-v7', 'wb').write(b'\1' + v7)
