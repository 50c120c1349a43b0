/* SPDX-License-Identifier: MIT */
/*
 * llmc.h — the whole public API of libllmc, a client for hosted LLM inference APIs
 * (Anthropic Messages; Cerebras, Fireworks AI and any OpenAI-compatible chat completions).
 * What is not declared here is not API. Every function documents who owns what.
 *
 * Conventions
 *  - Handles are opaque. `_new` returns NULL only when memory runs out; every `_free` accepts NULL.
 *  - Every fallible call — setters and adders included — returns an llmc_code and takes an
 *    `llmc_error *err` last: when not NULL, it gets the detail (what was wrong, and for JSON the
 *    line and column). `err` is cleared at the start of each call. Calls that cannot fail return
 *    void (a number out of range there means the default, as each says). A call that
 *    succeeds may still leave a warning in `err` (code LLMC_OK): a repaired key
 *    (err->diagnosis.severity LLMC_SEVERITY_WARNING), or a message such as an incomplete models
 *    list (err->message not empty). Check the return value, not err->code, for success.
 *  - Enums only grow: values are never renumbered or reused, so handle unknown values (a newer
 *    library may return one) with a default branch. Structs the caller allocates (llmc_error,
 *    llmc_usage, llmc_event, …) keep reserved space to grow into without changing their size.
 *  - Callbacks (stream events, multi, batch progress, logging) run on the calling thread. They
 *    must not call back into the client, multi or batch handle that is running them (those calls
 *    fail with LLMC_E_INVALID_ARG); they may use any other handle.
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

/* LLMC_NODISCARD marks constructors (their result must be freed); LLMC_DEPRECATED(msg) marks
 * calls kept for compatibility, with what to use instead. Both are empty for other compilers. */
#if defined(__GNUC__) || defined(__clang__)
#define LLMC_NODISCARD __attribute__((warn_unused_result))
#define LLMC_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
#define LLMC_NODISCARD
#define LLMC_DEPRECATED(msg)
#endif

#define LLMC_VERSION_MAJOR 0
#define LLMC_VERSION_MINOR 2
#define LLMC_VERSION_PATCH 0
#define LLMC_VERSION_STRING "0.2.0"
/* One number that grows with each release: 0xMMmmpp. */
#define LLMC_VERSION_NUM ((LLMC_VERSION_MAJOR << 16) | (LLMC_VERSION_MINOR << 8) | LLMC_VERSION_PATCH)

/* The version of the library actually linked, e.g. "0.2.0" (static string). Before 1.0 a minor
 * version may change the layout of public structs: docs/CHANGES.md lists every such change. */
LLMC_API const char *llmc_version(void);
/* The same as a number (LLMC_VERSION_NUM of the linked library), to compare with the header's. */
LLMC_API unsigned llmc_version_num(void);

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
    LLMC_E_BAD_REQUEST = 7, /* the provider refused the request (400, 409, 413, 422, other 4xx); with
                             * http_status 0, llmc refused it before sending, knowing the provider
                             * would (a parameter the model refuses: the same diagnosis, cause
                             * request.unsupported_parameter, as the provider's 400 gets) */
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
    LLMC_E_IO = 18,         /* a local file or process failed */
    LLMC_E_FORMAT = 19,     /* the reply is not in the form asked for (llmc_response_json: not JSON) */
    LLMC_E_UNSUPPORTED = 20 /* the provider offers no such thing (e.g. token counting on Cerebras) */
} llmc_code;

/* A short, static English description of a code. */
LLMC_API const char *llmc_strerror(llmc_code code);
/* The code's enum name, e.g. "LLMC_E_KEY" (static string; "LLMC_E_UNKNOWN" for a value outside
 * the enum): the stable machine form, used by the CLI's --json errors. */
LLMC_API const char *llmc_code_name(llmc_code code);

/* ---------------------------------------------------------------------------------------------
 * Diagnosis: the cause catalogue (see `llmc explain`). Key and authentication problems first,
 * then the other mistakes llmc can name exactly: a model string, a model, a parameter, a URL.
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
    LLMC_CAUSE_TRANSPORT_INSECURE = 14,
    LLMC_CAUSE_KEY_FILE_MISSING = 15,              /* <VAR>_FILE names a path that does not exist */
    LLMC_CAUSE_KEY_FILE_UNREADABLE = 16,           /* <VAR>_FILE names a directory or a file llmc may not read */
    LLMC_CAUSE_MODEL_UNKNOWN_PROVIDER = 17,        /* "cerebra/…": the model string names no known provider */
    LLMC_CAUSE_MODEL_NOT_FOUND = 18,               /* the provider does not serve the model (any more) */
    LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER = 19, /* the model refuses a parameter (HTTP 400) */
    LLMC_CAUSE_CONFIG_BASE_URL = 20                /* the base URL is not a URL, or ends in a path llmc adds itself */
} llmc_cause;

/* The stable id of a cause, e.g. "key.missing" (static string; "" for LLMC_CAUSE_NONE). */
LLMC_API const char *llmc_cause_id(llmc_cause cause);

typedef enum llmc_severity {
    LLMC_SEVERITY_INFO = 0,
    LLMC_SEVERITY_WARNING = 1, /* repaired or suspicious; the request still went ahead */
    LLMC_SEVERITY_ERROR = 2    /* nothing was sent, or the provider said no */
} llmc_severity;

/* One page of the catalogue: what `llmc explain ID` prints. All strings are static, each a
 * paragraph without line breaks (the examples excepted), written for every provider; an error's
 * own fix (llmc_diagnosis.fix) and llmc_cause_fix_for() name the provider and its variables. */
typedef struct llmc_cause_info {
    llmc_cause cause;
    const char *id;    /* "key.missing" */
    const char *title; /* one line */
    llmc_severity severity;
    int http_status;          /* the HTTP status that reveals it, 0 when it is found before sending */
    const char *why;          /* why it happens */
    const char *detection;    /* how llmc detects it */
    const char *fix;          /* what to do now, for any provider */
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
/* The page `text` names for a person: its id in any case, a unique end of an id ("whitespace",
 * "rejected"), or an HTTP status ("401"). NULL when it names none or several; then, when
 * `matches` is not NULL, up to `max` candidates are stored there and *n_matches gets how many
 * pages matched (0 for none). */
LLMC_API const llmc_cause_info *llmc_cause_info_lookup(const char *text, const llmc_cause_info **matches, size_t max,
                                                       size_t *n_matches);
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

/* What llmc found out about a failure (or a repaired key): the cause, where the key came from
 * (never the key), what exactly was seen and how to fix it. Plain data, filled by the library. */
typedef struct llmc_diagnosis {
    llmc_cause cause;
    llmc_severity severity;
    llmc_key_source source;
    char source_name[256]; /* e.g. "ANTHROPIC_API_KEY", a file path, a command's program */
    char fingerprint[32];  /* e.g. "sk-ant-…H1RE" : a few leading characters and the last 4 */
    char provider[32];     /* the provider the key (or request) was for */
    char detail[512];      /* what exactly was found, e.g. "ends with a line break (\n); stripped" */
    /* How to fix it, written for this error: one paragraph without line breaks that names the
     * provider ("Anthropic"), its variables and the source found (0.2: was a pointer to the
     * catalogue's generic text). "" when there is nothing to fix. */
    char fix[1024];
    /* Later sources of the chain that also hold a key but lost to `source`, e.g.
     * "store \"default\" (csk-…h2rk)"; "" when none. A key that keeps failing is often one of these
     * winning over the key you just stored. */
    char shadowed[256];
    /* model.not_found: the closest models the provider serves, comma-separated ("" when none are
     * known); model.unknown_provider: the provider meant, when one is close. */
    char suggestions[256];
    unsigned char reserved[128];
} llmc_diagnosis;

/* ---------------------------------------------------------------------------------------------
 * Rate limits, as the provider's headers reported them with an answer (success or failure).
 */
typedef struct llmc_rate_limit {
    long limit;     /* the most the window allows; -1 when not reported */
    long remaining; /* left in the window; -1 when not reported */
    double reset_s; /* seconds from the answer until the window refills; -1 when not reported */
} llmc_rate_limit;

typedef struct llmc_rate_limits {
    llmc_rate_limit requests;      /* requests (Cerebras: per day) */
    llmc_rate_limit tokens;        /* tokens (Cerebras: per minute; Anthropic: input + output) */
    llmc_rate_limit input_tokens;  /* Anthropic's input tokens */
    llmc_rate_limit output_tokens; /* Anthropic's output tokens */
    unsigned char reserved[32];
} llmc_rate_limits;

/* ---------------------------------------------------------------------------------------------
 * Errors: a caller-owned struct, filled by every fallible call. Plain data: no freeing needed.
 */
typedef struct llmc_error {
    llmc_code code;
    int http_status;              /* 0 when no HTTP response arrived */
    int transport_code;           /* the libcurl CURLcode, 0 when none */
    int attempts;                 /* how many HTTP attempts were made (retries + 1) */
    double retry_after;           /* seconds the provider asked to wait; -1 when it said nothing */
    char provider[32];            /* "anthropic", "cerebras", … */
    char provider_type[64];       /* the error type as sent, e.g. "authentication_error" */
    char provider_code[64];       /* the error code as sent, e.g. "wrong_api_key" */
    char request_id[128];         /* the provider's request id, when it sent one */
    char message[1024];           /* one human-readable line (the provider's own words when it gave some) */
    llmc_diagnosis diagnosis;     /* set whenever llmc knows the cause (cause != NONE), and for a repaired key */
    char provider_param[64];      /* the parameter the provider's error names (`param`), e.g. "max_tokens" */
    llmc_rate_limits rate_limits; /* what the failed answer's rate-limit headers said (-1: not sent) */
    unsigned char reserved[64];
} llmc_error;

/* Reset an error to LLMC_OK with empty fields. */
LLMC_API void llmc_error_clear(llmc_error *err);

/* ---------------------------------------------------------------------------------------------
 * Library lifetime. Call llmc_global_init() once, before any other call and before threads;
 * llmc_global_cleanup() once at the end.
 */
LLMC_API llmc_code llmc_global_init(void);
LLMC_API void llmc_global_cleanup(void);

/* Keep keys out of core dumps. A crash of a process holding keys writes its memory — keys
 * included — to a core file (or to a handler such as systemd-coredump). This makes the whole
 * process non-dumpable (Linux: prctl(PR_SET_DUMPABLE, 0)) and sets its core size limit to 0, soft
 * and hard (setrlimit(RLIMIT_CORE)), so a crash leaves no copy. Process-wide and not undone by
 * llmc; call it once, early (the llmc command does at start). Side effects to weigh: no core
 * file to debug a crash with, debuggers of the same user cannot attach (ptrace is refused), and
 * /proc/PID files become root's; child processes get a dumpable flag again when they exec (the
 * zero limit is inherited). Not called by any other llmc function: the choice is the
 * application's. Returns LLMC_OK, or LLMC_E_IO when the system refused (err says which step).
 * Thread-safe. */
LLMC_API llmc_code llmc_process_disable_core_dumps(llmc_error *err);

/* Free memory that llmc returned to the caller as an owned `char *` (e.g. llmc_generate). */
LLMC_API void llmc_free(void *ptr);

/* ---------------------------------------------------------------------------------------------
 * Clients. A client knows every provider; the model string of a request picks one.
 *
 * Providers: "anthropic", "cerebras", "fireworks", "openai" (any OpenAI-compatible endpoint), and
 * endpoints added with llmc_client_add_endpoint(). Model strings are "provider/model", e.g.
 * "anthropic/claude-sonnet-4-6", "cerebras/gpt-oss-120b",
 * "fireworks/accounts/fireworks/models/gpt-oss-120b". A model without '/' goes to the client's
 * default provider (llmc_client_set_default_provider; "anthropic"); a model with '/' must start
 * with a provider or endpoint the client knows (a model id that holds '/' itself, such as
 * Fireworks' "accounts/…", is written after its provider). Anything else is LLMC_E_CONFIG before
 * a request is sent (llmc_client_route says why and what was meant).
 *
 * Base URLs default to each provider's service and can be overridden by the official SDK's own
 * variable, read with that SDK's meaning: ANTHROPIC_BASE_URL (+ "/v1/messages"),
 * CEREBRAS_BASE_URL (+ "/v1/chat/completions"), FIREWORKS_BASE_URL (+ "/v1/chat/completions",
 * default "https://api.fireworks.ai/inference"), OPENAI_BASE_URL (+ "/chat/completions", default
 * "https://api.openai.com/v1"). A setter below wins over the variable.
 */
typedef struct llmc_client llmc_client;

/* A new client with default settings; NULL when out of memory. Free with llmc_client_free. */
LLMC_API LLMC_NODISCARD llmc_client *llmc_client_new(void);
/* Free the client and wipe any key it held. NULL is fine. */
LLMC_API void llmc_client_free(llmc_client *client);

/* The provider used for model strings without a provider prefix. */
LLMC_API llmc_code llmc_client_set_default_provider(llmc_client *client, const char *provider, llmc_error *err);

/* Use this key for `provider`, ahead of every other source. The bytes are copied into wiped
 * storage; the caller may wipe its own copy at once. NULL removes an explicit key. */
LLMC_API llmc_code llmc_client_set_key(llmc_client *client, const char *provider, const char *key, llmc_error *err);

/* Override the base URL of `provider` (same meaning as the SDK variable above). NULL restores
 * the default. A plain http:// URL is accepted only for loopback hosts unless
 * llmc_client_allow_insecure_http() was called. A URL holding a user name or password
 * ("https://user:pass@host") is refused with LLMC_E_CONFIG — here, in the SDK variables, the
 * configuration file, endpoints and per-request overrides alike — since libcurl would send it as
 * Basic authentication and it would show wherever the URL does; llmc never prints the password
 * (a URL it shows has that part replaced by "[credentials removed]"). */
LLMC_API llmc_code llmc_client_set_base_url(llmc_client *client, const char *provider, const char *base_url,
                                            llmc_error *err);

/* Add (or redefine) an OpenAI-compatible endpoint called `name`: requests to "name/model" go to
 * base_url + "/chat/completions" with `Authorization: Bearer` and the key from the variable
 * `key_env` (e.g. "GROQ_API_KEY"). With key_env NULL the endpoint takes no key: nothing is looked
 * up and no auth header is sent (a local Ollama, llama.cpp server or vLLM started without a key);
 * see also llmc_client_set_keyless. */
LLMC_API llmc_code llmc_client_add_endpoint(llmc_client *client, const char *name, const char *base_url,
                                            const char *key_env, llmc_error *err);

/* Timeouts in milliseconds; 0 keeps the default (connect 5 s; each attempt 600 s for Anthropic,
 * 60 s for the others; for a stream, the wait for its answer — a started stream is bounded by
 * its idle timeout, and by the total timeout below when one is set). */
LLMC_API void llmc_client_set_timeouts(llmc_client *client, long connect_ms, long request_ms);

/* A total timeout in milliseconds for every call of the client, as curl's --max-time: each
 * attempt, every wait before a retry, and a whole stream (not only its silences) must end within
 * it, or the call fails with LLMC_E_TIMEOUT (the last attempt's failure is in the message).
 * 0 (the default) sets none: each attempt is then bounded by llmc_client_set_timeouts alone,
 * as the official SDKs do. A request's own llmc_request_set_total_timeout wins. */
LLMC_API void llmc_client_set_total_timeout(llmc_client *client, long total_ms);

/* Allow http:// to non-loopback hosts. Off by default; keys are then sent in clear text, so
 * this exists only for trusted private networks and says so in the verbose log. */
LLMC_API void llmc_client_allow_insecure_http(llmc_client *client, int allow);
/* The same for one provider or endpoint only (the configuration's `allow_http = true`), e.g. a
 * model server on another machine of the LAN. With a keyless endpoint no key is exposed. */
LLMC_API llmc_code llmc_client_allow_insecure_http_for(llmc_client *client, const char *provider, int allow,
                                                       llmc_error *err);
/* Whether `provider` takes no key (the configuration's `auth = none`): with keyless nonzero no
 * credential is looked up and no auth header is sent; requests never fail for a missing key. */
LLMC_API llmc_code llmc_client_set_keyless(llmc_client *client, const char *provider, int keyless, llmc_error *err);

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

/* The `anthropic-version` header sent on every Anthropic request of this client (messages,
 * streams, token counts, batches, models). Default "2023-06-01": every feature of this header
 * (adaptive thinking and effort, structured output, caching, documents, token counting) works
 * with it, and it still accepts temperature, top_p and top_k. "2026-10-21", the version the
 * official SDKs 1.x send, removes those three: with it llmc refuses a request that sets them
 * before sending (LLMC_E_BAD_REQUEST), as the service would answer 400. `version` must look like
 * a date, YYYY-MM-DD (LLMC_E_INVALID_ARG otherwise); the service itself refuses an unknown date
 * with a 400. NULL restores the default. A request's own "anthropic-version" header
 * (llmc_request_set_header) still wins for that request. */
LLMC_API llmc_code llmc_client_set_anthropic_version(llmc_client *client, const char *version, llmc_error *err);
/* The version this client sends (static or client-owned; never NULL). */
LLMC_API const char *llmc_client_anthropic_version(const llmc_client *client);

/* Logging. Every line is redacted before it reaches the callback: it never holds a key or the
 * value of an authorization or cookie header. Without a callback, lines go to stderr when the
 * variable LLMC_LOG is "debug", "info" or "warn" (that level and above), and nowhere otherwise. */
typedef enum llmc_log_level { LLMC_LOG_DEBUG = 0, LLMC_LOG_INFO = 1, LLMC_LOG_WARN = 2 } llmc_log_level;
typedef void (*llmc_log_fn)(void *userdata, llmc_log_level level, const char *line);
/* The level a name stands for, as LLMC_LOG reads it: "debug", "info", "warn" (or "warning"), and
 * "off" or "" for no logging (*enabled 0). LLMC_E_INVALID_ARG for any other name. Either output
 * may be NULL. At debug level llmc logs each request line with its headers (secret values
 * redacted), each response's status, headers and timings (connect, first byte, total), and every
 * retry and recovery; info has the request line, the key's source and fingerprint, the status
 * and retries; warn has only repairs and problems. */
LLMC_API llmc_code llmc_log_level_parse(const char *name, llmc_log_level *level, int *enabled);
/* Set (or with NULL, remove) the log callback; `min_level` filters lower levels out. */
LLMC_API void llmc_client_set_log(llmc_client *client, llmc_log_fn fn, void *userdata, llmc_log_level min_level);

/* A key command for `provider`: a program (argv[0], looked up in PATH; no shell) whose first
 * line of stdout is the key. It runs when no explicit key or variable supplies one, at most
 * `timeout_ms` (0: 10 s), and its answer is reused for `ttl_ms` (0: 1 hour) — except after a
 * 401, when it is run again at once. Its stderr is never shown raw (it may hold a secret): only
 * its size and first word are summarized. It runs in a process group of its own, and at the time
 * limit the whole group is killed (SIGKILL), so helpers it started do not live on; being outside
 * the terminal's foreground group, it cannot prompt on the terminal (it would be stopped until the
 * limit): use a secret manager with an agent. argv is copied; NULL removes the command. */
LLMC_API llmc_code llmc_client_set_key_command(llmc_client *client, const char *provider, const char *const *argv,
                                               long timeout_ms, long ttl_ms, llmc_error *err);

/* Read a configuration file (NULL: $XDG_CONFIG_HOME/llmc/config, else ~/.config/llmc/config;
 * a missing default file is not an error). The format, one `name = value` a line, `#` comments:
 *
 *     model = cerebras/gpt-oss-120b         # the default model (llmc_client_default_model)
 *     [provider anthropic]                  # settings for a built-in provider
 *     base_url = https://gateway.example.com/anthropic
 *     key_command = pass show anthropic     # split on spaces; "…" and '…' group words
 *     key_command_timeout = 10              # seconds
 *     key_command_ttl = 3600                # seconds
 *     [endpoint groq]                       # a custom OpenAI-compatible endpoint
 *     base_url = https://api.groq.com/openai/v1
 *     key_env = GROQ_API_KEY
 *     [endpoint ollama]                     # a model server that takes no key, on the LAN
 *     base_url = http://192.168.1.20:11434/v1
 *     auth = none                           # no key is looked up or sent (then no key_env)
 *     allow_http = true                     # plain http to this host only (llmc_client_allow_insecure_http_for)
 *     [alias fast]
 *     model = cerebras/gpt-oss-120b         # "fast" as a model string means this
 *     system = Answer in one line.          # kept for the application (below)
 *
 * `auth = none` and `allow_http = true` are accepted in [provider] sections too. An [endpoint]
 * needs base_url, and key_env unless `auth = none`.
 *
 * Settings the library checks but does not act on itself are kept for the application and
 * read with llmc_client_config_value (the llmc CLI uses them; llmc.conf(5) documents each):
 *
 *     log = off                             # top of the file: on or off
 *     [template review]                     # model, system, prompt, max_tokens, temperature,
 *     system = You review C code.           #   top_p, stop (numbers are range-checked here)
 *     prompt = Review this: $input
 *     [price cerebras/gpt-oss-120b]         # input, output, cache_write, cache_read:
 *     input = 0.35                          #   US dollars per million tokens, numbers >= 0
 *
 * A bad file is LLMC_E_CONFIG with the file, line and what was expected in err->message; a word
 * of the file is quoted only when it is short and shaped like a name (a key pasted on a line of
 * its own, or where a name or URL goes, is reported by its length only). Keys themselves never
 * belong in this file: `llmc keys set` keeps them in the key store. Loading a second file adds to
 * (and where a setting repeats, overrides) what the first one set. */
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

/* Which provider a model string goes to, exactly as a call would route it, without sending
 * anything: aliases from the configuration are resolved; "provider/model" names a provider or an
 * endpoint; a model without '/' goes to the default provider. On success the provider's name is
 * copied to provider[provider_size] and the model sent on the wire to wire_model[wire_size]
 * (either buffer may be NULL). An unknown provider ("cerebra/…", "nosuch/m"), a provider without
 * a model, or an alias that names itself is LLMC_E_CONFIG with cause model.unknown_provider: the
 * message lists the known providers, endpoints and aliases, and says "did you mean …" when one
 * is close (diagnosis.suggestions holds it). */
LLMC_API llmc_code llmc_client_route(llmc_client *client, const char *model, char *provider, size_t provider_size,
                                     char *wire_model, size_t wire_size, llmc_error *err);

/* The fix of `cause` written for `provider` ("cerebras", or an endpoint of `client`; `client` may
 * be NULL for the built-in providers only) and its usual key source: one paragraph into
 * buf[size], always terminated. Returns the length the whole text needs (as snprintf does); 0 and
 * "" for LLMC_CAUSE_NONE. An unknown provider gets the catalogue's generic fix. */
LLMC_API size_t llmc_cause_fix_for(const llmc_client *client, llmc_cause cause, const char *provider, char *buf,
                                   size_t size);

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
 * by the caller (release with llmc_free); on failure *out is NULL and err says why. The ids are
 * also written to the models cache (below). */
LLMC_API llmc_code llmc_models_list(llmc_client *client, const char *provider, llmc_model_info **out, size_t *count,
                                    llmc_error *err);
/* (Anthropic pages through the list with the last id of each page as the next `after_id`,
 * URL-escaped; a page whose cursor does not move ends the listing with a warning in the log
 * rather than asking for the same page again.) */

/* The models cache: $XDG_CACHE_HOME/llmc/models/<provider>.txt (else ~/.cache/llmc/models/…),
 * one model id a line (the part after "provider/"), replaced atomically (a temporary file, then
 * rename; mode 0644: it holds no secret). llmc_models_list writes it; a model.not_found error
 * reads it to name the closest models, and when it is missing or older than 24 hours fetches the
 * list once per client (a quick request: 5 s, no retries) — a failure there never changes the
 * original error. Shell completions may read the files. On by default; 0 turns reading and
 * writing off for this client. */
LLMC_API void llmc_client_use_models_cache(llmc_client *client, int use);
/* The cache file of `provider` into buf (the directory need not exist). */
LLMC_API llmc_code llmc_models_cache_path(const char *provider, char *buf, size_t size, llmc_error *err);

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
    char near_miss[4][64];     /* names of set variables that look like key_env */
    char base_url[256];        /* where requests would go */
    llmc_error result;         /* what resolving the key gives right now */
    int keyless;               /* the provider takes no key (auth = none): nothing is looked up */
    int insecure_http_allowed; /* plain http to its host is allowed (allow_http = true) */
    unsigned char reserved[120];
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
LLMC_API LLMC_NODISCARD llmc_request *llmc_request_new(const char *model);
LLMC_API void llmc_request_free(llmc_request *req);

LLMC_API llmc_code llmc_request_set_model(llmc_request *req, const char *model, llmc_error *err);
/* The system prompt (Anthropic `system`; OpenAI a leading "system" message). NULL clears it. */
LLMC_API llmc_code llmc_request_set_system(llmc_request *req, const char *system, llmc_error *err);
/* Append a text turn. Turns are sent in the order added. */
LLMC_API llmc_code llmc_request_add_message(llmc_request *req, llmc_role role, const char *text, llmc_error *err);
/* The most tokens to generate; 0 means the default (1024). */
LLMC_API llmc_code llmc_request_set_max_tokens(llmc_request *req, long max_tokens, llmc_error *err);
/* Sampling; a negative value leaves the provider's default (nothing is sent). */
LLMC_API llmc_code llmc_request_set_temperature(llmc_request *req, double temperature, llmc_error *err);
LLMC_API llmc_code llmc_request_set_top_p(llmc_request *req, double top_p, llmc_error *err);
/* Add a stop sequence (Anthropic `stop_sequences`; OpenAI `stop`). */
LLMC_API llmc_code llmc_request_add_stop(llmc_request *req, const char *stop, llmc_error *err);
/* Set a metadata entry. Anthropic receives `metadata` as an object (the service accepts
 * `user_id`); OpenAI-compatible providers receive `user` for the key "user_id" and the other
 * entries in `metadata`. */
LLMC_API llmc_code llmc_request_set_metadata(llmc_request *req, const char *key, const char *value, llmc_error *err);
/* Per-request overrides, for servers that act for many tenants. Each wins over the client's
 * setting for this request only; NULL (or 0) removes the override.
 *  - llmc_request_set_key: the key to send (copied into wiped storage), ahead of every source;
 *  - llmc_request_set_base_url: same meaning as llmc_client_set_base_url;
 *  - llmc_request_set_timeout: the timeout of each attempt in milliseconds (as
 *    llmc_client_set_timeouts);
 *  - llmc_request_set_header: an extra header ("Name", "value"); a second call with the same
 *    name replaces it. Refused with LLMC_E_INVALID_ARG: authentication headers (authorization,
 *    x-api-key, api-key, proxy-authorization, cookie) — give keys with llmc_request_set_key —;
 *    headers that frame or route the request, which libcurl sets from the request itself (host,
 *    content-length, transfer-encoding, connection, upgrade, keep-alive, te, trailer, expect,
 *    proxy-connection, http2-settings); names that are not HTTP tokens; and values holding a
 *    control byte (anything below 0x20 but tab, and 0x7f: CR or LF would split the header).
 * Anthropic requests also carry the headers listed in ANTHROPIC_CUSTOM_HEADERS (one
 * "Name: value" a line), as the official SDK does; a request's own header wins. A line there that
 * breaks the rule above is skipped, with a warning in the log naming its line number. */
LLMC_API llmc_code llmc_request_set_key(llmc_request *req, const char *key, llmc_error *err);
LLMC_API llmc_code llmc_request_set_base_url(llmc_request *req, const char *base_url, llmc_error *err);
LLMC_API llmc_code llmc_request_set_timeout(llmc_request *req, long timeout_ms, llmc_error *err);
/* This request's total timeout (see llmc_client_set_total_timeout); 0 removes the override. */
LLMC_API llmc_code llmc_request_set_total_timeout(llmc_request *req, long total_ms, llmc_error *err);
LLMC_API llmc_code llmc_request_set_header(llmc_request *req, const char *name, const char *value, llmc_error *err);

/* Cancellation from another thread (or a signal handler): give a request a token, and
 * llmc_cancel_trigger() ends any call using it — plain, streamed, during a retry's wait — with
 * LLMC_E_ABORTED, within about 50 ms. A triggered token stays triggered until reset. The token
 * is borrowed by the request: it must outlive every call made with it. */
typedef struct llmc_cancel llmc_cancel;
LLMC_API LLMC_NODISCARD llmc_cancel *llmc_cancel_new(void);
LLMC_API void llmc_cancel_trigger(llmc_cancel *cancel); /* thread-safe and async-signal-safe */
LLMC_API int llmc_cancel_triggered(const llmc_cancel *cancel);
LLMC_API void llmc_cancel_reset(llmc_cancel *cancel);
LLMC_API void llmc_cancel_free(llmc_cancel *cancel);
/* NULL removes the token. */
LLMC_API llmc_code llmc_request_set_cancel(llmc_request *req, llmc_cancel *cancel, llmc_error *err);

/* Remove the last turn (e.g. a user turn whose call failed, before trying another). Returns
 * LLMC_E_INVALID_ARG when there is none. */
LLMC_API llmc_code llmc_request_drop_last_turn(llmc_request *req, llmc_error *err);

/* Tools the model may call. `parameters_schema` is a JSON-schema object as text (e.g.
 * "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"); it is
 * parsed now, so a malformed schema fails here with LLMC_E_INVALID_ARG, not at the provider.
 * Sent as Anthropic `tools[].input_schema` or OpenAI `tools[].function.parameters`. */
LLMC_API llmc_code llmc_request_add_tool(llmc_request *req, const char *name, const char *description,
                                         const char *parameters_schema, llmc_error *err);

typedef enum llmc_tool_choice {
    LLMC_TOOL_CHOICE_AUTO = 0, /* the model decides (the default) */
    LLMC_TOOL_CHOICE_ANY = 1,  /* it must call some tool (OpenAI "required") */
    LLMC_TOOL_CHOICE_NONE = 2, /* it must not call tools */
    LLMC_TOOL_CHOICE_TOOL = 3  /* it must call the tool named `name` */
} llmc_tool_choice;
LLMC_API llmc_code llmc_request_set_tool_choice(llmc_request *req, llmc_tool_choice choice, const char *name,
                                                llmc_error *err);

/* Append a reply as the assistant's turn, whole, so a conversation continues without copying
 * JSON: its text (with Anthropic citations), its tool calls, its thinking blocks with their
 * signatures, and every block llmc does not model itself — redacted thinking, server tool calls
 * and their results (web search, code execution, …), blocks added after this was written —
 * exactly as the provider sent them (llmc_response_block_json). That is what Anthropic requires
 * to continue a `pause_turn` or a thinking-plus-tools turn. Blocks that only the provider that
 * produced them understands are left out when the request goes to a provider of the other
 * dialect. */
LLMC_API llmc_code llmc_request_add_response(llmc_request *req, const llmc_response *resp, llmc_error *err);

/* Answer a tool call: `tool_call_id` is llmc_response_block_tool_id() of the call; `content` the
 * result as text; `is_error` says the tool failed. Results after the assistant's turn are
 * gathered into one user turn, as Anthropic requires (OpenAI receives one "tool" message each). */
LLMC_API llmc_code llmc_request_add_tool_result(llmc_request *req, const char *tool_call_id, const char *content,
                                                int is_error, llmc_error *err);

/* Attach an image (bytes of `media_type`, e.g. "image/png") to the current user turn, sent as
 * base64: Anthropic `image` blocks, OpenAI `image_url` data URLs. Add images before the turn's
 * text; llmc_request_add_message(LLMC_ROLE_USER, …) then joins the same turn. */
LLMC_API llmc_code llmc_request_add_image(llmc_request *req, const char *media_type, const void *bytes, size_t len,
                                          llmc_error *err);

/* Documents in the current user turn (added, like images, before the turn's text):
 *  - llmc_request_add_document: `media_type` "application/pdf" (the bytes, sent as base64) or
 *    "text/plain" (UTF-8 text, sent as text);
 *  - llmc_request_add_document_url: a PDF the provider fetches itself (Anthropic only).
 * `title` may be NULL. `citations` nonzero asks Anthropic to cite the document: the reply's text
 * blocks then carry citations (llmc_response_block_citation), and a stream delivers each as
 * LLMC_EVENT_CITATION. Anthropic receives `document` blocks. OpenAI-compatible providers receive
 * a PDF as a `file` content part (a data URL; OpenAI reads PDFs, some compatible servers refuse
 * file parts with a 400) and a text document as a text part headed by its title; they do not
 * cite, and a URL document is refused before sending (LLMC_E_UNSUPPORTED): Chat Completions
 * take no file URLs. LLMC_E_INVALID_ARG for another media type, empty bytes, text that is not
 * UTF-8, or a URL that is not http(s). */
LLMC_API llmc_code llmc_request_add_document(llmc_request *req, const char *media_type, const void *bytes, size_t len,
                                             const char *title, int citations, llmc_error *err);
LLMC_API llmc_code llmc_request_add_document_url(llmc_request *req, const char *url, const char *title, int citations,
                                                 llmc_error *err);
/* The media type of a file from its first bytes — "image/png", "image/jpeg", "image/gif",
 * "image/webp", "application/pdf", or "text/plain" for UTF-8 text without NUL bytes — or NULL
 * when it is none of those (static string). */
LLMC_API const char *llmc_media_type_sniff(const void *bytes, size_t len);
/* Attach a file by its content: an image (llmc_request_add_image), a PDF or a text file
 * (llmc_request_add_document, titled `name`, without citations). LLMC_E_INVALID_ARG, naming
 * `name`, when the content is none of those. */
LLMC_API llmc_code llmc_request_attach(llmc_request *req, const void *bytes, size_t len, const char *name,
                                       llmc_error *err);

/* ---- reasoning ----
 * How hard a model thinks before it answers. Each provider names its own levels; when a request
 * is sent llmc refuses, before anything leaves, a level or form the model is known not to take
 * (the rules llmc knows, each with its source, are in src/model_rules.c and
 * tests/server/README.md). */
typedef enum llmc_effort {
    LLMC_EFFORT_DEFAULT = 0, /* nothing is sent: the model's default */
    LLMC_EFFORT_NONE = 1,    /* OpenAI-compatible only: no reasoning (gpt-5.1+, Qwen on Cerebras) */
    LLMC_EFFORT_MINIMAL = 2, /* OpenAI-compatible only (the gpt-5 line) */
    LLMC_EFFORT_LOW = 3,
    LLMC_EFFORT_MEDIUM = 4,
    LLMC_EFFORT_HIGH = 5,
    LLMC_EFFORT_XHIGH = 6,
    LLMC_EFFORT_MAX = 7
} llmc_effort;
/* "none", "minimal", "low", "medium", "high", "xhigh", "max" ("" for DEFAULT; static). */
LLMC_API const char *llmc_effort_name(llmc_effort effort);
/* The level named `name` (as above); LLMC_E_INVALID_ARG for any other text. */
LLMC_API llmc_code llmc_effort_from_name(const char *name, llmc_effort *out);
/* Anthropic `output_config.effort`; OpenAI-compatible `reasoning_effort`. Checked against the
 * model when the request is sent: a level the dialect has no word for (NONE and MINIMAL on
 * Anthropic) or that the model is known to refuse fails with LLMC_E_BAD_REQUEST and nothing is
 * sent. LLMC_E_INVALID_ARG for a value outside the enum. */
LLMC_API llmc_code llmc_request_set_effort(llmc_request *req, llmc_effort effort, llmc_error *err);

typedef enum llmc_thinking {
    LLMC_THINKING_DEFAULT = 0,  /* nothing is sent: the model's default */
    LLMC_THINKING_OFF = 1,      /* {"type":"disabled"} */
    LLMC_THINKING_ON = 2,       /* llmc picks what the model takes: adaptive, else a budget */
    LLMC_THINKING_ADAPTIVE = 3, /* {"type":"adaptive"}: the model decides how much (with effort) */
    LLMC_THINKING_BUDGET = 4    /* {"type":"enabled","budget_tokens":N} */
} llmc_thinking;
/* Anthropic thinking. With ON, llmc sends adaptive thinking to models that take it (Claude 4.6
 * and later) and a budget to those that take only that (Claude 4.5 and earlier), using
 * `budget_tokens` (0: 4096) there. BUDGET demands a budget (at least 1024) and ADAPTIVE the
 * adaptive form: a model known to refuse that form, or OFF on a model whose thinking cannot be
 * turned off, fails with LLMC_E_BAD_REQUEST before sending, naming the form it takes. With a
 * budget, max_tokens is raised above it when it is not. The reply starts with thinking blocks
 * (LLMC_BLOCK_THINKING, or LLMC_BLOCK_REDACTED_THINKING when the provider encrypted one),
 * streamed as LLMC_EVENT_THINKING; llmc keeps their signatures so llmc_request_add_response
 * sends them back. OpenAI-compatible providers take no such setting and are sent none: their
 * reasoning models reason on their own (steer them with llmc_request_set_effort), and llmc
 * returns their `reasoning_content` / `reasoning` text as thinking blocks. LLMC_E_INVALID_ARG
 * for a mode outside the enum, a negative budget, or BUDGET with one under 1024. */
LLMC_API llmc_code llmc_request_set_thinking_mode(llmc_request *req, llmc_thinking mode, long budget_tokens,
                                                  llmc_error *err);
/* The older call: budget_tokens > 0 is llmc_request_set_thinking_mode(ON, budget_tokens), so a
 * model that takes only adaptive thinking gets that; 0 is DEFAULT (nothing sent). */
LLMC_API llmc_code llmc_request_set_thinking(llmc_request *req, long budget_tokens, llmc_error *err);
/* Where an OpenAI-compatible server puts reasoning text (`reasoning_format`, Cerebras and Groq):
 * "parsed" or "text_parsed" (a separate field, read back as a thinking block), "raw" (inside the
 * content, e.g. between <think> tags), "hidden" (not returned; still counted), "none" (the
 * model's default). NULL removes it. Not sent to Anthropic, whose thinking is always separate.
 * LLMC_E_INVALID_ARG for another word. */
LLMC_API llmc_code llmc_request_set_reasoning_format(llmc_request *req, const char *format, llmc_error *err);

/* ---- structured output ---- */
typedef enum llmc_format {
    LLMC_FORMAT_TEXT = 0,        /* no constraint (the default) */
    LLMC_FORMAT_JSON_OBJECT = 1, /* any one JSON object (OpenAI-compatible `json_object`) */
    LLMC_FORMAT_JSON_SCHEMA = 2  /* JSON that follows `schema` */
} llmc_format;
/* The form the reply must take. JSON_SCHEMA goes to Anthropic as `output_config.format`
 * ({"type":"json_schema","schema":…}) and to OpenAI-compatible providers as `response_format`
 * {"type":"json_schema","json_schema":{"name","schema","strict":true}}; to the models llmc knows
 * take only `json_object` (DeepSeek's API) it sends that, with the schema in an added system
 * instruction. JSON_OBJECT is `json_object` (which some servers answer only when a message says
 * "JSON": llmc then adds a system instruction saying so); Anthropic has no such form and the
 * request is refused before sending (LLMC_E_UNSUPPORTED). `name` (a-z, A-Z, 0-9, _ and -, at most
 * 64; NULL: "response") names the schema for OpenAI. `schema` is JSON text, parsed now: invalid
 * JSON or not an object fails with LLMC_E_INVALID_ARG and err->message naming the line and
 * column. Providers refuse schemas outside what they enforce (e.g. an object without
 * "additionalProperties": false) with a 400. Read the reply with llmc_response_json. */
LLMC_API llmc_code llmc_request_set_format(llmc_request *req, llmc_format format, const char *name, const char *schema,
                                           llmc_error *err);

/* A tool, as llmc_request_add_tool, with flags: LLMC_TOOL_STRICT asks the provider to hold the
 * call's input to the schema (Anthropic `strict: true`, OpenAI `function.strict: true`). The
 * schema's JSON errors name the line and column in err. */
#define LLMC_TOOL_STRICT 1u
LLMC_API llmc_code llmc_request_add_tool_v2(llmc_request *req, const char *name, const char *description,
                                            const char *parameters_schema, unsigned flags, llmc_error *err);
/* Whether the model may call several tools in one reply: 0 forbids it (Anthropic
 * tool_choice.disable_parallel_tool_use, OpenAI parallel_tool_calls: false), 1 allows it
 * explicitly, -1 (the default) sends nothing. Anthropic has no such flag with tool choice NONE:
 * it is then not sent. */
LLMC_API llmc_code llmc_request_set_parallel_tool_calls(llmc_request *req, int allow, llmc_error *err);

/* ---- prompt caching (Anthropic `cache_control`; OpenAI-compatible providers cache on their
 * own and report hits in usage, so nothing is sent to them) ---- */
typedef enum llmc_cache_ttl {
    LLMC_CACHE_OFF = 0,
    LLMC_CACHE_5M = 1, /* {"type":"ephemeral"}: the default 5 minutes */
    LLMC_CACHE_1H = 2  /* {"type":"ephemeral","ttl":"1h"} */
} llmc_cache_ttl;
/* Automatic caching: the top-level `cache_control`, which puts the breakpoint on the last block
 * the service can cache, so each turn of a conversation reads what the one before wrote. OFF
 * removes it. */
LLMC_API llmc_code llmc_request_set_cache(llmc_request *req, llmc_cache_ttl ttl, llmc_error *err);
typedef enum llmc_cache_point {
    LLMC_CACHE_SYSTEM = 1,   /* the system prompt */
    LLMC_CACHE_TOOLS = 2,    /* the tool definitions added so far (on the last one) */
    LLMC_CACHE_LAST_PART = 3 /* everything up to the last part added so far (its last block) */
} llmc_cache_point;
/* An explicit breakpoint with its TTL (OFF removes the one at that point). The service allows
 * four breakpoints and requires 1-hour ones to come before 5-minute ones in the order tools,
 * system, messages: llmc refuses a request that breaks either rule before sending
 * (LLMC_E_BAD_REQUEST). LLMC_E_INVALID_ARG for SYSTEM without a system prompt, TOOLS without
 * tools, LAST_PART without messages. Usage then reports the writes (split 5 m / 1 h) and reads:
 * llmc_response_usage_details. */
LLMC_API llmc_code llmc_request_add_cache_breakpoint(llmc_request *req, llmc_cache_point point, llmc_cache_ttl ttl,
                                                     llmc_error *err);

/* ---- anything else: request-body passthrough ---- */
/* Set the top-level field `name` of the request body to the JSON value `json` (e.g. "42",
 * "\"priority\"", "{\"type\":\"content\",\"content\":\"…\"}"), for what this API has no call for:
 * `service_tier`, `seed`, `logprobs`, `n`, `top_k`, `prediction`, a server's grammar mode, … It is
 * applied after llmc has built the body, so it replaces a field llmc wrote itself. NULL `json`
 * removes the setting. Refused with LLMC_E_INVALID_ARG: JSON that does not parse (err->message
 * names the line and column), the fields llmc owns (`model`, `messages`, `stream`), and names
 * that carry credentials (`api_key`, `authorization`, `token`, …: keys come from the credential
 * chain only). */
LLMC_API llmc_code llmc_request_set_body_field(llmc_request *req, const char *name, const char *json, llmc_error *err);

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
    LLMC_BLOCK_TOOL_USE = 3,
    LLMC_BLOCK_REDACTED_THINKING = 4 /* thinking the provider encrypted: no text, sent back as is */
} llmc_block_type;

typedef struct llmc_usage {
    long input_tokens;
    long output_tokens;
    long cache_read_input_tokens; /* 0 when the provider does not report it */
    long cache_creation_input_tokens;
    long reserved[4]; /* room to grow: zero today (llmc_response_usage_details has the rest) */
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
/* What the answer's rate-limit headers said (requests and tokens: limit, remaining, seconds to
 * the refill; -1 where the provider sent nothing). A failed call has the same in
 * err->rate_limits. For a stream, the headers of its answer. */
LLMC_API llmc_rate_limits llmc_response_rate_limits(const llmc_response *resp);
/* The body as received, if llmc_request_keep_raw() was on; otherwise NULL. */
LLMC_API const char *llmc_response_raw_json(const llmc_response *resp);
/* The reply as one JSON shape for every provider (what `llmc --json` prints): {"provider",
 * "model", "id", "request_id", "stop_reason" (normalized: end_turn, max_tokens, stop_sequence,
 * tool_use, refusal, pause_turn, unknown), "stop_reason_raw", "text", "content": [{"type":
 * "text"|"thinking"|"redacted_thinking"|"other", "kind" (llmc_response_block_kind), "text"} or
 * {"type": "tool_use", "kind", "id", "name", "input_json"}, with "citations" (their JSON) where
 * a block has some and "json" (llmc_response_block_json) for a block kept whole], "usage":
 * {"input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens",
 * "cache_creation_5m_input_tokens", "cache_creation_1h_input_tokens", "reasoning_tokens"}, and
 * "json" (the parsed reply) when llmc_response_json succeeds}. Indented, ASCII-only. A new string
 * owned by the caller (release with llmc_free); NULL when out of memory or resp is NULL. */
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
                                              const char *tool_id, const char *tool_name, const char *signature,
                                              llmc_error *err);

/* The provider's own name for a block's type: "text", "thinking", "tool_use" (OpenAI tool calls
 * too), "redacted_thinking", "server_tool_use", "web_search_tool_result", "custom" (an OpenAI
 * custom tool call), … ("" past the end). */
LLMC_API const char *llmc_response_block_kind(const llmc_response *resp, size_t index);
/* A block llmc does not model itself (LLMC_BLOCK_OTHER, LLMC_BLOCK_REDACTED_THINKING, and tool
 * calls with members llmc does not read, such as Anthropic's `caller`) as the JSON the provider
 * sent; llmc_request_add_response sends exactly this back. NULL for blocks llmc models. Large
 * numbers in it are spelled as sent. */
LLMC_API const char *llmc_response_block_json(const llmc_response *resp, size_t index);

/* A citation on a text block (Anthropic, from documents and web search). Every pointer is
 * borrowed from the response; strings are "" when the citation has no such member. */
typedef struct llmc_citation {
    const char *type;           /* "char_location", "page_location", "content_block_location",
                                   "web_search_result_location", "search_result_location", … */
    const char *cited_text;     /* the text cited */
    long document_index;        /* the document, in request order; -1 when not a document's */
    const char *document_title; /* as given with the document */
    long start, end;            /* char, page or block range (end exclusive); -1 when absent */
    const char *url, *title;    /* web search results */
    const char *json;           /* the whole citation as sent */
    const void *reserved[6];
} llmc_citation;
/* How many citations text block `index` carries (0 for other blocks). */
LLMC_API size_t llmc_response_block_citation_count(const llmc_response *resp, size_t index);
/* Citation `n` of block `index` into *out; 0 past the end, 1 otherwise. */
LLMC_API int llmc_response_block_citation(const llmc_response *resp, size_t index, size_t n, llmc_citation *out);

/* Usage with every count the providers report. llmc_usage stays as it is (its size is part of
 * the ABI); this is its superset. Counts a provider did not report are 0. */
typedef struct llmc_usage_details {
    long input_tokens; /* Anthropic: not cached; OpenAI: the whole prompt (cached tokens included) */
    long output_tokens;
    long cache_read_input_tokens;        /* read from the cache (OpenAI `cached_tokens`) */
    long cache_creation_input_tokens;    /* written to the cache, both TTLs */
    long cache_creation_5m_input_tokens; /* … of which with the 5-minute TTL */
    long cache_creation_1h_input_tokens; /* … of which with the 1-hour TTL */
    long reasoning_tokens; /* thinking (Anthropic `thinking_tokens`, OpenAI `reasoning_tokens`), part of output */
    long reserved[9];
} llmc_usage_details;
LLMC_API void llmc_response_usage_details(const llmc_response *resp, llmc_usage_details *out);

/* The reply as JSON, for requests with a JSON format (llmc_request_set_format), or any reply
 * meant to be JSON: all text blocks joined and parsed (leading and trailing white space, and a
 * ```json fence around the whole, are allowed). On LLMC_OK *json is the value re-printed compact
 * (borrowed from the response; numbers too large for 64 bits are kept as reals). When the text
 * does not parse: LLMC_E_FORMAT with the line, column and reason in err->message — and, when
 * the reply was cut off by max_tokens or refused, that cause first — and *json NULL; the text is
 * still there (llmc_response_text). */
LLMC_API llmc_code llmc_response_json(const llmc_response *resp, const char **json, llmc_error *err);

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

/* How many input tokens `req` would cost, from the provider's own counter without generating
 * anything: Anthropic's POST /v1/messages/count_tokens (the request's model, system, messages,
 * tools, thinking, output format and cache settings; max_tokens and stop sequences do not
 * count). Providers without such an endpoint (the OpenAI-compatible ones) give
 * LLMC_E_UNSUPPORTED and send nothing. Errors as llmc_messages_create (key, 401 diagnosis, 404
 * for an unknown model, …). *input_tokens is set on success only. */
LLMC_API llmc_code llmc_count_tokens(llmc_client *client, const llmc_request *req, long *input_tokens, llmc_error *err);

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
    LLMC_EVENT_ERROR = 8,            /* terminal: the stream failed; `error` says why */
    LLMC_EVENT_CITATION = 9          /* text: a citation (JSON) added to text block `index` */
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

/* The number of events the stream holds that llmc_stream_next will return without waiting for
 * the network (0: the next call waits). A program that buffers its output can flush when this
 * reaches 0: one write per network read, while every piece still appears as it arrives. */
LLMC_API size_t llmc_stream_queued(const llmc_stream *stream);

/* ---------------------------------------------------------------------------------------------
 * Many calls at once on one thread: the multi handle.
 *
 * For servers and tools that run many calls concurrently and own their event loop. Add any
 * number of requests, plain or streamed, each with its own callbacks and user data; each is
 * retried, recovered after a 401 and diagnosed exactly as llmc_messages_create /
 * llmc_messages_stream would, and ends in one done callback with the same response and error.
 * Connections are reused across the handle's transfers.
 *
 * Drive it either way:
 *  - simple: loop { llmc_multi_perform(m, &running); if (!running) break; llmc_multi_wait(m, -1); }
 *  - in your own loop (epoll, libuv, libevent, a GUI): set a socket callback and a timer callback;
 *    watch the sockets it names for the events it names, and call llmc_multi_socket_action with
 *    the ready fd (or LLMC_SOCKET_TIMEOUT when the timer fires). Then never call perform/wait.
 *
 * Callbacks (event, done, socket, timer) run on the thread that drives the handle, from inside
 * perform / socket_action. They may add, cancel and remove transfers of this handle and use any
 * other client or handle, but must not drive this handle (perform, wait, socket_action return
 * LLMC_E_INVALID_ARG if they do) and must not free it. A multi handle and its client are used by
 * one thread at a time; `client` must outlive the handle (the client's own blocking calls use a
 * separate engine, so the client stays usable meanwhile on the same thread).
 */
typedef struct llmc_multi llmc_multi;
/* One request added to a multi handle: valid from llmc_multi_add until its done callback has
 * returned (or until llmc_multi_remove), then freed by llmc. */
typedef struct llmc_transfer llmc_transfer;

/* The end of a transfer, exactly once (unless it was removed): `code` LLMC_OK with `response`
 * (owned by the callee: free it with llmc_response_free) or the failure with response NULL and
 * `err` saying why (borrowed for the call; for a stream that failed after it started, the same
 * error its LLMC_EVENT_ERROR carried). A cancelled transfer ends with LLMC_E_ABORTED. */
typedef void (*llmc_done_fn)(void *userdata, llmc_transfer *transfer, llmc_code code, llmc_response *response,
                             const llmc_error *err);

/* A multi handle for `client` (its keys, base URLs, timeouts, retries); NULL when out of
 * memory or client is NULL. */
LLMC_API LLMC_NODISCARD llmc_multi *llmc_multi_new(llmc_client *client);
/* Free the handle: transfers still running are abandoned without callbacks. NULL is fine. */
LLMC_API void llmc_multi_free(llmc_multi *multi);
/* At most `max_in_flight` transfers on the wire at once (0: no limit, the default), and
 * requests and tokens per minute (0: none; tokens are estimated before sending as body bytes / 4
 * + max_tokens, then corrected from the usage reported). With limits set, the providers'
 * rate-limit headers also pause a provider (none left until its reset; a 429's retry-after).
 * Transfers over the limits wait their turn, in the order added. */
LLMC_API llmc_code llmc_multi_set_limits(llmc_multi *multi, int max_in_flight, double requests_per_minute,
                                         double tokens_per_minute, llmc_error *err);

/* Add `req` (which may be freed at once): streamed when `on_event` is not NULL (events as
 * llmc_messages_stream delivers them; a nonzero return aborts that stream), plain otherwise.
 * `on_done` is required. On success *out (if not NULL) is the transfer. Failures found before
 * anything is sent (no key, unknown provider, a malformed key) return here and no callback ever
 * runs for the request. */
LLMC_API llmc_code llmc_multi_add(llmc_multi *multi, const llmc_request *req, llmc_event_fn on_event,
                                  llmc_done_fn on_done, void *userdata, llmc_transfer **out, llmc_error *err);
/* End a transfer, whatever its phase (waiting, on the wire, waiting to retry, streaming): its
 * done callback runs with LLMC_E_ABORTED at the next perform / socket_action. */
LLMC_API void llmc_multi_cancel(llmc_multi *multi, llmc_transfer *transfer);
/* Take a transfer out at once: no further callback runs for it, and the handle is freed. */
LLMC_API void llmc_multi_remove(llmc_multi *multi, llmc_transfer *transfer);
/* The user data given to llmc_multi_add. */
LLMC_API void *llmc_transfer_userdata(const llmc_transfer *transfer);
/* Transfers added and not yet ended. */
LLMC_API size_t llmc_multi_running(const llmc_multi *multi);

/* Do what can be done now without blocking (start, send, read, retry, end; callbacks run
 * here); *running (if not NULL) gets llmc_multi_running. */
LLMC_API llmc_code llmc_multi_perform(llmc_multi *multi, int *running);
/* Block until there is something for llmc_multi_perform to do, at most timeout_ms (-1: as long
 * as the handle's own timers allow). */
LLMC_API llmc_code llmc_multi_wait(llmc_multi *multi, int timeout_ms);
/* Milliseconds until the handle needs llmc_multi_perform even without socket activity; -1 when
 * it has nothing to do. */
LLMC_API long llmc_multi_timeout(llmc_multi *multi);

/* Event-loop integration. `what` for the socket callback: LLMC_POLL_IN, LLMC_POLL_OUT (or
 * both) to watch the fd for, or LLMC_POLL_REMOVE to stop watching it. The timer callback gets
 * the milliseconds after which to call llmc_multi_socket_action(m, LLMC_SOCKET_TIMEOUT, 0, …),
 * 0 for "as soon as possible", or -1 to drop the timer; it is called again whenever that changes
 * (a new request added counts). `events` for socket_action: the LLMC_POLL_ bits that are ready
 * (LLMC_POLL_ERR for an error). */
#define LLMC_POLL_IN 1
#define LLMC_POLL_OUT 2
#define LLMC_POLL_REMOVE 4
#define LLMC_POLL_ERR 8
#define LLMC_SOCKET_TIMEOUT (-1)
typedef void (*llmc_socket_fn)(void *userdata, int fd, int what);
typedef void (*llmc_timer_fn)(void *userdata, long timeout_ms);
LLMC_API void llmc_multi_set_socket_fn(llmc_multi *multi, llmc_socket_fn fn, void *userdata);
LLMC_API void llmc_multi_set_timer_fn(llmc_multi *multi, llmc_timer_fn fn, void *userdata);
LLMC_API llmc_code llmc_multi_socket_action(llmc_multi *multi, int fd, int events, int *running);

/* ---------------------------------------------------------------------------------------------
 * Batches: many requests from a JSONL file, each result appended to an output JSONL file.
 *
 * Input, one JSON object a line (blank lines are ignored), in either of the two batch shapes:
 *  - Anthropic: {"custom_id":"a1","params":{"model":"claude-sonnet-4-6","max_tokens":64,
 *    "messages":[…],…}}. A bare model goes to anthropic; "provider/model" to that provider.
 *    Params routed to an OpenAI-compatible provider have `system` moved into a leading system
 *    message and `stop_sequences` renamed `stop` (text content blocks are valid there as is).
 *  - OpenAI: {"custom_id":"b1","method":"POST","url":"/v1/chat/completions","body":{"model":
 *    "cerebras/gpt-oss-120b","messages":[…]}}. A bare model goes to the client's default
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
 * with the same output drops a torn last line and skips every custom_id already there. A write
 * that fails part-way (a full disk) is cut back to the last whole line, and the run stops with
 * LLMC_E_IO; at open every line is checked to be one whole JSON result, and a file with any
 * other line is refused with LLMC_E_IO rather than appended to. Only one run at a time writes an
 * output (llmc_batch_set_lock_wait). Errored results are final too: delete their lines to send
 * them again.
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
 * Remote runs hand the input to the provider's own batch engine: Anthropic Message Batches,
 * Fireworks batch inference jobs (account from FIREWORKS_ACCOUNT_ID; one model per job; the
 * control plane is the Fireworks base URL without "/inference"), or the OpenAI Batch API
 * (/files + /batches beside the endpoint's chat/completions: the "openai" provider, Cerebras,
 * and endpoints added with llmc_client_add_endpoint that serve it, e.g. Groq; at most 50,000
 * requests; the remote id is "PROVIDER/batch_…"). All lines must go to one provider. Results are
 * written in the same format as local runs.
 *
 * A remote batch is submitted once per output. The moment the provider answers the create request
 * its id is recorded in "OUTPUT.remote" beside the output (with a fingerprint of the input's
 * custom_ids), durably (fsynced, with its directory), before the progress callback first shows
 * the id. A later llmc_batch_run_remote with the same output and input resumes that batch instead
 * of submitting again (whatever happened to the run that submitted it: SIGKILL included); with
 * another input it fails with LLMC_E_INVALID_ARG, as does llmc_batch_run (a local run would send
 * every request a second time). The record is removed once every result is in the output (by
 * llmc_batch_run_remote or llmc_batch_resume_remote of that id); a damaged one is LLMC_E_IO.
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
LLMC_API LLMC_NODISCARD llmc_batch *llmc_batch_new(llmc_client *client);
LLMC_API void llmc_batch_free(llmc_batch *batch);

/* Where results go (required before a run). Created 0644 if missing; appended to otherwise. */
LLMC_API llmc_code llmc_batch_set_output(llmc_batch *batch, const char *path, llmc_error *err);
/* Requests in flight at once, 1..4096 (default 16). */
LLMC_API llmc_code llmc_batch_set_concurrency(llmc_batch *batch, int n, llmc_error *err);
/* Requests and tokens per minute over the whole run; 0 means no limit (the default). A request's
 * tokens are estimated before it is sent — its input by the provider's own figures, tokens per
 * byte of body as learned from the usage of the results so far and, with a token limit, from
 * Anthropic's count_tokens for the first request before the run; bytes / 4 until a figure is
 * known — plus its max_tokens, and corrected from the usage the provider reports. */
LLMC_API llmc_code llmc_batch_set_rate_limits(llmc_batch *batch, double requests_per_minute, double tokens_per_minute,
                                              llmc_error *err);
LLMC_API void llmc_batch_set_progress(llmc_batch *batch, llmc_batch_progress_fn fn, void *userdata, double interval_s);
/* Add a non-secret header ("Name: value") to every request of the batch (e.g. a gateway's
 * routing header). The rule of llmc_request_set_header applies: headers that carry credentials
 * (keys come from the credential chain only), that frame or route the request (host,
 * content-length, transfer-encoding, the hop-by-hop set), and values with control bytes are
 * refused with LLMC_E_INVALID_ARG; the message never quotes the value. */
LLMC_API llmc_code llmc_batch_add_header(llmc_batch *batch, const char *header, llmc_error *err);
/* How succeeded results are written: LLMC_BATCH_FORMAT_PROVIDER (the default) keeps the
 * provider's body as "message"; LLMC_BATCH_FORMAT_NORMALIZED writes llmc_response_to_json's
 * shape there instead, the same for every provider (a body llmc cannot read is kept as it came).
 * Errored lines are the same in both. LLMC_E_INVALID_ARG for another value. */
typedef enum llmc_batch_format { LLMC_BATCH_FORMAT_PROVIDER = 0, LLMC_BATCH_FORMAT_NORMALIZED = 1 } llmc_batch_format;
LLMC_API llmc_code llmc_batch_set_format(llmc_batch *batch, llmc_batch_format format, llmc_error *err);
/* Remote runs: seconds between status polls (default 10). */
LLMC_API void llmc_batch_set_poll_interval(llmc_batch *batch, double seconds);
/* One run at a time per output file: every run (local or remote, resume included) takes an
 * exclusive lock (flock) on the output for as long as it writes, and records its pid in
 * "OUTPUT.lock" beside it. By default a run that finds the output held fails at once with
 * LLMC_E_IO and a message naming the holder's pid; with `wait` nonzero it waits for the holder to
 * finish (announced once in the log at warn level), until llmc_batch_stop ends the wait with
 * LLMC_E_ABORTED. The lock is the kernel's: a run that dies releases it. */
LLMC_API void llmc_batch_set_lock_wait(llmc_batch *batch, int wait);

/* Run the requests of `input_path` here. LLMC_OK when every request has a result line (some may
 * be errored: see the counts); otherwise why the run stopped (invalid input, no key, a rejected
 * key, the output file, llmc_batch_stop). Finished results are on disk whatever happens. */
LLMC_API llmc_code llmc_batch_run(llmc_batch *batch, const char *input_path, llmc_error *err);

/* Flags of llmc_batch_run_remote (bits; more may come, and a bit this version does not know is
 * LLMC_E_INVALID_ARG rather than ignored). */
enum {
    LLMC_REMOTE_SUBMIT = 0,     /* return once the batch is submitted */
    LLMC_REMOTE_WAIT = 1u << 0, /* poll until it ends, then write the results */
};

/* Submit `input_path` to the provider's batch engine — or resume the batch OUTPUT.remote records
 * for this input (see above). With LLMC_REMOTE_WAIT, poll until it ends and write the results;
 * with LLMC_REMOTE_SUBMIT, return once submitted (llmc_batch_remote_id says what to pass to
 * llmc_batch_resume_remote later; calling this again with the same input and output does the
 * same). */
LLMC_API llmc_code llmc_batch_run_remote(llmc_batch *batch, const char *input_path, unsigned flags, llmc_error *err);
/* Wait for the remote batch `remote_id` and write its results. `input_path` may be NULL; when
 * given, input ids the provider did not answer are written as errored ("not_returned") and
 * results for ids not in it are left out. */
LLMC_API llmc_code llmc_batch_resume_remote(llmc_batch *batch, const char *remote_id, const char *input_path,
                                            llmc_error *err);
/* Ask the provider to cancel the remote batch `remote_id`. Its results (canceled ones included)
 * are then collected with llmc_batch_resume_remote. */
LLMC_API llmc_code llmc_batch_cancel_remote(llmc_batch *batch, const char *remote_id, llmc_error *err);
/* The id of the remote batch of the last remote call ("" when none): "msgbatch_…",
 * "accounts/…/batchInferenceJobs/…" or "PROVIDER/batch_…"; borrowed. */
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
