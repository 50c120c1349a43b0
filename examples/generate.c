/* SPDX-License-Identifier: MIT */
/*
 * generate.c — the one-liner: send a prompt to a model and print the reply.
 * usage: generate [PROVIDER/MODEL] [PROMPT]   (keys from the provider's variable)
 */
#include <llmc/llmc.h>

#include <stdio.h>

int main(int argc, char **argv)
{
    const char *model = argc > 1 ? argv[1] : "cerebras/gpt-oss-120b";
    const char *prompt = argc > 2 ? argv[2] : "Say hello in five words.";
    llmc_global_init();
    llmc_client *client = llmc_client_new();
    char *text = NULL;
    llmc_error err;
    int status = 0;
    if (llmc_generate(client, model, prompt, &text, &err) == LLMC_OK) {
        printf("%s\n", text);
    } else {
        fprintf(stderr, "generate: %s: %s\n", llmc_strerror(err.code), err.message);
        status = 1;
    }
    llmc_free(text);
    llmc_client_free(client);
    llmc_global_cleanup();
    return status;
}
