/* SPDX-License-Identifier: MIT */
/*
 * consumer.c — an outside program, built against an installed llmc (pkg-config or CMake): it
 * uses the header and both halves of the API that need no network (versions, the catalogue,
 * a static key check through a client).
 */
#include <llmc/llmc.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
    if (llmc_global_init() != LLMC_OK)
        return 1;
    const llmc_cause_info *info = llmc_cause_info_find("key.placeholder");
    llmc_client *client = llmc_client_new();
    llmc_error err;
    llmc_client_set_key(client, "cerebras", "your_api_key_here", &err);
    char *text = NULL;
    llmc_code rc = llmc_generate(client, "cerebras/gpt-oss-120b", "hi", &text, &err);
    printf("llmc %s (header %s): %s -> %s\n", llmc_version(), LLMC_VERSION_STRING, info ? info->id : "?",
           llmc_cause_id(err.diagnosis.cause));
    llmc_client_free(client);
    llmc_global_cleanup();
    return rc == LLMC_E_KEY && err.diagnosis.cause == LLMC_CAUSE_KEY_PLACEHOLDER &&
                   strcmp(llmc_version(), LLMC_VERSION_STRING) == 0
               ? 0
               : 1;
}
