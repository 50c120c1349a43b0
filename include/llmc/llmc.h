/*
 * llmc.h — the whole public API of libllmc, a client for hosted LLM inference APIs
 * (Anthropic Messages; Cerebras, Fireworks AI and any OpenAI-compatible chat completions).
 * What is not declared here is not API. Every function documents who owns what.
 *
 * Conventions
 *  - Handles are opaque. `_new` returns NULL only when memory runs out; every `_free` accepts NULL.
 *  - Every fallible call returns an llmc_code and, when `err` is not NULL, fills the caller-owned
 *    llmc_error with the detail. `err` is cleared at the start of each call.
 *  - Strings passed in are copied; strings returned are borrowed from the handle that returned
 *    them and stay valid until that handle is freed (or, where said, until the next call on it).
 *  - Thread safety: call llmc_global_init() once before starting threads. A client, a request or
 *    a response may be used by one thread at a time; separate handles are independent.
 *  - Keys: llmc never copies a key into an error, a log line, a URL or anything it prints. It
 *    holds keys in one allocation that is wiped when freed.
 */
#ifndef LLMC_LLMC_H
#define LLMC_LLMC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(LLMC_BUILDING) && defined(__GNUC__)
#define LLMC_API __attribute__((visibility("default")))
#else
#define LLMC_API
#endif

#define LLMC_VERSION_MAJOR 0
#define LLMC_VERSION_MINOR 1
#define LLMC_VERSION_PATCH 0
#define LLMC_VERSION_STRING "0.1.0"
/* One number that grows with each release: 0xMMmmpp. */
#define LLMC_VERSION_NUM ((LLMC_VERSION_MAJOR << 16) | (LLMC_VERSION_MINOR << 8) | LLMC_VERSION_PATCH)

/* The version of the library actually linked, e.g. "0.1.0" (static string). */
LLMC_API const char *llmc_version(void);

/* ---------------------------------------------------------------------------------------------
 * Result codes. The enum only ever grows; values are never renumbered.
 */
typedef enum llmc_code {
    LLMC_OK = 0,
    LLMC_E_INVALID_ARG = 1,   /* the caller passed something unusable (NULL, bad value) */
    LLMC_E_NOMEM = 2,         /* an allocation failed */
    LLMC_E_CONFIG = 3,        /* unknown provider, malformed model string, bad base URL */
    LLMC_E_KEY = 4,           /* no usable key: found wrong before any request was sent */
    LLMC_E_AUTH = 5,          /* the provider rejected the key (HTTP 401) */
    LLMC_E_PERMISSION = 6,    /* the key is valid but not allowed (HTTP 403) */
    LLMC_E_BAD_REQUEST = 7,   /* the provider refused the request (400, 409, 413, 422, other 4xx) */
    LLMC_E_NOT_FOUND = 8,     /* model or resource not found (404) */
    LLMC_E_RATE_LIMIT = 9,    /* 429: too many requests or tokens */
    LLMC_E_SERVER = 10,       /* 5xx from the provider */
    LLMC_E_OVERLOADED = 11,   /* 529 / overloaded_error: the provider is shedding load */
    LLMC_E_TRANSPORT = 12,    /* connection, DNS, TLS or other network failure */
    LLMC_E_TIMEOUT = 13,      /* a connect, request or idle timeout expired */
    LLMC_E_PROTOCOL = 14,     /* a response that does not follow the provider's wire format */
    LLMC_E_INSECURE = 15,     /* refused: a key would travel unprotected, or a redirect */
    LLMC_E_ABORTED = 16,      /* the caller cancelled */
    LLMC_E_LIMIT = 17,        /* a size limit was hit: response body, line length, JSON depth */
    LLMC_E_IO = 18            /* a local file or process failed */
} llmc_code;

/* A short, static English description of a code. */
LLMC_API const char *llmc_strerror(llmc_code code);

/* ---------------------------------------------------------------------------------------------
 * Diagnosis of authentication problems: the cause catalogue (see `llmc explain`).
 */
typedef enum llmc_cause {
    LLMC_CAUSE_NONE = 0,
    LLMC_CAUSE_KEY_MISSING = 1,
    LLMC_CAUSE_KEY_VAR_MISSPELLED = 2,
    LLMC_CAUSE_KEY_EMPTY = 3,
    LLMC_CAUSE_KEY_WHITESPACE = 4,
    LLMC_CAUSE_KEY_QUOTED = 5,
    LLMC_CAUSE_KEY_MALFORMED = 6,
    LLMC_CAUSE_KEY_PLACEHOLDER = 7,
    LLMC_CAUSE_KEY_WRONG_PROVIDER = 8,
    LLMC_CAUSE_KEY_FILE_PERMISSIONS = 9,
    LLMC_CAUSE_KEY_COMMAND_FAILED = 10,
    LLMC_CAUSE_AUTH_REJECTED = 11,
    LLMC_CAUSE_AUTH_FORBIDDEN = 12,
    LLMC_CAUSE_AUTH_CONFLICT = 13,
    LLMC_CAUSE_TRANSPORT_INSECURE = 14
} llmc_cause;

/* The stable id of a cause, e.g. "key.missing" (static string; "" for LLMC_CAUSE_NONE). */
LLMC_API const char *llmc_cause_id(llmc_cause cause);

typedef enum llmc_severity {
    LLMC_SEVERITY_INFO = 0,
    LLMC_SEVERITY_WARNING = 1,  /* repaired or suspicious; the request still went ahead */
    LLMC_SEVERITY_ERROR = 2     /* nothing was sent, or the provider said no */
} llmc_severity;

/* One page of the catalogue: what `llmc explain ID` prints. All strings are static. */
typedef struct llmc_cause_info {
    llmc_cause cause;
    const char *id;            /* "key.missing" */
    const char *title;         /* one line */
    llmc_severity severity;
    int http_status;           /* the HTTP status that reveals it, 0 when it is found before sending */
    const char *why;           /* why it happens */
    const char *detection;     /* how llmc detects it */
    const char *fix;           /* what to do now */
    const char *workaround;    /* how to keep going meanwhile */
    const char *prevention;    /* how to stop it happening again */
    const char *broken_shell;  /* a short "broken" example in shell */
    const char *fixed_shell;   /* the same, fixed */
    const char *broken_c;      /* a short "broken" example in C */
    const char *fixed_c;       /* the same, fixed */
    const void *reserved[8];
} llmc_cause_info;

/* The catalogue page of `cause`, or NULL for LLMC_CAUSE_NONE / an unknown value. */
LLMC_API const llmc_cause_info *llmc_cause_info_get(llmc_cause cause);
/* The page whose id is `id` ("key.empty"), or NULL. */
LLMC_API const llmc_cause_info *llmc_cause_info_find(const char *id);
/* Iterate the catalogue: index 0 .. n-1, NULL past the end. */
LLMC_API const llmc_cause_info *llmc_cause_info_at(size_t index);

/* Where the key that was used (or looked for) came from. */
typedef enum llmc_key_source {
    LLMC_SOURCE_NONE = 0,      /* no key was found */
    LLMC_SOURCE_EXPLICIT = 1,  /* llmc_client_set_key() or a per-request override */
    LLMC_SOURCE_ENV = 2,       /* an environment variable */
    LLMC_SOURCE_FILE = 3,      /* a file named by <VAR>_FILE */
    LLMC_SOURCE_COMMAND = 4,   /* a key command */
    LLMC_SOURCE_STORE = 5      /* the key store */
} llmc_key_source;

/* "explicit", "env", "file", "command", "store" or "none" (static string). */
LLMC_API const char *llmc_key_source_name(llmc_key_source source);

typedef struct llmc_diagnosis {
    llmc_cause cause;
    llmc_severity severity;
    llmc_key_source source;
    char source_name[256];     /* e.g. "ANTHROPIC_API_KEY", a file path, a command's program */
    char fingerprint[32];      /* e.g. "sk-ant-…H1RE" : a few leading characters and the last 4 */
    char provider[32];         /* the provider the key was for */
    char detail[512];          /* what exactly was found, e.g. "ends with a newline" */
    const char *fix;           /* static text from the catalogue: how to fix it; NULL if none */
    unsigned char reserved[64];
} llmc_diagnosis;

/* ---------------------------------------------------------------------------------------------
 * Errors: a caller-owned struct, filled by every fallible call. Plain data: no freeing needed.
 */
typedef struct llmc_error {
    llmc_code code;
    int http_status;           /* 0 when no HTTP response arrived */
    int transport_code;        /* the libcurl CURLcode, 0 when none */
    int attempts;              /* how many HTTP attempts were made (retries + 1) */
    double retry_after;        /* seconds the provider asked to wait; -1 when it said nothing */
    char provider[32];         /* "anthropic", "cerebras", … */
    char provider_type[64];    /* the error type as sent, e.g. "authentication_error" */
    char provider_code[64];    /* the error code as sent, e.g. "wrong_api_key" */
    char request_id[128];      /* the provider's request id, when it sent one */
    char message[1024];        /* one human-readable line (the provider's own words when it gave some) */
    llmc_diagnosis diagnosis;  /* set for key and authentication errors (cause != NONE) */
    unsigned char reserved[256];
} llmc_error;

/* Reset an error to LLMC_OK with empty fields. */
LLMC_API void llmc_error_clear(llmc_error *err);

/* ---------------------------------------------------------------------------------------------
 * Library lifetime. Call llmc_global_init() once, before any other call and before threads;
 * llmc_global_cleanup() once at the end.
 */
LLMC_API llmc_code llmc_global_init(void);
LLMC_API void llmc_global_cleanup(void);

/* Free memory that llmc returned to the caller as an owned `char *` (e.g. llmc_generate). */
LLMC_API void llmc_free(void *ptr);

/* ---------------------------------------------------------------------------------------------
 * Clients. A client knows every provider; the model string of a request picks one.
 *
 * Providers: "anthropic", "cerebras", "fireworks", "openai" (any OpenAI-compatible endpoint), and
 * endpoints added with llmc_client_add_endpoint(). Model strings are "provider/model", e.g.
 * "anthropic/claude-sonnet-4-5", "cerebras/llama-3.3-70b",
 * "fireworks/accounts/fireworks/models/llama-v3p1-8b-instruct". A model without a known provider
 * prefix goes to the client's default provider (llmc_client_set_default_provider; "anthropic").
 *
 * Base URLs default to each provider's service and can be overridden by the official SDK's own
 * variable, read with that SDK's meaning: ANTHROPIC_BASE_URL (+ "/v1/messages"),
 * CEREBRAS_BASE_URL (+ "/v1/chat/completions"), FIREWORKS_BASE_URL (+ "/v1/chat/completions",
 * default "https://api.fireworks.ai/inference"), OPENAI_BASE_URL (+ "/chat/completions", default
 * "https://api.openai.com/v1"). A setter below wins over the variable.
 */
typedef struct llmc_client llmc_client;

/* A new client with default settings; NULL when out of memory. Free with llmc_client_free. */
LLMC_API llmc_client *llmc_client_new(void);
/* Free the client and wipe any key it held. NULL is fine. */
LLMC_API void llmc_client_free(llmc_client *client);

/* The provider used for model strings without a provider prefix. */
LLMC_API llmc_code llmc_client_set_default_provider(llmc_client *client, const char *provider,
                                                    llmc_error *err);

/* Use this key for `provider`, ahead of every other source. The bytes are copied into wiped
 * storage; the caller may wipe its own copy at once. NULL removes an explicit key. */
LLMC_API llmc_code llmc_client_set_key(llmc_client *client, const char *provider, const char *key,
                                       llmc_error *err);

/* Override the base URL of `provider` (same meaning as the SDK variable above). NULL restores
 * the default. A plain http:// URL is accepted only for loopback hosts unless
 * llmc_client_allow_insecure_http() was called. */
LLMC_API llmc_code llmc_client_set_base_url(llmc_client *client, const char *provider,
                                            const char *base_url, llmc_error *err);

/* Add (or redefine) an OpenAI-compatible endpoint called `name`: requests to "name/model" go to
 * base_url + "/chat/completions" with `Authorization: Bearer` and the key from the variable
 * `key_env` (e.g. "GROQ_API_KEY"). */
LLMC_API llmc_code llmc_client_add_endpoint(llmc_client *client, const char *name,
                                            const char *base_url, const char *key_env,
                                            llmc_error *err);

/* Timeouts in milliseconds; 0 keeps the default (connect 5 s; whole request 600 s for
 * Anthropic, 60 s for the others). */
LLMC_API void llmc_client_set_timeouts(llmc_client *client, long connect_ms, long request_ms);

/* Allow http:// to non-loopback hosts. Off by default; keys are then sent in clear text, so
 * this exists only for trusted private networks and says so in the verbose log. */
LLMC_API void llmc_client_allow_insecure_http(llmc_client *client, int allow);

/* A PEM file of CA certificates to trust instead of the system store (NULL: system store). */
LLMC_API llmc_code llmc_client_set_ca_file(llmc_client *client, const char *path, llmc_error *err);

/* How many times a failed call is retried (connection errors, 408, 409, 429, 5xx, 529, or
 * whenever the provider sends `x-should-retry: true`). Default 2; 0 disables retries. */
LLMC_API void llmc_client_set_max_retries(llmc_client *client, int max_retries);

/* Logging. Every line is redacted before it reaches the callback: it never holds a key or the
 * value of an authorization or cookie header. Without a callback, lines go to stderr when the
 * variable LLMC_LOG is "debug", "info" or "warn" (that level and above), and nowhere otherwise. */
typedef enum llmc_log_level { LLMC_LOG_DEBUG = 0, LLMC_LOG_INFO = 1, LLMC_LOG_WARN = 2 } llmc_log_level;
typedef void (*llmc_log_fn)(void *userdata, llmc_log_level level, const char *line);
/* Set (or with NULL, remove) the log callback; `min_level` filters lower levels out. */
LLMC_API void llmc_client_set_log(llmc_client *client, llmc_log_fn fn, void *userdata,
                                  llmc_log_level min_level);

/* ---------------------------------------------------------------------------------------------
 * Requests: a builder for one call. Reusable: send it, add the reply and a new user turn, send again.
 */
typedef struct llmc_request llmc_request;

typedef enum llmc_role { LLMC_ROLE_USER = 0, LLMC_ROLE_ASSISTANT = 1 } llmc_role;

/* A request for `model` ("provider/model"); NULL when out of memory. */
LLMC_API llmc_request *llmc_request_new(const char *model);
LLMC_API void llmc_request_free(llmc_request *req);

LLMC_API llmc_code llmc_request_set_model(llmc_request *req, const char *model);
/* The system prompt (Anthropic `system`; OpenAI a leading "system" message). NULL clears it. */
LLMC_API llmc_code llmc_request_set_system(llmc_request *req, const char *system);
/* Append a text turn. Turns are sent in the order added. */
LLMC_API llmc_code llmc_request_add_message(llmc_request *req, llmc_role role, const char *text);
/* The most tokens to generate; 0 means the default (1024). */
LLMC_API llmc_code llmc_request_set_max_tokens(llmc_request *req, long max_tokens);
/* Sampling; a negative value leaves the provider's default (nothing is sent). */
LLMC_API llmc_code llmc_request_set_temperature(llmc_request *req, double temperature);
LLMC_API llmc_code llmc_request_set_top_p(llmc_request *req, double top_p);
/* Add a stop sequence (Anthropic `stop_sequences`; OpenAI `stop`). */
LLMC_API llmc_code llmc_request_add_stop(llmc_request *req, const char *stop);
/* Set a metadata entry. Anthropic receives `metadata` as an object (the service accepts
 * `user_id`); OpenAI-compatible providers receive `user` for the key "user_id" and the other
 * entries in `metadata`. */
LLMC_API llmc_code llmc_request_set_metadata(llmc_request *req, const char *key, const char *value);
/* Keep the response's raw JSON body (llmc_response_raw_json). Off by default. */
LLMC_API void llmc_request_keep_raw(llmc_request *req, int keep);

/* ---------------------------------------------------------------------------------------------
 * Responses: one reply, normalized across providers.
 */
typedef struct llmc_response llmc_response;

typedef enum llmc_stop_reason {
    LLMC_STOP_UNKNOWN = 0,
    LLMC_STOP_END_TURN = 1,       /* Anthropic end_turn; OpenAI stop */
    LLMC_STOP_MAX_TOKENS = 2,     /* Anthropic max_tokens; OpenAI length */
    LLMC_STOP_STOP_SEQUENCE = 3,  /* Anthropic stop_sequence (OpenAI reports "stop") */
    LLMC_STOP_TOOL_USE = 4,       /* Anthropic tool_use; OpenAI tool_calls */
    LLMC_STOP_REFUSAL = 5,        /* Anthropic refusal; OpenAI content_filter */
    LLMC_STOP_PAUSE = 6           /* Anthropic pause_turn */
} llmc_stop_reason;

typedef enum llmc_block_type {
    LLMC_BLOCK_OTHER = 0,
    LLMC_BLOCK_TEXT = 1,
    LLMC_BLOCK_THINKING = 2,
    LLMC_BLOCK_TOOL_USE = 3
} llmc_block_type;

typedef struct llmc_usage {
    long input_tokens;
    long output_tokens;
    long cache_read_input_tokens;      /* 0 when the provider does not report it */
    long cache_creation_input_tokens;
} llmc_usage;

LLMC_API void llmc_response_free(llmc_response *resp);
/* All text blocks joined, never NULL (may be ""). */
LLMC_API const char *llmc_response_text(const llmc_response *resp);
LLMC_API size_t llmc_response_block_count(const llmc_response *resp);
LLMC_API llmc_block_type llmc_response_block_type(const llmc_response *resp, size_t index);
/* The text of a text or thinking block; for a tool-use block, its input as JSON text. */
LLMC_API const char *llmc_response_block_text(const llmc_response *resp, size_t index);
LLMC_API llmc_stop_reason llmc_response_stop_reason(const llmc_response *resp);
/* The stop reason exactly as the provider sent it, e.g. "end_turn" or "length" ("" if none). */
LLMC_API const char *llmc_response_stop_reason_raw(const llmc_response *resp);
LLMC_API llmc_usage llmc_response_usage(const llmc_response *resp);
LLMC_API const char *llmc_response_model(const llmc_response *resp);
LLMC_API const char *llmc_response_id(const llmc_response *resp);
/* The provider's request id (header `request-id`, or `x-request-id`), "" when none. */
LLMC_API const char *llmc_response_request_id(const llmc_response *resp);
/* "anthropic", "cerebras", … */
LLMC_API const char *llmc_response_provider(const llmc_response *resp);
/* The body as received, if llmc_request_keep_raw() was on; otherwise NULL. */
LLMC_API const char *llmc_response_raw_json(const llmc_response *resp);

/* ---------------------------------------------------------------------------------------------
 * Calls.
 */

/* Send `req` and wait for the whole reply. On success *out is a new response owned by the
 * caller; on failure *out is NULL and `err` says why. */
LLMC_API llmc_code llmc_messages_create(llmc_client *client, const llmc_request *req,
                                        llmc_response **out, llmc_error *err);

/* The one-liner: send `prompt` as one user turn to `model` and return the reply's text in
 * *text_out (owned by the caller; release with llmc_free). */
LLMC_API llmc_code llmc_generate(llmc_client *client, const char *model, const char *prompt,
                                 char **text_out, llmc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* LLMC_LLMC_H */
