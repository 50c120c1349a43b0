/* SPDX-License-Identifier: MIT */
/* The control plane under /_emulator/: queue faults, read what arrived, add keys, health.
 * No authentication: the emulator only listens on loopback and holds nothing real. */
#define _POSIX_C_SOURCE 200809L
#include "emulator.h"

#include <string.h>

static json_t *parse_body(emu_reply *r, const emu_request *rq)
{
    json_error_t err;
    json_t *j = json_loadb(rq->body, rq->body_len, 0, &err);
    if (!j)
        reply_json(r, 400, json_pack("{s:s}", "error", err.text));
    return j;
}

static void faults(emu_reply *r, const emu_request *rq)
{
    if (strcmp(rq->method, "DELETE") == 0) {
        state_clear_faults();
        reply_json(r, 200, json_pack("{s:b}", "ok", 1));
        return;
    }
    if (strcmp(rq->method, "GET") == 0) {
        reply_json(r, 200, state_list_faults());
        return;
    }
    json_t *spec = parse_body(r, rq);
    if (!spec)
        return;
    char err[128];
    /* One fault or an array of them, queued in order. */
    int bad = 0;
    if (json_is_array(spec)) {
        size_t i;
        json_t *one;
        json_array_foreach(spec, i, one)
        {
            if ((bad = state_add_fault(one, err, sizeof err)) != 0)
                break;
        }
    } else {
        bad = state_add_fault(spec, err, sizeof err);
    }
    json_decref(spec);
    if (bad)
        reply_json(r, 400, json_pack("{s:s}", "error", err));
    else
        reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

static void keys(emu_reply *r, const emu_request *rq)
{
    json_t *spec = parse_body(r, rq);
    if (!spec)
        return;
    const char *provider = json_string_value(json_object_get(spec, "provider"));
    const char *state = json_string_value(json_object_get(spec, "state"));
    const char *key = json_string_value(json_object_get(spec, "key"));
    int bad = keys_add3(provider ? provider : "", state ? state : "", key);
    json_decref(spec);
    if (bad)
        reply_json(r, 400,
                   json_pack("{s:s}", "error", "want {\"provider\",\"state\":\"valid|revoked|forbidden\",\"key\"}"));
    else
        reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

void control_handle(emu_reply *r, const emu_request *rq)
{
    const char *what = rq->path + strlen("/_emulator/");
    int get = strcmp(rq->method, "GET") == 0, del = strcmp(rq->method, "DELETE") == 0,
        post = strcmp(rq->method, "POST") == 0;
    if (strcmp(what, "health") == 0 && get) {
        reply_json(r, 200, json_pack("{s:b}", "ok", 1));
    } else if (strcmp(what, "faults") == 0 && (get || del || post)) {
        faults(r, rq);
    } else if (strcmp(what, "requests") == 0 && get) {
        reply_json(r, 200, state_requests());
    } else if (strcmp(what, "requests") == 0 && del) {
        state_clear_requests();
        reply_json(r, 200, json_pack("{s:b}", "ok", 1));
    } else if (strcmp(what, "keys") == 0 && post) {
        keys(r, rq);
    } else {
        reply_json(r, 404, json_pack("{s:s}", "error", "unknown control endpoint"));
    }
}
