// SPDX-License-Identifier: GPL-2.0
/* State dumps under /sys/kernel/debug/kvm_ext/ (never printk). */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "kvm_ext.h"

static struct dentry *kvm_ext_debugfs;

static int allocations_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%ld\n", kvm_ext_live_allocations());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(allocations);

static int vms_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%u\n", kx_vm_count());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vms);

int kvm_ext_debugfs_init(void)
{
	kvm_ext_debugfs = debugfs_create_dir("kvm_ext", NULL);
	debugfs_create_file("allocations", 0444, kvm_ext_debugfs, NULL,
			    &allocations_fops);
	debugfs_create_file("vms", 0444, kvm_ext_debugfs, NULL, &vms_fops);
	return 0;
}

void kvm_ext_debugfs_exit(void)
{
	debugfs_remove_recursive(kvm_ext_debugfs);
}
