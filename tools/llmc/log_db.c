/* SPDX-License-Identifier: MIT */
/*
 * log_db.c — the log of every exchange: an SQLite database at $XDG_DATA_HOME/llmc/logs.db
 * (else ~/.local/share/llmc/logs.db), mode 0600, in WAL mode so that reading the log never
 * blocks a running llmc. The schema carries a version (PRAGMA user_version) and is brought up to
 * date by the migrations below, in order, each in its own transaction. Prompts and replies are
 * indexed for full-text search (FTS5). What is stored is listed in the `exchanges` table: never
 * a key, a header, or a fingerprint of a secret.
 *
 * The log must never cost a reply: callers print the reply first, and every failure here comes
 * back as a problem and a fix for a warning, never as an exit status.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct cli_log {
    sqlite3 *db;
    char path[1024];
};

/* Each entry brings the schema from version i to i + 1. Append only: never edit a shipped one. */
static const char *const migrations[] = {
    /* 1: conversations and their exchanges, with full-text search over prompts and replies */
    "CREATE TABLE conversations ("
    "  id TEXT PRIMARY KEY,"
    "  started_at TEXT NOT NULL,"
    "  title TEXT NOT NULL"
    ");"
    "CREATE TABLE exchanges ("
    "  id INTEGER PRIMARY KEY,"
    "  conversation_id TEXT NOT NULL REFERENCES conversations(id),"
    "  at TEXT NOT NULL,"      /* UTC, 2026-12-01T16:40:12.345Z */
    "  command TEXT NOT NULL," /* prompt | chat */
    "  provider TEXT NOT NULL,"
    "  model TEXT NOT NULL," /* the model string sent, provider/model */
    "  served_model TEXT,"   /* what the provider said answered */
    "  template TEXT,"
    "  system TEXT,"
    "  prompt TEXT NOT NULL,"
    "  reply TEXT,"
    "  thinking TEXT,"
    "  tool_calls TEXT,"     /* JSON array of {id,name,input} */
    "  assistant_turn TEXT," /* JSON blocks to send back: thinking with signature, text, tool calls */
    "  input_tokens INTEGER,"
    "  output_tokens INTEGER,"
    "  cache_read_tokens INTEGER,"
    "  cache_write_tokens INTEGER,"
    "  cost_usd REAL," /* NULL: no price known */
    "  duration_ms INTEGER,"
    "  request_id TEXT,"
    "  error_class TEXT," /* NULL on success; else auth, request, unavailable, network, protocol, other, cancelled */
    "  error_cause TEXT"  /* the cause id or the provider's error type, when there was one */
    ");"
    "CREATE INDEX exchanges_by_conversation ON exchanges(conversation_id, id);"
    "CREATE INDEX exchanges_by_time ON exchanges(at);"
    "CREATE VIRTUAL TABLE exchanges_fts USING fts5(prompt, reply, content='exchanges', content_rowid='id');"
    "CREATE TRIGGER exchanges_ai AFTER INSERT ON exchanges BEGIN"
    "  INSERT INTO exchanges_fts(rowid, prompt, reply) VALUES (new.id, new.prompt, coalesce(new.reply, ''));"
    "END;"
    "CREATE TRIGGER exchanges_ad AFTER DELETE ON exchanges BEGIN"
    "  INSERT INTO exchanges_fts(exchanges_fts, rowid, prompt, reply)"
    "    VALUES ('delete', old.id, old.prompt, coalesce(old.reply, ''));"
    "END;",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

int cli_log_schema_version(void)
{
    return SCHEMA_VERSION;
}

bool cli_log_path(char *buf, size_t size)
{
    const char *data = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    if (data && *data == '/')
        snprintf(buf, size, "%s/llmc/logs.db", data);
    else if (home && *home)
        snprintf(buf, size, "%s/.local/share/llmc/logs.db", home);
    else
        return false;
    return true;
}

static void problem_set(cli_log_problem *p, const char *what, const char *fix)
{
    if (!p)
        return;
    snprintf(p->what, sizeof p->what, "%s", what);
    snprintf(p->fix, sizeof p->fix, "%s", fix);
}

/* Name what SQLite said in a user's terms: locked, not a database, disk full, or as it is. */
static void problem_from_db(cli_log_problem *p, const char *path, sqlite3 *db, int rc)
{
    char what[700];
    int code = rc & 0xff;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
        snprintf(what, sizeof what, "the log %s is locked by another program (%s)", path, sqlite3_errstr(rc));
        problem_set(p, what,
                    "wait for the other llmc (or sqlite3 session) holding it to finish; nothing is lost but "
                    "this entry");
    } else if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
        snprintf(what, sizeof what, "the log %s is damaged (%s)", path, sqlite3_errstr(rc));
        char fix[700];
        snprintf(fix, sizeof fix, "move it aside (mv %s %s.broken); llmc starts a new log on the next run", path, path);
        problem_set(p, what, fix);
    } else if (code == SQLITE_FULL) {
        snprintf(what, sizeof what, "the disk holding the log %s is full", path);
        problem_set(p, what, "free some space, or turn the log off with --no-log or `log = off` in the config");
    } else {
        snprintf(what, sizeof what, "the log %s could not be written: %s", path,
                 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        problem_set(p, what, "check the file and its directory, or turn the log off with --no-log or `log = off`");
    }
}

/* Make each missing directory of `path`'s parent, 0700 (the log is private). */
static bool make_parent(const char *path)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return true;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(dir, 0700) != 0 && errno != EEXIST)
                return false;
            *p = '/';
        }
    return mkdir(dir, 0700) == 0 || errno == EEXIST;
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static int user_version(sqlite3 *db, int *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *out = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

static int migrate(sqlite3 *db, int from)
{
    for (int v = from; v < SCHEMA_VERSION; v++) {
        int rc = exec(db, "BEGIN IMMEDIATE");
        /* another llmc may have migrated meanwhile: look again inside the transaction */
        int now = v;
        if (rc == SQLITE_OK)
            rc = user_version(db, &now);
        if (rc == SQLITE_OK && now == v) {
            rc = exec(db, migrations[v]);
            char sql[64];
            snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
            if (rc == SQLITE_OK)
                rc = exec(db, sql);
        }
        if (rc == SQLITE_OK)
            rc = exec(db, "COMMIT");
        if (rc != SQLITE_OK) {
            exec(db, "ROLLBACK");
            return rc;
        }
        if (now > v)
            v = now - 1;
    }
    return SQLITE_OK;
}

cli_log *cli_log_open(bool create, cli_log_problem *problem)
{
    cli_log *log = calloc(1, sizeof *log);
    if (!log) {
        problem_set(problem, "out of memory", "");
        return NULL;
    }
    if (!cli_log_path(log->path, sizeof log->path)) {
        problem_set(problem, "neither XDG_DATA_HOME nor HOME is set: the log has no place",
                    "set HOME, or turn the log off with --no-log");
        free(log);
        return NULL;
    }
    if (!create && access(log->path, F_OK) != 0) {
        char what[1100];
        snprintf(what, sizeof what, "no log yet at %s", log->path);
        problem_set(problem, what, "nothing has been logged: run a prompt first (the log is on unless --no-log)");
        free(log);
        return NULL;
    }
    if (create) {
        /* create the file ourselves, 0600: SQLite gives its -wal and -shm files the same mode */
        int fd = -1;
        if (make_parent(log->path))
            fd = open(log->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            char what[1200];
            snprintf(what, sizeof what, "the log %s cannot be created: %s", log->path, strerror(errno));
            problem_set(problem, what, "check the directory's permissions, or turn the log off with --no-log");
            free(log);
            return NULL;
        }
        close(fd);
    }
    /* read-write even to read: a reader of a WAL database takes part in its shared memory */
    int rc = sqlite3_open_v2(log->path, &log->db, SQLITE_OPEN_READWRITE, NULL);
    int version = 0;
    if (rc == SQLITE_OK) {
        /* a lock held by another writer is waited for briefly, then reported */
        sqlite3_busy_timeout(log->db, 1500);
        rc = user_version(log->db, &version);
    }
    /* WAL with synchronous=NORMAL: no fsync per exchange (a prompt stays quick); a power cut may
     * lose the last entries but never damages the file */
    if (rc == SQLITE_OK && create)
        rc = exec(log->db, "PRAGMA journal_mode = WAL");
    if (rc == SQLITE_OK && create)
        rc = exec(log->db, "PRAGMA synchronous = NORMAL");
    if (rc == SQLITE_OK && version > SCHEMA_VERSION) {
        char what[1200], fix[200];
        snprintf(what, sizeof what, "the log %s was written by a newer llmc (schema %d; this one knows up to %d)",
                 log->path, version, SCHEMA_VERSION);
        snprintf(fix, sizeof fix, "use the newer llmc, or turn the log off with --no-log");
        problem_set(problem, what, fix);
        cli_log_close(log);
        return NULL;
    }
    if (rc == SQLITE_OK && create && version < SCHEMA_VERSION)
        rc = migrate(log->db, version);
    if (rc == SQLITE_OK && !create && version < SCHEMA_VERSION) {
        char what[1100];
        snprintf(what, sizeof what, "the log %s is from an older llmc and has not been upgraded yet", log->path);
        problem_set(problem, what, "run any prompt once (it upgrades the log), then read it again");
        cli_log_close(log);
        return NULL;
    }
    if (rc != SQLITE_OK) {
        problem_from_db(problem, log->path, log->db, rc);
        cli_log_close(log);
        return NULL;
    }
    return log;
}

void cli_log_close(cli_log *log)
{
    if (!log)
        return;
    sqlite3_close(log->db);
    free(log);
}

sqlite3 *cli_log_db(cli_log *log)
{
    return log->db;
}

const char *cli_log_file(const cli_log *log)
{
    return log->path;
}

void cli_log_report(const cli_log_problem *p, const char *what_was_lost)
{
    cli_style st = cli_style_for(stderr);
    fprintf(stderr, "%sllmc: warning:%s %s: %s\n", st.yellow, st.reset, what_was_lost, p->what);
    if (p->fix[0])
        cli_print_field(&st, "fix:", p->fix);
}

void cli_log_new_id(char out[27])
{
    /* a ULID: 48 bits of milliseconds then 80 random bits, in Crockford's base 32, so ids sort
     * by time and never collide in practice */
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned long long ms = (unsigned long long)ts.tv_sec * 1000ULL + (unsigned long long)ts.tv_nsec / 1000000ULL;
    unsigned char rnd[10] = {0};
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
        for (size_t i = 0; i < sizeof rnd; i++)
            rnd[i] = (unsigned char)(rand() ^ (int)(ts.tv_nsec >> (i % 8)));
    for (int i = 9; i >= 0; i--) {
        out[i] = alphabet[ms & 31];
        ms >>= 5;
    }
    /* 80 random bits = 16 characters of 5 bits */
    unsigned bitbuf = 0;
    int bits = 0, o = 10;
    for (size_t i = 0; i < sizeof rnd; i++) {
        bitbuf = (bitbuf << 8) | rnd[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = alphabet[(bitbuf >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    out[26] = '\0';
}

static void utc_now(char *buf, size_t size)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%.20s.%03dZ", base, (int)(ts.tv_nsec / 1000000L));
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

bool cli_log_add(cli_log *log, const cli_exchange *x, long long *id, cli_log_problem *problem)
{
    char at[64];
    utc_now(at, sizeof at);
    int rc = exec(log->db, "BEGIN IMMEDIATE");
    sqlite3_stmt *st = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(log->db, "INSERT OR IGNORE INTO conversations(id, started_at, title) VALUES (?, ?, ?)",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        /* the title: the first line of the first prompt, shortened */
        char title[81];
        snprintf(title, sizeof title, "%.*s", (int)strcspn(x->prompt, "\n"), x->prompt);
        bind_text(st, 1, x->conversation_id);
        bind_text(st, 2, at);
        bind_text(st, 3, title);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(log->db);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(log->db,
                                "INSERT INTO exchanges(conversation_id, at, command, provider, model, served_model, "
                                "template, system, prompt, reply, thinking, tool_calls, assistant_turn, input_tokens, "
                                "output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, duration_ms, "
                                "request_id, error_class, error_cause) "
                                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind_text(st, 1, x->conversation_id);
        bind_text(st, 2, at);
        bind_text(st, 3, x->command);
        bind_text(st, 4, x->provider);
        bind_text(st, 5, x->model);
        bind_text(st, 6, x->served_model && *x->served_model ? x->served_model : NULL);
        bind_text(st, 7, x->template_name);
        bind_text(st, 8, x->system);
        bind_text(st, 9, x->prompt);
        bind_text(st, 10, x->reply);
        bind_text(st, 11, x->thinking && *x->thinking ? x->thinking : NULL);
        bind_text(st, 12, x->tool_calls);
        bind_text(st, 13, x->assistant_turn);
        if (x->error_class) {
            for (int i = 14; i <= 18; i++)
                sqlite3_bind_null(st, i);
        } else {
            sqlite3_bind_int64(st, 14, x->usage.input_tokens);
            sqlite3_bind_int64(st, 15, x->usage.output_tokens);
            sqlite3_bind_int64(st, 16, x->usage.cache_read_tokens);
            sqlite3_bind_int64(st, 17, x->usage.cache_write_tokens);
            if (x->cost >= 0)
                sqlite3_bind_double(st, 18, x->cost);
            else
                sqlite3_bind_null(st, 18);
        }
        sqlite3_bind_int64(st, 19, x->duration_ms);
        bind_text(st, 20, x->request_id && *x->request_id ? x->request_id : NULL);
        bind_text(st, 21, x->error_class);
        bind_text(st, 22, x->error_cause && *x->error_cause ? x->error_cause : NULL);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(log->db);
        if (rc == SQLITE_OK && id)
            *id = sqlite3_last_insert_rowid(log->db);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_OK)
        rc = exec(log->db, "COMMIT");
    if (rc != SQLITE_OK) {
        int kept = rc;
        exec(log->db, "ROLLBACK");
        problem_from_db(problem, log->path, log->db, kept);
        return false;
    }
    return true;
}

bool cli_log_last_conversation(cli_log *log, char *id, size_t size)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(log->db, "SELECT conversation_id FROM exchanges ORDER BY id DESC LIMIT 1", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        snprintf(id, size, "%s", (const char *)sqlite3_column_text(st, 0));
        found = true;
    }
    sqlite3_finalize(st);
    return found;
}

bool cli_log_supersede(cli_log *log, long long id)
{
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(log->db, "UPDATE exchanges SET error_class = 'retried' WHERE id = ?", -1, &st, NULL) ==
              SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(st, 1, id);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    return ok;
}
