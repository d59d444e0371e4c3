// SPDX-License-Identifier: GPL-2.0
// The core as one translation unit. Inline, template and vtable code that
// two C++ objects both emit ends up in COMDAT sections; in a kernel module
// that breaks the link under ftrace (__mcount_loc entries pointing into a
// discarded COMDAT) and duplicates .return_sites. One object emits each
// once. Documentation/design.rst has the measurements.
#include <kx/enforce.h>

#include "virt/kvm/core_api.cpp"
#include "virt/kvm/device.cpp"
#include "virt/kvm/dirty_log.cpp"
#include "virt/kvm/io_bus.cpp"
#include "virt/kvm/ioeventfd.cpp"
#include "virt/kvm/irq_routing.cpp"
#include "virt/kvm/irqfd.cpp"
#include "virt/kvm/memslot.cpp"
#include "virt/kvm/personality.cpp"
#include "virt/kvm/stats.cpp"
#include "virt/kvm/vcpu.cpp"
#include "virt/kvm/vfio.cpp"
#include "virt/kvm/vm.cpp"
#include "arch/arm64/events.cpp"
#include "arch/arm64/hypercalls.cpp"
#include "arch/arm64/personality.cpp"
#include "arch/arm64/pmu_timer.cpp"
#include "arch/arm64/psci.cpp"
#include "arch/arm64/regs.cpp"
#include "arch/arm64/sys_regs.cpp"
#include "arch/arm64/vcpu.cpp"
#include "arch/arm64/vgic/cpuif.cpp"
#include "arch/arm64/vgic/device.cpp"
#include "arch/arm64/vgic/init.cpp"
#include "arch/arm64/vgic/irq.cpp"
#include "arch/arm64/vgic/its.cpp"
#include "arch/arm64/vgic/its_commands.cpp"
#include "arch/arm64/vgic/its_registers.cpp"
#include "arch/arm64/vgic/its_tables.cpp"
#include "arch/arm64/vgic/its_device.cpp"
#include "arch/arm64/vgic/lpi.cpp"
#include "arch/arm64/vgic/mmio.cpp"
#include "arch/powerpc/personality.cpp"
#include "arch/powerpc/vcpu.cpp"
#include "arch/s390/personality.cpp"
