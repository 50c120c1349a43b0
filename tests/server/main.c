/* SPDX-License-Identifier: MIT */
/* llmc-emulator: command line, port file, TLS files, signals. Everything else lives in the
 * modules; this file only starts the server, announces where it listens and waits for
 * SIGINT/SIGTERM. */
#define _POSIX_C_SOURCE 200809L
#include "emulator.h"
#include "server.h"

#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fputs(
        "usage: llmc-emulator [--port N] [--port-file FILE] [--key PROVIDER:STATE:KEY]...\n"
        "                     [--no-builtin-keys] [--threads N] [--max-recorded N]\n"
        "                     [--tls-cert FILE --tls-key FILE]\n"
        "Serves the Anthropic, Cerebras, Fireworks and OpenAI wire formats on 127.0.0.1.\n"
        "See tests/server/README.md.\n",
        out);
}

/* Written to a temporary name, then renamed: a reader never sees half a number. */
static int write_port_file(const char *path, unsigned short port)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int ok = f && fprintf(f, "%u\n", (unsigned)port) > 0;
    if (f && fclose(f) != 0)
        ok = 0;
    if (ok && rename(tmp, path) != 0)
        ok = 0;
    if (!ok)
        unlink(tmp);
    free(tmp);
    return ok ? 0 : -1;
}

/* A whole (small) file as a NUL-terminated string, or NULL. */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t len = 0, cap = 4096;
    char *data = malloc(cap);
    for (size_t n; data && (n = fread(data + len, 1, cap - len - 1, f)) > 0;) {
        len += n;
        if (len + 1 == cap) {
            char *grown = cap < (1u << 20) ? realloc(data, cap * 2) : NULL;
            if (!grown) {
                free(data);
                data = NULL;
                break;
            }
            data = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (data)
        data[len] = '\0';
    return data;
}

static int parse_number(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v > max)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long port = 0, threads = 0, max_recorded = 10000;
    const char *port_file = NULL, *tls_cert = NULL, *tls_key = NULL;
    int builtin = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--no-builtin-keys") == 0) {
            builtin = 0;
        } else if (v && strcmp(a, "--port") == 0 && parse_number(v, 65535, &port) == 0) {
            i++;
        } else if (v && strcmp(a, "--threads") == 0 && parse_number(v, 1024, &threads) == 0) {
            i++;
        } else if (v && strcmp(a, "--max-recorded") == 0 && parse_number(v, 10000000, &max_recorded) == 0) {
            i++;
        } else if (v && strcmp(a, "--tls-cert") == 0) {
            tls_cert = v;
            i++;
        } else if (v && strcmp(a, "--tls-key") == 0) {
            tls_key = v;
            i++;
        } else if (v && strcmp(a, "--port-file") == 0) {
            port_file = v;
            i++;
        } else if (v && strcmp(a, "--key") == 0) {
            if (keys_add(v) != 0) {
                /* Never echo the argument: it holds a key. */
                fprintf(stderr,
                        "llmc-emulator: --key wants PROVIDER:STATE:KEY (anthropic|cerebras|fireworks|openai, "
                        "valid|revoked|forbidden)\n");
                return 2;
            }
            i++;
        } else {
            fprintf(stderr, "llmc-emulator: bad argument: %s\n", a);
            usage(stderr);
            return 2;
        }
    }
    char *cert_pem = NULL, *key_pem = NULL;
    if (tls_cert || tls_key) {
        if (!tls_cert || !tls_key) {
            fprintf(stderr, "llmc-emulator: --tls-cert and --tls-key go together\n");
            return 2;
        }
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            fprintf(stderr, "llmc-emulator: this libmicrohttpd was built without TLS (GnuTLS)\n");
            return 1;
        }
        if (!(cert_pem = read_file(tls_cert)) || !(key_pem = read_file(tls_key))) {
            fprintf(stderr, "llmc-emulator: cannot read %s\n", cert_pem ? tls_key : tls_cert);
            free(cert_pem);
            return 1;
        }
    }
    if (builtin)
        keys_init_builtin();
    state_init(max_recorded);

    /* Block the stop signals before any thread exists, so only sigwait below receives them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *d = server_start((unsigned short)port, (unsigned)threads, cert_pem, key_pem);
    if (!d) {
        fprintf(stderr, "llmc-emulator: cannot listen on 127.0.0.1:%lu%s\n", port,
                cert_pem ? " (or the TLS certificate/key is unusable)" : "");
        free(cert_pem);
        free(key_pem);
        return 1;
    }
    unsigned short bound = server_port(d);
    if (port_file && write_port_file(port_file, bound) != 0) {
        fprintf(stderr, "llmc-emulator: cannot write the port file %s\n", port_file);
        MHD_stop_daemon(d);
        return 1;
    }
    printf("llmc-emulator listening on %s://127.0.0.1:%u\n", emu_scheme(), (unsigned)bound);
    fflush(stdout);

    int sig = 0;
    sigwait(&stop, &sig);
    emu_set_stopping(); /* hung and dripping requests give up, so their threads can be joined */
    MHD_stop_daemon(d);
    free(cert_pem);
    free(key_pem);
    state_clear_requests();
    state_clear_faults();
    return 0;
}
