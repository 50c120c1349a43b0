/* SPDX-License-Identifier: MIT */
/*
 * curl_multi.c — the transport ceiling: a bare libcurl multi loop sending the same request as
 * llmc (same URL, headers and body), N in flight on kept-alive connections, nothing parsed. And
 * the floor for streams: one transfer read and thrown away. One JSON line of figures on stdout.
 *
 *   curl_multi tput   URL INFLIGHT COUNT SECONDS     (ANTHROPIC_API_KEY from the environment)
 *   curl_multi stream URL EVENTS
 */
#define _GNU_SOURCE
#include <curl/curl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static const char BODY[] =
    "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\","
    "\"content\":\"Hello there\"}]}";
static const char STREAM_BODY[] =
    "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":64,\"stream\":true,\"messages\":"
    "[{\"role\":\"user\",\"content\":\"Hello there\"}]}";

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

static size_t sink(char *data, size_t size, size_t nmemb, void *userp)
{
    (void)data;
    *(size_t *)userp += size * nmemb;
    return size * nmemb;
}

static struct curl_slist *headers(const char *extra)
{
    const char *key = getenv("ANTHROPIC_API_KEY");
    char line[512];
    snprintf(line, sizeof line, "x-api-key: %s", key ? key : "");
    struct curl_slist *h = NULL;
    h = curl_slist_append(h, "content-type: application/json");
    h = curl_slist_append(h, "accept: application/json");
    h = curl_slist_append(h, "anthropic-version: 2023-06-01");
    h = curl_slist_append(h, "Expect:");
    h = curl_slist_append(h, line);
    if (extra)
        h = curl_slist_append(h, extra);
    return h;
}

typedef struct xfer {
    CURL *easy;
    size_t bytes;
} xfer;

static void setup(xfer *x, const char *url, struct curl_slist *h, const char *body)
{
    x->easy = curl_easy_init();
    curl_easy_setopt(x->easy, CURLOPT_URL, url);
    curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, &x->bytes);
    curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, 10000L); /* a request never answered fails, not hangs */
    curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
}

static int run_tput(const char *url, int inflight, long count, double seconds)
{
    struct curl_slist *h = headers(NULL);
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)inflight);
    xfer *x = calloc((size_t)inflight, sizeof *x);
    for (int i = 0; i < inflight; i++) {
        setup(&x[i], url, h, BODY);
        curl_multi_add_handle(multi, x[i].easy);
    }
    /* warm up: one request on every connection before the clock starts */
    int running = inflight;
    double limit = now_s() + 30;
    while (running && now_s() < limit) {
        curl_multi_perform(multi, &running);
        if (running)
            curl_multi_poll(multi, NULL, 0, 100, NULL);
    }
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(multi, &left)) != NULL)
        curl_multi_remove_handle(multi, m->easy_handle);

    long started = 0, done = 0, failed = 0;
    double t0 = now_s(), c0 = cpu_s(), deadline = t0 + seconds;
    for (int i = 0; i < inflight && started < count; i++, started++)
        curl_multi_add_handle(multi, x[i].easy);
    running = 1;
    while (done < started) {
        curl_multi_perform(multi, &running);
        while ((m = curl_multi_info_read(multi, &left)) != NULL) {
            if (m->msg != CURLMSG_DONE)
                continue;
            long status = 0;
            curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            if (m->data.result != CURLE_OK || status != 200)
                failed++;
            done++;
            curl_multi_remove_handle(multi, m->easy_handle);
            if (started < count && now_s() < deadline) {
                curl_multi_add_handle(multi, m->easy_handle);
                started++;
            }
        }
        if (done < started)
            curl_multi_poll(multi, NULL, 0, 100, NULL);
    }
    double wall = now_s() - t0, cpu = cpu_s() - c0;
    printf("{\"inflight\":%d,\"requests\":%ld,\"failed\":%ld,\"wall_s\":%.6f,\"rps\":%.1f,\"cpu_us_per_req\":%.3f}\n",
           inflight, done, failed, wall, (double)done / wall, cpu / (double)done * 1e6);
    for (int i = 0; i < inflight; i++)
        curl_easy_cleanup(x[i].easy);
    curl_multi_cleanup(multi);
    curl_slist_free_all(h);
    free(x);
    return failed ? 1 : 0;
}

static int run_stream(const char *url, long events)
{
    char extra[64];
    snprintf(extra, sizeof extra, "x-emulator-stream-events: %ld", events);
    struct curl_slist *h = headers(extra);
    xfer x = {0};
    setup(&x, url, h, STREAM_BODY);
    curl_easy_perform(x.easy); /* warm up the connection */
    x.bytes = 0;
    double t0 = now_s(), c0 = cpu_s();
    CURLcode cc = curl_easy_perform(x.easy);
    double wall = now_s() - t0, cpu = cpu_s() - c0;
    printf(
        "{\"events\":%ld,\"bytes\":%zu,\"wall_s\":%.6f,\"cpu_s\":%.6f,\"events_per_s\":%.0f,"
        "\"cpu_ns_per_event\":%.1f}\n",
        events, x.bytes, wall, cpu, (double)events / wall, cpu / (double)events * 1e9);
    curl_easy_cleanup(x.easy);
    curl_slist_free_all(h);
    return cc == CURLE_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = 2;
    if (argc == 6 && strcmp(argv[1], "tput") == 0)
        rc = run_tput(argv[2], atoi(argv[3]), atol(argv[4]), atof(argv[5]));
    else if (argc == 4 && strcmp(argv[1], "stream") == 0)
        rc = run_stream(argv[2], atol(argv[3]));
    else
        fprintf(stderr, "usage: curl_multi tput URL INFLIGHT COUNT SECONDS | stream URL EVENTS\n");
    curl_global_cleanup();
    return rc;
}
