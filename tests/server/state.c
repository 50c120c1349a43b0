/* SPDX-License-Identifier: MIT */
/* The emulator's mutable state: the fault queue and the log of received requests.
 * One mutex guards both; critical sections only move pointers, so contention stays low even
 * with hundreds of connections. The log is a ring (--max-recorded) so benchmarks cannot
 * exhaust memory. */
#define _POSIX_C_SOURCE 200809L
#include "emulator.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fault_entry {
    char *path;
    long count;
    emu_fault fault;
    struct fault_entry *next;
} fault_entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static fault_entry *faults; /* FIFO: first match wins */
static json_t **ring;       /* recorded requests, oldest at ring_start */
static size_t ring_cap, ring_start, ring_len;

void state_init(size_t max_recorded)
{
    ring_cap = max_recorded;
    ring = ring_cap ? calloc(ring_cap, sizeof *ring) : NULL;
    if (!ring)
        ring_cap = 0;
}

static long get_long(const json_t *spec, const char *name, long fallback)
{
    const json_t *v = json_object_get(spec, name);
    return json_is_integer(v) ? (long)json_integer_value(v) : fallback;
}

int state_add_fault(const json_t *spec, char *err, size_t err_size)
{
    const json_t *path = json_object_get(spec, "path");
    const json_t *headers = json_object_get(spec, "headers");
    const json_t *body = json_object_get(spec, "body");
    if (!json_is_string(path)) {
        snprintf(err, err_size, "\"path\" (string) is required");
        return -1;
    }
    if (headers && !json_is_object(headers)) {
        snprintf(err, err_size, "\"headers\" must be an object of strings");
        return -1;
    }
    if (body && !json_is_string(body) && !json_is_null(body)) {
        snprintf(err, err_size, "\"body\" must be a string (sent as is)");
        return -1;
    }
    const json_t *ctype = json_object_get(spec, "content_type");
    if (ctype && !json_is_string(ctype)) {
        snprintf(err, err_size, "\"content_type\" must be a string");
        return -1;
    }
    const json_t *bytes = json_object_get(spec, "body_bytes");
    if (bytes &&
        (!json_is_integer(bytes) || json_integer_value(bytes) < 0 || json_integer_value(bytes) > (json_int_t)1 << 40)) {
        snprintf(err, err_size, "\"body_bytes\" must be an integer 0..2^40");
        return -1;
    }
    long status = get_long(spec, "status", 0);
    if (status != 0 && (status < 100 || status > 599)) {
        snprintf(err, err_size, "\"status\" must be 100..599");
        return -1;
    }
    fault_entry *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    e->path = strdup(json_string_value(path));
    e->count = get_long(spec, "count", 1);
    e->fault.status = (unsigned)status;
    e->fault.headers = headers ? json_deep_copy(headers) : NULL;
    e->fault.body = json_is_string(body) ? strdup(json_string_value(body)) : NULL;
    e->fault.delay_ms = get_long(spec, "delay_ms", 0);
    e->fault.stream_cut_after = get_long(spec, "stream_cut_after", -1);
    e->fault.stream_error_after = get_long(spec, "stream_error_after", -1);
    e->fault.content_type = json_is_string(ctype) ? strdup(json_string_value(ctype)) : NULL;
    e->fault.body_bytes = bytes ? (long long)json_integer_value(bytes) : 0;
    e->fault.drip_ms = get_long(spec, "drip_ms", 0);
    e->fault.retry_after_date_s = get_long(spec, "retry_after_date_s", -1);
    e->fault.hang = json_is_true(json_object_get(spec, "hang"));
    e->fault.drop = json_is_true(json_object_get(spec, "drop"));
    if (e->count <= 0)
        e->count = 1;
    pthread_mutex_lock(&lock);
    fault_entry **tail = &faults;
    while (*tail)
        tail = &(*tail)->next;
    *tail = e;
    pthread_mutex_unlock(&lock);
    return 0;
}

void fault_free(emu_fault *f)
{
    json_decref(f->headers);
    free(f->body);
    free(f->content_type);
    memset(f, 0, sizeof *f);
}

static void entry_free(fault_entry *e)
{
    fault_free(&e->fault);
    free(e->path);
    free(e);
}

void state_clear_faults(void)
{
    pthread_mutex_lock(&lock);
    fault_entry *e = faults;
    faults = NULL;
    pthread_mutex_unlock(&lock);
    while (e) {
        fault_entry *next = e->next;
        entry_free(e);
        e = next;
    }
}

json_t *state_list_faults(void)
{
    json_t *list = json_array();
    pthread_mutex_lock(&lock);
    for (fault_entry *e = faults; e; e = e->next) {
        json_t *o = json_pack("{s:s, s:i, s:I, s:I}", "path", e->path, "status", (int)e->fault.status, "count",
                              (json_int_t)e->count, "delay_ms", (json_int_t)e->fault.delay_ms);
        if (e->fault.headers)
            json_object_set(o, "headers", e->fault.headers);
        if (e->fault.body)
            json_object_set_new(o, "body", json_string(e->fault.body));
        if (e->fault.stream_cut_after >= 0)
            json_object_set_new(o, "stream_cut_after", json_integer(e->fault.stream_cut_after));
        if (e->fault.stream_error_after >= 0)
            json_object_set_new(o, "stream_error_after", json_integer(e->fault.stream_error_after));
        if (e->fault.content_type)
            json_object_set_new(o, "content_type", json_string(e->fault.content_type));
        if (e->fault.body_bytes > 0)
            json_object_set_new(o, "body_bytes", json_integer(e->fault.body_bytes));
        if (e->fault.drip_ms > 0)
            json_object_set_new(o, "drip_ms", json_integer(e->fault.drip_ms));
        if (e->fault.retry_after_date_s >= 0)
            json_object_set_new(o, "retry_after_date_s", json_integer(e->fault.retry_after_date_s));
        if (e->fault.hang)
            json_object_set_new(o, "hang", json_true());
        if (e->fault.drop)
            json_object_set_new(o, "drop", json_true());
        json_array_append_new(list, o);
    }
    pthread_mutex_unlock(&lock);
    return list;
}

int state_take_fault(const char *path, emu_fault *out)
{
    int taken = 0;
    fault_entry *done = NULL;
    pthread_mutex_lock(&lock);
    for (fault_entry **pp = &faults; *pp; pp = &(*pp)->next) {
        fault_entry *e = *pp;
        if (strcmp(e->path, path) != 0)
            continue;
        out->status = e->fault.status;
        out->headers = e->fault.headers ? json_deep_copy(e->fault.headers) : NULL;
        out->body = e->fault.body ? strdup(e->fault.body) : NULL;
        out->delay_ms = e->fault.delay_ms;
        out->stream_cut_after = e->fault.stream_cut_after;
        out->stream_error_after = e->fault.stream_error_after;
        out->content_type = e->fault.content_type ? strdup(e->fault.content_type) : NULL;
        out->body_bytes = e->fault.body_bytes;
        out->drip_ms = e->fault.drip_ms;
        out->retry_after_date_s = e->fault.retry_after_date_s;
        out->hang = e->fault.hang;
        out->drop = e->fault.drop;
        if (--e->count == 0) {
            *pp = e->next;
            done = e;
        }
        taken = 1;
        break;
    }
    pthread_mutex_unlock(&lock);
    if (done)
        entry_free(done);
    return taken;
}

void state_record(json_t *entry)
{
    json_t *evicted = NULL;
    pthread_mutex_lock(&lock);
    if (ring_cap == 0) {
        evicted = entry;
    } else if (ring_len < ring_cap) {
        ring[(ring_start + ring_len++) % ring_cap] = entry;
    } else {
        evicted = ring[ring_start];
        ring[ring_start] = entry;
        ring_start = (ring_start + 1) % ring_cap;
    }
    pthread_mutex_unlock(&lock);
    json_decref(evicted);
}

json_t *state_requests(void)
{
    json_t *list = json_array();
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < ring_len; i++)
        json_array_append(list, ring[(ring_start + i) % ring_cap]);
    pthread_mutex_unlock(&lock);
    return list;
}

void state_clear_requests(void)
{
    pthread_mutex_lock(&lock);
    json_t **old = ring_len ? malloc(ring_len * sizeof *old) : NULL;
    size_t n = 0;
    for (size_t i = 0; i < ring_len; i++) {
        json_t *e = ring[(ring_start + i) % ring_cap];
        if (old)
            old[n++] = e;
        else
            json_decref(e);
    }
    ring_start = ring_len = 0;
    pthread_mutex_unlock(&lock);
    for (size_t i = 0; i < n; i++)
        json_decref(old[i]);
    free(old);
}
