/* fllm bench (tools/fllm/bench/cmd_bench.c). */
#ifndef FLLM_CLI_BENCH_COMMAND_H
#define FLLM_CLI_BENCH_COMMAND_H

int cli_cmd_bench(int argc, char **argv);

#endif /* FLLM_CLI_BENCH_COMMAND_H */
