/* SPDX-License-Identifier: MIT */
/*
 * cmd_batch.c — `llmc batch`: run a JSONL file of requests here (resumable, rate-limited) or at
 * the provider's batch engine (--remote, --resume, --cancel), with a progress bar on a terminal
 * and only the summary when stderr is piped. Ctrl-C stops cleanly: finished results stay.
 */
#include "cli.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static llmc_batch *running;

static void on_signal(int sig)
{
    (void)sig;
    llmc_batch_stop(running); /* only sets a flag; a second signal kills (SA_RESETHAND) */
}

static void batch_usage(FILE *out)
{
    fprintf(out,
            "usage: llmc batch IN.jsonl -o OUT.jsonl [-j N] [--rpm R] [--tpm T] [--wait] [options]\n"
            "       llmc batch --remote IN.jsonl -o OUT.jsonl [--poll S] [--no-wait]\n"
            "       llmc batch --resume ID -o OUT.jsonl [IN.jsonl]\n"
            "       llmc batch --cancel ID\n"
            "\n"
            "Run every request of IN.jsonl and append one result line per request to OUT.jsonl.\n"
            "Input lines: {\"custom_id\",\"params\":{model,max_tokens,messages,...}} (Anthropic batch shape;\n"
            "a bare model goes to anthropic) or {\"custom_id\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\n"
            "\"body\":{...}} (OpenAI batch shape; a bare model goes to --provider). Models are provider/model.\n"
            "Output lines: {\"custom_id\",\"result\":{\"type\":\"succeeded\",\"message\":{...}}} or\n"
            "{\"custom_id\",\"result\":{\"type\":\"errored\",\"error\":{code,http_status,type,message,request_id}}}.\n"
            "Each line is fsynced before it counts; run the same command again after a crash or Ctrl-C and\n"
            "it drops a torn last line and skips the custom_ids already in OUT.jsonl. One run at a time\n"
            "writes OUT.jsonl (a lock; its pid in OUT.jsonl.lock): a second one is refused, or waits (--wait).\n"
            "\n"
            "options:\n"
            "  -o, --output FILE    where results go (required; a file, never stdout: a rerun resumes from it)\n"
            "      --format F       provider (default): each provider's reply body as it came;\n"
            "                       normalized: every provider's reply in one shape (the JSON a single\n"
            "                       prompt prints), so one jq filter reads a file of mixed providers\n"
            "  -j, --jobs N         requests in flight at once (default 16)\n"
            "      --rpm R          at most R requests per minute (default: no limit of our own)\n"
            "      --tpm T          at most T tokens per minute (estimated, corrected from usage)\n"
            "      --provider P     where bare models of OpenAI-shape lines go (default anthropic)\n"
            "      --retries N      retries per request on 408/409/429/5xx/connection errors (default 2)\n"
            "      --timeout S      per-request timeout in seconds\n"
            "  -H, --header 'N: V'  add a header to every request (never a key: those are refused)\n"
            "      --cacert FILE    trust the CA certificates in FILE (PEM)\n"
            "      --remote         use the provider's batch engine (Anthropic Message Batches, Fireworks\n"
            "                       batch inference jobs, FIREWORKS_ACCOUNT_ID naming the account; the OpenAI\n"
            "                       Batch API of openai, cerebras and added endpoints, ids PROVIDER/batch_...).\n"
            "                       The batch's id is printed on stderr and kept in OUT.jsonl.remote as soon as\n"
            "                       it exists: the same command run again resumes it instead of submitting twice\n"
            "      --poll S         seconds between status checks of a remote batch (default 10)\n"
            "      --no-wait        submit the remote batch, print its id on stdout and exit\n"
            "      --resume ID      wait for the remote batch ID and write its results\n"
            "      --cancel ID      cancel the remote batch ID (collect what it did with --resume)\n"
            "      --wait           when another run holds OUT.jsonl, wait for it to finish (default: refuse,\n"
            "                       naming its pid); unrelated to --no-wait, which is about remote batches\n"
            "  -v, --verbose        log each step (endpoints, key source and fingerprint, retries)\n"
            "  -h, --help           this help\n"
            "\n"
            "The summary names the run's cost at the built-in prices or the config's [price] sections (half\n"
            "price for --remote, as the providers bill their batch engines); see llmc usage for the log.\n"
            "\n"
            "exit status: 0 every request has a result line (errored ones included: see the summary);\n"
            "2 bad command line or bad input (every problem listed with its line number, nothing sent);\n"
            "3 key problem; 1 local I/O; 130 stopped by Ctrl-C (run again to finish); otherwise as `llmc --help`.\n");
}

typedef struct bar {
    bool tty;
    bool drawn;
    cli_style st;
    const char *out_path; /* set for --remote runs only: they announce the batch's id */
    char announced[256];  /* the remote batch id already printed */
} bar;

static void fmt_time(char *buf, size_t size, double s)
{
    if (s < 0) {
        snprintf(buf, size, "--:--");
        return;
    }
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

/* The bar: redrawn in place on stderr, at most 10 times a second (the library's interval). */
static void on_progress(void *userdata, const llmc_batch_progress *p)
{
    bar *b = userdata;
    /* The remote batch's id, as soon as it exists and whatever stderr is (a log file, a pipe):
     * with it, work already paid for is never lost. The library has recorded it by now. */
    if (b->out_path && p->remote_id[0] && strcmp(p->remote_id, b->announced) != 0) {
        snprintf(b->announced, sizeof b->announced, "%s", p->remote_id);
        if (b->drawn)
            fputs("\r\033[K", stderr);
        b->drawn = false;
        fprintf(stderr,
                "llmc: remote batch %s (recorded in %s.remote: if this run is stopped, the same command "
                "resumes it)\n",
                p->remote_id, b->out_path);
        fflush(stderr);
    }
    if (!b->tty)
        return;
    if (p->finished) {
        if (b->drawn)
            fputs("\r\033[K", stderr);
        b->drawn = false;
        return;
    }
    char eta[32], el[32];
    fmt_time(eta, sizeof eta, p->eta_s);
    fmt_time(el, sizeof el, p->elapsed_s);
    if (p->remote_id[0] && p->succeeded + p->errored == 0) {
        fprintf(stderr, "\r\033[K%s %s%s%s  %s", p->remote_id, b->st.bold, p->remote_status, b->st.reset, el);
    } else {
        size_t todo = p->total - p->skipped, done = p->succeeded + p->errored;
        double frac = todo ? (double)done / (double)todo : 1;
        char cells[31];
        int fill = (int)(frac * 30);
        for (int i = 0; i < 30; i++)
            cells[i] = i < fill ? '#' : '-';
        cells[30] = '\0';
        fprintf(stderr, "\r\033[K[%s] %zu/%zu  %sok %zu%s  %serr %zu%s  in flight %zu  %.0f/s  ETA %s", cells, done,
                todo, b->st.green, p->succeeded, b->st.reset, p->errored ? b->st.red : "", p->errored, b->st.reset,
                p->in_flight, p->rate, eta);
    }
    b->drawn = true;
    fflush(stderr);
}

static void summary(const llmc_batch *batch, const char *out_path, const cli_batch_cost_total *cost)
{
    llmc_batch_progress p;
    llmc_batch_stats(batch, &p);
    char el[32], money[64] = "";
    fmt_time(el, sizeof el, p.elapsed_s);
    if (cost->priced || cost->unpriced) {
        char c[32];
        cli_format_cost(c, sizeof c, cost->priced ? cost->cost : -1);
        snprintf(money, sizeof money, "; cost %s%s", c, cost->unpriced && cost->priced ? " + ?" : "");
    }
    fprintf(stderr,
            "llmc: batch: %zu succeeded, %zu errored, %zu skipped (already in %s) of %zu; %lld tokens in, "
            "%lld out%s; %.1f s (%s), %.1f requests/s%s%s\n",
            p.succeeded, p.errored, p.skipped, out_path ? out_path : "the output", p.total, p.input_tokens,
            p.output_tokens, money, p.elapsed_s, el, p.rate, p.remote_id[0] ? "; remote " : "", p.remote_id);
    if (cost->unpriced)
        fprintf(stderr,
                "llmc: batch: %zu result%s of models without a price are not in the cost (add a [price MODEL] "
                "section to the config)\n",
                cost->unpriced, cost->unpriced == 1 ? "" : "s");
}

enum {
    OPT_RPM = 300,
    OPT_TPM,
    OPT_PROVIDER,
    OPT_RETRIES,
    OPT_TIMEOUT,
    OPT_CACERT,
    OPT_REMOTE,
    OPT_POLL,
    OPT_NO_WAIT,
    OPT_RESUME,
    OPT_CANCEL,
    OPT_WAIT,
    OPT_FORMAT
};

static bool number(const char *opt, const char *text, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end || !(v >= lo && v <= hi)) {
        char shown[96];
        cli_usage_error("batch", "%s expects a number from %g to %g, not %s", opt, lo, hi,
                        cli_shown(text, shown, sizeof shown));
        return false;
    }
    *out = v;
    return true;
}

static void verbose_log(void *userdata, llmc_log_level level, const char *line)
{
    (void)userdata;
    (void)level;
    fprintf(stderr, "* %s\n", line);
}

/* Without -v the library's warnings still show: a wait for another run, a dropped torn line. */
static void warn_log(void *userdata, llmc_log_level level, const char *line)
{
    (void)userdata;
    (void)level;
    fprintf(stderr, "llmc: %s\n", line);
}

int cmd_batch(int argc, char **argv)
{
    static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                            {"jobs", required_argument, NULL, 'j'},
                                            {"rpm", required_argument, NULL, OPT_RPM},
                                            {"tpm", required_argument, NULL, OPT_TPM},
                                            {"provider", required_argument, NULL, OPT_PROVIDER},
                                            {"retries", required_argument, NULL, OPT_RETRIES},
                                            {"timeout", required_argument, NULL, OPT_TIMEOUT},
                                            {"header", required_argument, NULL, 'H'},
                                            {"cacert", required_argument, NULL, OPT_CACERT},
                                            {"remote", no_argument, NULL, OPT_REMOTE},
                                            {"poll", required_argument, NULL, OPT_POLL},
                                            {"no-wait", no_argument, NULL, OPT_NO_WAIT},
                                            {"resume", required_argument, NULL, OPT_RESUME},
                                            {"cancel", required_argument, NULL, OPT_CANCEL},
                                            {"wait", no_argument, NULL, OPT_WAIT},
                                            {"format", required_argument, NULL, OPT_FORMAT},
                                            {"verbose", no_argument, NULL, 'v'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *out_path = NULL, *provider = NULL, *cacert = NULL, *resume = NULL, *cancel = NULL;
    const char *headers[32];
    int n_headers = 0;
    double jobs = 16, rpm = 0, tpm = 0, retries = 2, timeout = 0, poll = 10;
    bool remote = false, no_wait = false, verbose = false, lock_wait = false;
    llmc_batch_format format = LLMC_BATCH_FORMAT_PROVIDER;
    int c;
    optind = 1;
    opterr = 0; /* getopt's messages repeat the whole argument, which may be a key */
    while ((c = getopt_long(argc, argv, ":o:j:H:vh", options, NULL)) != -1) {
        switch (c) {
        case 'o':
            out_path = optarg;
            break;
        case 'j':
            if (!number("-j", optarg, 1, 4096, &jobs))
                return EXIT_USAGE;
            break;
        case OPT_RPM:
            if (!number("--rpm", optarg, 0, 1e9, &rpm))
                return EXIT_USAGE;
            break;
        case OPT_TPM:
            if (!number("--tpm", optarg, 0, 1e12, &tpm))
                return EXIT_USAGE;
            break;
        case OPT_PROVIDER:
            provider = optarg;
            break;
        case OPT_RETRIES:
            if (!number("--retries", optarg, 0, 100, &retries))
                return EXIT_USAGE;
            break;
        case OPT_TIMEOUT:
            if (!number("--timeout", optarg, 0.001, 86400, &timeout))
                return EXIT_USAGE;
            break;
        case 'H':
            if (n_headers == 32) {
                fprintf(stderr, "llmc: error: at most 32 headers\n");
                return EXIT_USAGE;
            }
            headers[n_headers++] = optarg;
            break;
        case OPT_CACERT:
            cacert = optarg;
            break;
        case OPT_REMOTE:
            remote = true;
            break;
        case OPT_POLL:
            if (!number("--poll", optarg, 0.01, 86400, &poll))
                return EXIT_USAGE;
            break;
        case OPT_NO_WAIT:
            no_wait = true;
            break;
        case OPT_RESUME:
            resume = optarg;
            break;
        case OPT_CANCEL:
            cancel = optarg;
            break;
        case OPT_WAIT:
            lock_wait = true;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "provider") == 0) {
                format = LLMC_BATCH_FORMAT_PROVIDER;
            } else if (strcmp(optarg, "normalized") == 0) {
                format = LLMC_BATCH_FORMAT_NORMALIZED;
            } else {
                char shown[96];
                return cli_usage_error("batch", "--format takes provider or normalized, not %s",
                                       cli_shown(optarg, shown, sizeof shown));
            }
            break;
        case 'v':
            verbose = true;
            break;
        case 'h':
            batch_usage(stdout);
            return EXIT_OK;
        default:
            cli_option_error("batch", argc, argv, c, options);
            return EXIT_USAGE;
        }
    }
    /* results are appended, fsynced and read back on a rerun: that needs a file */
    if (out_path && strcmp(out_path, "-") == 0)
        return cli_usage_error("batch",
                               "-o - is refused: results go to a file so that a rerun resumes where this one "
                               "stopped; follow it with `tail -f OUT.jsonl`");
    const char *in_path = optind < argc ? argv[optind] : NULL;
    if (optind + 1 < argc) {
        fprintf(stderr, "llmc: error: one input file only (got %d file arguments)\n", argc - optind);
        return EXIT_USAGE;
    }
    if (!cancel && !out_path) {
        fprintf(stderr, "llmc: error: no output file: give -o OUT.jsonl (see llmc batch --help)\n");
        return EXIT_USAGE;
    }
    if (!cancel && !resume && !in_path) {
        fprintf(stderr, "llmc: error: no input file: llmc batch IN.jsonl -o OUT.jsonl (see llmc batch --help)\n");
        return EXIT_USAGE;
    }
    if ((resume || cancel) && (remote || no_wait || (resume && cancel))) {
        fprintf(stderr, "llmc: error: --resume and --cancel stand alone (no --remote, --no-wait, or each other)\n");
        return EXIT_USAGE;
    }
    if (no_wait && !remote) {
        fprintf(stderr, "llmc: error: --no-wait applies to --remote only\n");
        return EXIT_USAGE;
    }

    llmc_error err;
    llmc_error_clear(&err);
    llmc_client *client = llmc_client_new();
    llmc_batch *batch = client ? llmc_batch_new(client) : NULL;
    int exit_code = EXIT_OK;
    llmc_code rc;
    if (!batch) {
        fprintf(stderr, "llmc: error: out of memory\n");
        llmc_client_free(client);
        return EXIT_OTHER;
    }
    if (verbose)
        llmc_client_set_log(client, verbose_log, NULL, LLMC_LOG_DEBUG);
    else if (!getenv("LLMC_LOG") || !*getenv("LLMC_LOG")) /* LLMC_LOG keeps its own sink */
        llmc_client_set_log(client, warn_log, NULL, LLMC_LOG_WARN);
    llmc_batch_set_lock_wait(batch, lock_wait);
    if ((rc = llmc_client_load_config(client, NULL, &err)) != LLMC_OK ||
        (provider && (rc = llmc_client_set_default_provider(client, provider, &err)) != LLMC_OK) ||
        (cacert && (rc = llmc_client_set_ca_file(client, cacert, &err)) != LLMC_OK) ||
        (out_path && (rc = llmc_batch_set_output(batch, out_path, &err)) != LLMC_OK) ||
        (rc = llmc_batch_set_concurrency(batch, (int)jobs, &err)) != LLMC_OK ||
        (rc = llmc_batch_set_rate_limits(batch, rpm, tpm, &err)) != LLMC_OK ||
        (rc = llmc_batch_set_format(batch, format, &err)) != LLMC_OK) {
        cli_report_error("batch", &err);
        exit_code = cli_exit_code(rc);
        goto done;
    }
    for (int i = 0; i < n_headers; i++)
        if ((rc = llmc_batch_add_header(batch, headers[i], &err)) != LLMC_OK) {
            cli_report_error("batch", &err);
            exit_code = EXIT_USAGE;
            goto done;
        }
    llmc_client_set_max_retries(client, (int)retries);
    llmc_client_set_timeouts(client, 0, (long)(timeout * 1000));
    llmc_batch_set_poll_interval(batch, poll);
    bar b = {isatty(STDERR_FILENO) != 0, false, cli_style_for(stderr), remote ? out_path : NULL, ""};
    llmc_batch_set_progress(batch, on_progress, &b, 0.1);

    long out_size_before = cli_file_size(out_path);
    running = batch;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    if (cancel) {
        rc = llmc_batch_cancel_remote(batch, cancel, &err);
        if (rc == LLMC_OK) {
            llmc_batch_progress p;
            llmc_batch_stats(batch, &p);
            printf("%s %s\n", cancel, p.remote_status);
        }
    } else if (resume) {
        rc = llmc_batch_resume_remote(batch, resume, in_path, &err);
    } else if (remote) {
        rc = llmc_batch_run_remote(batch, in_path, no_wait ? LLMC_REMOTE_SUBMIT : LLMC_REMOTE_WAIT, &err);
        if (llmc_batch_remote_id(batch)[0] && no_wait && rc == LLMC_OK)
            printf("%s\n", llmc_batch_remote_id(batch));
    } else {
        rc = llmc_batch_run(batch, in_path, &err);
    }
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    running = NULL;
    if (b.drawn)
        fputs("\r\033[K", stderr);

    size_t n_issues = llmc_batch_issue_count(batch);
    if (rc == LLMC_E_INVALID_ARG && n_issues) {
        cli_style st = cli_style_for(stderr);
        for (size_t i = 0; i < n_issues; i++) {
            size_t line;
            const char *msg;
            llmc_batch_issue_at(batch, i, &line, &msg);
            if (line)
                fprintf(stderr, "%sllmc: error:%s %s:%zu: %s\n", st.red, st.reset, in_path, line, msg);
            else
                fprintf(stderr, "%sllmc: error:%s %s: %s\n", st.red, st.reset, in_path, msg);
        }
        fprintf(stderr, "llmc: nothing was sent: fix the input and run again\n");
        exit_code = EXIT_USAGE;
        goto done;
    }
    if (!cancel && !(remote && no_wait)) {
        cli_batch_cost_total cost;
        cli_batch_cost(client, out_path, out_size_before, in_path, provider, llmc_batch_remote_id(batch), &cost);
        summary(batch, out_path, &cost);
    }
    if (resume && rc == LLMC_OK) {
        llmc_batch_progress p;
        llmc_batch_stats(batch, &p);
        fprintf(stderr, "llmc: batch: resumed remote batch %s (%s): %zu result%s written to %s%s\n", resume,
                p.remote_status[0] ? p.remote_status : "ended", p.succeeded + p.errored,
                p.succeeded + p.errored == 1 ? "" : "s", out_path,
                in_path ? ""
                        : "; without IN.jsonl every result the provider returned was written (give it to "
                          "also record the ids it did not answer)");
    }
    if (rc == LLMC_E_ABORTED) {
        fprintf(stderr, "llmc: %s\n", err.message);
        exit_code = 130;
    } else if (rc != LLMC_OK) {
        cli_report_error("batch", &err);
        /* a bad remote id or argument is the command line's fault */
        exit_code = rc == LLMC_E_INVALID_ARG ? EXIT_USAGE : cli_exit_code(rc);
    } else if (remote && no_wait) {
        fprintf(stderr,
                "llmc: %s is at the provider; collect it with the same command without --no-wait, or: llmc batch "
                "--resume %s -o %s %s\n",
                llmc_batch_remote_id(batch), llmc_batch_remote_id(batch), out_path, in_path);
    }
done:
    llmc_batch_free(batch);
    llmc_client_free(client);
    return exit_code;
}
