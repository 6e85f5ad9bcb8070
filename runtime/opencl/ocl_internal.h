/*
 * The fllm OpenCL platform (libfllm_ocl, docs/opencl.md): private object
 * layouts and helpers shared by the files of runtime/opencl/.
 *
 * Every object starts with the loader's dispatch pointer (cl_khr_icd), then
 * a magic that names its type and an atomic reference count. The ICD runs
 * each command at enqueue time on an in-order queue, so an event is complete
 * when the call that made it returns.
 */
#ifndef FLLM_OCL_INTERNAL_H
#define FLLM_OCL_INTERNAL_H

#define CL_TARGET_OPENCL_VERSION 300
#define CL_USE_DEPRECATED_OPENCL_1_0_APIS
#define CL_USE_DEPRECATED_OPENCL_1_1_APIS
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#define CL_USE_DEPRECATED_OPENCL_2_0_APIS
#define CL_USE_DEPRECATED_OPENCL_2_1_APIS
#define CL_USE_DEPRECATED_OPENCL_2_2_APIS
#include <CL/cl_icd.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "fllm/fllm.h"

#define OCL_API __attribute__((visibility("default")))

/* The magic after the dispatch pointer of each object type. */
enum ocl_magic {
	OCL_MAGIC_PLATFORM = 0x6f504c54,
	OCL_MAGIC_DEVICE = 0x6f444556,
	OCL_MAGIC_CONTEXT = 0x6f435458,
	OCL_MAGIC_QUEUE = 0x6f515545,
	OCL_MAGIC_MEM = 0x6f4d454d,
	OCL_MAGIC_PROGRAM = 0x6f505247,
	OCL_MAGIC_KERNEL = 0x6f4b524e,
	OCL_MAGIC_EVENT = 0x6f45564e,
	OCL_MAGIC_DEAD = 0x64656164,	/* written into a freed object */
};

struct ocl_head {
	cl_icd_dispatch *dispatch;	/* must be first (cl_khr_icd) */
	uint32_t magic;			/* enum ocl_magic */
	atomic_uint refs;
};

struct _cl_platform_id {
	struct ocl_head h;
};

struct _cl_device_id {
	struct ocl_head h;		/* refs unused: root devices live forever */
	fllm_device *dev;
	fllm_device_info info;
	char builtins[512];		/* CL_DEVICE_BUILT_IN_KERNELS */
	uint64_t max_alloc;		/* largest buffer: one memory channel */
};

struct _cl_context {
	struct ocl_head h;
	cl_device_id device;		/* one device per context */
	cl_context_properties props[3];	/* {CL_CONTEXT_PLATFORM, platform, 0} or {0} */
	cl_uint n_props;		/* entries of props given (0 when none) */
	void(CL_CALLBACK *notify)(const char *, const void *, size_t, void *);
	void *notify_data;
};

/* One outstanding clEnqueueMapBuffer region. */
struct ocl_map {
	struct ocl_map *next;
	void *ptr;			/* what the caller got */
	size_t offset, size;
	cl_map_flags flags;
	int owned;			/* ptr was malloc'ed here (else it is in host_ptr) */
};

struct _cl_mem {
	struct ocl_head h;
	cl_context ctx;			/* retained */
	fllm_bo *bo;
	size_t size;
	cl_mem_flags flags;
	void *host_ptr;			/* CL_MEM_USE_HOST_PTR's pointer, else NULL */
	pthread_mutex_t lock;		/* maps */
	struct ocl_map *maps;
	cl_uint map_count;
};

struct _cl_command_queue {
	struct ocl_head h;
	cl_context ctx;			/* retained */
	cl_device_id device;
	cl_command_queue_properties props;
	pthread_mutex_t lock;		/* one command at a time */
	fllm_cmdlist *cl;		/* reset and recorded for each command */
	fllm_bo *params;		/* (OCL_PARAMS_BYTES): a unit's parameter block,
					 * attention descriptors at OCL_PARAMS_SEQS */
};

#define OCL_PARAMS_BYTES (16u * 1024u)
#define OCL_PARAMS_SEQS 512u

struct _cl_event {
	struct ocl_head h;
	cl_context ctx;			/* retained */
	cl_command_queue queue;		/* retained; NULL for none */
	cl_command_type type;
	cl_int status;			/* CL_COMPLETE or a negative error */
	cl_ulong t_queued, t_submit, t_start, t_end;	/* ns, CLOCK_MONOTONIC */
};

/* One argument of a built-in kernel. */
enum ocl_arg_kind { OCL_ARG_MEM_IN, OCL_ARG_MEM_OUT, OCL_ARG_UINT, OCL_ARG_FLOAT };

/* What an argument means to the unit (index into struct ocl_launch.v / .mem). */
enum ocl_role {
	OCL_R_OUT, OCL_R_IN, OCL_R_IN2, OCL_R_AUX, OCL_R_SEQS, OCL_R_TABLES,	/* buffers */
	OCL_R_M, OCL_R_K, OCL_R_GROUP, OCL_R_PLANES, OCL_R_FLAGS, OCL_R_NTOK,
	OCL_R_N, OCL_R_ROWS, OCL_R_HEAD_DIM, OCL_R_POS, OCL_R_TABLE_ROWS, OCL_R_EPS,
	OCL_R_N_HEADS, OCL_R_N_KV_HEADS, OCL_R_BLOCK_TOKENS, OCL_R_N_SEQS, OCL_R_POOL_BLOCKS,
	OCL_R_COUNT
};
#define OCL_R_MEMS 6	/* roles below this are buffers */

struct ocl_arg_desc {
	const char *name;
	const char *type;		/* CL_KERNEL_ARG_TYPE_NAME: "float*", "uint" */
	enum ocl_arg_kind kind;
	enum ocl_role role;
};

#define OCL_ARGS_MAX 16

/* One built-in kernel: a compute unit and the argument list that feeds it. */
struct ocl_builtin {
	const char *name;
	uint32_t cu_type;		/* enum fllm_cu_type */
	uint32_t op;			/* vector op, 0 for LUT-GEMM */
	uint32_t n_args;
	struct ocl_arg_desc args[OCL_ARGS_MAX];
};

/* The values of a kernel's arguments by role, for a launch. */
struct ocl_launch {
	cl_mem mem[OCL_R_MEMS];		/* NULL when the kernel has no such buffer */
	uint32_t v[OCL_R_COUNT];	/* scalars (EPS: fp32 bits) */
};

struct ocl_arg_value {
	int set;
	cl_mem mem;			/* retained, or NULL */
	uint32_t bits;			/* uint or fp32 bits */
};

struct _cl_program {
	struct ocl_head h;
	cl_context ctx;			/* retained */
	uint32_t n_kernels;
	const struct ocl_builtin *kernels[16];
	char names[512];		/* CL_PROGRAM_KERNEL_NAMES */
	atomic_uint n_kernel_objs;	/* live kernels made from it */
};

struct _cl_kernel {
	struct ocl_head h;
	cl_program prog;		/* retained */
	const struct ocl_builtin *bi;
	pthread_mutex_t lock;		/* args */
	struct ocl_arg_value args[OCL_ARGS_MAX];
};

/* ocl_dispatch.c: the table, filled once before the first object exists. */
extern cl_icd_dispatch ocl_dispatch;
void ocl_dispatch_fill(void);
/* Each part sets the slots it implements (ocl_<part>.c). */
void ocl_dispatch_stubs(cl_icd_dispatch *t);
void ocl_dispatch_platform(cl_icd_dispatch *t);
void ocl_dispatch_context(cl_icd_dispatch *t);
void ocl_dispatch_mem(cl_icd_dispatch *t);
void ocl_dispatch_queue(cl_icd_dispatch *t);
void ocl_dispatch_event(cl_icd_dispatch *t);
void ocl_dispatch_program(cl_icd_dispatch *t);
void ocl_dispatch_kernel(cl_icd_dispatch *t);

/* ocl_platform.c */
extern struct _cl_platform_id ocl_platform;
/* The devices of the platform (opened once, on first use). */
cl_uint ocl_devices(cl_device_id **out);
int ocl_device_ok(cl_device_id d);

/* ocl_info.c: copy src_size bytes of an answer (CL_INVALID_VALUE if it does not fit). */
cl_int ocl_info(size_t size, void *value, size_t *size_ret, const void *src, size_t src_size);
cl_int ocl_info_str(size_t size, void *value, size_t *size_ret, const char *s);
cl_int ocl_info_u32(size_t size, void *value, size_t *size_ret, cl_uint v);
cl_int ocl_info_u64(size_t size, void *value, size_t *size_ret, cl_ulong v);
cl_int ocl_info_size(size_t size, void *value, size_t *size_ret, size_t v);
cl_int ocl_info_ptr(size_t size, void *value, size_t *size_ret, const void *p);
/* Set *errcode_ret (which may be NULL) and return NULL: for constructor failures. */
void *ocl_fail(cl_int *errcode_ret, cl_int err);
/* Common object head and its checks. */
void ocl_head_init(struct ocl_head *h, enum ocl_magic magic);
int ocl_is(const void *obj, enum ocl_magic magic);
/* clRetain*: one more reference on a live object of the type, else `invalid`. */
cl_int ocl_retain(void *obj, enum ocl_magic magic, cl_int invalid);
/* Nanoseconds of CLOCK_MONOTONIC. */
cl_ulong ocl_now_ns(void);
/* An fllm_status as the nearest OpenCL error. */
cl_int ocl_status_err(fllm_status st);

/* ocl_context.c */
int ocl_context_ok(cl_context c);
void ocl_context_retain(cl_context c);
void ocl_context_release(cl_context c);

/* ocl_mem.c */
void ocl_mem_retain(cl_mem m);
void ocl_mem_release(cl_mem m);

/*
 * ocl_queue.c: enqueue_begin checks and locks the queue; enqueue_end unlocks
 * it and, when the command succeeded (status CL_COMPLETE) and the caller
 * asked for one, makes the command's event; a failed command returns its
 * negative status and makes no event. ocl_queue_run submits q->cl and waits (q->lock held); *result gets
 * the first command's result word when result is not NULL.
 */
int ocl_queue_ok(cl_command_queue q);
void ocl_queue_release(cl_command_queue q);
cl_int ocl_enqueue_begin(cl_command_queue q, cl_uint n_wait, const cl_event *wait,
			 cl_ulong *t_queued);
cl_int ocl_enqueue_end(cl_command_queue q, cl_command_type type, cl_ulong t_queued,
		       cl_ulong t_start, cl_int status, cl_event *event);
void ocl_dispatch_transfer(cl_icd_dispatch *t);
cl_int ocl_queue_run(cl_command_queue q, uint64_t *result);

/* ocl_event.c: a complete event of the command type for queue (or NULL). */
cl_int ocl_event_new(cl_command_queue q, cl_command_type type, cl_ulong t_queued,
		     cl_ulong t_start, cl_int status, cl_event *out);
/* Check an event wait list (CL_INVALID_EVENT_WAIT_LIST / CL_INVALID_CONTEXT). */
cl_int ocl_wait_list_check(cl_context ctx, cl_uint n, const cl_event *list);

/* ocl_program.c */
void ocl_program_release(cl_program p);

/* ocl_builtin.c */
const struct ocl_builtin *ocl_builtin_find(const char *name, size_t len);
/* Whether the device has the unit that kernel runs on. */
int ocl_builtin_on_device(const struct ocl_builtin *bi, cl_device_id d);
/* Fill buf with the device's built-in kernel names separated by ';'. */
void ocl_builtin_names(cl_device_id d, char *buf, size_t cap);
/* Build the unit's parameter block for args and run it on q (q->lock held). */
cl_int ocl_builtin_run(cl_command_queue q, const struct ocl_builtin *bi,
		       const struct ocl_launch *l);

#endif /* FLLM_OCL_INTERNAL_H */
