/* SPDX-License-Identifier: MIT */
/*
 * multi_libuv.c — many streamed calls inside a libuv loop: llmc's sockets become uv_poll_t
 * handles and its timer a uv_timer_t, so llmc runs beside whatever else the loop serves.
 * usage: multi_libuv [N] [PROVIDER/MODEL] [DELAY_MS]   (N streams at once, default 200)
 */
#define _GNU_SOURCE /* epoll, timerfd and the POSIX types libuv's header uses, under -std=c11 */
#include <llmc/llmc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

typedef struct app {
    uv_loop_t *loop;
    uv_timer_t timer;
    llmc_multi *multi;
    int running, done, failed;
    long events;
} app;

/* One watched socket: libuv wants a handle per fd, freed only once it is closed. */
typedef struct watch {
    uv_poll_t poll;
    app *a;
    int fd;
    struct watch *next;
} watch;

static watch *watches;

static watch *watch_for(app *a, int fd, int create)
{
    for (watch *w = watches; w; w = w->next)
        if (w->fd == fd)
            return w;
    if (!create)
        return NULL;
    watch *w = calloc(1, sizeof *w);
    w->a = a;
    w->fd = fd;
    uv_poll_init_socket(a->loop, &w->poll, fd);
    w->poll.data = w;
    w->next = watches;
    watches = w;
    return w;
}

static void on_closed(uv_handle_t *h)
{
    free(h->data);
}

static void on_ready(uv_poll_t *p, int status, int events)
{
    watch *w = p->data;
    int what = ((events & UV_READABLE) ? LLMC_POLL_IN : 0) | ((events & UV_WRITABLE) ? LLMC_POLL_OUT : 0) |
               (status < 0 ? LLMC_POLL_ERR : 0);
    llmc_multi_socket_action(w->a->multi, w->fd, what, &w->a->running);
}

static void on_socket(void *userdata, int fd, int what)
{
    app *a = userdata;
    if (what & LLMC_POLL_REMOVE) {
        watch *w = watch_for(a, fd, 0);
        if (!w)
            return;
        for (watch **pw = &watches; *pw; pw = &(*pw)->next)
            if (*pw == w) {
                *pw = w->next;
                break;
            }
        uv_poll_stop(&w->poll);
        uv_close((uv_handle_t *)&w->poll, on_closed);
        return;
    }
    watch *w = watch_for(a, fd, 1);
    uv_poll_start(&w->poll, ((what & LLMC_POLL_IN) ? UV_READABLE : 0) | ((what & LLMC_POLL_OUT) ? UV_WRITABLE : 0),
                  on_ready);
}

static void on_timeout(uv_timer_t *t)
{
    app *a = t->data;
    llmc_multi_socket_action(a->multi, LLMC_SOCKET_TIMEOUT, 0, &a->running);
}

static void on_timer(void *userdata, long ms)
{
    app *a = userdata;
    if (ms < 0)
        uv_timer_stop(&a->timer);
    else
        uv_timer_start(&a->timer, on_timeout, (uint64_t)ms, 0);
}

static int on_event(void *userdata, const llmc_event *ev)
{
    app *a = userdata;
    if (ev->type == LLMC_EVENT_TEXT)
        a->events++;
    return 0;
}

static void on_done(void *userdata, llmc_transfer *t, llmc_code code, llmc_response *resp, const llmc_error *err)
{
    (void)t;
    app *a = userdata;
    if (code == LLMC_OK)
        a->done++;
    else {
        a->failed++;
        fprintf(stderr, "stream failed: %s\n", err->message);
    }
    llmc_response_free(resp);
    if (llmc_multi_running(a->multi) <= 1) /* this one is the last */
        uv_timer_stop(&a->timer);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    const char *model = argc > 2 ? argv[2] : "anthropic/claude-sonnet-4-6";
    const char *delay = argc > 3 ? argv[3] : NULL;
    llmc_global_init();
    app a = {.loop = uv_default_loop()};
    uv_timer_init(a.loop, &a.timer);
    a.timer.data = &a;

    llmc_client *client = llmc_client_new();
    a.multi = llmc_multi_new(client);
    llmc_multi_set_socket_fn(a.multi, on_socket, &a);
    llmc_multi_set_timer_fn(a.multi, on_timer, &a);
    llmc_error err;
    for (int i = 0; i < n; i++) {
        char prompt[64];
        snprintf(prompt, sizeof prompt, "request %d", i);
        llmc_request *req = llmc_request_new(model);
        llmc_request_add_message(req, LLMC_ROLE_USER, prompt, &err);
        if (delay) /* the emulator's pacing, so that every stream is open at once */
            llmc_request_set_header(req, "x-emulator-stream-delay-ms", delay, &err);
        if (llmc_multi_add(a.multi, req, on_event, on_done, &a, NULL, &err) != LLMC_OK) {
            fprintf(stderr, "cannot add: %s\n", err.message);
            return 1;
        }
        llmc_request_free(req);
    }
    /* the loop ends when llmc has no socket or timer left, i.e. every stream is over */
    uv_run(a.loop, UV_RUN_DEFAULT);
    printf("%d of %d streams done, %d failed, %ld text events\n", a.done, n, a.failed, a.events);
    llmc_multi_free(a.multi);
    llmc_client_free(client);
    uv_close((uv_handle_t *)&a.timer, NULL);
    uv_run(a.loop, UV_RUN_DEFAULT);
    uv_loop_close(a.loop);
    llmc_global_cleanup();
    return a.done == n ? 0 : 1;
}
