// SPDX-License-Identifier: GPL-2.0
// The emulated s390 machine: what 6.1's kvm_s390_init() and
// kvm_s390_cpu_feat_init() would find on the host, as one described,
// versioned model (Documentation/userspace-api.rst lists it). It is an
// IBM z15 (machine type 8561) LPAR with the extended SCA, CMMA, a GISA
// and AP instructions, and without the enhanced-sort and
// deflate-conversion facilities (150, 151): the document's struct
// kvm_s390_vm_cpu_subfunc has no field for their query blocks. KVM's own
// module parameters are at their defaults (nested off, hpage off).
#include "arch/s390/s390.h"

namespace kvm {
namespace s390 {
namespace model {

// The byte offset of each query block in struct kvm_s390_vm_cpu_subfunc.
constexpr u32 kPlo = 0, kPtff = 32, kKmac = 48, kKmc = 64, kKm = 80, kKimd = 96, kKlmd = 112,
              kPckmo = 128, kKmctr = 144, kKmf = 160, kKmo = 176, kPcc = 192, kPpno = 208,
              kKma = 224, kKdsa = 240;

template <usize N>
constexpr FacilityList facilities(const u32 (&nrs)[N]) {
  FacilityList f = {};
  for (u32 nr : nrs) f.set(nr);
  return f;
}

// A query block: the function codes the instruction offers, MSB 0 bit
// numbering from the block's first byte.
template <usize N>
constexpr void block(u8* subfuncs, u32 offset, const u32 (&codes)[N]) {
  for (u32 c : codes) subfuncs[offset + c / 8] |= static_cast<u8>(0x80 >> (c % 8));
}

// STFLE of the model (facility numbers).
constexpr u32 kStfle[] = {
    0,   1,   2,   3,   4,   5,   6,   7,   8,   9,   10,  11,  12,  13,  14,  15,  16,  17,  18,
    19,  20,  21,  22,  23,  24,  25,  26,  27,  28,  30,  31,  32,  33,  34,  35,  36,  37,  38,
    40,  41,  42,  43,  44,  45,  47,  48,  49,  50,  51,  52,  53,  54,  57,  58,  59,  60,  61,
    64,  67,  68,  69,  70,  71,  72,  73,  74,  75,  76,  77,  78,  80,  81,  82,  129, 130, 131,
    133, 134, 135, 138, 139, 140, 141, 142, 144, 145, 146, 147, 148, 149, 152, 155, 156,
};
// FACILITIES_KVM and FACILITIES_KVM_CPUMODEL (arch/s390/tools/gen_facilities.c).
constexpr u32 kFacilitiesKvm[] = {0,  1,  2,  3,  4,  5,   6,   7,   8,   9,   10,  13, 14,
                                  73, 75, 76, 77, 78, 130, 131, 139, 146, 150, 151, 155};
constexpr u32 kFacilitiesKvmCpuModel[] = {12, 15, 156, 165, 193, 194, 196, 197};

// Query results of the model's CPACF, PLO and PTFF instructions.
constexpr u32 kPloCodes[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                             12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23};
constexpr u32 kPtffCodes[] = {0, 1, 2, 3, 64, 65};
constexpr u32 kAesDeaCodes[] = {0, 1, 2, 3, 9, 10, 11, 18, 19, 20, 26, 27, 28};
constexpr u32 kKmCodes[] = {0, 1, 2, 3, 9, 10, 11, 18, 19, 20, 26, 27, 28, 50, 52, 58, 60};
constexpr u32 kKimdCodes[] = {0, 1, 2, 3, 32, 33, 34, 35, 36, 37, 65};
constexpr u32 kKlmdCodes[] = {0, 1, 2, 3, 32, 33, 34, 35, 36, 37};
constexpr u32 kPccCodes[] = {0,  1,  2,  3,  9,  10, 11, 18, 19, 20, 26, 27,
                             28, 50, 52, 58, 60, 64, 65, 72, 73, 80, 81};
constexpr u32 kPpnoCodes[] = {0, 3, 112, 114};
constexpr u32 kKmaCodes[] = {0, 18, 19, 20, 26, 27, 28};
// MSA9: ECDSA verify and sign (P256/384/521, plain and encrypted key)
// and EdDSA (Ed25519, Ed448).
constexpr u32 kKdsaCodes[] = {0, 1, 2, 3, 9, 10, 11, 17, 18, 19, 32, 36, 40, 44, 48, 52};

constexpr Machine make_z15() {
  Machine m = {};
  m.name = "z15-8561.1";
  // version 0, CPU identification 0x0d2d28, machine type 8561, format 1
  m.cpuid = 0x000d2d2885618000ull;
  // lowest IBC 0x071 (z196 GA1), unblocked 0x0b1 (z15 GA1)
  m.ibc = 0x071u << 16 | 0x0b1u;
  m.stfle = facilities(kStfle);
  m.kvm_base = facilities(kFacilitiesKvm);
  m.kvm_ext = facilities(kFacilitiesKvmCpuModel);
  // kvm_s390_init(): the facilities the hypervisor does not manage pass
  // through (sclp.hmfai 0: the low 48 bits of each word).
  for (u32 i = 0; i < kFacWords; i++) m.kvm_base.w[i] |= m.stfle.w[i] & 0x0000ffffffffffffull;
  // kvm_s390_cpu_feat_init() with nested off: ESOP alone.
  m.cpu_feat[0] = 1ull << 63;
  block(m.subfuncs, kPlo, kPloCodes);
  block(m.subfuncs, kPtff, kPtffCodes);
  block(m.subfuncs, kKmac, kAesDeaCodes);
  block(m.subfuncs, kKmc, kAesDeaCodes);
  block(m.subfuncs, kKm, kKmCodes);
  block(m.subfuncs, kKimd, kKimdCodes);
  block(m.subfuncs, kKlmd, kKlmdCodes);
  block(m.subfuncs, kPckmo, kAesDeaCodes);
  block(m.subfuncs, kKmctr, kAesDeaCodes);
  block(m.subfuncs, kKmf, kAesDeaCodes);
  block(m.subfuncs, kKmo, kAesDeaCodes);
  block(m.subfuncs, kPcc, kPccCodes);
  block(m.subfuncs, kPpno, kPpnoCodes);
  block(m.subfuncs, kKma, kKmaCodes);
  block(m.subfuncs, kKdsa, kKdsaCodes);
  m.has_cmma = true;
  m.ap_instructions = true;
  m.hamax = ~0ull;
  return m;
}

constinit const Machine kZ15 = make_z15();

}  // namespace model

const Machine& machine() { return model::kZ15; }

// kvm_arch_init_vm()'s model: KVM's facilities of the machine, CZAM
// (138) and STHYI (74) always, the guest-TLB facility (147) of a z14 or
// later; the guest CPUID with version 0xff, the unblocked IBC; no CPU
// features until the VMM sets some; the machine's subfunctions.
void init_model(CpuModel& model) {
  const Machine& m = machine();
  model = {};
  for (u32 i = 0; i < kFacWords; i++) {
    model.fac_mask.w[i] = m.stfle.w[i] & (m.kvm_base.w[i] | m.kvm_ext.w[i]);
    model.fac_list.w[i] = m.stfle.w[i] & m.kvm_base.w[i];
  }
  constexpr u32 kAlways[] = {138, 74, 147};
  for (u32 nr : kAlways) {
    model.fac_mask.set(nr);
    model.fac_list.set(nr);
  }
  model.cpuid = (m.cpuid & ~(0xffull << 56)) | 0xffull << 56;
  model.ibc = static_cast<u16>(m.ibc & 0x0fff);
  __builtin_memcpy(model.subfuncs, m.subfuncs, sizeof(model.subfuncs));
}

}  // namespace s390
}  // namespace kvm

extern "C" const char* kx_s390_machine(void) { return kvm::s390::machine().name; }
