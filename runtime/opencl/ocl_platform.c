/*
 * The platform, its devices, and the loader's entry points
 * (clIcdGetPlatformIDsKHR, clGetExtensionFunctionAddress).
 *
 * Devices are opened once, on first use, and stay open for the life of the
 * process: by default emu:0 and every device the runtime lists as openable;
 * FLLM_OCL_DEVICES replaces that list (docs/opencl.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_card_lutgemm.h"
#include "ocl_internal.h"

#define OCL_DEVICES_MAX 16
#define OCL_PLATFORM_VERSION "OpenCL 1.2 fllm " FLLM_OCL_VERSION
#define OCL_DEVICE_VERSION "OpenCL 1.2 fllm"

struct _cl_platform_id ocl_platform;

static struct _cl_device_id ocl_device_objs[OCL_DEVICES_MAX];
static cl_device_id ocl_device_ptrs[OCL_DEVICES_MAX];
static cl_uint ocl_n_devices;
static pthread_once_t ocl_once = PTHREAD_ONCE_INIT;

/* Open one device by name and add it; a failure named by the user is reported. */
static void device_add(const char *name, int user_named)
{
	struct _cl_device_id *d;
	fllm_status st;

	for (cl_uint i = 0; i < ocl_n_devices; i++)
		if (!strcmp(ocl_device_objs[i].info.name, name))
			return;
	if (ocl_n_devices == OCL_DEVICES_MAX) {
		if (user_named)
			fprintf(stderr, "fllm OpenCL: FLLM_OCL_DEVICES: more than %d devices,"
				" '%s' left out\n", OCL_DEVICES_MAX, name);
		return;
	}
	d = &ocl_device_objs[ocl_n_devices];
	st = fllm_device_open(name, &d->dev);
	if (!st)
		st = fllm_device_info_get(d->dev, &d->info);
	if (st) {
		if (d->dev)
			fllm_device_close(d->dev);
		d->dev = NULL;
		if (user_named)
			fprintf(stderr, "fllm OpenCL: FLLM_OCL_DEVICES: device '%s' did not"
				" open: %s\n", name, fllm_status_str(st));
		return;
	}
	ocl_head_init(&d->h, OCL_MAGIC_DEVICE);
	d->max_alloc = d->info.mem_size / (d->info.mem_channels ? d->info.mem_channels : 1);
	ocl_builtin_names(d, d->builtins, sizeof(d->builtins));
	ocl_device_ptrs[ocl_n_devices++] = d;
}

/*
 * FLLM_OCL_DEVICES: names separated by commas; an entry with '=' is an
 * option of the name before it ("emu:0,mem=1G,rtlsim:0").
 */
static void devices_from_env(const char *list)
{
	char name[FLLM_NAME_MAX] = "";
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		int opt = memchr(p, '=', len) != NULL;

		if (len && opt && name[0] && strlen(name) + 1 + len < sizeof(name)) {
			strcat(name, ",");
			strncat(name, p, len);
		} else if (len && !opt && len < sizeof(name)) {
			if (name[0])
				device_add(name, 1);
			memcpy(name, p, len);
			name[len] = 0;
		} else if (len) {
			fprintf(stderr, "fllm OpenCL: FLLM_OCL_DEVICES: entry '%.*s' is not a"
				" device name or an option after one\n", (int)len, p);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (name[0])
		device_add(name, 1);
}

static void platform_init(void)
{
	const char *env = getenv("FLLM_OCL_DEVICES");

	ocl_dispatch_fill();
	ocl_head_init(&ocl_platform.h, OCL_MAGIC_PLATFORM);
	if (env) {
		devices_from_env(env);
		return;
	}
	device_add("emu:0", 0);
	{
		fllm_device_desc descs[OCL_DEVICES_MAX];
		size_t n = 0;

		if (fllm_device_list(descs, OCL_DEVICES_MAX, &n))
			return;
		for (size_t i = 0; i < n && i < OCL_DEVICES_MAX; i++)
			if (descs[i].openable)
				device_add(descs[i].name, 0);
	}
}

cl_uint ocl_devices(cl_device_id **out)
{
	pthread_once(&ocl_once, platform_init);
	*out = ocl_device_ptrs;
	return ocl_n_devices;
}

int ocl_device_ok(cl_device_id d)
{
	return ocl_is(d, OCL_MAGIC_DEVICE);
}

/* The loader's entry: our one platform. */
OCL_API cl_int CL_API_CALL clIcdGetPlatformIDsKHR(cl_uint num_entries, cl_platform_id *platforms,
						  cl_uint *num_platforms)
{
	cl_device_id *devs;

	if ((num_entries == 0 && platforms) || (!platforms && !num_platforms))
		return CL_INVALID_VALUE;
	ocl_devices(&devs);
	if (platforms)
		platforms[0] = &ocl_platform;
	if (num_platforms)
		*num_platforms = 1;
	return CL_SUCCESS;
}

static cl_int CL_API_CALL ocl_GetPlatformIDs(cl_uint num_entries, cl_platform_id *platforms,
					     cl_uint *num_platforms)
{
	return clIcdGetPlatformIDsKHR(num_entries, platforms, num_platforms);
}

OCL_API cl_int CL_API_CALL clGetPlatformInfo(cl_platform_id platform, cl_platform_info param,
					     size_t size, void *value, size_t *size_ret)
{
	cl_device_id *devs;

	ocl_devices(&devs);
	if (platform && platform != &ocl_platform)
		return CL_INVALID_PLATFORM;
	switch (param) {
	case CL_PLATFORM_PROFILE:
		return ocl_info_str(size, value, size_ret, "FULL_PROFILE");
	case CL_PLATFORM_VERSION:
		return ocl_info_str(size, value, size_ret, OCL_PLATFORM_VERSION);
	case CL_PLATFORM_NAME:
		return ocl_info_str(size, value, size_ret, "fllm");
	case CL_PLATFORM_VENDOR:
		return ocl_info_str(size, value, size_ret, "fllm project");
	case CL_PLATFORM_EXTENSIONS:
		return ocl_info_str(size, value, size_ret, "cl_khr_icd");
	case CL_PLATFORM_ICD_SUFFIX_KHR:
		return ocl_info_str(size, value, size_ret, "FLLM");
	default:
		return CL_INVALID_VALUE;
	}
}

static cl_int CL_API_CALL ocl_GetDeviceIDs(cl_platform_id platform, cl_device_type type,
					   cl_uint num_entries, cl_device_id *devices,
					   cl_uint *num_devices)
{
	const cl_device_type known = CL_DEVICE_TYPE_DEFAULT | CL_DEVICE_TYPE_CPU |
				     CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR |
				     CL_DEVICE_TYPE_CUSTOM;
	cl_device_id *devs;
	cl_uint n = ocl_devices(&devs), found = 0;

	if (platform && platform != &ocl_platform)
		return CL_INVALID_PLATFORM;
	if (type != CL_DEVICE_TYPE_ALL && (!type || (type & ~known)))
		return CL_INVALID_DEVICE_TYPE;
	if ((num_entries == 0 && devices) || (!devices && !num_devices))
		return CL_INVALID_VALUE;
	/* every fllm device is an accelerator; the first is the default */
	if (type == CL_DEVICE_TYPE_ALL || (type & CL_DEVICE_TYPE_ACCELERATOR))
		found = n;
	else if (type & CL_DEVICE_TYPE_DEFAULT)
		found = n ? 1 : 0;
	if (!found)
		return CL_DEVICE_NOT_FOUND;
	for (cl_uint i = 0; devices && i < found && i < num_entries; i++)
		devices[i] = devs[i];
	if (num_devices)
		*num_devices = found;
	return CL_SUCCESS;
}

/* Device facts that are plain numbers; 1 when param was one of them. */
static int device_number(cl_device_id d, cl_device_info param, cl_ulong *v, size_t *bytes)
{
	const fllm_device_info *in = &d->info;

	*bytes = sizeof(cl_uint);
	switch (param) {
	case CL_DEVICE_VENDOR_ID:
		*v = 0;
		break;
	case CL_DEVICE_MAX_COMPUTE_UNITS:
		*v = in->cu_count;
		break;
	case CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS:
		*v = 3;
		break;
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_CHAR:
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_SHORT:
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_INT:
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_LONG:
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT:
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_CHAR:
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_SHORT:
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_INT:
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_LONG:
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT:
		*v = 1;
		break;
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE:
	case CL_DEVICE_PREFERRED_VECTOR_WIDTH_HALF:
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE:
	case CL_DEVICE_NATIVE_VECTOR_WIDTH_HALF:
	case CL_DEVICE_MAX_READ_IMAGE_ARGS:
	case CL_DEVICE_MAX_WRITE_IMAGE_ARGS:
	case CL_DEVICE_MAX_SAMPLERS:
	case CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE:
	case CL_DEVICE_PARTITION_MAX_SUB_DEVICES:
		*v = 0;
		break;
	case CL_DEVICE_MAX_CLOCK_FREQUENCY:
		*v = in->clock_khz / 1000;
		break;
	case CL_DEVICE_ADDRESS_BITS:
		*v = 64;
		break;
	case CL_DEVICE_MEM_BASE_ADDR_ALIGN:
		*v = 8 * FLLM_LUTGEMM_ALIGN;
		break;
	case CL_DEVICE_MIN_DATA_TYPE_ALIGN_SIZE:
		*v = 128;
		break;
	case CL_DEVICE_MAX_CONSTANT_ARGS:
		*v = 8;
		break;
	case CL_DEVICE_IMAGE_SUPPORT:
	case CL_DEVICE_ERROR_CORRECTION_SUPPORT:
	case CL_DEVICE_HOST_UNIFIED_MEMORY:
	case CL_DEVICE_COMPILER_AVAILABLE:
	case CL_DEVICE_LINKER_AVAILABLE:
		*v = CL_FALSE;
		break;
	case CL_DEVICE_ENDIAN_LITTLE:
	case CL_DEVICE_AVAILABLE:
	case CL_DEVICE_PREFERRED_INTEROP_USER_SYNC:
		*v = CL_TRUE;
		break;
	case CL_DEVICE_GLOBAL_MEM_CACHE_TYPE:
		*v = CL_NONE;
		break;
	case CL_DEVICE_LOCAL_MEM_TYPE:
		*v = CL_NONE;
		break;
	case CL_DEVICE_REFERENCE_COUNT:
		*v = 1;
		break;
	case CL_DEVICE_PARTITION_AFFINITY_DOMAIN:
		*bytes = sizeof(cl_device_affinity_domain);
		*v = 0;
		break;
	case CL_DEVICE_TYPE:
		*bytes = sizeof(cl_device_type);
		*v = CL_DEVICE_TYPE_ACCELERATOR;
		break;
	case CL_DEVICE_SINGLE_FP_CONFIG:
		*bytes = sizeof(cl_device_fp_config);
		*v = CL_FP_ROUND_TO_NEAREST | CL_FP_INF_NAN;
		break;
	case CL_DEVICE_DOUBLE_FP_CONFIG:
	case CL_DEVICE_HALF_FP_CONFIG:
		*bytes = sizeof(cl_device_fp_config);
		*v = 0;
		break;
	case CL_DEVICE_EXECUTION_CAPABILITIES:
		*bytes = sizeof(cl_device_exec_capabilities);
		*v = CL_EXEC_KERNEL;
		break;
	case CL_DEVICE_QUEUE_PROPERTIES:
		*bytes = sizeof(cl_command_queue_properties);
		*v = CL_QUEUE_PROFILING_ENABLE;
		break;
	case CL_DEVICE_MAX_MEM_ALLOC_SIZE:
		*bytes = sizeof(cl_ulong);
		*v = d->max_alloc;
		break;
	case CL_DEVICE_GLOBAL_MEM_SIZE:
		*bytes = sizeof(cl_ulong);
		*v = in->mem_size;
		break;
	case CL_DEVICE_GLOBAL_MEM_CACHE_SIZE:
	case CL_DEVICE_LOCAL_MEM_SIZE:
		*bytes = sizeof(cl_ulong);
		*v = 0;
		break;
	case CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE:
		*bytes = sizeof(cl_ulong);
		*v = 64 * 1024;
		break;
	case CL_DEVICE_MAX_WORK_GROUP_SIZE:
	case CL_DEVICE_PROFILING_TIMER_RESOLUTION:
		*bytes = sizeof(size_t);
		*v = 1;
		break;
	case CL_DEVICE_MAX_PARAMETER_SIZE:
		*bytes = sizeof(size_t);
		*v = 1024;
		break;
	case CL_DEVICE_IMAGE2D_MAX_WIDTH:
	case CL_DEVICE_IMAGE2D_MAX_HEIGHT:
	case CL_DEVICE_IMAGE3D_MAX_WIDTH:
	case CL_DEVICE_IMAGE3D_MAX_HEIGHT:
	case CL_DEVICE_IMAGE3D_MAX_DEPTH:
	case CL_DEVICE_IMAGE_MAX_BUFFER_SIZE:
	case CL_DEVICE_IMAGE_MAX_ARRAY_SIZE:
	case CL_DEVICE_PRINTF_BUFFER_SIZE:
		*bytes = sizeof(size_t);
		*v = 0;
		break;
	default:
		return 0;
	}
	return 1;
}

static cl_int CL_API_CALL ocl_GetDeviceInfo(cl_device_id d, cl_device_info param, size_t size,
					    void *value, size_t *size_ret)
{
	static const size_t item_sizes[3] = { 1, 1, 1 };
	static const cl_device_partition_property no_partition[1] = { 0 };
	char text[FLLM_TEXT_MAX + 16];
	cl_ulong v;
	size_t bytes;

	if (!ocl_device_ok(d))
		return CL_INVALID_DEVICE;
	if (device_number(d, param, &v, &bytes)) {
		union { cl_uint u32; cl_ulong u64; size_t sz; } u;

		if (bytes == sizeof(cl_uint)) {
			u.u32 = (cl_uint)v;
		} else {
			_Static_assert(sizeof(size_t) == sizeof(cl_ulong), "64-bit host");
			u.u64 = v;
		}
		return ocl_info(size, value, size_ret, &u, bytes);
	}
	switch (param) {
	case CL_DEVICE_MAX_WORK_ITEM_SIZES:
		return ocl_info(size, value, size_ret, item_sizes, sizeof(item_sizes));
	case CL_DEVICE_NAME:
		snprintf(text, sizeof(text), "fllm %s", d->info.name);
		return ocl_info_str(size, value, size_ret, text);
	case CL_DEVICE_VENDOR:
		return ocl_info_str(size, value, size_ret, "fllm project");
	case CL_DRIVER_VERSION:
		snprintf(text, sizeof(text), "%s (card interface %u.%u, firmware 0x%x)",
			 FLLM_OCL_VERSION, d->info.if_version >> 16, d->info.if_version & 0xffff,
			 d->info.fw_version);
		return ocl_info_str(size, value, size_ret, text);
	case CL_DEVICE_PROFILE:
		return ocl_info_str(size, value, size_ret, "FULL_PROFILE");
	case CL_DEVICE_VERSION:
		return ocl_info_str(size, value, size_ret, OCL_DEVICE_VERSION);
	case CL_DEVICE_OPENCL_C_VERSION:
		return ocl_info_str(size, value, size_ret, "OpenCL C 1.2 ");
	case CL_DEVICE_EXTENSIONS:
		return ocl_info_str(size, value, size_ret, "");
	case CL_DEVICE_BUILT_IN_KERNELS:
		return ocl_info_str(size, value, size_ret, d->builtins);
	case CL_DEVICE_PLATFORM:
		return ocl_info_ptr(size, value, size_ret, &ocl_platform);
	case CL_DEVICE_PARENT_DEVICE:
		return ocl_info_ptr(size, value, size_ret, NULL);
	case CL_DEVICE_PARTITION_PROPERTIES:
		return ocl_info(size, value, size_ret, no_partition, sizeof(no_partition));
	case CL_DEVICE_PARTITION_TYPE:
		return ocl_info(size, value, size_ret, NULL, 0);
	default:
		return CL_INVALID_VALUE;
	}
}

/* Root devices are never freed: retain and release only check the handle. */
static cl_int CL_API_CALL ocl_RetainDevice(cl_device_id d)
{
	return ocl_device_ok(d) ? CL_SUCCESS : CL_INVALID_DEVICE;
}

static cl_int CL_API_CALL ocl_ReleaseDevice(cl_device_id d)
{
	return ocl_device_ok(d) ? CL_SUCCESS : CL_INVALID_DEVICE;
}

/* Only the ICD entry is an extension function here. */
OCL_API void *CL_API_CALL clGetExtensionFunctionAddress(const char *name)
{
	if (name && !strcmp(name, "clIcdGetPlatformIDsKHR"))
		return (void *)clIcdGetPlatformIDsKHR;
	if (name && !strcmp(name, "clGetPlatformInfo"))
		return (void *)clGetPlatformInfo;
	return NULL;
}

static void *CL_API_CALL ocl_GetExtensionFunctionAddressForPlatform(cl_platform_id p,
								   const char *name)
{
	if (p != &ocl_platform)
		return NULL;
	return clGetExtensionFunctionAddress(name);
}

void ocl_dispatch_platform(cl_icd_dispatch *t)
{
	t->clGetPlatformIDs = ocl_GetPlatformIDs;
	t->clGetPlatformInfo = clGetPlatformInfo;
	t->clGetDeviceIDs = ocl_GetDeviceIDs;
	t->clGetDeviceInfo = ocl_GetDeviceInfo;
	t->clRetainDevice = ocl_RetainDevice;
	t->clReleaseDevice = ocl_ReleaseDevice;
	t->clGetExtensionFunctionAddress = clGetExtensionFunctionAddress;
	t->clGetExtensionFunctionAddressForPlatform = ocl_GetExtensionFunctionAddressForPlatform;
}
