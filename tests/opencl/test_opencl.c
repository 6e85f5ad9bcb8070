/*
 * The fllm OpenCL platform through the system's ICD loader: a plain OpenCL
 * host program (<CL/cl.h>, linked only to libOpenCL) that finds the platform
 * ctest registered with OCL_ICD_VENDORS, moves buffers, and runs the
 * built-in LUT-GEMM and vector kernels on the emulated card, comparing the
 * results bit for bit with the golden models (hls/) run on an image of card
 * memory. The inputs are made with the runtime's packers (runtime/cardpack).
 * Every case ends with the context's reference count back at 1: each object
 * holds its context, so that proves nothing the case made is still alive.
 */
#define CL_TARGET_OPENCL_VERSION 300
#define CL_USE_DEPRECATED_OPENCL_1_1_APIS
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#include <CL/cl.h>
#include <CL/cl_ext.h>	/* CL_PLATFORM_ICD_SUFFIX_KHR */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_attention.h"
#include "fllm_cardpack.h"
#include "fllm_lutgemm.h"
#include "fllm_vector.h"
#include "test_main.h"
#include "test_rng.h"

#define ASSERT_CL(call, want) FLLM_ASSERT_STATUS((call), (want))

static cl_platform_id plat;
static cl_device_id dev;
static cl_context ctx;
static cl_command_queue queue;		/* with CL_QUEUE_PROFILING_ENABLE */

/* The platform named "fllm" among those the loader found. */
static int suite_open(void)
{
	cl_platform_id ids[16];
	cl_uint n = 0;
	cl_int err;

	if (clGetPlatformIDs(16, ids, &n) != CL_SUCCESS)
		return 1;
	for (cl_uint i = 0; i < n && i < 16; i++) {
		char name[64] = "";

		clGetPlatformInfo(ids[i], CL_PLATFORM_NAME, sizeof(name), name, NULL);
		if (!strcmp(name, "fllm"))
			plat = ids[i];
	}
	if (!plat) {
		fprintf(stderr, "no platform named fllm (OCL_ICD_VENDORS=%s)\n",
			getenv("OCL_ICD_VENDORS") ? getenv("OCL_ICD_VENDORS") : "unset");
		return 1;
	}
	if (clGetDeviceIDs(plat, CL_DEVICE_TYPE_ACCELERATOR, 1, &dev, NULL) != CL_SUCCESS)
		return 1;
	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	if (!ctx)
		return 1;
	queue = clCreateCommandQueue(ctx, dev, CL_QUEUE_PROFILING_ENABLE, &err);
	return queue ? 0 : 1;
}

static int suite_close(void)
{
	clReleaseCommandQueue(queue);
	clReleaseContext(ctx);
	return 0;
}

/* The context holds only the suite's own reference and its queue's. */
static void after_each(void)
{
	cl_uint refs = 0;

	ASSERT_CL(clGetContextInfo(ctx, CL_CONTEXT_REFERENCE_COUNT, sizeof(refs), &refs, NULL),
		  CL_SUCCESS);
	FLLM_ASSERT_EQ_U64(refs, 2);
}

static cl_mem buffer(size_t size, cl_mem_flags flags, void *host)
{
	cl_int err = -1;
	cl_mem m = clCreateBuffer(ctx, flags, size, host, &err);

	ASSERT_CL(err, CL_SUCCESS);
	return m;
}

/* ------------------------------------------------------------------ */
/* Platform and device facts                                          */
/* ------------------------------------------------------------------ */

static void test_platform_info(void)
{
	char text[512];
	size_t len = 0;
	cl_device_type type = 0;
	cl_ulong mem = 0, max_alloc = 0;
	cl_device_id other;
	cl_uint n = 99;

	ASSERT_CL(clGetPlatformInfo(plat, CL_PLATFORM_ICD_SUFFIX_KHR, sizeof(text), text, NULL),
		  CL_SUCCESS);
	CU_ASSERT_STRING_EQUAL(text, "FLLM");
	ASSERT_CL(clGetPlatformInfo(plat, CL_PLATFORM_EXTENSIONS, sizeof(text), text, NULL),
		  CL_SUCCESS);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "cl_khr_icd"));
	/* size query, then a buffer one byte short */
	ASSERT_CL(clGetPlatformInfo(plat, CL_PLATFORM_VERSION, 0, NULL, &len), CL_SUCCESS);
	ASSERT_CL(clGetPlatformInfo(plat, CL_PLATFORM_VERSION, sizeof(text), text, NULL),
		  CL_SUCCESS);
	FLLM_ASSERT_EQ_U64(len, strlen(text) + 1);
	CU_ASSERT_EQUAL(strncmp(text, "OpenCL 1.2 ", 11), 0);
	ASSERT_CL(clGetPlatformInfo(plat, CL_PLATFORM_VERSION, len - 1, text, NULL),
		  CL_INVALID_VALUE);
	ASSERT_CL(clGetPlatformInfo(plat, 0x7fff, sizeof(text), text, NULL), CL_INVALID_VALUE);

	ASSERT_CL(clGetDeviceInfo(dev, CL_DEVICE_TYPE, sizeof(type), &type, NULL), CL_SUCCESS);
	FLLM_ASSERT_EQ_U64(type, CL_DEVICE_TYPE_ACCELERATOR);
	ASSERT_CL(clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof(mem), &mem, NULL),
		  CL_SUCCESS);
	ASSERT_CL(clGetDeviceInfo(dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof(max_alloc),
				  &max_alloc, NULL), CL_SUCCESS);
	CU_ASSERT(mem > 0 && max_alloc > 0 && max_alloc <= mem);
	ASSERT_CL(clGetDeviceInfo(dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE, 4, &max_alloc, NULL),
		  CL_INVALID_VALUE);
	ASSERT_CL(clGetDeviceInfo(dev, CL_DEVICE_BUILT_IN_KERNELS, sizeof(text), text, NULL),
		  CL_SUCCESS);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "fllm_lutgemm"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "fllm_vector_add"));
	ASSERT_CL(clGetDeviceInfo(dev, CL_DEVICE_NAME, sizeof(text), text, NULL), CL_SUCCESS);
	CU_ASSERT_EQUAL(strncmp(text, "fllm ", 5), 0);
	/* types the platform lacks */
	ASSERT_CL(clGetDeviceIDs(plat, CL_DEVICE_TYPE_GPU, 1, &other, &n), CL_DEVICE_NOT_FOUND);
	ASSERT_CL(clGetDeviceIDs(plat, CL_DEVICE_TYPE_CPU, 0, NULL, &n), CL_DEVICE_NOT_FOUND);
	ASSERT_CL(clGetDeviceIDs(plat, CL_DEVICE_TYPE_ALL, 0, NULL, &n), CL_SUCCESS);
	CU_ASSERT(n >= 1);
	/* context properties: none given, the platform given, an unknown one */
	{
		cl_context_properties props[3] = { CL_CONTEXT_PLATFORM,
						   (cl_context_properties)plat, 0 };
		cl_context_properties bad[3] = { 0x7fff, 1, 0 };
		cl_context_properties got[4];
		size_t got_size = 99;
		cl_int err = -1;
		cl_context c2;

		ASSERT_CL(clGetContextInfo(ctx, CL_CONTEXT_PROPERTIES, sizeof(got), got, &got_size),
			  CL_SUCCESS);
		FLLM_ASSERT_EQ_U64(got_size, 0);
		ASSERT_CL(clGetDeviceInfo(dev, CL_DEVICE_PARTITION_TYPE, sizeof(got), got,
					  &got_size), CL_SUCCESS);
		FLLM_ASSERT_EQ_U64(got_size, 0);
		c2 = clCreateContext(props, 1, &dev, NULL, NULL, &err);
		ASSERT_CL(err, CL_SUCCESS);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
		ASSERT_CL(clGetContextInfo(c2, CL_CONTEXT_PROPERTIES, sizeof(got), got, &got_size),
			  CL_SUCCESS);
		FLLM_ASSERT_EQ_U64(got_size, sizeof(props));
		CU_ASSERT(got[0] == CL_CONTEXT_PLATFORM && got[1] == (cl_context_properties)plat);
		ASSERT_CL(clReleaseContext(c2), CL_SUCCESS);
		CU_ASSERT_PTR_NULL(clCreateContext(bad, 1, &dev, NULL, NULL, &err));
		ASSERT_CL(err, CL_INVALID_PROPERTY);
	}
	/* queues: the 2.0 form, in order only */
	{
		const cl_queue_properties ok[] = { CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0 };
		const cl_queue_properties ooo[] = { CL_QUEUE_PROPERTIES,
						    CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, 0 };
		cl_command_queue_properties got = 0;
		cl_int err = -1;
		cl_command_queue q2 = clCreateCommandQueueWithProperties(ctx, dev, ok, &err);

		ASSERT_CL(err, CL_SUCCESS);
		CU_ASSERT_PTR_NOT_NULL_FATAL(q2);
		ASSERT_CL(clGetCommandQueueInfo(q2, CL_QUEUE_PROPERTIES, sizeof(got), &got, NULL),
			  CL_SUCCESS);
		FLLM_ASSERT_EQ_U64(got, CL_QUEUE_PROFILING_ENABLE);
		ASSERT_CL(clReleaseCommandQueue(q2), CL_SUCCESS);
		CU_ASSERT_PTR_NULL(clCreateCommandQueueWithProperties(ctx, dev, ooo, &err));
		ASSERT_CL(err, CL_INVALID_QUEUE_PROPERTIES);
	}
}

/* ------------------------------------------------------------------ */
/* Buffers, events, profiling                                         */
/* ------------------------------------------------------------------ */

static void test_buffer_roundtrip(void)
{
	enum { N = 10000 };
	uint8_t *a = malloc(N), *b = malloc(N);	/* (N) bytes each */
	uint64_t rng = 11;
	cl_mem m1, m2;
	cl_uint refs = 0;
	cl_event ev;
	cl_int status = 0;
	cl_ulong t[4] = { 0 };

	CU_ASSERT_FATAL(a && b);
	for (int i = 0; i < N; i++)
		a[i] = (uint8_t)fllm_rng_next(&rng);
	m1 = buffer(N, CL_MEM_READ_WRITE, NULL);
	m2 = buffer(N, CL_MEM_READ_WRITE, NULL);
	ASSERT_CL(clEnqueueWriteBuffer(queue, m1, CL_TRUE, 0, N, a, 0, NULL, NULL), CL_SUCCESS);
	/* card-side copy of [100, 9100) to offset 500 */
	ASSERT_CL(clEnqueueCopyBuffer(queue, m1, m2, 100, 500, 9000, 0, NULL, &ev), CL_SUCCESS);
	ASSERT_CL(clWaitForEvents(1, &ev), CL_SUCCESS);
	ASSERT_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(status), &status,
				 NULL), CL_SUCCESS);
	FLLM_ASSERT_EQ_U64(status, CL_COMPLETE);
	ASSERT_CL(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_QUEUED, 8, &t[0], NULL),
		  CL_SUCCESS);
	ASSERT_CL(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_SUBMIT, 8, &t[1], NULL),
		  CL_SUCCESS);
	ASSERT_CL(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, 8, &t[2], NULL),
		  CL_SUCCESS);
	ASSERT_CL(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, 8, &t[3], NULL),
		  CL_SUCCESS);
	CU_ASSERT(t[0] > 0 && t[0] <= t[1] && t[1] <= t[2] && t[2] < t[3]);
	ASSERT_CL(clReleaseEvent(ev), CL_SUCCESS);
	ASSERT_CL(clEnqueueReadBuffer(queue, m2, CL_TRUE, 500, 9000, b, 0, NULL, NULL),
		  CL_SUCCESS);
	CU_ASSERT_EQUAL(memcmp(a + 100, b, 9000), 0);
	/* ranges outside the buffer, overlap in one buffer */
	ASSERT_CL(clEnqueueReadBuffer(queue, m2, CL_TRUE, 1, N, b, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	ASSERT_CL(clEnqueueWriteBuffer(queue, m2, CL_TRUE, N, 1, a, 0, NULL, NULL),
		  CL_INVALID_VALUE);
	ASSERT_CL(clEnqueueCopyBuffer(queue, m1, m1, 0, 10, 100, 0, NULL, NULL),
		  CL_MEM_COPY_OVERLAP);
	/* reference counts */
	ASSERT_CL(clRetainMemObject(m1), CL_SUCCESS);
	ASSERT_CL(clGetMemObjectInfo(m1, CL_MEM_REFERENCE_COUNT, sizeof(refs), &refs, NULL),
		  CL_SUCCESS);
	FLLM_ASSERT_EQ_U64(refs, 2);
	ASSERT_CL(clReleaseMemObject(m1), CL_SUCCESS);
	ASSERT_CL(clReleaseMemObject(m1), CL_SUCCESS);
	ASSERT_CL(clReleaseMemObject(m2), CL_SUCCESS);
	free(a);
	free(b);
}

static void test_buffer_fill_map(void)
{
	enum { N = 4096 };
	uint32_t host[N / 4];	/* (N / 4) words, the USE_HOST_PTR store */
	const uint32_t pat = 0xa5c30f01u;
	cl_mem m, u;
	uint32_t *p;
	cl_uint maps = 9;
	cl_int err = -1;

	m = buffer(N, CL_MEM_READ_WRITE, NULL);
	ASSERT_CL(clEnqueueFillBuffer(queue, m, &pat, 4, 64, N - 128, 0, NULL, NULL), CL_SUCCESS);
	ASSERT_CL(clEnqueueFillBuffer(queue, m, &pat, 3, 0, 12, 0, NULL, NULL), CL_INVALID_VALUE);
	ASSERT_CL(clEnqueueFillBuffer(queue, m, &pat, 4, 2, 8, 0, NULL, NULL), CL_INVALID_VALUE);
	p = clEnqueueMapBuffer(queue, m, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 64, N - 128, 0, NULL,
			       NULL, &err);
	ASSERT_CL(err, CL_SUCCESS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	ASSERT_CL(clGetMemObjectInfo(m, CL_MEM_MAP_COUNT, sizeof(maps), &maps, NULL), CL_SUCCESS);
	FLLM_ASSERT_EQ_U64(maps, 1);
	for (int i = 0; i < (N - 128) / 4; i++)
		if (p[i] != pat) {
			FLLM_ASSERT_EQ_U64(p[i], pat);
			break;
		}
	p[5] = 77;
	ASSERT_CL(clEnqueueUnmapMemObject(queue, m, p, 0, NULL, NULL), CL_SUCCESS);
	ASSERT_CL(clEnqueueUnmapMemObject(queue, m, p, 0, NULL, NULL), CL_INVALID_VALUE);
	{
		uint32_t w[8];

		ASSERT_CL(clEnqueueReadBuffer(queue, m, CL_TRUE, 64, sizeof(w), w, 0, NULL, NULL),
			  CL_SUCCESS);
		FLLM_ASSERT_EQ_U64(w[5], 77);
		FLLM_ASSERT_EQ_U64(w[6], pat);
	}
	/* USE_HOST_PTR: the map is in the caller's memory */
	for (int i = 0; i < N / 4; i++)
		host[i] = (uint32_t)i * 3u;
	u = buffer(N, CL_MEM_USE_HOST_PTR, host);
	ASSERT_CL(clEnqueueCopyBuffer(queue, m, u, 64, 0, 64, 0, NULL, NULL), CL_SUCCESS);
	p = clEnqueueMapBuffer(queue, u, CL_TRUE, CL_MAP_READ, 0, N, 0, NULL, NULL, &err);
	ASSERT_CL(err, CL_SUCCESS);
	CU_ASSERT_PTR_EQUAL(p, host);
	FLLM_ASSERT_EQ_U64(host[5], 77);
	FLLM_ASSERT_EQ_U64(host[16], 48);
	ASSERT_CL(clEnqueueUnmapMemObject(queue, u, p, 0, NULL, NULL), CL_SUCCESS);
	/* flag rules */
	CU_ASSERT_PTR_NULL(clCreateBuffer(ctx, CL_MEM_USE_HOST_PTR, N, NULL, &err));
	ASSERT_CL(err, CL_INVALID_HOST_PTR);
	CU_ASSERT_PTR_NULL(clCreateBuffer(ctx, CL_MEM_READ_ONLY | CL_MEM_WRITE_ONLY, N, NULL,
					  &err));
	ASSERT_CL(err, CL_INVALID_VALUE);
	CU_ASSERT_PTR_NULL(clCreateBuffer(ctx, 0, 0, NULL, &err));
	ASSERT_CL(err, CL_INVALID_BUFFER_SIZE);
	ASSERT_CL(clReleaseMemObject(u), CL_SUCCESS);
	ASSERT_CL(clReleaseMemObject(m), CL_SUCCESS);
}

/* ------------------------------------------------------------------ */
/* Built-in kernels against the golden models                         */
/* ------------------------------------------------------------------ */

/* A kernel of a built-in program of one name. */
static cl_kernel builtin_kernel(const char *name)
{
	cl_program prog;
	cl_kernel k;
	cl_int err = -1;

	prog = clCreateProgramWithBuiltInKernels(ctx, 1, &dev, name, &err);
	ASSERT_CL(err, CL_SUCCESS);
	if (!prog)
		return NULL;
	ASSERT_CL(clBuildProgram(prog, 1, &dev, "", NULL, NULL), CL_SUCCESS);
	k = clCreateKernel(prog, name, &err);
	ASSERT_CL(err, CL_SUCCESS);
	clReleaseProgram(prog);	/* the kernel holds it */
	return k;
}

static void set_mem(cl_kernel k, cl_uint i, cl_mem m)
{
	ASSERT_CL(clSetKernelArg(k, i, sizeof(m), &m), CL_SUCCESS);
}

static void set_u32(cl_kernel k, cl_uint i, cl_uint v)
{
	ASSERT_CL(clSetKernelArg(k, i, sizeof(v), &v), CL_SUCCESS);
}

/* Bytes of b that differ from a; the first difference printed. */
static uint64_t diff_words(const uint32_t *got, const uint32_t *want, size_t n, const char *what)
{
	uint64_t bad = 0;

	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i] && !bad++)
			fprintf(stderr, "  %s: word %zu: got 0x%08x, want 0x%08x\n", what, i,
				got[i], want[i]);
	return bad;
}

struct lg_problem {
	uint32_t m, k, g, q, flags, n_tokens;
	struct fllm_lutgemm_params p;	/* shape and strides; addresses 0 */
	uint8_t *weights;		/* (m, row_bytes) one slice of row records */
	uint8_t *act;			/* (n_tokens, act_stride) activation records */
	uint64_t w_bytes, act_bytes, out_bytes;
};

/* A random BCQ matrix and activations, packed by the runtime's packers. */
static int lg_make(struct lg_problem *pb, uint64_t seed)
{
	uint32_t groups = fllm_lutgemm_groups(pb->k, pb->g);
	float *alpha = malloc(sizeof(float) * pb->m * groups * pb->q);	/* (m, groups, q) */
	float *z = malloc(sizeof(float) * pb->m * groups);		/* (m, groups) */
	uint8_t *bits = malloc((size_t)pb->m * pb->q * pb->k);		/* (m, q, k) */
	float *x = malloc(sizeof(float) * pb->k);			/* (k) one token */
	uint16_t *msx = malloc(2u * groups);				/* (groups) */
	int8_t *xq = malloc((size_t)groups * pb->g);			/* (groups * g) */
	uint64_t rng = seed;
	int ok = 0;

	if (!alpha || !z || !bits || !x || !msx || !xq)
		goto out;
	if (fllm_lutgemm_params_init(&pb->p, pb->m, pb->k, pb->g, pb->q, pb->flags, pb->n_tokens,
				     1) != FLLM_CARD_OK)
		goto out;
	for (size_t i = 0; i < (size_t)pb->m * groups * pb->q; i++)
		alpha[i] = (float)(0.01 + 0.2 * test_rng_unit(&rng));
	for (size_t i = 0; i < (size_t)pb->m * groups; i++)
		z[i] = test_rng_f32_signed(&rng) * 0.05f;
	for (size_t i = 0; i < (size_t)pb->m * pb->q * pb->k; i++)
		bits[i] = (uint8_t)(fllm_rng_next(&rng) & 1);
	pb->w_bytes = (uint64_t)pb->m * pb->p.row_bytes;
	pb->act_bytes = (pb->n_tokens - 1) * pb->p.act_stride + fllm_lutgemm_act_bytes(pb->k, pb->g);
	pb->out_bytes = (pb->n_tokens - 1) * pb->p.out_stride + 4ull * pb->m;
	pb->weights = calloc(1, pb->w_bytes);
	pb->act = calloc(1, pb->n_tokens * pb->p.act_stride);
	if (!pb->weights || !pb->act)
		goto out;
	if (fllm_lutgemm_pack(pb->m, pb->k, pb->g, pb->q, alpha,
			      (pb->flags & FLLM_LUTGEMM_F_OFFSET) ? z : NULL, bits, 1,
			      &pb->weights) != FLLM_CARD_OK)
		goto out;
	for (uint32_t n = 0; n < pb->n_tokens; n++) {
		int32_t ex;

		for (uint32_t i = 0; i < pb->k; i++)
			x[i] = (float)test_rng_normal(&rng);
		if (fllm_lutgemm_act_quantize(pb->k, pb->g, x, &ex, msx, xq) != FLLM_CARD_OK)
			goto out;
		fllm_lutgemm_act_write(pb->act + n * pb->p.act_stride, pb->k, pb->g, ex, msx, xq);
	}
	ok = 1;
out:
	free(alpha);
	free(z);
	free(bits);
	free(x);
	free(msx);
	free(xq);
	return ok;
}

/* The golden model on a card-memory image: params | act | weights | out. */
static int lg_golden(const struct lg_problem *pb, uint8_t *out /* (out_bytes) */)
{
	struct fllm_lutgemm_params p = pb->p;
	uint64_t a_act = 512, a_w = fllm_lutgemm_align(a_act + pb->act_bytes);
	uint64_t a_out = fllm_lutgemm_align(a_w + pb->w_bytes);
	uint64_t size = a_out + fllm_lutgemm_align(pb->out_bytes);
	uint8_t *img = calloc(1, size);	/* (size) card memory */
	int ok;

	if (!img)
		return 0;
	p.act_addr = a_act;
	p.slice_addr[0] = a_w;
	p.out_addr = a_out;
	memcpy(img, &p, sizeof(p));
	memcpy(img + a_act, pb->act, pb->act_bytes);
	memcpy(img + a_w, pb->weights, pb->w_bytes);
	ok = fllm_hls_lutgemm_unit(img, size, 0, sizeof(p)) == FLLM_CARD_OK;
	memcpy(out, img + a_out, pb->out_bytes);
	free(img);
	return ok;
}

static void lg_case(uint32_t m, uint32_t k, uint32_t g, uint32_t q, uint32_t flags,
		    uint32_t n_tokens, uint64_t seed)
{
	struct lg_problem pb = { .m = m, .k = k, .g = g, .q = q, .flags = flags,
				 .n_tokens = n_tokens };
	uint8_t *want = NULL, *got = NULL;	/* (out_bytes) each */
	cl_mem w = NULL, a = NULL, o = NULL;
	cl_kernel kern;
	cl_event ev = NULL;
	cl_ulong t0 = 0, t1 = 0;

	CU_ASSERT_FATAL(lg_make(&pb, seed));
	want = calloc(1, pb.out_bytes);
	got = calloc(1, pb.out_bytes);
	CU_ASSERT_FATAL(want && got);
	CU_ASSERT_FATAL(lg_golden(&pb, want));
	kern = builtin_kernel("fllm_lutgemm");
	CU_ASSERT_PTR_NOT_NULL_FATAL(kern);
	/* exact sizes: the ICD checks the buffers hold what the shape needs */
	w = buffer(pb.w_bytes, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, pb.weights);
	a = buffer(pb.act_bytes, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, pb.act);
	o = buffer(pb.out_bytes, CL_MEM_WRITE_ONLY, NULL);
	set_mem(kern, 0, w);
	set_mem(kern, 1, a);
	set_mem(kern, 2, o);
	set_u32(kern, 3, m);
	set_u32(kern, 4, k);
	set_u32(kern, 5, g);
	set_u32(kern, 6, q);
	set_u32(kern, 7, flags);
	set_u32(kern, 8, n_tokens);
	ASSERT_CL(clEnqueueTask(queue, kern, 0, NULL, &ev), CL_SUCCESS);
	ASSERT_CL(clWaitForEvents(1, &ev), CL_SUCCESS);
	ASSERT_CL(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, 8, &t0, NULL),
		  CL_SUCCESS);
	ASSERT_CL(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, 8, &t1, NULL),
		  CL_SUCCESS);
	CU_ASSERT(t1 > t0);
	ASSERT_CL(clEnqueueReadBuffer(queue, o, CL_TRUE, 0, pb.out_bytes, got, 0, NULL, NULL),
		  CL_SUCCESS);
	for (uint32_t n = 0; n < n_tokens; n++)
		FLLM_ASSERT_EQ_U64(diff_words((const uint32_t *)(got + n * pb.p.out_stride),
					      (const uint32_t *)(want + n * pb.p.out_stride), m,
					      "lutgemm"), 0);
	/* one byte short of the weights: refused before the card sees it */
	{
		cl_mem small = buffer(pb.w_bytes - 1, CL_MEM_READ_WRITE, NULL);

		set_mem(kern, 0, small);
		ASSERT_CL(clEnqueueTask(queue, kern, 0, NULL, NULL), CL_INVALID_KERNEL_ARGS);
		ASSERT_CL(clReleaseMemObject(small), CL_SUCCESS);
	}
	clReleaseEvent(ev);
	clReleaseKernel(kern);
	clReleaseMemObject(w);
	clReleaseMemObject(a);
	clReleaseMemObject(o);
	free(want);
	free(got);
	free(pb.weights);
	free(pb.act);
}

static void test_lutgemm_golden(void)
{
	lg_case(70, 300, 64, 3, 0, 3, 0x5eed01);
	lg_case(33, 128, 128, 2, FLLM_LUTGEMM_F_OFFSET, 1, 0x5eed02);
	lg_case(129, 1000, 32, 4, FLLM_LUTGEMM_F_OFFSET, 5, 0x5eed03);
}

/* fllm_vector_add on rows at the 64-byte stride against the golden unit. */
static void test_vector_add_golden(void)
{
	const uint32_t n = 100, rows = 3;
	struct fllm_vector_params p;
	uint64_t stride, bytes, rng = 0xadd;
	uint8_t *in, *in2, *img, *got;	/* (bytes) rows at stride; img the card memory */
	uint64_t a_in = 256, a_in2, a_out, img_bytes, nf = 0;
	cl_mem m_in, m_in2, m_out;
	cl_kernel kern;

	CU_ASSERT_FATAL(fllm_vector_params_init(&p, FLLM_VECTOR_OP_ADD, 0, n, rows, 0) ==
			FLLM_CARD_OK);
	stride = p.in_stride;
	bytes = (rows - 1) * stride + 4ull * n;
	a_in2 = fllm_lutgemm_align(a_in + bytes);
	a_out = fllm_lutgemm_align(a_in2 + bytes);
	img_bytes = fllm_lutgemm_align(a_out + bytes);
	in = calloc(1, bytes);
	in2 = calloc(1, bytes);
	got = calloc(1, bytes);
	img = calloc(1, img_bytes);
	CU_ASSERT_FATAL(in && in2 && got && img);
	for (uint32_t r = 0; r < rows; r++) {
		for (uint32_t i = 0; i < n; i++) {
			float a = (float)test_rng_normal(&rng), b = (float)test_rng_normal(&rng);

			memcpy(in + r * stride + 4 * i, &a, 4);
			memcpy(in2 + r * stride + 4 * i, &b, 4);
		}
	}
	p.in_addr = a_in;
	p.in2_addr = a_in2;
	p.out_addr = a_out;
	memcpy(img, &p, sizeof(p));
	memcpy(img + a_in, in, bytes);
	memcpy(img + a_in2, in2, bytes);
	CU_ASSERT_FATAL(fllm_hls_vector_unit(img, img_bytes, 0, sizeof(p), &nf) == FLLM_CARD_OK);

	kern = builtin_kernel("fllm_vector_add");
	CU_ASSERT_PTR_NOT_NULL_FATAL(kern);
	m_in = buffer(bytes, CL_MEM_COPY_HOST_PTR, in);
	m_in2 = buffer(bytes, CL_MEM_COPY_HOST_PTR, in2);
	m_out = buffer(bytes, CL_MEM_READ_WRITE, NULL);
	set_mem(kern, 0, m_in);
	set_mem(kern, 1, m_in2);
	set_mem(kern, 2, m_out);
	set_u32(kern, 3, n);
	set_u32(kern, 4, rows);
	{
		const size_t global[2] = { 1, 1 };

		ASSERT_CL(clEnqueueNDRangeKernel(queue, kern, 2, NULL, global, NULL, 0, NULL, NULL),
			  CL_SUCCESS);
	}
	ASSERT_CL(clFinish(queue), CL_SUCCESS);
	ASSERT_CL(clEnqueueReadBuffer(queue, m_out, CL_TRUE, 0, bytes, got, 0, NULL, NULL),
		  CL_SUCCESS);
	for (uint32_t r = 0; r < rows; r++)
		FLLM_ASSERT_EQ_U64(diff_words((const uint32_t *)(got + r * stride),
					      (const uint32_t *)(img + a_out + r * stride), n,
					      "vector add"), 0);
	clReleaseKernel(kern);
	clReleaseMemObject(m_in);
	clReleaseMemObject(m_in2);
	clReleaseMemObject(m_out);
	free(in);
	free(in2);
	free(got);
	free(img);
}

/*
 * fllm_vector_copy with FLLM_VECTOR_F_QUANT quantizes fp32 rows into
 * LUT-GEMM activation records on the card; the runtime's host quantizer
 * (runtime/cardpack) applies the same rounding, so the records must match
 * byte for byte.
 */
static void test_vector_quant_records(void)
{
	const uint32_t n = 300, rows = 4, g = 64;
	const uint64_t in_stride = fllm_lutgemm_align(4ull * n);
	const uint64_t rec = fllm_lutgemm_act_bytes(n, g);
	uint32_t groups = fllm_lutgemm_groups(n, g);
	float *x = calloc(rows, in_stride);			/* (rows, in_stride / 4) */
	uint8_t *want = calloc(rows, rec), *got = calloc(rows, rec);	/* (rows, rec) */
	uint16_t *msx = malloc(2u * groups);			/* (groups) */
	int8_t *xq = malloc((size_t)groups * g);		/* (groups * g) */
	uint64_t rng = 0xc0b1;
	cl_mem m_in, m_out;
	cl_kernel kern;

	CU_ASSERT_FATAL(x && want && got && msx && xq);
	for (uint32_t r = 0; r < rows; r++) {
		float *row = x + r * in_stride / 4;
		int32_t ex;

		for (uint32_t i = 0; i < n; i++)
			row[i] = (float)(test_rng_normal(&rng) * (r + 1));
		CU_ASSERT_FATAL(fllm_lutgemm_act_quantize(n, g, row, &ex, msx, xq) == FLLM_CARD_OK);
		fllm_lutgemm_act_write(want + r * rec, n, g, ex, msx, xq);
	}
	kern = builtin_kernel("fllm_vector_copy");
	CU_ASSERT_PTR_NOT_NULL_FATAL(kern);
	m_in = buffer((rows - 1) * in_stride + 4ull * n, CL_MEM_COPY_HOST_PTR, x);
	m_out = buffer(rows * rec, CL_MEM_READ_WRITE, NULL);
	set_mem(kern, 0, m_in);
	set_mem(kern, 1, m_out);
	set_u32(kern, 2, n);
	set_u32(kern, 3, rows);
	set_u32(kern, 4, FLLM_VECTOR_F_QUANT);
	set_u32(kern, 5, g);
	ASSERT_CL(clEnqueueTask(queue, kern, 0, NULL, NULL), CL_SUCCESS);
	ASSERT_CL(clEnqueueReadBuffer(queue, m_out, CL_TRUE, 0, rows * rec, got, 0, NULL, NULL),
		  CL_SUCCESS);
	FLLM_ASSERT_EQ_U64(diff_words((const uint32_t *)got, (const uint32_t *)want,
				      rows * rec / 4, "vector copy F_QUANT records"), 0);
	/* a group size the unit does not take */
	set_u32(kern, 5, 48);
	ASSERT_CL(clEnqueueTask(queue, kern, 0, NULL, NULL), CL_INVALID_KERNEL_ARGS);
	clReleaseKernel(kern);
	clReleaseMemObject(m_in);
	clReleaseMemObject(m_out);
	free(x);
	free(want);
	free(got);
	free(msx);
	free(xq);
}

/*
 * Attention: APPEND 21 tokens of one sequence into a pool of 4 blocks of 16
 * (through the table {3, 1}), then PREFILL the whole chunk and DECODE its
 * last token. The golden model runs the same three commands on a card image
 * whose descriptors hold card addresses; the OpenCL descriptors hold byte
 * offsets into the tables buffer.
 */
enum { AT_HD = 16, AT_NH = 4, AT_NKV = 2, AT_B = 16, AT_T = 21, AT_POOL = 4 };

struct at_image {
	uint8_t *mem;			/* (size) card memory */
	uint64_t size, seq, tab, k, v, q, pool, out, out2;
};

/* Run one attention command from block p (addresses filled here) on the image. */
static int at_golden_run(struct at_image *im, struct fllm_attention_params *p,
			 const struct fllm_attention_seq *sq, uint64_t out)
{
	struct fllm_attention_seq s = *sq;
	uint64_t nf = 0;

	s.table_addr = im->tab;
	memcpy(im->mem + im->seq, &s, sizeof(s));
	p->kv_base = im->pool;
	p->seq_addr = im->seq;
	if (fllm_attention_op_attends(p->op)) {
		p->q_addr = im->q;
		p->out_addr = out;
	} else {
		p->k_addr = im->k;
		p->v_addr = im->v;
	}
	memcpy(im->mem, p, sizeof(*p));
	return fllm_hls_attention_unit(im->mem, im->size, 0, sizeof(*p), &nf) == FLLM_CARD_OK;
}

static cl_kernel at_kernel(const char *name, cl_mem in, cl_mem in2, cl_mem pool, cl_mem seqs,
			   cl_mem tables, cl_mem out)
{
	cl_kernel k = builtin_kernel(name);
	cl_uint i = 0;

	if (!k)
		return NULL;
	if (in2) {	/* append: k, v, kv_pool, seqs, tables, head_dim, n_kv_heads, ... */
		set_mem(k, i++, in);
		set_mem(k, i++, in2);
		set_mem(k, i++, pool);
		set_mem(k, i++, seqs);
		set_mem(k, i++, tables);
		set_u32(k, i++, AT_HD);
	} else {	/* q, kv_pool, seqs, tables, out, head_dim, n_heads, n_kv_heads, ... */
		set_mem(k, i++, in);
		set_mem(k, i++, pool);
		set_mem(k, i++, seqs);
		set_mem(k, i++, tables);
		set_mem(k, i++, out);
		set_u32(k, i++, AT_HD);
		set_u32(k, i++, AT_NH);
	}
	set_u32(k, i++, AT_NKV);
	set_u32(k, i++, AT_B);
	set_u32(k, i++, 1);		/* n_seqs */
	set_u32(k, i++, AT_T);		/* rows */
	set_u32(k, i++, AT_POOL);
	if (!in2) {
		set_u32(k, i++, 0);	/* flags */
		set_u32(k, i++, 0);	/* group */
	}
	return k;
}

static void test_attention_golden(void)
{
	const uint32_t tables[2] = { 3, 1 };
	const uint64_t krow = 4ull * AT_NKV * AT_HD, qrow = 4ull * AT_NH * AT_HD;
	const uint64_t block = fllm_attention_block_bytes(AT_NKV, AT_B, AT_HD);
	const uint64_t pool_bytes = AT_POOL * block;
	struct fllm_attention_seq chunk = { .pos = 0, .n_tokens = AT_T, .row = 0, .table_len = 2 };
	struct fllm_attention_seq last = { .pos = AT_T - 1, .n_tokens = 1, .row = AT_T - 1,
					   .table_len = 2 };
	struct fllm_attention_params p;
	struct at_image im = { 0 };
	float *k = malloc(AT_T * krow), *v = malloc(AT_T * krow);	/* (T, NKV * HD) */
	float *q = malloc(AT_T * qrow);					/* (T, NH * HD) */
	uint8_t *got = malloc(pool_bytes > AT_T * qrow ? pool_bytes : AT_T * qrow);
	cl_mem m_k, m_v, m_q, m_pool, m_chunk, m_last, m_tab, m_out, m_out2;
	cl_kernel kern;
	uint64_t rng = 0xa77e;
	const uint8_t zero = 0;

	CU_ASSERT_FATAL(k && v && q && got);
	for (size_t i = 0; i < AT_T * krow / 4; i++) {
		k[i] = (float)test_rng_normal(&rng);
		v[i] = (float)test_rng_normal(&rng);
	}
	for (size_t i = 0; i < AT_T * qrow / 4; i++)
		q[i] = (float)test_rng_normal(&rng);
	/* the golden image: params | seq | tables | k | v | q | pool | out | out2 */
	im.seq = 256;
	im.tab = 320;
	im.k = 384;
	im.v = fllm_lutgemm_align(im.k + AT_T * krow);
	im.q = fllm_lutgemm_align(im.v + AT_T * krow);
	im.pool = fllm_lutgemm_align(im.q + AT_T * qrow);
	im.out = fllm_lutgemm_align(im.pool + pool_bytes);
	im.out2 = fllm_lutgemm_align(im.out + AT_T * qrow);
	im.size = fllm_lutgemm_align(im.out2 + AT_T * qrow);
	im.mem = calloc(1, im.size);
	CU_ASSERT_FATAL(im.mem != NULL);
	memcpy(im.mem + im.tab, tables, sizeof(tables));
	memcpy(im.mem + im.k, k, AT_T * krow);
	memcpy(im.mem + im.v, v, AT_T * krow);
	memcpy(im.mem + im.q, q, AT_T * qrow);
	CU_ASSERT_FATAL(fllm_attention_params_init(&p, FLLM_ATTN_OP_APPEND, 0, 0, AT_HD, AT_NKV,
						   AT_NKV, AT_B, 1, AT_T, AT_POOL) ==
			FLLM_CARD_OK);
	CU_ASSERT_FATAL(at_golden_run(&im, &p, &chunk, 0));
	CU_ASSERT_FATAL(fllm_attention_params_init(&p, FLLM_ATTN_OP_PREFILL, 0, 0, AT_HD, AT_NH,
						   AT_NKV, AT_B, 1, AT_T, AT_POOL) ==
			FLLM_CARD_OK);
	CU_ASSERT_FATAL(at_golden_run(&im, &p, &chunk, im.out));
	CU_ASSERT_FATAL(fllm_attention_params_init(&p, FLLM_ATTN_OP_DECODE, 0, 0, AT_HD, AT_NH,
						   AT_NKV, AT_B, 1, AT_T, AT_POOL) ==
			FLLM_CARD_OK);
	CU_ASSERT_FATAL(at_golden_run(&im, &p, &last, im.out2));

	m_k = buffer(AT_T * krow, CL_MEM_COPY_HOST_PTR, k);
	m_v = buffer(AT_T * krow, CL_MEM_COPY_HOST_PTR, v);
	m_q = buffer(AT_T * qrow, CL_MEM_COPY_HOST_PTR, q);
	m_pool = buffer(pool_bytes, CL_MEM_READ_WRITE, NULL);
	m_chunk = buffer(sizeof(chunk), CL_MEM_COPY_HOST_PTR, &chunk);	/* table at offset 0 */
	m_last = buffer(sizeof(last), CL_MEM_COPY_HOST_PTR, &last);
	m_tab = buffer(sizeof(tables), CL_MEM_COPY_HOST_PTR, (void *)tables);
	m_out = buffer(AT_T * qrow, CL_MEM_READ_WRITE, NULL);
	m_out2 = buffer(AT_T * qrow, CL_MEM_READ_WRITE, NULL);
	ASSERT_CL(clEnqueueFillBuffer(queue, m_pool, &zero, 1, 0, pool_bytes, 0, NULL, NULL),
		  CL_SUCCESS);

	kern = at_kernel("fllm_attention_append", m_k, m_v, m_pool, m_chunk, m_tab, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(kern);
	ASSERT_CL(clEnqueueTask(queue, kern, 0, NULL, NULL), CL_SUCCESS);
	ASSERT_CL(clEnqueueReadBuffer(queue, m_pool, CL_TRUE, 0, pool_bytes, got, 0, NULL, NULL),
		  CL_SUCCESS);
	FLLM_ASSERT_EQ_U64(diff_words((const uint32_t *)got, (const uint32_t *)(im.mem + im.pool),
				      pool_bytes / 4, "attention append pool"), 0);
	/* a table offset past the tables buffer is refused */
	{
		struct fllm_attention_seq bad = chunk;
		cl_mem m_bad;

		bad.table_addr = 4;
		m_bad = buffer(sizeof(bad), CL_MEM_COPY_HOST_PTR, &bad);
		set_mem(kern, 3, m_bad);
		ASSERT_CL(clEnqueueTask(queue, kern, 0, NULL, NULL), CL_INVALID_KERNEL_ARGS);
		clReleaseMemObject(m_bad);
	}
	clReleaseKernel(kern);

	kern = at_kernel("fllm_attention_prefill", m_q, NULL, m_pool, m_chunk, m_tab, m_out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(kern);
	ASSERT_CL(clEnqueueTask(queue, kern, 0, NULL, NULL), CL_SUCCESS);
	ASSERT_CL(clEnqueueReadBuffer(queue, m_out, CL_TRUE, 0, AT_T * qrow, got, 0, NULL, NULL),
		  CL_SUCCESS);
	FLLM_ASSERT_EQ_U64(diff_words((const uint32_t *)got, (const uint32_t *)(im.mem + im.out),
				      AT_T * qrow / 4, "attention prefill"), 0);
	clReleaseKernel(kern);

	kern = at_kernel("fllm_attention_decode", m_q, NULL, m_pool, m_last, m_tab, m_out2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(kern);
	ASSERT_CL(clEnqueueTask(queue, kern, 0, NULL, NULL), CL_SUCCESS);
	ASSERT_CL(clEnqueueReadBuffer(queue, m_out2, CL_TRUE, (AT_T - 1) * qrow, qrow, got, 0, NULL,
				      NULL), CL_SUCCESS);
	FLLM_ASSERT_EQ_U64(diff_words((const uint32_t *)got,
				      (const uint32_t *)(im.mem + im.out2 + (AT_T - 1) * qrow),
				      qrow / 4, "attention decode"), 0);
	/* the decoded row is the prefill's last row too */
	FLLM_ASSERT_EQ_U64(diff_words((const uint32_t *)got,
				      (const uint32_t *)(im.mem + im.out + (AT_T - 1) * qrow),
				      qrow / 4, "decode vs prefill"), 0);
	clReleaseKernel(kern);

	clReleaseMemObject(m_k);
	clReleaseMemObject(m_v);
	clReleaseMemObject(m_q);
	clReleaseMemObject(m_pool);
	clReleaseMemObject(m_chunk);
	clReleaseMemObject(m_last);
	clReleaseMemObject(m_tab);
	clReleaseMemObject(m_out);
	clReleaseMemObject(m_out2);
	free(im.mem);
	free(k);
	free(v);
	free(q);
	free(got);
}

/* ------------------------------------------------------------------ */
/* Error paths                                                        */
/* ------------------------------------------------------------------ */

static void test_kernel_errors(void)
{
	cl_kernel k = builtin_kernel("fllm_lutgemm");
	cl_mem m = buffer(4096, CL_MEM_READ_WRITE, NULL);
	cl_program prog;
	cl_uint v = 16, nargs = 0;
	char text[64];
	cl_int err = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	ASSERT_CL(clGetKernelInfo(k, CL_KERNEL_NUM_ARGS, sizeof(nargs), &nargs, NULL), CL_SUCCESS);
	FLLM_ASSERT_EQ_U64(nargs, 9);
	ASSERT_CL(clGetKernelArgInfo(k, 4, CL_KERNEL_ARG_NAME, sizeof(text), text, NULL),
		  CL_SUCCESS);
	CU_ASSERT_STRING_EQUAL(text, "k");
	ASSERT_CL(clGetKernelArgInfo(k, 9, CL_KERNEL_ARG_NAME, sizeof(text), text, NULL),
		  CL_INVALID_ARG_INDEX);
	/* argument index, size, value */
	ASSERT_CL(clSetKernelArg(k, 9, sizeof(v), &v), CL_INVALID_ARG_INDEX);
	ASSERT_CL(clSetKernelArg(k, 3, 8, &v), CL_INVALID_ARG_SIZE);
	ASSERT_CL(clSetKernelArg(k, 0, 4, &m), CL_INVALID_ARG_SIZE);
	ASSERT_CL(clSetKernelArg(k, 3, sizeof(v), NULL), CL_INVALID_ARG_VALUE);
	{
		cl_mem not_mem = (cl_mem)queue;	/* a live object of another type */

		ASSERT_CL(clSetKernelArg(k, 0, sizeof(not_mem), &not_mem), CL_INVALID_MEM_OBJECT);
	}
	/* launching with arguments unset, with more than one work item, a bad shape */
	ASSERT_CL(clEnqueueTask(queue, k, 0, NULL, NULL), CL_INVALID_KERNEL_ARGS);
	for (cl_uint i = 0; i < 3; i++)
		set_mem(k, i, m);
	set_u32(k, 3, 4);
	set_u32(k, 4, 32);
	set_u32(k, 5, 24);	/* not a group size */
	set_u32(k, 6, 1);
	set_u32(k, 7, 0);
	set_u32(k, 8, 1);
	ASSERT_CL(clEnqueueTask(queue, k, 0, NULL, NULL), CL_INVALID_KERNEL_ARGS);
	{
		const size_t two = 2;

		ASSERT_CL(clEnqueueNDRangeKernel(queue, k, 1, NULL, &two, NULL, 0, NULL, NULL),
			  CL_INVALID_GLOBAL_WORK_SIZE);
		ASSERT_CL(clEnqueueNDRangeKernel(queue, k, 4, NULL, &two, NULL, 0, NULL, NULL),
			  CL_INVALID_WORK_DIMENSION);
	}
	/* names the card does not have */
	prog = clCreateProgramWithBuiltInKernels(ctx, 1, &dev, "fllm_lutgemm;fllm_nosuch", &err);
	CU_ASSERT_PTR_NULL(prog);
	ASSERT_CL(err, CL_INVALID_VALUE);
	prog = clCreateProgramWithBuiltInKernels(ctx, 1, &dev, "fllm_vector_add", &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(prog);
	CU_ASSERT_PTR_NULL(clCreateKernel(prog, "fllm_lutgemm", &err));
	ASSERT_CL(err, CL_INVALID_KERNEL_NAME);
	ASSERT_CL(clReleaseProgram(prog), CL_SUCCESS);
	/* no compiler, no binaries */
	{
		const char *src = "kernel void f(void) {}";
		const unsigned char *bin = (const unsigned char *)"x";
		size_t len = 1;
		cl_int st = 0;

		CU_ASSERT_PTR_NULL(clCreateProgramWithSource(ctx, 1, &src, NULL, &err));
		ASSERT_CL(err, CL_INVALID_OPERATION);
		CU_ASSERT_PTR_NULL(clCreateProgramWithBinary(ctx, 1, &dev, &len, &bin, &st, &err));
		ASSERT_CL(err, CL_INVALID_BINARY);
		ASSERT_CL(st, CL_INVALID_BINARY);
	}
	ASSERT_CL(clReleaseKernel(k), CL_SUCCESS);
	ASSERT_CL(clReleaseMemObject(m), CL_SUCCESS);
}

/* Entry points fllm does not support answer with an error, never a crash. */
static void test_unsupported_entries(void)
{
	cl_image_format fmt = { CL_RGBA, CL_FLOAT };
	cl_mem m = buffer(4096, CL_MEM_READ_WRITE, NULL);
	cl_buffer_region region = { 0, 64 };
	const size_t origin[3] = { 0, 0, 0 }, extent[3] = { 4, 1, 1 };
	char host[64];
	cl_int err = 0;

	CU_ASSERT_PTR_NULL(clCreateImage2D(ctx, 0, &fmt, 4, 4, 0, NULL, &err));
	ASSERT_CL(err, CL_INVALID_OPERATION);
	CU_ASSERT_PTR_NULL(clCreateSubBuffer(m, 0, CL_BUFFER_CREATE_TYPE_REGION, &region, &err));
	ASSERT_CL(err, CL_INVALID_OPERATION);
	CU_ASSERT_PTR_NULL(clCreateUserEvent(ctx, &err));
	ASSERT_CL(err, CL_INVALID_OPERATION);
	CU_ASSERT_PTR_NULL(clCreateSampler(ctx, CL_FALSE, CL_ADDRESS_NONE, CL_FILTER_NEAREST,
					   &err));
	ASSERT_CL(err, CL_INVALID_OPERATION);
	ASSERT_CL(clEnqueueReadBufferRect(queue, m, CL_TRUE, origin, origin, extent, 0, 0, 0, 0,
					  host, 0, NULL, NULL), CL_INVALID_OPERATION);
	ASSERT_CL(clSetMemObjectDestructorCallback(m, NULL, NULL), CL_INVALID_OPERATION);
	CU_ASSERT_PTR_NULL(clSVMAlloc(ctx, 0, 64, 0));
	ASSERT_CL(clEnqueueNativeKernel(queue, NULL, NULL, 0, 0, NULL, NULL, 0, NULL, NULL),
		  CL_INVALID_OPERATION);
	ASSERT_CL(clReleaseMemObject(m), CL_SUCCESS);
}

int fllm_test_register(void)
{
	static CU_TestInfo tests[] = {
		{ "platform and device info", test_platform_info },
		{ "buffer write, copy, read, events, profiling", test_buffer_roundtrip },
		{ "buffer fill, map, host pointers", test_buffer_fill_map },
		{ "fllm_lutgemm bit-exact with the golden model", test_lutgemm_golden },
		{ "fllm_vector_add bit-exact with the golden model", test_vector_add_golden },
		{ "fllm_vector_copy quantizes as the host quantizer does",
		  test_vector_quant_records },
		{ "fllm_attention_append, _prefill, _decode bit-exact with the golden model",
		  test_attention_golden },
		{ "kernel and program errors", test_kernel_errors },
		{ "unsupported entry points", test_unsupported_entries },
		CU_TEST_INFO_NULL,
	};

	return fllm_test_add_suite_each("opencl", suite_open, suite_close, tests, after_each);
}
