/* SPDX-License-Identifier: MIT */
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
    LLMC_E_INVALID_ARG = 1, /* the caller passed something unusable (NULL, bad value) */
    LLMC_E_NOMEM = 2,       /* an allocation failed */
    LLMC_E_CONFIG = 3,      /* unknown provider, malformed model string, bad base URL */
    LLMC_E_KEY = 4,         /* no usable key: found wrong before any request was sent */
    LLMC_E_AUTH = 5,        /* the provider rejected the key (HTTP 401) */
    LLMC_E_PERMISSION = 6,  /* the key is valid but not allowed (HTTP 403) */
    LLMC_E_BAD_REQUEST = 7, /* the provider refused the request (400, 409, 413, 422, other 4xx) */
    LLMC_E_NOT_FOUND = 8,   /* model or resource not found (404) */
    LLMC_E_RATE_LIMIT = 9,  /* 429: too many requests or tokens */
    LLMC_E_SERVER = 10,     /* 5xx from the provider */
    LLMC_E_OVERLOADED = 11, /* 529 / overloaded_error: the provider is shedding load */
    LLMC_E_TRANSPORT = 12,  /* connection, DNS, TLS or other network failure */
    LLMC_E_TIMEOUT = 13,    /* a connect, request or idle timeout expired */
    LLMC_E_PROTOCOL = 14,   /* a response that does not follow the provider's wire format */
    LLMC_E_INSECURE = 15,   /* refused: a key would travel unprotected, or a redirect */
    LLMC_E_ABORTED = 16,    /* the caller cancelled */
    LLMC_E_LIMIT = 17,      /* a size limit was hit: response body, line length, JSON depth */
    LLMC_E_IO = 18          /* a local file or process failed */
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
    LLMC_SEVERITY_WARNING = 1, /* repaired or suspicious; the request still went ahead */
    LLMC_SEVERITY_ERROR = 2    /* nothing was sent, or the provider said no */
} llmc_severity;

/* One page of the catalogue: what `llmc explain ID` prints. All strings are static. */
typedef struct llmc_cause_info {
    llmc_cause cause;
    const char *id;    /* "key.missing" */
    const char *title; /* one line */
    llmc_severity severity;
    int http_status;          /* the HTTP status that reveals it, 0 when it is found before sending */
    const char *why;          /* why it happens */
    const char *detection;    /* how llmc detects it */
    const char *fix;          /* what to do now */
    const char *workaround;   /* how to keep going meanwhile */
    const char *prevention;   /* how to stop it happening again */
    const char *broken_shell; /* a short "broken" example in shell */
    const char *fixed_shell;  /* the same, fixed */
    const char *broken_c;     /* a short "broken" example in C */
    const char *fixed_c;      /* the same, fixed */
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
    LLMC_SOURCE_NONE = 0,     /* no key was found */
    LLMC_SOURCE_EXPLICIT = 1, /* llmc_client_set_key() or a per-request override */
    LLMC_SOURCE_ENV = 2,      /* an environment variable */
    LLMC_SOURCE_FILE = 3,     /* a file named by <VAR>_FILE */
    LLMC_SOURCE_COMMAND = 4,  /* a key command */
    LLMC_SOURCE_STORE = 5     /* the key store */
} llmc_key_source;

/* "explicit", "env", "file", "command", "store" or "none" (static string). */
LLMC_API const char *llmc_key_source_name(llmc_key_source source);

typedef struct llmc_diagnosis {
    llmc_cause cause;
    llmc_severity severity;
    llmc_key_source source;
    char source_name[256]; /* e.g. "ANTHROPIC_API_KEY", a file path, a command's program */
    char fingerprint[32];  /* e.g. "sk-ant-…H1RE" : a few leading characters and the last 4 */
    char provider[32];     /* the provider the key was for */
    char detail[512];      /* what exactly was found, e.g. "ends with a newline" */
    const char *fix;       /* static text from the catalogue: how to fix it; NULL if none */
    unsigned char reserved[64];
} llmc_diagnosis;

/* ---------------------------------------------------------------------------------------------
 * Errors: a caller-owned struct, filled by every fallible call. Plain data: no freeing needed.
 */
typedef struct llmc_error {
    llmc_code code;
    int http_status;          /* 0 when no HTTP response arrived */
    int transport_code;       /* the libcurl CURLcode, 0 when none */
    int attempts;             /* how many HTTP attempts were made (retries + 1) */
    double retry_after;       /* seconds the provider asked to wait; -1 when it said nothing */
    char provider[32];        /* "anthropic", "cerebras", … */
    char provider_type[64];   /* the error type as sent, e.g. "authentication_error" */
    char provider_code[64];   /* the error code as sent, e.g. "wrong_api_key" */
    char request_id[128];     /* the provider's request id, when it sent one */
    char message[1024];       /* one human-readable line (the provider's own words when it gave some) */
    llmc_diagnosis diagnosis; /* set for key and authentication errors (cause != NONE) */
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
LLMC_API llmc_code llmc_client_set_default_provider(llmc_client *client, const char *provider, llmc_error *err);

/* Use this key for `provider`, ahead of every other source. The bytes are copied into wiped
 * storage; the caller may wipe its own copy at once. NULL removes an explicit key. */
LLMC_API llmc_code llmc_client_set_key(llmc_client *client, const char *provider, const char *key, llmc_error *err);

/* Override the base URL of `provider` (same meaning as the SDK variable above). NULL restores
 * the default. A plain http:// URL is accepted only for loopback hosts unless
 * llmc_client_allow_insecure_http() was called. */
LLMC_API llmc_code llmc_client_set_base_url(llmc_client *client, const char *provider, const char *base_url,
                                            llmc_error *err);

/* Add (or redefine) an OpenAI-compatible endpoint called `name`: requests to "name/model" go to
 * base_url + "/chat/completions" with `Authorization: Bearer` and the key from the variable
 * `key_env` (e.g. "GROQ_API_KEY"). */
LLMC_API llmc_code llmc_client_add_endpoint(llmc_client *client, const char *name, const char *base_url,
                                            const char *key_env, llmc_error *err);

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

/* The largest response body accepted (bytes); a longer one fails with LLMC_E_LIMIT and is not
 * kept. 0 restores the default, 64 MiB. */
LLMC_API void llmc_client_set_max_response_bytes(llmc_client *client, size_t max_bytes);

/* How long a started stream may go without receiving a byte before it fails with
 * LLMC_E_TIMEOUT (milliseconds; whole seconds are used). 0 restores the default, 60 s. */
LLMC_API void llmc_client_set_stream_idle_timeout(llmc_client *client, long idle_ms);

/* Logging. Every line is redacted before it reaches the callback: it never holds a key or the
 * value of an authorization or cookie header. Without a callback, lines go to stderr when the
 * variable LLMC_LOG is "debug", "info" or "warn" (that level and above), and nowhere otherwise. */
typedef enum llmc_log_level { LLMC_LOG_DEBUG = 0, LLMC_LOG_INFO = 1, LLMC_LOG_WARN = 2 } llmc_log_level;
typedef void (*llmc_log_fn)(void *userdata, llmc_log_level level, const char *line);
/* Set (or with NULL, remove) the log callback; `min_level` filters lower levels out. */
LLMC_API void llmc_client_set_log(llmc_client *client, llmc_log_fn fn, void *userdata, llmc_log_level min_level);

/* A key command for `provider`: a program (argv[0], looked up in PATH; no shell) whose first
 * line of stdout is the key. It runs when no explicit key or variable supplies one, at most
 * `timeout_ms` (0: 10 s), and its answer is reused for `ttl_ms` (0: 1 hour) — except after a
 * 401, when it is run again at once. Its stderr is never shown raw (it may hold a secret): only
 * its size and first word are summarized. argv is copied; NULL removes the command. */
LLMC_API llmc_code llmc_client_set_key_command(llmc_client *client, const char *provider, const char *const *argv,
                                               long timeout_ms, long ttl_ms, llmc_error *err);

/* Read a configuration file (NULL: $XDG_CONFIG_HOME/llmc/config, else ~/.config/llmc/config;
 * a missing default file is not an error). The format, one `name = value` a line, `#` comments:
 *
 *     model = cerebras/llama-3.3-70b        # the default model (llmc_client_default_model)
 *     [provider anthropic]                  # settings for a built-in provider
 *     base_url = https://gateway.example.com/anthropic
 *     key_command = pass show anthropic     # split on spaces; "…" and '…' group words
 *     key_command_timeout = 10              # seconds
 *     key_command_ttl = 3600                # seconds
 *     [endpoint groq]                       # a custom OpenAI-compatible endpoint
 *     base_url = https://api.groq.com/openai/v1
 *     key_env = GROQ_API_KEY
 *     [alias fast]
 *     model = cerebras/llama-3.3-70b        # "fast" as a model string means this
 *     system = Answer in one line.          # kept for the application (below)
 *
 * Settings the library checks but does not act on itself are kept for the application and
 * read with llmc_client_config_value (the llmc CLI uses them; llmc.conf(5) documents each):
 *
 *     log = off                             # top of the file: on or off
 *     [template review]                     # model, system, prompt, max_tokens, temperature,
 *     system = You review C code.           #   top_p, stop (numbers are range-checked here)
 *     prompt = Review this: $input
 *     [price cerebras/llama-3.3-70b]        # input, output, cache_write, cache_read:
 *     input = 0.85                          #   US dollars per million tokens, numbers >= 0
 *
 * A bad file is LLMC_E_CONFIG with the file, line and what was expected in err->message. Keys
 * themselves never belong in this file: `llmc keys set` keeps them in the key store. Loading a
 * second file adds to (and where a setting repeats, overrides) what the first one set. */
LLMC_API llmc_code llmc_client_load_config(llmc_client *client, const char *path, llmc_error *err);
/* A setting kept for the application: the value of `key` in the section [kind name] — kind
 * "template", "price" or "alias" — or, with kind and name NULL (or ""), at the top of the file.
 * NULL when the file did not set it. When a line repeats, the last one counts. Borrowed from the
 * client: valid until it is freed or loads another file. */
LLMC_API const char *llmc_client_config_value(const llmc_client *client, const char *kind, const char *name,
                                              const char *key);
/* The names of the sections of `kind` ("template", "price", "alias") that hold settings kept for
 * the application, in file order: index 0 .. n-1, NULL past the end. Borrowed as above. */
LLMC_API const char *llmc_client_config_section_at(const llmc_client *client, const char *kind, size_t index);
/* The default model from the configuration, or NULL. Borrowed from the client. */
LLMC_API const char *llmc_client_default_model(const llmc_client *client);
/* Model alias number `index` from the configuration: its name and the model it stands for
 * (borrowed from the client). Returns 0 past the last alias, 1 otherwise. */
LLMC_API int llmc_client_alias_at(const llmc_client *client, size_t index, const char **name, const char **model);

/* Use the stored key labelled `label` for `provider`, ahead of every other source (the CLI's
 * --key-name): its bytes never pass through the caller. LLMC_E_NOT_FOUND when the store has no
 * such key; NULL removes the choice. */
LLMC_API llmc_code llmc_client_use_stored_key(llmc_client *client, const char *provider, const char *label,
                                              llmc_error *err);

/* Use the key store (below) as the last source of keys. On by default; 0 turns it off. */
LLMC_API void llmc_client_use_key_store(llmc_client *client, int use);

/* The providers this client knows, built-in and added: index 0 .. n-1, NULL past the end.
 * Borrowed from the client. */
LLMC_API const char *llmc_client_provider_at(const llmc_client *client, size_t index);

/* ---------------------------------------------------------------------------------------------
 * Models.
 */
typedef struct llmc_model_info {
    char id[160];           /* what goes after "provider/" in a model string */
    char display_name[160]; /* Anthropic's display name; "" elsewhere */
    char owned_by[64];      /* OpenAI-compatible `owned_by`; "" for Anthropic */
    char created[40];       /* RFC 3339 (Anthropic) or Unix seconds (others), as sent */
    unsigned char reserved[32];
} llmc_model_info;

/* The models `provider` offers (all pages). On success *out is an array of *count entries owned
 * by the caller (release with llmc_free); on failure *out is NULL and err says why. */
LLMC_API llmc_code llmc_models_list(llmc_client *client, const char *provider, llmc_model_info **out, size_t *count,
                                    llmc_error *err);

/* ---------------------------------------------------------------------------------------------
 * Keys: inspection, validation and the key store.
 */

/* One source in a provider's credential chain, as llmc_client_inspect_key sees it. */
typedef struct llmc_key_candidate {
    llmc_key_source source;
    char source_name[256]; /* variable name, file path, command, or the stored key's label */
    int present;           /* the source is set / configured / holds a key */
    int chosen;            /* the first usable source: the one a request would send */
    int shadowed;          /* present but not chosen because an earlier source won */
    char fingerprint[32];  /* of the key it holds, when present */
    llmc_diagnosis check;  /* the static check's worst finding (cause NONE when clean) */
    unsigned char reserved[32];
} llmc_key_candidate;

#define LLMC_MAX_CANDIDATES 12

/* Everything known about `provider`'s key without sending anything: every source in chain
 * order, which one wins and what it shadows, near-miss variable names, and the error a request
 * would get now (code LLMC_OK when a usable key was found). Runs the key command, if any. */
typedef struct llmc_key_report {
    char provider[32];
    char key_env[64]; /* the variable this provider reads */
    size_t n_candidates;
    llmc_key_candidate candidates[LLMC_MAX_CANDIDATES];
    size_t n_near_miss;
    char near_miss[4][64]; /* names of set variables that look like key_env */
    char base_url[256];    /* where requests would go */
    llmc_error result;     /* what resolving the key gives right now */
    unsigned char reserved[128];
} llmc_key_report;

LLMC_API llmc_code llmc_client_inspect_key(llmc_client *client, const char *provider, llmc_key_report *report);

/* A cheap authenticated request (GET the provider's models list) to check the key at start-up.
 * LLMC_OK when the provider accepts the key; otherwise the reason, with the same diagnosis a
 * failed call would carry. A key that passes is marked verified in the store (if it came from
 * there); one rejected with 401 is marked rejected. */
LLMC_API llmc_code llmc_client_validate(llmc_client *client, const char *provider, llmc_error *err);

/* The key store: $XDG_CONFIG_HOME/llmc/keys (or ~/.config/llmc/keys), mode 0600, refused when
 * other users can read it. Several keys per provider, each with a label; requests use the first
 * key of the provider not marked rejected. The key bytes never leave the library: listings
 * show fingerprints. */
typedef struct llmc_stored_key {
    char provider[32];
    char label[64];
    char fingerprint[32];
    long long added;         /* Unix seconds */
    long long last_verified; /* 0: never */
    long long last_rejected; /* 0: never; a rejected key is skipped until it is set again */
    unsigned char reserved[32];
} llmc_stored_key;

/* The store's path into buf. */
LLMC_API llmc_code llmc_key_store_path(char *buf, size_t size, llmc_error *err);
/* Add a key for `provider` under `label` (NULL: "default"), replacing a key with that label
 * (which clears its marks). The key is checked statically first and refused with LLMC_E_KEY and
 * a diagnosis when it is unusable. */
LLMC_API llmc_code llmc_key_store_set(const char *provider, const char *label, const char *key, llmc_error *err);
/* Remove keys of `provider`: the one labelled `label`, or all of them when label is NULL.
 * LLMC_E_NOT_FOUND when none matched. */
LLMC_API llmc_code llmc_key_store_remove(const char *provider, const char *label, llmc_error *err);
/* List up to `max` stored keys (all providers when `provider` is NULL); *count gets how many
 * exist. */
LLMC_API llmc_code llmc_key_store_list(const char *provider, llmc_stored_key *out, size_t max, size_t *count,
                                       llmc_error *err);

/* ---------------------------------------------------------------------------------------------
 * Requests: a builder for one call. Reusable: send it, add the reply and a new user turn, send again.
 */
typedef struct llmc_request llmc_request;
typedef struct llmc_response llmc_response; /* below */

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
/* Per-request overrides, for servers that act for many tenants. Each wins over the client's
 * setting for this request only; NULL (or 0) removes the override.
 *  - llmc_request_set_key: the key to send (copied into wiped storage), ahead of every source;
 *  - llmc_request_set_base_url: same meaning as llmc_client_set_base_url;
 *  - llmc_request_set_timeout: the whole-request timeout in milliseconds;
 *  - llmc_request_set_header: an extra header ("Name", "value"); a second call with the same
 *    name replaces it. Authentication headers (authorization, x-api-key, api-key,
 *    proxy-authorization, cookie) are refused with LLMC_E_INVALID_ARG — give keys with
 *    llmc_request_set_key — as are names and values that could split a header.
 * Anthropic requests also carry the headers listed in ANTHROPIC_CUSTOM_HEADERS (one
 * "Name: value" a line), as the official SDK does; a request's own header wins. */
LLMC_API llmc_code llmc_request_set_key(llmc_request *req, const char *key);
LLMC_API llmc_code llmc_request_set_base_url(llmc_request *req, const char *base_url);
LLMC_API llmc_code llmc_request_set_timeout(llmc_request *req, long timeout_ms);
LLMC_API llmc_code llmc_request_set_header(llmc_request *req, const char *name, const char *value);

/* Cancellation from another thread (or a signal handler): give a request a token, and
 * llmc_cancel_trigger() ends any call using it — plain, streamed, during a retry's wait — with
 * LLMC_E_ABORTED, within about 50 ms. A triggered token stays triggered until reset. The token
 * is borrowed by the request: it must outlive every call made with it. */
typedef struct llmc_cancel llmc_cancel;
LLMC_API llmc_cancel *llmc_cancel_new(void);
LLMC_API void llmc_cancel_trigger(llmc_cancel *cancel); /* thread-safe and async-signal-safe */
LLMC_API int llmc_cancel_triggered(const llmc_cancel *cancel);
LLMC_API void llmc_cancel_reset(llmc_cancel *cancel);
LLMC_API void llmc_cancel_free(llmc_cancel *cancel);
/* NULL removes the token. */
LLMC_API llmc_code llmc_request_set_cancel(llmc_request *req, llmc_cancel *cancel);

/* Remove the last turn (e.g. a user turn whose call failed, before trying another). Returns
 * LLMC_E_INVALID_ARG when there is none. */
LLMC_API llmc_code llmc_request_drop_last_turn(llmc_request *req);

/* Tools the model may call. `parameters_schema` is a JSON-schema object as text (e.g.
 * "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"); it is
 * parsed now, so a malformed schema fails here with LLMC_E_INVALID_ARG, not at the provider.
 * Sent as Anthropic `tools[].input_schema` or OpenAI `tools[].function.parameters`. */
LLMC_API llmc_code llmc_request_add_tool(llmc_request *req, const char *name, const char *description,
                                         const char *parameters_schema);

typedef enum llmc_tool_choice {
    LLMC_TOOL_CHOICE_AUTO = 0, /* the model decides (the default) */
    LLMC_TOOL_CHOICE_ANY = 1,  /* it must call some tool (OpenAI "required") */
    LLMC_TOOL_CHOICE_NONE = 2, /* it must not call tools */
    LLMC_TOOL_CHOICE_TOOL = 3  /* it must call the tool named `name` */
} llmc_tool_choice;
LLMC_API llmc_code llmc_request_set_tool_choice(llmc_request *req, llmc_tool_choice choice, const char *name);

/* Append a reply as the assistant's turn — its text, its tool calls and (for Anthropic) its
 * thinking blocks with their signatures — so a conversation continues without copying JSON. */
LLMC_API llmc_code llmc_request_add_response(llmc_request *req, const llmc_response *resp);

/* Answer a tool call: `tool_call_id` is llmc_response_block_tool_id() of the call; `content` the
 * result as text; `is_error` says the tool failed. Results after the assistant's turn are
 * gathered into one user turn, as Anthropic requires (OpenAI receives one "tool" message each). */
LLMC_API llmc_code llmc_request_add_tool_result(llmc_request *req, const char *tool_call_id, const char *content,
                                                int is_error);

/* Attach an image (bytes of `media_type`, e.g. "image/png") to the current user turn, sent as
 * base64: Anthropic `image` blocks, OpenAI `image_url` data URLs. Add images before the turn's
 * text; llmc_request_add_message(LLMC_ROLE_USER, …) then joins the same turn. */
LLMC_API llmc_code llmc_request_add_image(llmc_request *req, const char *media_type, const void *bytes, size_t len);

/* Extended thinking (Anthropic): let the model think with up to `budget_tokens` tokens before it
 * answers; 0 turns it off. The reply then starts with a thinking block (LLMC_BLOCK_THINKING,
 * streamed as LLMC_EVENT_THINKING), whose signature llmc keeps so that
 * llmc_request_add_response can send it back. max_tokens is raised above the budget when it is
 * not. OpenAI-compatible providers take no such setting (their reasoning models reason on their
 * own, and llmc returns their `reasoning` / `reasoning_content` as thinking blocks), so it is
 * not sent to them. */
LLMC_API llmc_code llmc_request_set_thinking(llmc_request *req, long budget_tokens);

/* Keep the response's raw JSON body (llmc_response_raw_json). Off by default. */
LLMC_API void llmc_request_keep_raw(llmc_request *req, int keep);

/* ---------------------------------------------------------------------------------------------
 * Responses: one reply, normalized across providers.
 */
typedef struct llmc_response llmc_response;

typedef enum llmc_stop_reason {
    LLMC_STOP_UNKNOWN = 0,
    LLMC_STOP_END_TURN = 1,      /* Anthropic end_turn; OpenAI stop */
    LLMC_STOP_MAX_TOKENS = 2,    /* Anthropic max_tokens; OpenAI length */
    LLMC_STOP_STOP_SEQUENCE = 3, /* Anthropic stop_sequence (OpenAI reports "stop") */
    LLMC_STOP_TOOL_USE = 4,      /* Anthropic tool_use; OpenAI tool_calls */
    LLMC_STOP_REFUSAL = 5,       /* Anthropic refusal; OpenAI content_filter */
    LLMC_STOP_PAUSE = 6          /* Anthropic pause_turn */
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
    long cache_read_input_tokens; /* 0 when the provider does not report it */
    long cache_creation_input_tokens;
} llmc_usage;

LLMC_API void llmc_response_free(llmc_response *resp);
/* All text blocks joined, never NULL (may be ""). */
LLMC_API const char *llmc_response_text(const llmc_response *resp);
LLMC_API size_t llmc_response_block_count(const llmc_response *resp);
LLMC_API llmc_block_type llmc_response_block_type(const llmc_response *resp, size_t index);
/* The text of a text or thinking block; for a tool-use block, its input as JSON text. */
LLMC_API const char *llmc_response_block_text(const llmc_response *resp, size_t index);
/* For a tool-use block: the call's id (answer it with llmc_request_add_tool_result) and the
 * tool's name; "" for other blocks. */
LLMC_API const char *llmc_response_block_tool_id(const llmc_response *resp, size_t index);
LLMC_API const char *llmc_response_block_tool_name(const llmc_response *resp, size_t index);
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
/* The reply as one JSON shape for every provider (what `llmc --json` prints): {"provider",
 * "model", "id", "request_id", "stop_reason" (normalized: end_turn, max_tokens, stop_sequence,
 * tool_use, refusal, pause_turn, unknown), "stop_reason_raw", "text", "content": [{"type":
 * "text"|"thinking", "text"} or {"type": "tool_use", "id", "name", "input_json"}], "usage":
 * {"input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"}}.
 * Indented, ASCII-only. A new string owned by the caller (release with llmc_free); NULL when
 * out of memory or resp is NULL. */
LLMC_API char *llmc_response_to_json(const llmc_response *resp);

/* The signature of a thinking block, as the provider sent it (Anthropic signs thinking so that
 * it can be sent back); "" for other blocks and when none came. Borrowed from the response. */
LLMC_API const char *llmc_response_block_signature(const llmc_response *resp, size_t index);

/* A reply built by the caller, to continue a conversation saved earlier (e.g. in a log):
 * llmc_response_new gives an empty response (NULL when out of memory; free with
 * llmc_response_free), llmc_response_append_block adds a block after the others — a text, a
 * thinking block with its signature (NULL or "" when it has none), or a tool call with its id,
 * tool name and input JSON as `text` — copying every string. Then llmc_request_add_response
 * sends it back as the assistant's turn exactly as if it had just arrived. LLMC_E_INVALID_ARG
 * for another block type or a tool call without id or name; LLMC_E_NOMEM leaves the response as
 * it was. Ids, model, usage and stop reason stay empty. */
LLMC_API llmc_response *llmc_response_new(void);
LLMC_API llmc_code llmc_response_append_block(llmc_response *resp, llmc_block_type type, const char *text,
                                              const char *tool_id, const char *tool_name, const char *signature);

/* ---------------------------------------------------------------------------------------------
 * Calls.
 */

/* Send `req` and wait for the whole reply. On success *out is a new response owned by the
 * caller; on failure *out is NULL and `err` says why. */
LLMC_API llmc_code llmc_messages_create(llmc_client *client, const llmc_request *req, llmc_response **out,
                                        llmc_error *err);

/* The one-liner: send `prompt` as one user turn to `model` and return the reply's text in
 * *text_out (owned by the caller; release with llmc_free). */
LLMC_API llmc_code llmc_generate(llmc_client *client, const char *model, const char *prompt, char **text_out,
                                 llmc_error *err);

/* ---------------------------------------------------------------------------------------------
 * Streaming: the reply as it is generated, normalized across providers into events.
 *
 * Two ways to read a stream, giving the same events in the same order:
 *  - llmc_messages_stream: a callback receives each event (push);
 *  - llmc_stream_open / llmc_stream_next: a loop asks for the next event (pull), without threads.
 *
 * Every started stream ends with exactly one terminal event: LLMC_EVENT_DONE (the reply is
 * complete; the final response is available) or LLMC_EVENT_ERROR (it is not; the event's error
 * says why). A stream starts when the provider answers with a 2xx status; failures before that
 * (no key, HTTP 401, a connection error, …) are returned by the call itself with the same
 * diagnosis as llmc_messages_create, and no event is delivered.
 *
 * Retries: only before the stream starts, with the rules of llmc_client_set_max_retries. Once a
 * stream has started it is never retried (events may already have reached the caller).
 * Idle timeout: a started stream that receives no bytes for 60 seconds fails with
 * LLMC_E_TIMEOUT. The client's request timeout bounds only the wait for the response headers.
 * Text is delivered in whole UTF-8 characters, even when a provider splits one between deltas.
 */

typedef enum llmc_event_type {
    LLMC_EVENT_TEXT = 1,             /* text: a piece of a text block */
    LLMC_EVENT_THINKING = 2,         /* text: a piece of a thinking (reasoning) block */
    LLMC_EVENT_TOOL_USE_START = 3,   /* tool_id, tool_name: a tool call begins (block `index`) */
    LLMC_EVENT_TOOL_INPUT_DELTA = 4, /* text: a piece of the tool call's input JSON */
    LLMC_EVENT_USAGE = 5,            /* usage: token counts so far (cumulative, not a delta) */
    LLMC_EVENT_STOP = 6,             /* stop_reason, stop_reason_raw: why generation stopped */
    LLMC_EVENT_DONE = 7,             /* terminal: the reply is complete (usage, stop reason final) */
    LLMC_EVENT_ERROR = 8             /* terminal: the stream failed; `error` says why */
} llmc_event_type;

/* One event. The struct and every pointer in it are borrowed: valid only during the callback
 * (push) or until the next llmc_stream_next / llmc_stream_free (pull). String members are never
 * NULL ("" when they do not apply) and are NUL-terminated; `text` may contain NUL bytes of its
 * own when the provider sent "\u0000", so use text_len. */
typedef struct llmc_event {
    llmc_event_type type;
    /* The content block the event belongs to: its index in the final response's blocks (for
     * OpenAI-compatible providers, blocks are numbered as they first appear: reasoning, text,
     * then tool calls, the order the non-streamed reply lists them in). */
    size_t index;
    const char *text; /* TEXT, THINKING, TOOL_INPUT_DELTA: the new piece */
    size_t text_len;
    const char *tool_id;          /* TOOL_USE_START */
    const char *tool_name;        /* TOOL_USE_START */
    llmc_usage usage;             /* USAGE, STOP, DONE: the counts known so far */
    llmc_stop_reason stop_reason; /* STOP, DONE */
    const char *stop_reason_raw;  /* STOP, DONE: as the provider sent it */
    const llmc_error *error;      /* ERROR: the failure (also returned by the call); else NULL */
    const void *reserved[6];
} llmc_event;

/* The event callback: return 0 to go on, nonzero to abort the stream. After an abort the
 * callback receives one last event, LLMC_EVENT_ERROR with code LLMC_E_ABORTED (its return value
 * is then ignored), and llmc_messages_stream returns LLMC_E_ABORTED. */
typedef int (*llmc_event_fn)(void *userdata, const llmc_event *event);

/* Send `req` as a stream and deliver its events to `fn` until the terminal event; returns when
 * the stream has ended. On success, when `final_out` is not NULL, *final_out receives the whole
 * reply as one response owned by the caller (free with llmc_response_free), the same as
 * llmc_messages_create would have returned (text, thinking and tool-use blocks, usage, stop
 * reason, ids, model; llmc_response_raw_json is NULL for streams). On failure *final_out is NULL
 * and the code says why (the ERROR event carried the same). `fn` runs on the calling thread. */
LLMC_API llmc_code llmc_messages_stream(llmc_client *client, const llmc_request *req, llmc_event_fn fn, void *userdata,
                                        llmc_response **final_out, llmc_error *err);

/* A stream read in a loop. */
typedef struct llmc_stream llmc_stream;

/* Send `req` as a stream and wait until the provider has answered with a 2xx status (retrying
 * as described above). On success *out is a new stream owned by the caller; free it with
 * llmc_stream_free. `req` may be freed at once; `client` must outlive the stream and must not
 * be used by another thread meanwhile (other calls on it from this thread are fine). On failure
 * *out is NULL and err says why, exactly as llmc_messages_create would. */
LLMC_API llmc_code llmc_stream_open(llmc_client *client, const llmc_request *req, llmc_stream **out, llmc_error *err);

/* The next event, waiting for the network as needed. Returns LLMC_OK with *event set for every
 * event up to and including LLMC_EVENT_DONE. When the stream fails, returns the failure's code
 * with *event set to the LLMC_EVENT_ERROR event and err filled. After the terminal event it
 * returns LLMC_OK with *event NULL (the stream completed) or the failure's code again with
 * *event NULL. */
LLMC_API llmc_code llmc_stream_next(llmc_stream *stream, const llmc_event **event, llmc_error *err);

/* The reply accumulated so far as a final response, once LLMC_EVENT_DONE has been delivered;
 * NULL before that and after a failure. Borrowed from the stream: valid until llmc_stream_free. */
LLMC_API const llmc_response *llmc_stream_response(const llmc_stream *stream);

/* Close the connection (if the stream is still running) and free everything. NULL is fine. */
LLMC_API void llmc_stream_free(llmc_stream *stream);

/* ---------------------------------------------------------------------------------------------
 * Batches: many requests from a JSONL file, each result appended to an output JSONL file.
 *
 * Input, one JSON object a line (blank lines are ignored), in either of the two batch shapes:
 *  - Anthropic: {"custom_id":"a1","params":{"model":"claude-sonnet-4-5","max_tokens":64,
 *    "messages":[…],…}}. A bare model goes to anthropic; "provider/model" to that provider.
 *    Params routed to an OpenAI-compatible provider have `system` moved into a leading system
 *    message and `stop_sequences` renamed `stop` (text content blocks are valid there as is).
 *  - OpenAI: {"custom_id":"b1","method":"POST","url":"/v1/chat/completions","body":{"model":
 *    "cerebras/llama-3.3-70b","messages":[…]}}. A bare model goes to the client's default
 *    provider (llmc_client_set_default_provider), which must then be OpenAI-compatible.
 * The params/body are sent as given — pass-through JSON — except that `model` becomes the wire
 * model (the part after "provider/") and `stream` is removed.
 *
 * Output, one line per request, in no particular order:
 *   {"custom_id":"a1","result":{"type":"succeeded","message":{…the provider's body…}}}
 *   {"custom_id":"b1","result":{"type":"errored","error":{"code":"not_found","http_status":404,
 *    "type":"not_found_error","message":"…","request_id":"…"}}}
 * (`code` names the llmc_code: "bad_request", "rate_limit", "transport", …; remote batches also
 * write "canceled" and "expired" as `type` with code "aborted"). A line is written whole and
 * fsynced before the request counts as done, so the file survives a crash or SIGKILL: a rerun
 * with the same output drops a torn last line and skips every custom_id already there. Errored
 * results are final too: delete their lines to send them again.
 *
 * Before anything is sent the whole input is checked: malformed lines, a missing or duplicate
 * custom_id, a shape that cannot go to its provider. Problems fail the run with
 * LLMC_E_INVALID_ARG and are listed, with line numbers, by llmc_batch_issue_at.
 *
 * Local runs: up to `concurrency` requests in flight through one libcurl multi handle on the
 * calling thread (connections reused); keys resolved once per provider through the credential
 * chain; retries with the client's rules (llmc_client_set_max_retries) without holding up other
 * requests; requests and tokens per minute limited by the options and by the providers'
 * rate-limit headers (a provider saying no requests remain is paused until its reset; a 429's
 * retry-after pauses that provider). A 401 re-resolves the key once (as llmc_messages_create
 * does), then stops the run with LLMC_E_AUTH and its diagnosis: no result is written for it.
 *
 * Remote runs hand the input to the provider's own batch engine: Anthropic Message Batches, or
 * Fireworks batch inference jobs (account from FIREWORKS_ACCOUNT_ID; one model per job; the
 * control plane is the Fireworks base URL without "/inference"). All lines must go to one of
 * those two providers. Results are written in the same format as local runs.
 *
 * A batch handle is used by one thread at a time; `client` must outlive it.
 */
typedef struct llmc_batch llmc_batch;

/* Counts of a run so far; passed to the progress callback and returned by llmc_batch_stats. */
typedef struct llmc_batch_progress {
    size_t total;           /* requests in the input */
    size_t skipped;         /* already in the output from an earlier run */
    size_t succeeded;       /* written this run (fsynced) */
    size_t errored;         /* written this run (fsynced) */
    size_t in_flight;       /* local: requests on the wire now */
    size_t retries;         /* local: attempts beyond the first */
    long long input_tokens; /* from the providers' usage of the results written this run */
    long long output_tokens;
    double elapsed_s;          /* since the run started */
    double rate;               /* results written per second since the run started */
    double eta_s;              /* estimated seconds left; -1 when unknown */
    int finished;              /* 1 on the last call of a run */
    const char *remote_id;     /* remote: "msgbatch_…" or "accounts/…/batchInferenceJobs/…"; else "" */
    const char *remote_status; /* remote: "in_progress", "ended", "JOB_STATE_RUNNING", …; else "" */
    const void *reserved[8];
} llmc_batch_progress;

/* Called on the running thread at most every `interval` seconds (default 0.1), and once more at
 * the end with `finished` set. The struct and its strings are borrowed for the call only. */
typedef void (*llmc_batch_progress_fn)(void *userdata, const llmc_batch_progress *progress);

/* A batch runner using `client` (its keys, base URLs, timeouts, retries, default provider).
 * NULL when out of memory or client is NULL. */
LLMC_API llmc_batch *llmc_batch_new(llmc_client *client);
LLMC_API void llmc_batch_free(llmc_batch *batch);

/* Where results go (required before a run). Created 0644 if missing; appended to otherwise. */
LLMC_API llmc_code llmc_batch_set_output(llmc_batch *batch, const char *path, llmc_error *err);
/* Requests in flight at once, 1..4096 (default 16). */
LLMC_API llmc_code llmc_batch_set_concurrency(llmc_batch *batch, int n, llmc_error *err);
/* Requests and tokens per minute over the whole run; 0 means no limit (the default). Tokens
 * are estimated before sending (input bytes / 4 + max_tokens) and corrected from the usage the
 * provider reports. */
LLMC_API llmc_code llmc_batch_set_rate_limits(llmc_batch *batch, double requests_per_minute, double tokens_per_minute,
                                              llmc_error *err);
LLMC_API void llmc_batch_set_progress(llmc_batch *batch, llmc_batch_progress_fn fn, void *userdata, double interval_s);
/* Add a non-secret header ("Name: value") to every request of the batch (e.g. a gateway's
 * routing header). Headers that carry credentials (authorization, x-api-key, api-key, cookie)
 * are refused with LLMC_E_INVALID_ARG: keys come from the credential chain only. */
LLMC_API llmc_code llmc_batch_add_header(llmc_batch *batch, const char *header, llmc_error *err);
/* How succeeded results are written: LLMC_BATCH_FORMAT_PROVIDER (the default) keeps the
 * provider's body as "message"; LLMC_BATCH_FORMAT_NORMALIZED writes llmc_response_to_json's
 * shape there instead, the same for every provider (a body llmc cannot read is kept as it came).
 * Errored lines are the same in both. LLMC_E_INVALID_ARG for another value. */
typedef enum llmc_batch_format { LLMC_BATCH_FORMAT_PROVIDER = 0, LLMC_BATCH_FORMAT_NORMALIZED = 1 } llmc_batch_format;
LLMC_API llmc_code llmc_batch_set_format(llmc_batch *batch, llmc_batch_format format, llmc_error *err);
/* Remote runs: seconds between status polls (default 10). */
LLMC_API void llmc_batch_set_poll_interval(llmc_batch *batch, double seconds);

/* Run the requests of `input_path` here. LLMC_OK when every request has a result line (some may
 * be errored: see the counts); otherwise why the run stopped (invalid input, no key, a rejected
 * key, the output file, llmc_batch_stop). Finished results are on disk whatever happens. */
LLMC_API llmc_code llmc_batch_run(llmc_batch *batch, const char *input_path, llmc_error *err);

/* Submit `input_path` to the provider's batch engine. With `wait` nonzero, poll until it ends
 * and write the results; with 0, return once submitted (llmc_batch_remote_id says what to pass
 * to llmc_batch_resume_remote later). */
LLMC_API llmc_code llmc_batch_run_remote(llmc_batch *batch, const char *input_path, int wait, llmc_error *err);
/* Wait for the remote batch `remote_id` and write its results. `input_path` may be NULL; when
 * given, input ids the provider did not answer are written as errored ("not_returned") and
 * results for ids not in it are left out. */
LLMC_API llmc_code llmc_batch_resume_remote(llmc_batch *batch, const char *remote_id, const char *input_path,
                                            llmc_error *err);
/* Ask the provider to cancel the remote batch `remote_id`. Its results (canceled ones included)
 * are then collected with llmc_batch_resume_remote. */
LLMC_API llmc_code llmc_batch_cancel_remote(llmc_batch *batch, const char *remote_id, llmc_error *err);
/* The id of the remote batch of the last remote call ("" when none); borrowed. */
LLMC_API const char *llmc_batch_remote_id(const llmc_batch *batch);

/* Ask a running batch to stop: no new request starts, those in flight are abandoned (they run
 * again next time), written results stay. Safe to call from a signal handler or another thread
 * (it only sets a flag); the run then returns LLMC_E_ABORTED. */
LLMC_API void llmc_batch_stop(llmc_batch *batch);

/* The counts of the last run. */
LLMC_API void llmc_batch_stats(const llmc_batch *batch, llmc_batch_progress *out);

/* Problems found in the input by the last run: index 0 .. n-1; *line is the 1-based input line
 * (0 for the file as a whole) and the message is borrowed. Returns 0 past the end. */
LLMC_API size_t llmc_batch_issue_count(const llmc_batch *batch);
LLMC_API int llmc_batch_issue_at(const llmc_batch *batch, size_t index, size_t *line, const char **message);

#ifdef __cplusplus
}
#endif

#endif /* LLMC_LLMC_H */
