/*
 * kmd_fuzz: random and boundary ioctls against /dev/fllm0 for a bounded time.
 *
 * usage: kmd_fuzz [--seconds N] [--seed S]
 *
 * A victim process owns four BOs filled with a known pattern and tells the
 * fuzzer their handles and card addresses. The fuzzer then throws at the
 * driver: ioctl numbers of every type, size and direction with random
 * arguments; well-formed calls with one or more fields at boundary or random
 * values; its own live and stale handles, the victim's handle numbers and
 * card addresses; command records of known and unknown opcodes aimed at
 * everything; waits on jobs that are live, collected, foreign or invented;
 * unit parameter blocks built valid in the fuzzer's own BO, then with fields
 * mutated (addresses aimed at the victim, boundary strides and shapes, junk
 * bytes), some rewritten right after SUBMIT while a SPIN holds the unit back;
 * and a second file closed with work in flight. It passes when the victim's
 * memory is intact afterwards (checked on the card by the victim itself),
 * the card still fills and checks a fresh BO, and every call returned
 * (the rig separately fails on any kernel complaint).
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "fllm_card_lutgemm.h"
#include "fllm_card_vector.h"
#include "kmd_test.h"

#define VICTIM_BOS 4
#define OWN_MAX 32
#define JOBS_MAX 64
#define SEC 1000000000ull
#define FUZZ_BUF (1u << 20)	/* transfers into the scratch buffer stay below this */

struct victim_bo {
	uint32_t handle;
	uint64_t addr, size;
};

struct fuzz {
	uint64_t rng;
	int fd, fd2;
	struct fllm_uapi_query q;
	struct victim_bo victim[VICTIM_BOS];
	uint32_t own[OWN_MAX];		/* live handles (0 = free slot) */
	uint64_t own_addr[OWN_MAX], own_size[OWN_MAX];
	uint32_t stale[OWN_MAX];	/* freed handles */
	uint64_t jobs[JOBS_MAX];	/* live job IDs on fd (0 = none) */
	uint32_t job_n[JOBS_MAX];
	uint8_t *buf;			/* (2 * FUZZ_BUF) scratch for transfers */
	uint8_t *ro;			/* (4 KiB) read-only page */
	uint64_t calls, ok, errs[140];
};

static uint64_t rnd(struct fuzz *f)
{
	uint64_t z = (f->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t pick(struct fuzz *f, uint64_t n)
{
	return n ? rnd(f) % n : 0;
}

/* A number worth trying where a size, offset or address goes. */
static uint64_t boundary(struct fuzz *f)
{
	const uint64_t m = f->q.mem_size;
	const uint64_t v[] = { 0, 1, 7, 8, 63, 64, 4095, 4096, 4097, 1 << 20, m - 8, m - 1, m,
			       m + 1, m / f->q.mem_channels, UINT32_MAX, 1ull << 32,
			       UINT64_MAX - 4095, UINT64_MAX - 7, UINT64_MAX, rnd(f) };

	return v[pick(f, sizeof(v) / sizeof(v[0]))];
}

/* A card address: ours, the victim's, or anything. */
static uint64_t card_addr(struct fuzz *f)
{
	uint32_t i = (uint32_t)pick(f, OWN_MAX);

	switch (pick(f, 4)) {
	case 0:
		return f->own[i] ? f->own_addr[i] + pick(f, f->own_size[i] + 1) : boundary(f);
	case 1:
		return f->victim[pick(f, VICTIM_BOS)].addr + pick(f, 64) * 8;
	case 2:
		return pick(f, f->q.mem_size);
	default:
		return boundary(f);
	}
}

/* A handle: live, stale, the victim's number, or anything. */
static uint32_t handle(struct fuzz *f)
{
	uint32_t i = (uint32_t)pick(f, OWN_MAX);

	switch (pick(f, 4)) {
	case 0:
		return f->own[i];
	case 1:
		return f->stale[i];
	case 2:
		return f->victim[pick(f, VICTIM_BOS)].handle;
	default:
		return (uint32_t)boundary(f);
	}
}

/* A user pointer: the scratch buffer, read-only memory, or nonsense. */
static uint64_t user_ptr(struct fuzz *f)
{
	switch (pick(f, 6)) {
	case 0:
		return 0;
	case 1:
		return (uint64_t)(uintptr_t)f->ro;
	case 2:
		return 0xffff888000000000ull;	/* kernel space */
	case 3:
		return boundary(f);
	default:
		return (uint64_t)(uintptr_t)f->buf + pick(f, FUZZ_BUF);
	}
}

/* Count one call's outcome. */
static int note(struct fuzz *f, int rc)
{
	f->calls++;
	if (!rc)
		f->ok++;
	else if (-rc < (int)(sizeof(f->errs) / sizeof(f->errs[0])))
		f->errs[-rc]++;
	return rc;
}

static void fuzz_bo_create(struct fuzz *f)
{
	struct fllm_uapi_bo_create c = { 0 };
	uint32_t i = (uint32_t)pick(f, OWN_MAX);

	c.size = pick(f, 3) ? 1 + pick(f, 1 << 20) : boundary(f);
	c.align = pick(f, 2) ? 0 : (pick(f, 4) ? 1ull << pick(f, 40) : boundary(f));
	c.channel = (int32_t)pick(f, f->q.mem_channels + 4) - 2;
	if (!pick(f, 8))
		c.flags = (uint32_t)rnd(f);
	if (!pick(f, 8))
		c.pad = (uint32_t)rnd(f);
	if (note(f, kmd_io(f->fd, FLLM_IOCTL_BO_CREATE, &c)) || f->own[i]) {
		if (!f->own[i] && c.handle) {
			/* created but no slot: give it back at once */
			struct fllm_uapi_bo_free fr = { .handle = c.handle };

			kmd_io(f->fd, FLLM_IOCTL_BO_FREE, &fr);
		}
		return;
	}
	f->own[i] = c.handle;
	f->own_addr[i] = c.card_addr;
	f->own_size[i] = c.size;
}

static void fuzz_bo_free(struct fuzz *f)
{
	struct fllm_uapi_bo_free fr = { 0 };
	uint32_t i = (uint32_t)pick(f, OWN_MAX);

	fr.handle = pick(f, 2) ? f->own[i] : handle(f);
	if (!pick(f, 8))
		fr.pad = 1;
	if (!note(f, kmd_io(f->fd, FLLM_IOCTL_BO_FREE, &fr))) {
		for (uint32_t k = 0; k < OWN_MAX; k++)
			if (f->own[k] == fr.handle) {
				f->stale[k] = f->own[k];
				f->own[k] = 0;
			}
	}
}

/*
 * A transfer. The card really writes wherever a read's user pointer points,
 * so a read into the scratch buffer stays inside it; every other pointer is
 * either unwritable or not mapped at all.
 */
static void fuzz_xfer(struct fuzz *f)
{
	struct fllm_uapi_bo_xfer x = { 0 };
	int read = (int)pick(f, 2);
	uint64_t buf = (uint64_t)(uintptr_t)f->buf;

	x.handle = handle(f);
	x.offset = pick(f, 2) ? pick(f, 8192) : boundary(f);
	x.len = pick(f, 2) ? pick(f, FUZZ_BUF) : boundary(f);
	x.user_ptr = user_ptr(f);
	if (read && x.user_ptr >= buf && x.user_ptr < buf + 2 * FUZZ_BUF)
		x.len = pick(f, FUZZ_BUF + 1);
	if (!pick(f, 8))
		x.flags = (uint32_t)rnd(f);
	note(f, kmd_io(f->fd, read ? FLLM_IOCTL_BO_READ : FLLM_IOCTL_BO_WRITE, &x));
}

/* A record of a random opcode aimed at random places; compute budgets stay small. */
static void random_record(struct fuzz *f, struct fllm_cmd *c)
{
	static const uint16_t ops[] = { FLLM_OP_NOP, FLLM_OP_FENCE, FLLM_OP_TIMESTAMP,
					FLLM_OP_DMA_COPY, FLLM_OP_TEST, FLLM_OP_LUTGEMM,
					FLLM_OP_ATTENTION, FLLM_OP_VECTOR };

	memset(c, 0, sizeof(*c));
	c->opcode = pick(f, 8) ? ops[pick(f, sizeof(ops) / sizeof(ops[0]))] : (uint16_t)rnd(f);
	if (!pick(f, 8))
		c->flags = (uint16_t)rnd(f);
	if (!pick(f, 16))
		c->reserved = (uint32_t)rnd(f);
	c->timeout_us = 1 + (uint32_t)pick(f, 5000);
	for (int i = 0; i < 6; i++)
		c->arg[i] = pick(f, 3) ? card_addr(f) : (pick(f, 2) ? pick(f, 4) : boundary(f));
	if (c->opcode == FLLM_OP_TEST && !pick(f, 2)) {
		c->arg[0] = pick(f, 3);
		c->arg[2] = pick(f, 2) ? 8 * pick(f, 512) : boundary(f);
		c->arg[3] = pick(f, 5);
		c->arg[5] = 0;
	}
	if (c->opcode == FLLM_OP_DMA_COPY && !pick(f, 2)) {
		c->arg[2] = pick(f, 8192);
		c->arg[3] = pick(f, 4);
		c->arg[4] = c->arg[5] = 0;
	}
}

static void fuzz_submit(struct fuzz *f)
{
	struct fllm_cmd cmds[16];
	struct fllm_uapi_submit s = { 0 };
	uint32_t n = 1 + (uint32_t)pick(f, 16), slot = (uint32_t)pick(f, JOBS_MAX);

	for (uint32_t i = 0; i < n; i++)
		random_record(f, &cmds[i]);
	s.cmds_ptr = pick(f, 16) ? (uint64_t)(uintptr_t)cmds : user_ptr(f);
	s.count = pick(f, 16) ? n : (uint32_t)boundary(f);
	if (!pick(f, 16))
		s.flags = 1;
	if (note(f, kmd_io(f->fd, FLLM_IOCTL_SUBMIT, &s)))
		return;
	if (f->jobs[slot]) {	/* forget the old one, as a closing event would */
		struct fllm_uapi_wait w = { .job = f->jobs[slot],
					    .flags = FLLM_UAPI_WAIT_F_DISCARD };

		kmd_io(f->fd, FLLM_IOCTL_WAIT, &w);
	}
	f->jobs[slot] = s.job;
	f->job_n[slot] = s.count;
}

static void fuzz_wait(struct fuzz *f)
{
	/* a job may have up to FLLM_UAPI_SUBMIT_MAX records: fuzz_submit's
	 * boundary counts read past its 16 records on purpose */
	static struct fllm_uapi_cpl cpl[FLLM_UAPI_SUBMIT_MAX];
	struct fllm_uapi_wait w = { 0 };
	uint32_t slot = (uint32_t)pick(f, JOBS_MAX);

	w.job = pick(f, 4) ? f->jobs[slot] : boundary(f);
	w.count = pick(f, 8) ? f->job_n[slot] : (uint32_t)boundary(f);
	w.timeout_ns = pick(f, 2) ? 0 : pick(f, 2000000);
	w.cpls_ptr = pick(f, 8) ? (uint64_t)(uintptr_t)cpl : user_ptr(f);
	if (!pick(f, 8))
		w.flags = (uint32_t)pick(f, 4);
	if (!note(f, kmd_io(f->fd, FLLM_IOCTL_WAIT, &w)) && w.job == f->jobs[slot])
		f->jobs[slot] = 0;
}

/* Any number of our type or another, any size and direction, junk inside. */
static void fuzz_raw(struct fuzz *f)
{
	uint8_t arg[320];
	unsigned int dir = (unsigned int)pick(f, 4), size = (unsigned int)pick(f, sizeof(arg));
	unsigned int type = pick(f, 4) ? FLLM_IOCTL_TYPE : (unsigned int)pick(f, 256);
	unsigned long req = _IOC(dir, type, (unsigned int)pick(f, 16), size);

	for (size_t i = 0; i < sizeof(arg); i++)
		arg[i] = (uint8_t)(pick(f, 2) ? 0 : rnd(f));
	/* never a RESET storm, nor writes that stretch the watchdog budget */
	if (type == FLLM_IOCTL_TYPE && (_IOC_NR(req) == 0x0a || _IOC_NR(req) == 0x08))
		return;
	note(f, kmd_io(f->fd, req, pick(f, 16) ? arg : (void *)(uintptr_t)user_ptr(f)));
}

static void fuzz_regs(struct fuzz *f)
{
	struct fllm_uapi_reg r = { 0 };

	r.offset = pick(f, 2) ? (uint32_t)pick(f, FLLM_REG_BAR_SIZE / 4) * 4 : (uint32_t)boundary(f);
	r.value = (uint32_t)rnd(f);
	if (pick(f, 2)) {
		note(f, kmd_io(f->fd, FLLM_IOCTL_REG_READ, &r));
		return;
	}
	if (r.offset == FLLM_REG_WATCHDOG_US)
		r.value %= 20000;	/* keep compute budgets short */
	note(f, kmd_io(f->fd, FLLM_IOCTL_REG_WRITE, &r));
}

/* A valid LUT-GEMM (16 x 64, g 32, q 2, 2 slices) or vector ADD block over [a, a + 4096). */
static void params_block(uint8_t *blk /* (384) */, int vector, uint64_t a)
{
	struct fllm_lutgemm_params lp = { 0 };
	struct fllm_vector_params vp = { 0 };

	memset(blk, 0, 384);
	if (vector) {
		vp.magic = FLLM_VECTOR_MAGIC;
		vp.version = FLLM_VECTOR_VERSION;
		vp.op = FLLM_VECTOR_OP_ADD;
		vp.n = 16;
		vp.rows = 1;
		vp.in_addr = a + 512;
		vp.in2_addr = a + 1024;
		vp.out_addr = a + 1536;
		vp.in_stride = vp.in2_stride = vp.out_stride = 64;
		memcpy(blk, &vp, sizeof(vp));
		return;
	}
	lp.magic = FLLM_LUTGEMM_MAGIC;
	lp.version = FLLM_LUTGEMM_VERSION;
	lp.m = 16;
	lp.k = 64;
	lp.group = 32;
	lp.planes = 2;
	lp.n_tokens = 1;
	lp.slices = 2;
	lp.row_bytes = fllm_lutgemm_row_bytes(64, 32, 2);
	lp.act_addr = a + 512;
	lp.act_stride = fllm_lutgemm_act_bytes(64, 32);
	lp.out_addr = a + 1024;
	lp.out_stride = 64;
	lp.slice_addr[0] = a + 2048;
	lp.slice_addr[1] = a + 3072;
	memcpy(blk, &lp, sizeof(lp));
}

/*
 * A unit record whose block, in one of our BOs, starts valid and gets up to
 * three fields mutated; sometimes the block is rewritten again right after
 * SUBMIT, aimed at the victim, while a SPIN holds the unit back.
 */
static void fuzz_params(struct fuzz *f)
{
	uint32_t i = (uint32_t)pick(f, OWN_MAX), nw, late = !pick(f, 4);
	int vector = (int)pick(f, 2);
	struct fllm_uapi_bo_xfer x = { 0 };
	struct fllm_uapi_submit s = { 0 };
	uint64_t blk[48], a = f->own_addr[i];
	struct fllm_cmd c[2];

	if (!f->own[i] || f->own_size[i] < 4096)
		return;
	params_block((uint8_t *)blk, vector, a);
	nw = vector ? 16 : 48;
	for (uint32_t k = (uint32_t)pick(f, 4); k; k--) {
		uint32_t w = (uint32_t)pick(f, nw);

		switch (pick(f, 3)) {
		case 0:
			blk[w] = card_addr(f);
			break;
		case 1:
			blk[w] = boundary(f);
			break;
		default:
			((uint8_t *)blk)[8 * w + pick(f, 8)] = (uint8_t)rnd(f);
			break;
		}
	}
	x.handle = f->own[i];
	x.len = 8 * nw;
	x.user_ptr = (uint64_t)(uintptr_t)blk;
	if (note(f, kmd_io(f->fd, FLLM_IOCTL_BO_WRITE, &x)))
		return;
	c[0] = kmd_cmd_spin(late ? 2000000 : 1, 20000);
	memset(&c[1], 0, sizeof(c[1]));
	c[1].opcode = vector ? FLLM_OP_VECTOR : FLLM_OP_LUTGEMM;
	c[1].arg[0] = a;
	c[1].arg[1] = pick(f, 8) ? 8 * nw : boundary(f);
	c[1].timeout_us = 20000;
	s.cmds_ptr = (uint64_t)(uintptr_t)c;
	s.count = 2;
	if (note(f, kmd_io(f->fd, FLLM_IOCTL_SUBMIT, &s)))
		return;
	if (late) {
		((uint64_t *)blk)[vector ? 8 : 6] = f->victim[pick(f, VICTIM_BOS)].addr;
		note(f, kmd_io(f->fd, FLLM_IOCTL_BO_WRITE, &x));
	}
	{
		struct fllm_uapi_wait w = { .job = s.job, .flags = FLLM_UAPI_WAIT_F_DISCARD };

		kmd_io(f->fd, FLLM_IOCTL_WAIT, &w);
	}
}

/* The second file: work in flight, then closed and opened again. */
static void fuzz_second_file(struct fuzz *f)
{
	struct fllm_cmd c[2];
	uint64_t a = 0;
	uint32_t h = kmd_bo(f->fd2, 1 << 16, &a);

	c[0] = kmd_cmd_spin(3000000, 20000);
	c[1] = kmd_cmd_test(FLLM_TEST_FILL, a, 1 << 16, rnd(f));
	if (h)
		note(f, kmd_submit(f->fd2, c, 2, NULL, NULL));
	close(f->fd2);
	f->fd2 = open(kmd_test_node(), O_RDWR | O_CLOEXEC);
}

/* The victim: fill its BOs, report them, wait, then check them on the card. */
static int victim(int report, int go, uint64_t seed)
{
	int fd = open(kmd_test_node(), O_RDWR | O_CLOEXEC);
	struct victim_bo v[VICTIM_BOS];
	struct fllm_cmd c[VICTIM_BOS];
	struct fllm_uapi_cpl cpl[VICTIM_BOS];
	uint64_t job = 0;
	char b;
	int bad = 0;

	if (fd < 0)
		return 2;
	for (int i = 0; i < VICTIM_BOS; i++) {
		v[i].size = 4096u << i;
		v[i].handle = kmd_bo(fd, v[i].size, &v[i].addr);
		if (!v[i].handle)
			return 2;
		c[i] = kmd_cmd_test(FLLM_TEST_FILL, v[i].addr, v[i].size, seed + i);
	}
	if (kmd_submit(fd, c, VICTIM_BOS, &job, NULL) || kmd_wait(fd, job, VICTIM_BOS, 10 * SEC, cpl))
		return 2;
	if (write(report, v, sizeof(v)) != (ssize_t)sizeof(v) || read(go, &b, 1) != 1)
		return 2;
	for (int i = 0; i < VICTIM_BOS; i++)
		c[i] = kmd_cmd_test(FLLM_TEST_CHECK, v[i].addr, v[i].size, seed + i);
	if (kmd_submit(fd, c, VICTIM_BOS, &job, NULL) || kmd_wait(fd, job, VICTIM_BOS, 10 * SEC, cpl))
		return 2;
	for (int i = 0; i < VICTIM_BOS; i++) {
		if (cpl[i].status || cpl[i].result) {
			printf("kmd_fuzz: victim BO %d (card %#llx): status %u, %llu words changed\n",
			       i, (unsigned long long)v[i].addr, cpl[i].status,
			       (unsigned long long)cpl[i].result);
			bad = 1;
		}
	}
	close(fd);
	return bad;
}

/* Fill and check a fresh BO on a fresh file: the card survived. */
static int card_works(void)
{
	int fd = open(kmd_test_node(), O_RDWR | O_CLOEXEC);
	struct fllm_uapi_cpl cpl[2];
	struct fllm_cmd c[2];
	uint64_t a = 0, job = 0;
	int rc;

	if (fd < 0 || !kmd_bo(fd, 1 << 16, &a))
		return 0;
	c[0] = kmd_cmd_test(FLLM_TEST_FILL, a, 1 << 16, 77);
	c[1] = kmd_cmd_test(FLLM_TEST_CHECK, a, 1 << 16, 77);
	rc = !kmd_submit(fd, c, 2, &job, NULL) && !kmd_wait(fd, job, 2, 10 * SEC, cpl) &&
	     !cpl[0].status && !cpl[1].status && !cpl[1].result;
	close(fd);
	return rc;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * SEC + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct fuzz f = { 0 };
	uint64_t seconds = 10, seed = 1, end;
	int report[2], go[2], status = 0;
	pid_t child;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seconds"))
			seconds = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 0);
	}
	close(kmd_test_open_or_skip());
	/* the victim first, so it shares none of the fuzzer's files; it ends
	 * when the go pipe closes, even if the fuzzer dies */
	if (pipe(report) || pipe(go))
		return 1;
	child = fork();
	if (child == 0) {
		close(report[0]);
		close(go[1]);
		_exit(victim(report[1], go[0], seed));
	}
	close(report[1]);
	close(go[0]);
	f.fd = open(kmd_test_node(), O_RDWR | O_CLOEXEC);
	f.fd2 = open(kmd_test_node(), O_RDWR | O_CLOEXEC);
	if (f.fd < 0 || f.fd2 < 0 || kmd_io(f.fd, FLLM_IOCTL_QUERY, &f.q))
		return 1;
	f.rng = seed;
	f.buf = malloc(2 * FUZZ_BUF);
	f.ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!f.buf || f.ro == MAP_FAILED)
		return 1;
	if (read(report[0], f.victim, sizeof(f.victim)) != (ssize_t)sizeof(f.victim)) {
		printf("kmd_fuzz: the victim did not start\n");
		return 1;
	}
	end = now_ns() + seconds * SEC;
	while (now_ns() < end) {
		switch (pick(&f, 11)) {
		case 0:
			fuzz_bo_create(&f);
			break;
		case 1:
			fuzz_bo_free(&f);
			break;
		case 2:
			fuzz_xfer(&f);
			break;
		case 3:
		case 4:
			fuzz_submit(&f);
			break;
		case 5:
			fuzz_wait(&f);
			break;
		case 6:
		case 7:
			fuzz_raw(&f);
			break;
		case 8:
			fuzz_regs(&f);
			break;
		case 9:
			fuzz_params(&f);
			break;
		default:
			if (!pick(&f, 20))
				fuzz_second_file(&f);
			break;
		}
	}
	close(f.fd2);
	close(f.fd);	/* everything of ours goes, queued jobs finish on their own */
	free(f.buf);
	munmap(f.ro, 4096);
	if (write(go[1], "x", 1) != 1 || waitpid(child, &status, 0) != child)
		return 1;
	printf("kmd_fuzz: seed %llu, %llu calls in %llu s, %llu succeeded; errno counts:",
	       (unsigned long long)seed, (unsigned long long)f.calls,
	       (unsigned long long)seconds, (unsigned long long)f.ok);
	for (size_t e = 0; e < sizeof(f.errs) / sizeof(f.errs[0]); e++)
		if (f.errs[e])
			printf(" %s=%llu", strerrorname_np((int)e) ? strerrorname_np((int)e) : "?",
			       (unsigned long long)f.errs[e]);
	printf("\n");
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("kmd_fuzz: FAIL: the victim's memory was touched or it failed (%d)\n",
		       status);
		return 1;
	}
	if (!card_works()) {
		printf("kmd_fuzz: FAIL: the card does not work after fuzzing\n");
		return 1;
	}
	printf("kmd_fuzz: victim intact, card works\n");
	return 0;
}
