/* The `fllm run` command (cmd_run.c), declared apart from commands.h. */
#ifndef FLLM_CLI_RUN_COMMAND_H
#define FLLM_CLI_RUN_COMMAND_H

int cli_cmd_run(int argc, char **argv);

#endif /* FLLM_CLI_RUN_COMMAND_H */
