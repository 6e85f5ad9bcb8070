/* Buffer objects: allocation rules, bad requests, transfers of every shape. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm/fllm.h"
#include "test_main.h"

#define EMU_SPEC "emu:0,mem=1G,channels=8"
#define CHAN_SIZE ((1ull << 30) / 8)

/* The device under test: $FLLM_TEST_DEVICE (e.g. "kmd:0" in the VM rig), else
 * the emulated card. Tests of emu-only names and options keep using emu. */
static const char *test_device(void)
{
	const char *d = getenv("FLLM_TEST_DEVICE");

	return d && *d ? d : EMU_SPEC;
}

static fllm_device *dev;

static int setup(void)
{
	return fllm_device_open(test_device(), &dev) != FLLM_OK;
}

static int teardown(void)
{
	fllm_device_close(dev);
	dev = NULL;
	return fllm_live_handles() != 0;
}

/* Deterministic bytes that differ per position and seed. */
static void fill_bytes(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

/* Proof the device still works: a small write/read round trip. */
static void assert_device_works(void)
{
	uint8_t in[100], out[100];
	fllm_bo *bo = NULL;

	fill_bytes(in, sizeof(in), 77);
	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, sizeof(in), NULL, &bo), FLLM_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bo);
	FLLM_ASSERT_STATUS(fllm_bo_write(bo, 0, in, sizeof(in)), FLLM_OK);
	memset(out, 0, sizeof(out));
	FLLM_ASSERT_STATUS(fllm_bo_read(bo, 0, out, sizeof(out)), FLLM_OK);
	CU_ASSERT(!memcmp(in, out, sizeof(in)));
	fllm_bo_free(bo);
}

/* The end of every test: only the suite's own device is still open. */
static void nothing_leaked(void)
{
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 1);
}

static void test_alloc_free(void)
{
	fllm_bo *bo = NULL;

	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, 12345, NULL, &bo), FLLM_OK);
	FLLM_ASSERT_EQ_U64(fllm_bo_size(bo), 12345);
	FLLM_ASSERT_EQ_U64(fllm_bo_card_addr(bo) % 4096, 0);	/* default alignment */
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 2);
	fllm_bo_free(bo);
	fllm_bo_free(NULL);
}

static void test_alloc_bad(void)
{
	const fllm_bo_params good = { .align = 1 << 16, .channel = 3, .flags = 0 };
	const fllm_bo_params bad[] = {	/* each one field away from good */
		{ .align = 3 << 12, .channel = 3, .flags = 0 },
		{ .align = 1 << 16, .channel = 8, .flags = 0 },
		{ .align = 1 << 16, .channel = -2, .flags = 0 },
		{ .align = 1 << 16, .channel = 3, .flags = 1 },
	};
	fllm_bo *bo = NULL;

	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, 4096, &good, &bo), FLLM_OK);
	FLLM_ASSERT_EQ_U64(fllm_bo_card_addr(bo) % (1 << 16), 0);
	fllm_bo_free(bo);
	bo = NULL;

	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, 0, &good, &bo), FLLM_E_INVALID_ARG);
	assert_device_works();
	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, (1ull << 30) + 1, NULL, &bo),
			   FLLM_E_NO_CARD_MEMORY);
	assert_device_works();
	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, CHAN_SIZE + 4096, &good, &bo),
			   FLLM_E_NO_CARD_MEMORY);	/* larger than its channel */
	assert_device_works();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, 4096, &bad[i], &bo), FLLM_E_INVALID_ARG);
		assert_device_works();
	}
	CU_ASSERT_PTR_NULL(bo);
}

/* Card memory runs out, and comes back once freed. */
static void test_exhaustion(void)
{
	fllm_bo *bo[9] = { NULL };
	int n = 0;

	while (n < 9 && fllm_bo_alloc(dev, CHAN_SIZE, NULL, &bo[n]) == FLLM_OK)
		n++;
	FLLM_ASSERT_EQ_U64(n, 8);
	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, 64, NULL, &bo[8]), FLLM_E_NO_CARD_MEMORY);
	for (int i = 0; i < n; i++)
		fllm_bo_free(bo[i]);
	assert_device_works();
}

static void test_channel_placement(void)
{
	for (int32_t c = 0; c < 8; c++) {
		fllm_bo_params p = { .align = 0, .channel = c, .flags = 0 };
		fllm_bo *bo;
		uint64_t a;

		FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, 1 << 20, &p, &bo), FLLM_OK);
		a = fllm_bo_card_addr(bo);
		CU_ASSERT(a >= (uint64_t)c * CHAN_SIZE);
		CU_ASSERT(a + (1 << 20) <= (uint64_t)(c + 1) * CHAN_SIZE);
		FLLM_ASSERT_EQ_U64(fllm_bo_channel(bo), c);
		fllm_bo_free(bo);
	}
}

/* Each access differs from a valid one by its range only. */
static void test_out_of_range(void)
{
	uint8_t buf[64] = { 0 };
	fllm_bo *bo;

	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, 1000, NULL, &bo), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_bo_write(bo, 1000 - 64, buf, 64), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_bo_write(bo, 1000 - 63, buf, 64), FLLM_E_OUT_OF_RANGE);
	assert_device_works();
	FLLM_ASSERT_STATUS(fllm_bo_read(bo, 1000 - 63, buf, 64), FLLM_E_OUT_OF_RANGE);
	assert_device_works();
	FLLM_ASSERT_STATUS(fllm_bo_write(bo, 1001, buf, 0), FLLM_E_OUT_OF_RANGE);
	assert_device_works();
	FLLM_ASSERT_STATUS(fllm_bo_read(bo, UINT64_MAX - 10, buf, 64), FLLM_E_OUT_OF_RANGE);
	assert_device_works();
	FLLM_ASSERT_STATUS(fllm_bo_write(bo, 8, buf, UINT64_MAX), FLLM_E_OUT_OF_RANGE);
	assert_device_works();
	FLLM_ASSERT_STATUS(fllm_bo_write(bo, 1000, buf, 0), FLLM_OK);	/* empty at the end */
	fllm_bo_free(bo);
}

/* Round trips from 1 B to 64 MiB, odd sizes at odd offsets, neighbours intact. */
static void test_round_trips(void)
{
	static const uint64_t sizes[] = { 1, 3, 63, 64, 65, 4095, 4097, 100003, 1 << 20,
					  (4 << 20) + 7, 64 << 20 };
	static const uint64_t offsets[] = { 0, 1, 7, 4093 };
	uint64_t max = 64 << 20;
	uint8_t *in = malloc(max + 8192), *out = malloc(max + 8192);
	fllm_bo *bo;

	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	FLLM_ASSERT_STATUS(fllm_bo_alloc(dev, max + 8192, NULL, &bo), FLLM_OK);
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint64_t off = offsets[s % 4];
		uint64_t len = sizes[s];

		/* a known background around the range */
		memset(in, 0xee, len + off + 64);
		FLLM_ASSERT_STATUS(fllm_bo_write(bo, 0, in, len + off + 64), FLLM_OK);
		fill_bytes(in + off, len, (uint32_t)s);
		FLLM_ASSERT_STATUS(fllm_bo_write(bo, off, in + off, len), FLLM_OK);
		memset(out, 0, len + off + 64);
		FLLM_ASSERT_STATUS(fllm_bo_read(bo, 0, out, len + off + 64), FLLM_OK);
		if (memcmp(in, out, len + off + 64))
			fprintf(stderr, "round trip of %llu bytes at %llu differs\n",
				(unsigned long long)len, (unsigned long long)off);
		CU_ASSERT(!memcmp(in, out, len + off + 64));
	}
	fllm_bo_free(bo);
	free(in);
	free(out);
}

/* Tiny descriptors: a transfer much larger than the ring refills it. */
static void test_ring_refill(void)
{
	uint64_t len = (4 << 20) + 3;
	uint8_t *in = malloc(len), *out = malloc(len);
	fllm_device *small;
	fllm_bo *bo;

	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	FLLM_ASSERT_STATUS(fllm_device_open("emu:0,mem=64M,channels=2,dma=4K", &small), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_bo_alloc(small, len, NULL, &bo), FLLM_OK);
	fill_bytes(in, len, 5);
	FLLM_ASSERT_STATUS(fllm_bo_write(bo, 0, in, len), FLLM_OK);	/* 1025 descriptors */
	FLLM_ASSERT_STATUS(fllm_bo_read(bo, 0, out, len), FLLM_OK);
	CU_ASSERT(!memcmp(in, out, len));
	fllm_bo_free(bo);
	fllm_device_close(small);
	free(in);
	free(out);
}

static CU_TestInfo tests[] = {
	{ "alloc free", test_alloc_free },
	{ "alloc bad", test_alloc_bad },
	{ "exhaustion", test_exhaustion },
	{ "channel placement", test_channel_placement },
	{ "out of range", test_out_of_range },
	{ "round trips", test_round_trips },
	{ "ring refill", test_ring_refill },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite_each("bo", setup, teardown, tests, nothing_leaked);
}
