// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_log.so: an LD_PRELOAD shim for the qemu-client diagnostics. It
 * prints every KVM_SET_ONE_REG, KVM_GET_ONE_REG and KVM_{SET,GET}_DEVICE_ATTR
 * that fails, with the register id or the group and attribute, the value
 * and errno, and every GIC/ITS control call (KVM_DEV_ARM_VGIC_GRP_CTRL), to
 * stderr ("ioctl_log: ..."): strace shows only the pointer.
 * Loaded through ld-linux-aarch64.so.1 --preload (guest-qemu-client.sh).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	va_list ap;
	void *arg;
	int ret, err;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	ret = real(fd, req, arg);
	err = errno;
	/* KVM_DEV_ARM_VGIC_GRP_CTRL: INIT, the ITS's SAVE/RESTORE_TABLES and
	 * RESET, the GIC's SAVE_PENDING_TABLES, whatever their result */
	if (req == KVM_SET_DEVICE_ATTR && ((const struct kvm_device_attr *)arg)->group == 4)
		fprintf(stderr, "ioctl_log: KVM_SET_DEVICE_ATTR fd %d group 4 (CTRL) attr %llu: %d\n", fd,
			(unsigned long long)((const struct kvm_device_attr *)arg)->attr,
			ret < 0 ? -err : ret);
	if (ret >= 0)
		return ret;
	if (req == KVM_SET_ONE_REG || req == KVM_GET_ONE_REG) {
		const struct kvm_one_reg *r = arg;
		unsigned long long v = 0;

		if ((r->id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U64)
			memcpy(&v, (void *)(unsigned long)r->addr, 8);
		else if ((r->id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32)
			memcpy(&v, (void *)(unsigned long)r->addr, 4);
		fprintf(stderr, "ioctl_log: %s id 0x%llx value 0x%llx: %s\n",
			req == KVM_SET_ONE_REG ? "KVM_SET_ONE_REG" : "KVM_GET_ONE_REG",
			(unsigned long long)r->id, v, strerror(err));
	} else if (req == KVM_SET_DEVICE_ATTR || req == KVM_GET_DEVICE_ATTR) {
		const struct kvm_device_attr *a = arg;
		unsigned long long v = 0;

		/* KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS and _ITS_REGS are 64-bit */
		memcpy(&v, (void *)(unsigned long)a->addr, a->group == 6 || a->group == 8 ? 8 : 4);
		fprintf(stderr, "ioctl_log: %s group %u attr 0x%llx value 0x%llx: %s\n",
			req == KVM_SET_DEVICE_ATTR ? "KVM_SET_DEVICE_ATTR" : "KVM_GET_DEVICE_ATTR",
			a->group, (unsigned long long)a->attr, v, strerror(err));
	}
	errno = err;
	return ret;
}
