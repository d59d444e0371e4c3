// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext: KVM's device-control ABI for guest architectures the host may
 * not have. Module init, the per-personality misc devices and the system
 * fd ioctls (KVM_GET_API_VERSION, KVM_CHECK_EXTENSION,
 * KVM_GET_VCPU_MMAP_SIZE, KVM_CREATE_VM).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kvm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include <kvm_ext/abi.h>
#include "kvm_ext.h"

/*
 * The emulated arm64 host, as module parameters (writable: tests switch
 * them to cover "the host lacks it"). Each new VM snapshots them. A write
 * the core refuses (an impossible host) fails and changes nothing.
 */
static struct kx_arm64_host arm64_host = {
	.sve = 1,
	.sve_vqs = 0xb, /* 128, 256 and 512 bits */
	.ptrauth_address = 1,
	.ptrauth_generic = 1,
	.pmuv3 = 1,
	.el1_32bit = 0,
	.el0_32bit = 1,
	.ras = 1,
	.gicv2 = 0,
	.ipa_bits = 48,
};
static bool kvm_ext_core_ready;

static int arm64_host_apply(const struct kx_arm64_host *next)
{
	int r = kvm_ext_core_ready ? kx_arm64_set_host(next) : 0;

	if (!r)
		arm64_host = *next;
	return r;
}

static int arm64_host_set_bool(const char *val, const struct kernel_param *kp)
{
	struct kx_arm64_host next = arm64_host;
	size_t off = (unsigned char *)kp->arg - (unsigned char *)&arm64_host;
	bool v;

	if (kstrtobool(val, &v))
		return -EINVAL;
	*((unsigned char *)&next + off) = v;
	return arm64_host_apply(&next);
}

static int arm64_host_get_bool(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n", *(unsigned char *)kp->arg ? 'Y' : 'N');
}

static int arm64_host_set_uint(const char *val, const struct kernel_param *kp)
{
	struct kx_arm64_host next = arm64_host;
	size_t off = (unsigned char *)kp->arg - (unsigned char *)&arm64_host;
	unsigned int v;

	if (kstrtouint(val, 0, &v))
		return -EINVAL;
	*(unsigned int *)((unsigned char *)&next + off) = v;
	return arm64_host_apply(&next);
}

static const struct kernel_param_ops arm64_host_bool_ops = {
	.set = arm64_host_set_bool,
	.get = arm64_host_get_bool,
};

static const struct kernel_param_ops arm64_host_uint_ops = {
	.set = arm64_host_set_uint,
	.get = param_get_uint,
};

module_param_cb(arm64_sve, &arm64_host_bool_ops, &arm64_host.sve, 0644);
MODULE_PARM_DESC(arm64_sve, "emulated arm64 host has SVE (default Y)");
module_param_cb(arm64_sve_vqs, &arm64_host_uint_ops, &arm64_host.sve_vqs, 0644);
MODULE_PARM_DESC(arm64_sve_vqs,
		 "SVE vector lengths: bit n for (n+1) x 128 bits, up to 2048 (default 0xb: 128, 256, 512)");
module_param_cb(arm64_ptrauth_address, &arm64_host_bool_ops, &arm64_host.ptrauth_address, 0644);
MODULE_PARM_DESC(arm64_ptrauth_address, "emulated host has address pointer auth (default Y)");
module_param_cb(arm64_ptrauth_generic, &arm64_host_bool_ops, &arm64_host.ptrauth_generic, 0644);
MODULE_PARM_DESC(arm64_ptrauth_generic, "emulated host has generic pointer auth (default Y)");
module_param_cb(arm64_pmuv3, &arm64_host_bool_ops, &arm64_host.pmuv3, 0644);
MODULE_PARM_DESC(arm64_pmuv3, "emulated host has PMUv3 (default Y)");
module_param_cb(arm64_el1_32bit, &arm64_host_bool_ops, &arm64_host.el1_32bit, 0644);
MODULE_PARM_DESC(arm64_el1_32bit, "emulated host runs AArch32 at EL1 (default N)");
module_param_cb(arm64_el0_32bit, &arm64_host_bool_ops, &arm64_host.el0_32bit, 0644);
MODULE_PARM_DESC(arm64_el0_32bit, "emulated host runs AArch32 at EL0 (default Y)");
module_param_cb(arm64_ras, &arm64_host_bool_ops, &arm64_host.ras, 0644);
MODULE_PARM_DESC(arm64_ras, "emulated host has the RAS extension: SError syndromes (default Y)");
module_param_cb(arm64_gicv2, &arm64_host_bool_ops, &arm64_host.gicv2, 0644);
MODULE_PARM_DESC(arm64_gicv2, "emulated host GIC has GICv2 compatibility (default N)");
module_param_cb(arm64_ipa_bits, &arm64_host_uint_ops, &arm64_host.ipa_bits, 0644);
MODULE_PARM_DESC(arm64_ipa_bits, "emulated host IPA limit in bits, 32-52 (default 48)");

/*
 * The emulated POWER host (module parameter ppc_host: power8, power9 or
 * e500mc),
 * snapshotted by each new ppc VM like the arm64 host.
 */
static unsigned int ppc_host = KX_PPC_HOST_POWER8;
static const char *const ppc_host_names[] = {
	[KX_PPC_HOST_POWER8] = "power8",
	[KX_PPC_HOST_POWER9] = "power9",
	[KX_PPC_HOST_E500MC] = "e500mc",
};

static int ppc_host_set(const char *val, const struct kernel_param *kp)
{
	int m = sysfs_match_string(ppc_host_names, val);
	int r;

	if (m < 0)
		return -EINVAL;
	r = kvm_ext_core_ready ? kx_ppc_set_host(m) : 0;
	if (!r)
		ppc_host = m;
	return r;
}

static int ppc_host_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", ppc_host_names[ppc_host]);
}

static const struct kernel_param_ops ppc_host_ops = {
	.set = ppc_host_set,
	.get = ppc_host_get,
};

module_param_cb(ppc_host, &ppc_host_ops, NULL, 0644);
MODULE_PARM_DESC(ppc_host,
		 "emulated POWER host: power8 (XICS; default), power9 (XIVE) or e500mc (MPIC)");

/*
 * The emulated s390 machine (module parameter s390_machine, read-only in
 * effect): one model, named with its version (arch/s390/machine.cpp).
 * Setting it to that name, or to "z15", is accepted and changes nothing.
 */
static int s390_machine_set(const char *val, const struct kernel_param *kp)
{
	return sysfs_streq(val, "z15") || sysfs_streq(val, kx_s390_machine()) ? 0 : -EINVAL;
}

static int s390_machine_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", kx_s390_machine());
}

static const struct kernel_param_ops s390_machine_ops = {
	.set = s390_machine_set,
	.get = s390_machine_get,
};

module_param_cb(s390_machine, &s390_machine_ops, NULL, 0444);
MODULE_PARM_DESC(s390_machine, "emulated s390 machine: z15 (model z15-8561.1, the only one)");

struct kvm_ext_node {
	enum kx_personality personality;
	struct miscdevice misc;
};

static struct kvm_ext_node *node_of(struct file *filp)
{
	/* misc_open() leaves the miscdevice in private_data. */
	struct miscdevice *misc = filp->private_data;

	return container_of(misc, struct kvm_ext_node, misc);
}

static long kvm_ext_dev_ioctl(struct file *filp, unsigned int ioctl,
			      unsigned long arg)
{
	enum kx_personality p = node_of(filp)->personality;

	switch (ioctl) {
	case KVM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return KVM_API_VERSION;
	case KVM_CREATE_VM:
		return kvm_ext_dev_create_vm(p, arg);
	case KVM_CHECK_EXTENSION:
		return kvm_ext_check_extension(p, NULL, arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		if (arg)
			return -EINVAL;
		return kx_vcpu_mmap_pages(p) * PAGE_SIZE;
	case KVM_TRACE_ENABLE:
	case KVM_TRACE_PAUSE:
	case KVM_TRACE_DISABLE:
		/* Long removed from KVM, still answered this way. */
		return -EOPNOTSUPP;
	default:
		/* kvm_arch_dev_ioctl() of each architecture */
		return -EINVAL;
	}
}

static const struct file_operations kvm_ext_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kvm_ext_dev_ioctl,
	.compat_ioctl = kvm_ext_dev_ioctl,
	.llseek = noop_llseek,
};

#define KVM_EXT_NODE(pers, nm) {					\
	.personality = pers,						\
	.misc = {							\
		.minor = MISC_DYNAMIC_MINOR,				\
		.name = "kvm_ext_" nm,					\
		.nodename = "kvm_ext/" nm,				\
		.mode = 0660,						\
		.fops = &kvm_ext_dev_fops,				\
	},								\
}

static struct kvm_ext_node kvm_ext_nodes[] = {
	KVM_EXT_NODE(KX_ARM64, "arm64"),
	KVM_EXT_NODE(KX_PPC, "ppc"),
	KVM_EXT_NODE(KX_S390, "s390"),
};

/*
 * Each personality's built-in device types, as each architecture's
 * kvm_init path registers them; the core lists them.
 */
static void kvm_ext_unregister_devices(void)
{
	const struct kx_device_ops *ops;
	unsigned int i, type;
	int p;

	for (p = 0; p < KX_NR_PERSONALITIES; p++)
		for (i = 0; !kx_builtin_device(p, i, &type, &ops); i++)
			kx_unregister_device_ops(p, type);
}

static int kvm_ext_register_devices(void)
{
	const struct kx_device_ops *ops;
	unsigned int i, type;
	int p, r;

	for (p = 0; p < KX_NR_PERSONALITIES; p++) {
		for (i = 0; !kx_builtin_device(p, i, &type, &ops); i++) {
			r = kx_register_device_ops(p, type, ops);
			if (r) {
				kvm_ext_unregister_devices();
				return r;
			}
		}
	}
	return 0;
}

static int __init kvm_ext_init(void)
{
	int i, r;

	r = kvm_ext_platform_init();
	if (r)
		return r;
	r = kx_core_init();
	if (r)
		goto err_platform;
	r = kx_arm64_set_host(&arm64_host);
	if (!r)
		r = kx_ppc_set_host(ppc_host);
	if (r)
		goto err_core;
	kvm_ext_core_ready = true;
	r = kvm_ext_register_devices();
	if (r)
		goto err_core;
	r = kvm_ext_debugfs_init();
	if (r)
		goto err_devices;
	for (i = 0; i < ARRAY_SIZE(kvm_ext_nodes); i++) {
		r = misc_register(&kvm_ext_nodes[i].misc);
		if (r)
			goto err_misc;
	}
	return 0;

err_misc:
	while (--i >= 0)
		misc_deregister(&kvm_ext_nodes[i].misc);
	kvm_ext_debugfs_exit();
err_devices:
	kvm_ext_unregister_devices();
err_core:
	kx_core_exit();
err_platform:
	kvm_ext_platform_exit();
	return r;
}

static void __exit kvm_ext_exit(void)
{
	int i;

	for (i = ARRAY_SIZE(kvm_ext_nodes) - 1; i >= 0; i--)
		misc_deregister(&kvm_ext_nodes[i].misc);
	kvm_ext_debugfs_exit();
	kvm_ext_unregister_devices();
	kvm_ext_core_ready = false;
	kx_core_exit();
	/* Every fd holds a module reference, so nothing can be live here. */
	WARN(kx_vm_count() || kvm_ext_live_allocations(),
	     "kvm_ext: %u VMs, %ld allocations left at unload\n",
	     kx_vm_count(), kvm_ext_live_allocations());
	kvm_ext_platform_exit();
}

module_init(kvm_ext_init);
module_exit(kvm_ext_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KVM device-control ABI for arm64, POWER and s390 guests on any host");
MODULE_VERSION("0.1");
