#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parse and compare QEMU migration streams (QEMU 7.2, file format version 3).

usage: migcompare.py [--allow FILE] [--tap] A B
       migcompare.py --dump A
       migcompare.py --transplant SRC DONOR OUT

The stream: "QEVM" magic, version 3, a configuration section, then sections
(START/PART/END for iterable ones such as "ram", FULL for device state), each
closed by a footer (0x7e + section id), QEMU_VM_EOF and the vmdesc: a JSON
description of every FULL section's fields with their sizes, in stream order.
RAM is decoded page by page (zero pages, full pages); FULL sections are cut
into fields with the vmdesc (subsections included), so a difference is named
by field, and for the CPU's coprocessor register list by register.

Compare mode prints one line per section, then for every differing field the
two values, and with --tap one PASS:/FAIL: line per section: a section passes
when it is identical, or when each of its differing fields is listed in the
--allow file ("SECTION FIELD-GLOB  reason" lines, # comments). Exit status 1
when a section fails (or a stream cannot be parsed).

--transplant writes SRC with DONOR's host identity (the invariant and ID
registers, CCSIDR, CTR/CLIDR, SMCCC_ARCH_WORKAROUND_3, and ICC_CTLR_EL1's
IDbits), so that a state saved on one host loads on the other.
"""
import fnmatch
import json
import struct
import sys
import zlib

EOF, START, PART, END, FULL, SUBSECTION, VMDESC, CONFIG, COMMAND = 0, 1, 2, 3, 4, 5, 6, 7, 8
FOOTER = 0x7E
RAM_FULL, RAM_ZERO, RAM_MEM_SIZE, RAM_PAGE, RAM_EOS, RAM_CONTINUE = 1, 2, 4, 8, 0x10, 0x20


class ParseError(Exception):
    pass


class Reader:
    def __init__(self, data):
        self.d, self.p = data, 0

    def take(self, n):
        if self.p + n > len(self.d):
            raise ParseError(f"truncated at {self.p:#x} (want {n} bytes)")
        b = self.d[self.p:self.p + n]
        self.p += n
        return b

    def u8(self):
        return self.take(1)[0]

    def be16(self):
        return struct.unpack(">H", self.take(2))[0]

    def be32(self):
        return struct.unpack(">I", self.take(4))[0]

    def be64(self):
        return struct.unpack(">Q", self.take(8))[0]

    def str8(self):
        return self.take(self.u8()).decode()


def field_layout(desc, base, prefix, out):
    """Appends (name, offset, size, type) for desc's fields and subsections,
    starting at stream offset base; returns the offset after them."""
    off = base
    for f in desc.get("fields", []):
        name = prefix + f["name"]
        if "index" in f:
            name += f"[{f['index']}]"
        size = f["size"]
        if "array_len" in f and "index" not in f:
            for i in range(f["array_len"]):
                out.append((f"{name}[{i}]", off + i * size, size, f.get("type")))
            off += size * f["array_len"]
            continue
        if f.get("type") == "struct" and "struct" in f:
            end = field_layout(f["struct"], off, name + ".", out)
            if end != off + size:
                raise ParseError(f"{name}: struct is {end - off} bytes, vmdesc says {size}")
        else:
            out.append((name, off, size, f.get("type")))
        off += size
    for s in desc.get("subsections", []):
        # 0x05, name (u8 length + bytes), version (be32), then the fields
        sname = s["vmsd_name"]
        out.append((f"{prefix}{sname}/(header)", off, 2 + len(sname) + 4, "subsection"))
        off = field_layout(s, off + 2 + len(sname) + 4, f"{prefix}{sname}/", out)
    return off


def parse_ram(r, sec):
    pages = sec.setdefault("pages", {})
    blocks = sec.setdefault("blocks", {})
    block = None
    while True:
        addr = r.be64()
        flags, addr = addr & 0xFFF, addr & ~0xFFF
        if flags & RAM_MEM_SIZE:
            total = addr
            while total > 0:
                name = r.str8()
                length = r.be64()
                blocks[name] = length
                total -= length
        if flags & (RAM_ZERO | RAM_PAGE):
            if not flags & RAM_CONTINUE:
                block = r.str8()
            if flags & RAM_ZERO:
                fill = r.u8()
                pages[(block, addr)] = ("zero", fill)
            else:
                pages[(block, addr)] = ("page", r.take(4096))
        if flags & ~(RAM_MEM_SIZE | RAM_ZERO | RAM_PAGE | RAM_CONTINUE | RAM_EOS):
            raise ParseError(f"ram: unsupported flags {flags:#x} at {r.p - 8:#x}")
        if flags & RAM_EOS:
            return


def footer(r, sid):
    if r.u8() != FOOTER or r.be32() != sid:
        raise ParseError(f"section {sid}: no footer at {r.p - 5:#x}")


def parse(data):
    r = Reader(data)
    if r.take(4) != b"QEVM" or r.be32() != 3:
        raise ParseError("not a QEMU migration stream (QEVM, version 3)")
    sections, order, vmdesc, fulls = {}, [], None, []
    while True:
        t = r.u8()
        if t == CONFIG:
            n = r.be32()
            machine = r.take(n).decode()
            while r.d[r.p] == SUBSECTION:
                r.u8()
                sub = r.str8()
                r.be32()
                if sub == "configuration/target-page-bits":
                    machine += f" target-page-bits={r.be32()}"
                elif sub == "configuration/capabilities":
                    machine += " caps=" + ",".join(r.str8() for _ in range(r.be32()))
                elif sub == "configuration/uuid":
                    machine += " uuid=" + r.take(16).hex()
                else:
                    raise ParseError(f"unknown configuration subsection {sub}")
            sections["(configuration)"] = {"name": "(configuration)", "data": machine.encode(),
                                           "kind": "config", "version": 0}
            order.append("(configuration)")
        elif t in (START, FULL):
            sid = r.be32()
            idstr = r.str8()
            inst = r.be32()
            ver = r.be32()
            key = f"{idstr}/{inst}" if inst else idstr
            sec = {"name": key, "idstr": idstr, "instance": inst, "version": ver, "sid": sid}
            sections[key] = sec
            order.append(key)
            if idstr == "ram":
                sec["kind"] = "ram"
                parse_ram(r, sec)
                footer(r, sid)
            elif t == START:
                raise ParseError(f"iterable section {idstr} is not supported")
            else:
                sec["kind"] = "full"
                sec["start"] = r.p
                fulls.append(sec)
                # The end is found from the vmdesc later; skip to the footer now:
                # the first "0x7e + id" followed by a section type or EOF that
                # also matches the vmdesc size is checked below.
                sec["scan_from"] = r.p
                # Find the footer by scanning (sizes are verified against vmdesc).
                pat = bytes([FOOTER]) + struct.pack(">I", sid)
                p = data.find(pat, r.p)
                while p >= 0 and (p + 5 >= len(data) or data[p + 5] not in (EOF, START, PART, END, FULL, COMMAND)):
                    p = data.find(pat, p + 1)
                if p < 0:
                    raise ParseError(f"{key}: no footer")
                sec["end"] = p
                r.p = p
                footer(r, sid)
        elif t in (PART, END):
            sid = r.be32()
            sec = next((s for s in sections.values() if s.get("sid") == sid), None)
            if sec is None or sec.get("kind") != "ram":
                raise ParseError(f"part of unknown/non-ram section {sid}")
            parse_ram(r, sec)
            footer(r, sid)
        elif t == COMMAND:
            cmd = r.be16()
            n = r.be16()
            r.take(n)
        elif t == EOF:
            break
        else:
            raise ParseError(f"unknown section type {t:#x} at {r.p - 1:#x}")
    if r.p < len(data) and r.u8() == VMDESC:
        n = r.be32()
        vmdesc = json.loads(r.take(n))
    # Fit the vmdesc to the FULL sections (same order) and cut them into fields.
    devs = vmdesc.get("devices", []) if vmdesc else []
    for sec in fulls:
        d = next((x for x in devs if x["name"] == sec["idstr"] and x["instance_id"] == sec["instance"]), None)
        sec["data"] = data[sec["start"]:sec["end"]]
        sec["fields"] = None
        if d is not None and "fields" in d:
            out = []
            end = field_layout(d, 0, "", out)
            if end == len(sec["data"]):
                sec["fields"] = out
            else:
                sec["layout_error"] = f"vmdesc describes {end} bytes, section has {len(sec['data'])}"
    return sections, order


def regname(rid):
    """KVM register id -> name (arm64): sysregs as S<op0>_<op1>_C<n>_C<m>_<op2>."""
    coproc = (rid >> 16) & 0xFFF
    if rid >> 56 != 0x60:
        return f"{rid:#x}"
    if coproc == 0x13:  # KVM_REG_ARM64_SYSREG
        op0, op1, crn, crm, op2 = (rid >> 14) & 3, (rid >> 11) & 7, (rid >> 7) & 15, (rid >> 3) & 15, rid & 7
        enc = f"S{op0}_{op1}_C{crn}_C{crm}_{op2}"
        return f"{SYSREGS[enc]} ({enc})" if enc in SYSREGS else enc
    if coproc == 0x11:  # KVM_REG_ARM_DEMUX, CCSIDR by CSSELR value
        return f"CCSIDR[{rid & 0xFF}]"
    if coproc == 0x10:
        return f"CORE+{(rid & 0xFFFF) * 4:#x}"
    if coproc == 0x14:
        n = rid & 0xFFFF
        return FWREGS.get(n, f"FW[{n}]")
    if coproc == 0x15:
        return f"SVE[{rid & 0xFFFF:#x}]"
    return f"{rid:#x}"


# The ids QEMU saves that differ between hosts; the timer ids are KVM's
# (KVM_REG_ARM_TIMER_CNT and _CVAL are swapped against the CNTVCT_EL0 and
# CNTV_CVAL_EL0 encodings).
SYSREGS = {
    "S3_0_C0_C0_0": "MIDR_EL1", "S3_0_C0_C0_5": "MPIDR_EL1", "S3_0_C0_C0_6": "REVIDR_EL1",
    "S3_0_C0_C1_0": "ID_PFR0_EL1", "S3_0_C0_C1_1": "ID_PFR1_EL1", "S3_0_C0_C1_2": "ID_DFR0_EL1",
    "S3_0_C0_C1_3": "ID_AFR0_EL1", "S3_0_C0_C1_4": "ID_MMFR0_EL1", "S3_0_C0_C1_5": "ID_MMFR1_EL1",
    "S3_0_C0_C1_6": "ID_MMFR2_EL1", "S3_0_C0_C1_7": "ID_MMFR3_EL1", "S3_0_C0_C2_0": "ID_ISAR0_EL1",
    "S3_0_C0_C2_1": "ID_ISAR1_EL1", "S3_0_C0_C2_2": "ID_ISAR2_EL1", "S3_0_C0_C2_3": "ID_ISAR3_EL1",
    "S3_0_C0_C2_4": "ID_ISAR4_EL1", "S3_0_C0_C2_5": "ID_ISAR5_EL1", "S3_0_C0_C2_6": "ID_MMFR4_EL1",
    "S3_0_C0_C2_7": "ID_ISAR6_EL1", "S3_0_C0_C3_0": "MVFR0_EL1", "S3_0_C0_C3_1": "MVFR1_EL1",
    "S3_0_C0_C3_2": "MVFR2_EL1", "S3_0_C0_C3_4": "ID_PFR2_EL1", "S3_0_C0_C3_5": "ID_DFR1_EL1",
    "S3_0_C0_C3_6": "ID_MMFR5_EL1", "S3_0_C0_C4_0": "ID_AA64PFR0_EL1", "S3_0_C0_C4_1": "ID_AA64PFR1_EL1",
    "S3_0_C0_C4_4": "ID_AA64ZFR0_EL1", "S3_0_C0_C4_5": "ID_AA64SMFR0_EL1", "S3_0_C0_C5_0": "ID_AA64DFR0_EL1",
    "S3_0_C0_C5_1": "ID_AA64DFR1_EL1", "S3_0_C0_C5_4": "ID_AA64AFR0_EL1", "S3_0_C0_C5_5": "ID_AA64AFR1_EL1",
    "S3_0_C0_C6_0": "ID_AA64ISAR0_EL1", "S3_0_C0_C6_1": "ID_AA64ISAR1_EL1", "S3_0_C0_C6_2": "ID_AA64ISAR2_EL1",
    "S3_0_C0_C7_0": "ID_AA64MMFR0_EL1", "S3_0_C0_C7_1": "ID_AA64MMFR1_EL1", "S3_0_C0_C7_2": "ID_AA64MMFR2_EL1",
    "S3_1_C0_C0_1": "CLIDR_EL1", "S3_1_C0_C0_7": "AIDR_EL1", "S3_3_C0_C0_1": "CTR_EL0",
    "S3_3_C0_C0_7": "DCZID_EL0", "S3_3_C9_C12_0": "PMCR_EL0", "S3_0_C1_C0_0": "SCTLR_EL1",
    "S3_0_C1_C2_0": "ZCR_EL1", "S3_3_C14_C3_1": "TIMER_CTL", "S3_3_C14_C3_2": "TIMER_CNT",
    "S3_3_C14_C0_2": "TIMER_CVAL",
}
FWREGS = {0: "PSCI_VERSION", 1: "SMCCC_ARCH_WORKAROUND_1", 2: "SMCCC_ARCH_WORKAROUND_2",
          3: "SMCCC_ARCH_WORKAROUND_3"}


def field_map(sec):
    return {f[0]: f for f in sec["fields"]} if sec.get("fields") else {}


def cpreg_ids(sec):
    """index -> KVM register id from cpreg_vmstate_indexes[...] fields."""
    ids = {}
    for name, off, size, _ in sec.get("fields") or []:
        if name.startswith("cpreg_vmstate_indexes[") and size == 8:
            ids[int(name[len("cpreg_vmstate_indexes["):-1])] = struct.unpack(">Q", sec["data"][off:off + 8])[0]
    return ids


def val(sec, f):
    b = sec["data"][f[1]:f[1] + f[2]]
    if f[2] in (1, 2, 4, 8) and f[3] != "buffer":
        return f"{int.from_bytes(b, 'big'):#x}"
    text = b.rstrip(b"\0")
    if text and all(32 <= c < 127 for c in text):
        return repr(text.decode())
    return b.hex() if len(b) <= 32 else f"{len(b)} bytes crc32 {zlib.crc32(b):08x}"


def diff_full(a, b):
    """List of (field, a value, b value) for a differing FULL section."""
    fa, fb = field_map(a), field_map(b)
    if not fa or not fb or [f[0] for f in a["fields"]] != [f[0] for f in b["fields"]]:
        return [("(layout)", f"{len(a['data'])} bytes {a.get('layout_error', '')}",
                 f"{len(b['data'])} bytes {b.get('layout_error', '')}")]
    ida, idb = cpreg_ids(a), cpreg_ids(b)
    out = []
    for name, f in fa.items():
        g = fb[name]
        if a["data"][f[1]:f[1] + f[2]] == b["data"][g[1]:g[1] + g[2]]:
            continue
        label = name
        if name.startswith("cpreg_vmstate_values["):
            i = int(name[len("cpreg_vmstate_values["):-1])
            if ida.get(i) == idb.get(i) and i in ida:
                label = f"cpreg {regname(ida[i])}"
        out.append((label, val(a, f), val(b, g)))
    return out


def page_bytes(sec, block, off):
    p = sec["pages"].get((block, off))
    if p is None or p[0] == "zero":
        return bytes([p[1] if p else 0]) * 4096
    return p[1]


def fdt_of(sec):
    """(size, {node/path:prop: value hex}) of a flattened device tree at the
    start of the main RAM block (where virt puts it), or None."""
    block = next((b for b in sec["blocks"] if b.endswith(".ram")), None)
    if block is None:
        return None
    head = page_bytes(sec, block, 0)
    magic, total, off_struct, off_str = struct.unpack(">IIII", head[:16])
    if magic != 0xD00DFEED:
        return None
    b = b"".join(page_bytes(sec, block, o) for o in range(0, total + 4095 & ~4095, 4096))
    p, path, props = off_struct, [], {}
    while p < total:
        tok = struct.unpack(">I", b[p:p + 4])[0]
        p += 4
        if tok == 1:  # FDT_BEGIN_NODE
            e = b.index(b"\0", p)
            path.append(b[p:e].decode())
            p = (e + 4) & ~3
        elif tok == 2:  # FDT_END_NODE
            path.pop()
        elif tok == 3:  # FDT_PROP
            ln, no = struct.unpack(">II", b[p:p + 8])
            p += 8
            name = b[off_str + no:b.index(b"\0", off_str + no)].decode()
            props["/".join(path) or "/"] = None
            props[("/".join(path) or "/") + ":" + name] = b[p:p + ln].hex()
            p = (p + ln + 3) & ~3
        elif tok == 4:  # FDT_NOP
            continue
        else:  # FDT_END
            break
    return block, total, props


def diff_ram(a, b):
    """Differing RAM pages; a device tree at the start of RAM (the virt
    board's DTB) is compared by property instead."""
    out = []
    if a["blocks"] != b["blocks"]:
        out.append(("(ram blocks)", str(a["blocks"]), str(b["blocks"])))
    skip = set()
    fa, fb = fdt_of(a), fdt_of(b)
    if fa and fb and fa[0] == fb[0]:
        for k in sorted(set(fa[2]) | set(fb[2])):
            if fa[2].get(k, "-") != fb[2].get(k, "-"):
                out.append((f"dtb {k}", fa[2].get(k, "-"), fb[2].get(k, "-")))
        skip = {(fa[0], o) for o in range(0, max(fa[1], fb[1]) + 4095 & ~4095, 4096)}
    keys = sorted(set(a["pages"]) | set(b["pages"]), key=lambda k: (k[0] or "", k[1]))
    for k in keys:
        if k in skip:
            continue
        pa, pb = page_bytes(a, *k), page_bytes(b, *k)
        if pa != pb:
            za, zb = not any(pa), not any(pb)
            out.append((f"page {k[0]}+{k[1]:#x}", "zero" if za else "data", "zero" if zb else "data"))
    return out


def load_allow(path):
    rules = []
    if path:
        for line in open(path):
            line = line.split("#", 1)[0].strip()
            if line:
                parts = line.split(None, 2)
                rules.append((parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    return rules


def allowed(rules, section, field):
    return next((r for r in rules if fnmatch.fnmatchcase(section, r[0]) and fnmatch.fnmatchcase(field, r[1])), None)


def compare(pa, pb, names, rules, tap):
    (sa, oa), (sb, ob) = pa, pb
    bad = 0
    if oa != ob:
        print(f"section order differs:\n  {oa}\n  {ob}")
        if tap:
            print(f"FAIL: same sections in the same order in {names[0]} and {names[1]}")
        bad += 1
    elif tap:
        print(f"PASS: same {len(oa)} sections in the same order in {names[0]} and {names[1]}")
    width = max(len(k) for k in oa)
    print(f"{'section':{width}}  ver  {'bytes':>8}  result")
    for key in oa:
        a, b = sa[key], sb.get(key)
        if b is None:
            continue
        if a["kind"] == "ram":
            diffs = diff_ram(a, b)
            size = f"{sum(a['blocks'].values()) // 1024}K"
        elif a["kind"] == "config":
            diffs = [] if a["data"] == b["data"] else [("machine", a["data"].decode(), b["data"].decode())]
            size = str(len(a["data"]))
        else:
            diffs = [] if a["data"] == b["data"] and a["version"] == b["version"] else diff_full(a, b)
            size = str(len(a["data"]))
        unexplained = [d for d in diffs if not allowed(rules, key, d[0])]
        if not diffs:
            verdict = "identical"
        else:
            verdict = f"{len(diffs)} field(s) differ" + (f", {len(unexplained)} unexpected" if unexplained else ", all expected")
        print(f"{key:{width}}  {a['version']:3}  {size:>8}  {verdict}")
        for d in diffs:
            r = allowed(rules, key, d[0])
            print(f"    {'  ' if r else '!!'} {d[0]}: {d[1]} vs {d[2]}" + (f"   [{r[2]}]" if r else ""))
        if tap:
            if unexplained:
                print(f"FAIL: section {key}: {len(unexplained)} unexpected difference(s)")
            else:
                print(f"PASS: section {key}: " + ("identical" if not diffs else f"differs only in expected fields ({len(diffs)})"))
        bad += bool(unexplained)
    return bad


# What --transplant takes from the donor: the host's identity, which KVM
# (and kvm_ext) refuse to change (invariant and ID registers, cache
# geometry, mitigation levels) and the GIC's INTID width.
IDENTITY = ["MIDR_EL1*", "ID_*", "CCSIDR*", "CLIDR_EL1*", "CTR_EL0*", "SMCCC_ARCH_WORKAROUND_3"]
ICC_CTLR_IDBITS = 7 << 11


def transplant(src_path, donor_path, out_path):
    """Writes SRC with the host identity fields of DONOR (same QEMU, same
    machine, another host); prints what it changed."""
    data = bytearray(open(src_path, "rb").read())
    src, _ = parse(bytes(data))
    donor, _ = parse(open(donor_path, "rb").read())
    changed = 0
    for key, sec in src.items():
        if sec.get("kind") != "full" or key not in donor or not sec.get("fields"):
            continue
        dsec = donor[key]
        dfields = field_map(dsec)
        if sec["idstr"] == "cpu":
            ids, dids = cpreg_ids(sec), cpreg_ids(dsec)
            dvals = {dids[i]: dfields[f"cpreg_vmstate_values[{i}]"] for i in dids}
            for i, rid in ids.items():
                name = regname(rid).split(" ")[0]
                if not any(fnmatch.fnmatchcase(name, g) for g in IDENTITY) or rid not in dvals:
                    continue
                f, g = field_map(sec)[f"cpreg_vmstate_values[{i}]"], dvals[rid]
                new = dsec["data"][g[1]:g[1] + g[2]]
                at = sec["start"] + f[1]
                if data[at:at + f[2]] != new:
                    print(f"{key}: {name}: {data[at:at + f[2]].hex()} -> {new.hex()}")
                    data[at:at + f[2]] = new
                    changed += 1
        elif sec["idstr"] == "arm_gicv3":
            for name, off, size, _ in sec["fields"]:
                if ".icc_ctlr_el1[" not in name or name not in dfields:
                    continue
                g = dfields[name]
                v = int.from_bytes(data[sec["start"] + off:sec["start"] + off + size], "big")
                dv = int.from_bytes(dsec["data"][g[1]:g[1] + g[2]], "big")
                nv = (v & ~ICC_CTLR_IDBITS) | (dv & ICC_CTLR_IDBITS)
                if nv != v:
                    print(f"{key}: {name}: {v:#x} -> {nv:#x}")
                    data[sec["start"] + off:sec["start"] + off + size] = nv.to_bytes(size, "big")
                    changed += 1
    open(out_path, "wb").write(data)
    print(f"{changed} fields transplanted into {out_path}")


def main(argv):
    args = argv[1:]
    allow, tap, dump = None, False, False
    while args and args[0].startswith("--"):
        opt = args.pop(0)
        if opt == "--allow":
            allow = args.pop(0)
        elif opt == "--tap":
            tap = True
        elif opt == "--dump":
            dump = True
        elif opt == "--transplant" and len(args) == 3:
            try:
                transplant(*args)
            except (ParseError, OSError, ValueError) as e:
                print(f"error: {e}")
                return 1
            return 0
        else:
            print(__doc__, file=sys.stderr)
            return 2
    try:
        parsed = [parse(open(p, "rb").read()) for p in args]
    except (ParseError, OSError, ValueError) as e:
        print(f"FAIL: parsing the migration streams: {e}" if tap else f"error: {e}")
        return 1
    if dump:
        for sections, order in parsed:
            for k in order:
                s = sections[k]
                n = len(s["fields"]) if s.get("fields") else 0
                print(f"{k} v{s['version']} {s['kind']} {len(s.get('data', b''))} bytes {n} fields {s.get('layout_error', '')}")
        return 0
    if len(parsed) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    if tap:
        print(f"PASS: both migration streams parsed ({args[0]}, {args[1]})")
    return 1 if compare(parsed[0], parsed[1], args, load_allow(allow), tap) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
