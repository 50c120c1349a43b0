/* SPDX-License-Identifier: MIT */
/*
 * validate_keys.c — check keys at start-up, before the first real request: a cheap
 * authenticated call per provider, and the reason when one fails (never just "false").
 * usage: validate_keys [PROVIDER...]   (default: anthropic cerebras fireworks)
 */
#include <llmc/llmc.h>

#include <stdio.h>

int main(int argc, char **argv)
{
    static const char *const defaults[] = {"anthropic", "cerebras", "fireworks"};
    const char *const *providers = argc > 1 ? (const char *const *)argv + 1 : defaults;
    int n = argc > 1 ? argc - 1 : 3;
    llmc_global_init();
    llmc_client *client = llmc_client_new();
    int failed = 0;
    for (int i = 0; i < n; i++) {
        llmc_error err;
        if (llmc_client_validate(client, providers[i], &err) == LLMC_OK) {
            printf("%-10s ok\n", providers[i]);
            continue;
        }
        failed++;
        const llmc_cause_info *why = llmc_cause_info_get(err.diagnosis.cause);
        printf("%-10s FAILED: %s\n", providers[i], err.message);
        if (why)
            printf("%-10s cause %s (%s %s %s); fix: %s\n", "", why->id, llmc_key_source_name(err.diagnosis.source),
                   err.diagnosis.source_name, err.diagnosis.fingerprint, err.diagnosis.fix);
    }
    llmc_client_free(client);
    llmc_global_cleanup();
    return failed ? 1 : 0;
}
