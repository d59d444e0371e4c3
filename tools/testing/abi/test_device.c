// SPDX-License-Identifier: GPL-2.0
/*
 * Rule 6: KVM_CREATE_DEVICE (api.rst 4.79), the device fd's attribute
 * ioctls (api.rst 4.80, 4.81) and the VFIO pseudo-device
 * (Documentation/virt/kvm/devices/vfio.rst).
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#include "abi_test.h"

#define REF_CREATE "api.rst 4.79 KVM_CREATE_DEVICE"
#define REF_ATTR "api.rst 4.80 KVM_SET_DEVICE_ATTR/KVM_GET_DEVICE_ATTR"
#define REF_HAS "api.rst 4.81 KVM_HAS_DEVICE_ATTR"
#define REF_VFIO "devices/vfio.rst"

/* A device fd of a fresh VM's VFIO device, and its VM. */
static int vfio_setup(int *vm)
{
	*vm = new_vm(0);
	return *vm >= 0 ? new_vfio(*vm) : -1;
}

/* An fd number that is not open. */
static int closed_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 1000;
	close(fd);
	return fd;
}

static void t_test_flag(const struct abi_test *t)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO, .fd = 0x5a5a,
					.flags = KVM_CREATE_DEVICE_TEST };
	int vm = new_vm(0), free_fd;

	(void)t;
	if (vm < 0)
		return;
	free_fd = closed_fd();
	expect_errno(ioctl(vm, KVM_CREATE_DEVICE, &cd), 0);
	expect_eq(cd.fd, 0x5a5a);
	expect_eq(cd.type, KVM_DEV_TYPE_VFIO);
	expect_errno(ioctl(vm, KVM_CREATE_DEVICE, &cd), 0);
	/* no fd was installed */
	expect_eq(closed_fd(), free_fd);
	/* and no device exists: the one VFIO device can still be created */
	new_vfio(vm);
}

/* KVM_CREATE_DEVICE is in/out: the TEST path copies the struct back too. */
static void t_test_flag_copyback(const struct abi_test *t)
{
	struct kvm_create_device *cd;
	int vm = new_vm(0);

	(void)t;
	cd = alloc_mem(PAGE_SZ);
	if (vm < 0 || !cd)
		return;
	cd->type = KVM_DEV_TYPE_VFIO;
	cd->flags = KVM_CREATE_DEVICE_TEST;
	if (!expect_errno(mprotect(cd, PAGE_SZ, PROT_READ), 0))
		return;
	expect_errno(ioctl(vm, KVM_CREATE_DEVICE, cd), EFAULT);
}

static void t_unknown_type(const struct abi_test *t)
{
	static const __u32 types[] = { 0, KVM_DEV_TYPE_MAX, 1234, 0x7fffffff, 0xffffffff };
	int vm = new_vm(0);
	size_t i;

	(void)t;
	if (vm < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		if (!expect_errno(create_device(vm, types[i], KVM_CREATE_DEVICE_TEST, NULL), ENODEV) |
		    !expect_errno(create_device(vm, types[i], 0, NULL), ENODEV))
			diag("  type %u", types[i]);
	}
}

/* Device types whose architecture is not this one: never provided. */
static void t_foreign_types(const struct abi_test *t)
{
	int vm = new_vm(0);
	size_t i;

	(void)t;
	if (vm < 0)
		return;
	for (i = 0; i < P->n_foreign_devs; i++) {
		__u32 type = P->foreign_devs[i];

		if (!expect_errno(create_device(vm, type, KVM_CREATE_DEVICE_TEST, NULL), ENODEV) |
		    !expect_errno(create_device(vm, type, 0, NULL), ENODEV))
			diag("  type %u", type);
	}
}

/* This architecture's irqchip device: TEST says what a real create does. */
static void t_irqchip_type(const struct abi_test *t)
{
	int vm = new_vm(0), r_test, e_test, r;

	(void)t;
	if (vm < 0)
		return;
	desc_append(" (%s)", P->irqchip_name);
	r_test = create_device(vm, P->irqchip_dev, KVM_CREATE_DEVICE_TEST, NULL);
	e_test = errno;
	if (r_test != 0 && e_test != ENODEV) {
		expect_errno_at(__FILE__, __LINE__, "CREATE_DEVICE_TEST", r_test, e_test, ENODEV);
		return;
	}
	r = create_device(vm, P->irqchip_dev, 0, NULL);
	expect_errno_at(__FILE__, __LINE__, "KVM_CREATE_DEVICE", r, errno, r_test ? ENODEV : 0);
	diag("  %s: %s", P->irqchip_name, r_test ? "not provided" : "provided");
}

static void t_vfio_busy(const struct abi_test *t)
{
	int vm, dev = vfio_setup(&vm);

	(void)t;
	if (dev < 0)
		return;
	expect_errno(create_device(vm, KVM_DEV_TYPE_VFIO, 0, NULL), EBUSY);
	/* TEST only asks for the type */
	expect_errno(create_device(vm, KVM_DEV_TYPE_VFIO, KVM_CREATE_DEVICE_TEST, NULL), 0);
	/* one per VM: another VM has its own */
	vfio_setup(&vm);
}

static void t_vfio_release(const struct abi_test *t)
{
	int vm, dev = vfio_setup(&vm);

	(void)t;
	if (dev < 0)
		return;
	xclose(dev);
	dev = new_vfio(vm);
	if (dev >= 0)
		expect_errno(dev_attr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
				      KVM_DEV_VFIO_GROUP_ADD, 0),
			     0);
}

static void t_create_bad_ptr(const struct abi_test *t)
{
	int vm = new_vm(0);

	(void)t;
	if (vm < 0)
		return;
	expect_errno(ioctl(vm, KVM_CREATE_DEVICE, g_bad_ptr), EFAULT);
	expect_errno(ioctl(vm, KVM_CREATE_DEVICE, NULL), EFAULT);
}

/* No get_attr: -EPERM, before the struct is even read. */
static void t_get_attr(const struct abi_test *t)
{
	int vm, dev = vfio_setup(&vm);

	(void)t;
	if (dev < 0)
		return;
	expect_errno(dev_attr(dev, KVM_GET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
			      KVM_DEV_VFIO_GROUP_ADD, 0),
		     EPERM);
	expect_errno(ioctl(dev, KVM_GET_DEVICE_ATTR, g_bad_ptr), EPERM);
	expect_errno(ioctl(dev, KVM_GET_DEVICE_ATTR, NULL), EPERM);
}

static void t_has_attr(const struct abi_test *t)
{
	int vm, dev = vfio_setup(&vm);

	(void)t;
	if (dev < 0)
		return;
	desc_append(P->spapr_tce ? " (SET_SPAPR_TCE: 0)" : " (SET_SPAPR_TCE: -ENXIO)");
	expect_errno(dev_attr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
			      KVM_DEV_VFIO_GROUP_ADD, 0),
		     0);
	expect_errno(dev_attr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
			      KVM_DEV_VFIO_GROUP_DEL, 0),
		     0);
	/* "addr" is ignored */
	expect_errno(dev_attr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
			      KVM_DEV_VFIO_GROUP_ADD, (__u64)(uintptr_t)g_bad_ptr),
		     0);
	expect_errno(dev_attr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
			      KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, 0),
		     P->spapr_tce ? 0 : ENXIO);
}

static void t_has_attr_unknown(const struct abi_test *t)
{
	static const __u32 groups[] = { 0, 2, 0x1234, 0xffffffff };
	static const __u64 attrs[] = { 0, 4, 0x100000001ULL, ~0ULL };
	int vm, dev = vfio_setup(&vm);
	size_t i;

	(void)t;
	if (dev < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(groups); i++)
		expect_errno(dev_attr(dev, KVM_HAS_DEVICE_ATTR, groups[i], KVM_DEV_VFIO_GROUP_ADD, 0),
			     ENXIO);
	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		expect_errno(dev_attr(dev, KVM_HAS_DEVICE_ATTR, KVM_DEV_VFIO_GROUP, attrs[i], 0),
			     ENXIO);
}

static void t_attr_bad_ptr(const struct abi_test *t)
{
	int vm, dev = vfio_setup(&vm);

	(void)t;
	if (dev < 0)
		return;
	expect_errno(ioctl(dev, KVM_HAS_DEVICE_ATTR, g_bad_ptr), EFAULT);
	expect_errno(ioctl(dev, KVM_HAS_DEVICE_ATTR, NULL), EFAULT);
	expect_errno(ioctl(dev, KVM_SET_DEVICE_ATTR, g_bad_ptr), EFAULT);
}

static void t_group_add_badf(const struct abi_test *t)
{
	int vm, dev = vfio_setup(&vm);
	__s32 fd;

	(void)t;
	if (dev < 0)
		return;
	fd = closed_fd();
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_ADD,
			      (__u64)(uintptr_t)&fd),
		     EBADF);
	fd = -1;
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_ADD,
			      (__u64)(uintptr_t)&fd),
		     EBADF);
}

static void t_group_add_not_group(const struct abi_test *t)
{
	int vm, dev = vfio_setup(&vm), p[2];
	__s32 fd;

	(void)t;
	if (dev < 0 || !expect_errno(pipe(p), 0))
		return;
	track_fd(p[0]);
	track_fd(p[1]);
	fd = p[0];
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_ADD,
			      (__u64)(uintptr_t)&fd),
		     EINVAL);
	/* nor a KVM fd */
	fd = vm;
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_ADD,
			      (__u64)(uintptr_t)&fd),
		     EINVAL);
	fd = dev;
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_ADD,
			      (__u64)(uintptr_t)&fd),
		     EINVAL);
}

static void t_group_bad_addr(const struct abi_test *t)
{
	int vm, dev = vfio_setup(&vm);

	(void)t;
	if (dev < 0)
		return;
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_ADD,
			      (__u64)(uintptr_t)g_bad_ptr),
		     EFAULT);
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_ADD,
			      0),
		     EFAULT);
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_DEL,
			      (__u64)(uintptr_t)g_bad_ptr),
		     EFAULT);
}

static void t_group_del(const struct abi_test *t)
{
	int vm, dev = vfio_setup(&vm), p[2];
	__s32 fd;

	(void)t;
	if (dev < 0 || !expect_errno(pipe(p), 0))
		return;
	track_fd(p[0]);
	track_fd(p[1]);
	fd = p[1];
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_DEL,
			      (__u64)(uintptr_t)&fd),
		     ENOENT);
	fd = closed_fd();
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP, KVM_DEV_VFIO_GROUP_DEL,
			      (__u64)(uintptr_t)&fd),
		     EBADF);
}

static void t_set_attr_unknown(const struct abi_test *t)
{
	int vm, dev = vfio_setup(&vm);
	__s32 fd = 0;

	(void)t;
	if (dev < 0)
		return;
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, 0, KVM_DEV_VFIO_GROUP_ADD,
			      (__u64)(uintptr_t)&fd),
		     ENXIO);
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, 2, KVM_DEV_VFIO_GROUP_ADD,
			      (__u64)(uintptr_t)&fd),
		     ENXIO);
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP, 99,
			      (__u64)(uintptr_t)&fd),
		     ENXIO);
	/* unknown group or attribute: the address is not read */
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP, 0,
			      (__u64)(uintptr_t)g_bad_ptr),
		     ENXIO);
}

/* struct kvm_vfio_spapr_tce { __s32 groupfd; __s32 tablefd; } */
static void t_spapr_tce(const struct abi_test *t)
{
	int vm, dev = vfio_setup(&vm), p[2];
	__s32 param[2] = { -1, -1 };

	(void)t;
	if (dev < 0 || !expect_errno(pipe(p), 0))
		return;
	track_fd(p[0]);
	track_fd(p[1]);
	if (!P->spapr_tce) {
		desc_append(": -ENXIO without CONFIG_SPAPR_TCE_IOMMU");
		expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
				      KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, (__u64)(uintptr_t)param),
			     ENXIO);
		expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
				      KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE,
				      (__u64)(uintptr_t)g_bad_ptr),
			     ENXIO);
		return;
	}
	desc_append(": EFAULT, EBADF, ENOENT");
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
			      KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, (__u64)(uintptr_t)g_bad_ptr),
		     EFAULT);
	param[0] = closed_fd();
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
			      KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, (__u64)(uintptr_t)param),
		     EBADF);
	param[0] = p[0];
	expect_errno(dev_attr(dev, KVM_SET_DEVICE_ATTR, KVM_DEV_VFIO_GROUP,
			      KVM_DEV_VFIO_GROUP_SET_SPAPR_TCE, (__u64)(uintptr_t)param),
		     ENOENT);
}

static void t_dev_unknown_ioctl(const struct abi_test *t)
{
	int vm, dev = vfio_setup(&vm);
	__u64 buf = 0;

	(void)t;
	if (dev < 0)
		return;
	expect_errno(ioctl(dev, _IO(KVMIO, 0xfe), 0), ENOTTY);
	expect_errno(ioctl(dev, KVM_RUN, 0), ENOTTY);
	expect_errno(ioctl(dev, KVM_CREATE_VCPU, 0), ENOTTY);
	expect_errno(ioctl(dev, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY), ENOTTY);
	expect_errno(ioctl(dev, TCGETS, &buf), ENOTTY);
}

static const struct abi_test device_tests[] = {
	{ "KVM_CREATE_DEVICE_TEST (VFIO) returns 0, installs no fd, creates no device",
	  REF_CREATE, t_test_flag, 0, 0, 0, 0 },
	{ "KVM_CREATE_DEVICE_TEST copies the struct back (read-only struct -EFAULT)", REF_CREATE,
	  t_test_flag_copyback, 0, 0, 0, 0 },
	{ "unknown device types -ENODEV, with and without TEST", REF_CREATE, t_unknown_type, 0, 0,
	  0, 0 },
	{ "other architectures' device types -ENODEV, with and without TEST", REF_CREATE,
	  t_foreign_types, 0, 0, 0, 0 },
	{ "irqchip device type: CREATE_DEVICE_TEST 0 or -ENODEV, as a real create", REF_CREATE,
	  t_irqchip_type, 0, 0, 0, 0 },
	{ "bad struct pointer -EFAULT", REF_CREATE, t_create_bad_ptr, 0, 0, 0, 0 },
	{ "a second VFIO device in one VM -EBUSY", REF_VFIO, t_vfio_busy, 0, 0, 0, 0 },
	{ "closing the VFIO device fd frees it: creating it again succeeds", REF_VFIO,
	  t_vfio_release, 0, 0, 0, 0 },
	{ "VFIO KVM_GET_DEVICE_ATTR -EPERM (no get_attr), even with a bad pointer", REF_ATTR,
	  t_get_attr, 0, 0, 0, 0 },
	{ "VFIO KVM_HAS_DEVICE_ATTR GROUP_ADD/DEL 0", REF_HAS, t_has_attr, 0, 0, 0, 0 },
	{ "VFIO KVM_HAS_DEVICE_ATTR unknown group or attr -ENXIO", REF_HAS, t_has_attr_unknown,
	  0, 0, 0, 0 },
	{ "device KVM_HAS/SET_DEVICE_ATTR with a bad struct pointer -EFAULT", REF_HAS,
	  t_attr_bad_ptr, 0, 0, 0, 0 },
	{ "VFIO GROUP_ADD of an fd that is not open -EBADF", REF_VFIO, t_group_add_badf, 0, 0, 0,
	  0 },
	{ "VFIO GROUP_ADD of an fd that is not a VFIO group -EINVAL", REF_VFIO,
	  t_group_add_not_group, 0, 0, 0, 0 },
	{ "VFIO GROUP_ADD/DEL with a bad addr -EFAULT", REF_VFIO, t_group_bad_addr, 0, 0, 0, 0 },
	{ "VFIO GROUP_DEL of a non-member -ENOENT, of a closed fd -EBADF", REF_VFIO, t_group_del,
	  0, 0, 0, 0 },
	{ "VFIO KVM_SET_DEVICE_ATTR unknown group or attr -ENXIO", REF_ATTR, t_set_attr_unknown,
	  0, 0, 0, 0 },
	{ "VFIO GROUP_SET_SPAPR_TCE", REF_VFIO, t_spapr_tce, 0, 0, 0, 0 },
	{ "unknown device fd ioctl -ENOTTY", REF_ATTR, t_dev_unknown_ioctl, 0, 0, 0, 0 },
};

TEST_GROUP(device);
