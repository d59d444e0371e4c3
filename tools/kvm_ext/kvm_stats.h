/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small reader of KVM's binary statistics (api.rst 4.133): what a VMM
 * does with the fd KVM_GET_STATS_FD returns on a VM or a vCPU.
 */
#ifndef KVM_EXT_TOOLS_KVM_STATS_H
#define KVM_EXT_TOOLS_KVM_STATS_H

#include <stdio.h>

/*
 * Prints the fd's id and every statistic as "prefix name=value" lines (a
 * histogram's buckets separated by spaces, up to the last nonzero one).
 * 0, or -1 with errno set.
 */
int kvm_stats_print(int stats_fd, const char *prefix, FILE *out);

/* The first value of the named statistic, or -1 (errno ENOENT if none). */
long long kvm_stats_value(int stats_fd, const char *name);

#endif
