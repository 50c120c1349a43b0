/* SPDX-License-Identifier: MIT */
/*
 * stream.c — print a reply as it is generated, then its usage, from the final response that
 * the stream accumulated.
 * usage: stream [PROVIDER/MODEL] [PROMPT]
 */
#include <llmc/llmc.h>

#include <stdio.h>

static int on_event(void *userdata, const llmc_event *ev)
{
    (void)userdata;
    if (ev->type == LLMC_EVENT_TEXT) {
        fwrite(ev->text, 1, ev->text_len, stdout);
        fflush(stdout);
    }
    return 0; /* nonzero would stop the stream */
}

int main(int argc, char **argv)
{
    llmc_global_init();
    llmc_client *client = llmc_client_new();
    llmc_request *req = llmc_request_new(argc > 1 ? argv[1] : "anthropic/claude-sonnet-4-6");
    llmc_request_add_message(req, LLMC_ROLE_USER, argc > 2 ? argv[2] : "Tell me about streams.", NULL);
    llmc_response *final = NULL;
    llmc_error err;
    int status = 0;
    if (llmc_messages_stream(client, req, on_event, NULL, &final, &err) == LLMC_OK) {
        llmc_usage u = llmc_response_usage(final);
        printf("\n[%ld tokens in, %ld out]\n", u.input_tokens, u.output_tokens);
    } else {
        fprintf(stderr, "\nstream: %s: %s\n", llmc_strerror(err.code), err.message);
        status = 1;
    }
    llmc_response_free(final);
    llmc_request_free(req);
    llmc_client_free(client);
    llmc_global_cleanup();
    return status;
}
