// SPDX-License-Identifier: GPL-2.0
/*
 * s390's FLIC queues and CPU model (arch/s390/) inside the debug kernel:
 * floating interrupts enqueued, saved, delivered to a vCPU and cleared,
 * with every allocation of an ENQUEUE failed in turn; the VM attributes
 * of the CPU model against the emulated z15; all under lockdep, KASAN
 * and kmemleak. Device fds and guest memory are the conformance suite's.
 */
#include "kunit_common.h"

#define S390_SERVICE 0xffff2401ULL
#define S390_VIRTIO 0xffff2603ULL

static int flic_attr(struct kx_device *dev, enum kx_attr_op op, u32 group, u64 attr,
		     const void *val)
{
	struct kx_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return kx_device_attr(dev, op, (unsigned long)&a);
}

static int vm_attr(struct kx_vm *vm, enum kx_attr_op op, u32 group, u64 attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (unsigned long)val };

	return kx_vm_attr(vm, op, (unsigned long)&a);
}

static struct kvm_s390_irq io_irq(u16 id, u16 nr, u32 parm, u32 isc)
{
	struct kvm_s390_irq irq = { .type = (u64)nr | (u64)id << 16 };

	irq.u.io.subchannel_id = id;
	irq.u.io.subchannel_nr = nr;
	irq.u.io.io_int_parm = parm;
	irq.u.io.io_int_word = isc << 27;
	return irq;
}

/*
 * A save in 6.1's order (I/O by ISC, virtio, the merged service signal),
 * a vCPU enabled for ISC 2 alone taking its interrupt, CLEAR_IO_IRQ and
 * CLEAR_IRQS; then every allocation of a three-entry ENQUEUE failed in
 * turn: -ENOMEM with the entries before it queued, and nothing leaked.
 */
static void s390_flic_queue_test(struct kunit *test)
{
	struct kx_vm *vm = test_vm(test, KX_S390);
	struct kvm_s390_irq in[4], *out;
	struct kx_guest_access acc = { .kind = KVM_EXT_ACCESS_INTERRUPT };
	struct kvm_ext_s390_sregs sregs = { .crs[6] = 0x20ULL << 24 };
	struct kx_exit exit = {};
	struct kx_device *flic;
	struct kx_vcpu *vcpu;
	u64 *psw;
	u32 schid = 1U << 16 | 3;
	int attempt, ret;

	out = kunit_kzalloc(test, 8 * sizeof(*out), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, out);
	in[0] = io_irq(1, 2, 0x22, 2);
	in[1] = io_irq(1, 3, 0x33, 0);
	in[2] = (struct kvm_s390_irq){ .type = S390_SERVICE, .u.ext.ext_params = 0x1008 };
	in[3] = (struct kvm_s390_irq){ .type = S390_VIRTIO, .u.ext.ext_params2 = 9 };
	kvm_ext_test_kernel_uaccess(true);
	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_FLIC, 0, &flic), 0);
	KUNIT_EXPECT_EQ(test, flic_attr(flic, KX_ATTR_SET, KVM_DEV_FLIC_ENQUEUE, sizeof(in), in),
			0);
	KUNIT_EXPECT_EQ(test, flic_attr(flic, KX_ATTR_GET, KVM_DEV_FLIC_GET_ALL_IRQS,
					2 * sizeof(*out), out), -ENOMEM);
	KUNIT_EXPECT_EQ(test, flic_attr(flic, KX_ATTR_GET, KVM_DEV_FLIC_GET_ALL_IRQS,
					8 * sizeof(*out), out), 4);
	KUNIT_EXPECT_EQ(test, out[0].u.io.io_int_parm, 0x33U);
	KUNIT_EXPECT_EQ(test, out[1].u.io.io_int_parm, 0x22U);
	KUNIT_EXPECT_EQ(test, out[2].type, S390_VIRTIO);
	KUNIT_EXPECT_EQ(test, out[3].type, S390_SERVICE);

	KUNIT_ASSERT_EQ(test, kx_vm_create_vcpu(vm, 0, &vcpu), 0);
	psw = (u64 *)((u8 *)kx_vcpu_page(vcpu, 0) + KVM_EXT_S390_RUN_PSW_MASK);
	*psw = KVM_EXT_S390_PSW_MASK_IO;
	KUNIT_EXPECT_EQ(test, kx_vcpu_ioctl(vcpu, KVM_EXT_S390_SET_SREGS, (unsigned long)&sregs),
			0);
	KUNIT_EXPECT_EQ(test, kx_vcpu_guest_access(vcpu, &acc, &exit), 0);
	KUNIT_EXPECT_EQ(test, acc.result, (u32)KVM_EXT_RESULT_KERNEL);
	KUNIT_EXPECT_EQ(test, acc.args[0], (u64)(1U << 16 | 2));
	acc = (struct kx_guest_access){ .kind = KVM_EXT_ACCESS_INTERRUPT };
	KUNIT_EXPECT_EQ(test, kx_vcpu_guest_access(vcpu, &acc, &exit), 0);
	KUNIT_EXPECT_EQ(test, acc.result, (u32)KVM_EXT_RESULT_NONE);
	KUNIT_EXPECT_EQ(test, flic_attr(flic, KX_ATTR_SET, KVM_DEV_FLIC_CLEAR_IO_IRQ,
					sizeof(schid), &schid), 0);
	KUNIT_EXPECT_EQ(test, flic_attr(flic, KX_ATTR_GET, KVM_DEV_FLIC_GET_ALL_IRQS,
					8 * sizeof(*out), out), 2);
	KUNIT_EXPECT_EQ(test, flic_attr(flic, KX_ATTR_SET, KVM_DEV_FLIC_CLEAR_IRQS, 0, NULL), 0);

	for (attempt = 0;; attempt++) {
		kvm_ext_test_fail_alloc_after(attempt);
		ret = flic_attr(flic, KX_ATTR_SET, KVM_DEV_FLIC_ENQUEUE, 3 * sizeof(*in), in);
		kvm_ext_test_fail_alloc_after(-1);
		KUNIT_EXPECT_EQ(test, flic_attr(flic, KX_ATTR_GET, KVM_DEV_FLIC_GET_ALL_IRQS,
						8 * sizeof(*out), out), ret ? attempt : 3);
		KUNIT_EXPECT_EQ(test, flic_attr(flic, KX_ATTR_SET, KVM_DEV_FLIC_CLEAR_IRQS, 0,
						NULL), 0);
		if (!ret)
			break;
		KUNIT_ASSERT_EQ(test, ret, -ENOMEM);
	}
	kvm_ext_test_kernel_uaccess(false);
	kx_vm_put(vm); /* the FLIC and the vCPU go with the VM */
}

/*
 * The CPU model: MACHINE's z15, PROCESSOR's IBC kept within the machine's
 * range, PROCESSOR_SUBFUNC unread until written, kdsa's block, and every
 * write -EBUSY once a vCPU exists.
 */
static void s390_cpu_model_test(struct kunit *test)
{
	struct kx_vm *vm = test_vm(test, KX_S390);
	struct kvm_s390_vm_cpu_machine *mach;
	struct kvm_s390_vm_cpu_processor *proc;
	struct kvm_s390_vm_cpu_subfunc *sub;
	struct kx_vcpu *vcpu;

	mach = kunit_kzalloc(test, sizeof(*mach), GFP_KERNEL);
	proc = kunit_kzalloc(test, sizeof(*proc), GFP_KERNEL);
	sub = kunit_kzalloc(test, sizeof(*sub), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, mach && proc && sub);
	kvm_ext_test_kernel_uaccess(true);
	KUNIT_EXPECT_EQ(test, vm_attr(vm, KX_ATTR_GET, KVM_S390_VM_CPU_MODEL,
				      KVM_S390_VM_CPU_MACHINE, mach), 0);
	KUNIT_EXPECT_EQ(test, mach->cpuid >> 16 & 0xffff, 0x8561ULL);
	KUNIT_EXPECT_EQ(test, vm_attr(vm, KX_ATTR_GET, KVM_S390_VM_CPU_MODEL,
				      KVM_S390_VM_CPU_PROCESSOR, proc), 0);
	proc->ibc = 1;
	KUNIT_EXPECT_EQ(test, vm_attr(vm, KX_ATTR_SET, KVM_S390_VM_CPU_MODEL,
				      KVM_S390_VM_CPU_PROCESSOR, proc), 0);
	KUNIT_EXPECT_EQ(test, vm_attr(vm, KX_ATTR_GET, KVM_S390_VM_CPU_MODEL,
				      KVM_S390_VM_CPU_PROCESSOR, proc), 0);
	KUNIT_EXPECT_EQ(test, proc->ibc, (u16)(mach->ibc >> 16 & 0xfff));
	KUNIT_EXPECT_EQ(test, vm_attr(vm, KX_ATTR_GET, KVM_S390_VM_CPU_MODEL,
				      KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, sub), -EINVAL);
	KUNIT_EXPECT_EQ(test, vm_attr(vm, KX_ATTR_GET, KVM_S390_VM_CPU_MODEL,
				      KVM_S390_VM_CPU_MACHINE_SUBFUNC, sub), 0);
	KUNIT_EXPECT_EQ(test, sub->kdsa[0] & 0x80, 0x80); /* the query function */
	KUNIT_EXPECT_EQ(test, vm_attr(vm, KX_ATTR_SET, KVM_S390_VM_CPU_MODEL,
				      KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, sub), 0);
	KUNIT_ASSERT_EQ(test, kx_vm_create_vcpu(vm, 0, &vcpu), 0);
	KUNIT_EXPECT_EQ(test, vm_attr(vm, KX_ATTR_SET, KVM_S390_VM_CPU_MODEL,
				      KVM_S390_VM_CPU_PROCESSOR, proc), -EBUSY);
	KUNIT_EXPECT_EQ(test, vm_attr(vm, KX_ATTR_SET, KVM_S390_VM_CPU_MODEL,
				      KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, sub), -EBUSY);
	KUNIT_EXPECT_EQ(test, vm_attr(vm, KX_ATTR_GET, KVM_S390_VM_CPU_MODEL,
				      KVM_S390_VM_CPU_PROCESSOR_SUBFUNC, sub), 0);
	kvm_ext_test_kernel_uaccess(false);
	kx_vm_put(vm);
}

static struct kunit_case s390_cases[] = {
	KUNIT_CASE(s390_flic_queue_test),
	KUNIT_CASE(s390_cpu_model_test),
	{}
};

static struct kunit_suite s390_suite = {
	.name = "kvm_ext_s390",
	.test_cases = s390_cases,
};

kunit_test_suites(&s390_suite);
