/* SPDX-License-Identifier: MIT */
/*
 * batch.c — run a JSONL file of requests with llmc_batch: 8 in flight, at most 600 a minute,
 * results appended to an output file that survives a crash (run it again to finish the rest).
 * usage: example_batch IN.jsonl OUT.jsonl
 */
#include <llmc/llmc.h>

#include <stdio.h>

static void progress(void *userdata, const llmc_batch_progress *p)
{
    (void)userdata;
    if (p->finished)
        printf("done: %zu succeeded, %zu errored, %zu skipped; %lld tokens in, %lld out\n", p->succeeded, p->errored,
               p->skipped, p->input_tokens, p->output_tokens);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s IN.jsonl OUT.jsonl\n", argv[0]);
        return 2;
    }
    llmc_global_init();
    llmc_client *client = llmc_client_new();
    llmc_batch *batch = llmc_batch_new(client);
    llmc_error err;
    llmc_code rc = llmc_batch_set_output(batch, argv[2], &err);
    if (rc == LLMC_OK)
        rc = llmc_batch_set_concurrency(batch, 8, &err);
    if (rc == LLMC_OK)
        rc = llmc_batch_set_rate_limits(batch, 600, 0, &err);
    llmc_batch_set_progress(batch, progress, NULL, 1.0);
    if (rc == LLMC_OK)
        rc = llmc_batch_run(batch, argv[1], &err);
    if (rc == LLMC_E_INVALID_ARG) {
        /* the input was checked before anything was sent: say where it is wrong */
        size_t line;
        const char *message;
        for (size_t i = 0; llmc_batch_issue_at(batch, i, &line, &message); i++)
            fprintf(stderr, "%s:%zu: %s\n", argv[1], line, message);
    } else if (rc != LLMC_OK) {
        fprintf(stderr, "batch failed: %s: %s\n", llmc_strerror(rc), err.message);
    }
    llmc_batch_free(batch);
    llmc_client_free(client);
    llmc_global_cleanup();
    return rc == LLMC_OK ? 0 : 1;
}
