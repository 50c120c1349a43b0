/* SPDX-License-Identifier: MIT */
/*
 * transport.h — the network: the libcurl exchange with its retry rules, URL policy, cancellation,
 * the client's state, and one call from routing to the response. Data flows one way: request →
 * dialect encoder → transport (key attached last) → dialect decoder.
 */
#ifndef LLMC_TRANSPORT_H
#define LLMC_TRANSPORT_H

#include "auth.h"
#include "ratelimit.h"
#include "wire.h"

#include <curl/curl.h>

/* ---- HTTP transport (http.c) ---- */
typedef struct llmc_http_response {
    long status;
    llmc_buf body;
    char request_id[128];
    char content_type[128];
    char location[256];
    double retry_after_s;  /* from retry-after-ms / retry-after; -1 when absent */
    int should_retry;      /* x-should-retry: 1 true, 0 false, -1 absent */
    llmc_rate_limits rate; /* the provider's rate-limit headers (-1: not sent) */
} llmc_http_response;

typedef struct llmc_transport_opts {
    long connect_ms;
    long request_ms; /* one attempt (a stream: the wait for its answer) */
    long whole_ms;   /* 0, or the whole call — every attempt, wait and stream — must end
                                * within it (an explicit timeout, as curl's --max-time) */
    int max_retries;
    bool allow_insecure_http;
    const char *ca_file;
    size_t max_body;           /* bytes; a longer body is LLMC_E_LIMIT */
    long idle_ms;              /* streams: the longest silence allowed once started */
    const llmc_cancel *cancel; /* NULL, or the request's cancellation token */
    bool compress;             /* ask for a compressed body (large downloads) */
    const llmc_logger *log;
} llmc_transport_opts;

/* Describe a libcurl failure of a transfer to `url` in err (a TLS verification failure names
 * the ways to trust a private CA); returns the code (LLMC_E_TIMEOUT or LLMC_E_TRANSPORT). */
llmc_code llmc_transport_error(CURLcode cc, const char *detail, const char *url, llmc_error *err);
void llmc_http_response_free(llmc_http_response *resp);
/* The settings every transfer shares — URL, headers, user agent, no redirects, http/https only,
 * connect timeout, compression, trusted CAs, cancellation — so a rule about keys on the wire
 * lives in one place. Callers add their own timeout and callbacks. */
void llmc_http_configure(CURL *h, const llmc_transport_opts *o, const char *url, struct curl_slist *headers,
                         char *errbuf);
/* Capture one response header line into resp (request-id / x-request-id, content-type, location,
 * x-should-retry; an HTTP/ status line resets them). retry-after-ms and retry-after go to the two
 * doubles (-1 when absent), which the transfer combines (retry-after-ms first) once the headers end. */
void llmc_http_header_line(const char *line, size_t n, llmc_http_response *resp, double *retry_after_ms,
                           double *retry_after);
/* The header list for one request: `headers` plus the auth header built from `cred` (x-api-key
 * or Authorization: Bearer). NULL when out of memory. Free with llmc_http_headers_free, which
 * wipes every line first (one holds the key). */
struct curl_slist *llmc_http_headers(const char *const *headers, const llmc_credential *cred, llmc_auth_style auth);
void llmc_http_headers_free(struct curl_slist *list);
/* Whether a URL may carry a key: https anywhere, http only to loopback (or when allowed), and no
 * user name or password in it (llmc_url_refuse_credentials). */
llmc_code llmc_url_check(const char *url, bool allow_insecure_http, llmc_error *err);
/* url_rules.c. LLMC_E_CONFIG when the URL's authority holds "user:pass@" (the message shows the
 * URL with that part removed); LLMC_OK otherwise. */
llmc_code llmc_url_refuse_credentials(const char *url, llmc_error *err);
/* `url` with any "user:pass@" of its authority replaced by "[credentials removed]@": the only
 * form in which llmc shows a URL it did not build itself. */
void llmc_url_redact(const char *url, char *out, size_t size);
/* Delay before retry number `attempt` (0-based): from the response's headers when they ask for
 * 0 < d <= 60 s, else min(0.5·2^attempt, 8) s × (1 − 0.25·jitter), jitter in [0,1). */
double llmc_retry_delay_s(int attempt, double retry_after_s, double jitter);
/* Whether the token (which may be NULL) was triggered. */
bool llmc_cancelled(const llmc_cancel *cancel);
/* A CURLOPT_XFERINFOFUNCTION that aborts the transfer once the token (its clientp, may be NULL)
 * is triggered; the transfer then ends with CURLE_ABORTED_BY_CALLBACK. */
int llmc_http_xferinfo(void *cancel, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
/* Whether a libcurl failure may not have reached the model, and so is worth retrying. */
bool llmc_transport_retriable(CURLcode cc);
/* Whether a status (or a transport failure, status 0) is retried, given x-should-retry. */
bool llmc_retry_wanted(long status, int should_retry);

/* ---- the client (client.c) ---- */
/* Settings kept for the application (config_values.c): (kind, name, key) → value. */
typedef struct llmc_settings llmc_settings;
llmc_code llmc_settings_put(llmc_client *c, const char *kind, const char *name, const char *key, const char *value);
void llmc_settings_free(llmc_settings *s);

struct llmc_client {
    llmc_endpoint *endpoints;
    size_t n_endpoints;
    size_t default_endpoint;
    struct llmc_engine *engine;  /* runs every blocking call and pull stream: connections stay alive */
    long connect_ms, request_ms; /* 0: defaults */
    long total_ms;               /* 0: none; else the whole of every call */
    int max_retries;
    size_t max_body; /* 0: the default */
    long idle_ms;    /* 0: the default */
    bool allow_insecure_http;
    bool use_store;
    bool use_models_cache;
    char *ca_file;
    char *default_model; /* from the config file */
    llmc_kv *aliases;    /* model aliases from the config file: key → model */
    size_t n_aliases;
    llmc_settings *settings; /* from the config file, for the application; NULL when none */
    llmc_logger log;
    char *anthropic_version;       /* NULL: the default (LLMC_ANTHROPIC_VERSION) */
    char *anthropic_headers[2][4]; /* with a version set: the plain and stream header lists */
};
/* The anthropic-version llmc sends unless told otherwise. */
#define LLMC_ANTHROPIC_VERSION "2023-06-01"
/* The version `c` sends (never NULL). */
const char *llmc_client_version_of(const llmc_client *c);
/* An endpoint by name (name_len bytes), or NULL. */
llmc_endpoint *llmc_client_endpoint(llmc_client *c, const char *name, size_t name_len);

/* ---- routing (route.c): the one way from a model string to an endpoint ---- */
/* Resolve aliases, then "provider/model" → that endpoint, *wire_model pointing at the model after
 * the '/' (inside `model` or the alias, which outlive the call); a model without '/' goes to
 * `fallback` (NULL: the client's default). NULL with LLMC_E_CONFIG and cause
 * model.unknown_provider for a prefix that names no endpoint ("did you mean" over endpoints and
 * aliases), a provider without a model, or an alias that names itself. */
llmc_endpoint *llmc_route(llmc_client *c, const char *model, llmc_endpoint *fallback, const char **wire_model,
                          llmc_error *err);
/* The endpoint called `name`, or NULL with the unknown-provider error. */
llmc_endpoint *llmc_endpoint_named(llmc_client *c, const char *name, llmc_error *err);
/* Fill err for an unknown provider name (name_len bytes) seen in `model` (NULL: given alone). */
llmc_code llmc_unknown_provider(llmc_client *c, const char *name, size_t name_len, const char *model, llmc_error *err);

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
    /* what the transfer engine keeps for this call's key (engine.c, xfer.c) */
    unsigned long long id;       /* unique in the process once it has been sent (0: not yet) */
    struct curl_slist *slist;    /* `headers` + the auth header; rebuilt when the key changes, wiped */
    unsigned slist_gen;          /* the key generation slist was built for */
    unsigned gen;                /* bumps each time a recovery replaces the key */
    bool recovered;              /* a 401 has already re-resolved the key once */
    char tried[512];             /* the keys rejected before the current one */
    bl_provider limits;          /* the provider's rate-limit headers as this call saw them */
    size_t in_flight;            /* transfers of this call on the wire */
    bool may_fetch_models;       /* a 404 for the model may fetch the models list to suggest names */
    const char *base_url_source; /* where the base URL came from, for config.base_url; NULL: the default */
} llmc_call;

/* Route, resolve the key, encode (with "stream": true when `stream`), build URL and options.
 * Always call llmc_call_finish afterwards, whatever this returned. */
llmc_code llmc_call_prepare(llmc_client *c, const llmc_request *req, bool stream, llmc_call *call, llmc_error *err);
/* An authenticated GET of base URL + `path` (the models list; validation). A non-2xx answer is
 * decoded into err and returned as its code. `quick`: no retries and at most 15 s. Always call
 * llmc_call_finish and llmc_http_response_free afterwards. */
llmc_code llmc_call_get(llmc_client *c, llmc_endpoint *ep, const char *path, bool quick, llmc_call *call,
                        llmc_http_response *resp, llmc_error *err);
/* The response of a 2xx answer to the call, decoded by its dialect (keep_raw: with the body as
 * received); NULL in *out and the reason in err otherwise. */
llmc_code llmc_call_reply(const llmc_call *call, const llmc_http_response *resp, bool keep_raw, llmc_response **out,
                          llmc_error *err);
/* The same with no retries and at most `limit_ms` for the whole exchange. */
llmc_code llmc_call_get_quick(llmc_client *c, llmc_endpoint *ep, const char *path, long limit_ms, llmc_call *call,
                              llmc_http_response *resp, llmc_error *err);
/* Fill err from a non-2xx response: provider body, diagnosis for 401/403, redirect refusal. */
llmc_code llmc_call_fail(llmc_call *call, const llmc_http_response *resp, llmc_error *err);
/* After a 401, replace the credential with the chain's next different key, if there is one;
 * `tried` collects what was rejected. */
bool llmc_call_recover(llmc_call *call, char *tried, size_t size);
/* Remove every copy of the credential's key bytes from err's text fields (a provider or proxy
 * may echo what it received) and redact key-shaped tokens from its message. */
void llmc_scrub_error(llmc_error *err, const llmc_credential *cred);
/* Scrub the call's key (and runs of 8+ of its characters) from a response before anything
 * reads it: the body and the captured header values. A server may echo what it received. */
void llmc_call_scrub_response(const llmc_call *call, llmc_http_response *resp);
/* Only the captured header values (at the end of the headers, before anything logs them). */
void llmc_call_scrub_headers(const llmc_call *call, llmc_http_response *resp);
/* The same on len bytes of a stream, edited in place; returns the new length. */
size_t llmc_call_scrub_bytes(const llmc_call *call, char *data, size_t len);
/* Scrub the key's bytes from err, wipe the credential, free what prepare allocated. */
void llmc_call_finish(llmc_call *call, llmc_error *err);

/* Anthropic's count of a raw Messages params body (a batch line) through a prepared call's key
 * and headers (count_tokens.c). */
llmc_code llmc_count_tokens_raw(llmc_call *call, const char *params, size_t len, long *input_tokens, llmc_error *err);

const char *llmc_endpoint_base_url(const llmc_endpoint *ep);
char *llmc_join_url(const char *base, const char *path);
void llmc_transport_opts_for(const llmc_client *c, const llmc_endpoint *ep, llmc_transport_opts *o);
/* The non-secret headers of a request in `dialect` from client `c` (its anthropic-version). */
const char *const *llmc_dialect_headers(const llmc_client *c, llmc_dialect_kind dialect, bool stream);
/* The encoder's context for a request of `req` to `ep` (model, provider, anthropic-version:
 * the request's own header, else the client's). */
void llmc_wire_ctx_for(const llmc_client *c, const llmc_endpoint *ep, const llmc_request *req, const char *wire_model,
                       bool stream, llmc_wire_ctx *ctx);

/* ---- the models list (models.c) and its cache (models_cache.c) ---- */
/* Fetch ep's models (all pages; `quick`: one page, no retries, 5 s) and write the cache. */
llmc_code llmc_models_fetch(llmc_client *c, llmc_endpoint *ep, bool quick, llmc_model_info **out, size_t *count,
                            llmc_error *err);
void llmc_models_cache_write(const char *provider, const llmc_model_info *models, size_t n);
/* The cached ids of `provider` (free with llmc_models_cache_free): 0 fresh, 1 older than
 * max_age_s (still filled), -1 none. */
int llmc_models_cache_read(const char *provider, double max_age_s, char ***ids, size_t *n);
void llmc_models_cache_free(char **ids, size_t n);
/* The up to `max` ids nearest to `asked`, nearest first, comma-separated into out; returns how
 * many. */
size_t llmc_models_closest(char *const *ids, size_t n, const char *asked, char *out, size_t size, size_t max);

/* ---- server verdicts (verdict.c): the cause behind a failed response ---- */
/* After err was filled from a non-2xx response of `call`: name the cause — auth.rejected /
 * auth.forbidden (401/403, with the key's source and what it shadows), model.not_found (with the
 * closest served models, retired models and their replacement), request.unsupported_parameter,
 * config.base_url — and write its fix. */
void llmc_verdict(llmc_call *call, const llmc_http_response *resp, llmc_error *err);
/* Before sending: `base` (from `source`, NULL: the default) must be an http(s) URL with a host;
 * otherwise LLMC_E_CONFIG with cause config.base_url naming the source. */
llmc_code llmc_base_url_check(const llmc_endpoint *ep, const char *base, const char *source, llmc_error *err);

#endif /* LLMC_TRANSPORT_H */
