/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kvm_ext

#if !defined(_KVM_EXT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KVM_EXT_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(kvm_ext_guest_access,
	TP_PROTO(unsigned int vcpu_id, unsigned int kind,
		 unsigned long long addr, unsigned int len, int is_write,
		 int handled_by),
	TP_ARGS(vcpu_id, kind, addr, len, is_write, handled_by),

	TP_STRUCT__entry(
		__field(unsigned int, vcpu_id)
		__field(unsigned int, kind)
		__field(unsigned long long, addr)
		__field(unsigned int, len)
		__field(int, is_write)
		__field(int, handled_by)
	),

	TP_fast_assign(
		__entry->vcpu_id = vcpu_id;
		__entry->kind = kind;
		__entry->addr = addr;
		__entry->len = len;
		__entry->is_write = is_write;
		__entry->handled_by = handled_by;
	),

	TP_printk("vcpu %u kind %u %s addr 0x%llx len %u -> %d",
		  __entry->vcpu_id, __entry->kind,
		  __entry->is_write ? "write" : "read", __entry->addr,
		  __entry->len, __entry->handled_by)
);

TRACE_EVENT(kvm_ext_irq_line,
	TP_PROTO(unsigned int irq, unsigned int level, int ret),
	TP_ARGS(irq, level, ret),

	TP_STRUCT__entry(
		__field(unsigned int, irq)
		__field(unsigned int, level)
		__field(int, ret)
	),

	TP_fast_assign(
		__entry->irq = irq;
		__entry->level = level;
		__entry->ret = ret;
	),

	TP_printk("type %u vcpu %u num %u level %u -> %d",
		  (__entry->irq >> 24) & 0xf,
		  ((__entry->irq >> 16) & 0xff) | ((__entry->irq >> 28) << 8),
		  __entry->irq & 0xffff, __entry->level, __entry->ret)
);

TRACE_EVENT(kvm_ext_signal_msi,
	TP_PROTO(unsigned int devid, unsigned int data, int ret),
	TP_ARGS(devid, data, ret),

	TP_STRUCT__entry(
		__field(unsigned int, devid)
		__field(unsigned int, data)
		__field(int, ret)
	),

	TP_fast_assign(
		__entry->devid = devid;
		__entry->data = data;
		__entry->ret = ret;
	),

	TP_printk("devid %u data %u -> %d",
		  __entry->devid, __entry->data, __entry->ret)
);

#endif /* _KVM_EXT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
