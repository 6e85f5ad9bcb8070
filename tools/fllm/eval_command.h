/* The `fllm eval` command (cmd_eval.c), declared apart from commands.h. */
#ifndef FLLM_CLI_EVAL_COMMAND_H
#define FLLM_CLI_EVAL_COMMAND_H

int cli_cmd_eval(int argc, char **argv);

#endif /* FLLM_CLI_EVAL_COMMAND_H */
