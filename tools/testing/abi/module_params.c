// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_ext's module parameters (the emulated arm64 host) as the arm64 tests
 * switch them: /sys/module/kvm_ext/parameters/, restored to the defaults of
 * kvm_ext/main.c around every test that writes one.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi_test.h"

#define PARAM_DIR "/sys/module/kvm_ext/parameters/"

/* A parameter was written since the last restore_params(). */
static bool params_written;

int param_write(const char *name, const char *val)
{
	char path[128];
	ssize_t n;
	int fd, err;

	params_written = true;
	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	err = errno;
	close(fd);
	errno = err;
	return n < 0 ? -1 : 0;
}

const char *param_read(const char *name)
{
	static char buf[64];
	char path[128];
	ssize_t n;
	int fd;

	buf[0] = 0;
	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

long param_num(const char *name)
{
	const char *s = param_read(name);

	return *s ? strtol(s, NULL, 0) : -1;
}

/*
 * Defaults (kvm_ext/main.c), or the run's base (--param); arm64_sve_vqs
 * first: valid whatever arm64_sve is.
 */
static struct {
	const char *name, *val, *shown;
} param_defaults[] = {
	{ "arm64_sve_vqs", "0xb", "11" },	  { "arm64_sve", "Y", "Y" },
	{ "arm64_ptrauth_address", "Y", "Y" }, { "arm64_ptrauth_generic", "Y", "Y" },
	{ "arm64_pmuv3", "Y", "Y" },		  { "arm64_el1_32bit", "N", "N" },
	{ "arm64_el0_32bit", "Y", "Y" },	  { "arm64_ipa_bits", "48", "48" },
	{ "arm64_ras", "Y", "Y" },
	{ "arm64_gicv2", "N", "N" },
	{ "ppc_host", "power8", "power8" },
};

int param_set_base(const char *name, const char *val)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(param_defaults); i++) {
		if (strcmp(param_defaults[i].name, name))
			continue;
		param_defaults[i].val = val;
		param_defaults[i].shown = val;
		return param_write(name, val);
	}
	errno = ENOENT;
	return -1;
}

void restore_params(void)
{
	size_t i;
	const char *s;

	for (i = 0; i < ARRAY_SIZE(param_defaults); i++) {
		if (param_write(param_defaults[i].name, param_defaults[i].val))
			fail("restoring %s=%s failed: %s", param_defaults[i].name,
			     param_defaults[i].val, errno_name(errno));
		s = param_read(param_defaults[i].name);
		if (strcmp(s, param_defaults[i].shown))
			fail("%s reads '%s' expected '%s'", param_defaults[i].name, s,
			     param_defaults[i].shown);
	}
	params_written = false;
}

void restore_written_params(void)
{
	if (params_written)
		restore_params();
}

bool need_gicv2(void)
{
	int vm, r, err;

	if (g_is_ext)
		return expect_errno(param_write("arm64_gicv2", "Y"), 0);
	vm = ioctl(g_sys, KVM_CREATE_VM, 0);
	if (vm < 0) {
		fail("KVM_CREATE_VM: %s", errno_name(errno));
		return false;
	}
	r = create_device(vm, KVM_DEV_TYPE_ARM_VGIC_V2, KVM_CREATE_DEVICE_TEST, NULL);
	err = errno;
	close(vm);
	if (r == 0)
		return true;
	if (err == ENODEV)
		skip_test("the host has no GICv2 compatibility");
	else
		fail("KVM_CREATE_DEVICE_TEST of a GICv2: %s", errno_name(err));
	return false;
}
