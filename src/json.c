/* SPDX-License-Identifier: MIT */
/*
 * json.c — parsing untrusted JSON with limits, and the small building helpers both encoders
 * share. jansson's own nesting limit is fixed at build time, so depth is checked first by a scan
 * that skips strings; the error names what was being parsed and where it broke, never the body.
 */
#include "wire.h"

/* The deepest nesting of arrays/objects outside strings; stops early past the limit. */
static int json_depth(const char *s, size_t len)
{
    int depth = 0, max = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max && (max = depth) > LLMC_MAX_JSON_DEPTH)
                return max;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return max;
}

json_t *llmc_json_parse(const char *body, size_t len, const char *what, llmc_error *err)
{
    if (!body || len == 0) {
        llmc_error_set(err, LLMC_E_PROTOCOL, "%s: empty body where JSON was expected", what);
        return NULL;
    }
    if (json_depth(body, len) > LLMC_MAX_JSON_DEPTH) {
        llmc_error_set(err, LLMC_E_LIMIT, "%s: JSON nested deeper than %d levels", what, LLMC_MAX_JSON_DEPTH);
        return NULL;
    }
    json_error_t jerr;
    json_t *root = llmc_json_loadb(body, len, JSON_ALLOW_NUL, &jerr);
    /* jansson 2.14 can fail for lack of memory without saying so (an empty error text): that is
     * not the body's fault, so it must not read as a malformed response */
    if (!root && (json_error_code(&jerr) == json_error_out_of_memory || jerr.text[0] == '\0'))
        llmc_error_set(err, LLMC_E_NOMEM, "%s: out of memory while parsing JSON", what);
    else if (!root)
        llmc_error_set(err, LLMC_E_PROTOCOL, "%s: invalid JSON at line %d, column %d: %s", what, jerr.line, jerr.column,
                       jerr.text);
    return root;
}

json_t *llmc_json_loadb(const char *text, size_t len, size_t flags, json_error_t *jerr)
{
    json_t *v = json_loadb(text, len, flags, jerr);
    /* jansson refuses the whole text for one integer it cannot hold; no field llmc reads is that
     * large, so read it again with integers as reals rather than lose the reply */
    if (!v && json_error_code(jerr) == json_error_numeric_overflow)
        v = json_loadb(text, len, flags | JSON_DECODE_INT_AS_REAL, jerr);
    return v;
}

long llmc_json_long(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_integer(v))
        return (long)json_integer_value(v);
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d >= -9.2e18 && d <= 9.2e18 && d == (double)(long long)d)
            return (long)d;
    }
    return 0;
}

int llmc_json_put(json_t *obj, const char *key, json_t *value)
{
    return value ? json_object_set_new(obj, key, value) : -1;
}

int llmc_json_append(json_t *array, json_t *value)
{
    return value ? json_array_append_new(array, value) : -1;
}

int llmc_encode_sampling(json_t *root, const llmc_request *req, const char *stop_key)
{
    int bad = 0;
    if (req->temperature >= 0)
        bad |= llmc_json_put(root, "temperature", json_real(req->temperature));
    if (req->top_p >= 0)
        bad |= llmc_json_put(root, "top_p", json_real(req->top_p));
    if (req->n_stops) {
        json_t *stops = json_array();
        for (size_t i = 0; stops && i < req->n_stops; i++)
            bad |= llmc_json_append(stops, json_string(req->stops[i]));
        bad |= llmc_json_put(root, stop_key, stops);
    }
    return bad;
}

typedef struct dump_state {
    llmc_buf buf;
    bool failed; /* sticky: once an append fails the text is incomplete */
} dump_state;

static int dump_piece(const char *piece, size_t len, void *data)
{
    dump_state *st = data;
    if (st->failed || llmc_buf_append(&st->buf, piece, len) < 0) {
        st->failed = true;
        return -1;
    }
    return 0;
}

char *llmc_json_dump(const json_t *value, size_t flags)
{
    /* json_dumps can drop a member when memory runs out and still return text (jansson 2.14);
     * dumping through a callback whose failure sticks makes any loss a NULL instead */
    dump_state st = {{0}, false};
    if (!value || json_dump_callback(value, dump_piece, &st, flags) != 0 || st.failed ||
        llmc_buf_append(&st.buf, "", 0) < 0) {
        llmc_buf_free(&st.buf);
        return NULL;
    }
    return st.buf.data;
}
