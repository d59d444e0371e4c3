// SPDX-License-Identifier: GPL-2.0
// The errno values of the ABI. They are Linux's generic numbers, identical on
// every architecture kvm_ext emulates; the kernel shim checks them against
// <uapi/asm-generic/errno*.h> at build time.
#pragma once

namespace kx {

enum Errno : int {
  kEPERM = 1,
  kENOENT = 2,
  kEINTR = 4,
  kEIO = 5,
  kENXIO = 6,
  kE2BIG = 7,
  kENOEXEC = 8,
  kEBADF = 9,
  kEAGAIN = 11,
  kENOMEM = 12,
  kEFAULT = 14,
  kEBUSY = 16,
  kEEXIST = 17,
  kENODEV = 19,
  kEINVAL = 22,
  kENOSPC = 28,
  kENOTTY = 25,
  kERANGE = 34,
  kEOPNOTSUPP = 95,
  kENOBUFS = 105,
};

}  // namespace kx
