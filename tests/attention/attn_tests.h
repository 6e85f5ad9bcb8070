/* Suites of the attention-unit test program (one file each). */
#ifndef FLLM_ATTN_TESTS_H
#define FLLM_ATTN_TESTS_H

int at_register_diff(void);
int at_register_steps(void);
int at_register_params(void);
int at_register_accuracy(void);

#endif /* FLLM_ATTN_TESTS_H */
