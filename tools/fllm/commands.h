/*
 * The fllm CLI's commands: one file each (cmd_<name>.c). Each takes argv
 * with argv[0] = the command's name and returns the process exit status
 * (CLI_EXIT_* of args.h).
 */
#ifndef FLLM_CLI_COMMANDS_H
#define FLLM_CLI_COMMANDS_H

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* The command table, NULL-name terminated (main.c). */
extern const struct cli_command cli_commands[];

int cli_cmd_help(int argc, char **argv);
int cli_cmd_devices(int argc, char **argv);
int cli_cmd_examine(int argc, char **argv);
int cli_cmd_validate(int argc, char **argv);

#endif /* FLLM_CLI_COMMANDS_H */
