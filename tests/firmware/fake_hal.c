/* The fake card of fake_hal.h. */
#include <string.h>

#include "fake_hal.h"

uint32_t fake_reg(const struct fake_card *fc, uint32_t off)
{
	return fc->regs[off / 4];
}

void fake_set_reg(struct fake_card *fc, uint32_t off, uint32_t val)
{
	fc->regs[off / 4] = val;
}

static uint32_t f_reg_read(void *ctx, uint32_t off)
{
	return fake_reg(ctx, off);
}

static void f_reg_write(void *ctx, uint32_t off, uint32_t val)
{
	fake_set_reg(ctx, off, val);
}

static uint64_t f_cycles(void *ctx)
{
	return ((struct fake_card *)ctx)->now;
}

/* Offset in host[] of [bus, bus + len), or -1 outside. */
static long f_host_off(uint64_t bus, uint32_t len)
{
	if (bus < FAKE_HOST_BASE || bus - FAKE_HOST_BASE > FAKE_HOST_SIZE ||
	    len > FAKE_HOST_SIZE - (bus - FAKE_HOST_BASE))
		return -1;
	return (long)(bus - FAKE_HOST_BASE);
}

static int f_host_read(void *ctx, uint64_t bus, void *dst, uint32_t len)
{
	struct fake_card *fc = ctx;
	long off = f_host_off(bus, len);

	if (fc->fail_host_read || off < 0)
		return -1;
	memcpy(dst, fc->host + off, len);
	return 0;
}

static int f_host_write(void *ctx, uint64_t bus, const void *src, uint32_t len)
{
	struct fake_card *fc = ctx;
	long off = f_host_off(bus, len);

	if (fc->fail_host_write || off < 0)
		return -1;
	memcpy(fc->host + off, src, len);
	return 0;
}

static int f_card_write(void *ctx, uint64_t addr, const void *src, uint32_t len)
{
	struct fake_card *fc = ctx;

	if (addr > FAKE_CARD_SIZE || len > FAKE_CARD_SIZE - addr)
		return -1;
	memcpy(fc->card + addr, src, len);
	return 0;
}

static int f_copy(void *ctx, uint32_t dir, uint64_t src, uint64_t dst, uint64_t bytes)
{
	struct fake_card *fc = ctx;

	fc->copies++;
	fc->copy_dir = dir;
	fc->copy_src = src;
	fc->copy_dst = dst;
	fc->copy_bytes = bytes;
	return fc->copy_err;
}

static void f_cu_start(void *ctx, uint32_t cu, const struct fllm_cmd *cmd)
{
	struct fake_card *fc = ctx;

	fc->cu_starts++;
	fc->cu_running = 1;
	fc->cu_done = 0;
	fc->cu_index = cu;
	fc->cu_cmd = *cmd;
}

static int f_cu_poll(void *ctx, uint32_t cu, uint16_t *status, uint64_t *result)
{
	struct fake_card *fc = ctx;

	if (!fc->cu_running || !fc->cu_done)
		return 0;
	fc->cu_running = 0;
	*status = fc->cu_status;
	*result = fc->cu_result;
	return 1;
}

static void f_cu_reset(void *ctx, uint32_t cu)
{
	struct fake_card *fc = ctx;

	fc->cu_resets++;
	fc->cu_running = 0;
}

static void f_irq_raise(void *ctx, uint32_t sources)
{
	struct fake_card *fc = ctx;

	fc->irq_sources |= sources;
	fc->irq_raises++;
}

void fake_init(struct fake_card *fc)
{
	memset(fc, 0, sizeof(*fc));
	fc->hal = (struct fw_hal){
		.ctx = fc,
		.reg_read = f_reg_read,
		.reg_write = f_reg_write,
		.cycles = f_cycles,
		.host_read = f_host_read,
		.host_write = f_host_write,
		.card_write = f_card_write,
		.copy = f_copy,
		.cu_start = f_cu_start,
		.cu_poll = f_cu_poll,
		.cu_reset = f_cu_reset,
		.irq_raise = f_irq_raise,
	};
	fake_set_reg(fc, FLLM_REG_MEM_SIZE_LO, FAKE_CARD_SIZE);
	fake_set_reg(fc, FLLM_REG_CLOCK_KHZ, FAKE_CLOCK_KHZ);
	fake_set_reg(fc, FLLM_REG_CMD_RING_MAX, 4096);
	fake_set_reg(fc, FLLM_REG_CU_COUNT, 2);
	fake_set_reg(fc, FLLM_REG_CU_INFO(0), FLLM_CU_INFO_MAKE(FLLM_CU_TEST, 1));
	fake_set_reg(fc, FLLM_REG_CU_INFO(1), FLLM_CU_INFO_MAKE(FLLM_CU_LUTGEMM, 1));
	fake_set_reg(fc, FLLM_REG_STATUS, FLLM_STATUS_READY);
	fc->now = 1000;
	fw_reset(&fc->fw, &fc->hal);
}

void fake_enable(struct fake_card *fc, uint32_t sq_size, uint32_t cq_size)
{
	fake_set_reg(fc, FLLM_REG_SQ_BASE_LO, (uint32_t)(FAKE_HOST_BASE + FAKE_SQ_OFF));
	fake_set_reg(fc, FLLM_REG_CQ_BASE_LO, (uint32_t)(FAKE_HOST_BASE + FAKE_CQ_OFF));
	fake_set_reg(fc, FLLM_REG_SQ_SIZE, sq_size);
	fake_set_reg(fc, FLLM_REG_CQ_SIZE, cq_size);
	fake_set_reg(fc, FLLM_REG_SQ_TAIL, 0);
	fake_set_reg(fc, FLLM_REG_CQ_HEAD, 0);
	fc->sq_tail = 0;
	fake_set_reg(fc, FLLM_REG_CONTROL, FLLM_CTRL_ENABLE);
	fw_poll(&fc->fw);
}

void fake_submit(struct fake_card *fc, const struct fllm_cmd *cmd)
{
	uint32_t size = fake_reg(fc, FLLM_REG_SQ_SIZE);

	memcpy(fc->host + FAKE_SQ_OFF + fc->sq_tail * sizeof(*cmd), cmd, sizeof(*cmd));
	fc->sq_tail = (fc->sq_tail + 1) % size;
	fake_set_reg(fc, FLLM_REG_SQ_TAIL, fc->sq_tail);
}

struct fllm_cpl *fake_cpl(struct fake_card *fc, uint32_t i)
{
	return (struct fllm_cpl *)(fc->host + FAKE_CQ_OFF + i * sizeof(struct fllm_cpl));
}

void fake_run(struct fake_card *fc)
{
	for (int i = 0; i < 1000 && fw_poll(&fc->fw); i++)
		;
}
