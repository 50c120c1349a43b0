/* SPDX-License-Identifier: MIT */
/*
 * util.h — the bottom layer every library file may use: the byte buffer, string helpers, errors,
 * logging (every line redacted), the monotonic clock, name/value pairs and JSON with llmc's limits.
 * Nothing here knows a provider, a key or the network.
 */
#ifndef LLMC_UTIL_H
#define LLMC_UTIL_H

#include "llmc/llmc.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

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
/* Whether a line of `level` would be delivered (to skip building costly ones). */
bool llmc_log_wants(const llmc_logger *lg, llmc_log_level level);
/* The default logger: the LLMC_LOG variable's level on stderr, or disabled. */
void llmc_logger_default(llmc_logger *lg);

typedef struct llmc_kv {
    char *key;
    char *value;
} llmc_kv;

/* The optimal string alignment distance of a and b (distance.c): insertions, deletions,
 * substitutions and swaps of neighbours. Strings over 255 bytes are never near anything. */
size_t llmc_edit_distance(const char *a, const char *b);

/* Monotonic seconds: every wait, deadline, TTL and rate (clock.c). */
double llmc_now_s(void);
/* Unix seconds, for dates providers send. */
double llmc_wall_s(void);

/* ---- JSON with llmc's limits (json.c) ---- */
/* The deepest nesting of arrays and objects llmc reads in a reply. */
#define LLMC_MAX_JSON_DEPTH 256
/* Parse JSON with llmc's limits (depth, size); on failure fills err with LLMC_E_PROTOCOL or
 * LLMC_E_LIMIT and returns NULL. */
json_t *llmc_json_parse(const char *body, size_t len, const char *what, llmc_error *err);
/* Whether s[0..len) is exactly one JSON text (RFC 8259 syntax; strings are not checked for
 * UTF-8), without building it; nesting deeper than 1024 counts as invalid (json_check.c). */
bool llmc_json_valid(const char *s, size_t len);
/* json_loadb, except that a document with an integer past 64 bits (a real `seed` of
 * 14836394043272784000) is decoded again with every integer as a real instead of failing whole. */
json_t *llmc_json_loadb(const char *text, size_t len, size_t flags, json_error_t *jerr);
/* The JSON text of `value` (malloc'd), or NULL when it could not be made whole — unlike
 * json_dumps, never a text with a member silently missing. */
char *llmc_json_dump(const json_t *value, size_t flags);
/* Set / append a new reference; -1 when value is NULL (a failed constructor) or on failure. */
int llmc_json_put(json_t *obj, const char *key, json_t *value);
int llmc_json_append(json_t *array, json_t *value);

#endif /* LLMC_UTIL_H */
