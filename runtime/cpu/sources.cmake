# runtime/cpu: each instruction-set variant is compiled with its own target
# flags, and only those files, so libfllm still runs on AVX2-only and plain
# x86-64 CPUs (cpu_isa.c picks the variant at run time). The kernels are
# always optimized, even in Debug builds: the tests drive large shapes and a
# -O0 SIMD kernel would be 10-50x slower.
set(FLLM_CPU_DIR ${CMAKE_CURRENT_LIST_DIR})
file(GLOB FLLM_CPU_SOURCES CONFIGURE_DEPENDS ${FLLM_CPU_DIR}/*.c)
set_source_files_properties(${FLLM_CPU_SOURCES} PROPERTIES COMPILE_OPTIONS -O2)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64")
  file(GLOB FLLM_CPU_AVX2_SOURCES CONFIGURE_DEPENDS ${FLLM_CPU_DIR}/*_avx2.c)
  file(GLOB FLLM_CPU_AVX512_SOURCES CONFIGURE_DEPENDS ${FLLM_CPU_DIR}/*_avx512.c)
  file(GLOB FLLM_CPU_VBMI_SOURCES CONFIGURE_DEPENDS ${FLLM_CPU_DIR}/*_avx512vbmi.c)
  set_source_files_properties(${FLLM_CPU_AVX2_SOURCES} PROPERTIES
    COMPILE_OPTIONS "-O2;-mavx2;-mfma;-mbmi2")
  set_source_files_properties(${FLLM_CPU_AVX512_SOURCES} PROPERTIES
    COMPILE_OPTIONS "-O2;-mavx512f;-mavx512bw;-mavx512vl;-mavx512dq;-mavx2;-mfma;-mbmi2")
  set_source_files_properties(${FLLM_CPU_VBMI_SOURCES} PROPERTIES COMPILE_OPTIONS
    "-O2;-mavx512f;-mavx512bw;-mavx512vl;-mavx512dq;-mavx512vbmi;-mavx512vnni;-mavx2;-mfma;-mbmi2")
endif()
# The unit twins' inner loops (int8 dot products, exact double sums of a
# tile's weighted values) vectorize at -O3 on baseline x86-64.
set_source_files_properties(${FLLM_CPU_DIR}/cpu_attention_fast.c PROPERTIES COMPILE_OPTIONS -O3)
