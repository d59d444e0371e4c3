// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's devices: KVM_CREATE_DEVICE (TEST, the fd failing,
// the per-VM bound), the device fd's attributes and ioctls, and its
// release, for the VFIO pseudo-device (its group list) and the harness's
// own destroy-only dummy type; the VGIC types are vgic.cpp's.
//
// The host platform's file hooks are wrapped at link time (the Makefile's
// -Wl,--wrap): two fds the harness opens count as VFIO group files, so the
// VFIO device's group list is reachable, and every kx_file_get() must be
// balanced by a kx_file_put() (the references the model says the VFIO
// devices hold, none at the end).

#include "device.h"

#include "vgic.h"

namespace spine {

std::map<kx_device*, DummyState> g_dummies;
kx_vm* g_destroying_vm;
long g_file_refs_total;

namespace {

kx_device* g_aborting_dev;  // destroy allowed: this device's abort
int g_dummy_refuse;         // what the next dummy create returns (0: ok)
// Outstanding kx_file_get() references, by handle (the wrapped hooks).
std::map<void*, long> g_file_refs;

// ------------------------------------------------------ the dummy device

DummyState* dummy_of(kx_device* dev) {
  auto it = g_dummies.find(dev);
  CHECK(it != g_dummies.end(), "callback on unknown dummy device %p", (void*)dev);
  return &it->second;
}

int dummy_create(kx_device* dev, unsigned int type) {
  CHECK(type == kDummyType, "dummy create with type %u", type);
  CHECK(!g_dummies.count(dev), "dummy create twice on %p", (void*)dev);
  CHECK(kx_device_private(dev) == nullptr, "new device with private data");
  if (g_dummy_refuse) return g_dummy_refuse;
  void* priv = kx_alloc(16);
  if (!priv) return -ENOMEM;
  kx_device_set_private(dev, priv);
  g_dummies[dev] = DummyState{kx_device_vm(dev), false, priv, 0};
  return 0;
}

void dummy_init(kx_device* dev) {
  DummyState* st = dummy_of(dev);
  CHECK(!st->inited, "dummy init twice");
  st->inited = true;
}

void dummy_destroy(kx_device* dev) {
  DummyState* st = dummy_of(dev);
  CHECK(dev == g_aborting_dev || (g_destroying_vm && st->vm == g_destroying_vm),
        "dummy destroy outside its VM's destruction or its abort");
  CHECK(kx_device_private(dev) == st->priv, "dummy private data changed");
  kx_free(st->priv);
  g_dummies.erase(dev);
}

int dummy_set_attr(kx_device* dev, const kx_attr* a) {
  DummyState* st = dummy_of(dev);
  if (a->group != 0) return -ENXIO;
  uint64_t v;
  if (kx_copy_from_user(&v, a->addr, sizeof(v))) return -EFAULT;
  st->value = v;
  return 0;
}

int dummy_get_attr(kx_device* dev, const kx_attr* a) {
  DummyState* st = dummy_of(dev);
  if (a->group != 0) return -ENXIO;
  return kx_copy_to_user(a->addr, &st->value, sizeof(st->value)) ? -EFAULT : 0;
}

int dummy_has_attr(kx_device* dev, const kx_attr* a) {
  dummy_of(dev);
  return a->group == 0 ? 0 : -ENXIO;
}

long dummy_ioctl(kx_device* dev, unsigned int cmd, unsigned long) {
  dummy_of(dev);
  return cmd == kDummyIoctl ? kDummyIoctlValue : -ENOTTY;
}

}  // namespace

const kx_device_ops kDummyOps = {
    .name = "fuzz-dummy",
    .create = dummy_create,
    .init = dummy_init,
    .destroy = dummy_destroy,
    .release = nullptr,
    .set_attr = dummy_set_attr,
    .get_attr = dummy_get_attr,
    .has_attr = dummy_has_attr,
    .ioctl = dummy_ioctl,
};

namespace {

int free_dev_fd() {
  for (int i = 0; i < kMaxDevFds; i++) {
    if (!g->devs[i].open) return i;
  }
  return -1;
}

// KVM_CREATE_IRQCHIP: arm64 makes a GICv2 with no device
// (kvm_vgic_create()'s rules, the host's GICv2 compatibility first); s390
// refuses it without KVM_CAP_S390_IRQCHIP (then an empty routing table),
// ppc does not have it.
void create_irqchip(VmModel& v) {
  int want = 0;
  if (v.p == KX_PPC)
    want = -ENOTTY;
  else if (v.p == KX_S390)
    want = v.s390_irqchip ? 0 : -EINVAL;
  else if (!v.host.gicv2)
    want = -ENODEV;
  else if (v.gic.model)
    want = -EEXIST;
  else if (v.ran)
    want = -EBUSY;
  else if (v.vcpu_ids.size() > gic_max_cpus(KX_DEV_TYPE_ARM_VGIC_V2))
    want = -E2BIG;
  const long r = kx_vm_ioctl(v.h, KX_CREATE_IRQCHIP, 0);
  trace("  -> %ld (model %d)", r, want);
  // s390's empty routing table is an allocation.
  expect_ret("KVM_CREATE_IRQCHIP", static_cast<int>(r), want, v.p == KX_S390 && g->inject);
  if (r == 0 && v.p == KX_ARM64) v.gic.model = KX_DEV_TYPE_ARM_VGIC_V2;
}

}  // namespace

void op_create_device(Input& in) {
  const int vi = pick_vm(in.u8());
  const uint8_t tb = in.u8();
  unsigned type = KX_DEV_TYPE_VFIO;
  if (tb % 4 == 1) type = kDummyType;
  if (tb % 4 == 2) type = tb >> 2;
  // arm64's VGIC types, more often than the raw 5 and 7; 62 and 63 are
  // KVM_CREATE_IRQCHIP (a GICv2 without a device).
  if (tb % 4 == 2 && tb >> 2 >= 48)
    type = (tb >> 2) & 1 ? KX_DEV_TYPE_ARM_VGIC_V3 : KX_DEV_TYPE_ARM_VGIC_V2;
  const bool irqchip = tb % 4 == 2 && tb >> 2 >= 62;
  if (tb % 4 == 3) type = in.u32();
  const uint8_t fb = in.u8();
  unsigned flags = fb & 1 ? KX_CREATE_DEVICE_TEST : 0;
  if (fb & 0x80) flags |= fb & 0x7e;
  const uint8_t ab = in.u8();
  bool abort_fd = ab % 8 == 7;
  const uint8_t rb = in.u8();
  const int refuse = rb % 8 == 1 ? -EBUSY : rb % 8 == 2 ? -ENXIO : 0;
  const int fd = free_dev_fd();
  if (fd < 0) abort_fd = true;
  if (irqchip) {
    trace("create_irqchip vm %d", vi);
    if (vi >= 0) create_irqchip(g->vms[vi]);
    return;
  }
  trace("create_device vm %d type %u flags %#x%s refuse %d", vi, type, flags,
        abort_fd ? " (fd fails: abort)" : "", refuse);
  if (vi < 0) return;
  VmModel& v = g->vms[vi];
  if (v.p == KX_PPC && type == KX_DEV_TYPE_XICS) {
    // The XICS changes KVM_IRQ_LINE and the hypercalls the spine models
    // as if there were none; its own target (xics_fuzzer) models it.
    trace("  (the XICS: not made here)");
    return;
  }
  const bool vfio = type == KX_DEV_TYPE_VFIO, dummy = type == kDummyType;
  // The VGIC types are registered on arm64 only, the GICv2 one with the
  // host's GICv2 compatibility (as the VM snapshotted it).
  const bool vgic = v.p == KX_ARM64 && (type == KX_DEV_TYPE_ARM_VGIC_V3 ||
                                        (type == KX_DEV_TYPE_ARM_VGIC_V2 && v.host.gicv2));
  int want = 0;
  bool enomem_ok = false;
  if (!vfio && !dummy && !vgic) {
    want = -ENODEV;
  } else if (flags & KX_CREATE_DEVICE_TEST) {
    want = 0;
  } else {
    enomem_ok = g->inject;
    if (v.nr_devices >= kMaxDevicesPerVm)
      want = -ENOSPC;
    else if (vfio && v.vfio_on_list)
      want = -EBUSY;
    else if (dummy && refuse)
      want = refuse;
    else if (vgic && v.gic.model)  // kvm_vgic_create(): one GIC per VM
      want = -EEXIST;
    else if (vgic && v.ran)
      want = -EBUSY;
    else if (vgic && v.vcpu_ids.size() > gic_max_cpus(type))
      want = -E2BIG;
  }
  kx_device* h = reinterpret_cast<kx_device*>(0x1);
  g_dummy_refuse = refuse;
  const int r = kx_vm_create_device(v.h, type, flags, &h);
  g_dummy_refuse = 0;
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_vm_create_device", r, want, enomem_ok);
  if (r != 0) {
    CHECK(h == reinterpret_cast<kx_device*>(0x1), "failed kx_vm_create_device wrote *out");
    return;
  }
  if (flags & KX_CREATE_DEVICE_TEST) {
    CHECK(h == nullptr, "KX_CREATE_DEVICE_TEST returned a device");
    return;
  }
  CHECK(kx_device_vm(h) == v.h, "kx_device_vm");
  const char* name = vfio                              ? "kvm-vfio"
                     : dummy                           ? "fuzz-dummy"
                     : type == KX_DEV_TYPE_ARM_VGIC_V2 ? "kvm-arm-vgic-v2"
                                                       : "kvm-arm-vgic-v3";
  CHECK(strcmp(kx_device_name(h), name) == 0, "kx_device_name");
  // The GIC is the VM's from now on, even if the fd fails (6.1's
  // vgic_destroy() frees only the device).
  if (vgic) v.gic.model = type;
  if (dummy) {
    CHECK(g_dummies.count(h) && g_dummies[h].inited, "dummy device created without init");
    CHECK(kx_device_private(h) == g_dummies[h].priv, "dummy private data");
  }
  vm_get(vi);
  if (abort_fd) {
    g_aborting_dev = h;
    kx_device_abort(h);
    g_aborting_dev = nullptr;
    CHECK(!g_dummies.count(h), "aborted dummy device not destroyed");
    vm_put(vi);
    return;
  }
  v.nr_devices++;
  if (vfio) v.vfio_on_list = true;
  g->devs[fd] = DevFd{true, h, vi, dummy, {}, vgic ? type : 0};
}

void close_device(DevFd& d) {
  VmModel& v = g->vms[d.vm];
  kx_vm* vm = kx_device_vm(d.h);
  CHECK(vm == v.h, "device's VM");
  kx_device_release(d.h);
  d.open = false;
  d.groups.clear();
  if (!d.dummy && !d.vgic) {  // a release hook: the device leaves the VM now
    v.nr_devices--;
    v.vfio_on_list = false;
  } else if (d.dummy) {
    CHECK(g_dummies.count(d.h), "destroy-only device destroyed at fd close");
  }
  vm_put(d.vm);
}

void op_close_device(Input& in) {
  const int di = pick_dev(in.u8());
  trace("close_device %d", di);
  if (di < 0) return;
  close_device(g->devs[di]);
}

void op_device_attr(Input& in) {
  const int di = pick_dev(in.u8());
  const int op = in.u8() % 3;
  if (di >= 0 && g->devs[di].vgic) {
    op_vgic_attr(in, g->devs[di], op);
    return;
  }
  const AttrSpec s = attr_sel(in);
  trace("device_attr dev %d %s uattr %s group %u attr %llu addr %#llx", di, op_name(op),
        s.uattr_faults ? "bad" : "ok", s.a.group, s.a.attr, s.a.addr);
  if (di < 0) return;
  DevFd& d = g->devs[di];
  const bool ppc = g->vms[d.vm].p == KX_PPC && g_arch[KX_PPC].spapr_tce;
  bool enomem_ok = false;
  const uint8_t* payload = reinterpret_cast<const uint8_t*>(s.a.addr);
  int32_t fd0 = 0;
  if (!s.payload_faults) memcpy(&fd0, payload, sizeof(fd0));
  int want = 0;
  if (d.dummy) {
    if (s.uattr_faults)
      want = -EFAULT;
    else if (s.a.group != 0)
      want = -ENXIO;
    else if (op == KX_ATTR_HAS)
      want = 0;
    else
      want = s.payload_faults ? -EFAULT : 0;
  } else if (op == KX_ATTR_GET) {
    want = -EPERM;  // no get_attr: refused before the copy
  } else if (s.uattr_faults) {
    want = -EFAULT;
  } else if (s.a.group != KX_DEV_VFIO_GROUP) {
    want = -ENXIO;
  } else if (op == KX_ATTR_HAS) {
    want = s.a.attr == KX_DEV_VFIO_GROUP_ADD || s.a.attr == KX_DEV_VFIO_GROUP_DEL ||
                   (s.a.attr == KX_DEV_VFIO_GROUP_SET_SPAPR_TCE && ppc)
               ? 0
               : -ENXIO;
  } else if (s.a.attr == KX_DEV_VFIO_GROUP_ADD) {
    if (s.payload_faults)
      want = -EFAULT;
    else if (!fd_valid(fd0))
      want = -EBADF;
    else if (!is_group_fd(fd0))
      want = -EINVAL;
    else if (d.groups.count(fd0))
      want = -EEXIST;
    else
      enomem_ok = g->inject;  // want = 0; the group's entry is allocated
  } else if (s.a.attr == KX_DEV_VFIO_GROUP_DEL) {
    if (s.payload_faults)
      want = -EFAULT;
    else if (!fd_valid(fd0))
      want = -EBADF;
    else
      want = d.groups.count(fd0) ? 0 : -ENOENT;
  } else if (s.a.attr == KX_DEV_VFIO_GROUP_SET_SPAPR_TCE && ppc) {
    // The spine makes no KVM_CREATE_SPAPR_TCE tables: a known group's
    // table fd is -EBADF when not open, else -EINVAL (no table).
    int32_t fd1 = -1;
    if (!s.payload_faults) memcpy(&fd1, payload + sizeof(fd0), sizeof(fd1));
    if (s.payload_faults)
      want = -EFAULT;
    else if (!fd_valid(fd0))
      want = -EBADF;
    else if (!d.groups.count(fd0))
      want = -ENOENT;
    else
      want = fd_valid(fd1) ? -EINVAL : -EBADF;
  } else {
    want = -ENXIO;
  }
  uint64_t old_value = 0;
  if (d.dummy) old_value = g_dummies[d.h].value;
  const int r = kx_device_attr(d.h, static_cast<kx_attr_op>(op), s.uattr);
  trace("  -> %d (model %d)", r, want);
  expect_ret("kx_device_attr", r, want, enomem_ok);
  if (!d.dummy && r == 0 && op == KX_ATTR_SET) {
    if (s.a.attr == KX_DEV_VFIO_GROUP_ADD) d.groups.insert(fd0);
    if (s.a.attr == KX_DEV_VFIO_GROUP_DEL) d.groups.erase(fd0);
  }
  if (d.dummy) {
    uint64_t pv = 0;
    if (!s.payload_faults) memcpy(&pv, payload, sizeof(pv));
    if (r == 0 && op == KX_ATTR_SET)
      CHECK(g_dummies[d.h].value == pv, "dummy SET did not see the payload");
    else
      CHECK(g_dummies[d.h].value == old_value, "dummy value changed");
    if (r == 0 && op == KX_ATTR_GET)
      CHECK(pv == old_value, "dummy GET: %#llx, stored %#llx", (unsigned long long)pv,
            (unsigned long long)old_value);
  }
}

void op_device_ioctl(Input& in) {
  const int di = pick_dev(in.u8());
  const uint8_t cb = in.u8();
  const unsigned cmd = cb & 1 ? kDummyIoctl : cb & 2 ? in.u32() : cb;
  const unsigned long arg = in.u8();
  trace("device_ioctl dev %d cmd %#x", di, cmd);
  if (di < 0) return;
  const DevFd& d = g->devs[di];
  const long want = d.dummy && cmd == kDummyIoctl ? kDummyIoctlValue : -ENOTTY;
  const long r = kx_device_ioctl(d.h, cmd, arg);
  trace("  -> %ld (model %ld)", r, want);
  expect_ret("kx_device_ioctl", r, want, false);
}

void op_device_burst(Input& in) {
  const int vi = pick_vm(in.u8());
  int count = in.u16() % 300;
  if (count > g->burst_budget) count = g->burst_budget;
  trace("device_burst vm %d count %d", vi, count);
  if (vi < 0) return;
  g->burst_budget -= count;
  VmModel& v = g->vms[vi];
  for (int i = 0; i < count; i++) {
    const int want = v.nr_devices >= kMaxDevicesPerVm ? -ENOSPC : 0;
    kx_device* h = nullptr;
    const int r = kx_vm_create_device(v.h, kDummyType, 0, &h);
    expect_ret("kx_vm_create_device (burst)", r, want, g->inject);
    if (r != 0) {
      if (r == -ENOSPC) break;
      continue;
    }
    // An fd made and closed at once: the destroy-only device stays.
    vm_get(vi);
    v.nr_devices++;
    kx_device_release(h);
    CHECK(g_dummies.count(h), "destroy-only device destroyed at fd close");
    vm_put(vi);
  }
}

// The file hooks, wrapped (-Wl,--wrap=...): references counted, and the
// harness's group fds are VFIO groups.
extern "C" {
int __real_kx_file_get(int fd, void** file);
void __real_kx_file_put(void* file);

int __wrap_kx_file_get(int fd, void** file) {
  const int r = __real_kx_file_get(fd, file);
  if (r == 0) {
    g_file_refs[*file]++;
    g_file_refs_total++;
  }
  return r;
}

void __wrap_kx_file_put(void* file) {
  auto it = g_file_refs.find(file);
  CHECK(it != g_file_refs.end() && it->second > 0, "kx_file_put(%p) without a reference", file);
  if (--it->second == 0) g_file_refs.erase(it);
  g_file_refs_total--;
  __real_kx_file_put(file);
}

int __wrap_kx_file_is_vfio_group(void* file) {
  CHECK(g_file_refs.count(file), "kx_file_is_vfio_group(%p) without a reference", file);
  // platform_host.cpp's handle is fd + 1.
  return is_group_fd(static_cast<int>(reinterpret_cast<intptr_t>(file) - 1));
}
}  // extern "C"

}  // namespace spine
