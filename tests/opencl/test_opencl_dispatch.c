/*
 * White-box check of libfllm_ocl as the loader sees it: the library is
 * dlopen'ed as ocl-icd does, its three exports answer, every slot of the
 * dispatch table its platform points at is filled (a NULL slot would crash
 * any application that calls that entry), and no runtime symbol leaks out.
 */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl_icd.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "test_main.h"

typedef cl_int (*icd_get_platforms_fn)(cl_uint, cl_platform_id *, cl_uint *);
typedef void *(*get_ext_fn)(const char *);

static void test_dispatch_table(void)
{
	void *lib = dlopen(FLLM_OCL_LIB, RTLD_NOW | RTLD_LOCAL);
	icd_get_platforms_fn get_platforms;
	get_ext_fn get_ext;
	cl_platform_id plat = NULL;
	cl_uint n = 0;
	const cl_icd_dispatch *table;
	void *slots[sizeof(cl_icd_dispatch) / sizeof(void *)];
	size_t empty = 0;

	if (!lib)
		fprintf(stderr, "dlopen %s: %s\n", FLLM_OCL_LIB, dlerror());
	CU_ASSERT_PTR_NOT_NULL_FATAL(lib);
	*(void **)&get_platforms = dlsym(lib, "clIcdGetPlatformIDsKHR");
	*(void **)&get_ext = dlsym(lib, "clGetExtensionFunctionAddress");
	CU_ASSERT_PTR_NOT_NULL_FATAL(get_platforms);
	CU_ASSERT_PTR_NOT_NULL_FATAL(get_ext);
	CU_ASSERT_PTR_NOT_NULL(dlsym(lib, "clGetPlatformInfo"));
	CU_ASSERT_PTR_NOT_NULL(get_ext("clIcdGetPlatformIDsKHR"));
	CU_ASSERT_PTR_NULL(get_ext("clNoSuchFunction"));
	/* the runtime inside is hidden */
	CU_ASSERT_PTR_NULL(dlsym(lib, "fllm_device_open"));
	CU_ASSERT_PTR_NULL(dlsym(lib, "fllm_bo_alloc"));

	FLLM_ASSERT_STATUS(get_platforms(0, NULL, &n), CL_SUCCESS);
	FLLM_ASSERT_EQ_U64(n, 1);
	FLLM_ASSERT_STATUS(get_platforms(0, &plat, NULL), CL_INVALID_VALUE);
	FLLM_ASSERT_STATUS(get_platforms(1, &plat, NULL), CL_SUCCESS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(plat);
	table = *(const cl_icd_dispatch *const *)plat;
	CU_ASSERT_PTR_NOT_NULL_FATAL(table);
	memcpy(slots, table, sizeof(slots));
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		if (!slots[i]) {
			fprintf(stderr, "  dispatch slot %zu is NULL\n", i);
			empty++;
		}
	}
	FLLM_ASSERT_EQ_U64(empty, 0);
	/* the table's own entries answer through the platform */
	{
		char suffix[16] = "";

		FLLM_ASSERT_STATUS(table->clGetPlatformInfo(plat, CL_PLATFORM_ICD_SUFFIX_KHR,
							    sizeof(suffix), suffix, NULL),
				   CL_SUCCESS);
		CU_ASSERT_STRING_EQUAL(suffix, "FLLM");
	}
	/* the library stays loaded: its devices are open for the process's life */
}

int fllm_test_register(void)
{
	static CU_TestInfo tests[] = {
		{ "exports and a full dispatch table", test_dispatch_table },
		CU_TEST_INFO_NULL,
	};

	return fllm_test_add_suite("opencl_dispatch", NULL, NULL, tests);
}
