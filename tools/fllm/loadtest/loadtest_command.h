/* The `fllm loadtest` command (loadtest/cmd_loadtest.c). */
#ifndef FLLM_CLI_LOADTEST_COMMAND_H
#define FLLM_CLI_LOADTEST_COMMAND_H

int cli_cmd_loadtest(int argc, char **argv);

#endif /* FLLM_CLI_LOADTEST_COMMAND_H */
