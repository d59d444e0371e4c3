#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the hand-made seeds of spine_fuzzer to corpus/spine/ (seed-*).

    tools/testing/fuzz/gen-seeds.py [OUT_DIR]

The encoding mirrors spine_fuzzer.cpp: one opcode byte, then the
operation's argument bytes, read in the order the decoder reads them
(selector bytes choose a mode; see the *_sel functions there). Files named
regression-* in the same directory are reproducers of findings and are
left alone.
"""
import os
import struct
import sys

ARM64, PPC, S390 = 0, 1, 2

(CREATE_VM, CLOSE_VM, SET_MEM, CREATE_VCPU, CLOSE_VCPU, RUN, GUEST_ACCESS,
 CREATE_DEVICE, DEVICE_ATTR, CLOSE_DEVICE, DEVICE_IOCTL, VM_ATTR, VCPU_ATTR,
 CHECK_EXTENSION, FAIL_ALLOC, VCPU_BURST, DEVICE_BURST, MISC,
 TEARDOWN_ORDER) = range(19)

ATTR_SET, ATTR_GET, ATTR_HAS = 0, 1, 2
LOG_DIRTY, READONLY = 1, 2
VFIO_GROUP, VFIO_ADD, VFIO_DEL, VFIO_SPAPR = 1, 1, 2, 3
# create_device type byte: tb % 4 == 0 -> VFIO, 1 -> the harness's dummy.
DEV_VFIO, DEV_DUMMY = 0, 1


class Seed:
    def __init__(self):
        self.b = bytearray()

    def raw(self, *vals):
        self.b += bytes(vals)
        return self

    def u16(self, v):
        self.b += struct.pack('<H', v)
        return self

    def u64(self, v):
        self.b += struct.pack('<Q', v & (2**64 - 1))
        return self

    # Selectors, in their simplest modes.
    def gpa_pages(self, pages, hi=0):  # slot_gpa_sel mode 1
        assert pages < 64
        return self.raw(pages << 2 | 1, hi)

    def gpa_special(self, index):  # slot_gpa_sel mode 2
        return self.raw(index << 2 | 2)

    def size_pages(self, pages):  # slot_size_sel mode 0: 1..64 pages
        assert 1 <= pages <= 64
        return self.raw((pages - 1) << 2)

    def arena(self, page):  # uaddr_sel mode 0: arena + page
        return self.raw(0).u16(page)

    def access_addr(self, pages, offset):  # access_gpa_sel mode 1
        assert pages < 64
        return self.raw(pages << 2 | 1).u16(offset)

    # Operations.
    def create_vm(self, p, vm_type=0, owner=1):
        assert vm_type < 64
        return self.raw(CREATE_VM, p, vm_type, owner)

    def close_vm(self, vm):
        return self.raw(CLOSE_VM, vm)

    def set_mem(self, vm, slot, flags, gpa_pages, size_pages, arena_page):
        self.raw(SET_MEM, vm, 0, slot, flags)
        return self.gpa_pages(gpa_pages).size_pages(size_pages).arena(arena_page)

    def move_slot(self, vm, nth, flags, gpa_pages):  # kind 1: same uaddr/size
        return self.raw(SET_MEM, vm, 1, nth, flags).gpa_pages(gpa_pages)

    def delete_slot(self, vm, nth):  # kind 2
        return self.raw(SET_MEM, vm, 2, nth, 0).gpa_pages(0).raw(0)

    def create_vcpu(self, vm, vcpu_id, abort=False):
        assert vcpu_id < 16
        return self.raw(CREATE_VCPU, vm, vcpu_id, 7 if abort else 0)

    def close_vcpu(self, vcpu):
        return self.raw(CLOSE_VCPU, vcpu)

    def run(self, vcpu, mode):  # 0 immediate_exit, 1 signal, 2 neither
        return self.raw(RUN, vcpu, mode)

    def access(self, vcpu, write, pages, offset, length, data=None):
        lens = {1: 0, 2: 1, 4: 2, 8: 3}
        self.raw(GUEST_ACCESS, vcpu, 0, 1 if write else 0)
        self.access_addr(pages, offset).raw(lens[length])
        if data is None:
            return self.raw(0)
        return self.raw(1).u64(data)

    def create_device(self, vm, dev_type, test=False, abort=False, refuse=0):
        return self.raw(CREATE_DEVICE, vm, dev_type, 1 if test else 0,
                        7 if abort else 0, refuse)

    def close_device(self, dev):
        return self.raw(CLOSE_DEVICE, dev)

    def attr(self, group, attr, payload):
        """attr_sel: uattr valid (mode 0); payload one of
        ('bytes', u64), ('fd', sel), ('spapr', sel, sel), ('nowhere',)."""
        self.raw(0, group, attr, 0)
        kind = payload[0]
        if kind == 'bytes':
            return self.raw(0).u64(payload[1])
        if kind == 'fd':  # fd_sel: 0 /dev/null, 1 -1, 2 fd 0, 4 1<<20,
            # 5 and 6 the harness's VFIO group files
            return self.raw(1, payload[1])
        if kind == 'spapr':
            return self.raw(2, payload[1], payload[2])
        return self.raw(3)

    def bad_uattr(self):
        return self.raw(5, 0, 0, 0, 3)

    def device_attr(self, dev, op, group, attr, payload):
        return self.raw(DEVICE_ATTR, dev, op).attr(group, attr, payload)

    def vm_attr(self, vm, op, group, attr, payload):
        return self.raw(VM_ATTR, vm, op).attr(group, attr, payload)

    def vcpu_attr(self, vcpu, op, group, attr, payload):
        return self.raw(VCPU_ATTR, vcpu, op).attr(group, attr, payload)

    def device_ioctl(self, dev, dummy_cmd=True):
        return self.raw(DEVICE_IOCTL, dev, 1 if dummy_cmd else 0, 0)

    def check_extension(self, who, cap_index):
        return self.raw(CHECK_EXTENSION, who, cap_index)

    def fail_alloc(self, n):
        return self.raw(FAIL_ALLOC, n)

    def vcpu_burst(self, vm, start, count):
        return self.raw(VCPU_BURST, vm).u16(start).u16(count)

    def device_burst(self, vm, count):
        return self.raw(DEVICE_BURST, vm).u16(count)

    def misc(self, what, idx=0):
        return self.raw(MISC, what, idx)

    def end(self, order=0):  # the order the fds left open are closed in
        return self.raw(TEARDOWN_ORDER, order) if order else self


def seeds():
    out = {}

    # A VM, one slot in the arena, a vCPU: stores and loads through RAM,
    # an MMIO exit next to the slot, KVM_RUN with immediate_exit.
    for name, p in (('arm64', ARM64), ('ppc', PPC), ('s390', S390)):
        s = Seed().create_vm(p)
        s.set_mem(0, 0, 0, 16, 4, 0)
        s.create_vcpu(0, 0)
        s.access(0, True, 16, 8, 8, 0x1122334455667788)
        s.access(0, False, 16, 8, 8)
        s.access(0, False, 16, 10, 2)
        s.access(0, True, 19, 4095, 1, 0xaa)
        s.access(0, False, 20, 0, 4)  # past the slot: MMIO exit
        s.run(0, 0)
        s.run(0, 1)
        s.misc(0).misc(1)
        out['seed-vm-slot-vcpu-access-' + name] = s.end(0)

    # Dirty logging, read-only slots (arm64), moves and deletes.
    s = Seed().create_vm(ARM64, 40)
    s.set_mem(0, 1, LOG_DIRTY, 32, 2, 8)
    s.set_mem(0, 2, READONLY, 40, 1, 16)
    s.create_vcpu(0, 3)
    s.access(0, True, 32, 0, 4, 0xdeadbeef)
    s.access(0, True, 40, 0, 4, 0xfeed)  # read-only: MMIO exit
    s.access(0, False, 40, 0, 4)
    s.move_slot(0, 0, 0, 48)  # slot 1 to page 48, logging off
    s.access(0, False, 48, 0, 4)
    s.move_slot(0, 0, LOG_DIRTY, 39)  # overlaps slot 2: -EEXIST
    s.delete_slot(0, 1)
    s.access(0, False, 40, 0, 4)
    s.set_mem(0, 1, 0, 40, 1, 24)  # overlaps again
    out['seed-slots-dirty-readonly-move'] = s.end(1)

    # arm64 IPA size: a 32-bit VM refuses a slot at 4 GiB (-EFAULT).
    s = Seed().create_vm(ARM64, 32)
    s.raw(SET_MEM, 0, 0, 0, 0).gpa_special(0).size_pages(1).arena(0)
    s.raw(SET_MEM, 0, 0, 1, 0).gpa_special(1).size_pages(1).arena(1)
    s.create_vm(ARM64, 31).create_vm(ARM64, 49).create_vm(PPC, 2)
    s.check_extension(0, 13).check_extension(1, 11)
    out['seed-arm64-ipa'] = s.end(2)

    # The VFIO pseudo-device: has/set/get, bad fds, SPAPR TCE on ppc, one
    # per VM, TEST, abort, and release.
    s = Seed().create_vm(PPC).create_vm(S390)
    s.create_device(0, DEV_VFIO, test=True)
    s.create_device(0, DEV_VFIO)
    s.device_attr(0, ATTR_HAS, VFIO_GROUP, VFIO_ADD, ('fd', 0))
    s.device_attr(0, ATTR_HAS, VFIO_GROUP, VFIO_SPAPR, ('fd', 0))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_ADD, ('fd', 0))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_ADD, ('fd', 1))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_DEL, ('fd', 0))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_DEL, ('nowhere',))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_SPAPR, ('spapr', 0, 1))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_SPAPR, ('spapr', 1, 0))
    # VFIO group files: add, add again, SPAPR TCE, delete, and allocation
    # failure; two left for the release to drop.
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_ADD, ('fd', 5))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_ADD, ('fd', 5))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_SPAPR, ('spapr', 5, 0))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_DEL, ('fd', 5))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_DEL, ('fd', 5))
    s.fail_alloc(0)
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_ADD, ('fd', 6))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_ADD, ('fd', 6))
    s.device_attr(0, ATTR_SET, VFIO_GROUP, VFIO_ADD, ('fd', 5))
    s.device_attr(0, ATTR_GET, VFIO_GROUP, VFIO_ADD, ('fd', 0))
    s.device_attr(0, ATTR_SET, 2, VFIO_ADD, ('fd', 0))
    s.raw(DEVICE_ATTR, 0, ATTR_SET).bad_uattr()
    s.device_ioctl(0, False)
    s.create_device(0, DEV_VFIO)  # -EBUSY: one per VM
    s.create_device(1, DEV_VFIO, abort=True)
    s.create_device(1, DEV_VFIO)
    s.device_attr(1, ATTR_SET, VFIO_GROUP, VFIO_SPAPR, ('spapr', 0, 0))
    s.close_device(0)
    s.create_device(0, DEV_VFIO)
    s.close_vm(0)
    s.vm_attr(0, ATTR_HAS, 0, 0, ('bytes', 0))
    s.raw(VM_ATTR, 0, ATTR_GET).bad_uattr()
    out['seed-vfio-attrs'] = s.end(0)

    # Allocation failures on slot creation: the slot, then each index
    # array, then the dirty bitmap; a load probes that nothing changed.
    s = Seed().create_vm(S390).create_vcpu(0, 0)
    for n in range(3):
        s.fail_alloc(n).set_mem(0, 0, 0, 8, 2, 0)
        s.access(0, False, 8, 0, 1)
    s.fail_alloc(1).set_mem(0, 1, LOG_DIRTY, 16, 2, 4)
    s.set_mem(0, 0, 0, 8, 2, 0)
    s.fail_alloc(0).move_slot(0, 0, LOG_DIRTY, 8)  # logging on: bitmap
    s.access(0, True, 8, 0, 8, 0x0102030405060708)
    s.fail_alloc(0).create_vcpu(0, 1)
    s.fail_alloc(1).create_vcpu(0, 1)
    s.fail_alloc(0).create_vm(ARM64)
    out['seed-alloc-fail-slot-create'] = s.end(1)

    # Device and vCPU limits, the harness's destroy-only device.
    s = Seed().create_vm(S390).create_vm(ARM64)
    s.create_device(0, DEV_DUMMY)
    s.device_attr(0, ATTR_SET, 0, 0, ('bytes', 0x0123456789abcdef))
    s.device_attr(0, ATTR_GET, 0, 0, ('bytes', 0))
    s.device_attr(0, ATTR_GET, 1, 0, ('bytes', 0))
    s.device_ioctl(0)
    s.create_device(0, DEV_DUMMY, refuse=1)
    s.create_device(0, DEV_DUMMY, abort=True)
    s.fail_alloc(1).create_device(0, DEV_DUMMY)
    s.device_burst(0, 260)
    s.vcpu_burst(0, 0, 250)
    s.create_vcpu(1, 0)
    s.vcpu_attr(0, ATTR_HAS, 0, 0, ('bytes', 0))
    s.create_vcpu(1, 1, abort=True).create_vcpu(1, 1)
    s.run(0, 2)
    s.close_vm(0).close_vm(0)
    s.misc(2).misc(3)
    out['seed-device-vcpu-limits'] = s.end(2)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'corpus', 'spine')
    os.makedirs(out_dir, exist_ok=True)
    for name, seed in sorted(seeds().items()):
        data = bytes(seed.b)
        assert len(data) < 1024, name
        with open(os.path.join(out_dir, name), 'wb') as f:
            f.write(data)
        print(f'{name}: {len(data)} bytes')


if __name__ == '__main__':
    main()
