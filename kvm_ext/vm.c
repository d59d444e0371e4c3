// SPDX-License-Identifier: GPL-2.0
/*
 * VM, vCPU and device file descriptors. Every fd holds one VM reference
 * and a module reference (through its fops); the ioctls decode, copy and
 * call the core.
 */
#include <linux/anon_inodes.h>
#include <linux/compat.h>
#include <linux/file.h>
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/kvm_ext.h>
#include <kvm_ext/platform.h>

#include "kvm_ext.h"

/*
 * VM ioctls only from the creating mm, as KVM: the VM's memory map is
 * that process's address space.
 */
static bool kvm_ext_wrong_mm(struct kx_vm *vm)
{
	return kx_vm_owner(vm) != current->mm;
}

long kvm_ext_check_extension(enum kx_personality p, struct kx_vm *vm,
			     long cap)
{
	return kx_check_extension(p, vm, cap);
}

static enum kx_attr_op attr_op(unsigned int ioctl)
{
	switch (ioctl) {
	case KVM_SET_DEVICE_ATTR:
		return KX_ATTR_SET;
	case KVM_GET_DEVICE_ATTR:
		return KX_ATTR_GET;
	default:
		return KX_ATTR_HAS;
	}
}

/* Devices */

static int kvm_ext_device_release(struct inode *inode, struct file *filp)
{
	struct kx_device *dev = filp->private_data;
	struct kx_vm *vm = kx_device_vm(dev);

	kx_device_release(dev);
	kx_vm_put(vm);
	return 0;
}

static long kvm_ext_device_ioctl(struct file *filp, unsigned int ioctl,
				 unsigned long arg)
{
	struct kx_device *dev = filp->private_data;

	if (kvm_ext_wrong_mm(kx_device_vm(dev)))
		return -EIO;

	switch (ioctl) {
	case KVM_SET_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR:
		return kx_device_attr(dev, attr_op(ioctl), arg);
	default:
		return kx_device_ioctl(dev, ioctl, arg);
	}
}

/*
 * A fault the core answered (r, and the page it gave for 0): the page
 * mapped with a reference of the mapping's own, -ENOMEM as OOM, any other
 * error SIGBUS. The vCPU's, a TCE table's and a device's fds fault so.
 */
static vm_fault_t kvm_ext_core_page(struct vm_fault *vmf, int r, void *addr)
{
	struct page *page;

	if (r == -ENOMEM)
		return VM_FAULT_OOM;
	if (r)
		return VM_FAULT_SIGBUS;
	page = virt_to_page(addr);
	get_page(page);
	vmf->page = page;
	return 0;
}

/*
 * A mappable device's fd (XIVE's TIMA and ESB pages): the core checks the
 * range, then gives its pages one fault at a time. The mapping is a view:
 * VM_WRITE is dropped, since a store to a page cannot run the device's
 * code (the guest's stores come through KVM_EXT_GUEST_ACCESS). The fd's
 * inode is its own (anon_inode_getfd_secure()), so that the core can
 * unmap a range of this device's pages alone.
 */
static vm_fault_t kvm_ext_device_fault(struct vm_fault *vmf)
{
	void *addr;
	int r = kx_device_fault(vmf->vma->vm_file->private_data, vmf->pgoff,
				&addr);

	return kvm_ext_core_page(vmf, r, addr);
}

static const struct vm_operations_struct kvm_ext_device_vm_ops = {
	.fault = kvm_ext_device_fault,
};

static int kvm_ext_device_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct kx_device *dev = filp->private_data;
	int r = kx_device_mmap(dev, vma->vm_pgoff, vma_pages(vma));

	if (r)
		return r;
	kx_device_set_mapping(dev, filp->f_mapping);
	vma->vm_flags &= ~(VM_WRITE | VM_MAYWRITE);
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	vma->vm_ops = &kvm_ext_device_vm_ops;
	return 0;
}

static const struct file_operations kvm_ext_device_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kvm_ext_device_ioctl,
	.compat_ioctl = kvm_ext_device_ioctl,
	.mmap = kvm_ext_device_mmap,
	.release = kvm_ext_device_release,
	.llseek = noop_llseek,
};

void *kx_user_device_page(unsigned long uaddr, struct kx_device **dev,
			  unsigned long *pgoff)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct file *file = NULL;

	if (!mm)
		return NULL;
	mmap_read_lock(mm);
	vma = vma_lookup(mm, uaddr);
	if (vma && vma->vm_file && vma->vm_file->f_op == &kvm_ext_device_fops) {
		file = get_file(vma->vm_file);
		*dev = file->private_data;
		*pgoff = vma->vm_pgoff + ((uaddr - vma->vm_start) >> PAGE_SHIFT);
	}
	mmap_read_unlock(mm);
	return file;
}

struct kx_device *kx_file_device(void *file)
{
	struct file *f = file;

	return f->f_op == &kvm_ext_device_fops ? f->private_data : NULL;
}

static int kvm_ext_vm_create_device(struct kx_vm *vm, void __user *argp)
{
	struct kvm_create_device cd;
	struct kx_device *dev = NULL;
	int r, fd;

	if (copy_from_user(&cd, argp, sizeof(cd)))
		return -EFAULT;
	r = kx_vm_create_device(vm, cd.type, cd.flags & KVM_CREATE_DEVICE_TEST,
				&dev);
	if (r)
		return r;
	if (!dev) {
		/* KVM_CREATE_DEVICE_TEST: KVM still copies the struct back. */
		return copy_to_user(argp, &cd, sizeof(cd)) ? -EFAULT : 0;
	}

	kx_vm_get(vm);
	if (kx_device_mappable(dev))
		fd = anon_inode_getfd_secure(kx_device_name(dev),
					     &kvm_ext_device_fops, dev,
					     O_RDWR | O_CLOEXEC, NULL);
	else
		fd = anon_inode_getfd(kx_device_name(dev), &kvm_ext_device_fops,
				      dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		kx_device_abort(dev);
		kx_vm_put(vm);
		return fd;
	}
	cd.fd = fd;
	/* As KVM: the fd stays installed even if the copy back faults. */
	if (copy_to_user(argp, &cd, sizeof(cd)))
		return -EFAULT;
	return 0;
}

/*
 * Statistics fds (KVM_GET_STATS_FD): read-only anon files, pread-able as
 * KVM makes them, whose contents the core writes. Each holds the VM
 * reference its kx_*_stats_open() took (a vCPU's too: vCPUs live as long
 * as their VM). The position moves as on a regular file of the stats'
 * length (api.rst: "pread or lseek"; see differences.rst).
 */
static ssize_t kvm_ext_stats_read(struct file *filp, char __user *buf, size_t size,
				  loff_t *pos)
{
	return kx_stats_read(filp->private_data, (unsigned long)buf, size, pos);
}

static loff_t kvm_ext_stats_llseek(struct file *filp, loff_t offset, int whence)
{
	return generic_file_llseek_size(filp, offset, whence, MAX_LFS_FILESIZE,
					kx_stats_size(filp->private_data));
}

static int kvm_ext_stats_release(struct inode *inode, struct file *filp)
{
	kx_stats_release(filp->private_data);
	return 0;
}

static const struct file_operations kvm_ext_stats_fops = {
	.owner = THIS_MODULE,
	.read = kvm_ext_stats_read,
	.llseek = kvm_ext_stats_llseek,
	.release = kvm_ext_stats_release,
};

static int kvm_ext_stats_fd(struct kx_stats *stats, const char *name)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		goto fail;
	file = anon_inode_getfile(name, &kvm_ext_stats_fops, stats, O_RDONLY);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto fail;
	}
	file->f_mode |= FMODE_PREAD;
	fd_install(fd, file);
	return fd;
fail:
	kx_stats_release(stats);
	return fd;
}

static int kvm_ext_vm_get_stats_fd(struct kx_vm *vm)
{
	struct kx_stats *stats;
	int r = kx_vm_stats_open(vm, &stats);

	return r ? r : kvm_ext_stats_fd(stats, "kvm-vm-stats");
}

static int kvm_ext_vcpu_get_stats_fd(struct kx_vcpu *vcpu)
{
	struct kx_stats *stats;
	char name[32];
	int r = kx_vcpu_stats_open(vcpu, &stats);

	if (r)
		return r;
	snprintf(name, sizeof(name), "kvm-vcpu-stats:%u", kx_vcpu_id(vcpu));
	return kvm_ext_stats_fd(stats, name);
}

/*
 * sPAPR TCE table fds (ppc's KVM_CREATE_SPAPR_TCE(_64), 6.1's
 * kvm_spapr_tce_fops): mmap shows the table's pages, made on first touch
 * by the core; a page beyond the table is SIGBUS. The fd holds the VM
 * reference the core took; the release frees the table and drops it.
 */
static vm_fault_t kvm_ext_tce_fault(struct vm_fault *vmf)
{
	void *addr;
	int r = kx_tce_table_page(vmf->vma->vm_file->private_data, vmf->pgoff,
				  &addr);

	return kvm_ext_core_page(vmf, r, addr);
}

static const struct vm_operations_struct kvm_ext_tce_vm_ops = {
	.fault = kvm_ext_tce_fault,
};

static int kvm_ext_tce_mmap(struct file *filp, struct vm_area_struct *vma)
{
	vma->vm_ops = &kvm_ext_tce_vm_ops;
	return 0;
}

static int kvm_ext_tce_release(struct inode *inode, struct file *filp)
{
	kx_tce_table_release(filp->private_data);
	return 0;
}

static const struct file_operations kvm_ext_tce_fops = {
	.owner = THIS_MODULE,
	.mmap = kvm_ext_tce_mmap,
	.release = kvm_ext_tce_release,
};

int kx_tce_table_fd(struct kx_tce_table *table)
{
	return anon_inode_getfd("kvm-spapr-tce", &kvm_ext_tce_fops, table,
				O_RDWR | O_CLOEXEC);
}

struct kx_tce_table *kx_file_tce_table(void *file)
{
	struct file *f = file;

	return f->f_op == &kvm_ext_tce_fops ? f->private_data : NULL;
}

/* vCPUs */

static vm_fault_t kvm_ext_vcpu_fault(struct vm_fault *vmf)
{
	void *addr = kx_vcpu_page(vmf->vma->vm_file->private_data, vmf->pgoff);

	return kvm_ext_core_page(vmf, addr ? 0 : -EFAULT, addr);
}

static const struct vm_operations_struct kvm_ext_vcpu_vm_ops = {
	.fault = kvm_ext_vcpu_fault,
};

static int kvm_ext_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	vma->vm_ops = &kvm_ext_vcpu_vm_ops;
	return 0;
}

static int kvm_ext_vcpu_release(struct inode *inode, struct file *filp)
{
	struct kx_vcpu *vcpu = filp->private_data;

	kx_vm_put(kx_vcpu_vm(vcpu));
	return 0;
}

/*
 * Writes an exit into kvm_run; one the core did not set leaves it alone.
 * s390's struct kvm_run has psw_mask and psw_addr before the exit union
 * (KVM_EXT_S390_RUN_PSW_MASK), so there the union's fields are 16 bytes
 * further on than the host's struct kvm_run puts them.
 */
static void kvm_ext_write_exit(struct kx_vcpu *vcpu, const struct kx_exit *e)
{
	struct kvm_run *run = kx_vcpu_page(vcpu, 0);
	bool s390 = kx_vm_personality(kx_vcpu_vm(vcpu)) == KX_S390;
	struct kvm_run *u = (struct kvm_run *)((char *)run + (s390 ? 16 : 0));

	if (!e->set)
		return;
	run->exit_reason = e->reason;
	if (e->reason == KVM_EXIT_MMIO) {
		u->mmio.phys_addr = e->mmio_addr;
		u->mmio.len = e->mmio_len;
		u->mmio.is_write = e->mmio_is_write;
		memcpy(u->mmio.data, e->mmio_data, sizeof(u->mmio.data));
	} else if (e->reason == KVM_EXIT_SYSTEM_EVENT) {
		memset(&run->system_event, 0, sizeof(run->system_event));
		run->system_event.type = e->event_type;
		run->system_event.ndata = e->event_ndata;
		run->system_event.data[0] = e->event_data0;
	} else if (e->reason == KVM_EXIT_PAPR_HCALL) {
		memset(&run->papr_hcall, 0, sizeof(run->papr_hcall));
		run->papr_hcall.nr = e->hcall_nr;
		memcpy(run->papr_hcall.args, e->hcall_args,
		       sizeof(e->hcall_args));
	}
}

static long kvm_ext_vcpu_run(struct kx_vcpu *vcpu, unsigned long arg)
{
	struct kvm_run *run = kx_vcpu_page(vcpu, 0);
	struct kx_run r = { .immediate_exit = READ_ONCE(run->immediate_exit) };
	int ret;

	if (arg)
		return -EINVAL;
	ret = kx_vcpu_run(vcpu, &r);
	kvm_ext_write_exit(vcpu, &r.exit);
	return ret;
}

static long kvm_ext_vcpu_guest_access(struct kx_vcpu *vcpu, void __user *argp)
{
	struct kvm_ext_guest_access uacc;
	struct kx_guest_access acc;
	struct kx_exit exit = { .reason = KVM_EXIT_UNKNOWN };
	int i, r;

	if (copy_from_user(&uacc, argp, sizeof(uacc)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(uacc.reserved); i++)
		if (uacc.reserved[i])
			return -EINVAL;
	acc.kind = uacc.kind;
	acc.flags = uacc.flags;
	acc.addr = uacc.addr;
	acc.len = uacc.len;
	acc.data = uacc.data;
	memcpy(acc.args, uacc.args, sizeof(acc.args));
	acc.result = 0;
	r = kx_vcpu_guest_access(vcpu, &acc, &exit);
	if (r)
		return r;
	kvm_ext_write_exit(vcpu, &exit);
	uacc.data = acc.data;
	memcpy(uacc.args, acc.args, sizeof(uacc.args));
	uacc.result = acc.result;
	if (copy_to_user(argp, &uacc, sizeof(uacc)))
		return -EFAULT;
	return 0;
}

static long kvm_ext_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			       unsigned long arg)
{
	struct kx_vcpu *vcpu = filp->private_data;
	struct kx_vm *vm = kx_vcpu_vm(vcpu);

	if (kvm_ext_wrong_mm(vm))
		return -EIO;
	if (_IOC_TYPE(ioctl) != KVMIO)
		return -EINVAL;

	switch (ioctl) {
	case KVM_RUN:
		return kvm_ext_vcpu_run(vcpu, arg);
	case KVM_SET_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR:
		return kx_vcpu_attr(vcpu, attr_op(ioctl), arg);
	case KVM_EXT_GUEST_ACCESS:
		return kvm_ext_vcpu_guest_access(vcpu, (void __user *)arg);
	case KVM_GET_STATS_FD:
		return kvm_ext_vcpu_get_stats_fd(vcpu);
	default:
		return kx_vcpu_ioctl(vcpu, ioctl, arg);
	}
}

static const struct file_operations kvm_ext_vcpu_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kvm_ext_vcpu_ioctl,
	.compat_ioctl = kvm_ext_vcpu_ioctl,
	.mmap = kvm_ext_vcpu_mmap,
	.release = kvm_ext_vcpu_release,
	.llseek = noop_llseek,
};

static int kvm_ext_vm_create_vcpu(struct kx_vm *vm, unsigned long id)
{
	struct kx_vcpu *vcpu;
	char name[16];
	int r, fd;

	/* KVM takes the id as a u32: higher bits are dropped, not refused. */
	r = kx_vm_create_vcpu(vm, (u32)id, &vcpu);
	if (r)
		return r;

	kx_vm_get(vm);
	snprintf(name, sizeof(name), "kvm-vcpu:%u", (u32)id);
	fd = anon_inode_getfd(name, &kvm_ext_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		kx_vm_abort_vcpu(vm, vcpu);
		kx_vm_put(vm);
	}
	return fd;
}

/* VMs */

static int kvm_ext_vm_release(struct inode *inode, struct file *filp)
{
	kx_vm_put(filp->private_data);
	return 0;
}

static long kvm_ext_vm_set_memory_region(struct kx_vm *vm, void __user *argp)
{
	struct kvm_userspace_memory_region mem;
	struct kx_memory_region r;

	if (copy_from_user(&mem, argp, sizeof(mem)))
		return -EFAULT;
	r.slot = mem.slot;
	r.flags = mem.flags;
	r.guest_phys_addr = mem.guest_phys_addr;
	r.memory_size = mem.memory_size;
	r.userspace_addr = mem.userspace_addr;
	return kx_vm_set_memory_region(vm, &r);
}

static long kvm_ext_vm_enable_cap(struct kx_vm *vm, void __user *argp)
{
	struct kvm_enable_cap cap;

	if (copy_from_user(&cap, argp, sizeof(cap)))
		return -EFAULT;
	struct kx_enable_cap c = { .cap = cap.cap, .flags = cap.flags };

	memcpy(c.args, cap.args, sizeof(c.args));
	return kx_vm_enable_cap(vm, &c);
}

/*
 * The bitmap pointer of struct kvm_dirty_log shares a u64 with padding; a
 * 32-bit process sets only the low half (KVM reads it through
 * compat_kvm_dirty_log).
 */
static u64 kvm_ext_dirty_bitmap_ptr(u64 field)
{
	return in_compat_syscall() ? (u64)(u32)field : field;
}

static long kvm_ext_vm_get_dirty_log(struct kx_vm *vm, void __user *argp)
{
	struct kvm_dirty_log log;

	if (copy_from_user(&log, argp, sizeof(log)))
		return -EFAULT;
	return kx_vm_get_dirty_log(vm, log.slot, kvm_ext_dirty_bitmap_ptr(log.padding2));
}

static long kvm_ext_vm_ioctl(struct file *filp, unsigned int ioctl,
			     unsigned long arg)
{
	struct kx_vm *vm = filp->private_data;
	void __user *argp = (void __user *)arg;

	if (kvm_ext_wrong_mm(vm))
		return -EIO;

	switch (ioctl) {
	case KVM_CREATE_VCPU:
		return kvm_ext_vm_create_vcpu(vm, arg);
	case KVM_SET_USER_MEMORY_REGION:
		return kvm_ext_vm_set_memory_region(vm, argp);
	case KVM_CHECK_EXTENSION:
		return kvm_ext_check_extension(kx_vm_personality(vm), vm, arg);
	case KVM_CREATE_DEVICE:
		return kvm_ext_vm_create_device(vm, argp);
	case KVM_ENABLE_CAP:
		return kvm_ext_vm_enable_cap(vm, argp);
	case KVM_GET_DIRTY_LOG:
		return kvm_ext_vm_get_dirty_log(vm, argp);
	case KVM_GET_STATS_FD:
		return kvm_ext_vm_get_stats_fd(vm);
	case KVM_SET_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR:
		return kx_vm_attr(vm, attr_op(ioctl), arg);
	default:
		return kx_vm_ioctl(vm, ioctl, arg);
	}
}

static const struct file_operations kvm_ext_vm_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kvm_ext_vm_ioctl,
	.compat_ioctl = kvm_ext_vm_ioctl,
	.release = kvm_ext_vm_release,
	.llseek = noop_llseek,
};

long kvm_ext_dev_create_vm(enum kx_personality p, unsigned long type)
{
	struct kx_vm *vm;
	int r, fd;

	/* The VM pins its creator's mm_struct (not the address space). */
	mmgrab(current->mm);
	r = kx_vm_create(p, type, current->mm, &vm);
	if (r) {
		mmdrop(current->mm);
		return r;
	}
	fd = anon_inode_getfd("kvm-vm", &kvm_ext_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		kx_vm_put(vm);
	return fd;
}
