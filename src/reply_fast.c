/* SPDX-License-Identifier: MIT */
/*
 * reply_fast.c — the common reply read without building a tree: an Anthropic message whose
 * content is text blocks, and a chat completion with text (and reasoning) but no tool calls or
 * refusal. Each reader takes exactly what the jansson decoders take from such a reply and gives
 * up on anything else — another block type, citations, a repeated key, a number that is not a
 * plain count, a string holding NUL — leaving the response untouched, so that jansson decides.
 * A plain call then costs a pass over the bytes instead of a tree of allocations (test_replies
 * checks both readers give the same response for every recorded reply).
 */
#include "jread.h"
#include "wire.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FAST_BLOCKS 8
#define SKIP_DEPTH LLMC_MAX_JSON_DEPTH

/* What a reader collected, built into the response only once the whole body was understood. */
typedef struct fast_reply {
    llmc_buf arena;                       /* every string read, each followed by its NUL */
    size_t id, model, stop;               /* offsets + 1 in arena (0: absent or null) */
    size_t text[MAX_FAST_BLOCKS], n_text; /* offsets + 1 */
    size_t thinking;                      /* offsets + 1 (OpenAI reasoning) */
    llmc_usage usage;
    llmc_usage_more more;
} fast_reply;

/* A string into the arena; its offset + 1 in *at. False for a string with a NUL (jansson would
 * keep it, strdup would not), an invalid one, or no memory. */
static bool take_string(llmc_jcur *c, fast_reply *f, llmc_buf *scratch, size_t *at)
{
    if (!llmc_j_string(c, scratch, false) || memchr(scratch->data ? scratch->data : "", '\0', scratch->len))
        return false;
    size_t start = f->arena.len;
    if (llmc_buf_append(&f->arena, scratch->data ? scratch->data : "", scratch->len) < 0 ||
        llmc_buf_append(&f->arena, "", 1) < 0)
        return false;
    *at = start + 1;
    return true;
}

/* A string or null (null leaves *at 0). */
static bool take_string_or_null(llmc_jcur *c, fast_reply *f, llmc_buf *scratch, size_t *at)
{
    return llmc_j_null(c) || take_string(c, f, scratch, at);
}

/* A count, or null (left as it was), as json_is_number + llmc_json_long take it. */
static bool take_count(llmc_jcur *c, long *dst)
{
    long v;
    if (llmc_j_null(c))
        return true;
    if (!llmc_j_uint(c, &v))
        return false;
    *dst = v;
    return true;
}

/* Each key at most once: jansson keeps the last of repeated keys, this reader would the first. */
static bool first_time(unsigned *seen, unsigned bit)
{
    if (*seen & bit)
        return false;
    *seen |= bit;
    return true;
}

/* The members of an object: calls `member` for each key; false when it gave up. */
typedef bool (*member_fn)(llmc_jcur *c, const char *k, size_t kn, void *ud, unsigned *seen);

static bool object(llmc_jcur *c, member_fn member, void *ud)
{
    unsigned seen = 0;
    if (!llmc_j_char(c, '{'))
        return false;
    if (llmc_j_char(c, '}'))
        return true;
    do {
        const char *k;
        size_t kn;
        if (!llmc_j_key(c, &k, &kn) || !member(c, k, kn, ud, &seen))
            return false;
    } while (llmc_j_char(c, ','));
    return llmc_j_char(c, '}');
}

/* An object read with `member`, or null (nothing read). */
static bool object_or_null(llmc_jcur *c, member_fn member, void *ud)
{
    return llmc_j_null(c) || object(c, member, ud);
}

typedef struct reading {
    fast_reply *f;
    llmc_buf *scratch;
    bool type_ok; /* Anthropic: "type": "message" seen / a text block's "type": "text" */
    bool content; /* Anthropic: the content array was read */
    size_t block_text;
} reading;

/* ---- Anthropic ---- */

static bool a_cache_split(llmc_jcur *c, const char *k, size_t kn, void *ud, unsigned *seen)
{
    fast_reply *f = ud;
    if (llmc_j_eq(k, kn, "ephemeral_5m_input_tokens"))
        return first_time(seen, 1) && take_count(c, &f->more.cache_5m);
    if (llmc_j_eq(k, kn, "ephemeral_1h_input_tokens"))
        return first_time(seen, 2) && take_count(c, &f->more.cache_1h);
    return llmc_j_skip(c, SKIP_DEPTH);
}

static bool a_output_details(llmc_jcur *c, const char *k, size_t kn, void *ud, unsigned *seen)
{
    fast_reply *f = ud;
    if (llmc_j_eq(k, kn, "thinking_tokens"))
        return first_time(seen, 1) && take_count(c, &f->more.reasoning);
    return llmc_j_skip(c, SKIP_DEPTH);
}

static bool a_usage(llmc_jcur *c, const char *k, size_t kn, void *ud, unsigned *seen)
{
    fast_reply *f = ud;
    if (llmc_j_eq(k, kn, "input_tokens"))
        return first_time(seen, 1) && take_count(c, &f->usage.input_tokens);
    if (llmc_j_eq(k, kn, "output_tokens"))
        return first_time(seen, 2) && take_count(c, &f->usage.output_tokens);
    if (llmc_j_eq(k, kn, "cache_read_input_tokens"))
        return first_time(seen, 4) && take_count(c, &f->usage.cache_read_input_tokens);
    if (llmc_j_eq(k, kn, "cache_creation_input_tokens"))
        return first_time(seen, 8) && take_count(c, &f->usage.cache_creation_input_tokens);
    if (llmc_j_eq(k, kn, "cache_creation"))
        return first_time(seen, 16) && object_or_null(c, a_cache_split, f);
    if (llmc_j_eq(k, kn, "output_tokens_details"))
        return first_time(seen, 32) && object_or_null(c, a_output_details, f);
    return llmc_j_skip(c, SKIP_DEPTH);
}

static bool a_block(llmc_jcur *c, const char *k, size_t kn, void *ud, unsigned *seen)
{
    reading *r = ud;
    if (llmc_j_eq(k, kn, "type")) {
        const char *t;
        size_t tn;
        r->type_ok = first_time(seen, 1) && llmc_j_rawstr(c, &t, &tn) && llmc_j_eq(t, tn, "text");
        return r->type_ok; /* another kind of block: the full decoder */
    }
    if (llmc_j_eq(k, kn, "text"))
        return first_time(seen, 2) && take_string(c, r->f, r->scratch, &r->block_text);
    if (llmc_j_eq(k, kn, "citations"))
        return first_time(seen, 4) && llmc_j_null(c); /* citations: the full decoder */
    return llmc_j_skip(c, SKIP_DEPTH);
}

static bool a_content(llmc_jcur *c, reading *r)
{
    if (!llmc_j_char(c, '['))
        return false;
    if (llmc_j_char(c, ']'))
        return true;
    do {
        reading b = {r->f, r->scratch, false, false, 0};
        if (r->f->n_text == MAX_FAST_BLOCKS || !object(c, a_block, &b) || !b.type_ok || !b.block_text)
            return false;
        r->f->text[r->f->n_text++] = b.block_text;
    } while (llmc_j_char(c, ','));
    return llmc_j_char(c, ']');
}

static bool a_root(llmc_jcur *c, const char *k, size_t kn, void *ud, unsigned *seen)
{
    reading *r = ud;
    fast_reply *f = r->f;
    if (llmc_j_eq(k, kn, "type")) {
        const char *t;
        size_t tn;
        r->type_ok = first_time(seen, 1) && llmc_j_rawstr(c, &t, &tn) && llmc_j_eq(t, tn, "message");
        return r->type_ok;
    }
    if (llmc_j_eq(k, kn, "id"))
        return first_time(seen, 2) && take_string_or_null(c, f, r->scratch, &f->id);
    if (llmc_j_eq(k, kn, "model"))
        return first_time(seen, 4) && take_string_or_null(c, f, r->scratch, &f->model);
    if (llmc_j_eq(k, kn, "stop_reason"))
        return first_time(seen, 8) && take_string_or_null(c, f, r->scratch, &f->stop);
    if (llmc_j_eq(k, kn, "usage"))
        return first_time(seen, 16) && object(c, a_usage, f);
    if (llmc_j_eq(k, kn, "content"))
        return first_time(seen, 32) && a_content(c, r) && (r->content = true);
    return llmc_j_skip(c, SKIP_DEPTH);
}

/* ---- OpenAI-compatible ---- */

typedef struct o_reading {
    reading r;
    size_t content, reasoning_content, reasoning;
    bool message;
} o_reading;

/* A string (kept), null or absent: the forms the full decoder reads as text or nothing. */
static bool o_message(llmc_jcur *c, const char *k, size_t kn, void *ud, unsigned *seen)
{
    o_reading *o = ud;
    if (llmc_j_eq(k, kn, "content"))
        return first_time(seen, 1) && take_string_or_null(c, o->r.f, o->r.scratch, &o->content);
    if (llmc_j_eq(k, kn, "reasoning_content"))
        return first_time(seen, 2) && take_string_or_null(c, o->r.f, o->r.scratch, &o->reasoning_content);
    if (llmc_j_eq(k, kn, "reasoning"))
        return first_time(seen, 4) && take_string_or_null(c, o->r.f, o->r.scratch, &o->reasoning);
    if (llmc_j_eq(k, kn, "refusal"))
        return first_time(seen, 8) && llmc_j_null(c); /* a refusal: the full decoder */
    if (llmc_j_eq(k, kn, "tool_calls")) {
        /* calls: the full decoder; none (null or []) is the common case */
        if (!first_time(seen, 16))
            return false;
        if (llmc_j_null(c))
            return true;
        return llmc_j_char(c, '[') && llmc_j_char(c, ']');
    }
    return llmc_j_skip(c, SKIP_DEPTH);
}

static bool o_choice(llmc_jcur *c, const char *k, size_t kn, void *ud, unsigned *seen)
{
    o_reading *o = ud;
    if (llmc_j_eq(k, kn, "message"))
        return first_time(seen, 1) && object(c, o_message, o) && (o->message = true);
    if (llmc_j_eq(k, kn, "finish_reason"))
        return first_time(seen, 2) && take_string_or_null(c, o->r.f, o->r.scratch, &o->r.f->stop);
    return llmc_j_skip(c, SKIP_DEPTH);
}

static bool o_choices(llmc_jcur *c, o_reading *o)
{
    if (!llmc_j_char(c, '[') || llmc_j_char(c, ']'))
        return false; /* no first choice: the full decoder's error */
    if (!object(c, o_choice, o))
        return false;
    while (llmc_j_char(c, ',')) /* the full decoder reads only the first */
        if (!llmc_j_skip(c, SKIP_DEPTH))
            return false;
    return llmc_j_char(c, ']');
}

static bool o_prompt_details(llmc_jcur *c, const char *k, size_t kn, void *ud, unsigned *seen)
{
    fast_reply *f = ud;
    if (llmc_j_eq(k, kn, "cached_tokens"))
        return first_time(seen, 1) && take_count(c, &f->usage.cache_read_input_tokens);
    if (llmc_j_eq(k, kn, "cache_write_tokens"))
        return first_time(seen, 2) && take_count(c, &f->usage.cache_creation_input_tokens);
    return llmc_j_skip(c, SKIP_DEPTH);
}

static bool o_completion_details(llmc_jcur *c, const char *k, size_t kn, void *ud, unsigned *seen)
{
    fast_reply *f = ud;
    if (llmc_j_eq(k, kn, "reasoning_tokens"))
        return first_time(seen, 1) && take_count(c, &f->more.reasoning);
    return llmc_j_skip(c, SKIP_DEPTH);
}

static bool o_usage(llmc_jcur *c, const char *k, size_t kn, void *ud, unsigned *seen)
{
    fast_reply *f = ud;
    if (llmc_j_eq(k, kn, "prompt_tokens"))
        return first_time(seen, 1) && take_count(c, &f->usage.input_tokens);
    if (llmc_j_eq(k, kn, "completion_tokens"))
        return first_time(seen, 2) && take_count(c, &f->usage.output_tokens);
    if (llmc_j_eq(k, kn, "prompt_tokens_details"))
        return first_time(seen, 4) && object_or_null(c, o_prompt_details, f);
    if (llmc_j_eq(k, kn, "completion_tokens_details"))
        return first_time(seen, 8) && object_or_null(c, o_completion_details, f);
    return llmc_j_skip(c, SKIP_DEPTH);
}

static bool o_root(llmc_jcur *c, const char *k, size_t kn, void *ud, unsigned *seen)
{
    o_reading *o = ud;
    fast_reply *f = o->r.f;
    if (llmc_j_eq(k, kn, "id"))
        return first_time(seen, 1) && take_string_or_null(c, f, o->r.scratch, &f->id);
    if (llmc_j_eq(k, kn, "model"))
        return first_time(seen, 2) && take_string_or_null(c, f, o->r.scratch, &f->model);
    if (llmc_j_eq(k, kn, "choices"))
        return first_time(seen, 4) && o_choices(c, o);
    if (llmc_j_eq(k, kn, "usage"))
        return first_time(seen, 8) && object(c, o_usage, f);
    if (llmc_j_eq(k, kn, "x_groq"))
        return false; /* usage may live there: the full decoder */
    return llmc_j_skip(c, SKIP_DEPTH);
}

/* ---- building ---- */

static char *copy_at(const fast_reply *f, size_t at, bool *oom)
{
    if (!at)
        return NULL;
    char *s = strdup(f->arena.data + at - 1);
    if (!s)
        *oom = true;
    return s;
}

/* Fill `out` (fresh, as the decoders get it) from what was read. */
static llmc_code build(const fast_reply *f, llmc_dialect_kind dialect, llmc_response *out, llmc_error *err)
{
    bool oom = false;
    out->id = copy_at(f, f->id, &oom);
    out->model = copy_at(f, f->model, &oom);
    out->stop_reason_raw = copy_at(f, f->stop, &oom);
    out->stop_reason = llmc_stop_reason_from(out->stop_reason_raw);
    out->usage = f->usage;
    out->usage_more = f->more;
    if (f->thinking && llmc_response_add_block(out, LLMC_BLOCK_THINKING, copy_at(f, f->thinking, &oom), NULL, NULL) < 0)
        oom = true;
    for (size_t i = 0; i < f->n_text; i++)
        if (llmc_response_add_block(out, LLMC_BLOCK_TEXT, copy_at(f, f->text[i], &oom), NULL, NULL) < 0)
            oom = true;
    for (size_t i = 0; i < out->n_blocks; i++)
        out->blocks[i].dialect = dialect;
    if (oom || llmc_response_finish(out) < 0)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory while decoding the response");
    return LLMC_OK;
}

static void fast_free(fast_reply *f, llmc_buf *scratch)
{
    llmc_buf_free(&f->arena);
    llmc_buf_free(scratch);
}

bool llmc_anthropic_decode_fast(const char *body, size_t len, llmc_response *out, llmc_code *rc, llmc_error *err)
{
    fast_reply f;
    memset(&f, 0, sizeof f);
    llmc_buf scratch = {0};
    llmc_jcur c = {body, body + len};
    reading r = {&f, &scratch, false, false, 0};
    bool taken = body && object(&c, a_root, &r) && llmc_j_at_end(&c) && r.type_ok && r.content;
    if (taken)
        *rc = build(&f, LLMC_DIALECT_ANTHROPIC, out, err);
    fast_free(&f, &scratch);
    return taken;
}

bool llmc_openai_decode_fast(const char *body, size_t len, llmc_response *out, llmc_code *rc, llmc_error *err)
{
    fast_reply f;
    memset(&f, 0, sizeof f);
    llmc_buf scratch = {0};
    llmc_jcur c = {body, body + len};
    o_reading o = {{&f, &scratch, false, false, 0}, 0, 0, 0, false};
    bool taken = body && object(&c, o_root, &o) && llmc_j_at_end(&c) && o.message;
    if (taken) {
        /* as the full decoder: reasoning_content when it says something, else reasoning; then
         * the text (an empty string is still a text block, as there) */
        size_t rsc = o.reasoning_content, rs = o.reasoning;
        if (rsc && f.arena.data[rsc - 1] != '\0')
            f.thinking = rsc;
        else if (rs && f.arena.data[rs - 1] != '\0')
            f.thinking = rs;
        if (o.content)
            f.text[f.n_text++] = o.content;
        *rc = build(&f, LLMC_DIALECT_OPENAI, out, err);
    }
    fast_free(&f, &scratch);
    return taken;
}
