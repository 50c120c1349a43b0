/* SPDX-License-Identifier: MIT */
/* The provider emulator's shared declarations: one request in, one reply out.
 * Every provider module turns an emu_request into an emu_reply; server.c alone talks to
 * libmicrohttpd, so the modules stay plain functions that are easy to read and test. */
#ifndef LLMC_EMULATOR_H
#define LLMC_EMULATOR_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct MHD_Connection;

/* EMU_OLLAMA: a local OpenAI-compatible server that takes no key (Ollama's /v1), for llmc's
 * `auth = none` endpoints. */
typedef enum emu_provider {
    EMU_ANTHROPIC,
    EMU_CEREBRAS,
    EMU_FIREWORKS,
    EMU_OPENAI,
    EMU_OLLAMA,
    EMU_PROVIDER_COUNT
} emu_provider;

typedef enum emu_key_state { EMU_KEY_UNKNOWN, EMU_KEY_VALID, EMU_KEY_REVOKED, EMU_KEY_FORBIDDEN } emu_key_state;

/* A queued fault (control plane). Negative stream fields mean "not set". */
typedef struct emu_fault {
    unsigned status;    /* 0: answer normally (only delay, drip or stream faults apply) */
    json_t *headers;    /* object name -> string, or NULL */
    char *body;         /* raw body, or NULL for the provider's own error body */
    char *content_type; /* of `body` / `body_bytes`; NULL: application/json */
    long delay_ms;
    long stream_cut_after;
    long stream_error_after;
    long long body_bytes;    /* > 0: a generated body of exactly this many bytes (status 0 → 200) */
    long drip_ms;            /* > 0: send the body one byte every drip_ms */
    long retry_after_date_s; /* >= 0: add `retry-after` as an HTTP date this many seconds ahead */
    int hang;                /* accept, read the request, never answer (until the client leaves) */
    int drop;                /* close the connection without any answer */
} emu_fault;

typedef struct emu_request {
    struct MHD_Connection *conn;
    const char *method;
    const char *path;    /* decoded path, no query */
    const char *subpath; /* path after the provider prefix, e.g. "/v1/messages" */
    emu_provider provider;
    const char *body;
    size_t body_len;
    char request_id[40];    /* Anthropic "req_…" / Fireworks request_id */
    const emu_fault *fault; /* the fault taken for this request, or NULL */
} emu_request;

#define EMU_MAX_HEADERS 32

typedef struct emu_stream emu_stream;

typedef struct emu_reply {
    unsigned status;
    const char *content_type;
    char *body; /* malloc'd */
    size_t body_len;
    char *header_names[EMU_MAX_HEADERS];
    char *header_values[EMU_MAX_HEADERS];
    size_t n_headers;
    emu_stream *stream;       /* when set, the body is produced by the stream instead */
    long long gen_bytes;      /* > 0: the body is generated, this many bytes (fault body_bytes) */
    long drip_ms;             /* > 0: the body goes out one byte every drip_ms (fault drip_ms) */
    int drop;                 /* close the connection instead of answering (faults drop, hang) */
    char *owned_content_type; /* a fault's content type: content_type may point here */
} emu_reply;

/* reply.c */
void reply_header(emu_reply *r, const char *name, const char *value);
void reply_json(emu_reply *r, unsigned status, json_t *body); /* steals body */
void reply_text(emu_reply *r, unsigned status, const char *content_type, const char *text, size_t len);
void reply_free(emu_reply *r);

/* request helpers (server.c) */
const char *req_header(const emu_request *rq, const char *name);
const char *req_query(const emu_request *rq, const char *name);

/* server.c: "https" when serving TLS, else "http" (for absolute URLs the emulator hands out) */
const char *emu_scheme(void);

/* util.c */
void emu_random_id(char *out, size_t out_size, const char *prefix, size_t n_chars);
size_t emu_count_words(const char *text);
long long emu_now(void);
void emu_sleep_ms(long ms);
/* Set once the emulator is shutting down: long waits (hang, drip) give up so it can exit. */
void emu_set_stopping(void);
int emu_stopping(void);

/* keys.c */
void keys_init_builtin(void);
int keys_add(const char *spec); /* "provider:state:key"; 0 on success */
int keys_add3(const char *provider, const char *state, const char *key);
emu_key_state keys_lookup(emu_provider p, const char *key);
emu_provider provider_from_name(const char *name); /* EMU_PROVIDER_COUNT if unknown */
const char *provider_name(emu_provider p);

/* state.c: faults and the request log, both behind one mutex */
void state_init(size_t max_recorded);
int state_add_fault(const json_t *spec, char *err, size_t err_size);
void state_clear_faults(void);
json_t *state_list_faults(void);
int state_take_fault(const char *path, emu_fault *out); /* 1 if a fault was taken */
void fault_free(emu_fault *f);
void state_record(json_t *entry); /* steals */
json_t *state_requests(void);
void state_clear_requests(void);

/* errors.c: each provider's error bodies */
void error_reply(emu_reply *r, const emu_request *rq, unsigned status, const char *message);
void error_missing_key(emu_reply *r, const emu_request *rq);
void error_bad_key(emu_reply *r, const emu_request *rq, const char *key);
void error_forbidden(emu_reply *r, const emu_request *rq);
void error_model_not_found(emu_reply *r, const emu_request *rq, const char *model);
/* A model the provider retired, answered as that provider does (README). */
void error_model_retired(emu_reply *r, const emu_request *rq, const char *model);
/* An error with its own param and code — a parameter the model refuses, a field missing: the
 * provider's envelope with message, param and code (OpenAI `param`/`code`; Cerebras the flat
 * body's; Fireworks the envelope's; Anthropic has neither); NULL sends null. */
void error_param(emu_reply *r, const emu_request *rq, unsigned status, const char *message, const char *param,
                 const char *code);
void error_invalid_json(emu_reply *r, const emu_request *rq);

/* auth.c: 0 when the request may proceed, else the reply is filled */
int auth_check(emu_reply *r, const emu_request *rq);

/* providers */
void anthropic_handle(emu_reply *r, const emu_request *rq);
void openai_handle(emu_reply *r, const emu_request *rq);
void models_anthropic(emu_reply *r, const emu_request *rq);
void models_anthropic_one(emu_reply *r, const emu_request *rq, const char *id);
void models_openai(emu_reply *r, const emu_request *rq);
void control_handle(emu_reply *r, const emu_request *rq);
void batches_handle(emu_reply *r, const emu_request *rq);

#endif
