/* Card-memory allocator: placement, alignment, channels, coalescing, exhaustion. */
#include "cardmem.h"
#include "test_main.h"

#define MEM (64ull << 20)	/* 64 MiB in 4 channels of 16 MiB */
#define CH 4u
#define CH_SIZE (MEM / CH)

static struct fllm_cardmem *cm;

static int setup(void)
{
	return fllm_cardmem_create(MEM, CH, &cm) != FLLM_OK;
}

static int teardown(void)
{
	fllm_cardmem_destroy(cm);
	cm = NULL;
	return 0;
}

/* The end of every test: no handle is still live. */
static void nothing_leaked(void)
{
	FLLM_ASSERT_EQ_U64(fllm_live_handles(), 0);
}

static void test_create_bad(void)
{
	struct fllm_cardmem *c = NULL;

	FLLM_ASSERT_STATUS(fllm_cardmem_create(0, 1, &c), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cardmem_create(MEM, 0, &c), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cardmem_create(MEM + 8, 1, &c), FLLM_E_INVALID_ARG);
	CU_ASSERT_PTR_NULL(c);
	fllm_cardmem_destroy(NULL);
}

static void test_alloc_free_roundtrip(void)
{
	uint64_t a = 1, b = 1;

	FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, 100, 64, FLLM_BO_ANY_CHANNEL, &a), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, 100, 64, FLLM_BO_ANY_CHANNEL, &b), FLLM_OK);
	FLLM_ASSERT_EQ_U64(a, 0);
	FLLM_ASSERT_EQ_U64(b, 128);	/* 100 rounds up to two granules */
	FLLM_ASSERT_EQ_U64(fllm_cardmem_free_bytes(cm), MEM - 256);
	fllm_cardmem_free(cm, a, 100);
	fllm_cardmem_free(cm, b, 100);
	FLLM_ASSERT_EQ_U64(fllm_cardmem_free_bytes(cm), MEM);
	FLLM_ASSERT_EQ_U64(fllm_cardmem_free_ranges(cm), 1);
}

static void test_alignment(void)
{
	uint64_t a, b;

	FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, 64, 64, FLLM_BO_ANY_CHANNEL, &a), FLLM_OK);
	FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, 4096, 1 << 20, FLLM_BO_ANY_CHANNEL, &b),
			   FLLM_OK);
	FLLM_ASSERT_EQ_U64(b % (1 << 20), 0);
	CU_ASSERT(b != a);
	FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, 64, 3, FLLM_BO_ANY_CHANNEL, &b),
			   FLLM_E_INVALID_ARG);
	fllm_cardmem_free(cm, a, 64);
	fllm_cardmem_free(cm, 1 << 20, 4096);
	FLLM_ASSERT_EQ_U64(fllm_cardmem_free_ranges(cm), 1);
}

static void test_channel_placement(void)
{
	uint64_t a[CH];

	for (uint32_t c = 0; c < CH; c++) {
		FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, 4096, 4096, (int32_t)c, &a[c]), FLLM_OK);
		CU_ASSERT(a[c] >= c * CH_SIZE && a[c] + 4096 <= (c + 1) * CH_SIZE);
		FLLM_ASSERT_EQ_U64(fllm_cardmem_channel_of(cm, a[c]), c);
	}
	FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, 64, 64, (int32_t)CH, &a[0]), FLLM_E_INVALID_ARG);
	FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, 64, 64, -2, &a[0]), FLLM_E_INVALID_ARG);
	/* a whole channel no longer fits in channel 1, but fits elsewhere at once */
	FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, CH_SIZE, 64, 1, &a[0]), FLLM_E_NO_CARD_MEMORY);
	for (uint32_t c = 0; c < CH; c++)
		fllm_cardmem_free(cm, c * CH_SIZE, 4096);
	FLLM_ASSERT_EQ_U64(fllm_cardmem_free_ranges(cm), 1);
}

/* Free every other block: holes do not merge until their neighbours go. */
static void test_fragmentation_and_coalescing(void)
{
	enum { N = 16 };
	uint64_t a[N], big;

	for (int i = 0; i < N; i++)
		FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, 1 << 20, 64, 0, &a[i]), FLLM_OK);
	for (int i = 0; i < N; i += 2)
		fllm_cardmem_free(cm, a[i], 1 << 20);
	/* 8 holes of 1 MiB plus the rest of memory */
	FLLM_ASSERT_EQ_U64(fllm_cardmem_free_ranges(cm), N / 2 + 1);
	FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, 2 << 20, 64, 0, &big), FLLM_E_NO_CARD_MEMORY);
	FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, 1 << 20, 64, 0, &big), FLLM_OK);
	FLLM_ASSERT_EQ_U64(big, a[0]);	/* first fit takes the first hole */
	fllm_cardmem_free(cm, big, 1 << 20);
	for (int i = 1; i < N; i += 2)
		fllm_cardmem_free(cm, a[i], 1 << 20);
	FLLM_ASSERT_EQ_U64(fllm_cardmem_free_ranges(cm), 1);
	FLLM_ASSERT_EQ_U64(fllm_cardmem_free_bytes(cm), MEM);
}

static void test_exhaustion(void)
{
	uint64_t a[CH], x;

	FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, MEM + 64, 64, FLLM_BO_ANY_CHANNEL, &x),
			   FLLM_E_NO_CARD_MEMORY);
	for (uint32_t c = 0; c < CH; c++)
		FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, CH_SIZE, 64, FLLM_BO_ANY_CHANNEL, &a[c]),
				   FLLM_OK);
	FLLM_ASSERT_EQ_U64(fllm_cardmem_free_bytes(cm), 0);
	FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, 64, 64, FLLM_BO_ANY_CHANNEL, &x),
			   FLLM_E_NO_CARD_MEMORY);
	FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, 0, 64, FLLM_BO_ANY_CHANNEL, &x),
			   FLLM_E_INVALID_ARG);
	for (uint32_t c = 0; c < CH; c++)
		fllm_cardmem_free(cm, a[c], CH_SIZE);
	/* any-channel placement may cross channel boundaries */
	FLLM_ASSERT_STATUS(fllm_cardmem_alloc(cm, MEM, 64, FLLM_BO_ANY_CHANNEL, &x), FLLM_OK);
	fllm_cardmem_free(cm, x, MEM);
	FLLM_ASSERT_EQ_U64(fllm_cardmem_free_ranges(cm), 1);
}

static CU_TestInfo tests[] = {
	{ "create bad", test_create_bad },
	{ "alloc free roundtrip", test_alloc_free_roundtrip },
	{ "alignment", test_alignment },
	{ "channel placement", test_channel_placement },
	{ "fragmentation and coalescing", test_fragmentation_and_coalescing },
	{ "exhaustion", test_exhaustion },
	CU_TEST_INFO_NULL,
};

int fllm_test_register(void)
{
	return fllm_test_add_suite_each("cardmem", setup, teardown, tests, nothing_leaked);
}
