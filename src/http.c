/* SPDX-License-Identifier: MIT */
/*
 * http.c — the rules of the wire that every transfer obeys: the URL policy (https, plain http
 * only to loopback or when allowed, no credentials in URLs), the SDKs' retry rules, response
 * header parsing, the header list that carries the key (wiped when freed), and the libcurl
 * settings every transfer shares (no redirects, no proxy for plain http). The engine (engine.c,
 * xfer.c) applies them; nothing here knows a provider's JSON.
 */
#include "transport.h"
#include "secret.h"

#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- URL policy ---- */

static bool host_is_loopback(const char *host)
{
    if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 || strcmp(host, "::1") == 0)
        return true;
    /* 127.0.0.0/8, written as four decimal parts */
    unsigned a, b, c, d;
    char tail;
    return sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 && b < 256 && c < 256 && d < 256;
}

static llmc_code llmc_url_check_uncached(const char *url, bool allow_insecure_http, llmc_error *err);

/* The URL a call on this thread last passed: the same text passes again without a parse (every
 * call of a client checks the same few URLs). Per thread, so no lock; only a pass is kept. */
static _Thread_local char passed_url[512];
static _Thread_local bool passed_allow;

llmc_code llmc_url_check(const char *url, bool allow_insecure_http, llmc_error *err)
{
    if (passed_url[0] && passed_allow == allow_insecure_http && strcmp(url, passed_url) == 0)
        return LLMC_OK;
    llmc_code rc = llmc_url_check_uncached(url, allow_insecure_http, err);
    if (rc == LLMC_OK && strlen(url) < sizeof passed_url) {
        memcpy(passed_url, url, strlen(url) + 1);
        passed_allow = allow_insecure_http;
    }
    return rc;
}

static llmc_code llmc_url_check_uncached(const char *url, bool allow_insecure_http, llmc_error *err)
{
    llmc_code rc = llmc_url_refuse_credentials(url, err);
    if (rc != LLMC_OK)
        return rc;
    CURLU *u = curl_url();
    if (!u)
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    char *scheme = NULL, *host = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        /* the text may be anything pasted, a key included: show it only when it looks like a URL */
        if (strstr(url, "://"))
            rc = llmc_error_set(err, LLMC_E_CONFIG, "not a valid URL: %.400s", url);
        else
            rc = llmc_error_set(err, LLMC_E_CONFIG,
                                "not a valid URL (%zu characters, not shown; a base URL starts "
                                "with https://)",
                                strlen(url));
    } else if (strcasecmp(scheme, "https") == 0) {
        rc = LLMC_OK;
    } else if (strcasecmp(scheme, "http") != 0) {
        rc = llmc_error_set(err, LLMC_E_CONFIG, "unsupported URL scheme \"%s\" (use https)", scheme);
    } else if (!host_is_loopback(host) && !allow_insecure_http) {
        rc = llmc_error_set(err, LLMC_E_INSECURE,
                            "plain http:// to %s would carry the API key unencrypted: only loopback hosts "
                            "may use http unless allowed for this provider",
                            host);
        if (err) {
            /* the caller knows the provider and writes the fix (llmc_endpoint_set_fix) */
            err->diagnosis.cause = LLMC_CAUSE_TRANSPORT_INSECURE;
            err->diagnosis.severity = LLMC_SEVERITY_ERROR;
            err->diagnosis.fix[0] = '\0';
            snprintf(err->diagnosis.detail, sizeof err->diagnosis.detail, "the base URL is %.400s", url);
        }
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

/* ---- retry rules (the official SDKs', DESIGN §6) ---- */

bool llmc_retry_wanted(long status, int should_retry)
{
    if (should_retry == 1)
        return true;
    if (should_retry == 0)
        return false;
    return status == 0 || status == 408 || status == 409 || status == 429 || status >= 500;
}

double llmc_retry_delay_s(int attempt, double retry_after_s, double jitter)
{
    if (retry_after_s > 0 && retry_after_s <= 60)
        return retry_after_s;
    double base = 0.5 * pow(2.0, attempt);
    if (base > 8.0)
        base = 8.0;
    return base * (1.0 - 0.25 * jitter);
}

/* ---- response headers ---- */

/* Copy a header's value (trimmed) into dst when the line is `name: value`. */
static bool header_value(const char *line, size_t len, const char *name, char *dst, size_t size)
{
    size_t n = strlen(name);
    if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
        return false;
    const char *v = line + n + 1, *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    size_t vlen = (size_t)(end - v) < size - 1 ? (size_t)(end - v) : size - 1;
    memcpy(dst, v, vlen);
    dst[vlen] = '\0';
    return true;
}

/* retry-after: delta-seconds or an HTTP date. */
static double parse_retry_after(const char *v)
{
    char *end;
    errno = 0;
    double secs = strtod(v, &end);
    if (end != v && *end == '\0' && errno == 0)
        return secs;
    time_t when = curl_getdate(v, NULL);
    return when < 0 ? -1 : difftime(when, time(NULL));
}

void llmc_http_header_line(const char *line, size_t n, llmc_http_response *r, double *retry_after_ms,
                           double *retry_after)
{
    char value[128];
    /* only a few names matter: look at those that can be one of them (the first letter) */
    int first = n > 0 ? (line[0] | 0x20) : 0;
    if (first != 'h' && first != 'r' && first != 'c' && first != 'l' && first != 'x')
        return;
    if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        /* a new response (e.g. after 100-continue): forget the previous one's headers */
        r->request_id[0] = r->content_type[0] = r->location[0] = '\0';
        *retry_after = *retry_after_ms = -1;
        r->should_retry = -1;
    } else if (header_value(line, n, "request-id", r->request_id, sizeof r->request_id) ||
               header_value(line, n, "content-type", r->content_type, sizeof r->content_type) ||
               header_value(line, n, "location", r->location, sizeof r->location)) {
    } else if (!r->request_id[0] && header_value(line, n, "x-request-id", r->request_id, sizeof r->request_id)) {
    } else if (header_value(line, n, "retry-after-ms", value, sizeof value)) {
        char *end;
        double ms = strtod(value, &end);
        *retry_after_ms = end != value ? ms : -1;
    } else if (header_value(line, n, "retry-after", value, sizeof value)) {
        *retry_after = parse_retry_after(value);
    } else if (header_value(line, n, "x-should-retry", value, sizeof value)) {
        r->should_retry = strcasecmp(value, "true") == 0 ? 1 : strcasecmp(value, "false") == 0 ? 0 : -1;
    }
}

/* ---- what every transfer sends ---- */

/* Wipe every header line (one of them holds the key) before freeing the list. */
void llmc_http_headers_free(struct curl_slist *list)
{
    for (struct curl_slist *h = list; h; h = h->next)
        explicit_bzero(h->data, strlen(h->data));
    curl_slist_free_all(list);
}

struct curl_slist *llmc_http_headers(const char *const *headers, const llmc_credential *cred, llmc_auth_style auth)
{
    struct curl_slist *list = NULL, *next;
    for (size_t i = 0; headers && headers[i]; i++) {
        if (!(next = curl_slist_append(list, headers[i])))
            goto oom;
        list = next;
    }
    /* Suppress curl's automatic "Expect: 100-continue": it costs a round trip on large bodies.
     * The user agent goes in as a plain line: CURLOPT_USERAGENT is formatted anew per request. */
    if (!(next = curl_slist_append(list, "Expect:")))
        goto oom;
    list = next;
    if (!(next = curl_slist_append(list, "User-Agent: llmc/" LLMC_VERSION_STRING)))
        goto oom;
    list = next;
    if (cred && cred->secret) {
        const char *name = (auth == LLMC_AUTH_BEARER || cred->bearer) ? "Authorization: Bearer " : "x-api-key: ";
        size_t len = strlen(name) + llmc_secret_len(cred->secret) + 1;
        char *line = malloc(len);
        if (!line)
            goto oom;
        snprintf(line, len, "%s%s", name, llmc_secret_bytes(cred->secret));
        next = curl_slist_append(list, line);
        explicit_bzero(line, len);
        free(line);
        if (!next)
            goto oom;
        list = next;
    }
    return list;
oom:
    llmc_http_headers_free(list);
    return NULL;
}

bool llmc_transport_retriable(CURLcode cc)
{
    switch (cc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

llmc_code llmc_transport_error(CURLcode cc, const char *detail, const char *url, llmc_error *err)
{
    llmc_code code = cc == CURLE_OPERATION_TIMEDOUT ? LLMC_E_TIMEOUT : LLMC_E_TRANSPORT;
    const char *what = *detail ? detail : curl_easy_strerror(cc);
    if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE)
        llmc_error_set(err, code,
                       "TLS certificate of %s could not be verified: %s (to trust a private CA, give its "
                       "PEM file with --cacert, llmc_client_set_ca_file() or CURL_CA_BUNDLE)",
                       url, what);
    else
        llmc_error_set(err, code, "%s: %s", url, what);
    if (err)
        err->transport_code = (int)cc;
    return code;
}

void llmc_http_configure(CURL *h, const llmc_transport_opts *o, const char *url, struct curl_slist *headers,
                         char *errbuf)
{
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    /* a redirect would carry the key to another address: a 3xx is returned, never followed */
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, o->connect_ms);
    /* Compression costs more CPU than it saves on the small JSON of a call (libcurl sets up its
     * decoders per transfer); large downloads (remote batch results) ask for it. */
    if (o->compress)
        curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    /* Through a proxy, a plain-http request travels to the proxy in clear, key included, and
     * the proxy's own address is nobody's loopback: plain http never uses one (http_proxy,
     * ALL_PROXY and the rest are ignored for it). https goes through a proxy as a CONNECT
     * tunnel, where the key stays inside TLS. */
    if (strncasecmp(url, "http://", 7) == 0)
        curl_easy_setopt(h, CURLOPT_PROXY, "");
    if (o->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file);
    if (o->cancel) {
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, llmc_http_xferinfo);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, (void *)o->cancel);
    }
}

void llmc_http_response_free(llmc_http_response *resp)
{
    llmc_buf_free(&resp->body);
}
