// SPDX-License-Identifier: GPL-2.0
// The spine fuzzer's devices (device.cpp): the VFIO pseudo-device and the
// harness's own dummy device type.

#ifndef SPINE_DEVICE_H
#define SPINE_DEVICE_H

#include "input.h"

namespace spine {

// A dummy device as its callbacks saw it.
struct DummyState {
  kx_vm* vm;
  bool inited;
  void* priv;
  uint64_t value;
};

// Dummy-device bookkeeping, written by its callbacks; a dummy may be
// destroyed while g_destroying_vm (vm_put()'s last put) is its VM's.
extern std::map<kx_device*, DummyState> g_dummies;
extern kx_vm* g_destroying_vm;
// The dummy type's ops (registered on every personality).
extern const kx_device_ops kDummyOps;

// kx_file_get() references outstanding (the wrapped file hooks).
extern long g_file_refs_total;

void op_create_device(Input& in);
void op_close_device(Input& in);
void op_device_attr(Input& in);
void op_device_ioctl(Input& in);
void op_device_burst(Input& in);

// The device fd closes: kvm_ext_device_release().
void close_device(DevFd& d);

}  // namespace spine

#endif  // SPINE_DEVICE_H
