/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C ABI of the kvm_ext core: everything the kernel shim (and KUnit)
 * calls. Every int-returning function returns 0 (or a documented positive
 * value) or a negative errno, and changes nothing when it fails.
 *
 * Structures here are the core's own, not <linux/kvm.h>'s: the shim copies
 * the uapi structure in and out and the core never sees user pointers other
 * than as numbers passed to kx_copy_{from,to}_user().
 */
#ifndef KVM_EXT_CORE_H
#define KVM_EXT_CORE_H

#ifdef __cplusplus
extern "C" {
#endif

enum kx_personality {
	KX_ARM64 = 0,
	KX_PPC = 1,
	KX_S390 = 2,
	KX_NR_PERSONALITIES = 3,
};

struct kx_vm;
struct kx_vcpu;
struct kx_device;

/* Module life: the registry and global state. */
int kx_core_init(void);
void kx_core_exit(void);

/* Personalities */
const char *kx_personality_name(enum kx_personality p);
long kx_check_extension(enum kx_personality p, struct kx_vm *vm, long cap);
int kx_vcpu_mmap_pages(enum kx_personality p);
/* What an unknown ioctl on a VM (vcpu = 0) or vCPU fd returns there. */
int kx_unknown_ioctl_errno(enum kx_personality p, int vcpu);

/*
 * VMs: one reference per fd; the last kx_vm_put() destroys the VM. The
 * owner (the creating mm, for the shim) is kept opaque and handed to
 * kx_owner_put() when the VM dies.
 */
int kx_vm_create(enum kx_personality p, unsigned long type, void *owner,
		 struct kx_vm **out);
void *kx_vm_owner(struct kx_vm *vm);
void kx_vm_get(struct kx_vm *vm);
void kx_vm_put(struct kx_vm *vm);
enum kx_personality kx_vm_personality(struct kx_vm *vm);
unsigned int kx_vm_count(void);

struct kx_memory_region {
	unsigned int slot;
	unsigned int flags;
	unsigned long long guest_phys_addr;
	unsigned long long memory_size;
	unsigned long long userspace_addr;
};
int kx_vm_set_memory_region(struct kx_vm *vm, const struct kx_memory_region *r);

/* KVM_ENABLE_CAP on a VM fd: struct kvm_enable_cap without its padding. */
struct kx_enable_cap {
	unsigned int cap;
	unsigned int flags;
	unsigned long long args[4];
};
int kx_vm_enable_cap(struct kx_vm *vm, const struct kx_enable_cap *cap);
/* KVM_GET_DIRTY_LOG, KVM_CLEAR_DIRTY_LOG; bitmap is a user pointer. */
int kx_vm_get_dirty_log(struct kx_vm *vm, unsigned int slot, unsigned long long bitmap);
int kx_vm_clear_dirty_log(struct kx_vm *vm, unsigned int slot,
			  unsigned long long first_page, unsigned int num_pages,
			  unsigned long long bitmap);
/* Whether the personality has KVM_CLEAR_DIRTY_LOG at all. */
int kx_has_clear_dirty_log(enum kx_personality p);
/*
 * KVM_IRQ_LINE (the irq field in the architecture's encoding) and
 * KVM_SIGNAL_MSI (struct kvm_msi without its padding: >0 delivered, 0
 * blocked), decoded; both answer the unknown-ioctl errno where the
 * architecture lacks them. kx_vm_irq_line is safe from atomic context
 * once the VM's interrupt controller is initialised, except on ppc's
 * e500mc host, where it goes through the GSI routing table (process
 * context, as KVM_IRQ_LINE there).
 */
struct kx_msi {
	unsigned int address_lo;
	unsigned int address_hi;
	unsigned int data;
	unsigned int flags;
	unsigned int devid;
};
int kx_vm_irq_line(struct kx_vm *vm, unsigned int irq, unsigned int level);
int kx_vm_signal_msi(struct kx_vm *vm, const struct kx_msi *msi);

/*
 * Every other KVMIO ioctl on a VM or vCPU fd, with its raw user argument:
 * the generic ones the core decodes itself, then the architecture's own
 * (kvm_arch_vm_ioctl(), kvm_arch_vcpu_ioctl()), else the architecture's
 * unknown-ioctl errno. The core copies the argument in and out.
 */
long kx_vm_ioctl(struct kx_vm *vm, unsigned int cmd, unsigned long arg);
long kx_vcpu_ioctl(struct kx_vcpu *vcpu, unsigned int cmd, unsigned long arg);

struct kx_attr {
	unsigned int flags;
	unsigned int group;
	unsigned long long attr;
	unsigned long long addr; /* user pointer */
};

enum kx_attr_op { KX_ATTR_SET, KX_ATTR_GET, KX_ATTR_HAS };

/*
 * KVM_{SET,GET,HAS}_DEVICE_ATTR on a VM, vCPU or device fd. uattr is the
 * ioctl's user pointer to struct kvm_device_attr (same layout as kx_attr):
 * the core copies it in itself, after the checks KVM makes before copying.
 */
int kx_vm_attr(struct kx_vm *vm, enum kx_attr_op op, unsigned long long uattr);

/*
 * KVM_GET_STATS_FD (api.rst 4.133): what a stats fd reads, a VM's or a
 * vCPU's statistics. The shim makes the fd, read-only. Opening takes the
 * VM reference the fd holds (which also keeps the VM's vCPUs) and
 * kx_stats_release() drops it. A vCPU's open first waits for the vCPU's
 * mutex, as every vCPU ioctl of KVM does (a vCPU in KVM_RUN delays it):
 * -EINTR on a fatal signal, with nothing taken. kx_stats_read() is
 * kvm_stats_read(): up to size bytes of the file from *pos into the user
 * buffer ubuf, *pos advanced; the count (0 at or past the end) or -EFAULT.
 * kx_stats_size() is the file's length.
 */
struct kx_stats;
int kx_vm_stats_open(struct kx_vm *vm, struct kx_stats **out);
int kx_vcpu_stats_open(struct kx_vcpu *vcpu, struct kx_stats **out);
void kx_stats_release(struct kx_stats *stats);
long kx_stats_read(struct kx_stats *stats, unsigned long long ubuf, unsigned long long size,
		   long long *pos);
long long kx_stats_size(struct kx_stats *stats);

/*
 * sPAPR TCE tables (ppc's KVM_CREATE_SPAPR_TCE(_64)): the core asks the
 * shim for the table's fd (kx_tce_table_fd(), platform.h), which holds a
 * VM reference; kx_tce_table_release() (the fd's release) frees the table
 * and drops it. kx_tce_table_page() is the fd's fault handler: the kernel
 * address of page pgoff of the table, made on first touch; -EINVAL beyond
 * the table (SIGBUS), -ENOMEM (VM_FAULT_OOM).
 */
struct kx_tce_table;
int kx_tce_table_page(struct kx_tce_table *table, unsigned long pgoff, void **page);
void kx_tce_table_release(struct kx_tce_table *table);

/* vCPUs belong to their VM and die with it. */
int kx_vm_create_vcpu(struct kx_vm *vm, unsigned int id, struct kx_vcpu **out);
/* The fd could not be made: forget the vCPU as if never created. */
void kx_vm_abort_vcpu(struct kx_vm *vm, struct kx_vcpu *vcpu);
struct kx_vm *kx_vcpu_vm(struct kx_vcpu *vcpu);
unsigned int kx_vcpu_id(struct kx_vcpu *vcpu);
/* Kernel address of page `index` of the vCPU's mmap (0: kvm_run). */
void *kx_vcpu_page(struct kx_vcpu *vcpu, unsigned long index);
int kx_vcpu_attr(struct kx_vcpu *vcpu, enum kx_attr_op op, unsigned long long uattr);

/*
 * What the shim writes into struct kvm_run when an ioctl exits; with set
 * 0, kvm_run stays as it was (a KVM_RUN refused at entry, immediate_exit).
 */
struct kx_exit {
	unsigned char set;
	unsigned int reason; /* KVM_EXIT_* */
	unsigned int mmio_len;
	unsigned long long mmio_addr;
	unsigned char mmio_data[8];
	unsigned char mmio_is_write;
	/* KVM_EXIT_SYSTEM_EVENT: type, ndata, data[0] */
	unsigned int event_type;
	unsigned int event_ndata;
	unsigned long long event_data0;
	/* KVM_EXIT_PAPR_HCALL: nr, args[0..3] (r4-r7; the rest 0) */
	unsigned long long hcall_nr;
	unsigned long long hcall_args[4];
};

struct kx_run {
	unsigned char immediate_exit; /* in */
	struct kx_exit exit;          /* out */
};
int kx_vcpu_run(struct kx_vcpu *vcpu, struct kx_run *run);


/* The guest-access extension; fields as struct kvm_ext_guest_access. */
struct kx_guest_access {
	unsigned int kind;
	unsigned int flags;
	unsigned long long addr;
	unsigned int len;
	unsigned int result;
	unsigned long long data;
	unsigned long long args[3];
};
int kx_vcpu_guest_access(struct kx_vcpu *vcpu, struct kx_guest_access *acc,
			 struct kx_exit *exit);

/*
 * The emulated arm64 host (module parameters): what KVM_CHECK_EXTENSION
 * reports and vCPU configuration allows, snapshotted by each new VM.
 * sve_vqs: bit vq-1 for each vector length of vq x 128 bits (vq 1..16).
 */
struct kx_arm64_host {
	unsigned char sve;
	unsigned char ptrauth_address;
	unsigned char ptrauth_generic;
	unsigned char pmuv3;
	unsigned char el1_32bit;
	unsigned char el0_32bit;
	unsigned char ras; /* KVM_CAP_ARM_INJECT_SERROR_ESR */
	unsigned char gicv2;
	unsigned int sve_vqs;
	unsigned int ipa_bits;
};
int kx_arm64_set_host(const struct kx_arm64_host *h); /* -EINVAL if impossible */
void kx_arm64_get_host(struct kx_arm64_host *h);

/*
 * The emulated POWER host (module parameter ppc_host), snapshotted by each
 * new ppc VM: a Book3S host and which of Linux's implementations backs
 * KVM_DEV_TYPE_XICS, or a BookE e500mc with the in-kernel MPIC.
 */
enum kx_ppc_host_model {
	KX_PPC_HOST_POWER8 = 0, /* PowerNV POWER8, kvm-hv: the XICS emulation */
	KX_PPC_HOST_POWER9 = 1, /* PowerNV POWER9 with XIVE, kvm-hv */
	KX_PPC_HOST_E500MC = 2, /* Freescale e500mc (BookE HV) with the MPIC */
};
int kx_ppc_set_host(unsigned int model); /* -EINVAL for no such model */
unsigned int kx_ppc_get_host(void);

/* The emulated s390 machine's model name, with its version. */
const char *kx_s390_machine(void);

/* Devices */
struct kx_device_ops {
	const char *name;
	/* Called with the VM lock held; may refuse (one per VM, ...). */
	int (*create)(struct kx_device *dev, unsigned int type);
	void (*init)(struct kx_device *dev);
	/* At VM destruction, for devices without release. */
	void (*destroy)(struct kx_device *dev);
	/* When the device fd closes; the device then frees itself. */
	void (*release)(struct kx_device *dev);
	int (*set_attr)(struct kx_device *dev, const struct kx_attr *a);
	int (*get_attr)(struct kx_device *dev, const struct kx_attr *a);
	int (*has_attr)(struct kx_device *dev, const struct kx_attr *a);
	long (*ioctl)(struct kx_device *dev, unsigned int cmd, unsigned long arg);
	/*
	 * mmap() of the device fd (kvm_device_ops' mmap; NULL: -ENODEV):
	 * pgoff and npages in host pages, checked when the mapping is made
	 * (0, or the errno that refuses it). The mapping is a read-only view
	 * (the shim drops VM_WRITE: a process's store is SIGSEGV); its pages
	 * come one fault at a time: 0 with *page a page of the core's
	 * (kx_page_alloc()), mapped as it is, or an errno (SIGBUS; -ENOMEM
	 * is VM_FAULT_OOM). A page stays mapped until the core unmaps its
	 * range (kx_unmap_device_pages()), so that the next access faults.
	 */
	int (*mmap)(struct kx_device *dev, unsigned long pgoff, unsigned long npages);
	int (*fault)(struct kx_device *dev, unsigned long pgoff, void **page);
	/*
	 * A guest's access (KVM_EXT_GUEST_ACCESS on vcpu) to guest RAM the
	 * VMM backed with this device's pages (the memslot's addresses lie
	 * in a mapping of the fd, as QEMU maps XIVE's ESB and TIMA pages
	 * into the guest): the load or store as the device's hardware takes
	 * it, at byte offset of page pgoff. 0, or the access's errno.
	 */
	int (*page_access)(struct kx_device *dev, struct kx_vcpu *vcpu, unsigned long pgoff,
			   unsigned int offset, unsigned int len, int write,
			   unsigned long long *data);
};

#define KX_MAX_DEVICE_TYPES 16

int kx_register_device_ops(enum kx_personality p, unsigned int type,
			   const struct kx_device_ops *ops);
void kx_unregister_device_ops(enum kx_personality p, unsigned int type);

/*
 * KVM_CREATE_DEVICE. With KX_CREATE_DEVICE_TEST only the type is checked
 * and *out is NULL. On success the device is on the VM's list; the caller
 * makes its fd or calls kx_device_abort().
 */
#define KX_CREATE_DEVICE_TEST 1
int kx_vm_create_device(struct kx_vm *vm, unsigned int type, unsigned int flags,
			struct kx_device **out);
void kx_device_abort(struct kx_device *dev);
/* The device fd closed. */
void kx_device_release(struct kx_device *dev);
const char *kx_device_name(struct kx_device *dev);
struct kx_vm *kx_device_vm(struct kx_device *dev);
int kx_device_attr(struct kx_device *dev, enum kx_attr_op op, unsigned long long uattr);
long kx_device_ioctl(struct kx_device *dev, unsigned int cmd, unsigned long arg);
/* The device's mmap and faults; -ENODEV for a type that has none. */
int kx_device_mmap(struct kx_device *dev, unsigned long pgoff, unsigned long npages);
int kx_device_fault(struct kx_device *dev, unsigned long pgoff, void **page);
/*
 * Whether the device's fd can be mapped, and so needs an inode of its
 * own: the shim gives the core that inode's pages (its address_space)
 * with kx_device_set_mapping(), for kx_unmap_device_pages().
 */
int kx_device_mappable(struct kx_device *dev);
void kx_device_set_mapping(struct kx_device *dev, void *mapping);
void *kx_device_private(struct kx_device *dev);
void kx_device_set_private(struct kx_device *dev, void *priv);

/*
 * The device types personality p has built in, by index i from 0: the
 * shim registers each at module init. 0, or -ENOENT past the last.
 */
int kx_builtin_device(enum kx_personality p, unsigned int i, unsigned int *type,
		      const struct kx_device_ops **ops);

/* The built-in tables by name, for tests that register types themselves. */
extern const struct kx_device_ops kx_vfio_device_ops;
extern const struct kx_device_ops kx_mpic_device_ops;
extern const struct kx_device_ops kx_flic_device_ops;
extern const struct kx_device_ops kx_xics_device_ops;
extern const struct kx_device_ops kx_xive_native_device_ops;
extern const struct kx_device_ops kx_vgic_v2_device_ops;
extern const struct kx_device_ops kx_vgic_v3_device_ops;
extern const struct kx_device_ops kx_vgic_its_device_ops;

/*
 * ppc KVM_DEV_TYPE_XIVE: a source's ESB as the device fd's mapping (its
 * fault handler, not there yet) and the guest's MMIO will reach it.
 * kx_xive_esb_load: a load at `offset` of the source's management page
 * (asm/xive-regs.h's XIVE_ESB_LOAD_EOI, _GET, _SET_PQ_xy): the value.
 * kx_xive_esb_trigger: a store to its trigger page. -ENXIO for a source
 * that is not initialised, -EINVAL for a device of another type.
 */
int kx_xive_esb_load(struct kx_device *dev, unsigned int irq, unsigned int offset);
int kx_xive_esb_trigger(struct kx_device *dev, unsigned int irq);

#ifdef __cplusplus
}
#endif

#endif /* KVM_EXT_CORE_H */
