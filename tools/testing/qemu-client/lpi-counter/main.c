// SPDX-License-Identifier: GPL-2.0
/*
 * lpi-counter: a bare-metal arm64 guest for QEMU's virt board (-kernel,
 * EL1, one vCPU running): it sets up the GICv3 redistributor's LPI tables
 * and the ITS (device 0, event 0 -> LPI 8192 on collection 0), then counts
 * in memory forever, and every 2^16 counts queues an ITS INT command; the
 * LPI's handler counts the interrupts. Event 1 -> LPI 8193, disabled, is
 * made pending once and stays so (a bit in the LPI pending table). The state a migration must carry:
 * RAM (the counters, the tables), the GIC and the ITS (its tables saved
 * into RAM), the vCPU.
 *
 *   0x40300000  u64 count        0x40300008  u64 lpis taken
 *   0x40300010  u64 INTs queued  0x40300018  u64 magic 0x4c5049434f554e54
 */
#include <stdint.h>

#define GICD 0x08000000UL
#define GICR 0x080a0000UL /* CPU 0's RD_base */
#define GITS 0x08080000UL
#define DEV_TABLE 0x40400000UL
#define COLL_TABLE 0x40410000UL
#define CMDQ 0x40420000UL
#define ITT 0x40430000UL
#define PROP 0x40500000UL
#define PEND 0x40600000UL
#define LPI 8192

static volatile uint64_t *const vars = (volatile uint64_t *)0x40300000UL;

static inline void w32(unsigned long a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint32_t r32(unsigned long a) { return *(volatile uint32_t *)a; }
static inline void w64(unsigned long a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline uint64_t r64(unsigned long a) { return *(volatile uint64_t *)a; }

static uint32_t cmd_off;

static void its_cmd(uint64_t d0, uint64_t d1, uint64_t d2, uint64_t d3)
{
	volatile uint64_t *c = (volatile uint64_t *)(CMDQ + cmd_off);

	c[0] = d0;
	c[1] = d1;
	c[2] = d2;
	c[3] = d3;
	__asm__ volatile("dsb sy" ::: "memory");
	cmd_off = (cmd_off + 32) % 4096;
	w64(GITS + 0x88, cmd_off); /* GITS_CWRITER */
	while (r64(GITS + 0x90) != cmd_off) /* GITS_CREADR */
		;
}

void irq(void)
{
	uint64_t iar;

	__asm__ volatile("mrs %0, S3_0_C12_C12_0" : "=r"(iar)); /* ICC_IAR1_EL1 */
	if (iar == LPI)
		vars[1]++;
	__asm__ volatile("msr S3_0_C12_C12_1, %0" ::"r"(iar)); /* ICC_EOIR1_EL1 */
	__asm__ volatile("isb");
}

int main(void)
{
	uint64_t i;

	vars[3] = 0x4c5049434f554e54ULL;
	for (i = 0; i < 0x10000 / 8; i++) {
		((volatile uint64_t *)PROP)[i] = 0;
		((volatile uint64_t *)PEND)[i] = 0;
		((volatile uint64_t *)DEV_TABLE)[i] = 0;
		((volatile uint64_t *)COLL_TABLE)[i] = 0;
	}
	for (i = 0; i < 4096 / 8; i++)
		((volatile uint64_t *)CMDQ)[i] = 0;
	((volatile uint8_t *)PROP)[LPI - 8192] = 0xa1; /* priority 0xa0, enabled */
	__asm__ volatile("dsb sy" ::: "memory");

	w32(GICD + 0x0, (1 << 4) | (1 << 1)); /* GICD_CTLR: ARE, EnableGrp1 */
	w32(GICR + 0x14, r32(GICR + 0x14) & ~2u); /* GICR_WAKER: awake */
	w64(GICR + 0x70, PROP | 15); /* GICR_PROPBASER: 16 ID bits */
	w64(GICR + 0x78, PEND | (1ULL << 62)); /* GICR_PENDBASER, PTZ */
	w32(GICR + 0x0, 1); /* GICR_CTLR.EnableLPIs */

	w64(GITS + 0x100, (1ULL << 63) | DEV_TABLE | (2 << 8)); /* BASER0, 64K pages */
	w64(GITS + 0x108, (1ULL << 63) | COLL_TABLE | (2 << 8)); /* BASER1 */
	w64(GITS + 0x80, (1ULL << 63) | CMDQ); /* GITS_CBASER, one 4K page */
	w64(GITS + 0x88, 0);
	w32(GITS + 0x0, 1); /* GITS_CTLR.Enabled */

	its_cmd(0x08, 1, (1ULL << 63) | ITT, 0); /* MAPD dev 0, 2 event bits */
	its_cmd(0x09, 0, (1ULL << 63) | 0, 0); /* MAPC icid 0 -> processor 0 */
	its_cmd(0x0a, 0 | ((uint64_t)LPI << 32), 0, 0); /* MAPTI dev 0 ev 0 -> LPI, icid 0 */
	/* Event 1 -> LPI 8193, disabled: made pending once, it stays pending,
	 * and a save writes it into the pending table. */
	its_cmd(0x0a, 1 | ((uint64_t)(LPI + 1) << 32), 0, 0); /* MAPTI dev 0 ev 1 */
	its_cmd(0x03, 1, 0, 0); /* INT dev 0 ev 1 */
	its_cmd(0x05, 0, 0, 0); /* SYNC processor 0 */

	__asm__ volatile("msr S3_0_C4_C6_0, %0" ::"r"(0xffUL)); /* ICC_PMR_EL1 */
	__asm__ volatile("msr S3_0_C12_C12_7, %0" ::"r"(1UL)); /* ICC_IGRPEN1_EL1 */
	__asm__ volatile("isb; msr daifclr, #2" ::: "memory"); /* unmask IRQs */

	for (;;) {
		vars[0]++;
		if (!(vars[0] & 0xffff)) {
			its_cmd(0x03, 0, 0, 0); /* INT dev 0 ev 0 */
			vars[2]++;
		}
	}
}
