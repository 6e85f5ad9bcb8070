/* Suites of the vector-unit test program (one file each). */
#ifndef FLLM_VECTOR_TESTS_H
#define FLLM_VECTOR_TESTS_H

int vt_register_diff(void);
int vt_register_steps(void);
int vt_register_params(void);
int vt_register_accuracy(void);

#endif /* FLLM_VECTOR_TESTS_H */
