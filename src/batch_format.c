/* SPDX-License-Identifier: MIT */
/*
 * batch_format.c — how a succeeded batch result is written: the provider's body as it came
 * (the default, the shape each provider's own batch files have), or the normalized reply of
 * llmc_response_to_json, the same for every provider, so that one jq filter reads a file that
 * mixes providers.
 */
#include "batch_internal.h"

#include <stdlib.h>
#include <string.h>

llmc_code llmc_batch_set_format(llmc_batch *b, llmc_batch_format format, llmc_error *err)
{
    llmc_error_clear(err);
    if (!b || (format != LLMC_BATCH_FORMAT_PROVIDER && format != LLMC_BATCH_FORMAT_NORMALIZED))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "unknown batch output format");
    b->format = format;
    return LLMC_OK;
}

char *llmc_batch_success_line(const llmc_batch *b, const char *custom_id, const char *provider, bool anthropic,
                              json_t *body, const char *raw, size_t raw_len, const char *request_id)
{
    if (b->format != LLMC_BATCH_FORMAT_NORMALIZED)
        return raw ? bo_line_succeeded_raw(custom_id, raw, raw_len) : bo_line_succeeded(custom_id, body);
    char *text = raw ? NULL : json_dumps(body, JSON_COMPACT);
    const char *src = raw ? raw : text;
    llmc_response *r = src ? llmc_response_alloc() : NULL;
    llmc_error e;
    llmc_error_clear(&e);
    char *line = NULL;
    if (r) {
        size_t len = raw ? raw_len : strlen(text);
        llmc_code rc = anthropic ? llmc_anthropic_decode(src, len, r, &e) : llmc_openai_decode(src, len, r, &e);
        r->provider = strdup(provider);
        if (request_id && *request_id && !r->request_id)
            r->request_id = strdup(request_id);
        json_t *tree = rc == LLMC_OK && r->provider ? llmc_response_json_tree(r) : NULL;
        /* a body llmc cannot read stays as it came rather than being lost */
        line = tree ? bo_line_succeeded(custom_id, tree)
                    : (raw ? bo_line_succeeded_raw(custom_id, raw, raw_len) : bo_line_succeeded(custom_id, body));
        json_decref(tree);
    }
    llmc_response_free(r);
    free(text);
    return line;
}
