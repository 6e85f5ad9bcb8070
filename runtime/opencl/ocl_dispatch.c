/*
 * The dispatch table every object points at (cl_khr_icd). The stubs fill
 * every slot first; each part then sets the entries it implements.
 */
#include "ocl_internal.h"

cl_icd_dispatch ocl_dispatch;

void ocl_dispatch_fill(void)
{
	ocl_dispatch_stubs(&ocl_dispatch);
	ocl_dispatch_platform(&ocl_dispatch);
	ocl_dispatch_context(&ocl_dispatch);
	ocl_dispatch_mem(&ocl_dispatch);
	ocl_dispatch_queue(&ocl_dispatch);
	ocl_dispatch_transfer(&ocl_dispatch);
	ocl_dispatch_event(&ocl_dispatch);
	ocl_dispatch_program(&ocl_dispatch);
	ocl_dispatch_kernel(&ocl_dispatch);
}
