#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the hand-made seeds of s390_fuzzer to corpus/s390/ (seed-*).

    tools/testing/fuzz/gen-s390-seeds.py [OUT_DIR]

The encoding mirrors s390_fuzzer.cpp: a set-up byte (bit 0
KVM_ENABLE_CAP(KVM_CAP_S390_AIS), bit 1 a FLIC whose allocation fails,
bit 2 with bit 1 a FLIC after it, bit 3 the vCPUs at once), then
operations: one opcode byte (op % 16 in LLVMFuzzerTestOneInput) and its
argument bytes in the order the op_* function reads them (make_irq's
selectors for the interrupts). Files named regression-* in the same
directory are reproducers of findings and are left alone
(regression-enqueue-len-high-half, a documented difference since: Seed().enqueue(io(5), virtio(2),
mode=4).get_all(7); regression-new-vcpu-crs: Seed(vcpus=True).op(10, [8])
.op(10, [9]); regression-topology-new-vcpu-mtcr: Seed().cap(2).attr(6,
ab(0, 0)).attr(6, ab(0, 1)).vcpus().attr(6, ab(0, 1)); see regressions()).
"""
import os
import struct
import sys


def u16(v):
    return list(struct.pack('<H', v & 0xffff))


def u32(v):
    return list(struct.pack('<I', v & 0xffffffff))


def u64(v):
    return list(struct.pack('<Q', v & 0xffffffffffffffff))


# make_irq()'s interrupts (lists of bytes).
def io(isc, sub_id=1, sub_nr=1, ssid=0, top=True):
    """A classic I/O interrupt: subchannel schid_part(sub_id).schid_part(sub_nr)."""
    return [0x40 if top else 0, sub_id << 3 | ssid, isc << 3 | sub_nr]


def ai(isc):
    """An adapter interrupt (the GISA)."""
    return [4, isc]


def service(parm):
    return [6 | 0x80, 0] + u32(parm)


def virtio(x):
    return [7, x]


def pfault(x):
    return [9, x]


def mchk(x):
    """x & 1: CR14's channel-report-pending subclass bit."""
    return [10, x]


def refused(i):
    """PFAULT_INIT, PROGRAM_INT, EMERGENCY, ... (make_irq case 12)."""
    return [12, i]


SCHID = [0, 1, 2, 0x10, 0xfffe, 0x8000, 0x0001, 0x0002]


class Seed:
    def __init__(self, ais=False, vcpus=False, flic=True, flic_nomem=False):
        b = (1 if ais else 0) | (8 if vcpus else 0)
        if flic_nomem:
            b |= 2 | (4 if flic else 0)
        elif not flic:
            raise ValueError('a FLIC unless its allocation fails')
        self.b = [b]

    def op(self, code, *args):
        self.b.append(code)
        for a in args:
            self.b.extend(a if isinstance(a, list) else [a])
        return self

    def enqueue(self, *irqs, mode=6):
        """mode: b >> 4 of op_enqueue (0 len 0, 1 odd, 2 bad address,
        3 too long, 4 the high half set, 5 no memory, 6 plain)."""
        return self.op(0, [mode << 4 | (len(irqs) - 1)], *irqs)

    def interrupt(self, irq, b=0):
        return self.op(2, [b], irq)

    def get_all(self, sel, x=0):
        return self.op(4, [sel, x])

    def clear_irqs(self):
        return self.op(5, [0])

    def clear_io(self, sub_id, sub_nr, how=1):
        """how (b >> 5): 0 bad length, 1 flags, 2 bad address, 3 schid 0, else plain."""
        return self.op(5, [how << 5 | 1, sub_id << 3 | sub_nr])

    def register(self, aid, isc, maskable=False, suppressible=False):
        b = (4 if maskable else 0) | (0x20 if suppressible else 0)
        return self.op(6, [b, aid, isc])

    def modify(self, aid, typ, mask=False):
        x = {1: 0, 2: 5, 3: 6}[typ] | (0x80 if mask else 0)
        return self.op(6, [1, aid, x])

    def aism(self, isc, mode):
        if isc > 7:
            return self.op(7, [0xc0, isc] + u16(mode) + [0])
        return self.op(7, [0x40 | isc << 2] + u16(mode) + [0])

    def airq(self, aid):
        return self.op(7, [1, aid])

    def aism_all(self, simm, nimm):
        return self.op(7, [3, simm, nimm])

    def flic_misc(self, b, *extra):
        return self.op(9, [b], *extra)

    def vcpus(self):
        return self.flic_misc(5)

    def psw(self, v, io=True, ext=True, mchk=True, cr0_srv=True, cr6=0xff, cr14=True):
        x = (1 if io else 0) | (2 if ext else 0) | (4 if mchk else 0)
        y = (1 if cr0_srv else 0) | (0x20 if cr14 else 0)
        return self.op(10, [v | 2 | 4 | 8, x, y, cr6] + u32(0))

    def take(self, v, n=1):
        for _ in range(n):
            self.op(11, [v])
        return self

    def attr(self, group_sel, b, *extra):
        return self.op(13, [group_sel, b], *extra)

    def cap(self, b):
        return self.op(15, [b])

    def bytes(self):
        return bytes(self.b)


# op_vm_attr's b byte: attr << 4 | op << 2 | low (op 0 set, 1 get, 2
# has; low 2 flags or an allocation failure, 3 a bad address).
def ab(attr, op, low=0):
    return attr << 4 | op << 2 | low


def tod(epoch=None, value=0, high=0):
    """op_tod's set bytes: the epoch index (a selector), the TOD, TOD_HIGH."""
    return ([0, epoch] if epoch is not None else [1]) + u64(value) + [0 if high else 1]


def seeds():
    out = {}
    # Every floating class, then the vCPU takes them in 6.1's order:
    # machine check, service (the event bits first), pfault done, virtio,
    # I/O by ISC, each ISC's list before its GISA bit.
    s = Seed(ais=True, vcpus=True)
    s.enqueue(io(3, 1, 1), io(0, 2, 2), io(3, 3, 1), virtio(5))
    s.interrupt(service(0x1003)).interrupt(pfault(7)).interrupt(mchk(1)).interrupt(ai(3))
    s.get_all(7).psw(0).take(0, 10).get_all(7)
    out['seed-delivery-order'] = s
    # The PSW and control registers masking classes and ISCs.
    s = Seed(vcpus=True)
    s.enqueue(io(2, 1, 1), io(6, 2, 2), mchk(0), service(0x2000))
    s.psw(1, io=True, ext=False, mchk=True, cr6=0x20, cr14=False).take(1, 2)
    s.psw(1, io=True, ext=True, mchk=True, cr0_srv=False, cr6=0x02).take(1, 2)
    s.psw(0, cr6=0xff).take(0, 4)
    out['seed-masks'] = s
    # Service signals merging: a second SCCB ignored, event bits kept.
    s = Seed(vcpus=True)
    s.interrupt(service(0x1000)).interrupt(service(0x2003)).interrupt(service(1))
    s.get_all(7).psw(0).take(0).get_all(7).take(0, 2).interrupt(service(4)).get_all(7)
    out['seed-service-merge'] = s
    # Adapters and AIS: SINGLE suppresses after one, ALL again, AISM_ALL.
    s = Seed(ais=True)
    s.register(0, 2, suppressible=True).register(1, 5, maskable=True).register(0, 3)
    s.aism(2, 1).airq(0).airq(0).airq(1).get_all(7).aism_all(0xff, 0x20).airq(0)
    s.aism(2, 0).airq(0).modify(1, 1, True).airq(1).modify(0, 1).modify(1, 2).modify(7, 1)
    s.modify(1, 1, False).airq(1)
    s.aism(9, 1).aism(3, 2).get_all(0, 1).get_all(0, 2).get_all(6, 0x80)
    s.vcpus().psw(0).take(0, 3).cap(0)
    out['seed-adapters-ais'] = s
    # Without the capability: AIS groups -EOPNOTSUPP, adapters not suppressed.
    s = Seed()
    s.register(4, 1, suppressible=True).aism(1, 1).airq(4).airq(4).aism_all(1, 1).get_all(7)
    out['seed-no-ais'] = s
    # CLEAR_IO_IRQ by subchannel and its refusals, CLEAR_IRQS.
    s = Seed()
    s.enqueue(io(1, 1, 2), io(4, 1, 2), io(1, 2, 1), ai(1))
    s.clear_io(1, 2, how=4).clear_io(1, 2, how=4).clear_io(2, 2, how=4)
    s.clear_io(1, 1, how=0).clear_io(1, 1, how=1).clear_io(1, 1, how=2).clear_io(1, 1, how=3)
    s.get_all(7).clear_irqs().get_all(7)
    out['seed-clear-io'] = s
    # ENQUEUE's refusals: a bad type stops it after the entries before.
    s = Seed()
    s.enqueue(io(0), refused(0), io(1)).enqueue(virtio(1), mode=0).enqueue(io(2), mode=1)
    s.enqueue(io(2), mode=2).enqueue(io(2), mode=3)
    s.enqueue(pfault(3), mode=5).interrupt(refused(1)).interrupt(refused(2))
    s.interrupt(io(3), b=15).interrupt(virtio(9), b=14).get_all(7)
    out['seed-enqueue-refused'] = s
    # GET_ALL_IRQS buffer sizes: none, short, exact, odd, too long, faults.
    s = Seed(flic_nomem=True)
    s.enqueue(io(0), io(1), ai(4), ai(0)).interrupt(service(0x8000)).interrupt(mchk(3))
    for sel, x in ((0, 0), (0, 3), (0, 6), (0, 7), (2, 0x35), (3, 10), (4, 0), (4, 1), (5, 0),
                   (5, 1), (6, 0), (6, 1), (6, 0x80), (0xf7, 0), (0xe7, 0), (0xf0, 0)):
        s.get_all(sel, x)
    out['seed-get-all-sizes'] = s
    # The FLIC: has, unknown groups, APF, a second one, a test creation,
    # the fd closed.
    s = Seed()
    for g in range(13):
        s.flic_misc(g << 3, 0)
    s.flic_misc(2).flic_misc(2 | 8).flic_misc(2 | 16).flic_misc(3).flic_misc(3 | 8)
    s.flic_misc(4).flic_misc(4 | 8).interrupt(io(1)).flic_misc(4 | 0x38).interrupt(io(2))
    s.flic_misc(4)
    out['seed-flic-misc'] = s
    # VM attributes: MEM_CTRL, TOD, CRYPTO, CPU_MODEL, MIGRATION,
    # CPU_TOPOLOGY, unknown groups, then the same with vCPUs (-EBUSY).
    s = Seed()
    for a in range(3):
        s.attr(0, ab(a, 2)).attr(0, ab(a, 1))
    s.attr(0, ab(2, 0), 0).attr(0, ab(2, 1)).attr(0, ab(2, 0), 2).attr(0, ab(2, 0), 5)
    s.attr(0, ab(0, 0)).attr(0, ab(1, 0)).attr(0, ab(2, 0), 6)
    s.attr(1, ab(0, 0), tod(value=0x1234567890)).attr(1, ab(0, 1)).attr(1, ab(1, 0), tod())
    s.attr(1, ab(1, 0), tod(high=1)).attr(1, ab(1, 1)).attr(1, ab(2, 0), tod(3, 5))
    s.attr(1, ab(2, 1)).attr(1, ab(2, 2)).attr(1, ab(3, 2)).attr(1, ab(0, 1, 2)).attr(1, ab(2, 0, 2), tod()).attr(1, ab(0, 1, 3))
    for a in range(8):
        s.attr(2, ab(a, 0)).attr(2, ab(a, 2)).attr(2, ab(a, 1))
    for a in range(7):
        s.attr(3, ab(a, 1)).attr(3, ab(a, 2))
    s.attr(3, ab(4, 0), 3, *([0x11] * 8)).attr(3, ab(4, 1))
    s.attr(3, ab(0, 0), *u64(0x7100000000000000), 0x24).attr(2, ab(0, 0))  # facility 76 off
    s.attr(3, ab(0, 0), *u64(0), 0x30).attr(3, ab(0, 1))  # 76 on again
    s.attr(3, ab(2, 0), 0).attr(3, ab(2, 0), 3).attr(3, ab(2, 1)).attr(3, ab(3, 0))
    s.attr(5, ab(2, 1)).attr(5, ab(1, 0)).attr(7, 1, 3).attr(5, ab(1, 0)).attr(5, ab(2, 1))
    s.attr(7, 1, 2).attr(5, ab(2, 1)).attr(5, ab(0, 0)).attr(5, ab(3, 0)).attr(5, ab(1, 2))
    s.attr(6, ab(0, 2)).attr(6, ab(1, 1)).cap(2).attr(6, ab(1, 0)).attr(6, ab(0, 1))
    s.attr(6, ab(0, 2)).attr(7, 0).attr(7, 6)
    s.vcpus().cap(0).cap(2).attr(0, ab(0, 0)).attr(0, ab(2, 0), 0)
    s.attr(3, ab(0, 0), *u64(0), 0x30).attr(3, ab(2, 0), 0).attr(3, ab(4, 0), 0, *([0] * 8))
    out['seed-vm-attrs'] = s
    # CMMA and migration mode: slots with and without dirty logging.
    s = Seed()
    s.attr(5, ab(1, 0)).attr(7, 1, 3).attr(5, ab(1, 0)).attr(5, ab(2, 1)).attr(0, ab(0, 0))
    s.attr(5, ab(0, 0)).attr(5, ab(1, 0)).attr(7, 1, 2).attr(5, ab(2, 1)).attr(5, ab(1, 0))
    s.attr(7, 1, 0).attr(5, ab(1, 0)).attr(7, 1, 1).attr(5, ab(1, 0)).attr(0, ab(1, 0))
    s.attr(7, 1, 3).attr(5, ab(1, 0)).attr(5, ab(2, 1)).attr(7, 1, 3).attr(5, ab(2, 1))
    out['seed-migration-cmma'] = s
    # Slot 1 against the memory limit (kvm_arch_prepare_memory_region()),
    # and migration mode over two slots.
    # slot 1: b (1 dirty logging, 4 slot 1, 0x40 4 KiB, 0x80 2 MiB), then
    # the guest address (0: 1 MiB, 1: 0x7ff00000, 2: 2 GiB, 3: 4 TiB - 1
    # MiB, 4: 4 TiB, 5: 2^53, 6: 1 GiB)
    s = Seed()
    s.attr(7, 1, 4 | 1, 0).attr(7, 1, 4 | 1, 2).attr(7, 1, 4 | 1, 4).attr(7, 1, 4 | 1, 5)
    s.attr(0, ab(2, 0), 0).attr(7, 1, 4 | 1, 2).attr(7, 1, 4 | 1 | 0x80, 1)
    s.attr(7, 1, 4 | 1, 1).attr(7, 1, 3).attr(5, ab(1, 0)).attr(5, ab(2, 1))
    s.attr(7, 1, 4, 6).attr(5, ab(2, 1)).attr(5, ab(1, 0)).attr(7, 1, 4 | 1, 6)
    s.attr(5, ab(1, 0)).attr(5, ab(2, 1)).attr(0, ab(2, 0), 2).attr(7, 1, 4 | 1, 3)
    s.attr(7, 1, 4 | 1 | 0x80, 3).attr(7, 1, 4 | 1, 4)
    out['seed-slots-limit'] = s
    # Allocation failures: the FLIC, an adapter, GET_ALL_IRQS, AIRQ_INJECT.
    s = Seed(ais=True, flic_nomem=True)
    s.op(6, [0xf0, 2, 1]).register(2, 1).op(7, [0x71, 2]).enqueue(io(1), mode=5)
    s.get_all(0xe7).interrupt(mchk(1), b=14).attr(0, ab(2, 0), 13).attr(3, ab(0, 0, 2), *u64(1), 0).attr(3, ab(1, 1, 3))
    out['seed-alloc-fail'] = s
    # The pfault-done limit: one short of it, then past it; the vCPU takes one.
    s = Seed(vcpus=True)
    s.interrupt(pfault(1)).flic_misc(0xf7, 0x5a).interrupt(pfault(2)).interrupt(pfault(5))
    s.flic_misc(0xff, 0x5a)
    s.psw(0).take(0).interrupt(pfault(3)).interrupt(pfault(4)).clear_irqs().get_all(7)
    out['seed-pfault-limit'] = s
    return out


def regressions():
    """The regression-* inputs as first written (the script leaves them be)."""
    return {
        'regression-enqueue-len-high-half': Seed().enqueue(io(5), virtio(2), mode=4).get_all(7),
        'regression-new-vcpu-crs': Seed(vcpus=True).op(10, [8]).op(10, [9]),
        'regression-topology-new-vcpu-mtcr':
            Seed().cap(2).attr(6, ab(0, 0)).attr(6, ab(0, 1)).vcpus().attr(6, ab(0, 1)),
        # slot 1 of 4 KiB at 0x7ff00000, then at 2^42 from a user address
        # 4 KiB past 1 MiB (kvm_ext takes pages where 6.1 wants 1 MiB
        # segments: userspace-api.rst)
        'seed-slot-not-on-1mib':
            Seed().attr(7, 1, 4 | 0x40 | 1, 1).attr(7, 1, 4 | 0x20 | 1, 3),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'corpus', 's390')
    os.makedirs(out_dir, exist_ok=True)
    for name in os.listdir(out_dir):
        if name.startswith('seed-'):
            os.remove(os.path.join(out_dir, name))
    for name, s in sorted(seeds().items()):
        with open(os.path.join(out_dir, name), 'wb') as f:
            f.write(s.bytes())


if __name__ == '__main__':
    main()
