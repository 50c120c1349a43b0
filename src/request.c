/* SPDX-License-Identifier: MIT */
/*
 * request.c — the request builder: a plain record of what the caller wants — turns made of parts
 * (text, images, tool calls and results, thinking), tools, sampling — with no provider shape in
 * it. The dialect encoders turn it into JSON at send time.
 */
#include "wire.h"
#include "secret.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

llmc_request *llmc_request_new(const char *model)
{
    llmc_request *req = calloc(1, sizeof *req);
    if (!req)
        return NULL;
    req->temperature = -1;
    req->top_p = -1;
    req->parallel_tool_calls = -1;
    if (model && !(req->model = strdup(model))) {
        free(req);
        return NULL;
    }
    return req;
}

static void free_turn(llmc_message *m)
{
    for (size_t j = 0; j < m->n_parts; j++) {
        free(m->parts[j].text);
        free(m->parts[j].id);
        free(m->parts[j].name);
        free(m->parts[j].extra);
    }
    free(m->parts);
}

void llmc_request_free(llmc_request *req)
{
    if (!req)
        return;
    free(req->model);
    free(req->system);
    for (size_t i = 0; i < req->n_messages; i++)
        free_turn(&req->messages[i]);
    free(req->messages);
    for (size_t i = 0; i < req->n_tools; i++) {
        free(req->tools[i].name);
        free(req->tools[i].description);
        json_decref(req->tools[i].schema);
    }
    free(req->tools);
    free(req->tool_choice_name);
    llmc_secret_free(req->key);
    free(req->base_url);
    for (size_t i = 0; i < req->n_headers; i++) {
        free(req->headers[i].key);
        free(req->headers[i].value);
    }
    free(req->headers);
    for (size_t i = 0; i < req->n_stops; i++)
        free(req->stops[i]);
    free(req->stops);
    for (size_t i = 0; i < req->n_metadata; i++) {
        free(req->metadata[i].key);
        free(req->metadata[i].value);
    }
    free(req->metadata);
    free(req->reasoning_format);
    free(req->format_name);
    json_decref(req->format_schema);
    for (size_t i = 0; i < req->n_body; i++) {
        free(req->body[i].name);
        json_decref(req->body[i].value);
    }
    free(req->body);
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

/* `rc` as the setters return it: out of memory is said in err too. */
static llmc_code nomem(llmc_error *err, llmc_code rc)
{
    return rc == LLMC_E_NOMEM ? llmc_error_set(err, LLMC_E_NOMEM, "out of memory") : rc;
}

llmc_code llmc_request_set_model(llmc_request *req, const char *model, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !model || !*model)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a request needs a model (\"provider/model\")");
    return nomem(err, replace_string(&req->model, model));
}

llmc_code llmc_request_set_system(llmc_request *req, const char *system, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "request must not be NULL");
    return nomem(err, replace_string(&req->system, system));
}

/* A new, empty turn at the end. */
static llmc_message *new_turn(llmc_request *req, llmc_role role)
{
    if (req->n_messages == req->cap_messages) {
        size_t cap = req->cap_messages ? req->cap_messages * 2 : 4;
        llmc_message *grown = realloc(req->messages, cap * sizeof *grown);
        if (!grown)
            return NULL;
        req->messages = grown;
        req->cap_messages = cap;
    }
    llmc_message *m = &req->messages[req->n_messages++];
    *m = (llmc_message){role, NULL, 0};
    return m;
}

static bool has_part(const llmc_message *m, llmc_part_kind kind)
{
    for (size_t i = 0; i < m->n_parts; i++)
        if (m->parts[i].kind == kind)
            return true;
    return false;
}

/* The turn a new part of `role` joins: the last turn when it has that role and is still open
 * (a user turn so far holding only images and tool results), else a new one. */
static llmc_message *turn_for(llmc_request *req, llmc_role role, bool joins_open_turn)
{
    llmc_message *last = req->n_messages ? &req->messages[req->n_messages - 1] : NULL;
    if (joins_open_turn && last && last->role == role && !has_part(last, LLMC_PART_TEXT))
        return last;
    return new_turn(req, role);
}

/* Append a part (taking ownership of the strings; they are freed on failure). */
static llmc_code add_part(llmc_message *m, llmc_part_kind kind, char *text, char *id, char *name, bool is_error)
{
    llmc_part *grown = m ? realloc(m->parts, (m->n_parts + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(text);
        free(id);
        free(name);
        return LLMC_E_NOMEM;
    }
    m->parts = grown;
    m->parts[m->n_parts++] = (llmc_part){.kind = kind, .text = text, .id = id, .name = name, .is_error = is_error};
    return LLMC_OK;
}

/* Copies of up to three strings (NULL stays NULL); false when one could not be copied. */
static bool copy3(const char *a, const char *b, const char *c, char **pa, char **pb, char **pc)
{
    *pa = a ? strdup(a) : NULL;
    *pb = b ? strdup(b) : NULL;
    *pc = c ? strdup(c) : NULL;
    if ((a && !*pa) || (b && !*pb) || (c && !*pc)) {
        free(*pa);
        free(*pb);
        free(*pc);
        return false;
    }
    return true;
}

llmc_code llmc_request_add_message(llmc_request *req, llmc_role role, const char *text, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !text)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "request and text must not be NULL");
    if (role != LLMC_ROLE_USER && role != LLMC_ROLE_ASSISTANT)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a message's role is LLMC_ROLE_USER or LLMC_ROLE_ASSISTANT (%d)",
                              (int)role);
    char *copy = strdup(text);
    if (!copy)
        return nomem(err, LLMC_E_NOMEM);
    return nomem(err, add_part(turn_for(req, role, role == LLMC_ROLE_USER), LLMC_PART_TEXT, copy, NULL, NULL, false));
}

llmc_code llmc_request_set_key(llmc_request *req, const char *key, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "request must not be NULL");
    llmc_secret *copy = NULL;
    if (key && !(copy = llmc_secret_new(key, strlen(key))))
        return nomem(err, LLMC_E_NOMEM);
    llmc_secret_free(req->key);
    req->key = copy;
    return LLMC_OK;
}

llmc_code llmc_request_set_cancel(llmc_request *req, llmc_cancel *cancel, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "request must not be NULL");
    req->cancel = cancel;
    return LLMC_OK;
}

llmc_code llmc_request_set_base_url(llmc_request *req, const char *base_url, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "request must not be NULL");
    return nomem(err, replace_string(&req->base_url, base_url));
}

llmc_code llmc_request_set_timeout(llmc_request *req, long timeout_ms, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || timeout_ms < 0)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a timeout is 0 (the default) or more milliseconds (%ld)",
                              timeout_ms);
    req->timeout_ms = timeout_ms;
    return LLMC_OK;
}

llmc_code llmc_request_set_total_timeout(llmc_request *req, long total_ms, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || total_ms < 0)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a total timeout is 0 (none) or more milliseconds (%ld)",
                              total_ms);
    req->total_ms = total_ms;
    return LLMC_OK;
}

llmc_code llmc_request_set_header(llmc_request *req, const char *name, const char *value, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !name)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "request and header name must not be NULL");
    char why[256] = "";
    if (!llmc_header_check(name, strlen(name), value, why, sizeof why))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "header not set: %s", why[0] ? why : "not a valid header");
    for (size_t i = 0; i < req->n_headers; i++)
        if (strcasecmp(req->headers[i].key, name) == 0) {
            if (value)
                return nomem(err, replace_string(&req->headers[i].value, value));
            free(req->headers[i].key);
            free(req->headers[i].value);
            req->headers[i] = req->headers[--req->n_headers];
            return LLMC_OK;
        }
    if (!value)
        return LLMC_OK;
    llmc_kv *grown = realloc(req->headers, (req->n_headers + 1) * sizeof *grown);
    if (!grown)
        return nomem(err, LLMC_E_NOMEM);
    req->headers = grown;
    char *n, *v, *unused;
    if (!copy3(name, value, NULL, &n, &v, &unused))
        return nomem(err, LLMC_E_NOMEM);
    req->headers[req->n_headers++] = (llmc_kv){n, v};
    return LLMC_OK;
}

llmc_code llmc_request_drop_last_turn(llmc_request *req, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || req->n_messages == 0)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "the request has no turn to drop");
    free_turn(&req->messages[--req->n_messages]);
    return LLMC_OK;
}

llmc_code llmc_request_add_tool_result(llmc_request *req, const char *tool_call_id, const char *content, int is_error,
                                       llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !tool_call_id || !*tool_call_id || !content)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a tool result needs the call's id and a content");
    char *text, *id, *unused;
    if (!copy3(content, tool_call_id, NULL, &text, &id, &unused))
        return nomem(err, LLMC_E_NOMEM);
    return nomem(err,
                 add_part(turn_for(req, LLMC_ROLE_USER, true), LLMC_PART_TOOL_RESULT, text, id, NULL, is_error != 0));
}

llmc_code llmc_request_add_image(llmc_request *req, const char *media_type, const void *bytes, size_t len,
                                 llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !bytes || len == 0)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "an image needs its bytes");
    if (!media_type || strncmp(media_type, "image/", 6) != 0)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "an image's media type is image/… (\"%.60s\")",
                              media_type ? media_type : "");
    char *data = llmc_base64(bytes, len);
    char *type = strdup(media_type);
    if (!data || !type) {
        free(data);
        free(type);
        return nomem(err, LLMC_E_NOMEM);
    }
    return nomem(err, add_part(turn_for(req, LLMC_ROLE_USER, true), LLMC_PART_IMAGE, data, NULL, type, false));
}

/* A copy of `s`, or NULL for NULL; *oom is set when the copy failed. */
static char *dup_or_null(const char *s, bool *oom)
{
    char *copy = s ? strdup(s) : NULL;
    if (s && !copy)
        *oom = true;
    return copy;
}

/* The part that sends block `b` back as it came. LLMC_E_NOMEM, or LLMC_OK with *skip set for a
 * block that cannot be replayed (an empty text). */
static llmc_code replay_block(llmc_message *m, const llmc_block *b, bool *skip)
{
    bool oom = false;
    char *text = NULL, *id = NULL, *name = NULL, *extra = NULL;
    llmc_part_kind kind;
    *skip = false;
    switch (b->type) {
    case LLMC_BLOCK_TEXT:
        if (!b->text || !*b->text) {
            *skip = true; /* providers refuse empty text blocks */
            return LLMC_OK;
        }
        kind = LLMC_PART_TEXT;
        text = dup_or_null(b->text, &oom);
        if (b->citations && json_array_size(b->citations) > 0 && !(extra = llmc_json_dump(b->citations, JSON_COMPACT)))
            oom = true;
        break;
    case LLMC_BLOCK_THINKING:
        kind = LLMC_PART_THINKING;
        text = dup_or_null(b->text ? b->text : "", &oom);
        id = dup_or_null(b->signature, &oom);
        break;
    case LLMC_BLOCK_TOOL_USE:
        kind = LLMC_PART_TOOL_USE;
        text = dup_or_null(b->text && *b->text ? b->text : "{}", &oom);
        id = dup_or_null(b->tool_id ? b->tool_id : "", &oom);
        name = dup_or_null(b->tool_name ? b->tool_name : "", &oom);
        extra = dup_or_null(b->raw, &oom);
        break;
    case LLMC_BLOCK_REDACTED_THINKING:
    case LLMC_BLOCK_OTHER:
    default:
        if (!b->raw) {
            *skip = true; /* a block the caller built without its JSON: nothing to send */
            return LLMC_OK;
        }
        kind = LLMC_PART_RAW;
        text = dup_or_null(b->raw, &oom);
        break;
    }
    if (oom) {
        free(text);
        free(id);
        free(name);
        free(extra);
        return LLMC_E_NOMEM;
    }
    llmc_code rc = add_part(m, kind, text, id, name, false);
    if (rc != LLMC_OK) {
        free(extra);
        return rc;
    }
    m->parts[m->n_parts - 1].extra = extra;
    m->parts[m->n_parts - 1].dialect = b->dialect;
    return LLMC_OK;
}

llmc_code llmc_request_add_response(llmc_request *req, const llmc_response *resp, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !resp)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "request and response must not be NULL");
    llmc_message *m = new_turn(req, LLMC_ROLE_ASSISTANT);
    if (!m)
        return nomem(err, LLMC_E_NOMEM);
    for (size_t i = 0; i < resp->n_blocks; i++) {
        bool skip;
        llmc_code rc = replay_block(m, &resp->blocks[i], &skip);
        if (rc != LLMC_OK)
            return nomem(err, rc);
    }
    if (m->n_parts == 0) {
        /* nothing replayable (e.g. an empty reply): keep the turn, as an empty text */
        char *empty = strdup("");
        return nomem(err, empty ? add_part(m, LLMC_PART_TEXT, empty, NULL, NULL, false) : LLMC_E_NOMEM);
    }
    return LLMC_OK;
}

json_t *llmc_parse_caller_json(const char *text, const char *what, llmc_error *err)
{
    json_error_t jerr;
    json_t *v = llmc_json_loadb(text, strlen(text), JSON_DECODE_ANY, &jerr);
    if (!v && json_error_code(&jerr) == json_error_out_of_memory)
        llmc_error_set(err, LLMC_E_NOMEM, "out of memory while parsing %s", what);
    else if (!v)
        llmc_error_set(err, LLMC_E_INVALID_ARG, "%s: invalid JSON at line %d, column %d: %s", what, jerr.line,
                       jerr.column, jerr.text);
    return v;
}

llmc_code llmc_request_add_tool_v2(llmc_request *req, const char *name, const char *description,
                                   const char *parameters_schema, unsigned flags, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !name || !*name)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a tool needs a name");
    if (flags & ~LLMC_TOOL_STRICT)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "unknown tool flags 0x%x", flags & ~LLMC_TOOL_STRICT);
    json_t *schema = parameters_schema ? llmc_parse_caller_json(parameters_schema, "tool schema", err)
                                       : json_pack("{s:s, s:{}}", "type", "object", "properties");
    if (!schema)
        return err ? err->code : LLMC_E_INVALID_ARG;
    if (!json_is_object(schema)) {
        json_decref(schema);
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "tool schema: expected a JSON object");
    }
    llmc_tool *grown = realloc(req->tools, (req->n_tools + 1) * sizeof *grown);
    if (!grown) {
        json_decref(schema);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    req->tools = grown;
    char *n, *d, *unused;
    if (!copy3(name, description, NULL, &n, &d, &unused)) {
        json_decref(schema);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    req->tools[req->n_tools++] = (llmc_tool){n, d, schema, (flags & LLMC_TOOL_STRICT) != 0, 0};
    return LLMC_OK;
}

llmc_code llmc_request_add_tool(llmc_request *req, const char *name, const char *description,
                                const char *parameters_schema, llmc_error *err)
{
    return llmc_request_add_tool_v2(req, name, description, parameters_schema, 0, err);
}

llmc_code llmc_request_set_tool_choice(llmc_request *req, llmc_tool_choice choice, const char *name, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || choice < LLMC_TOOL_CHOICE_AUTO || choice > LLMC_TOOL_CHOICE_TOOL)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "no such tool choice (%d)", (int)choice);
    if (choice == LLMC_TOOL_CHOICE_TOOL && (!name || !*name))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "LLMC_TOOL_CHOICE_TOOL needs the tool's name");
    llmc_code rc = replace_string(&req->tool_choice_name, choice == LLMC_TOOL_CHOICE_TOOL ? name : NULL);
    if (rc == LLMC_OK)
        req->tool_choice = choice;
    return nomem(err, rc);
}

llmc_code llmc_request_set_max_tokens(llmc_request *req, long max_tokens, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || max_tokens < 0)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "max_tokens is 0 (the default) or more (%ld)", max_tokens);
    req->max_tokens = max_tokens;
    return LLMC_OK;
}

llmc_code llmc_request_set_temperature(llmc_request *req, double temperature, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !(temperature <= 2.0))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "temperature is between 0 and 2, or negative to unset (%g)",
                              temperature);
    req->temperature = temperature;
    return LLMC_OK;
}

llmc_code llmc_request_set_top_p(llmc_request *req, double top_p, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !(top_p <= 1.0))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "top_p is between 0 and 1, or negative to unset (%g)", top_p);
    req->top_p = top_p;
    return LLMC_OK;
}

llmc_code llmc_request_add_stop(llmc_request *req, const char *stop, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !stop || !*stop)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a stop sequence is a non-empty string");
    char **grown = realloc(req->stops, (req->n_stops + 1) * sizeof *grown);
    if (!grown)
        return nomem(err, LLMC_E_NOMEM);
    req->stops = grown;
    if (!(req->stops[req->n_stops] = strdup(stop)))
        return nomem(err, LLMC_E_NOMEM);
    req->n_stops++;
    return LLMC_OK;
}

llmc_code llmc_request_set_metadata(llmc_request *req, const char *key, const char *value, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !key || !*key || !value)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "metadata needs a non-empty key and a value");
    for (size_t i = 0; i < req->n_metadata; i++)
        if (strcmp(req->metadata[i].key, key) == 0)
            return nomem(err, replace_string(&req->metadata[i].value, value));
    llmc_kv *grown = realloc(req->metadata, (req->n_metadata + 1) * sizeof *grown);
    if (!grown)
        return nomem(err, LLMC_E_NOMEM);
    req->metadata = grown;
    char *k = strdup(key), *v = strdup(value);
    if (!k || !v) {
        free(k);
        free(v);
        return nomem(err, LLMC_E_NOMEM);
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
