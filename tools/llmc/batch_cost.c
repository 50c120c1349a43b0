/* SPDX-License-Identifier: MIT */
/*
 * batch_cost.c — what a batch run cost: the result lines it appended to the output file (those
 * past the file's size before the run), each priced from its usage with the price of the model
 * its input line named (the provider's batch engines charge half for --remote runs). A model
 * without a price is counted, never guessed.
 */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

long cli_file_size(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 ? (long)st.st_size : 0;
}

/* custom_id → the model string its line goes to, from the input file (NULL: none). */
static json_t *input_models(llmc_client *client, const char *in_path, const char *default_provider)
{
    json_t *map = json_object();
    FILE *f = in_path ? fopen(in_path, "re") : NULL;
    if (!f)
        return map;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) >= 0) {
        json_t *o = json_loads(line, 0, NULL);
        const char *id = json_string_value(json_object_get(o, "custom_id"));
        json_t *params = json_object_get(o, "params");
        bool anthropic_shape = params != NULL;
        const char *model =
            json_string_value(json_object_get(anthropic_shape ? params : json_object_get(o, "body"), "model"));
        if (id && model) {
            char provider[64], target[320];
            /* a model no provider serves was answered with an error: no cost, whatever it names */
            if (cli_provider_of(client, model, NULL, provider, sizeof provider, target, sizeof target, NULL) != LLMC_OK)
                snprintf(target, sizeof target, "%s", model);
            /* a bare model of the OpenAI shape goes to --provider, as the library routes it */
            if (!anthropic_shape && !strchr(model, '/'))
                snprintf(target, sizeof target, "%s/%s", default_provider ? default_provider : "anthropic", model);
            json_object_set_new(map, id, json_string(target));
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    return map;
}

void cli_batch_cost(llmc_client *client, const char *out_path, long from, const char *in_path,
                    const char *default_provider, const char *remote_id, cli_batch_cost_total *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = out_path ? fopen(out_path, "re") : NULL;
    if (!f)
        return;
    /* from the start of the line holding the old end: a torn last line the run dropped was cut
     * off at a line boundary, so new lines start there */
    long start = from;
    while (start > 0) {
        if (fseek(f, start - 1, SEEK_SET) != 0 || fgetc(f) == '\n')
            break;
        start--;
    }
    fseek(f, start, SEEK_SET);
    json_t *models = input_models(client, in_path, default_provider);
    const char *remote_provider =
        remote_id && *remote_id ? (strncmp(remote_id, "msgbatch_", 9) == 0 ? "anthropic" : "fireworks") : NULL;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) >= 0) {
        json_t *o = json_loads(line, 0, NULL);
        json_t *result = json_object_get(o, "result");
        const char *type = json_string_value(json_object_get(result, "type"));
        json_t *msg = json_object_get(result, "message");
        if (!type || strcmp(type, "succeeded") != 0 || !json_is_object(msg)) {
            json_decref(o);
            continue;
        }
        const char *id = json_string_value(json_object_get(o, "custom_id"));
        const char *target = id ? json_string_value(json_object_get(models, id)) : NULL;
        const char *served = json_string_value(json_object_get(msg, "model"));
        const char *norm_provider = json_string_value(json_object_get(msg, "provider"));
        char provider[64] = "";
        char guessed[320] = "";
        if (target) {
            snprintf(provider, sizeof provider, "%.*s", (int)strcspn(target, "/"), target);
        } else if (norm_provider || remote_provider) {
            snprintf(provider, sizeof provider, "%s", norm_provider ? norm_provider : remote_provider);
            if (served)
                snprintf(guessed, sizeof guessed, "%s/%s", provider, served);
            target = guessed[0] ? guessed : NULL;
        }
        json_t *u = json_object_get(msg, "usage");
        cli_tokens t = {0};
        if (json_object_get(u, "prompt_tokens")) { /* an OpenAI-compatible body */
            t.input_tokens = (long)json_integer_value(json_object_get(u, "prompt_tokens"));
            t.output_tokens = (long)json_integer_value(json_object_get(u, "completion_tokens"));
            t.cache_read_tokens =
                (long)json_integer_value(json_object_get(json_object_get(u, "prompt_tokens_details"), "cached_tokens"));
            t.input_includes_cache = true;
        } else { /* Anthropic's body, or the normalized one */
            t.input_tokens = (long)json_integer_value(json_object_get(u, "input_tokens"));
            t.output_tokens = (long)json_integer_value(json_object_get(u, "output_tokens"));
            t.cache_read_tokens = (long)json_integer_value(json_object_get(u, "cache_read_input_tokens"));
            t.cache_write_tokens = (long)json_integer_value(json_object_get(u, "cache_creation_input_tokens"));
            t.input_includes_cache = norm_provider && strcmp(norm_provider, "anthropic") != 0;
        }
        cli_price p;
        if (target && cli_price_find(client, target, provider, served, &p)) {
            out->cost += cli_cost(&p, &t) * (remote_id && *remote_id ? 0.5 : 1.0);
            out->priced++;
        } else {
            out->unpriced++;
        }
        json_decref(o);
    }
    free(line);
    json_decref(models);
    fclose(f);
}
