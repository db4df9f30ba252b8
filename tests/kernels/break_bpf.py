#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes a copy of a BPF object with one program the verifier rejects, for the kernel matrix's
self-test (tests/kernels/run.sh --self-test): the matrix must then report the load failure with the
verifier's log instead of passing or hanging.

    break_bpf.py IN.o OUT.o [PROGRAM]

In PROGRAM (default: tr_sys_enter, else the first program in a "tracepoint" section), the
`r0 = IMM` before its last `exit` that has one (a `return CONSTANT`, wherever the compiler put it)
becomes a read of 8 bytes at the frame pointer, above the stack, which every verifier refuses
("invalid read from stack"); when there is none and the program ends with `exit`, that becomes
`r0 = 0`, so that it runs off its end (also refused). Neither instruction
carries a relocation, so libbpf still prepares the program; the object stays a valid ELF file with
all its maps and programs, so the agent accepts it, and only the kernel says no. Prints the
program's name and what was changed.
"""
import struct
import sys

BPF_EXIT = 0x95         # BPF_JMP | BPF_EXIT
BPF_MOV64_K = 0xb7      # BPF_ALU64 | BPF_MOV | BPF_K
BPF_LDX_DW = 0x79       # BPF_LDX | BPF_MEM | BPF_DW


def sections(data):
    """(name, offset, size, flags, type, link, entsize) of each section of a little-endian ELF64."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit("not a little-endian ELF64 file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    raw = []
    for i in range(shnum):
        name, typ, flags, _addr, off, size, link, _info, _align, entsize = \
            struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
        raw.append((name, off, size, flags, typ, link, entsize))
    stroff = raw[shstrndx][1]

    def cstr(off):
        return data[off:data.index(b"\0", off)].decode()
    return [(cstr(stroff + r[0]),) + r[1:] for r in raw]


def programs(data, secs):
    """(symbol name, section name, file offset, size) of every function symbol in an executable section."""
    out = []
    for name, off, size, _flags, typ, link, entsize in secs:
        if typ != 2:        # SHT_SYMTAB
            continue
        stroff = secs[link][1]
        for k in range(size // entsize):
            st_name, st_info, _other, shndx, value, st_size = struct.unpack_from("<IBBHQQ", data, off + k * entsize)
            if st_info & 0xf != 2 or shndx == 0 or shndx >= len(secs):    # STT_FUNC
                continue
            sname, soff, _s, sflags, *_ = secs[shndx]
            if not sflags & 0x4 or sname == ".text":                      # SHF_EXECINSTR; not a subprogram
                continue
            sym = data[stroff + st_name:data.index(b"\0", stroff + st_name)].decode()
            out.append((sym, sname, soff + value, st_size))
    return out


def main():
    if len(sys.argv) not in (3, 4):
        raise SystemExit("usage: break_bpf.py IN.o OUT.o [PROGRAM]")
    data = bytearray(open(sys.argv[1], "rb").read())
    progs = programs(data, sections(data))
    if len(sys.argv) == 4:
        pick = [p for p in progs if p[0] == sys.argv[3]]
    else:
        pick = [p for p in progs if p[0] == "tr_sys_enter"] or [p for p in progs if p[1].startswith("tracepoint")]
    if not pick:
        raise SystemExit(f"no such program; the object has: {', '.join(p[0] for p in progs)}")
    name, _sec, off, size = pick[0]
    last = off + size - 8
    # the last `r0 = IMM; exit` anywhere in the program (the compiler may put other blocks after it)
    ret = [i for i in range(off + 8, off + size, 8)
           if data[i] == BPF_EXIT and data[i - 8] == BPF_MOV64_K and data[i - 7] & 0xf == 0]
    if ret:
        i = ret[-1] - 8
        data[i:i + 8] = bytes([BPF_LDX_DW, 0xa0, 0, 0, 0, 0, 0, 0])            # r0 = *(u64 *)(r10 + 0)
        what = f"r0 = *(u64 *)(r10 + 0) before the exit at instruction {(ret[-1] - off) // 8}"
    elif size >= 16 and data[last] == BPF_EXIT:
        data[last:last + 8] = bytes([BPF_MOV64_K, 0, 0, 0, 0, 0, 0, 0])        # r0 = 0, no exit
        what = "final exit replaced by r0 = 0"
    else:
        raise SystemExit(f"{name} has no `r0 = IMM; exit` and does not end with exit")
    with open(sys.argv[2], "wb") as f:
        f.write(data)
    print(f"{name}: {what}")


if __name__ == "__main__":
    main()
