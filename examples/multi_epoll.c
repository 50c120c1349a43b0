/* SPDX-License-Identifier: MIT */
/*
 * multi_epoll.c — a server-style program that owns its event loop (epoll) and runs many streamed
 * calls in it on one thread: llmc names the sockets to watch and the timer to keep through two
 * callbacks, and the loop hands back the ready fd. Other fds of the program (here a timerfd
 * printing progress) live in the same epoll set.
 * usage: multi_epoll [N] [PROVIDER/MODEL] [DELAY_MS]   (N streams at once, default 200)
 */
#define _GNU_SOURCE /* epoll, timerfd and the POSIX types libuv's header uses, under -std=c11 */
#include <llmc/llmc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

typedef struct app {
    int ep;         /* the epoll set */
    int llmc_timer; /* a timerfd standing for llmc's timer */
    int progress;   /* a timerfd of the program's own */
    llmc_multi *multi;
    int done, failed;
    long events;
} app;

/* llmc: watch `fd` for `what` (or stop). */
static void on_socket(void *userdata, int fd, int what)
{
    app *a = userdata;
    if (what & LLMC_POLL_REMOVE) {
        epoll_ctl(a->ep, EPOLL_CTL_DEL, fd, NULL);
        return;
    }
    struct epoll_event ev = {
        .events = ((what & LLMC_POLL_IN) ? EPOLLIN : 0u) | ((what & LLMC_POLL_OUT) ? EPOLLOUT : 0u), .data.fd = fd};
    if (epoll_ctl(a->ep, EPOLL_CTL_MOD, fd, &ev) != 0)
        epoll_ctl(a->ep, EPOLL_CTL_ADD, fd, &ev);
}

/* llmc: call llmc_multi_socket_action(LLMC_SOCKET_TIMEOUT) after `ms` (-1: never). */
static void on_timer(void *userdata, long ms)
{
    app *a = userdata;
    struct itimerspec its = {{0, 0}, {0, 0}};
    if (ms == 0)
        its.it_value.tv_nsec = 1; /* as soon as possible: a timerfd needs a nonzero value */
    else if (ms > 0) {
        its.it_value.tv_sec = ms / 1000;
        its.it_value.tv_nsec = (ms % 1000) * 1000000L;
    }
    timerfd_settime(a->llmc_timer, 0, &its, NULL);
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
}

static void add_fd(int ep, int fd)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    const char *model = argc > 2 ? argv[2] : "anthropic/claude-sonnet-4-6";
    const char *delay = argc > 3 ? argv[3] : NULL;
    llmc_global_init();
    app a = {.ep = epoll_create1(0),
             .llmc_timer = timerfd_create(CLOCK_MONOTONIC, 0),
             .progress = timerfd_create(CLOCK_MONOTONIC, 0)};
    add_fd(a.ep, a.llmc_timer);
    add_fd(a.ep, a.progress);
    struct itimerspec every_second = {{1, 0}, {1, 0}};
    timerfd_settime(a.progress, 0, &every_second, NULL);

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

    int running = n;
    while (running > 0) {
        struct epoll_event evs[64];
        int k = epoll_wait(a.ep, evs, 64, 1000);
        for (int i = 0; i < k; i++) {
            int fd = evs[i].data.fd;
            if (fd == a.progress || fd == a.llmc_timer) {
                unsigned long long ticks;
                if (read(fd, &ticks, sizeof ticks) < 0)
                    continue;
                if (fd == a.progress)
                    fprintf(stderr, "%d done, %ld text events so far\n", a.done, a.events);
                else
                    llmc_multi_socket_action(a.multi, LLMC_SOCKET_TIMEOUT, 0, &running);
                continue;
            }
            int what = ((evs[i].events & EPOLLIN) ? LLMC_POLL_IN : 0) |
                       ((evs[i].events & EPOLLOUT) ? LLMC_POLL_OUT : 0) |
                       ((evs[i].events & (EPOLLERR | EPOLLHUP)) ? LLMC_POLL_ERR : 0);
            llmc_multi_socket_action(a.multi, fd, what, &running);
        }
    }
    printf("%d of %d streams done, %d failed, %ld text events\n", a.done, n, a.failed, a.events);
    llmc_multi_free(a.multi);
    llmc_client_free(client);
    close(a.ep);
    close(a.llmc_timer);
    close(a.progress);
    llmc_global_cleanup();
    return a.done == n ? 0 : 1;
}
