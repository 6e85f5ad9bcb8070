/*
 * fllm.ko and the compute units' parameter blocks. A LUT-GEMM and a vector
 * command through kmd:0 compute the same bytes as on emu:0, an attention
 * DECODE the same bytes as the golden model; each card address inside a
 * block that leaves the caller's BOs (activations, outputs, slices,
 * operands, strides that walk out, the KV pool, the descriptors, a
 * descriptor's block table, another file's BO) is refused by the driver
 * and nothing is written; a block changed after SUBMIT does not reach the
 * card. Needs /dev/fllm0 (the VM
 * rig); SKIPs (exit 77) elsewhere.
 */
#include <string.h>

#include "attn_card.h"
#include "fllm/fllm.h"
#include "fllm_attention.h"
#include "fllm_lutgemm.h"
#include "fllm_cardpack.h"
#include "fllm_vector.h"
#include "kmd_test.h"
#include "test_main.h"

#define SEC 1000000000ull
#define LG_M 40
#define LG_K 96
#define LG_G 32
#define LG_Q 4
#define LG_N 2
#define LG_SLICES 3
#define VEC_N 64
#define VEC_ROWS 2
/* one BO holds everything: block, activations, outputs, weights */
#define OFF_PARAMS 0
#define OFF_ACT 4096
#define OFF_OUT 8192
#define OFF_IN2 12288
#define OFF_SLICE(s) (16384 + (uint64_t)(s) * 8192)
#define DATA_BYTES (16384 + LG_SLICES * 8192)

static int fd = -1, fd2 = -1;
static uint64_t free_at_start;

/* Deterministic test data, the same on both devices. */
static uint32_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*s >> 33);
}

/* A valid LUT-GEMM over data at base, with its host-side bytes in data. */
static void lg_build(uint8_t *data /* (DATA_BYTES) */, uint64_t base,
		     struct fllm_lutgemm_params *p)
{
	static float alpha[LG_M * (LG_K / LG_G) * LG_Q], x[LG_K];
	static uint8_t bits[LG_M * LG_Q * LG_K];
	static int8_t xq[LG_K];
	uint16_t msx[LG_K / LG_G];
	uint8_t *slice[LG_SLICES];
	uint64_t s = 42;
	int32_t ex;

	memset(data, 0, DATA_BYTES);
	CU_ASSERT_FATAL(fllm_lutgemm_params_init(p, LG_M, LG_K, LG_G, LG_Q, 0, LG_N, LG_SLICES) ==
			FLLM_CARD_OK);
	for (size_t i = 0; i < sizeof(alpha) / sizeof(alpha[0]); i++)
		alpha[i] = (float)(lcg(&s) % 1000) / 4000.0f + 0.01f;
	for (size_t i = 0; i < sizeof(bits); i++)
		bits[i] = lcg(&s) & 1;
	for (uint32_t i = 0; i < LG_SLICES; i++)
		slice[i] = data + OFF_SLICE(i);
	CU_ASSERT_FATAL(fllm_lutgemm_pack(LG_M, LG_K, LG_G, LG_Q, alpha, NULL, bits, LG_SLICES,
					  slice) == FLLM_CARD_OK);
	for (uint32_t n = 0; n < LG_N; n++) {
		for (uint32_t i = 0; i < LG_K; i++)
			x[i] = (float)((int)(lcg(&s) % 2001) - 1000) / 250.0f;
		CU_ASSERT_FATAL(fllm_lutgemm_act_quantize(LG_K, LG_G, x, &ex, msx, xq) ==
				FLLM_CARD_OK);
		fllm_lutgemm_act_write(data + OFF_ACT + n * p->act_stride, LG_K, LG_G, ex, msx, xq);
	}
	p->act_addr = base + OFF_ACT;
	p->out_addr = base + OFF_OUT;
	for (uint32_t i = 0; i < LG_SLICES; i++)
		p->slice_addr[i] = base + OFF_SLICE(i);
	memcpy(data + OFF_PARAMS, p, sizeof(*p));
}

/* A valid vector ADD of two fp32 row sets (in at OFF_ACT, in2 at OFF_IN2). */
static void vec_build(uint8_t *data /* (DATA_BYTES) */, uint64_t base,
		      struct fllm_vector_params *p)
{
	memset(data, 0, DATA_BYTES);
	CU_ASSERT_FATAL(fllm_vector_params_init(p, FLLM_VECTOR_OP_ADD, 0, VEC_N, VEC_ROWS, 0) ==
			FLLM_CARD_OK);
	for (uint32_t i = 0; i < VEC_N * VEC_ROWS; i++) {
		float a = (float)i * 0.5f, b = 2.0f;

		memcpy(data + OFF_ACT + 4 * i, &a, 4);
		memcpy(data + OFF_IN2 + 4 * i, &b, 4);
	}
	p->in_addr = base + OFF_ACT;
	p->in2_addr = base + OFF_IN2;
	p->out_addr = base + OFF_OUT;
	memcpy(data + OFF_PARAMS, p, sizeof(*p));
}

/* Run the block in data on device name; out gets the output region. */
static void run_on(const char *name, int vector, uint8_t *out /* (4096) */)
{
	static uint8_t data[DATA_BYTES];
	struct fllm_lutgemm_params lp;
	struct fllm_vector_params vp;
	fllm_device *dev = NULL;
	fllm_cmdlist *cl = NULL;
	fllm_bo *bo = NULL;

	FLLM_ASSERT_STATUS(fllm_device_open(name, &dev), FLLM_OK);
	CU_ASSERT_FATAL(dev != NULL);
	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, DATA_BYTES, NULL, &bo), FLLM_OK);
	if (vector)
		vec_build(data, fllm_bo_card_addr(bo), &vp);
	else
		lg_build(data, fllm_bo_card_addr(bo), &lp);
	FLLM_ASSERT_STATUS(fllm_bo_write(bo, 0, data, DATA_BYTES), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_create(dev, &cl), FLLM_OK);
	if (vector)
		FLLM_ASSERT_STATUS(fllm_cmdlist_vector(cl, bo, OFF_PARAMS, sizeof(vp)), FLLM_OK);
	else
		FLLM_ASSERT_STATUS(fllm_cmdlist_lutgemm(cl, bo, OFF_PARAMS, sizeof(lp)), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, NULL), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_bo_read(bo, OFF_OUT, out, 4096), FLLM_OK);
	fllm_cmdlist_free(cl);
	fllm_bo_free(bo);
	fllm_device_close(dev);
}

/* Both units compute the same bytes through the driver as in process. */
static void test_agree_with_emu(void)
{
	static uint8_t a[4096], b[4096];
	float y;

	for (int vector = 0; vector < 2; vector++) {
		memset(a, 0xa5, sizeof(a));
		memset(b, 0x5a, sizeof(b));
		run_on("emu:0", vector, a);
		run_on("kmd:0", vector, b);
		FLLM_ASSERT_EQ_U64(memcmp(a, b, sizeof(a)), 0);
	}
	memcpy(&y, b + 4 * 3, 4);	/* ADD row 0, element 3: 1.5 + 2 */
	CU_ASSERT(y == 3.5f);
}

/* One raw unit record on fd; returns its completion. */
static struct fllm_uapi_cpl run_raw(int f, uint16_t op, uint64_t params, uint64_t bytes,
				    uint32_t want_rejected)
{
	struct fllm_uapi_cpl cpl = { 0 };
	struct fllm_cmd c = { 0 };
	uint64_t job = 0;
	uint32_t rej = 99;

	c.opcode = op;
	c.arg[0] = params;
	c.arg[1] = bytes;
	FLLM_ASSERT_STATUS(kmd_submit(f, &c, 1, &job, &rej), 0);
	FLLM_ASSERT_EQ_U64(rej, want_rejected);
	FLLM_ASSERT_STATUS(kmd_wait(f, job, 1, 10 * SEC, &cpl), 0);
	return cpl;
}

/* BO_WRITE len bytes from src at offset of handle h on file f. */
static void bo_put(int f, uint32_t h, uint64_t off, const void *src, uint64_t len)
{
	struct fllm_uapi_bo_xfer x = { .handle = h, .offset = off, .len = len,
				       .user_ptr = (uint64_t)(uintptr_t)src };

	FLLM_ASSERT_STATUS(kmd_io(f, FLLM_IOCTL_BO_WRITE, &x), 0);
}

/* Fill [addr, addr + len) on file f with pattern seed, or count mismatches. */
static uint64_t pattern(int f, uint64_t op, uint64_t addr, uint64_t len, uint64_t seed)
{
	struct fllm_uapi_cpl cpl = { 0 };
	struct fllm_cmd c = kmd_cmd_test(op, addr, len, seed);
	uint64_t job = 0;

	FLLM_ASSERT_STATUS(kmd_submit(f, &c, 1, &job, NULL), 0);
	FLLM_ASSERT_STATUS(kmd_wait(f, job, 1, 10 * SEC, &cpl), 0);
	FLLM_ASSERT_EQ_U64(cpl.status, FLLM_CARD_OK);
	return cpl.result;
}

/* BO_FREE handle h of file f. */
static void bo_free(int f, uint32_t h)
{
	struct fllm_uapi_bo_free fr = { .handle = h };

	FLLM_ASSERT_STATUS(kmd_io(f, FLLM_IOCTL_BO_FREE, &fr), 0);
}

/* Submit the block in blk (bytes long) at BO offset 0; expect the driver to refuse it. */
static void expect_refused(uint32_t h, uint64_t base, uint16_t op, const void *blk,
			   uint64_t bytes, uint16_t status)
{
	struct fllm_uapi_cpl cpl;

	bo_put(fd, h, OFF_PARAMS, blk, bytes);
	cpl = run_raw(fd, op, base + OFF_PARAMS, bytes, 1);
	FLLM_ASSERT_EQ_U64(cpl.status, status);
	FLLM_ASSERT_EQ_U64(cpl.flags, FLLM_UAPI_CPL_F_REJECTED);
}

/* Every LUT-GEMM address or stride that leaves the caller's BOs is refused. */
static void test_lutgemm_refused(void)
{
	static uint8_t data[DATA_BYTES];
	struct fllm_lutgemm_params good, p;
	uint64_t base = 0, other = 0;
	uint32_t h = kmd_bo(fd, DATA_BYTES, &base), h2 = kmd_bo(fd2, 8192, &other);

	CU_ASSERT_FATAL(h && h2);
	lg_build(data, base, &good);
	bo_put(fd, h, 0, data, DATA_BYTES);
	FLLM_ASSERT_EQ_U64(run_raw(fd, FLLM_OP_LUTGEMM, base, sizeof(good), 0).status,
			   FLLM_CARD_OK);
	pattern(fd, FLLM_TEST_FILL, base + OFF_OUT, 4096, 7);
	pattern(fd2, FLLM_TEST_FILL, other, 8192, 8);
#define REFUSE(field_change, status)                                                      \
	do {                                                                              \
		p = good;                                                                 \
		field_change;                                                             \
		expect_refused(h, base, FLLM_OP_LUTGEMM, &p, sizeof(p), status);          \
	} while (0)
	REFUSE(p.act_addr = base + DATA_BYTES, FLLM_CARD_ERR_ADDR);
	REFUSE(p.act_addr = base - 4096, FLLM_CARD_ERR_ADDR);
	REFUSE(p.out_addr = base + DATA_BYTES - 64, FLLM_CARD_ERR_ADDR);
	REFUSE(p.out_addr = other, FLLM_CARD_ERR_ADDR);
	REFUSE(p.slice_addr[2] = base + DATA_BYTES - 64, FLLM_CARD_ERR_ADDR);
	REFUSE(p.slice_addr[1] = other, FLLM_CARD_ERR_ADDR);
	REFUSE(p.act_stride = 1ull << 30, FLLM_CARD_ERR_ADDR);
	REFUSE(p.out_stride = UINT64_MAX - 63, FLLM_CARD_ERR_ADDR);
	REFUSE(p.out_stride = DATA_BYTES, FLLM_CARD_ERR_ADDR);
	REFUSE(p.row_bytes += 64, FLLM_CARD_ERR_PARAM);
	REFUSE(p.version = 2, FLLM_CARD_ERR_PARAM);
	REFUSE(p.magic = 0, FLLM_CARD_ERR_PARAM);
	REFUSE(p.slices = 33, FLLM_CARD_ERR_PARAM);
	REFUSE(p.group = 0, FLLM_CARD_ERR_PARAM);	/* the fuzzer found this divide */
#undef REFUSE
	/* a block of the wrong size */
	bo_put(fd, h, OFF_PARAMS, &good, sizeof(good));
	FLLM_ASSERT_EQ_U64(run_raw(fd, FLLM_OP_LUTGEMM, base, 128, 1).status, FLLM_CARD_ERR_SIZE);
	/* nothing was written, here or in the other file's BO */
	FLLM_ASSERT_EQ_U64(pattern(fd, FLLM_TEST_CHECK, base + OFF_OUT, 4096, 7), 0);
	FLLM_ASSERT_EQ_U64(pattern(fd2, FLLM_TEST_CHECK, other, 8192, 8), 0);
	bo_free(fd, h);
	bo_free(fd2, h2);
}

/* Every vector operand that leaves the caller's BOs is refused. */
static void test_vector_refused(void)
{
	static uint8_t data[DATA_BYTES];
	struct fllm_vector_params good, p;
	uint64_t base = 0, other = 0;
	uint32_t h = kmd_bo(fd, DATA_BYTES, &base), h2 = kmd_bo(fd2, 8192, &other);

	CU_ASSERT_FATAL(h && h2);
	vec_build(data, base, &good);
	bo_put(fd, h, 0, data, DATA_BYTES);
	FLLM_ASSERT_EQ_U64(run_raw(fd, FLLM_OP_VECTOR, base, sizeof(good), 0).status,
			   FLLM_CARD_OK);
	pattern(fd, FLLM_TEST_FILL, base + OFF_OUT, 4096, 9);
	pattern(fd2, FLLM_TEST_FILL, other, 8192, 10);
#define REFUSE(field_change, status)                                                      \
	do {                                                                              \
		p = good;                                                                 \
		field_change;                                                             \
		expect_refused(h, base, FLLM_OP_VECTOR, &p, sizeof(p), status);           \
	} while (0)
	REFUSE(p.in_addr = base + DATA_BYTES, FLLM_CARD_ERR_ADDR);
	REFUSE(p.in2_addr = other, FLLM_CARD_ERR_ADDR);
	REFUSE(p.out_addr = other, FLLM_CARD_ERR_ADDR);
	REFUSE(p.out_addr = base + DATA_BYTES - 256, FLLM_CARD_ERR_ADDR);
	REFUSE(p.in_stride = 1ull << 40, FLLM_CARD_ERR_ADDR);
	REFUSE(p.out_stride = UINT64_MAX - 63, FLLM_CARD_ERR_ADDR);
	REFUSE((p.op = FLLM_VECTOR_OP_RMSNORM, p.in2_addr = p.in2_stride = 0,
		p.weight_addr = base + DATA_BYTES - 64), FLLM_CARD_ERR_ADDR);
	REFUSE((p.op = FLLM_VECTOR_OP_ROPE, p.in2_addr = p.in2_stride = 0, p.head_dim = 8,
		p.table_addr = base + OFF_IN2, p.table_rows = 1u << 20), FLLM_CARD_ERR_ADDR);
	REFUSE((p.op = FLLM_VECTOR_OP_DEQUANT, p.group = 0), FLLM_CARD_ERR_PARAM);
	REFUSE(p.op = 9, FLLM_CARD_ERR_PARAM);
	REFUSE(p.version = 0, FLLM_CARD_ERR_PARAM);
#undef REFUSE
	FLLM_ASSERT_EQ_U64(pattern(fd, FLLM_TEST_CHECK, base + OFF_OUT, 4096, 9), 0);
	FLLM_ASSERT_EQ_U64(pattern(fd2, FLLM_TEST_CHECK, other, 8192, 10), 0);
	/* an ATTENTION record whose block is not an attention block's size */
	FLLM_ASSERT_EQ_U64(run_raw(fd, FLLM_OP_ATTENTION, base, 64, 1).status,
			   FLLM_CARD_ERR_SIZE);
	bo_free(fd, h);
	bo_free(fd2, h2);
}

/*
 * A block rewritten after SUBMIT (while a SPIN holds the unit back) does not
 * reach the card: the unit runs the checked copy, the other file's BO stays
 * intact and the output is what the original block asked for.
 */
static void test_block_changed_after_submit(void)
{
	static uint8_t data[DATA_BYTES], out[4096];
	struct fllm_vector_params good, bad;
	struct fllm_uapi_cpl cpl[2];
	struct fllm_cmd c[2];
	uint64_t base = 0, other = 0, job = 0;
	uint32_t h = kmd_bo(fd, DATA_BYTES, &base), h2 = kmd_bo(fd2, 8192, &other), rej = 9;
	struct fllm_uapi_bo_xfer x = { .handle = h, .offset = OFF_OUT, .len = sizeof(out),
				       .user_ptr = (uint64_t)(uintptr_t)out };
	float y;

	CU_ASSERT_FATAL(h && h2);
	vec_build(data, base, &good);
	bo_put(fd, h, 0, data, DATA_BYTES);
	pattern(fd2, FLLM_TEST_FILL, other, 8192, 11);
	c[0] = kmd_cmd_spin(200000000ull, 2000000);	/* about 0.2 s at the model's clock */
	memset(&c[1], 0, sizeof(c[1]));
	c[1].opcode = FLLM_OP_VECTOR;
	c[1].arg[0] = base + OFF_PARAMS;
	c[1].arg[1] = sizeof(good);
	FLLM_ASSERT_STATUS(kmd_submit(fd, c, 2, &job, &rej), 0);
	FLLM_ASSERT_EQ_U64(rej, 0);
	bad = good;
	bad.out_addr = other;
	bo_put(fd, h, OFF_PARAMS, &bad, sizeof(bad));
	FLLM_ASSERT_STATUS(kmd_wait(fd, job, 2, 20 * SEC, cpl), 0);
	FLLM_ASSERT_EQ_U64(cpl[1].status, FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(pattern(fd2, FLLM_TEST_CHECK, other, 8192, 11), 0);
	FLLM_ASSERT_STATUS(kmd_io(fd, FLLM_IOCTL_BO_READ, &x), 0);
	memcpy(&y, out + 4 * 5, 4);	/* row 0, element 5: 2.5 + 2 */
	CU_ASSERT(y == 4.5f);
	bo_free(fd, h);
	bo_free(fd2, h2);
}

/* A DECODE case of two sequences (stories260K's attention shape), or -1. */
static int attn_case(struct acase *c)
{
	static const struct acase_shape sh = { 8, 8, 4, 16 };
	static const uint32_t pos[2] = { 3, 40 }, ones[2] = { 1, 1 };

	return acase_make(c, FLLM_ATTN_OP_DECODE, &sh, 2, pos, ones, AC_NORMAL, 1.0, 21);
}

/*
 * The raw-ioctl attention tests' setup: the DECODE case relocated and
 * uploaded into a BO of fd, and the other file's 8 KiB BO filled with a
 * pattern from seed.
 */
struct attn_fix {
	struct acase c;
	uint8_t *img, *got;	/* (c.mem_bytes) images: uploaded, read back */
	uint64_t base, other;	/* card addresses of the two BOs */
	uint32_t h, h2;		/* their handles in fd and fd2 */
	uint64_t seed;		/* the other BO's pattern */
};

static void attn_fix_open(struct attn_fix *f, uint64_t seed)
{
	memset(f, 0, sizeof(*f));
	CU_ASSERT_FATAL(attn_case(&f->c) == 0);
	f->img = malloc(f->c.mem_bytes);
	f->got = malloc(f->c.mem_bytes);
	f->h = kmd_bo(fd, f->c.mem_bytes, &f->base);
	f->h2 = kmd_bo(fd2, 8192, &f->other);
	CU_ASSERT_FATAL(f->img && f->got && f->h && f->h2);
	memcpy(f->img, f->c.mem, f->c.mem_bytes);
	acard_relocate(&f->c, f->base, f->img);
	bo_put(fd, f->h, 0, f->img, f->c.mem_bytes);
	f->seed = seed;
	pattern(fd2, FLLM_TEST_FILL, f->other, 8192, seed);
}

/* Read the case's BO back into f->got. */
static void attn_fix_read(struct attn_fix *f)
{
	struct fllm_uapi_bo_xfer x = { .handle = f->h, .len = f->c.mem_bytes,
				       .user_ptr = (uint64_t)(uintptr_t)f->got };

	FLLM_ASSERT_STATUS(kmd_io(fd, FLLM_IOCTL_BO_READ, &x), 0);
}

/* Nothing was written: the case's BO holds the upload, the other BO its pattern. */
static void attn_fix_expect_untouched(struct attn_fix *f)
{
	attn_fix_read(f);
	FLLM_ASSERT_EQ_U64(memcmp(f->got, f->img, f->c.mem_bytes), 0);
	FLLM_ASSERT_EQ_U64(pattern(fd2, FLLM_TEST_CHECK, f->other, 8192, f->seed), 0);
}

static void attn_fix_close(struct attn_fix *f)
{
	bo_free(fd, f->h);
	bo_free(fd2, f->h2);
	acase_free(&f->c);
	free(f->img);
	free(f->got);
}

/* One attention DECODE through kmd:0 equals the golden model's bytes and count. */
static void test_attention_decode(void)
{
	uint8_t *img, *got;	/* (mem_bytes) images: uploaded, read back */
	fllm_device *dev = NULL;
	fllm_cmdlist *cl = NULL;
	fllm_event *ev = NULL;
	fllm_cmd_result res;
	fllm_bo *bo = NULL;
	struct acase c;
	uint64_t nf = 0;

	CU_ASSERT_FATAL(attn_case(&c) == 0);
	img = malloc(c.mem_bytes);
	got = malloc(c.mem_bytes);
	CU_ASSERT_FATAL(img && got);
	FLLM_ASSERT_STATUS(fllm_device_open("kmd:0", &dev), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, c.mem_bytes, NULL, &bo), FLLM_OK);
	memcpy(img, c.mem, c.mem_bytes);
	acard_relocate(&c, fllm_bo_card_addr(bo), img);
	FLLM_ASSERT_STATUS(fllm_bo_write(bo, 0, img, c.mem_bytes), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_create(dev, &cl), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_attention(cl, bo, c.p_addr), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cmdlist_submit(cl, &ev), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_event_wait(ev, 20 * SEC), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_event_result(ev, 0, &res), FLLM_OK);
	FLLM_ASSERT_EQ_U64(res.card_status, FLLM_CARD_OK);
	FLLM_ASSERT_STATUS(fllm_bo_read(bo, 0, got, c.mem_bytes), FLLM_OK);
	CU_ASSERT_FATAL(fllm_hls_attention_unit(c.mem, c.mem_bytes, c.p_addr, sizeof(c.p), &nf) ==
			FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(res.result, nf);
	FLLM_ASSERT_EQ_U64(acard_diff(&c, got, c.mem), UINT64_MAX);
	CU_ASSERT(memcmp(got, img, c.mem_bytes) != 0);	/* the unit wrote its outputs */
	fllm_event_free(ev);
	fllm_cmdlist_free(cl);
	fllm_bo_free(bo);
	fllm_device_close(dev);
	acase_free(&c);
	free(img);
	free(got);
}

/*
 * Every range of an attention block (q, out, k, v spans, the descriptors,
 * the KV pool) that leaves the caller's BOs is refused, and nothing is
 * written, here or in the other file's BO.
 */
static void test_attention_refused(void)
{
	struct fllm_attention_params good, p;
	struct attn_fix f;
	uint64_t base, other;

	attn_fix_open(&f, 12);
	base = f.base;
	other = f.other;
	good = acard_params(&f.c, base);
#define REFUSE(field_change, want)                                                        \
	do {                                                                              \
		p = good;                                                                 \
		field_change;                                                             \
		bo_put(fd, f.h, f.c.p_addr, &p, sizeof(p));                               \
		FLLM_ASSERT_EQ_U64(run_raw(fd, FLLM_OP_ATTENTION, base + f.c.p_addr,      \
					   sizeof(p), 1).status, want);                   \
	} while (0)
	REFUSE(p.q_addr = base + f.c.mem_bytes, FLLM_CARD_ERR_ADDR);
	REFUSE(p.q_stride = 1ull << 30, FLLM_CARD_ERR_ADDR);
	REFUSE(p.out_addr = other, FLLM_CARD_ERR_ADDR);
	REFUSE(p.out_stride = UINT64_MAX - 63, FLLM_CARD_ERR_ADDR);
	REFUSE(p.seq_addr = other, FLLM_CARD_ERR_ADDR);
	REFUSE(p.kv_base = other, FLLM_CARD_ERR_ADDR);
	REFUSE(p.pool_blocks = UINT32_MAX, FLLM_CARD_ERR_ADDR);
	REFUSE((p.op = FLLM_ATTN_OP_APPEND, p.q_addr = p.q_stride = 0, p.out_addr = 0,
		p.out_stride = 0, p.scale_m = 0, p.scale_e = 0, p.k_addr = base + f.c.k,
		p.k_stride = f.c.kv_stride, p.v_addr = other, p.v_stride = f.c.kv_stride),
	       FLLM_CARD_ERR_ADDR);
	REFUSE(p.block_bytes += 64, FLLM_CARD_ERR_PARAM);
	REFUSE(p.magic = 0, FLLM_CARD_ERR_PARAM);
	REFUSE(p.head_dim = 0, FLLM_CARD_ERR_PARAM);
#undef REFUSE
	bo_put(fd, f.h, f.c.p_addr, &good, sizeof(good));
	FLLM_ASSERT_EQ_U64(run_raw(fd, FLLM_OP_ATTENTION, base + f.c.p_addr, 128, 1).status,
			   FLLM_CARD_ERR_SIZE);
	/* nothing was written, here or in the other file's BO */
	attn_fix_expect_untouched(&f);
	/* the valid block still runs */
	FLLM_ASSERT_EQ_U64(run_raw(fd, FLLM_OP_ATTENTION, base + f.c.p_addr, sizeof(good),
				   0).status, FLLM_CARD_OK);
	attn_fix_close(&f);
}

/* Write descriptor s (relocated to base, then changed by the caller) into BO h of fd. */
static void seq_put(const struct acase *c, uint32_t h, uint32_t s,
		    const struct fllm_attention_seq *d)
{
	bo_put(fd, h, c->p.seq_addr + sizeof(*d) * s, d, sizeof(*d));
}

/*
 * The driver copies an attention block's descriptors and checks each one:
 * a block table outside the caller's BOs (in the other file's BO, past the
 * caller's BO, or straddling its end) is refused with ADDR, a descriptor
 * field the unit would refuse with the unit's status, and nothing is
 * written, here or in the other file's BO. The valid descriptors still run.
 */
static void test_attention_seq_refused(void)
{
	struct fllm_attention_seq good, d;
	struct fllm_attention_params p;
	struct attn_fix f;
	uint64_t base, other;

	attn_fix_open(&f, 13);
	base = f.base;
	other = f.other;
	p = acard_params(&f.c, base);
	good = acard_seq(&f.c, 1, base);
#define REFUSE(field_change, want)                                                        \
	do {                                                                              \
		d = good;                                                                 \
		field_change;                                                             \
		seq_put(&f.c, f.h, 1, &d);                                                \
		FLLM_ASSERT_EQ_U64(run_raw(fd, FLLM_OP_ATTENTION, base + f.c.p_addr,      \
					   sizeof(p), 1).status, want);                   \
	} while (0)
	REFUSE(d.table_addr = other, FLLM_CARD_ERR_ADDR);
	REFUSE(d.table_addr = other + 4096, FLLM_CARD_ERR_ADDR);
	REFUSE(d.table_addr = base + f.c.mem_bytes, FLLM_CARD_ERR_ADDR);
	REFUSE(d.table_addr = base + f.c.mem_bytes - 4, FLLM_CARD_ERR_ADDR);
	REFUSE((d.table_addr = UINT64_MAX - 3, d.table_len = 4096), FLLM_CARD_ERR_ADDR);
	REFUSE(d.table_len = 0, FLLM_CARD_ERR_PARAM);
	REFUSE(d.table_len = 4097, FLLM_CARD_ERR_PARAM);
	REFUSE(d.n_tokens = 2, FLLM_CARD_ERR_PARAM);
	REFUSE(d.n_tokens = 0, FLLM_CARD_ERR_PARAM);
	REFUSE(d.row = p.rows, FLLM_CARD_ERR_PARAM);
	REFUSE(d.row = UINT32_MAX, FLLM_CARD_ERR_PARAM);
	REFUSE(d.pos = UINT32_MAX, FLLM_CARD_ERR_PARAM);
	REFUSE(d.reserved = 1, FLLM_CARD_ERR_FLAGS);
#undef REFUSE
	/* nothing was written, here or in the other file's BO */
	seq_put(&f.c, f.h, 1, &good);
	attn_fix_expect_untouched(&f);
	/* the valid descriptors still run */
	FLLM_ASSERT_EQ_U64(run_raw(fd, FLLM_OP_ATTENTION, base + f.c.p_addr, sizeof(p),
				   0).status, FLLM_CARD_OK);
	attn_fix_close(&f);
}

/*
 * In one job, a refused attention block before a valid one: the valid
 * record runs its own checked block and descriptors (the golden model's
 * bytes), not the refused one's.
 */
static void test_attention_refused_then_valid(void)
{
	struct fllm_attention_params p, bad;
	struct fllm_uapi_cpl cpl[2] = { 0 };
	struct fllm_cmd cmd[2] = { 0 };
	uint64_t bad_at = 0, job = 0, nf = 0;
	uint32_t hb, rej = 99;
	struct attn_fix f;

	attn_fix_open(&f, 14);
	hb = kmd_bo(fd, 4096, &bad_at);
	CU_ASSERT_FATAL(hb);
	p = acard_params(&f.c, f.base);
	bad = p;
	bad.seq_addr = f.other;	/* the other file's memory */
	bo_put(fd, hb, 0, &bad, sizeof(bad));
	cmd[0].opcode = FLLM_OP_ATTENTION;
	cmd[0].arg[0] = bad_at;
	cmd[0].arg[1] = sizeof(bad);
	cmd[1].opcode = FLLM_OP_ATTENTION;
	cmd[1].arg[0] = f.base + f.c.p_addr;
	cmd[1].arg[1] = sizeof(p);
	FLLM_ASSERT_STATUS(kmd_submit(fd, cmd, 2, &job, &rej), 0);
	FLLM_ASSERT_EQ_U64(rej, 1);
	FLLM_ASSERT_STATUS(kmd_wait(fd, job, 2, 10 * SEC, cpl), 0);
	FLLM_ASSERT_EQ_U64(cpl[0].status, FLLM_CARD_ERR_ADDR);
	FLLM_ASSERT_EQ_U64(cpl[0].flags, FLLM_UAPI_CPL_F_REJECTED);
	FLLM_ASSERT_EQ_U64(cpl[1].status, FLLM_CARD_OK);
	attn_fix_read(&f);
	CU_ASSERT_FATAL(fllm_hls_attention_unit(f.c.mem, f.c.mem_bytes, f.c.p_addr, sizeof(f.c.p),
						&nf) == FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(cpl[1].result, nf);
	FLLM_ASSERT_EQ_U64(acard_diff(&f.c, f.got, f.c.mem), UINT64_MAX);
	bo_free(fd, hb);
	attn_fix_close(&f);
}

static CU_TestInfo tests[] = {
	{ "LUT-GEMM and vector agree with emu:0", test_agree_with_emu },
	{ "LUT-GEMM block addresses refused", test_lutgemm_refused },
	{ "vector block addresses refused", test_vector_refused },
	{ "block changed after SUBMIT", test_block_changed_after_submit },
	{ "attention DECODE agrees with the golden model", test_attention_decode },
	{ "attention block ranges refused", test_attention_refused },
	{ "attention descriptors and tables refused", test_attention_seq_refused },
	{ "refused attention block before a valid one", test_attention_refused_then_valid },
	CU_TEST_INFO_NULL,
};

/* Both files hold no BO once the suite is done. */
static int teardown(void)
{
	struct fllm_uapi_query q = { 0 };

	if (kmd_io(fd, FLLM_IOCTL_QUERY, &q) || q.mem_free != free_at_start) {
		fprintf(stderr, "card memory free %llu after the suite, %llu at start\n",
			(unsigned long long)q.mem_free, (unsigned long long)free_at_start);
		return 1;
	}
	close(fd);
	close(fd2);
	return 0;
}

int fllm_test_register(void)
{
	struct fllm_uapi_query q = { 0 };

	fd = kmd_test_open_or_skip();
	fd2 = kmd_test_open_or_skip();
	if (kmd_io(fd, FLLM_IOCTL_QUERY, &q))
		return 1;
	free_at_start = q.mem_free;
	return fllm_test_add_suite("kmd_units", NULL, teardown, tests);
}
