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
    LLMC_PART_THINKING = 4     /* text; id: the signature (Anthropic wants it back) */
} llmc_part_kind;

typedef struct llmc_part {
    llmc_part_kind kind;
    char *text;
    char *id;
    char *name;
    bool is_error;
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
} llmc_tool;

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
    llmc_kv *headers; /* extra headers: name → value */
    size_t n_headers;
    llmc_cancel *cancel;  /* borrowed */
    long thinking_budget; /* 0: no extended thinking */
    bool keep_raw;
};

typedef struct llmc_block {
    llmc_block_type type;
    char *text;    /* text, thinking, or tool input JSON */
    char *tool_id; /* tool-use blocks */
    char *tool_name;
    char *signature; /* thinking blocks (Anthropic): to send the block back */
} llmc_block;

struct llmc_response {
    char *provider;
    char *id;
    char *model;
    char *request_id;
    char *stop_reason_raw;
    llmc_stop_reason stop_reason;
    llmc_usage usage;
    llmc_block *blocks;
    size_t n_blocks;
    char *text; /* all text blocks joined */
    char *raw;
};

llmc_response *llmc_response_alloc(void);
/* Append a block (takes ownership of the strings, which may be NULL). -1 on out of memory. */
int llmc_response_add_block(llmc_response *r, llmc_block_type type, char *text, char *tool_id, char *tool_name);
/* Give the last block its signature (takes ownership). -1 on out of memory or no block. */
int llmc_response_set_signature(llmc_response *r, char *signature);
/* Build r->text from the text blocks. -1 on out of memory. */
int llmc_response_finish(llmc_response *r);

/* The normalized JSON of a reply (response_json.c): a new reference, NULL when out of memory. */
json_t *llmc_response_json_tree(const llmc_response *r);

/* Whether a header name may be set by callers: a token, and not one that carries credentials. */
bool llmc_header_name_allowed(const char *name);

/* ---- the two dialects as one table of functions (dialects.c), as curl's struct Curl_ssl does
 * for TLS backends: code that works for both asks the table instead of testing the kind ---- */
struct llmc_sdec;
struct llmc_sse_event;
typedef struct llmc_dialect {
    llmc_dialect_kind kind;
    /* The request body (malloc'd JSON text) for `model` as sent on the wire; NULL with err set. */
    char *(*encode)(const llmc_request *req, const char *model, bool stream, llmc_error *err);
    /* A whole (non-streamed) reply into out. */
    llmc_code (*decode)(const char *body, size_t len, llmc_response *out, llmc_error *err);
    /* One server-sent event of a stream. */
    llmc_code (*stream_event)(struct llmc_sdec *d, const struct llmc_sse_event *ev);
    /* The connection closed cleanly: complete the stream if the dialect allows it to end there,
     * else fail it as cut. */
    llmc_code (*stream_close)(struct llmc_sdec *d);
    /* The rank of a block type in the final response (blocks of rank 0 first, then 1, …; arrival
     * order within a rank), and how many ranks there are; 1 keeps the wire order. */
    int (*block_rank)(llmc_block_type type);
    int n_ranks;
    const char *const *headers;        /* the non-secret headers of a plain request */
    const char *const *stream_headers; /* … and of a streamed one */
} llmc_dialect;

/* The table of `kind`. */
const llmc_dialect *llmc_dialect_get(llmc_dialect_kind kind);

/* ---- dialects (anthropic.c, openai.c, errors in errbody.c) ---- */
/* The model name sent on the wire (the part after "provider/"). */
char *llmc_anthropic_encode(const llmc_request *req, const char *model, bool stream, llmc_error *err);
llmc_code llmc_anthropic_decode(const char *body, size_t len, llmc_response *out, llmc_error *err);
char *llmc_openai_encode(const llmc_request *req, const char *model, bool stream, llmc_error *err);
llmc_code llmc_openai_decode(const char *body, size_t len, llmc_response *out, llmc_error *err);
/* Decode any provider's error body (every shape in PROVIDERS.md, or none) into err: code from
 * the status, provider type/code/message/request id from the body when present. */
void llmc_error_from_response(long status, const char *content_type, const char *body, size_t len, const char *provider,
                              llmc_error *err);

/* Map provider stop reasons to the normalized enum. */
llmc_stop_reason llmc_stop_reason_from(const char *raw);

/* temperature, top_p and the stop sequences (under `stop_key`) when set; -1 on failure. */
int llmc_encode_sampling(json_t *root, const llmc_request *req, const char *stop_key);

#endif /* LLMC_WIRE_H */
