// SPDX-License-Identifier: GPL-2.0
// The device registry: kvm_ext's own kvm_device_ops table, one per
// personality. Stock kernels keep kvm_register_device_ops() to themselves
// (absent from Module.symvers), so kvm_ext carries the equivalent.
#include "vm.h"

namespace kvm {

namespace {

KX_LOCK_CLASS(device_registry);
// Written at module init and exit only, read under the same lock.
kx_mutex g_registry_lock;
bool g_registry_ready;
const kx_device_ops* g_ops[KX_NR_PERSONALITIES][KX_MAX_DEVICE_TYPES];

void registry_lock() {
  if (!__atomic_load_n(&g_registry_ready, __ATOMIC_ACQUIRE))
    kx_panic("device registry used before kx_core_init");
  kx_mutex_lock(&g_registry_lock);
}

}  // namespace

void registry_init() {
  kx_mutex_init(&g_registry_lock, &device_registry_class);
  __atomic_store_n(&g_registry_ready, true, __ATOMIC_RELEASE);
}

void registry_exit() {
  __atomic_store_n(&g_registry_ready, false, __ATOMIC_RELEASE);
  kx_mutex_destroy(&g_registry_lock);
}

kx::Status DeviceRegistry::add(kx_personality p, u32 type, const kx_device_ops* ops) {
  if (p >= KX_NR_PERSONALITIES || type >= KX_MAX_DEVICE_TYPES || !ops || !ops->create ||
      !(ops->destroy || ops->release))
    return kx::error(kx::kEINVAL);
  registry_lock();
  kx::Status s;
  if (g_ops[p][type])
    s = kx::error(kx::kEEXIST);
  else
    g_ops[p][type] = ops;
  kx_mutex_unlock(&g_registry_lock);
  return s;
}

void DeviceRegistry::remove(kx_personality p, u32 type) {
  if (p >= KX_NR_PERSONALITIES || type >= KX_MAX_DEVICE_TYPES) return;
  registry_lock();
  g_ops[p][type] = nullptr;
  kx_mutex_unlock(&g_registry_lock);
}

const kx_device_ops* DeviceRegistry::find(kx_personality p, u32 type) {
  if (p >= KX_NR_PERSONALITIES || type >= KX_MAX_DEVICE_TYPES) return nullptr;
  registry_lock();
  const kx_device_ops* ops = g_ops[p][type];
  kx_mutex_unlock(&g_registry_lock);
  return ops;
}

}  // namespace kvm
