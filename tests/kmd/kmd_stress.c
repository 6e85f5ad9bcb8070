/*
 * kmd_stress: load for the VM rig's robustness suite (tests/vm/suites).
 *
 * usage: kmd_stress busy            DMA and commands in flight until killed
 *        kmd_stress hang SECONDS    a command that never ends; passes when the
 *                                   driver's job timeout resets the card and
 *                                   the job comes back aborted within SECONDS
 *        kmd_stress hold SECONDS    keep the card open with a BO, then exit 0
 *        kmd_stress until-gone SECONDS
 *                                   keep the card open with a BO; pass once a
 *                                   call fails with ENODEV (card removed)
 * Exit 0 pass, 1 fail, 77 no device.
 */
#include <pthread.h>
#include <time.h>

#include "kmd_test.h"

#define SEC 1000000000ull
#define BUSY_BYTES (16u << 20)

static int fd;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * SEC + (uint64_t)ts.tv_nsec;
}

/* Write and read a 16 MiB BO forever. */
static void *busy_dma(void *arg)
{
	struct fllm_uapi_bo_xfer x = { 0 };
	uint8_t *buf = malloc(BUSY_BYTES);

	x.handle = kmd_bo(fd, BUSY_BYTES, NULL);
	if (!buf || !x.handle)
		return NULL;
	memset(buf, 0x5a, BUSY_BYTES);
	x.len = BUSY_BYTES;
	x.user_ptr = (uint64_t)(uintptr_t)buf;
	for (;;) {
		kmd_io(fd, FLLM_IOCTL_BO_WRITE, &x);
		kmd_io(fd, FLLM_IOCTL_BO_READ, &x);
	}
	return arg;
}

/* Keep the command ring busy: spins and fills, some never waited for. */
static int busy(void)
{
	struct fllm_cmd c[3];
	pthread_t t;
	uint64_t a = 0, job = 0;
	uint32_t h = kmd_bo(fd, 1 << 20, &a);

	if (!h || pthread_create(&t, NULL, busy_dma, NULL))
		return 1;
	printf("kmd_stress: busy\n");
	fflush(stdout);
	for (uint64_t i = 0;; i++) {
		c[0] = kmd_cmd_spin(300000ull * 50, 0);	/* 50 ms */
		c[1] = kmd_cmd_test(FLLM_TEST_FILL, a, 1 << 20, i);
		c[2] = kmd_cmd_test(FLLM_TEST_CHECK, a, 1 << 20, i);
		if (kmd_submit(fd, c, 3, &job, NULL))
			continue;
		if (i % 2) {
			struct fllm_uapi_cpl cpl[3];

			kmd_wait(fd, job, 3, 10 * SEC, cpl);
		}
	}
	return 0;
}

/* A spin the card's watchdog would end only after a minute. */
static int hang(uint64_t seconds)
{
	struct fllm_cmd c = kmd_cmd_spin(UINT64_MAX, 60000000);
	struct fllm_uapi_cpl cpl;
	uint64_t job = 0;
	int rc;

	if (kmd_submit(fd, &c, 1, &job, NULL))
		return 1;
	rc = kmd_wait(fd, job, 1, seconds * SEC, &cpl);
	if (rc) {
		printf("kmd_stress: hang: wait returned %s\n", strerror(-rc));
		return 1;
	}
	printf("kmd_stress: hang: status %u flags %#x\n", cpl.status, cpl.flags);
	return cpl.status == FLLM_CARD_ERR_ABORTED && (cpl.flags & FLLM_UAPI_CPL_F_ABORTED) ? 0 : 1;
}

/* Hold the card open; with until_gone, pass when it disappears. */
static int hold(uint64_t seconds, int until_gone)
{
	struct fllm_uapi_query q = { 0 };
	uint64_t end = now_ns() + seconds * SEC;

	if (!kmd_bo(fd, 1 << 20, NULL))
		return 1;
	printf("kmd_stress: holding the card\n");
	fflush(stdout);
	while (now_ns() < end) {
		int rc = kmd_io(fd, FLLM_IOCTL_QUERY, &q);

		if (until_gone && rc == -ENODEV) {
			printf("kmd_stress: card gone (ENODEV)\n");
			return 0;
		}
		if (rc) {
			printf("kmd_stress: QUERY failed: %s\n", strerror(-rc));
			return 1;
		}
		usleep(20000);
	}
	return until_gone ? 1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t seconds = argc > 2 ? strtoull(argv[2], NULL, 0) : 10;

	if (argc < 2) {
		fprintf(stderr, "usage: kmd_stress busy|hang|hold|until-gone [SECONDS]\n");
		return 2;
	}
	fd = kmd_test_open_or_skip();
	if (!strcmp(argv[1], "busy"))
		return busy();
	if (!strcmp(argv[1], "hang"))
		return hang(seconds);
	if (!strcmp(argv[1], "hold"))
		return hold(seconds, 0);
	if (!strcmp(argv[1], "until-gone"))
		return hold(seconds, 1);
	fprintf(stderr, "kmd_stress: unknown mode '%s'\n", argv[1]);
	return 2;
}
