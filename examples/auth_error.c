/* SPDX-License-Identifier: MIT */
/*
 * auth_error.c — the scenario llmc was born from: a call fails authentication. Instead of
 * "Invalid API key provided", print what llmc found: the cause, where the key came from (its
 * fingerprint, never the key), the fix, and the command that explains more.
 * usage: auth_error [PROVIDER/MODEL]   (try it with a revoked, misspelled or empty variable)
 */
#include <llmc/llmc.h>

#include <stdio.h>

int main(int argc, char **argv)
{
    const char *model = argc > 1 ? argv[1] : "cerebras/gpt-oss-120b";
    llmc_global_init();
    llmc_client *client = llmc_client_new();
    char *text = NULL;
    llmc_error err;
    llmc_code rc = llmc_generate(client, model, "Hello", &text, &err);
    if (rc == LLMC_OK) {
        printf("%s\n", text);
    } else if (err.diagnosis.cause != LLMC_CAUSE_NONE) {
        const llmc_cause_info *why = llmc_cause_info_get(err.diagnosis.cause);
        fprintf(stderr, "authentication problem: %s\n", err.message);
        fprintf(stderr, "  cause: %s — %s\n", why->id, why->title);
        if (err.diagnosis.source != LLMC_SOURCE_NONE)
            fprintf(stderr, "  key:   %s %s (%s)\n", llmc_key_source_name(err.diagnosis.source),
                    err.diagnosis.source_name, err.diagnosis.fingerprint);
        if (err.http_status)
            fprintf(stderr, "  said:  HTTP %d %s %s\n", err.http_status, err.provider_type, err.provider_code);
        fprintf(stderr, "  fix:   %s\n  more:  llmc explain %s\n", err.diagnosis.fix, why->id);
    } else {
        fprintf(stderr, "failed: %s: %s\n", llmc_strerror(rc), err.message);
    }
    llmc_free(text);
    llmc_client_free(client);
    llmc_global_cleanup();
    return rc == LLMC_OK ? 0 : 1;
}
