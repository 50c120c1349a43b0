/* SPDX-License-Identifier: MIT */
/*
 * internal.h — what the library's files share and nothing outside sees: the byte buffer, error
 * helpers, the provider table, held secrets, credentials, the HTTP transport and the dialects.
 * Data flows one way: request → dialect encoder → transport (key attached last) → dialect decoder.
 */
#ifndef LLMC_INTERNAL_H
#define LLMC_INTERNAL_H

#include "llmc/llmc.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>
#include <jansson.h>

/* ---- growable byte buffer (always NUL-terminated when data != NULL) ---- */
typedef struct llmc_buf {
    char *data;
    size_t len;
    size_t cap;
} llmc_buf;

/* 0 on success, -1 when out of memory (the buffer is unchanged then). */
int llmc_buf_append(llmc_buf *buf, const void *bytes, size_t len);
int llmc_buf_append_str(llmc_buf *buf, const char *s);
void llmc_buf_reset(llmc_buf *buf);
void llmc_buf_free(llmc_buf *buf);

/* ---- small string helpers ---- */
/* Copy at most size-1 bytes and always terminate; returns dst. */
char *llmc_strlcpy(char *dst, const char *src, size_t size);
/* strdup that returns NULL for NULL. */
char *llmc_strdup(const char *s);

/* ---- errors ---- */
/* Set code and a printf-style message (the previous message is replaced). Returns code. */
llmc_code llmc_error_set(llmc_error *err, llmc_code code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The code that an HTTP status maps to (401 → LLMC_E_AUTH, 529 → LLMC_E_OVERLOADED, …). */
llmc_code llmc_code_for_status(long status);

/* ---- logging (log.c) ---- */
typedef struct llmc_logger {
    llmc_log_fn fn; /* NULL: the LLMC_LOG stderr sink, if that variable is set */
    void *userdata;
    llmc_log_level min_level;
    bool enabled;
} llmc_logger;
/* Format, redact (header values of authorization, x-api-key, api-key, cookie, set-cookie,
 * proxy-authorization, and anything that looks like a known key) and deliver one line. */
void llmc_logf(const llmc_logger *lg, llmc_log_level level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Redact in place: sensitive header values and key-shaped tokens become "[REDACTED]".
 * `line` must have room for its own length (the result is never longer). */
void llmc_redact(char *line);
/* The default logger: the LLMC_LOG variable's level on stderr, or disabled. */
void llmc_logger_default(llmc_logger *lg);

/* ---- secrets: a key held in one allocation, wiped on free ---- */
typedef struct llmc_secret llmc_secret;
llmc_secret *llmc_secret_new(const char *bytes, size_t len);
void llmc_secret_free(llmc_secret *s);
const char *llmc_secret_bytes(const llmc_secret *s); /* NUL-terminated */
size_t llmc_secret_len(const llmc_secret *s);
/* A short, safe-to-print fingerprint: up to the first 7 characters of a known prefix or 4
 * characters, "…", and the last 4 — e.g. "sk-ant-…H1RE". Keys under 12 characters show only
 * their length. */
void llmc_key_fingerprint(const char *key, size_t len, char out[32]);

/* ---- providers ---- */
typedef enum llmc_dialect_kind { LLMC_DIALECT_ANTHROPIC = 0, LLMC_DIALECT_OPENAI = 1 } llmc_dialect_kind;
typedef enum llmc_auth_style { LLMC_AUTH_X_API_KEY = 0, LLMC_AUTH_BEARER = 1 } llmc_auth_style;

/* A provider's fixed facts (the table in providers.c). */
typedef struct llmc_provider_info {
    const char *name; /* "anthropic" */
    llmc_dialect_kind dialect;
    llmc_auth_style auth;
    const char *default_base_url; /* "https://api.anthropic.com" */
    const char *base_url_env;     /* "ANTHROPIC_BASE_URL" */
    const char *messages_path;    /* appended to the base URL: "/v1/messages" */
    const char *models_path;      /* "/v1/models" */
    const char *key_env;          /* "ANTHROPIC_API_KEY" */
    const char *token_env;        /* a second variable sent as Bearer ("ANTHROPIC_AUTH_TOKEN") or NULL */
    long default_timeout_ms;
    const char *const *key_prefixes; /* known key prefixes, NULL-terminated; NULL if none */
} llmc_provider_info;

const llmc_provider_info *llmc_provider_find(const char *name);
const llmc_provider_info *llmc_provider_at(size_t index); /* NULL past the end */

/* A provider as one client sees it: the fixed facts plus this client's overrides. Custom
 * endpoints (llmc_client_add_endpoint) copy the "openai" facts and set name/base/key_env. */
typedef struct llmc_endpoint {
    char *name;
    llmc_provider_info info; /* name/base/key_env point into this struct's own strings */
    char *base_url_override; /* set by llmc_client_set_base_url */
    char *custom_base_url;   /* owned copies for custom endpoints */
    char *custom_key_env;
    llmc_secret *explicit_key;
    char *stored_label; /* llmc_client_use_stored_key: this stored key comes first */
    char **key_command; /* argv, NULL-terminated, owned; NULL when none */
    long key_command_timeout_ms;
    long key_command_ttl_ms;
    llmc_secret *command_key; /* the command's last answer, reused within the TTL */
    double command_key_at;    /* monotonic seconds when it was fetched */
} llmc_endpoint;

/* ---- credentials: finding the key for one endpoint ---- */
typedef struct llmc_credential {
    llmc_secret *secret; /* owned; NULL when no key was found */
    llmc_key_source source;
    char source_name[256];
    bool bearer; /* send as Authorization: Bearer even for x-api-key providers */
    char fingerprint[32];
    char store_label[64]; /* for keys from the store: the label, to mark it later */
    char shadows[256];    /* later sources that were also set, e.g. "store default" */
} llmc_credential;

/* Resolve the key for `ep` through the chain; on failure fills err (LLMC_E_KEY or LLMC_E_IO
 * with a diagnosis). `use_store`: whether the key store is the last source. */
llmc_code llmc_credential_resolve(llmc_endpoint *ep, bool use_store, llmc_credential *out, llmc_error *err);

/* A key given for one request (llmc_request_set_key): checked like any other, source explicit. */
llmc_code llmc_credential_from_request(const llmc_endpoint *ep, const llmc_secret *key, llmc_credential *out,
                                       llmc_error *err);
/* Whether a header name may be set by callers: a token, and not one that carries credentials. */
bool llmc_header_name_allowed(const char *name);

/* Every source of the chain, present or not, for llmc_client_inspect_key. */
void llmc_credential_inspect(llmc_endpoint *ep, bool use_store, llmc_key_report *report);

/* ---- key command (keycmd.c) ---- */
/* Run argv (no shell) for at most timeout_ms; on success *key_out holds the first line of its
 * stdout. On failure err says why (exit status, timeout, no output) and summarizes stderr by
 * size only: it may hold a secret. */
llmc_code llmc_key_command_run(char *const *argv, long timeout_ms, llmc_secret **key_out, llmc_error *err);
/* A printable form of the command: argv[0] and the number of arguments (arguments can hold
 * secrets such as a vault path). */
void llmc_key_command_describe(char *const *argv, char *out, size_t size);

/* ---- key store (keystore.c) ---- */
typedef struct llmc_store_entry {
    char provider[32];
    char label[64];
    long long added, last_verified, last_rejected;
    llmc_secret *key;
} llmc_store_entry;
typedef struct llmc_store {
    llmc_store_entry *entries;
    size_t n;
    char path[512];
} llmc_store;
/* Load the store. A missing file is an empty store (LLMC_OK). A file other users can read is
 * LLMC_E_KEY with cause key.file_permissions; unreadable or malformed is LLMC_E_IO. */
llmc_code llmc_store_load(llmc_store *store, llmc_error *err);
llmc_code llmc_store_save(const llmc_store *store, llmc_error *err);
void llmc_store_free(llmc_store *store);
/* Mark the entry (provider, label) verified or rejected now, and save. Errors are ignored on
 * purpose: a mark is a hint, never a reason to fail a call. */
void llmc_store_mark(const char *provider, const char *label, bool verified);
/* llmc's configuration directory: $XDG_CONFIG_HOME/llmc or ~/.config/llmc. */
llmc_code llmc_config_dir(char *buf, size_t size, llmc_error *err);
void llmc_credential_clear(llmc_credential *cred);
/* Fill err->diagnosis with what is known about the credential used (source, fingerprint, fix). */
void llmc_credential_describe(const llmc_credential *cred, const char *provider, llmc_cause cause, llmc_error *err);

/* ---- HTTP transport (http.c) ---- */
typedef struct llmc_http_response {
    long status;
    llmc_buf body;
    char request_id[128];
    char content_type[128];
    char location[256];
    double retry_after_s; /* from retry-after-ms / retry-after; -1 when absent */
    int should_retry;     /* x-should-retry: 1 true, 0 false, -1 absent */
} llmc_http_response;

typedef struct llmc_transport_opts {
    long connect_ms;
    long request_ms;
    int max_retries;
    bool allow_insecure_http;
    const char *ca_file;
    size_t max_body;           /* bytes; a longer body is LLMC_E_LIMIT */
    long idle_ms;              /* streams: the longest silence allowed once started */
    const llmc_cancel *cancel; /* NULL, or the request's cancellation token */
    const llmc_logger *log;
} llmc_transport_opts;

/* One HTTP exchange with retries. `cred` may be NULL (no auth header). The body may be NULL
 * for GET. Extra non-secret headers in `headers` ("Name: value"), NULL-terminated. */
llmc_code llmc_http_send(void *curl_handle, const llmc_transport_opts *opts, const char *method, const char *url,
                         const char *const *headers, const llmc_credential *cred, llmc_auth_style auth,
                         const char *body, size_t body_len, llmc_http_response *resp, llmc_error *err);
void llmc_http_response_free(llmc_http_response *resp);
/* The settings every transfer shares — URL, headers, user agent, no redirects, http/https only,
 * connect timeout, compression, trusted CAs, cancellation — so a rule about keys on the wire
 * lives in one place. Callers add their own timeout and callbacks. */
void llmc_http_configure(CURL *h, const llmc_transport_opts *o, const char *url, struct curl_slist *headers,
                         char *errbuf);
/* Capture one response header line into resp (request-id / x-request-id, content-type, location,
 * x-should-retry; an HTTP/ status line resets them). retry-after-ms and retry-after go to the two
 * doubles (-1 when absent); the caller combines them as llmc_http_send does. Used by streams. */
void llmc_http_header_line(const char *line, size_t n, llmc_http_response *resp, double *retry_after_ms,
                           double *retry_after);
/* The header list for one request: `headers` plus the auth header built from `cred` (x-api-key
 * or Authorization: Bearer). NULL when out of memory. Free with llmc_http_headers_free, which
 * wipes every line first (one holds the key). */
struct curl_slist *llmc_http_headers(const char *const *headers, const llmc_credential *cred, llmc_auth_style auth);
void llmc_http_headers_free(struct curl_slist *list);
/* Whether a URL may carry a key: https anywhere, http only to loopback (or when allowed). */
llmc_code llmc_url_check(const char *url, bool allow_insecure_http, llmc_error *err);
/* Delay before retry number `attempt` (0-based): from the response's headers when they ask for
 * 0 < d <= 60 s, else min(0.5·2^attempt, 8) s × (1 − 0.25·jitter), jitter in [0,1). */
double llmc_retry_delay_s(int attempt, double retry_after_s, double jitter);
/* Whether the token (which may be NULL) was triggered. */
bool llmc_cancelled(const llmc_cancel *cancel);
/* A CURLOPT_XFERINFOFUNCTION that aborts the transfer once the token (its clientp, may be NULL)
 * is triggered; the transfer then ends with CURLE_ABORTED_BY_CALLBACK. */
int llmc_http_xferinfo(void *cancel, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
/* Sleep `seconds`, waking early (returning false) when the token is triggered. */
bool llmc_sleep_unless_cancelled(double seconds, const llmc_cancel *cancel);
/* Whether a libcurl failure may not have reached the model, and so is worth retrying. */
bool llmc_transport_retriable(CURLcode cc);
/* Whether a status (or a transport failure, status 0) is retried, given x-should-retry. */
bool llmc_retry_wanted(long status, int should_retry);

typedef struct llmc_kv {
    char *key;
    char *value;
} llmc_kv;

/* ---- the client (client.c) ---- */
struct llmc_client {
    llmc_endpoint *endpoints;
    size_t n_endpoints;
    size_t default_endpoint;
    void *curl;                  /* a CURL easy handle, reused so connections stay alive */
    long connect_ms, request_ms; /* 0: defaults */
    int max_retries;
    size_t max_body; /* 0: the default */
    long idle_ms;    /* 0: the default */
    bool allow_insecure_http;
    bool use_store;
    char *ca_file;
    char *default_model; /* from the config file */
    llmc_kv *aliases;    /* model aliases from the config file: key → model */
    size_t n_aliases;
    llmc_logger log;
};
/* An endpoint by name (name_len bytes), or NULL. */
llmc_endpoint *llmc_client_endpoint(llmc_client *c, const char *name, size_t name_len);
/* Monotonic seconds, for TTLs. */
double llmc_now_s(void);

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

/* Parse JSON with llmc's limits (depth, size); on failure fills err with LLMC_E_PROTOCOL or
 * LLMC_E_LIMIT and returns NULL. */
json_t *llmc_json_parse(const char *body, size_t len, const char *what, llmc_error *err);
/* The JSON text of `value` (malloc'd), or NULL when it could not be made whole — unlike
 * json_dumps, never a text with a member silently missing. */
char *llmc_json_dump(const json_t *value, size_t flags);
/* Set / append a new reference; -1 when value is NULL (a failed constructor) or on failure. */
int llmc_json_put(json_t *obj, const char *key, json_t *value);
int llmc_json_append(json_t *array, json_t *value);
/* temperature, top_p and the stop sequences (under `stop_key`) when set; -1 on failure. */
int llmc_encode_sampling(json_t *root, const llmc_request *req, const char *stop_key);

/* ---- one call (call.c): shared by llmc_messages_create and streaming ---- */
typedef struct llmc_call {
    llmc_client *client;
    llmc_endpoint *endpoint;
    const char *wire_model; /* points into the request's model string */
    char *url;              /* owned */
    char *body;             /* owned: the encoded request */
    llmc_credential cred;   /* owned: wiped by llmc_call_finish */
    llmc_transport_opts opts;
    const char *const *headers; /* the non-secret headers: the dialect's, or owned_headers */
    char **owned_headers;       /* with extra headers: "Name: value" lines, NULL-terminated */
    bool anthropic;
} llmc_call;

/* Route, resolve the key, encode (with "stream": true when `stream`), build URL and options.
 * Always call llmc_call_finish afterwards, whatever this returned. */
llmc_code llmc_call_prepare(llmc_client *c, const llmc_request *req, bool stream, llmc_call *call, llmc_error *err);
/* An authenticated GET of base URL + `path` (the models list; validation). A non-2xx answer is
 * decoded into err and returned as its code. `quick`: no retries and at most 15 s. Always call
 * llmc_call_finish and llmc_http_response_free afterwards. */
llmc_code llmc_call_get(llmc_client *c, llmc_endpoint *ep, const char *path, bool quick, llmc_call *call,
                        llmc_http_response *resp, llmc_error *err);
/* Fill err from a non-2xx response: provider body, diagnosis for 401/403, redirect refusal. */
llmc_code llmc_call_fail(llmc_call *call, const llmc_http_response *resp, llmc_error *err);
/* After a 401, replace the credential with the chain's next different key, if there is one;
 * `tried` collects what was rejected. */
bool llmc_call_recover(llmc_call *call, char *tried, size_t size);
/* Remove every copy of the credential's key bytes from err's text fields (a provider or proxy
 * may echo what it received) and redact key-shaped tokens from its message. */
void llmc_scrub_error(llmc_error *err, const llmc_credential *cred);
/* Scrub the key's bytes from err, wipe the credential, free what prepare allocated. */
void llmc_call_finish(llmc_call *call, llmc_error *err);

const char *llmc_endpoint_base_url(const llmc_endpoint *ep);
char *llmc_join_url(const char *base, const char *path);
void llmc_transport_opts_for(const llmc_client *c, const llmc_endpoint *ep, llmc_transport_opts *o);
const char *const *llmc_dialect_headers(llmc_dialect_kind dialect, bool stream);

#endif /* LLMC_INTERNAL_H */
