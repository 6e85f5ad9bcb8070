/* The `fllm quantize` command (cmd_quantize.c), declared apart from commands.h. */
#ifndef FLLM_CLI_QUANTIZE_COMMAND_H
#define FLLM_CLI_QUANTIZE_COMMAND_H

int cli_cmd_quantize(int argc, char **argv);

#endif /* FLLM_CLI_QUANTIZE_COMMAND_H */
