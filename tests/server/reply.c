/* SPDX-License-Identifier: MIT */
/* Building an emu_reply: status, headers and a body the server hands to libmicrohttpd.
 * Headers are copied so callers may pass stack buffers. */
#define _POSIX_C_SOURCE 200809L
#include "emulator.h"
#include "stream.h"

#include <stdlib.h>
#include <string.h>

void reply_header(emu_reply *r, const char *name, const char *value)
{
    for (size_t i = 0; i < r->n_headers; i++) {
        if (strcmp(r->header_names[i], name) == 0) {
            free(r->header_values[i]);
            r->header_values[i] = strdup(value);
            return;
        }
    }
    if (r->n_headers == EMU_MAX_HEADERS)
        return;
    r->header_names[r->n_headers] = strdup(name);
    r->header_values[r->n_headers] = strdup(value);
    r->n_headers++;
}

void reply_text(emu_reply *r, unsigned status, const char *content_type, const char *text, size_t len)
{
    free(r->body);
    r->status = status;
    r->content_type = content_type;
    r->body = malloc(len + 1);
    if (r->body) {
        memcpy(r->body, text, len);
        r->body[len] = '\0';
        r->body_len = len;
    } else {
        r->body_len = 0;
    }
}

void reply_json(emu_reply *r, unsigned status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(body);
    free(r->body);
    r->status = status;
    r->content_type = "application/json";
    r->body = text;
    r->body_len = text ? strlen(text) : 0;
}

void reply_free(emu_reply *r)
{
    free(r->body);
    for (size_t i = 0; i < r->n_headers; i++) {
        free(r->header_names[i]);
        free(r->header_values[i]);
    }
    stream_free(r->stream);
    free(r->owned_content_type);
    memset(r, 0, sizeof *r);
}
