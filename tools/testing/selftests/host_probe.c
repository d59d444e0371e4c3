// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_host_probe: reads what the guest kernel's real KVM offers (the host
 * the selftests run on first) and prints it as kvm_ext's arm64 module
 * parameters, so that kvm_ext emulates the same host and the two runs of a
 * test compare like with like:
 *
 *   insmod kvm_ext.ko $(./kvm_host_probe /dev/kvm)
 *
 * Each parameter from the same source a VMM would read it from: the
 * KVM_CHECK_EXTENSION answers, a VGICv2 trial KVM_CREATE_DEVICE,
 * ID_AA64PFR0_EL1.EL0 and KVM_REG_ARM64_SVE_VLS of a vCPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#define ID_AA64PFR0_EL1 ARM64_SYS_REG(3, 0, 0, 4, 0)

static int kvm, vm;

static int cap(long c)
{
	int r = ioctl(vm, KVM_CHECK_EXTENSION, c);

	return r < 0 ? 0 : r;
}

/* A vCPU with FEATURES (a bit set of KVM_ARM_VCPU_*), initialised; -1 if not. */
static int vcpu_with(int vmfd, int id, uint32_t features)
{
	struct kvm_vcpu_init init;
	int fd = ioctl(vmfd, KVM_CREATE_VCPU, id);

	if (fd < 0)
		return -1;
	if (ioctl(vmfd, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		return -1;
	init.features[0] |= features;
	if (ioctl(fd, KVM_ARM_VCPU_INIT, &init) < 0)
		return -1;
	return fd;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/kvm";
	struct kvm_create_device dev = {
		.type = KVM_DEV_TYPE_ARM_VGIC_V2,
		.flags = KVM_CREATE_DEVICE_TEST,
	};
	uint64_t pfr0 = 0, vls[8] = { 0 };
	struct kvm_one_reg reg;
	int ipa, vcpu, sve, vm2;

	kvm = open(path, O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		fprintf(stderr, "kvm_host_probe: %s: %s\n", path, strerror(errno));
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		fprintf(stderr, "kvm_host_probe: KVM_CREATE_VM: %s\n", strerror(errno));
		return 1;
	}
	ipa = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);

	vcpu = vcpu_with(vm, 0, 0);
	reg.id = ID_AA64PFR0_EL1;
	reg.addr = (uintptr_t)&pfr0;
	if (vcpu < 0 || ioctl(vcpu, KVM_GET_ONE_REG, &reg) < 0) {
		fprintf(stderr, "kvm_host_probe: ID_AA64PFR0_EL1: %s\n", strerror(errno));
		return 1;
	}

	sve = cap(KVM_CAP_ARM_SVE);
	if (sve) {
		vm2 = ioctl(kvm, KVM_CREATE_VM, 0);
		vcpu = vm2 < 0 ? -1 : vcpu_with(vm2, 0, 1u << KVM_ARM_VCPU_SVE);
		reg.id = KVM_REG_ARM64_SVE_VLS;
		reg.addr = (uintptr_t)vls;
		if (vcpu < 0 || ioctl(vcpu, KVM_GET_ONE_REG, &reg) < 0) {
			fprintf(stderr, "kvm_host_probe: SVE_VLS: %s\n", strerror(errno));
			return 1;
		}
	}

	printf("arm64_sve=%d", !!sve);
	if (sve)
		printf(" arm64_sve_vqs=0x%llx", (unsigned long long)(vls[0] & 0xffff));
	printf(" arm64_ptrauth_address=%d arm64_ptrauth_generic=%d arm64_pmuv3=%d",
	       !!cap(KVM_CAP_ARM_PTRAUTH_ADDRESS), !!cap(KVM_CAP_ARM_PTRAUTH_GENERIC),
	       !!cap(KVM_CAP_ARM_PMU_V3));
	printf(" arm64_el1_32bit=%d arm64_el0_32bit=%d arm64_ras=%d",
	       !!cap(KVM_CAP_ARM_EL1_32BIT), (int)(pfr0 & 0xf) == 2,
	       !!cap(KVM_CAP_ARM_INJECT_SERROR_ESR));
	printf(" arm64_gicv2=%d", ioctl(vm, KVM_CREATE_DEVICE, &dev) == 0);
	if (ipa > 0)
		printf(" arm64_ipa_bits=%d", ipa);
	printf("\n");
	return 0;
}
