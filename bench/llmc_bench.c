/* SPDX-License-Identifier: MIT */
/*
 * llmc_bench.c — the llmc side of the benchmarks (bench/run.sh drives it): sequential calls,
 * throughput at N in flight, one long stream, and many open streams. Each run prints one JSON
 * line of figures on stdout. Base URLs and keys come from the environment, as for any program
 * using llmc (ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY, …). Every loop is bounded in count and time.
 *
 *   llmc_bench seq     MODEL COUNT
 *   llmc_bench tput    MODEL INFLIGHT COUNT SECONDS
 *   llmc_bench stream  MODEL EVENTS                 llmc_messages_stream (push)
 *   llmc_bench pull    MODEL EVENTS                 llmc_stream_open / llmc_stream_next (pull)
 *   llmc_bench streams MODEL OPEN EVENTS_EACH
 *   llmc_bench batch   MODEL INFLIGHT COUNT SECONDS DIR   llmc_batch_run (built with -DLLMC_BENCH_BATCH)
 *   llmc_bench multi   MODEL INFLIGHT COUNT SECONDS       llmc_multi on this thread, INFLIGHT at a time
 */
#define _GNU_SOURCE
#include <llmc/llmc.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define PROMPT "Hello there"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* user + system CPU seconds of the whole process (all threads) */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

/* A /proc/self/status field in KiB (VmRSS, VmHWM). */
static long status_kib(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0 && line[n] == ':') {
            v = strtol(line + n + 1, NULL, 10);
            break;
        }
    if (f)
        fclose(f);
    return v;
}

static void die(const char *what, const llmc_error *err)
{
    fprintf(stderr, "llmc_bench: %s: %s (%s)\n", what, err->message, llmc_strerror(err->code));
    exit(1);
}

static llmc_request *make_request(const char *model, long events)
{
    llmc_request *req = llmc_request_new(model);
    if (!req || llmc_request_add_message(req, LLMC_ROLE_USER, PROMPT, NULL) != LLMC_OK ||
        llmc_request_set_max_tokens(req, 64, NULL) != LLMC_OK)
        exit(2);
    if (events > 0) {
        char n[32];
        snprintf(n, sizeof n, "%ld", events);
        if (llmc_request_set_header(req, "x-emulator-stream-events", n, NULL) != LLMC_OK)
            exit(2);
    }
    return req;
}

static bool try_call(llmc_client *c, const llmc_request *req)
{
    llmc_response *resp = NULL;
    llmc_error err;
    if (llmc_messages_create(c, req, &resp, &err) != LLMC_OK)
        return false;
    bool ok = strncmp(llmc_response_text(resp), "You said", 8) == 0;
    llmc_response_free(resp);
    return ok;
}

static void one_call(llmc_client *c, const llmc_request *req)
{
    llmc_response *resp = NULL;
    llmc_error err;
    if (llmc_messages_create(c, req, &resp, &err) != LLMC_OK)
        die("request", &err);
    if (strncmp(llmc_response_text(resp), "You said", 8) != 0) {
        fprintf(stderr, "llmc_bench: unexpected reply\n");
        exit(1);
    }
    llmc_response_free(resp);
}

/* ---- 1. sequential ---- */

static int run_seq(const char *model, long count)
{
    llmc_client *c = llmc_client_new();
    llmc_request *req = make_request(model, 0);
    for (long i = 0; i < count / 10 + 1; i++) /* warm up: connection, caches */
        one_call(c, req);
    double t0 = now_s(), c0 = cpu_s();
    for (long i = 0; i < count; i++)
        one_call(c, req);
    double wall = now_s() - t0, cpu = cpu_s() - c0;
    printf("{\"requests\":%ld,\"wall_s\":%.6f,\"cpu_s\":%.6f,\"wall_us_per_req\":%.3f,\"cpu_us_per_req\":%.3f}\n",
           count, wall, cpu, wall / (double)count * 1e6, cpu / (double)count * 1e6);
    llmc_request_free(req);
    llmc_client_free(c);
    return 0;
}

/* ---- 2. throughput: one thread and one client per request in flight ---- */

typedef struct tput_shared {
    const char *model;
    long count;
    double deadline;
    atomic_long started, done, failed;
    pthread_barrier_t ready;
} tput_shared;

static void *tput_worker(void *arg)
{
    tput_shared *sh = arg;
    llmc_client *c = llmc_client_new();
    /* a request the server never answers fails after 10 s instead of holding the run */
    llmc_client_set_timeouts(c, 0, 10000);
    llmc_client_set_max_retries(c, 0);
    llmc_request *req = make_request(sh->model, 0);
    one_call(c, req); /* connect before the clock starts */
    pthread_barrier_wait(&sh->ready);
    pthread_barrier_wait(&sh->ready);
    while (atomic_fetch_add(&sh->started, 1) < sh->count && now_s() < sh->deadline) {
        if (try_call(c, req))
            atomic_fetch_add(&sh->done, 1);
        else
            atomic_fetch_add(&sh->failed, 1);
    }
    llmc_request_free(req);
    llmc_client_free(c);
    return NULL;
}

static int run_tput(const char *model, int inflight, long count, double seconds)
{
    tput_shared sh = {.model = model, .count = count};
    pthread_barrier_init(&sh.ready, NULL, (unsigned)inflight + 1);
    pthread_t *th = calloc((size_t)inflight, sizeof *th);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    for (int i = 0; i < inflight; i++)
        if (pthread_create(&th[i], &attr, tput_worker, &sh) != 0) {
            fprintf(stderr, "llmc_bench: pthread_create failed\n");
            return 1;
        }
    pthread_barrier_wait(&sh.ready); /* everyone connected */
    double t0 = now_s(), c0 = cpu_s();
    sh.deadline = t0 + seconds;
    pthread_barrier_wait(&sh.ready);
    for (int i = 0; i < inflight; i++)
        pthread_join(th[i], NULL);
    double wall = now_s() - t0, cpu = cpu_s() - c0;
    long done = atomic_load(&sh.done), failed = atomic_load(&sh.failed);
    printf(
        "{\"driver\":\"threads\",\"inflight\":%d,\"requests\":%ld,\"failed\":%ld,\"wall_s\":%.6f,\"rps\":%.1f,"
        "\"cpu_us_per_req\":%.3f}\n",
        inflight, done, failed, wall, (double)done / wall, cpu / (double)done * 1e6);
    free(th);
    return 0;
}

/* ---- 2c. throughput through the public multi API: one thread, a refill per completion ---- */

typedef struct multi_run {
    llmc_multi *m;
    llmc_request *req;
    long started, done, failed, count;
    double deadline;
} multi_run;

static void multi_done(void *userdata, llmc_transfer *t, llmc_code code, llmc_response *resp, const llmc_error *err)
{
    (void)t;
    (void)err;
    multi_run *mr = userdata;
    mr->done++;
    if (code != LLMC_OK)
        mr->failed++;
    llmc_response_free(resp);
    /* keep the pipe full until the time is up: the transfer that ended makes room for one */
    if (mr->started < mr->count && now_s() < mr->deadline) {
        llmc_error e;
        if (llmc_multi_add(mr->m, mr->req, NULL, multi_done, mr, NULL, &e) == LLMC_OK)
            mr->started++;
    }
}

static int run_multi(const char *model, int inflight, long count, double seconds)
{
    llmc_client *c = llmc_client_new();
    llmc_multi *m = llmc_multi_new(c);
    llmc_request *req = make_request(model, 0);
    llmc_error err;
    multi_run mr = {.m = m, .req = req, .count = count, .deadline = now_s() + 30};
    if (llmc_multi_set_limits(m, inflight, 0, 0, &err) != LLMC_OK)
        die("multi limits", &err);
    /* warm up: one request on every connection before the clock starts */
    for (int i = 0; i < inflight; i++)
        if (llmc_multi_add(m, req, NULL, multi_done, &mr, NULL, &err) != LLMC_OK)
            die("multi add", &err);
    mr.count = inflight;
    mr.started = inflight;
    int running = 1;
    while (running) {
        llmc_multi_perform(m, &running);
        if (running)
            llmc_multi_wait(m, 100);
    }
    mr = (multi_run){.m = m, .req = req, .count = count};
    double t0 = now_s(), c0 = cpu_s();
    mr.deadline = t0 + seconds;
    for (int i = 0; i < inflight && mr.started < count; i++, mr.started++)
        if (llmc_multi_add(m, req, NULL, multi_done, &mr, NULL, &err) != LLMC_OK)
            die("multi add", &err);
    running = 1;
    while (running && now_s() < t0 + 3 * seconds + 10) {
        llmc_multi_perform(m, &running);
        if (running)
            llmc_multi_wait(m, 100);
    }
    double wall = now_s() - t0, cpu = cpu_s() - c0;
    printf(
        "{\"driver\":\"multi\",\"inflight\":%d,\"requests\":%ld,\"failed\":%ld,\"wall_s\":%.6f,\"rps\":%.1f,"
        "\"cpu_us_per_req\":%.3f}\n",
        inflight, mr.done, mr.failed, wall, (double)mr.done / wall, cpu / (double)mr.done * 1e6);
    llmc_request_free(req);
    llmc_multi_free(m);
    llmc_client_free(c);
    return mr.failed ? 1 : 0;
}

/* ---- 3. one long stream ---- */

typedef struct counter {
    long text, other;
    size_t bytes;
} counter;

static int count_event(void *userdata, const llmc_event *ev)
{
    counter *k = userdata;
    if (ev->type == LLMC_EVENT_TEXT) {
        k->text++;
        k->bytes += ev->text_len;
    } else {
        k->other++;
    }
    return 0;
}

static int run_stream(const char *model, long events)
{
    llmc_client *c = llmc_client_new();
    llmc_request *req = make_request(model, events);
    llmc_error err;
    counter warm = {0};
    llmc_request *small = make_request(model, 100);
    if (llmc_messages_stream(c, small, count_event, &warm, NULL, &err) != LLMC_OK)
        die("warm-up stream", &err);
    counter k = {0};
    llmc_response *final = NULL;
    double t0 = now_s(), c0 = cpu_s();
    if (llmc_messages_stream(c, req, count_event, &k, &final, &err) != LLMC_OK)
        die("stream", &err);
    double wall = now_s() - t0, cpu = cpu_s() - c0;
    if (k.text != events || strlen(llmc_response_text(final)) != k.bytes) {
        fprintf(stderr, "llmc_bench: %ld text events (%zu bytes), expected %ld\n", k.text, k.bytes, events);
        return 1;
    }
    printf("{\"events\":%ld,\"wall_s\":%.6f,\"cpu_s\":%.6f,\"events_per_s\":%.0f,\"cpu_ns_per_event\":%.1f}\n", k.text,
           wall, cpu, (double)k.text / wall, cpu / (double)k.text * 1e9);
    llmc_response_free(final);
    llmc_request_free(small);
    llmc_request_free(req);
    llmc_client_free(c);
    return 0;
}

static int run_pull(const char *model, long events)
{
    llmc_client *c = llmc_client_new();
    llmc_request *req = make_request(model, events);
    llmc_error err;
    long text = 0;
    size_t bytes = 0;
    double t0 = now_s(), c0 = cpu_s();
    llmc_stream *s = NULL;
    if (llmc_stream_open(c, req, &s, &err) != LLMC_OK)
        die("stream open", &err);
    const llmc_event *ev;
    llmc_code rc;
    while ((rc = llmc_stream_next(s, &ev, &err)) == LLMC_OK && ev)
        if (ev->type == LLMC_EVENT_TEXT) {
            text++;
            bytes += ev->text_len;
        }
    double wall = now_s() - t0, cpu = cpu_s() - c0;
    if (rc != LLMC_OK)
        die("stream next", &err);
    if (text != events || strlen(llmc_response_text(llmc_stream_response(s))) != bytes) {
        fprintf(stderr, "llmc_bench: %ld text events (%zu bytes), expected %ld\n", text, bytes, events);
        return 1;
    }
    printf("{\"events\":%ld,\"wall_s\":%.6f,\"cpu_s\":%.6f,\"events_per_s\":%.0f,\"cpu_ns_per_event\":%.1f}\n", text,
           wall, cpu, (double)text / wall, cpu / (double)text * 1e9);
    llmc_stream_free(s);
    llmc_request_free(req);
    llmc_client_free(c);
    return 0;
}

/* ---- 4. many open streams, pumped round-robin ---- */

static int run_streams(const char *model, int open, long events_each)
{
    llmc_client *c = llmc_client_new();
    llmc_request *req = make_request(model, events_each);
    llmc_error err;
    { /* load everything a stream touches before the baseline */
        llmc_stream *s = NULL;
        const llmc_event *ev;
        if (llmc_stream_open(c, req, &s, &err) != LLMC_OK)
            die("warm-up stream", &err);
        while (llmc_stream_next(s, &ev, &err) == LLMC_OK && ev) {
        }
        llmc_stream_free(s);
    }
    long base = status_kib("VmRSS");
    llmc_stream **s = calloc((size_t)open, sizeof *s);
    double t0 = now_s(), c0 = cpu_s();
    for (int i = 0; i < open; i++)
        if (llmc_stream_open(c, req, &s[i], &err) != LLMC_OK)
            die("stream open", &err);
    long all_open = status_kib("VmRSS");
    long text = 0, left = open, peak = all_open;
    /* one event from each live stream per pass: every stream stays open until the last pass */
    for (long pass = 0; left > 0 && pass < events_each * 4 + 100; pass++) {
        for (int i = 0; i < open; i++) {
            if (!s[i])
                continue;
            const llmc_event *ev = NULL;
            llmc_code rc = llmc_stream_next(s[i], &ev, &err);
            if (rc != LLMC_OK)
                die("stream next", &err);
            if (!ev || ev->type == LLMC_EVENT_DONE) {
                llmc_stream_free(s[i]);
                s[i] = NULL;
                left--;
            } else if (ev->type == LLMC_EVENT_TEXT) {
                text++;
            }
        }
        if (pass % 64 == 0) {
            long now = status_kib("VmRSS");
            peak = now > peak ? now : peak;
        }
    }
    double wall = now_s() - t0, cpu = cpu_s() - c0;
    if (left || text != events_each * open) {
        fprintf(stderr, "llmc_bench: %ld streams unfinished, %ld text events of %ld\n", left, text, events_each * open);
        return 1;
    }
    long hwm = status_kib("VmHWM");
    peak = hwm > peak ? hwm : peak;
    printf(
        "{\"streams\":%d,\"events_each\":%ld,\"rss_base_kib\":%ld,\"rss_all_open_kib\":%ld,\"rss_peak_kib\":%ld,"
        "\"kib_per_stream\":%.2f,\"wall_s\":%.3f,\"cpu_s\":%.3f}\n",
        open, events_each, base, all_open, peak, (double)(peak - base) / open, wall, cpu);
    free(s);
    llmc_request_free(req);
    llmc_client_free(c);
    return 0;
}

#ifdef LLMC_BENCH_BATCH
/* ---- 2b. throughput through the batch runner: one libcurl multi handle on this thread ---- */

typedef struct stopper {
    llmc_batch *batch;
    double seconds;
    atomic_bool done;
    _Atomic double first;     /* when the first request went out (the input check is over) */
    _Atomic double first_cpu; /* the process's CPU seconds then */
} stopper;

static void on_progress(void *userdata, const llmc_batch_progress *p)
{
    stopper *st = userdata;
    if (atomic_load(&st->first) == 0 && (p->in_flight > 0 || p->succeeded > 0 || p->errored > 0)) {
        atomic_store(&st->first_cpu, cpu_s());
        atomic_store(&st->first, now_s());
    }
}

/* Stops the batch `seconds` after its first request went out (at the latest 3 × seconds + 10 s
 * after the start), unless it finished first: the run is bounded in time as well as in count. */
static void *stop_later(void *arg)
{
    stopper *st = arg;
    double t0 = now_s();
    while (!atomic_load(&st->done)) {
        double first = atomic_load(&st->first), now = now_s();
        if ((first > 0 && now - first >= st->seconds) || now - t0 > 3 * st->seconds + 10) {
            llmc_batch_stop(st->batch);
            break;
        }
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static int run_batch(const char *model, int inflight, long count, double seconds, const char *dir)
{
    char in[4096], out[4096];
    snprintf(in, sizeof in, "%s/batch-in.jsonl", dir);
    /* results are fsynced by design; on tmpfs that costs nothing, so the network path is measured */
    snprintf(out, sizeof out, "%s/llmc-bench-batch-out.%d.jsonl", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : dir,
             (int)getpid());
    FILE *f = fopen(in, "w");
    if (!f)
        return 1;
    for (long i = 0; i < count; i++)
        fprintf(f,
                "{\"custom_id\":\"r%ld\",\"params\":{\"model\":\"%s\",\"max_tokens\":64,"
                "\"messages\":[{\"role\":\"user\",\"content\":\"" PROMPT "\"}]}}\n",
                i, model);
    fclose(f);
    unlink(out);
    llmc_client *c = llmc_client_new();
    llmc_batch *b = llmc_batch_new(c);
    llmc_error err;
    if (llmc_batch_set_output(b, out, &err) != LLMC_OK || llmc_batch_set_concurrency(b, inflight, &err) != LLMC_OK)
        die("batch setup", &err);
    stopper sp = {.batch = b, .seconds = seconds};
    llmc_batch_set_progress(b, on_progress, &sp, 0.005);
    pthread_t timer;
    pthread_create(&timer, NULL, stop_later, &sp);
    double t0 = now_s(), c0 = cpu_s();
    llmc_code rc = llmc_batch_run(b, in, &err);
    double end = now_s(), cpu = cpu_s() - c0;
    atomic_store(&sp.done, true);
    pthread_join(timer, NULL);
    double first = atomic_load(&sp.first);
    /* from the first request out: the input check (reading and checking every line) excluded */
    double wall = end - (first > 0 ? first : t0);
    if (first > 0)
        cpu = cpu_s() - atomic_load(&sp.first_cpu);
    llmc_batch_progress st;
    llmc_batch_stats(b, &st);
    unlink(out);
    if (rc != LLMC_OK && rc != LLMC_E_ABORTED)
        die("batch run", &err);
    if (st.errored || st.succeeded == 0) {
        fprintf(stderr, "llmc_bench: %zu batch requests succeeded, %zu errored\n", st.succeeded, st.errored);
        return 1;
    }
    long done = (long)st.succeeded;
    printf(
        "{\"driver\":\"batch\",\"inflight\":%d,\"requests\":%ld,\"stopped\":%s,\"check_s\":%.6f,\"wall_s\":%.6f,"
        "\"rps\":%.1f,\"cpu_us_per_req\":%.3f}\n",
        inflight, done, rc == LLMC_E_ABORTED ? "true" : "false", first > 0 ? first - t0 : 0, wall, (double)done / wall,
        cpu / (double)done * 1e6);
    llmc_batch_free(b);
    llmc_client_free(c);
    return 0;
}
#endif

int main(int argc, char **argv)
{
    if (llmc_global_init() != LLMC_OK)
        return 2;
    int rc = 2;
    if (argc == 4 && strcmp(argv[1], "seq") == 0)
        rc = run_seq(argv[2], atol(argv[3]));
    else if (argc == 6 && strcmp(argv[1], "tput") == 0)
        rc = run_tput(argv[2], atoi(argv[3]), atol(argv[4]), atof(argv[5]));
    else if (argc == 4 && strcmp(argv[1], "stream") == 0)
        rc = run_stream(argv[2], atol(argv[3]));
    else if (argc == 4 && strcmp(argv[1], "pull") == 0)
        rc = run_pull(argv[2], atol(argv[3]));
#ifdef LLMC_BENCH_BATCH
    else if (argc == 7 && strcmp(argv[1], "batch") == 0)
        rc = run_batch(argv[2], atoi(argv[3]), atol(argv[4]), atof(argv[5]), argv[6]);
#endif
    else if (argc == 6 && strcmp(argv[1], "multi") == 0)
        rc = run_multi(argv[2], atoi(argv[3]), atol(argv[4]), atof(argv[5]));
    else if (argc == 5 && strcmp(argv[1], "streams") == 0)
        rc = run_streams(argv[2], atoi(argv[3]), atol(argv[4]));
    else
        fprintf(stderr,
                "usage: llmc_bench seq MODEL COUNT | tput MODEL INFLIGHT COUNT SECONDS |\n"
                "                  stream|pull MODEL EVENTS | streams MODEL OPEN EVENTS_EACH |\n"
                "                  batch MODEL INFLIGHT COUNT SECONDS DIR | multi MODEL INFLIGHT COUNT SECONDS\n");
    llmc_global_cleanup();
    return rc;
}
