/* The `fllm serve` command (serve/cmd_serve.c), declared apart from commands.h. */
#ifndef FLLM_CLI_SERVE_COMMAND_H
#define FLLM_CLI_SERVE_COMMAND_H

int cli_cmd_serve(int argc, char **argv);

#endif /* FLLM_CLI_SERVE_COMMAND_H */
