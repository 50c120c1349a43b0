/* SPDX-License-Identifier: MIT */
/*
 * main.c — the llmc command: global set-up (no core dumps, the library) and dispatch to
 * subcommands. Anything that is not a subcommand's name is a prompt for the default command (see
 * cmd_prompt.c).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

typedef struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
} subcommand;

static const subcommand subcommands[] = {
    {"prompt", cmd_prompt}, {"explain", cmd_explain}, {"doctor", cmd_doctor}, {"keys", cmd_keys},
    {"chat", cmd_chat},     {"models", cmd_models},   {"batch", cmd_batch},   {"config", cmd_config},
    {"tokens", cmd_tokens}, {"logs", cmd_logs},       {"usage", cmd_usage},   {"__complete", cmd_complete},
};

int main(int argc, char **argv)
{
    /* First of all, before any key is read: a crash must not write one to a core file. */
    llmc_error err;
    if (llmc_process_disable_core_dumps(&err) != LLMC_OK)
        fprintf(stderr, "llmc: warning: %s; a crash could leave keys in a core file\n", err.message);
    if (llmc_global_init() != LLMC_OK) {
        fprintf(stderr, "llmc: error: could not initialise the network library\n");
        return EXIT_OTHER;
    }
    /* a log level nobody defined is a mistake to point out, not a level to guess */
    const char *level = getenv("LLMC_LOG");
    if (level && llmc_log_level_parse(level, NULL, NULL) != LLMC_OK) {
        fprintf(stderr, "llmc: error: LLMC_LOG=\"%.40s\" is not a level: use debug, info, warn or off\n", level);
        llmc_global_cleanup();
        return EXIT_USAGE;
    }
    int rc = -1;
    if (argc > 1)
        for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
            if (strcmp(argv[1], subcommands[i].name) == 0) {
                rc = subcommands[i].run(argc - 1, argv + 1);
                break;
            }
    if (rc < 0)
        rc = cmd_prompt(argc, argv);
    llmc_global_cleanup();
    return rc;
}
