/*
 * request.c — the request builder: a plain record of what the caller wants, with no provider
 * shape in it. The dialect encoders turn it into JSON at send time.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

llmc_request *llmc_request_new(const char *model)
{
    llmc_request *req = calloc(1, sizeof *req);
    if (!req)
        return NULL;
    req->temperature = -1;
    req->top_p = -1;
    if (model && !(req->model = strdup(model))) {
        free(req);
        return NULL;
    }
    return req;
}

void llmc_request_free(llmc_request *req)
{
    if (!req)
        return;
    free(req->model);
    free(req->system);
    for (size_t i = 0; i < req->n_messages; i++)
        free(req->messages[i].text);
    free(req->messages);
    for (size_t i = 0; i < req->n_stops; i++)
        free(req->stops[i]);
    free(req->stops);
    for (size_t i = 0; i < req->n_metadata; i++) {
        free(req->metadata[i].key);
        free(req->metadata[i].value);
    }
    free(req->metadata);
    free(req);
}

/* Replace *slot with a copy of value (NULL clears). */
static llmc_code replace_string(char **slot, const char *value)
{
    char *copy = NULL;
    if (value && !(copy = strdup(value)))
        return LLMC_E_NOMEM;
    free(*slot);
    *slot = copy;
    return LLMC_OK;
}

llmc_code llmc_request_set_model(llmc_request *req, const char *model)
{
    if (!req || !model || !*model)
        return LLMC_E_INVALID_ARG;
    return replace_string(&req->model, model);
}

llmc_code llmc_request_set_system(llmc_request *req, const char *system)
{
    if (!req)
        return LLMC_E_INVALID_ARG;
    return replace_string(&req->system, system);
}

llmc_code llmc_request_add_message(llmc_request *req, llmc_role role, const char *text)
{
    if (!req || !text || (role != LLMC_ROLE_USER && role != LLMC_ROLE_ASSISTANT))
        return LLMC_E_INVALID_ARG;
    if (req->n_messages == req->cap_messages) {
        size_t cap = req->cap_messages ? req->cap_messages * 2 : 4;
        llmc_message *grown = realloc(req->messages, cap * sizeof *grown);
        if (!grown)
            return LLMC_E_NOMEM;
        req->messages = grown;
        req->cap_messages = cap;
    }
    char *copy = strdup(text);
    if (!copy)
        return LLMC_E_NOMEM;
    req->messages[req->n_messages].role = role;
    req->messages[req->n_messages].text = copy;
    req->n_messages++;
    return LLMC_OK;
}

llmc_code llmc_request_set_max_tokens(llmc_request *req, long max_tokens)
{
    if (!req || max_tokens < 0)
        return LLMC_E_INVALID_ARG;
    req->max_tokens = max_tokens;
    return LLMC_OK;
}

llmc_code llmc_request_set_temperature(llmc_request *req, double temperature)
{
    if (!req || temperature > 2.0)
        return LLMC_E_INVALID_ARG;
    req->temperature = temperature;
    return LLMC_OK;
}

llmc_code llmc_request_set_top_p(llmc_request *req, double top_p)
{
    if (!req || top_p > 1.0)
        return LLMC_E_INVALID_ARG;
    req->top_p = top_p;
    return LLMC_OK;
}

llmc_code llmc_request_add_stop(llmc_request *req, const char *stop)
{
    if (!req || !stop || !*stop)
        return LLMC_E_INVALID_ARG;
    char **grown = realloc(req->stops, (req->n_stops + 1) * sizeof *grown);
    if (!grown)
        return LLMC_E_NOMEM;
    req->stops = grown;
    if (!(req->stops[req->n_stops] = strdup(stop)))
        return LLMC_E_NOMEM;
    req->n_stops++;
    return LLMC_OK;
}

llmc_code llmc_request_set_metadata(llmc_request *req, const char *key, const char *value)
{
    if (!req || !key || !*key || !value)
        return LLMC_E_INVALID_ARG;
    for (size_t i = 0; i < req->n_metadata; i++)
        if (strcmp(req->metadata[i].key, key) == 0)
            return replace_string(&req->metadata[i].value, value);
    llmc_kv *grown = realloc(req->metadata, (req->n_metadata + 1) * sizeof *grown);
    if (!grown)
        return LLMC_E_NOMEM;
    req->metadata = grown;
    char *k = strdup(key), *v = strdup(value);
    if (!k || !v) {
        free(k);
        free(v);
        return LLMC_E_NOMEM;
    }
    req->metadata[req->n_metadata].key = k;
    req->metadata[req->n_metadata].value = v;
    req->n_metadata++;
    return LLMC_OK;
}

void llmc_request_keep_raw(llmc_request *req, int keep)
{
    if (req)
        req->keep_raw = keep != 0;
}
