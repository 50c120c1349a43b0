/* SPDX-License-Identifier: MIT */
/*
 * wire.h — what goes over the wire, without the wire: requests and responses as llmc holds them,
 * the two dialects' encoders and decoders, and error bodies. No key bytes (the per-request key
 * is an opaque pointer) and no I/O.
 */
#ifndef LLMC_WIRE_H
#define LLMC_WIRE_H

#include "providers.h"

typedef struct llmc_secret llmc_secret;

/* ---- requests and responses (request.c, response.c) ---- */
/* A message is a list of parts: the shapes both dialects can express. */
typedef enum llmc_part_kind {
    LLMC_PART_TEXT = 0,
    LLMC_PART_IMAGE = 1,       /* text: base64 data; name: media type */
    LLMC_PART_TOOL_USE = 2,    /* id, name, text: the input as JSON */
    LLMC_PART_TOOL_RESULT = 3, /* id: the call it answers; text: the result; is_error */
    LLMC_PART_THINKING = 4,    /* text; id: the signature (Anthropic wants it back) */
    LLMC_PART_DOCUMENT = 5,    /* name: "application/pdf" (text: base64), "text/plain" (text: the
                                  text) or "url" (text: the URL); id: title or NULL; citations */
    LLMC_PART_RAW = 6          /* text: a reply's block as the provider sent it (JSON); dialect */
} llmc_part_kind;

typedef struct llmc_part {
    llmc_part_kind kind;
    char *text;
    char *id;
    char *name;
    bool is_error;
    bool citations;        /* documents: ask for citations */
    unsigned char cache;   /* an llmc_cache_ttl breakpoint on this part (0: none) */
    unsigned char dialect; /* raw parts: the llmc_dialect_kind that produced them */
    char *extra;           /* text: its citations (JSON array) to send back; tool use: the whole
                              block as sent, when it had members llmc does not model */
} llmc_part;

typedef struct llmc_message {
    llmc_role role;
    llmc_part *parts;
    size_t n_parts;
} llmc_message;

typedef struct llmc_tool {
    char *name;
    char *description;
    json_t *schema; /* owned reference: the JSON-schema parameters */
    bool strict;
    unsigned char cache; /* an llmc_cache_ttl breakpoint on this tool (0: none) */
} llmc_tool;

/* A passthrough body field: applied after encoding. */
typedef struct llmc_body_field {
    char *name;
    json_t *value; /* owned */
} llmc_body_field;

struct llmc_request {
    char *model;
    char *system;
    llmc_message *messages;
    size_t n_messages, cap_messages;
    long max_tokens;
    double temperature; /* < 0: not set */
    double top_p;       /* < 0: not set */
    char **stops;
    size_t n_stops;
    llmc_kv *metadata;
    size_t n_metadata;
    llmc_tool *tools;
    size_t n_tools;
    llmc_tool_choice tool_choice;
    char *tool_choice_name;
    llmc_secret *key; /* per-request overrides */
    char *base_url;
    long timeout_ms;
    long total_ms;
    llmc_kv *headers; /* extra headers: name → value */
    size_t n_headers;
    llmc_cancel *cancel; /* borrowed */
    llmc_thinking thinking;
    long thinking_budget; /* ON: 0 picks the default; BUDGET: the budget */
    llmc_effort effort;
    char *reasoning_format; /* NULL: not sent */
    llmc_format format;
    char *format_name;
    json_t *format_schema;   /* owned; JSON_SCHEMA only */
    int parallel_tool_calls; /* -1: not sent */
    llmc_cache_ttl cache;    /* top-level automatic caching */
    llmc_cache_ttl cache_system;
    llmc_body_field *body; /* passthrough fields, applied last */
    size_t n_body;
    bool keep_raw;
};

/* Extra usage counts beyond llmc_usage (its size is fixed by the ABI). */
typedef struct llmc_usage_more {
    long cache_5m, cache_1h, reasoning;
} llmc_usage_more;

typedef struct llmc_block {
    llmc_block_type type;
    char *text;    /* text, thinking, or tool input JSON */
    char *tool_id; /* tool-use blocks */
    char *tool_name;
    char *signature;      /* thinking blocks (Anthropic): to send the block back */
    char *kind;           /* the provider's type name when it is not implied by `type`, else NULL */
    char *raw;            /* the block as sent, for what llmc does not model (see llmc_response_block_json) */
    json_t *citations;    /* text blocks: the citations array as sent, or NULL */
    char **citation_json; /* … each printed, for llmc_response_block_citation */
    unsigned char dialect;
} llmc_block;

struct llmc_response {
    char *provider;
    char *id;
    char *model;
    char *request_id;
    char *stop_reason_raw;
    llmc_stop_reason stop_reason;
    llmc_usage usage;
    llmc_usage_more usage_more;
    llmc_block *blocks;
    size_t n_blocks;
    char *text; /* all text blocks joined */
    char *raw;
    llmc_rate_limits rate_limits; /* what the answer's headers said */
    char *json;                   /* llmc_response_json: the parsed reply, computed on first use */
    llmc_error *json_err;         /* … or why it did not parse */
};

llmc_response *llmc_response_alloc(void);
/* Append a block (takes ownership of the strings, which may be NULL). -1 on out of memory. */
int llmc_response_add_block(llmc_response *r, llmc_block_type type, char *text, char *tool_id, char *tool_name);
/* Give the last block its signature (takes ownership). -1 on out of memory or no block. */
int llmc_response_set_signature(llmc_response *r, char *signature);
/* Give the last block its provider type name and/or its JSON as sent (taking ownership; either
 * may be NULL). -1 on out of memory or no block. */
int llmc_response_set_raw(llmc_response *r, char *kind, char *raw);
/* Give the last block its citations (a new reference is taken). -1 on out of memory or no block. */
int llmc_response_set_citations(llmc_response *r, json_t *citations);
/* Build r->text from the text blocks. -1 on out of memory. */
int llmc_response_finish(llmc_response *r);

/* Whether a caller may add the header `name` (name_len bytes, not NUL-terminated) with `value`
 * (NULL: only the name is judged): the name is a token and not one that carries credentials or
 * frames the request (Host, Content-Length, Transfer-Encoding, hop-by-hop), and the value holds
 * no control byte. When not, `why` (may be NULL) says so without quoting the value or an unlisted
 * name (header_rules.c). The one rule for every way a header gets in. */
bool llmc_header_check(const char *name, size_t name_len, const char *value, char *why, size_t why_size);

/* The normalized JSON of a reply (response_json.c): a new reference, NULL when out of memory. */
json_t *llmc_response_json_tree(const llmc_response *r);

/* ---- the two dialects as one table of functions (dialects.c), as curl's struct Curl_ssl does
 * for TLS backends: code that works for both asks the table instead of testing the kind ---- */
struct llmc_sdec;
struct llmc_sblock;
struct llmc_sse_event;

/* What an encoder needs to know beyond the request: where it goes and how. */
typedef struct llmc_wire_ctx {
    const char *model;             /* the model as sent on the wire (after "provider/") */
    const char *provider;          /* the endpoint's name: "anthropic", "cerebras", "groq", … */
    const char *anthropic_version; /* the version header this request carries (NULL: the default) */
    bool stream;
    bool count_tokens; /* Anthropic: the count_tokens body (no max_tokens, stream, stop, metadata) */
} llmc_wire_ctx;

typedef struct llmc_dialect {
    llmc_dialect_kind kind;
    /* The request body (malloc'd JSON text); NULL with err set (LLMC_E_NOMEM, or a refusal before
     * sending: LLMC_E_BAD_REQUEST / LLMC_E_UNSUPPORTED with the rule in the message). */
    char *(*encode)(const llmc_request *req, const llmc_wire_ctx *ctx, llmc_error *err);
    /* A whole (non-streamed) reply into out. */
    llmc_code (*decode)(const char *body, size_t len, llmc_response *out, llmc_error *err);
    /* One server-sent event of a stream. */
    llmc_code (*stream_event)(struct llmc_sdec *d, const struct llmc_sse_event *ev);
    /* The connection closed cleanly: complete the stream if the dialect allows it to end there,
     * else fail it as cut. */
    llmc_code (*stream_close)(struct llmc_sdec *d);
    /* The rank of a streamed block in the final response (blocks of rank 0 first, then 1, …;
     * arrival order within a rank), and how many ranks there are; 1 keeps the wire order. */
    int (*block_rank)(const struct llmc_sblock *block);
    int n_ranks;
    const char *const *headers;        /* the non-secret headers of a plain request */
    const char *const *stream_headers; /* … and of a streamed one */
} llmc_dialect;

/* The table of `kind`. */
const llmc_dialect *llmc_dialect_get(llmc_dialect_kind kind);

/* ---- dialects (anthropic.c, openai.c, errors in errbody.c) ---- */
char *llmc_anthropic_encode(const llmc_request *req, const llmc_wire_ctx *ctx, llmc_error *err);
llmc_code llmc_anthropic_decode(const char *body, size_t len, llmc_response *out, llmc_error *err);
/* reply_fast.c: the common reply (text blocks; a chat completion without calls or refusal) read
 * without jansson. True when it was taken (*rc: LLMC_OK, or LLMC_E_NOMEM with err); false, with
 * `out` untouched, when the full decoder must read it. */
bool llmc_anthropic_decode_fast(const char *body, size_t len, llmc_response *out, llmc_code *rc, llmc_error *err);
bool llmc_openai_decode_fast(const char *body, size_t len, llmc_response *out, llmc_code *rc, llmc_error *err);
/* The decoders without the fast path (tests compare the two). */
llmc_code llmc_anthropic_decode_full(const char *body, size_t len, llmc_response *out, llmc_error *err);
llmc_code llmc_openai_decode_full(const char *body, size_t len, llmc_response *out, llmc_error *err);
char *llmc_openai_encode(const llmc_request *req, const llmc_wire_ctx *ctx, llmc_error *err);
llmc_code llmc_openai_decode(const char *body, size_t len, llmc_response *out, llmc_error *err);
/* Decode any provider's error body (every shape in PROVIDERS.md, or none) into err: code from
 * the status, provider type/code/message/request id from the body when present. */
void llmc_error_from_response(long status, const char *content_type, const char *body, size_t len, const char *provider,
                              llmc_error *err);

/* Usage from a chat.completion or chunk (`usage`, else Groq's `x_groq.usage`) into u and more;
 * nothing changes when it carries none. */
void llmc_openai_read_usage(json_t *root, llmc_usage *u, llmc_usage_more *more);

/* Map provider stop reasons to the normalized enum. */
llmc_stop_reason llmc_stop_reason_from(const char *raw);

/* temperature, top_p and the stop sequences (under `stop_key`) when set; -1 on failure. */
int llmc_encode_sampling(json_t *root, const llmc_request *req, const char *stop_key);

/* ---- shared by both encoders (request_body.c) ---- */
/* Apply the request's passthrough fields to the encoded body. -1 on out of memory. */
int llmc_apply_body_fields(json_t *root, const llmc_request *req);
/* Whether `name` may be set through llmc_request_set_body_field. */
bool llmc_body_field_allowed(const char *name);
/* The encoded JSON text of `root`, or NULL with err set (out of memory). */
char *llmc_encode_finish(json_t *root, int bad, llmc_error *err);

/* JSON text from the caller (a schema, a body field); on failure NULL with err naming the line
 * and column (LLMC_E_INVALID_ARG) or LLMC_E_NOMEM. */
json_t *llmc_parse_caller_json(const char *text, const char *what, llmc_error *err);

/* ---- numbers in untrusted JSON ---- */
/* An integer member as long: integers and (from bodies with numbers past 64 bits, decoded as
 * reals) whole reals; 0 when absent or another type. */
long llmc_json_long(json_t *obj, const char *key);

/* ---- documents (documents.c) ---- */
/* Whether `s` (len bytes) is UTF-8 without NUL bytes. */
bool llmc_text_is_utf8(const void *s, size_t len);
/* Standard base64 of `len` bytes (malloc'd), or NULL when out of memory. */
char *llmc_base64(const void *bytes, size_t len);

/* ---- structured output (request_format.c) ---- */
/* The system instruction llmc adds when it must ask for JSON in words (json_object; a schema
 * sent to a json_object-only model), malloc'd; NULL when none is needed or out of memory
 * (*oom says which). */
char *llmc_format_instruction(const llmc_request *req, bool schema_in_words, bool *oom);

#endif /* LLMC_WIRE_H */
