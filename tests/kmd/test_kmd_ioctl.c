/*
 * fllm.ko's ioctls, one validation failure per test: each starts from a
 * valid request, breaks one field, expects the documented errno, and then
 * proves the device still works. Needs /dev/fllm0 (the VM rig); SKIPs
 * (exit 77) elsewhere.
 */
#include <sys/mman.h>

#include "kmd_test.h"
#include "test_main.h"

#define SEC 1000000000ull

static int fd = -1;
static struct fllm_uapi_query q;

/* Assert an ioctl result and print both on mismatch. */
#define ASSERT_RC(call, want) FLLM_ASSERT_STATUS((call), (want))

/* Proof the card works: fill and check a fresh BO, then free it. */
static void assert_device_works(void)
{
	struct fllm_uapi_cpl cpl[2];
	struct fllm_cmd c[2];
	uint64_t addr = 0, job = 0;
	uint32_t h = kmd_bo(fd, 4096, &addr);
	struct fllm_uapi_bo_free f = { .handle = h };

	CU_ASSERT_FATAL(h != 0);
	c[0] = kmd_cmd_test(FLLM_TEST_FILL, addr, 4096, 99);
	c[1] = kmd_cmd_test(FLLM_TEST_CHECK, addr, 4096, 99);
	ASSERT_RC(kmd_submit(fd, c, 2, &job, NULL), 0);
	ASSERT_RC(kmd_wait(fd, job, 2, 10 * SEC, cpl), 0);
	FLLM_ASSERT_EQ_U64(cpl[0].status, FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(cpl[1].status, FLLM_CARD_OK);
	FLLM_ASSERT_EQ_U64(cpl[1].result, 0);
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_FREE, &f), 0);
}

/* BOs of this file that are still allocated, per the driver. */
static uint64_t mem_free_now(void)
{
	struct fllm_uapi_query qq = { 0 };

	CU_ASSERT(kmd_io(fd, FLLM_IOCTL_QUERY, &qq) == 0);
	return qq.mem_free;
}

static void test_query(void)
{
	struct fllm_uapi_query a = { 0 };

	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_QUERY, &a), 0);
	FLLM_ASSERT_EQ_U64(a.uapi_version >> 16, FLLM_UAPI_MAJOR);
	FLLM_ASSERT_EQ_U64(FLLM_CARD_IF_VERSION_MAJOR(a.if_version), FLLM_CARD_IF_MAJOR);
	CU_ASSERT(a.caps & FLLM_UAPI_CAP_SUBMIT_CHECK);
	CU_ASSERT(a.mem_size > 0 && a.mem_free <= a.mem_size);
	CU_ASSERT(a.mem_channels > 0);
	CU_ASSERT(a.ring_entries > FLLM_UAPI_SUBMIT_MAX);
	FLLM_ASSERT_EQ_U64(a.submit_max, FLLM_UAPI_SUBMIT_MAX);
	CU_ASSERT(a.cu_count >= 1 && a.cu_count <= FLLM_UAPI_CU_MAX);
	FLLM_ASSERT_EQ_U64(a.cu_info[0] & 0xff, FLLM_CU_TEST);
	a.flags = 1;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_QUERY, &a), -EINVAL);
}

/* Struct growth rules: longer with a zero tail works, a nonzero tail or a
 * shorter struct does not, and unknown numbers are not ours. */
static void test_struct_sizes(void)
{
	struct {
		struct fllm_uapi_reg r;
		uint32_t tail[2];
	} big = { { FLLM_REG_MAGIC, 0 }, { 0, 0 } };
	unsigned long big_read = _IOWR(FLLM_IOCTL_TYPE, 0x07, big);
	unsigned long short_read = _IOWR(FLLM_IOCTL_TYPE, 0x07, uint32_t);

	ASSERT_RC(kmd_io(fd, big_read, &big), 0);
	FLLM_ASSERT_EQ_U64(big.r.value, FLLM_CARD_MAGIC);
	big.tail[1] = 1;
	ASSERT_RC(kmd_io(fd, big_read, &big), -E2BIG);
	ASSERT_RC(kmd_io(fd, short_read, &big), -ENOTTY);
	ASSERT_RC(kmd_io(fd, _IOWR(FLLM_IOCTL_TYPE, 0x40, struct fllm_uapi_reg), &big), -ENOTTY);
	ASSERT_RC(kmd_io(fd, _IOWR(FLLM_IOCTL_TYPE + 1, 0x07, struct fllm_uapi_reg), &big),
		  -ENOTTY);
	ASSERT_RC(kmd_io(fd, _IOR(FLLM_IOCTL_TYPE, 0x07, struct fllm_uapi_reg), &big), -ENOTTY);
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_REG_READ, NULL), -EFAULT);
	assert_device_works();
}

static void test_bo_create_bad(void)
{
	struct fllm_uapi_bo_create good = { 0 }, c;
	struct fllm_uapi_bo_free f = { 0 };

	good.size = 8192;
	good.align = 1 << 16;
	good.channel = (int32_t)q.mem_channels - 1;
	c = good;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_CREATE, &c), 0);
	CU_ASSERT(c.handle != 0);
	FLLM_ASSERT_EQ_U64(c.card_addr % (1 << 16), 0);
	FLLM_ASSERT_EQ_U64((uint64_t)c.channel, q.mem_channels - 1);
	CU_ASSERT(c.card_addr >= (q.mem_size / q.mem_channels) * (q.mem_channels - 1));
	f.handle = c.handle;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_FREE, &f), 0);

	c = good;
	c.flags = 1;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_CREATE, &c), -EINVAL);
	c = good;
	c.pad = 1;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_CREATE, &c), -EINVAL);
	c = good;
	c.size = 0;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_CREATE, &c), -EINVAL);
	c = good;
	c.align = 3 << 12;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_CREATE, &c), -EINVAL);
	c = good;
	c.channel = (int32_t)q.mem_channels;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_CREATE, &c), -EINVAL);
	c = good;
	c.channel = -2;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_CREATE, &c), -EINVAL);
	c = good;
	c.size = q.mem_size + 1;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_CREATE, &c), -ENOSPC);
	c = good;
	c.size = q.mem_size / q.mem_channels + 4096;	/* larger than its channel */
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_CREATE, &c), -ENOSPC);
	c = good;
	c.align = 1ull << 62;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_CREATE, &c), -ENOSPC);
	FLLM_ASSERT_EQ_U64(mem_free_now(), q.mem_free);
	assert_device_works();
}

static void test_bo_free_bad(void)
{
	struct fllm_uapi_bo_free f = { 0 };

	f.handle = kmd_bo(fd, 4096, NULL);
	CU_ASSERT_FATAL(f.handle != 0);
	f.pad = 1;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_FREE, &f), -EINVAL);
	f.pad = 0;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_FREE, &f), 0);
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_FREE, &f), -ENOENT);	/* stale */
	f.handle = 0;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_FREE, &f), -ENOENT);
	f.handle = 0xffffffffu;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_FREE, &f), -ENOENT);
	FLLM_ASSERT_EQ_U64(mem_free_now(), q.mem_free);
	assert_device_works();
}

static void test_xfer(void)
{
	static uint8_t in[100003], out[100003];
	struct fllm_uapi_bo_xfer good = { 0 }, x;
	struct fllm_uapi_bo_free f = { 0 };
	void *ro;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 3);
	good.handle = kmd_bo(fd, sizeof(in) + 1, NULL);
	CU_ASSERT_FATAL(good.handle != 0);
	good.offset = 1;
	good.len = sizeof(in);
	good.user_ptr = (uint64_t)(uintptr_t)in;
	x = good;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_WRITE, &x), 0);
	x = good;
	x.user_ptr = (uint64_t)(uintptr_t)out;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_READ, &x), 0);
	CU_ASSERT(!memcmp(in, out, sizeof(in)));

	x = good;
	x.flags = 1;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_WRITE, &x), -EINVAL);
	x = good;
	x.handle = good.handle + 1000;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_WRITE, &x), -ENOENT);
	x = good;
	x.offset = 2;	/* one byte past the end */
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_WRITE, &x), -ERANGE);
	x = good;
	x.offset = UINT64_MAX - 5;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_READ, &x), -ERANGE);
	x = good;
	x.len = UINT64_MAX;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_READ, &x), -ERANGE);
	x = good;
	x.user_ptr = 0;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_WRITE, &x), -EFAULT);
	x = good;
	x.user_ptr = UINT64_MAX - 4095;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_READ, &x), -EFAULT);
	/* the card may not write into a read-only mapping */
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CU_ASSERT_FATAL(ro != MAP_FAILED);
	x = good;
	x.len = 4096;
	x.user_ptr = (uint64_t)(uintptr_t)ro;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_READ, &x), -EFAULT);
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_WRITE, &x), 0);	/* reading it is fine */
	munmap(ro, 4096);
	x = good;
	x.len = 0;
	x.user_ptr = 0;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_WRITE, &x), 0);	/* empty is fine */
	/* contents survived the failed attempts */
	memset(out, 0, sizeof(out));
	x = good;
	x.user_ptr = (uint64_t)(uintptr_t)out;
	x.len = 4096;
	x.offset = 4097;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_READ, &x), 0);
	CU_ASSERT(!memcmp(in + 4096, out, 4096));
	f.handle = good.handle;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_FREE, &f), 0);
	assert_device_works();
}

static void test_submit_bad(void)
{
	struct fllm_uapi_submit good = { 0 }, s;
	struct fllm_cmd nop = { 0 };
	struct fllm_uapi_cpl cpl;

	good.cmds_ptr = (uint64_t)(uintptr_t)&nop;
	good.count = 1;
	s = good;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_SUBMIT, &s), 0);
	CU_ASSERT(s.job != 0);
	FLLM_ASSERT_EQ_U64(s.rejected, 0);
	ASSERT_RC(kmd_wait(fd, s.job, 1, 10 * SEC, &cpl), 0);
	FLLM_ASSERT_EQ_U64(cpl.status, FLLM_CARD_OK);

	s = good;
	s.count = 0;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_SUBMIT, &s), -EINVAL);
	s = good;
	s.count = FLLM_UAPI_SUBMIT_MAX + 1;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_SUBMIT, &s), -EINVAL);
	s = good;
	s.flags = 1;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_SUBMIT, &s), -EINVAL);
	s = good;
	s.pad = 1;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_SUBMIT, &s), -EINVAL);
	s = good;
	s.cmds_ptr = 8;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_SUBMIT, &s), -EFAULT);
	assert_device_works();
}

/* Submit one record alone; returns its completion. */
static struct fllm_uapi_cpl run_one(struct fllm_cmd c, uint32_t want_rejected)
{
	struct fllm_uapi_cpl cpl = { 0 };
	uint32_t rejected = 99;
	uint64_t job = 0;

	ASSERT_RC(kmd_submit(fd, &c, 1, &job, &rejected), 0);
	FLLM_ASSERT_EQ_U64(rejected, want_rejected);
	ASSERT_RC(kmd_wait(fd, job, 1, 10 * SEC, &cpl), 0);
	return cpl;
}

/* Card ranges outside the file's BOs are rejected; the card never sees them. */
static void test_submit_ranges(void)
{
	struct fllm_uapi_bo_free f = { 0 };
	struct fllm_uapi_cpl cpl;
	uint64_t a = 0, b = 0;
	struct fllm_cmd c;

	f.handle = kmd_bo(fd, 8192, &a);
	CU_ASSERT_FATAL(f.handle != 0);
	b = a + 4096;
	cpl = run_one(kmd_cmd_test(FLLM_TEST_FILL, a, 8192, 1), 0);
	FLLM_ASSERT_EQ_U64(cpl.status, FLLM_CARD_OK);
	cpl = run_one(kmd_cmd_test(FLLM_TEST_FILL, a, 8192 + 8, 1), 1);
	FLLM_ASSERT_EQ_U64(cpl.status, FLLM_CARD_ERR_ADDR);
	FLLM_ASSERT_EQ_U64(cpl.flags, FLLM_UAPI_CPL_F_REJECTED);
	cpl = run_one(kmd_cmd_test(FLLM_TEST_CHECK, a - 8, 16, 1), 1);
	FLLM_ASSERT_EQ_U64(cpl.status, FLLM_CARD_ERR_ADDR);
	cpl = run_one(kmd_cmd_test(FLLM_TEST_FILL, UINT64_MAX - 7, 16, 1), 1);
	FLLM_ASSERT_EQ_U64(cpl.status, FLLM_CARD_ERR_ADDR);
	/* TIMESTAMP: 8 bytes at arg[0] */
	memset(&c, 0, sizeof(c));
	c.opcode = FLLM_OP_TIMESTAMP;
	c.arg[0] = a + 8192 - 8;
	FLLM_ASSERT_EQ_U64(run_one(c, 0).status, FLLM_CARD_OK);
	c.arg[0] = a + 8192;
	FLLM_ASSERT_EQ_U64(run_one(c, 1).status, FLLM_CARD_ERR_ADDR);
	/* DMA_COPY: both card sides, and never host addresses */
	memset(&c, 0, sizeof(c));
	c.opcode = FLLM_OP_DMA_COPY;
	c.arg[0] = a;
	c.arg[1] = b;
	c.arg[2] = 4096;
	c.arg[3] = FLLM_COPY_C2C;
	FLLM_ASSERT_EQ_U64(run_one(c, 0).status, FLLM_CARD_OK);
	c.arg[2] = 4097;
	FLLM_ASSERT_EQ_U64(run_one(c, 1).status, FLLM_CARD_ERR_ADDR);
	c.arg[2] = 4096;
	c.arg[3] = FLLM_COPY_H2C;
	FLLM_ASSERT_EQ_U64(run_one(c, 1).status, FLLM_CARD_ERR_ADDR);
	c.arg[3] = FLLM_COPY_C2H;
	FLLM_ASSERT_EQ_U64(run_one(c, 1).status, FLLM_CARD_ERR_ADDR);
	c.arg[3] = 7;	/* unknown direction: the card rejects it */
	FLLM_ASSERT_EQ_U64(run_one(c, 0).status, FLLM_CARD_ERR_PARAM);
	/* unknown opcodes pass to the card, which rejects them */
	memset(&c, 0, sizeof(c));
	c.opcode = 0x7e;
	c.arg[0] = 0x1000;
	FLLM_ASSERT_EQ_U64(run_one(c, 0).status, FLLM_CARD_ERR_OPCODE);
	/* a unit's parameter block must lie in a BO too */
	memset(&c, 0, sizeof(c));
	c.opcode = FLLM_OP_VECTOR;
	c.arg[0] = a + 8192;
	c.arg[1] = 64;
	FLLM_ASSERT_EQ_U64(run_one(c, 1).status, FLLM_CARD_ERR_ADDR);
	/* a rejected record in a list does not stop its neighbours */
	{
		struct fllm_cmd list[3] = {
			kmd_cmd_test(FLLM_TEST_FILL, a, 4096, 5),
			kmd_cmd_test(FLLM_TEST_FILL, a, 1 << 20, 5),
			kmd_cmd_test(FLLM_TEST_CHECK, a, 4096, 5),
		};
		struct fllm_uapi_cpl out[3];
		uint32_t rejected = 0;
		uint64_t job = 0;

		ASSERT_RC(kmd_submit(fd, list, 3, &job, &rejected), 0);
		FLLM_ASSERT_EQ_U64(rejected, 1);
		ASSERT_RC(kmd_wait(fd, job, 3, 10 * SEC, out), 0);
		FLLM_ASSERT_EQ_U64(out[0].status, FLLM_CARD_OK);
		FLLM_ASSERT_EQ_U64(out[1].status, FLLM_CARD_ERR_ADDR);
		FLLM_ASSERT_EQ_U64(out[2].status, FLLM_CARD_OK);
		FLLM_ASSERT_EQ_U64(out[2].result, 0);
		for (uint32_t i = 0; i < 3; i++)
			FLLM_ASSERT_EQ_U64(out[i].index, i);
	}
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_FREE, &f), 0);
	assert_device_works();
}

static void test_wait_bad(void)
{
	struct fllm_cmd spin = kmd_cmd_spin(300000ull * 200, 0);	/* ~200 ms at 300 MHz */
	struct fllm_uapi_wait w = { 0 };
	struct fllm_uapi_cpl cpl;
	uint64_t job = 0;

	ASSERT_RC(kmd_submit(fd, &spin, 1, &job, NULL), 0);
	ASSERT_RC(kmd_wait(fd, job, 1, 0, &cpl), -ETIMEDOUT);
	ASSERT_RC(kmd_wait(fd, job, 1, 1000000, &cpl), -ETIMEDOUT);
	ASSERT_RC(kmd_wait(fd, job + 1000, 1, 0, &cpl), -ENOENT);
	ASSERT_RC(kmd_wait(fd, job, 2, 0, &cpl), -EINVAL);
	w.job = job;
	w.count = 1;
	w.cpls_ptr = (uint64_t)(uintptr_t)&cpl;
	w.flags = 2;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_WAIT, &w), -EINVAL);
	/* a bad buffer loses nothing: the job can be collected again */
	ASSERT_RC(kmd_wait(fd, job, 1, 10 * SEC, (struct fllm_uapi_cpl *)8), -EFAULT);
	ASSERT_RC(kmd_wait(fd, job, 1, 10 * SEC, &cpl), 0);
	FLLM_ASSERT_EQ_U64(cpl.status, FLLM_CARD_OK);
	ASSERT_RC(kmd_wait(fd, job, 1, 0, &cpl), -ENOENT);	/* collected */
	/* discard before and after completion */
	ASSERT_RC(kmd_submit(fd, &spin, 1, &job, NULL), 0);
	w.job = job;
	w.flags = FLLM_UAPI_WAIT_F_DISCARD;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_WAIT, &w), 0);
	ASSERT_RC(kmd_wait(fd, job, 1, 0, &cpl), -ENOENT);
	assert_device_works();
}

/* Another open file's BOs and jobs are invisible to this one. */
static void test_foreign(void)
{
	int other = open(kmd_test_node(), O_RDWR | O_CLOEXEC);
	struct fllm_uapi_bo_xfer x = { 0 };
	struct fllm_uapi_bo_free f = { 0 };
	struct fllm_cmd nop = { 0 };
	struct fllm_uapi_cpl cpl;
	uint64_t theirs = 0, job = 0;
	uint32_t h;
	uint8_t buf[64];

	CU_ASSERT_FATAL(other >= 0);
	h = kmd_bo(other, 4096, &theirs);
	CU_ASSERT_FATAL(h != 0);
	x.handle = h;
	x.len = sizeof(buf);
	x.user_ptr = (uint64_t)(uintptr_t)buf;
	ASSERT_RC(kmd_io(other, FLLM_IOCTL_BO_READ, &x), 0);
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_READ, &x), -ENOENT);
	f.handle = h;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_FREE, &f), -ENOENT);
	FLLM_ASSERT_EQ_U64(run_one(kmd_cmd_test(FLLM_TEST_FILL, theirs, 64, 1), 1).status,
			   FLLM_CARD_ERR_ADDR);
	ASSERT_RC(kmd_submit(other, &nop, 1, &job, NULL), 0);
	ASSERT_RC(kmd_wait(fd, job, 1, 0, &cpl), -ENOENT);
	ASSERT_RC(kmd_wait(other, job, 1, 10 * SEC, &cpl), 0);
	close(other);	/* frees its BO */
	FLLM_ASSERT_EQ_U64(mem_free_now(), q.mem_free);
	assert_device_works();
}

static void test_registers(void)
{
	struct fllm_uapi_reg r = { FLLM_REG_MAGIC, 0 };

	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_REG_READ, &r), 0);
	FLLM_ASSERT_EQ_U64(r.value, FLLM_CARD_MAGIC);
	r.offset = FLLM_REG_MAGIC + 2;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_REG_READ, &r), -EINVAL);
	r.offset = FLLM_REG_BAR_SIZE;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_REG_READ, &r), -EINVAL);
	r = (struct fllm_uapi_reg){ FLLM_REG_SCRATCH, 0x5eed1234 };
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_REG_WRITE, &r), 0);
	r.value = 0;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_REG_READ, &r), 0);
	FLLM_ASSERT_EQ_U64(r.value, 0x5eed1234);
	r = (struct fllm_uapi_reg){ FLLM_REG_CONTROL, 0 };
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_REG_WRITE, &r), -EPERM);
	r = (struct fllm_uapi_reg){ FLLM_REG_SQ_TAIL, 5 };
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_REG_WRITE, &r), -EPERM);
	r = (struct fllm_uapi_reg){ FLLM_REG_SCRATCH + 1, 5 };
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_REG_WRITE, &r), -EINVAL);
	assert_device_works();
}

static void test_telemetry(void)
{
	struct fllm_uapi_telemetry a = { 0 }, b = { 0 };
	struct fllm_cmd nop[3] = { { 0 }, { 0 }, { 0 } };
	struct fllm_uapi_cpl cpl[3];
	uint64_t job = 0;

	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_TELEMETRY, &a), 0);
	ASSERT_RC(kmd_submit(fd, nop, 3, &job, NULL), 0);
	ASSERT_RC(kmd_wait(fd, job, 3, 10 * SEC, cpl), 0);
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_TELEMETRY, &b), 0);
	FLLM_ASSERT_EQ_U64(b.cmds - a.cmds, 3);
	CU_ASSERT(b.cycles > a.cycles);
	CU_ASSERT(b.power_mw > 0 && b.temp_mc > 0);
	if (q.irq_mode != FLLM_UAPI_IRQ_POLL) {
		/* the wait may see the completion before the interrupt that
		 * announced it is handled: give the handler up to a second */
		for (int i = 0; i < 100 && b.irqs_handled == a.irqs_handled; i++) {
			usleep(10000);
			ASSERT_RC(kmd_io(fd, FLLM_IOCTL_TELEMETRY, &b), 0);
		}
		CU_ASSERT(b.irqs_handled > a.irqs_handled);
	}
	b.flags = 1;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_TELEMETRY, &b), -EINVAL);
}

/* A reset aborts jobs in flight; a freed BO lives until its job is done. */
static void test_reset(void)
{
	struct fllm_cmd list[2];
	struct fllm_uapi_reset r = { 0 };
	struct fllm_uapi_bo_free f = { 0 };
	struct fllm_uapi_telemetry t = { 0 };
	struct fllm_uapi_cpl cpl[2];
	uint64_t addr = 0, job = 0;

	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_TELEMETRY, &t), 0);
	f.handle = kmd_bo(fd, 1 << 20, &addr);
	CU_ASSERT_FATAL(f.handle != 0);
	list[0] = kmd_cmd_spin(UINT64_MAX, 30000000);
	list[1] = kmd_cmd_test(FLLM_TEST_FILL, addr, 1 << 20, 3);
	ASSERT_RC(kmd_submit(fd, list, 2, &job, NULL), 0);
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_BO_FREE, &f), 0);
	CU_ASSERT(mem_free_now() < q.mem_free);	/* held by the job */
	ASSERT_RC(kmd_wait(fd, job, 2, 1000000, cpl), -ETIMEDOUT);
	r.flags = 1;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_RESET, &r), -EINVAL);
	r.flags = 0;
	ASSERT_RC(kmd_io(fd, FLLM_IOCTL_RESET, &r), 0);
	FLLM_ASSERT_EQ_U64(r.reset_count, t.reset_count + 1);
	ASSERT_RC(kmd_wait(fd, job, 2, 10 * SEC, cpl), 0);
	for (int i = 0; i < 2; i++) {
		FLLM_ASSERT_EQ_U64(cpl[i].status, FLLM_CARD_ERR_ABORTED);
		FLLM_ASSERT_EQ_U64(cpl[i].flags, FLLM_UAPI_CPL_F_ABORTED);
	}
	FLLM_ASSERT_EQ_U64(mem_free_now(), q.mem_free);
	assert_device_works();
}

/* Too many records for the ring: -EAGAIN, nothing queued, then it drains. */
static void test_ring_full(void)
{
	static struct fllm_cmd nops[FLLM_UAPI_SUBMIT_MAX];
	struct fllm_cmd spin = kmd_cmd_spin(300000ull * 300, 0);
	static struct fllm_uapi_cpl cpl[FLLM_UAPI_SUBMIT_MAX];
	uint64_t jobs[8], spin_job = 0;
	int n = 0, rc = 0;

	ASSERT_RC(kmd_submit(fd, &spin, 1, &spin_job, NULL), 0);
	while (n < 8 && !(rc = kmd_submit(fd, nops, FLLM_UAPI_SUBMIT_MAX, &jobs[n], NULL)))
		n++;
	ASSERT_RC(rc, -EAGAIN);
	CU_ASSERT((uint64_t)(n + 1) * FLLM_UAPI_SUBMIT_MAX + 1 > q.ring_entries - 1);
	ASSERT_RC(kmd_wait(fd, spin_job, 1, 10 * SEC, cpl), 0);
	for (int i = 0; i < n; i++)
		ASSERT_RC(kmd_wait(fd, jobs[i], FLLM_UAPI_SUBMIT_MAX, 10 * SEC, cpl), 0);
	assert_device_works();
}

static CU_TestInfo tests[] = {
	{ "query", test_query },
	{ "struct sizes", test_struct_sizes },
	{ "bo create bad", test_bo_create_bad },
	{ "bo free bad", test_bo_free_bad },
	{ "transfers", test_xfer },
	{ "submit bad", test_submit_bad },
	{ "submit ranges", test_submit_ranges },
	{ "wait bad", test_wait_bad },
	{ "foreign file", test_foreign },
	{ "registers", test_registers },
	{ "telemetry", test_telemetry },
	{ "reset", test_reset },
	{ "ring full", test_ring_full },
	CU_TEST_INFO_NULL,
};

static int setup(void)
{
	q = (struct fllm_uapi_query){ 0 };
	return kmd_io(fd, FLLM_IOCTL_QUERY, &q) != 0;
}

/* The file holds no BO once the suite is done (mem_free back to the start). */
static int teardown(void)
{
	struct fllm_uapi_query end = { 0 };

	if (kmd_io(fd, FLLM_IOCTL_QUERY, &end) || end.mem_free != q.mem_free) {
		fprintf(stderr, "card memory free %llu, at start %llu\n",
			(unsigned long long)end.mem_free, (unsigned long long)q.mem_free);
		return 1;
	}
	close(fd);
	return 0;
}

int fllm_test_register(void)
{
	fd = kmd_test_open_or_skip();
	return fllm_test_add_suite("kmd_ioctl", setup, teardown, tests);
}
