/*
 * Helpers shared by the fllm.ko test programs (run inside the VM rig, where
 * /dev/fllm0 is the card model behind the driver): open the card, issue an
 * ioctl and get 0 or -errno back, build command records.
 */
#ifndef FLLM_KMD_TEST_H
#define FLLM_KMD_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fllm_card.h"
#include "uapi/fllm_uapi.h"

#define KMD_TEST_NODE_ENV "FLLM_KMD_NODE"	/* default /dev/fllm0 */
#define KMD_TEST_SKIP 77			/* ctest's SKIP_RETURN_CODE */

/* The node under test. */
static inline const char *kmd_test_node(void)
{
	const char *n = getenv(KMD_TEST_NODE_ENV);

	return n && *n ? n : "/dev/fllm0";
}

/* Open the node, or exit with KMD_TEST_SKIP and the reason when it is absent. */
static inline int kmd_test_open_or_skip(void)
{
	int fd = open(kmd_test_node(), O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("SKIP: %s: %s (runs in the VM rig: tests/vm)\n", kmd_test_node(),
		       strerror(errno));
		exit(KMD_TEST_SKIP);
	}
	return fd;
}

/* ioctl returning 0 or -errno. */
static inline int kmd_io(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

/* Create a BO; returns its handle (0 on failure) and card address. */
static inline uint32_t kmd_bo(int fd, uint64_t size, uint64_t *card_addr)
{
	struct fllm_uapi_bo_create c = { 0 };

	c.size = size;
	c.channel = FLLM_UAPI_ANY_CHANNEL;
	if (kmd_io(fd, FLLM_IOCTL_BO_CREATE, &c))
		return 0;
	if (card_addr)
		*card_addr = c.card_addr;
	return c.handle;
}

/* A TEST record: FILL or CHECK of [addr, addr + bytes) with pattern CONST. */
static inline struct fllm_cmd kmd_cmd_test(uint64_t op, uint64_t addr, uint64_t bytes,
					   uint64_t seed)
{
	struct fllm_cmd c = { 0 };
	struct fllm_cmd_test t = { op, addr, bytes, FLLM_PAT_PRNG, seed, 0 };

	c.opcode = FLLM_OP_TEST;
	memcpy(c.arg, &t, sizeof(t));
	return c;
}

/* A SPIN record: busy for cycles, watchdog budget timeout_us. */
static inline struct fllm_cmd kmd_cmd_spin(uint64_t cycles, uint32_t timeout_us)
{
	struct fllm_cmd c = kmd_cmd_test(FLLM_TEST_SPIN, 0, 0, cycles);

	c.arg[3] = 0;	/* SPIN takes no pattern */
	c.timeout_us = timeout_us;
	return c;
}

/* Submit n records; 0 or -errno, job ID and rejected count out. */
static inline int kmd_submit(int fd, const struct fllm_cmd *cmds, uint32_t n, uint64_t *job,
			     uint32_t *rejected)
{
	struct fllm_uapi_submit s = { 0 };
	int rc;

	s.cmds_ptr = (uint64_t)(uintptr_t)cmds;
	s.count = n;
	rc = kmd_io(fd, FLLM_IOCTL_SUBMIT, &s);
	if (job)
		*job = s.job;
	if (rejected)
		*rejected = s.rejected;
	return rc;
}

/* Wait for a job of n records; 0 or -errno. */
static inline int kmd_wait(int fd, uint64_t job, uint32_t n, uint64_t timeout_ns,
			   struct fllm_uapi_cpl *cpl)
{
	struct fllm_uapi_wait w = { 0 };

	w.job = job;
	w.timeout_ns = timeout_ns;
	w.cpls_ptr = (uint64_t)(uintptr_t)cpl;
	w.count = n;
	return kmd_io(fd, FLLM_IOCTL_WAIT, &w);
}

#endif /* FLLM_KMD_TEST_H */
