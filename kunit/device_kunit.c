// SPDX-License-Identifier: GPL-2.0
/* The device registry and attribute dispatch. */
#include "kunit_common.h"

static int probe_created, probe_destroyed;

static int probe_create(struct kx_device *dev, unsigned int type)
{
	probe_created++;
	return 0;
}

static void probe_destroy(struct kx_device *dev)
{
	probe_destroyed++;
}

static const struct kx_device_ops probe_ops = {
	.name = "kvm-ext-kunit-probe",
	.create = probe_create,
	.destroy = probe_destroy,
};

#define PROBE_TYPE 15

static void registry_test(struct kunit *test)
{
	struct kx_vm *vm;
	struct kx_device *dev = (void *)1;

	KUNIT_ASSERT_EQ(test, kx_register_device_ops(KX_ARM64, PROBE_TYPE, &probe_ops), 0);
	KUNIT_EXPECT_EQ(test, kx_register_device_ops(KX_ARM64, PROBE_TYPE, &probe_ops),
			-EEXIST);
	/* The shim registered VFIO for every personality at module init. */
	KUNIT_EXPECT_EQ(test, kx_register_device_ops(KX_PPC, KVM_DEV_TYPE_VFIO, &probe_ops),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, kx_register_device_ops(KX_ARM64, KX_MAX_DEVICE_TYPES,
						     &probe_ops), -EINVAL);

	vm = test_vm(test, KX_ARM64);
	probe_created = probe_destroyed = 0;
	KUNIT_EXPECT_EQ(test, kx_vm_create_device(vm, PROBE_TYPE, KX_CREATE_DEVICE_TEST,
						  &dev), 0);
	KUNIT_EXPECT_NULL(test, dev);
	KUNIT_EXPECT_EQ(test, probe_created, 0);
	KUNIT_EXPECT_EQ(test, kx_vm_create_device(vm, 0, 0, &dev), -ENODEV);
	KUNIT_EXPECT_EQ(test, kx_vm_create_device(vm, PROBE_TYPE + 1, 0, &dev), -ENODEV);
	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, PROBE_TYPE, 0, &dev), 0);
	KUNIT_EXPECT_STREQ(test, kx_device_name(dev), "kvm-ext-kunit-probe");
	/* No accessors: -EPERM before the argument is read. */
	KUNIT_EXPECT_EQ(test, kx_device_attr(dev, KX_ATTR_SET, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, kx_device_attr(dev, KX_ATTR_GET, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, kx_device_attr(dev, KX_ATTR_HAS, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, kx_device_ioctl(dev, 0x1234, 0), (long)-ENOTTY);
	kx_device_release(dev); /* no release hook: it stays with the VM */
	KUNIT_EXPECT_EQ(test, probe_destroyed, 0);
	kx_vm_put(vm);
	KUNIT_EXPECT_EQ(test, probe_destroyed, 1);
	kx_unregister_device_ops(KX_ARM64, PROBE_TYPE);
}

static void vfio_device_test(struct kunit *test)
{
	struct kx_vm *vm = test_vm(test, KX_S390);
	struct kx_device *dev, *again;

	KUNIT_ASSERT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_VFIO, 0, &dev), 0);
	kx_vm_get(vm); /* the device fd's reference */
	KUNIT_EXPECT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_VFIO, 0, &again), -EBUSY);
	KUNIT_EXPECT_EQ(test, kx_device_attr(dev, KX_ATTR_GET, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, kx_device_attr(dev, KX_ATTR_HAS, 0), -EFAULT);
	kx_device_release(dev);
	kx_vm_put(vm);
	KUNIT_EXPECT_EQ(test, kx_vm_create_device(vm, KVM_DEV_TYPE_VFIO, 0, &dev), 0);
	kx_device_abort(dev); /* as when the fd cannot be made */
	kx_vm_put(vm);
}

static void vm_vcpu_attr_test(struct kunit *test)
{
	struct kx_vm *arm = test_vm(test, KX_ARM64), *s390 = test_vm(test, KX_S390);
	struct kx_vm *ppc = test_vm(test, KX_PPC);
	struct kx_vcpu *vcpu;

	KUNIT_EXPECT_EQ(test, kx_vm_attr(arm, KX_ATTR_HAS, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kx_vm_attr(ppc, KX_ATTR_HAS, 0), -ENOTTY);
	KUNIT_EXPECT_EQ(test, kx_vm_attr(s390, KX_ATTR_HAS, 0), -EFAULT);
	KUNIT_ASSERT_EQ(test, kx_vm_create_vcpu(arm, 0, &vcpu), 0);
	KUNIT_EXPECT_EQ(test, kx_vcpu_attr(vcpu, KX_ATTR_SET, 0), -EFAULT);
	kx_vm_put(arm);
	kx_vm_put(s390);
	kx_vm_put(ppc);
}

static struct kunit_case device_cases[] = {
	KUNIT_CASE(registry_test),
	KUNIT_CASE(vfio_device_test),
	KUNIT_CASE(vm_vcpu_attr_test),
	{}
};

static struct kunit_suite device_suite = {
	.name = "kvm_ext_device",
	.test_cases = device_cases,
};

kunit_test_suites(&device_suite);
