/* fllm help [COMMAND]: the command list, or one command's own help. */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "commands.h"

/* With a command name, run that command with --help so its usage comes from
 * its own option table; without, list the commands. */
int cli_cmd_help(int argc, char **argv)
{
	const struct cli_command *c;
	char help_flag[] = "--help";
	char *sub[2];

	if (argc > 2) {
		fprintf(stderr, "fllm help: takes at most one command name\n");
		return CLI_EXIT_USAGE;
	}
	if (argc == 2) {
		for (c = cli_commands; c->name; c++) {
			if (strcmp(c->name, argv[1]) || c->run == cli_cmd_help)
				continue;
			sub[0] = argv[1];
			sub[1] = help_flag;
			return c->run(2, sub);
		}
		if (strcmp(argv[1], "help")) {
			fprintf(stderr, "fllm help: unknown command '%s'\n", argv[1]);
			return CLI_EXIT_USAGE;
		}
	}
	printf("usage: fllm <command> [options]\n       fllm --version\n\ncommands:\n");
	for (c = cli_commands; c->name; c++)
		printf("  %-10s %s\n", c->name, c->summary);
	printf("\n'fllm help COMMAND' or 'fllm COMMAND --help' shows a command's options.\n"
	       "Exit status: 0 success, 1 failure, 2 usage error, 3 device not opened.\n");
	return CLI_EXIT_OK;
}
