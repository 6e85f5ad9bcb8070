/*
 * The entries fllm does not support (images, samplers, sub-buffers, SVM,
 * pipes, user events, callbacks, graphics sharing, IL and compiled
 * programs, sub-devices): each returns CL_INVALID_OPERATION (constructors
 * return NULL and set *errcode_ret), so that no slot of the dispatch table
 * is NULL (docs/opencl.md "Not supported"). The graphics-sharing slots for
 * Windows are untyped on Linux and get ocl_stub_untyped.
 */
#include "ocl_internal.h"

static cl_int CL_API_CALL ocl_stub_clSetCommandQueueProperty(cl_command_queue command_queue,
		cl_command_queue_properties properties, cl_bool enable,
		cl_command_queue_properties *old_properties)
{
	return CL_INVALID_OPERATION;
}

static cl_mem CL_API_CALL ocl_stub_clCreateImage2D(cl_context context, cl_mem_flags flags,
		const cl_image_format *image_format, size_t image_width, size_t image_height,
		size_t image_row_pitch, void *host_ptr, cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_mem CL_API_CALL ocl_stub_clCreateImage3D(cl_context context, cl_mem_flags flags,
		const cl_image_format *image_format, size_t image_width, size_t image_height, size_t image_depth,
		size_t image_row_pitch, size_t image_slice_pitch, void *host_ptr, cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_int CL_API_CALL ocl_stub_clGetSupportedImageFormats(cl_context context,
		cl_mem_flags flags, cl_mem_object_type image_type, cl_uint num_entries,
		cl_image_format *image_formats, cl_uint *num_image_formats)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clGetImageInfo(cl_mem image, cl_image_info param_name,
		size_t param_value_size, void *param_value, size_t *param_value_size_ret)
{
	return CL_INVALID_OPERATION;
}

static cl_sampler CL_API_CALL ocl_stub_clCreateSampler(cl_context context,
		cl_bool normalized_coords, cl_addressing_mode addressing_mode, cl_filter_mode filter_mode,
		cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_int CL_API_CALL ocl_stub_clRetainSampler(cl_sampler sampler)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clReleaseSampler(cl_sampler sampler)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clGetSamplerInfo(cl_sampler sampler, cl_sampler_info param_name,
		size_t param_value_size, void *param_value, size_t *param_value_size_ret)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clEnqueueReadImage(cl_command_queue command_queue, cl_mem image,
		cl_bool blocking_read, const size_t *origin, const size_t *region, size_t row_pitch,
		size_t slice_pitch, void *ptr, cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
		cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clEnqueueWriteImage(cl_command_queue command_queue,
		cl_mem image, cl_bool blocking_write, const size_t *origin, const size_t *region,
		size_t input_row_pitch, size_t input_slice_pitch, const void *ptr,
		cl_uint num_events_in_wait_list, const cl_event *event_wait_list, cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clEnqueueCopyImage(cl_command_queue command_queue,
		cl_mem src_image, cl_mem dst_image, const size_t *src_origin, const size_t *dst_origin,
		const size_t *region, cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
		cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clEnqueueCopyImageToBuffer(cl_command_queue command_queue,
		cl_mem src_image, cl_mem dst_buffer, const size_t *src_origin, const size_t *region,
		size_t dst_offset, cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
		cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clEnqueueCopyBufferToImage(cl_command_queue command_queue,
		cl_mem src_buffer, cl_mem dst_image, size_t src_offset, const size_t *dst_origin,
		const size_t *region, cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
		cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static void *CL_API_CALL ocl_stub_clEnqueueMapImage(cl_command_queue command_queue, cl_mem image,
		cl_bool blocking_map, cl_map_flags map_flags, const size_t *origin, const size_t *region,
		size_t *image_row_pitch, size_t *image_slice_pitch, cl_uint num_events_in_wait_list,
		const cl_event *event_wait_list, cl_event *event, cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_int CL_API_CALL ocl_stub_clEnqueueNativeKernel(cl_command_queue command_queue,
		void(CL_CALLBACK *user_func)(void *), void *args, size_t cb_args, cl_uint num_mem_objects,
		const cl_mem *mem_list, const void **args_mem_loc, cl_uint num_events_in_wait_list,
		const cl_event *event_wait_list, cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_mem CL_API_CALL ocl_stub_clCreateFromGLBuffer(cl_context context, cl_mem_flags flags,
		cl_GLuint bufobj, int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_mem CL_API_CALL ocl_stub_clCreateFromGLTexture2D(cl_context context, cl_mem_flags flags,
		cl_GLenum target, cl_GLint miplevel, cl_GLuint texture, cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_mem CL_API_CALL ocl_stub_clCreateFromGLTexture3D(cl_context context, cl_mem_flags flags,
		cl_GLenum target, cl_GLint miplevel, cl_GLuint texture, cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_mem CL_API_CALL ocl_stub_clCreateFromGLRenderbuffer(cl_context context,
		cl_mem_flags flags, cl_GLuint renderbuffer, cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_int CL_API_CALL ocl_stub_clGetGLObjectInfo(cl_mem memobj,
		cl_gl_object_type *gl_object_type, cl_GLuint *gl_object_name)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clGetGLTextureInfo(cl_mem memobj, cl_gl_texture_info param_name,
		size_t param_value_size, void *param_value, size_t *param_value_size_ret)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clEnqueueAcquireGLObjects(cl_command_queue command_queue,
		cl_uint num_objects, const cl_mem *mem_objects, cl_uint num_events_in_wait_list,
		const cl_event *event_wait_list, cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clEnqueueReleaseGLObjects(cl_command_queue command_queue,
		cl_uint num_objects, const cl_mem *mem_objects, cl_uint num_events_in_wait_list,
		const cl_event *event_wait_list, cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clGetGLContextInfoKHR(const cl_context_properties *properties,
		cl_gl_context_info param_name, size_t param_value_size, void *param_value,
		size_t *param_value_size_ret)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clSetEventCallback(cl_event event,
		cl_int command_exec_callback_type, void(CL_CALLBACK *pfn_notify)(cl_event, cl_int,
		void *), void *user_data)
{
	return CL_INVALID_OPERATION;
}

static cl_mem CL_API_CALL ocl_stub_clCreateSubBuffer(cl_mem buffer, cl_mem_flags flags,
		cl_buffer_create_type buffer_create_type, const void *buffer_create_info,
		cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_int CL_API_CALL ocl_stub_clSetMemObjectDestructorCallback(cl_mem memobj,
		void(CL_CALLBACK *pfn_notify)(cl_mem memobj, void *user_data),
		void *user_data)
{
	return CL_INVALID_OPERATION;
}

static cl_event CL_API_CALL ocl_stub_clCreateUserEvent(cl_context context,
		cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_int CL_API_CALL ocl_stub_clSetUserEventStatus(cl_event event,
		cl_int execution_status)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clEnqueueReadBufferRect(cl_command_queue command_queue,
		cl_mem buffer, cl_bool blocking_read, const size_t *buffer_origin, const size_t *host_origin,
		const size_t *region, size_t buffer_row_pitch, size_t buffer_slice_pitch, size_t host_row_pitch,
		size_t host_slice_pitch, void *ptr, cl_uint num_events_in_wait_list,
		const cl_event *event_wait_list, cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clEnqueueWriteBufferRect(cl_command_queue command_queue,
		cl_mem buffer, cl_bool blocking_read, const size_t *buffer_origin, const size_t *host_origin,
		const size_t *region, size_t buffer_row_pitch, size_t buffer_slice_pitch, size_t host_row_pitch,
		size_t host_slice_pitch, const void *ptr, cl_uint num_events_in_wait_list,
		const cl_event *event_wait_list, cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clEnqueueCopyBufferRect(cl_command_queue command_queue,
		cl_mem src_buffer, cl_mem dst_buffer, const size_t *src_origin, const size_t *dst_origin,
		const size_t *region, size_t src_row_pitch, size_t src_slice_pitch, size_t dst_row_pitch,
		size_t dst_slice_pitch, cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
		cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clCreateSubDevicesEXT(cl_device_id in_device,
		const cl_device_partition_property_ext *partition_properties, cl_uint num_entries,
		cl_device_id *out_devices, cl_uint *num_devices)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clRetainDeviceEXT(cl_device_id device)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clReleaseDeviceEXT(cl_device_id device)
{
	return CL_INVALID_OPERATION;
}

static cl_event CL_API_CALL ocl_stub_clCreateEventFromGLsyncKHR(cl_context context, cl_GLsync sync,
		cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_int CL_API_CALL ocl_stub_clCreateSubDevices(cl_device_id in_device,
		const cl_device_partition_property *partition_properties, cl_uint num_entries,
		cl_device_id *out_devices, cl_uint *num_devices)
{
	return CL_INVALID_OPERATION;
}

static cl_mem CL_API_CALL ocl_stub_clCreateImage(cl_context context, cl_mem_flags flags,
		const cl_image_format *image_format, const cl_image_desc *image_desc, void *host_ptr,
		cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_int CL_API_CALL ocl_stub_clCompileProgram(cl_program program, cl_uint num_devices,
		const cl_device_id *device_list, const char *options, cl_uint num_input_headers,
		const cl_program *input_headers, const char **header_include_names,
		void(CL_CALLBACK *pfn_notify)(cl_program program, void *user_data), void *user_data)
{
	return CL_INVALID_OPERATION;
}

static cl_program CL_API_CALL ocl_stub_clLinkProgram(cl_context context, cl_uint num_devices,
		const cl_device_id *device_list, const char *options, cl_uint num_input_programs,
		const cl_program *input_programs, void(CL_CALLBACK *pfn_notify)(cl_program program,
		void *user_data), void *user_data, cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_int CL_API_CALL ocl_stub_clEnqueueFillImage(cl_command_queue command_queue, cl_mem image,
		const void *fill_color, const size_t origin[3], const size_t region[3],
		cl_uint num_events_in_wait_list, const cl_event *event_wait_list, cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_mem CL_API_CALL ocl_stub_clCreateFromGLTexture(cl_context context, cl_mem_flags flags,
		cl_GLenum target, cl_GLint miplevel, cl_GLuint texture, cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_mem CL_API_CALL ocl_stub_clCreateFromEGLImageKHR(cl_context context,
		CLeglDisplayKHR display, CLeglImageKHR image, cl_mem_flags flags,
		const cl_egl_image_properties_khr *properties, cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_int CL_API_CALL ocl_stub_clEnqueueAcquireEGLObjectsKHR(cl_command_queue command_queue,
		cl_uint num_objects, const cl_mem *mem_objects, cl_uint num_events_in_wait_list,
		const cl_event *event_wait_list, cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clEnqueueReleaseEGLObjectsKHR(cl_command_queue command_queue,
		cl_uint num_objects, const cl_mem *mem_objects, cl_uint num_events_in_wait_list,
		const cl_event *event_wait_list, cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_event CL_API_CALL ocl_stub_clCreateEventFromEGLSyncKHR(cl_context context,
		CLeglSyncKHR sync, CLeglDisplayKHR display, cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_mem CL_API_CALL ocl_stub_clCreatePipe(cl_context context, cl_mem_flags flags,
		cl_uint pipe_packet_size, cl_uint pipe_max_packets,
		const cl_pipe_properties *properties, cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_int CL_API_CALL ocl_stub_clGetPipeInfo(cl_mem pipe, cl_pipe_info param_name,
		size_t param_value_size, void *param_value, size_t *param_value_size_ret)
{
	return CL_INVALID_OPERATION;
}

static void *CL_API_CALL ocl_stub_clSVMAlloc(cl_context context,
		cl_svm_mem_flags flags, size_t size, unsigned int alignment)
{
	return NULL;
}

static void CL_API_CALL ocl_stub_clSVMFree(cl_context context, void *svm_pointer)
{
}

static cl_int CL_API_CALL ocl_stub_clEnqueueSVMFree(cl_command_queue command_queue,
		cl_uint num_svm_pointers, void **svm_pointers,
		void(CL_CALLBACK *pfn_free_func)(cl_command_queue queue, cl_uint num_svm_pointers,
		void **svm_pointers_, void *user_data_),
		void *user_data,
		cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
		cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clEnqueueSVMMemcpy(cl_command_queue command_queue,
		cl_bool blocking_copy, void *dst_ptr, const void *src_ptr, size_t size,
		cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
		cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clEnqueueSVMMemFill(cl_command_queue command_queue,
		void *svm_ptr, const void *pattern, size_t pattern_size, size_t size,
		cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
		cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clEnqueueSVMMap(cl_command_queue command_queue,
		cl_bool blocking_map, cl_map_flags map_flags, void *svm_ptr,
		size_t size, cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
		cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clEnqueueSVMUnmap(cl_command_queue command_queue,
		void *svm_ptr, cl_uint num_events_in_wait_list,
		const cl_event *event_wait_list, cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_sampler CL_API_CALL ocl_stub_clCreateSamplerWithProperties(cl_context context,
		const cl_sampler_properties *sampler_properties, cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_int CL_API_CALL ocl_stub_clSetKernelArgSVMPointer(cl_kernel kernel,
		cl_uint arg_index, const void *arg_value)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clSetKernelExecInfo(cl_kernel kernel,
		cl_kernel_exec_info param_name, size_t param_value_size,
		const void *param_value)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clGetKernelSubGroupInfoKHR(cl_kernel in_kernel,
		cl_device_id in_device, cl_kernel_sub_group_info param_name,
		size_t input_value_size, const void *input_value, size_t param_value_size,
		void *param_value, size_t *param_value_size_ret)
{
	return CL_INVALID_OPERATION;
}

static cl_kernel CL_API_CALL ocl_stub_clCloneKernel(cl_kernel source_kernel, cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_program CL_API_CALL ocl_stub_clCreateProgramWithIL(cl_context context, const void *il,
		size_t length, cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_int CL_API_CALL ocl_stub_clEnqueueSVMMigrateMem(cl_command_queue command_queue,
		cl_uint num_svm_pointers, const void **svm_pointers, const size_t *sizes,
		cl_mem_migration_flags flags, cl_uint num_events_in_wait_list, const cl_event *event_wait_list,
		cl_event *event)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clGetDeviceAndHostTimer(cl_device_id device,
		cl_ulong *device_timestamp, cl_ulong *host_timestamp)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clGetHostTimer(cl_device_id device, cl_ulong *host_timestamp)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clGetKernelSubGroupInfo(cl_kernel kernel, cl_device_id device,
		cl_kernel_sub_group_info param_name, size_t input_value_size, const void *input_value,
		size_t param_value_size, void *param_value, size_t *param_value_size_ret)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clSetDefaultDeviceCommandQueue(cl_context context,
		cl_device_id device, cl_command_queue command_queue)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clSetProgramReleaseCallback(cl_program program,
		void(CL_CALLBACK *pfn_notify)(cl_program program, void *user_data), void *user_data)
{
	return CL_INVALID_OPERATION;
}

static cl_int CL_API_CALL ocl_stub_clSetProgramSpecializationConstant(cl_program program,
		cl_uint spec_id, size_t spec_size, const void *spec_value)
{
	return CL_INVALID_OPERATION;
}

static cl_mem CL_API_CALL ocl_stub_clCreateBufferWithProperties(cl_context context,
		const cl_mem_properties *properties, cl_mem_flags flags, size_t size, void *host_ptr,
		cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_mem CL_API_CALL ocl_stub_clCreateImageWithProperties(cl_context context,
		const cl_mem_properties *properties, cl_mem_flags flags, const cl_image_format *image_format,
		const cl_image_desc *image_desc, void *host_ptr, cl_int *errcode_ret)
{
	return ocl_fail(errcode_ret, CL_INVALID_OPERATION);
}

static cl_int CL_API_CALL ocl_stub_clSetContextDestructorCallback(cl_context context,
		void(CL_CALLBACK*pfn_notify)(cl_context context, void*user_data), void*user_data)
{
	return CL_INVALID_OPERATION;
}

/* For the untyped (Windows-only) slots; never called on Linux. */
static cl_int CL_API_CALL ocl_stub_untyped(void)
{
	return CL_INVALID_OPERATION;
}

void ocl_dispatch_stubs(cl_icd_dispatch *t)
{
	t->clSetCommandQueueProperty = ocl_stub_clSetCommandQueueProperty;
	t->clCreateImage2D = ocl_stub_clCreateImage2D;
	t->clCreateImage3D = ocl_stub_clCreateImage3D;
	t->clGetSupportedImageFormats = ocl_stub_clGetSupportedImageFormats;
	t->clGetImageInfo = ocl_stub_clGetImageInfo;
	t->clCreateSampler = ocl_stub_clCreateSampler;
	t->clRetainSampler = ocl_stub_clRetainSampler;
	t->clReleaseSampler = ocl_stub_clReleaseSampler;
	t->clGetSamplerInfo = ocl_stub_clGetSamplerInfo;
	t->clEnqueueReadImage = ocl_stub_clEnqueueReadImage;
	t->clEnqueueWriteImage = ocl_stub_clEnqueueWriteImage;
	t->clEnqueueCopyImage = ocl_stub_clEnqueueCopyImage;
	t->clEnqueueCopyImageToBuffer = ocl_stub_clEnqueueCopyImageToBuffer;
	t->clEnqueueCopyBufferToImage = ocl_stub_clEnqueueCopyBufferToImage;
	t->clEnqueueMapImage = ocl_stub_clEnqueueMapImage;
	t->clEnqueueNativeKernel = ocl_stub_clEnqueueNativeKernel;
	t->clCreateFromGLBuffer = ocl_stub_clCreateFromGLBuffer;
	t->clCreateFromGLTexture2D = ocl_stub_clCreateFromGLTexture2D;
	t->clCreateFromGLTexture3D = ocl_stub_clCreateFromGLTexture3D;
	t->clCreateFromGLRenderbuffer = ocl_stub_clCreateFromGLRenderbuffer;
	t->clGetGLObjectInfo = ocl_stub_clGetGLObjectInfo;
	t->clGetGLTextureInfo = ocl_stub_clGetGLTextureInfo;
	t->clEnqueueAcquireGLObjects = ocl_stub_clEnqueueAcquireGLObjects;
	t->clEnqueueReleaseGLObjects = ocl_stub_clEnqueueReleaseGLObjects;
	t->clGetGLContextInfoKHR = ocl_stub_clGetGLContextInfoKHR;
	t->clSetEventCallback = ocl_stub_clSetEventCallback;
	t->clCreateSubBuffer = ocl_stub_clCreateSubBuffer;
	t->clSetMemObjectDestructorCallback = ocl_stub_clSetMemObjectDestructorCallback;
	t->clCreateUserEvent = ocl_stub_clCreateUserEvent;
	t->clSetUserEventStatus = ocl_stub_clSetUserEventStatus;
	t->clEnqueueReadBufferRect = ocl_stub_clEnqueueReadBufferRect;
	t->clEnqueueWriteBufferRect = ocl_stub_clEnqueueWriteBufferRect;
	t->clEnqueueCopyBufferRect = ocl_stub_clEnqueueCopyBufferRect;
	t->clCreateSubDevicesEXT = ocl_stub_clCreateSubDevicesEXT;
	t->clRetainDeviceEXT = ocl_stub_clRetainDeviceEXT;
	t->clReleaseDeviceEXT = ocl_stub_clReleaseDeviceEXT;
	t->clCreateEventFromGLsyncKHR = ocl_stub_clCreateEventFromGLsyncKHR;
	t->clCreateSubDevices = ocl_stub_clCreateSubDevices;
	t->clCreateImage = ocl_stub_clCreateImage;
	t->clCompileProgram = ocl_stub_clCompileProgram;
	t->clLinkProgram = ocl_stub_clLinkProgram;
	t->clEnqueueFillImage = ocl_stub_clEnqueueFillImage;
	t->clCreateFromGLTexture = ocl_stub_clCreateFromGLTexture;
	t->clCreateFromEGLImageKHR = ocl_stub_clCreateFromEGLImageKHR;
	t->clEnqueueAcquireEGLObjectsKHR = ocl_stub_clEnqueueAcquireEGLObjectsKHR;
	t->clEnqueueReleaseEGLObjectsKHR = ocl_stub_clEnqueueReleaseEGLObjectsKHR;
	t->clCreateEventFromEGLSyncKHR = ocl_stub_clCreateEventFromEGLSyncKHR;
	t->clCreatePipe = ocl_stub_clCreatePipe;
	t->clGetPipeInfo = ocl_stub_clGetPipeInfo;
	t->clSVMAlloc = ocl_stub_clSVMAlloc;
	t->clSVMFree = ocl_stub_clSVMFree;
	t->clEnqueueSVMFree = ocl_stub_clEnqueueSVMFree;
	t->clEnqueueSVMMemcpy = ocl_stub_clEnqueueSVMMemcpy;
	t->clEnqueueSVMMemFill = ocl_stub_clEnqueueSVMMemFill;
	t->clEnqueueSVMMap = ocl_stub_clEnqueueSVMMap;
	t->clEnqueueSVMUnmap = ocl_stub_clEnqueueSVMUnmap;
	t->clCreateSamplerWithProperties = ocl_stub_clCreateSamplerWithProperties;
	t->clSetKernelArgSVMPointer = ocl_stub_clSetKernelArgSVMPointer;
	t->clSetKernelExecInfo = ocl_stub_clSetKernelExecInfo;
	t->clGetKernelSubGroupInfoKHR = ocl_stub_clGetKernelSubGroupInfoKHR;
	t->clCloneKernel = ocl_stub_clCloneKernel;
	t->clCreateProgramWithIL = ocl_stub_clCreateProgramWithIL;
	t->clEnqueueSVMMigrateMem = ocl_stub_clEnqueueSVMMigrateMem;
	t->clGetDeviceAndHostTimer = ocl_stub_clGetDeviceAndHostTimer;
	t->clGetHostTimer = ocl_stub_clGetHostTimer;
	t->clGetKernelSubGroupInfo = ocl_stub_clGetKernelSubGroupInfo;
	t->clSetDefaultDeviceCommandQueue = ocl_stub_clSetDefaultDeviceCommandQueue;
	t->clSetProgramReleaseCallback = ocl_stub_clSetProgramReleaseCallback;
	t->clSetProgramSpecializationConstant = ocl_stub_clSetProgramSpecializationConstant;
	t->clCreateBufferWithProperties = ocl_stub_clCreateBufferWithProperties;
	t->clCreateImageWithProperties = ocl_stub_clCreateImageWithProperties;
	t->clSetContextDestructorCallback = ocl_stub_clSetContextDestructorCallback;
	t->clGetDeviceIDsFromD3D10KHR = (void *)ocl_stub_untyped;
	t->clCreateFromD3D10BufferKHR = (void *)ocl_stub_untyped;
	t->clCreateFromD3D10Texture2DKHR = (void *)ocl_stub_untyped;
	t->clCreateFromD3D10Texture3DKHR = (void *)ocl_stub_untyped;
	t->clEnqueueAcquireD3D10ObjectsKHR = (void *)ocl_stub_untyped;
	t->clEnqueueReleaseD3D10ObjectsKHR = (void *)ocl_stub_untyped;
	t->clGetDeviceIDsFromD3D11KHR = (void *)ocl_stub_untyped;
	t->clCreateFromD3D11BufferKHR = (void *)ocl_stub_untyped;
	t->clCreateFromD3D11Texture2DKHR = (void *)ocl_stub_untyped;
	t->clCreateFromD3D11Texture3DKHR = (void *)ocl_stub_untyped;
	t->clCreateFromDX9MediaSurfaceKHR = (void *)ocl_stub_untyped;
	t->clEnqueueAcquireD3D11ObjectsKHR = (void *)ocl_stub_untyped;
	t->clEnqueueReleaseD3D11ObjectsKHR = (void *)ocl_stub_untyped;
	t->clGetDeviceIDsFromDX9MediaAdapterKHR = (void *)ocl_stub_untyped;
	t->clEnqueueAcquireDX9MediaSurfacesKHR = (void *)ocl_stub_untyped;
	t->clEnqueueReleaseDX9MediaSurfacesKHR = (void *)ocl_stub_untyped;
}
