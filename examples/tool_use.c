/* SPDX-License-Identifier: MIT */
/*
 * tool_use.c — a two-step tool conversation: the model asks for get_weather, the program runs
 * the "tool" and sends the result back, and the model answers from it. The same code works
 * with every provider; llmc translates tool calls between the two wire dialects.
 * usage: tool_use [PROVIDER/MODEL]
 */
#include <llmc/llmc.h>

#include <stdio.h>
#include <string.h>

/* The tool itself: a stand-in for a real weather service. */
static const char *get_weather(const char *input_json)
{
    return strstr(input_json, "Paris") ? "sunny, 21 C" : "unknown place";
}

int main(int argc, char **argv)
{
    llmc_global_init();
    llmc_client *client = llmc_client_new();
    llmc_request *req = llmc_request_new(argc > 1 ? argv[1] : "anthropic/claude-sonnet-4-6");
    llmc_request_add_tool(req, "get_weather", "The current weather at a place",
                          "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},"
                          "\"required\":[\"location\"]}",
                          NULL);
    llmc_request_add_message(req, LLMC_ROLE_USER, "What is the weather in Paris?", NULL);
    llmc_error err;
    int status = 1;
    for (int step = 0; step < 4; step++) {
        llmc_response *resp = NULL;
        if (llmc_messages_create(client, req, &resp, &err) != LLMC_OK) {
            fprintf(stderr, "tool_use: %s: %s\n", llmc_strerror(err.code), err.message);
            break;
        }
        if (llmc_response_stop_reason(resp) != LLMC_STOP_TOOL_USE) {
            printf("%s\n", llmc_response_text(resp));
            llmc_response_free(resp);
            status = 0;
            break;
        }
        /* keep the model's turn in the conversation, then answer each of its tool calls */
        llmc_request_add_response(req, resp, &err);
        for (size_t i = 0; i < llmc_response_block_count(resp); i++) {
            if (llmc_response_block_type(resp, i) != LLMC_BLOCK_TOOL_USE)
                continue;
            printf("[the model calls %s %s]\n", llmc_response_block_tool_name(resp, i),
                   llmc_response_block_text(resp, i));
            llmc_request_add_tool_result(req, llmc_response_block_tool_id(resp, i),
                                         get_weather(llmc_response_block_text(resp, i)), 0, &err);
        }
        llmc_response_free(resp);
    }
    llmc_request_free(req);
    llmc_client_free(client);
    llmc_global_cleanup();
    return status;
}
