#!/usr/bin/env python3
# damage-cases.py OUTDIR TRACE... - damaged copies of traces for the
# campaign of tests/cli/t0122-damaged-input.sh: truncations at every section
# boundary the format has (trace.dat v6/v7 sections, options, CPU data,
# compressed chunks and pages; perf.data header, attributes, records and
# feature sections; text lines; CTF packets), byte flips in headers and in
# the structure of CPU data (page commits, event headers, chunk headers,
# record headers, sample fields), zeroed pages. Writes OUTDIR/cases, one
# line per case: "op<TAB>original<TAB>offset<TAB>arg<TAB>what<TAB>file";
# op 'file': the damaged copy is the file; 'cut', 'flip' (arg: the XOR mask)
# and 'zero' (arg: bytes) are made one at a time by
#   damage-cases.py apply OP ORIGINAL OFFSET ARG DEST
import os
import struct
import sys

out = sys.argv[1]
cases = []


def emit(orig, data, what):
    """A damaged copy written now (small inputs: text, CTF)."""
    name = '%s/c%03d' % (out, len(cases))
    with open(name, 'wb') as f:
        f.write(data)
    cases.append(('file', orig, 0, 0, what, name))


def cut(orig, d, at, what):
    if 0 < at < len(d):
        cases.append(('cut', orig, at, 0, 'cut at %d (%s)' % (at, what), ''))


def flip(orig, d, at, what, mask=0xff):
    if 0 <= at < len(d):
        cases.append(('flip', orig, at, mask, 'flip 0x%02x at %d (%s)' % (mask, at, what), ''))


def zero(orig, d, at, n, what):
    if 0 <= at < len(d):
        cases.append(('zero', orig, at, n, 'zero %d bytes at %d (%s)' % (n, at, what), ''))


def apply(op, orig, at, arg, dest):
    """Make one damaged copy (the campaign makes them one at a time)."""
    d = bytearray(open(orig, 'rb').read())
    if op == 'cut':
        d = d[:at]
    elif op == 'flip':
        d[at] ^= arg
    elif op == 'zero':
        d[at:at + arg] = bytes(len(d[at:at + arg]))
    open(dest, 'wb').write(d)


if sys.argv[1] == 'apply':
    apply(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    sys.exit(0)


def u16(d, p): return struct.unpack_from('<H', d, p)[0]
def u32(d, p): return struct.unpack_from('<I', d, p)[0]
def u64(d, p): return struct.unpack_from('<Q', d, p)[0]


seen_v7 = False


def dat_v7(path, d):
    """The first v7 file: every section; the next ones: the header and CPU data."""
    global seen_v7
    page = u32(d, 14)
    p = d.index(b'\0', 18) + 1
    p = d.index(b'\0', p) + 1
    for at in (30, 33, 36):
        cut(path, d, at, 'inside the options offset (libtracecmd aborted)')
    cut(path, d, p, 'before the options offset')
    all_sections, seen_v7 = not seen_v7, True
    opt = u64(d, p)
    sections = []
    cpus = []
    while opt:
        sections.append(opt)
        size = u64(d, opt + 8)
        q, end = opt + 16, opt + 16 + size
        nxt = 0
        while q < end:
            oid, osz = u16(d, q), u32(d, q + 2)
            if all_sections and len(sections) == 1 and oid in (16, 3):
                flip(path, d, q + 2, 'option %d size' % oid, 0x40)
            if 16 <= oid <= 21:
                sections.append(u64(d, q + 6))
            elif oid == 3:
                b = q + 6
                sections.append(u64(d, b))
                s = d.index(b'\0', b + 8) + 1
                s = d.index(b'\0', s) + 1
                s += 4
                n = u32(d, s); s += 4
                for i in range(n):
                    cpus.append((u32(d, s), u64(d, s + 4), u64(d, s + 12)))
                    s += 20
            elif oid == 0:
                nxt = u64(d, q + 6)
            q += 6 + osz
        if not nxt:
            sections.append(end)   # the strings section
        opt = nxt
    for s in sorted(set(sections)) if all_sections else []:
        cut(path, d, s, 'section start')
        cut(path, d, s + 20, 'inside a compression header')
        flip(path, d, s, 'section id')
        flip(path, d, s + 8, 'section size', 0x10)
    for cpu, off, size in cpus:
        if not size:
            continue
        cut(path, d, off, 'cpu %d data start' % cpu)
        cut(path, d, off + size // 2, 'cpu %d data middle' % cpu)
        zero(path, d, off, 4, 'cpu %d chunk count' % cpu)
        zero(path, d, off, page, 'cpu %d first 4 KiB' % cpu)
        flip(path, d, off + 4, 'cpu %d first chunk compressed size' % cpu, 0x08)
        flip(path, d, off + 8, 'cpu %d first chunk uncompressed size' % cpu, 0x10)
        q, n = off + 4, u32(d, off)
        for k in range(min(n, 3)):
            cut(path, d, q, 'cpu %d chunk %d' % (cpu, k))
            q += 8 + u32(d, q)


def dat_v6(path, d):
    page = u32(d, 14)
    p = 18
    marks = [p]
    p += 12; p += 8 + u64(d, p); marks.append(p)
    p += 13; p += 8 + u64(d, p); marks.append(p)
    n = u32(d, p); p += 4
    for _ in range(n):
        p += 8 + u64(d, p)
    marks.append(p)
    n = u32(d, p); p += 4
    for _ in range(n):
        p = d.index(b'\0', p) + 1
        k = u32(d, p); p += 4
        for _ in range(k):
            p += 8 + u64(d, p)
    marks.append(p)
    p += 4 + u32(d, p); marks.append(p)
    p += 4 + u32(d, p); marks.append(p)
    p += 8 + u64(d, p); marks.append(p)
    ncpus = u32(d, p); p += 4
    if d[p:p + 10] == b'options  \0':
        p += 10
        while u16(d, p):
            p += 6 + u32(d, p + 2)
        p += 2
    marks.append(p)
    p += 10
    cpus = [(i, u64(d, p + 16 * i), u64(d, p + 16 * i + 8)) for i in range(ncpus)]
    for m in marks:
        cut(path, d, m, 'v6 header block')
        cut(path, d, m + 5, 'inside a v6 header block')
    flip(path, d, marks[0] + 12, 'header_page size', 0x08)
    for cpu, off, size in cpus:
        if not size:
            continue
        cut(path, d, off, 'cpu %d data start' % cpu)
        cut(path, d, off + 2 * page, 'cpu %d page boundary' % cpu)
        cut(path, d, off + page + 100, 'cpu %d inside a page' % cpu)
        zero(path, d, off, page, 'cpu %d first page' % cpu)
        zero(path, d, off + 3 * page, page, 'cpu %d fourth page' % cpu)
        flip(path, d, off + 8, 'cpu %d page commit' % cpu, 0x80)
        flip(path, d, off + page + 9, 'cpu %d page commit' % cpu, 0x10)
        flip(path, d, off + 16, 'cpu %d first event header type_len' % cpu, 0x1f)
        flip(path, d, off + 2 * page + 16, 'cpu %d event header type_len' % cpu, 0x0f)


def perf(path, d):
    asz, aoff, asize, doff, dsize = (u64(d, 16), u64(d, 24), u64(d, 32), u64(d, 40),
                                     u64(d, 48))
    for at, what in ((16, 'header'), (104, 'header end'), (aoff + asize, 'attributes end'),
                     (doff, 'data start'), (doff + dsize // 2, 'data middle'),
                     (doff + dsize, 'features')):
        cut(path, d, at, what)
    flip(path, d, aoff + 4, 'attr size', 0x04)
    flip(path, d, 40, 'data offset', 0x01)
    flip(path, d, 48, 'data size', 0x80)
    # records: headers and sample fields of the first samples
    p, end, n = doff, doff + dsize, 0
    while p < end and n < 3:
        typ, size = u32(d, p), u16(d, p + 6)
        if typ == 9:   # IDENTIFIER IP TID TIME CPU PERIOD RAW (the sample's format)
            flip(path, d, p + 6, 'sample size', 0x08)
            flip(path, d, p + 8 + 16 + 7, 'sample tid', 0x01)
            flip(path, d, p + 8 + 24 + 5, 'sample time high byte', 0x40)
            flip(path, d, p + 8 + 32, 'sample cpu', 0x04)
            flip(path, d, p + 8 + 52, 'raw common_type', 0x02)
            cut(path, d, p + 20, 'inside a sample')
            n += 1
        elif p == doff:
            flip(path, d, p, 'record type', 0x20)
        p += size
    q = doff + dsize
    bits = int.from_bytes(d[72:104], 'little')
    for i in range(bin(bits).count('1')):
        off = u64(d, q + 16 * i)
        if i < 4:
            cut(path, d, off, 'feature section')


def text(path, d):
    lines = d.split(b'\n')
    pos = 0
    for i, l in enumerate(lines[:-1]):
        if i % 3 == 1 and len(l) >= 4:   # (a cut at a line's end cannot be told)
            cut(path, d, pos + len(l) // 2, 'line %d middle' % (i + 1))
        pos += len(l) + 1
    emit(path, d.replace(b'\n', b' ' * 70000 + b'\n', 1), 'first line 64 KiB longer')
    emit(path, d + b'  ' + b'x' * 100 + b'-1 [000] ..... 99.000000: tlb_flush: pages:1 reason:x (3)\n',
         'a 100-byte comm')


def ctf(path):
    for s in sorted(os.listdir(path)):
        if s == 'metadata':
            continue
        sd = open(os.path.join(path, s), 'rb').read()
        for what, new in (('emptied', b''), ('cut at a packet', sd[:len(sd) // 2]),
                          ('cut inside a packet', sd[:100])):
            name = '%s/c%03d.ctf' % (out, len(cases))
            os.mkdir(name)
            for f in os.listdir(path):
                data = open(os.path.join(path, f), 'rb').read()
                open(os.path.join(name, f), 'wb').write(new if f == s else data)
            cases.append(('file', path, 0, 0, 'CTF stream %s %s' % (s, what), name))


for t in sys.argv[2:]:
    if os.path.isdir(t):
        ctf(t)
        continue
    d = open(t, 'rb').read()
    if d[:10] == b'\x17\x08Dtracing':
        (dat_v7 if d[10:12] == b'7\0' else dat_v6)(t, d)
    elif d[:8] == b'PERFILE2':
        perf(t, d)
    else:
        text(t, d)

with open(out + '/cases', 'w') as f:
    for c in cases:
        f.write('\t'.join(str(x) for x in c) + '\n')
print(len(cases))
