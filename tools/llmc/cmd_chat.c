/* SPDX-License-Identifier: MIT */
/*
 * cmd_chat.c — `llmc chat`: a conversation at the terminal. Each message is a user turn; the
 * reply streams back and joins the history, so the model sees the whole session. The key is
 * checked before the banner; a 401 gets the offer of a new key; a failed or cancelled turn
 * (Ctrl-C during the reply) leaves the conversation as it was before it. Slash commands steer
 * the session and are never sent to the model. Every exchange goes to the log, and `-c` / `--cid`
 * pick a logged conversation up again.
 */
#include "cli.h"
#include "line_input.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void chat_help(FILE *out)
{
    fprintf(out,
            "usage: llmc chat [-m PROVIDER/MODEL] [-s SYSTEM] [-t TEMPLATE] [-c | --cid ID] [--no-log]\n"
            "                 [--max-tokens N] [--temperature T] [--top-p P] [--stop SEQ] [--stream|--no-stream]\n"
            "                 [--effort LEVEL] [--thinking[=BUDGET]] [--show-thinking] [--cache[=5m|1h]]\n"
            "                 [-a FILE] [-o NAME=JSON] [--anthropic-version DATE]\n"
            "                 [--retries N] [--timeout S] [--cacert FILE] [--key-name LABEL] [-v]\n"
            "\n"
            "A conversation: type a message and press Enter; the reply streams back, and the whole\n"
            "conversation is sent each turn. The key is checked (without sending anything) before the\n"
            "session starts. On a terminal: arrow keys edit and recall earlier messages (history in\n"
            "$XDG_STATE_HOME/llmc/history, mode 0600; ~/.editrc is read), a paste of several lines is\n"
            "one message, a line holding only \"\"\" starts a block that ends at the next \"\"\" line,\n"
            "Ctrl-C clears the line or cancels a reply as it arrives (the conversation stays as it was\n"
            "before that turn), Ctrl-D ends the session. With stdin piped, each line is a message and\n"
            "the first failure ends the session with its exit status.\n"
            "\n"
            "options: as for a single prompt (see `llmc --help`); -t gives the template's model, system\n"
            "prompt and options (its prompt is for single prompts only); -c continues the last logged\n"
            "conversation, --cid ID the one with that id (`llmc logs` shows ids); --no-log keeps this\n"
            "session out of the log.\n"
            "\n"
            "commands (never sent to the model; start a message with // to send one beginning with /):\n"
            "  /help            these commands\n"
            "  /model NAME      switch model (provider/model or an alias); the key is checked first\n"
            "  /system TEXT     set the system prompt; /system alone removes it\n"
            "  /clear           forget the conversation and start a new one\n"
            "  /retry           send the last message again (replacing its reply)\n"
            "  /save FILE       write the conversation to FILE as Markdown\n"
            "  /exit            end the session (as Ctrl-D does)\n"
            "\n"
            "exit status: that of the last turn (0 when it succeeded or none was sent); otherwise as\n"
            "`llmc --help` lists.\n");
}

static void slash_help(void)
{
    fprintf(stderr,
            "/help  /model NAME  /system [TEXT]  /clear  /retry  /save FILE  /exit   (Ctrl-D ends, Ctrl-C "
            "cancels a reply)\n");
}

/* The conversation as shown: what /save writes. */
typedef struct transcript {
    char **user, **reply;
    size_t n, cap;
} transcript;

static void transcript_clear(transcript *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->user[i]);
        free(t->reply[i]);
    }
    free(t->user);
    free(t->reply);
    memset(t, 0, sizeof *t);
}

static bool transcript_add(transcript *t, const char *user, const char *reply)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        char **u = realloc(t->user, cap * sizeof *u);
        if (!u)
            return false;
        t->user = u;
        char **r = realloc(t->reply, cap * sizeof *r);
        if (!r)
            return false;
        t->reply = r;
        t->cap = cap;
    }
    t->user[t->n] = strdup(user);
    t->reply[t->n] = strdup(reply);
    if (!t->user[t->n] || !t->reply[t->n]) {
        free(t->user[t->n]);
        free(t->reply[t->n]);
        return false;
    }
    t->n++;
    return true;
}

static void transcript_pop(transcript *t)
{
    if (t->n == 0)
        return;
    t->n--;
    free(t->user[t->n]);
    free(t->reply[t->n]);
}

static void collect_pair(void *userdata, const char *prompt, const char *reply)
{
    transcript_add(userdata, prompt, reply);
}

static bool transcript_save(const transcript *t, const cli_session *s, const char *path)
{
    FILE *f = fopen(path, "we");
    if (!f) {
        fprintf(stderr, "llmc: error: cannot write %s: %s\n", path, strerror(errno));
        return false;
    }
    fprintf(f, "# llmc chat with %s\n\nconversation %s\n\n", s->target, s->cid);
    if (s->system)
        fprintf(f, "## system\n\n%s\n\n", s->system);
    for (size_t i = 0; i < t->n; i++)
        fprintf(f, "## user\n\n%s\n\n## assistant\n\n%s\n\n", t->user[i], t->reply[i]);
    bool ok = fflush(f) == 0 && !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        fprintf(stderr, "llmc: error: cannot write %s: %s\n", path, strerror(errno));
    else
        fprintf(stderr, "(saved %zu exchange%s to %s)\n", t->n, t->n == 1 ? "" : "s", path);
    return ok;
}

/* Ctrl-C while a reply arrives: the library's cancel token ends the call (within ~50 ms); the
 * handler only sets a flag, which is async-signal-safe. */
static llmc_cancel *cancel_token;

static void on_sigint(int sig)
{
    (void)sig;
    if (cancel_token)
        llmc_cancel_trigger(cancel_token);
}

typedef struct chat {
    cli_session s;
    transcript t;
    bool interactive;
    bool last_ok;    /* the last exchange succeeded and is in the history */
    char *last_user; /* the last message sent, for /retry */
    int exit_code;
} chat;

/* One turn: send `msg`; on success it joins the history, on failure or cancel nothing changes. */
static void turn(chat *c, const char *msg)
{
    cli_session *s = &c->s;
    char *copy = strdup(msg);
    if (!copy) {
        c->exit_code = EXIT_OTHER;
        return;
    }
    free(c->last_user);
    c->last_user = copy;
    llmc_error err;
    llmc_error_clear(&err);
    if (llmc_request_add_message(s->req, LLMC_ROLE_USER, msg, &err) != LLMC_OK) {
        fprintf(stderr, "llmc: error: out of memory\n");
        c->exit_code = EXIT_OTHER;
        return;
    }
    llmc_cancel_reset(cancel_token);
    llmc_response *resp = NULL;
    long started = cli_now_ms();
    llmc_code rc = cli_send(s->client, s->req, &s->o, &resp, &err);
    bool reported = false;
    if (rc == LLMC_E_AUTH && c->interactive && cli_can_prompt())
        rc = cli_offer_new_key(s->client, s->req, &s->o, &resp, &err, &reported);
    /* a cancelled reply is as if the message had not been sent: the status stays */
    if (rc != LLMC_E_ABORTED)
        c->exit_code = cli_exit_code(rc);
    if (rc == LLMC_OK) {
        cli_report_warning(&err);
        cli_print_reply(resp, &s->o);
        fflush(stdout);
        if (llmc_request_add_response(s->req, resp, &err) != LLMC_OK ||
            !transcript_add(&c->t, msg, llmc_response_text(resp))) {
            llmc_request_drop_last_turn(s->req, &err); /* keep the turns alternating */
            fprintf(stderr, "llmc: error: out of memory\n");
            c->exit_code = EXIT_OTHER;
        }
        c->last_ok = c->exit_code == EXIT_OK;
    } else {
        cli_style st = cli_style_for(stderr);
        if (rc == LLMC_E_ABORTED)
            fprintf(stderr, "\r%s(reply cancelled: the conversation is as it was before this message)%s\n", st.dim,
                    st.reset);
        else if (!reported)
            cli_report_error(NULL, &err);
        /* the unanswered turn goes, so the history stays user/assistant alternating */
        llmc_request_drop_last_turn(s->req, &err);
        c->last_ok = false;
    }
    cli_session_record(s, msg, rc == LLMC_OK ? resp : NULL, &err, cli_now_ms() - started);
    llmc_response_free(resp);
}

static void retry(chat *c)
{
    if (!c->last_user) {
        fprintf(stderr, "llmc: error: nothing to retry yet\n");
        return;
    }
    if (c->last_ok) {
        /* the reply is replaced: take the exchange out of the history, and out of what -c resends */
        llmc_request_drop_last_turn(c->s.req, NULL);
        llmc_request_drop_last_turn(c->s.req, NULL);
        transcript_pop(&c->t);
        cli_session_supersede_last(&c->s);
    }
    char *msg = strdup(c->last_user);
    if (msg)
        turn(c, msg);
    free(msg);
}

/* A slash command; false when the session should end. */
static bool command(chat *c, const char *line)
{
    cli_style st = cli_style_for(stderr);
    const char *arg = line + strcspn(line, " \t");
    size_t name_len = (size_t)(arg - line);
    while (*arg == ' ' || *arg == '\t')
        arg++;
#define IS(name) (name_len == strlen(name) && strncmp(line, name, name_len) == 0)
    if (IS("/exit") || IS("/quit"))
        return false;
    if (IS("/help") || IS("/?")) {
        slash_help();
    } else if (IS("/model")) {
        if (!*arg) {
            fprintf(stderr, "%s(model: %s)%s\n", st.dim, c->s.target, st.reset);
        } else {
            llmc_error err;
            llmc_error_clear(&err);
            if (cli_session_set_model(&c->s, arg, &err) != LLMC_OK)
                cli_report_error("the model was not changed", &err);
            else
                fprintf(stderr, "%s(model: %s)%s\n", st.dim, c->s.target, st.reset);
        }
    } else if (IS("/system")) {
        if (cli_session_set_system(&c->s, *arg ? arg : NULL) != LLMC_OK)
            fprintf(stderr, "llmc: error: out of memory\n");
        else
            fprintf(stderr, "%s(%s)%s\n", st.dim, *arg ? "system prompt set" : "system prompt removed", st.reset);
    } else if (IS("/clear") || IS("/reset")) {
        if (cli_session_clear(&c->s) != LLMC_OK) {
            fprintf(stderr, "llmc: error: out of memory\n");
        } else {
            llmc_request_set_cancel(c->s.req, cancel_token, NULL);
            transcript_clear(&c->t);
            c->last_ok = false;
            fprintf(stderr, "%s(conversation cleared; new conversation %s)%s\n", st.dim, c->s.cid, st.reset);
        }
    } else if (IS("/retry")) {
        retry(c);
    } else if (IS("/save")) {
        if (!*arg)
            fprintf(stderr, "llmc: error: /save needs a file name (/save FILE)\n");
        else
            transcript_save(&c->t, &c->s, arg);
    } else {
        fprintf(stderr, "%sllmc: error:%s unknown command %.*s (see /help); nothing was sent\n", st.red, st.reset,
                (int)name_len, line);
        if (!c->interactive)
            c->exit_code = EXIT_USAGE;
    }
#undef IS
    return true;
}

int cmd_chat(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            chat_help(stdout);
            return EXIT_OK;
        }
    cli_options o;
    int exit_code = cli_parse_options(argc, argv, &o);
    if (exit_code >= 0)
        return exit_code;
    if (o.first_arg < argc) {
        char shown[96];
        return cli_usage_error("chat", "chat takes no prompt argument (%s): type messages once it starts",
                               cli_shown(argv[o.first_arg], shown, sizeof shown));
    }
    static chat c;
    memset(&c, 0, sizeof c);
    c.interactive = isatty(STDIN_FILENO);
    llmc_error err;
    llmc_error_clear(&err);
    llmc_code rc = cli_session_start(&c.s, &o, "chat", &err);
    /* the key is checked before the banner: a session that cannot send anything says so now */
    if (rc == LLMC_OK)
        rc = cli_session_check_key(&c.s, &err);
    if (rc != LLMC_OK) {
        cli_report_error(NULL, &err);
        cli_session_end(&c.s);
        return rc == LLMC_E_INVALID_ARG ? EXIT_USAGE : cli_exit_code(rc);
    }
    cli_report_warning(&err);
    cancel_token = llmc_cancel_new();
    cli_reader *reader = cancel_token ? cli_reader_open(c.interactive) : NULL;
    if (!reader) {
        fprintf(stderr, "llmc: error: cannot start the line editor\n");
        llmc_cancel_free(cancel_token);
        cancel_token = NULL;
        cli_session_end(&c.s);
        return EXIT_OTHER;
    }
    llmc_request_set_cancel(c.s.req, cancel_token, &err);
    if (c.s.resumed_turns > 0)
        cli_conversation_pairs(c.s.log, c.s.cid, collect_pair, &c.t);
    c.last_ok = false;
    struct sigaction sa, old_sa;
    if (c.interactive) {
        cli_style st = cli_style_for(stderr);
        fprintf(stderr, "%sllmc chat with %s — /help for commands, Ctrl-D to end%s\n", st.dim, c.s.target, st.reset);
        if (c.s.resumed_turns > 0)
            fprintf(stderr, "%s(continuing conversation %s: %d earlier exchange%s)%s\n", st.dim, c.s.cid,
                    c.s.resumed_turns, c.s.resumed_turns == 1 ? "" : "s", st.reset);
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigint;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_sa);
    }
    c.exit_code = EXIT_OK;
    for (;;) {
        char *msg = cli_reader_next(reader, "> ", "... ");
        if (!msg) {
            if (c.interactive)
                fputc('\n', stderr);
            break;
        }
        bool go_on = true;
        if (msg[0] == '/' && msg[1] != '/')
            go_on = command(&c, msg);
        else
            turn(&c, msg[0] == '/' ? msg + 1 : msg);
        free(msg);
        /* piped, a failure ends the session with its status, as a script expects */
        if (!go_on || (!c.interactive && c.exit_code != EXIT_OK))
            break;
    }
    if (c.interactive)
        sigaction(SIGINT, &old_sa, NULL);
    cli_reader_close(reader);
    transcript_clear(&c.t);
    free(c.last_user);
    cli_session_end(&c.s);
    llmc_cancel_free(cancel_token);
    cancel_token = NULL;
    return c.exit_code;
}
