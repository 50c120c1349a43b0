/* SPDX-License-Identifier: MIT */
/*
 * fix.c — the fix of one error, written for it: a paragraph that names the provider, its
 * variables and the source the key came from, so that `fix:` says "export CEREBRAS_API_KEY", not
 * "export the provider's variable". The sentences are a table of templates by cause, key source
 * and variant; {placeholders} are filled from the provider table and the diagnosis. The
 * catalogue (catalogue.c) keeps the generic page of each cause; this file only words fixes.
 */
#include "diagnose.h"

#include <stdio.h>
#include <string.h>

#define ANY_SOURCE (-1)

typedef struct fix_template {
    llmc_cause cause;
    int source;          /* a llmc_key_source, or ANY_SOURCE */
    const char *variant; /* NULL: the cause's usual case */
    const char *text;
} fix_template;

/* Placeholders: {provider} {Provider} {key_env} {token_env} {file_var} {base_url_env}
 * {source} {where} {console} {shadowed} {extra} {extra2} {extra3} {Owner} {owner_key_env}
 * {path} {default_base_url}. More specific entries (a source, a variant) come first. */
static const fix_template templates[] = {
    /* any cause of a key from a variable, when a later source holds another key */
    {LLMC_CAUSE_NONE, ANY_SOURCE, "shadow",
     "{shadowed} also holds a {Provider} key but comes later in the chain: `unset {source}` to use it instead."},
    /* key.missing */
    {LLMC_CAUSE_KEY_MISSING, ANY_SOURCE, "label",
     "No stored {provider} key is labelled \"{source}\": store one with `llmc keys set {provider} --label {source}`, "
     "or use a label that `llmc keys list {provider}` shows."},
    {LLMC_CAUSE_KEY_MISSING, ANY_SOURCE, "rejected",
     "Every stored {provider} key was rejected by {Provider}: store a new key with `llmc keys set {provider}`, or "
     "export {key_env} in the environment the program runs in."},
    {LLMC_CAUSE_KEY_MISSING, ANY_SOURCE, NULL,
     "Store a {Provider} key with `llmc keys set {provider}` (read with echo off, kept 0600), or export {key_env} in "
     "the environment the program runs in."},
    /* key.var_misspelled */
    {LLMC_CAUSE_KEY_VAR_MISSPELLED, ANY_SOURCE, NULL,
     "Rename {source} to {key_env}, the name llmc reads: `export {key_env}=\"${source}\"; unset {source}`."},
    /* key.empty */
    {LLMC_CAUSE_KEY_EMPTY, LLMC_SOURCE_ENV, NULL,
     "Put the key into {source}, or remove the empty variable with `unset {source}` so that llmc looks further, and "
     "store the key with `llmc keys set {provider}`."},
    {LLMC_CAUSE_KEY_EMPTY, LLMC_SOURCE_FILE, NULL,
     "Write the key into {source} (`printf %s \"$KEY\" > {source}`), or `unset {file_var}` and store the key with "
     "`llmc keys set {provider}`."},
    {LLMC_CAUSE_KEY_EMPTY, LLMC_SOURCE_COMMAND, NULL,
     "Make the key command print the key on its first line, or remove key_command from the [provider {provider}] "
     "section of the config file and store the key with `llmc keys set {provider}`."},
    {LLMC_CAUSE_KEY_EMPTY, ANY_SOURCE, NULL, "Give the key itself: store it with `llmc keys set {provider}`."},
    /* key.whitespace */
    {LLMC_CAUSE_KEY_WHITESPACE, LLMC_SOURCE_ENV, NULL,
     "Set {source} again without the stray characters, or store the key with `llmc keys set {provider}`, which "
     "trims it; llmc sent the key without them meanwhile."},
    {LLMC_CAUSE_KEY_WHITESPACE, LLMC_SOURCE_FILE, NULL,
     "Rewrite {source} without them (`printf %s \"$KEY\" > {source}`: echo and editors add a line break); llmc "
     "sent the key without them meanwhile."},
    {LLMC_CAUSE_KEY_WHITESPACE, LLMC_SOURCE_COMMAND, NULL,
     "Make the key command print only the key; llmc sent the key without the stray characters meanwhile."},
    {LLMC_CAUSE_KEY_WHITESPACE, ANY_SOURCE, NULL,
     "Store the key again with `llmc keys set {provider}`, which trims it; llmc sent the key without the stray "
     "characters meanwhile."},
    /* key.quoted */
    {LLMC_CAUSE_KEY_QUOTED, LLMC_SOURCE_ENV, NULL,
     "Remove the quotes where {source} is defined (a Docker --env-file or some .env loaders keep them: write "
     "{source}= followed by the bare key); llmc sent the key without them meanwhile."},
    {LLMC_CAUSE_KEY_QUOTED, LLMC_SOURCE_FILE, NULL,
     "Remove the quotes from {source}: it must hold only the key; llmc sent the key without them meanwhile."},
    {LLMC_CAUSE_KEY_QUOTED, ANY_SOURCE, NULL,
     "Store the key again without quotes with `llmc keys set {provider}`; llmc sent the key without them "
     "meanwhile."},
    /* key.malformed */
    {LLMC_CAUSE_KEY_MALFORMED, ANY_SOURCE, "warning",
     "Compare {where} with the key in {console}: it does not look like a whole {Provider} key, so a 401 would mean "
     "it was damaged when copied. llmc sent it as it is."},
    {LLMC_CAUSE_KEY_MALFORMED, LLMC_SOURCE_ENV, NULL,
     "Copy the key again from {console}, whole and exactly, into {source}, or store it with `llmc keys set "
     "{provider}`; llmc sends nothing until then."},
    {LLMC_CAUSE_KEY_MALFORMED, LLMC_SOURCE_FILE, NULL,
     "Copy the key again from {console}, whole and exactly, into {source} (`printf %s \"$KEY\" > {source}`); llmc "
     "sends nothing until then."},
    {LLMC_CAUSE_KEY_MALFORMED, ANY_SOURCE, NULL,
     "Copy the key again from {console}, whole and exactly, and store it with `llmc keys set {provider}`; llmc "
     "sends nothing until then."},
    /* key.placeholder */
    {LLMC_CAUSE_KEY_PLACEHOLDER, ANY_SOURCE, NULL,
     "Replace the placeholder in {where} with a real {Provider} key (create one in {console}), or store one with "
     "`llmc keys set {provider}`."},
    /* key.wrong_provider */
    {LLMC_CAUSE_KEY_WRONG_PROVIDER, ANY_SOURCE, "kind",
     "Use a {Provider} API key instead: create one in {console} and store it with `llmc keys set {provider}`."},
    {LLMC_CAUSE_KEY_WRONG_PROVIDER, ANY_SOURCE, NULL,
     "{where} holds {Owner}'s key: move it to {owner_key_env}, and give {Provider}'s own key in {key_env} or store "
     "it with `llmc keys set {provider}`."},
    /* key.file_permissions */
    {LLMC_CAUSE_KEY_FILE_PERMISSIONS, LLMC_SOURCE_STORE, NULL,
     "Restrict the key store to its owner with `chmod 600 {source}`, and rotate the keys in it if others may have "
     "read them."},
    {LLMC_CAUSE_KEY_FILE_PERMISSIONS, ANY_SOURCE, NULL,
     "Restrict the file to its owner with `chmod 600 {source}`, and rotate the key if others may have read it."},
    /* key.command_failed */
    {LLMC_CAUSE_KEY_COMMAND_FAILED, ANY_SOURCE, NULL,
     "Run the key command yourself in a terminal to see why it fails (a locked vault, an expired session, a program "
     "missing from PATH) and fix that; or export {key_env} for the run, which comes before the key command."},
    /* auth.rejected */
    {LLMC_CAUSE_AUTH_REJECTED, LLMC_SOURCE_ENV, NULL,
     "{Provider} refused the key in {source}: it was revoked, expired, mistyped or is another account's. Create a "
     "new key in {console} and put it into {source}, or `unset {source}` and store the new key with `llmc keys set "
     "{provider}`."},
    {LLMC_CAUSE_AUTH_REJECTED, LLMC_SOURCE_FILE, NULL,
     "{Provider} refused the key in the file {source}: it was revoked, expired, mistyped or is another account's. "
     "Create a new key in {console} and write it into {source}."},
    {LLMC_CAUSE_AUTH_REJECTED, LLMC_SOURCE_STORE, NULL,
     "{Provider} refused the stored key \"{source}\" (it is skipped from now on): it was revoked, expired or is "
     "another account's. Create a new key in {console} and store it with `llmc keys set {provider} --label "
     "{source}`."},
    {LLMC_CAUSE_AUTH_REJECTED, LLMC_SOURCE_COMMAND, NULL,
     "{Provider} refused the key the key command printed: it was revoked, expired or is another account's. Create "
     "a new key in {console} and update the entry the command reads."},
    {LLMC_CAUSE_AUTH_REJECTED, ANY_SOURCE, NULL,
     "{Provider} refused the key: it was revoked, expired, mistyped or is another account's. Create a new key in "
     "{console} and store it with `llmc keys set {provider}`."},
    {LLMC_CAUSE_AUTH_REJECTED, ANY_SOURCE, "keyless",
     "{Provider} asks for a key, but llmc sends none to it (auth = none): give its section in the config file a "
     "key_env naming the variable that holds the key, instead of auth = none."},
    /* auth.forbidden */
    {LLMC_CAUSE_AUTH_FORBIDDEN, ANY_SOURCE, "no_header",
     "{Provider} received no key: something between here and {Provider} (a proxy or gateway) removed the "
     "Authorization header. Send the request directly, or let the proxy pass that header."},
    {LLMC_CAUSE_AUTH_FORBIDDEN, ANY_SOURCE, "keyless",
     "{Provider} wants a key, but llmc sends none to it (auth = none): give its section in the config file a key_env "
     "naming the variable that holds the key, instead of auth = none."},
    {LLMC_CAUSE_AUTH_FORBIDDEN, ANY_SOURCE, NULL,
     "The key from {where} is valid but may not do this: check in {console} that its workspace or project may use "
     "this model and that billing is active, or use a key that may."},
    /* auth.conflict */
    {LLMC_CAUSE_AUTH_CONFLICT, ANY_SOURCE, NULL,
     "Unset one of them: `unset {token_env}` to send the API key in {key_env}, or `unset {key_env}` to send "
     "{token_env} as a Bearer token (a gateway's or a login's token); or choose a stored key with --key-name."},
    /* transport.insecure */
    {LLMC_CAUSE_TRANSPORT_INSECURE, ANY_SOURCE, "keyless",
     "Allow plain http for this server alone with `allow_http = true` in the [endpoint {provider}] or [provider "
     "{provider}] section of the config file (no key is sent to it), or give it https://."},
    {LLMC_CAUSE_TRANSPORT_INSECURE, ANY_SOURCE, NULL,
     "Use https:// in the base URL ({base_url_env}); for a server on this machine use 127.0.0.1 or localhost. For a "
     "host on a network you trust, allow plain http for it alone with `allow_http = true` in the [provider "
     "{provider}] or [endpoint {provider}] section of the config file: the key then travels unencrypted."},
    /* key.file_missing */
    {LLMC_CAUSE_KEY_FILE_MISSING, ANY_SOURCE, NULL,
     "Fix the path in {file_var} (it names {source}, which does not exist), or `unset {file_var}` so that llmc "
     "looks further."},
    /* key.file_unreadable */
    {LLMC_CAUSE_KEY_FILE_UNREADABLE, ANY_SOURCE, "directory",
     "Point {file_var} at the key file itself, not at the directory {source}, or `unset {file_var}`."},
    {LLMC_CAUSE_KEY_FILE_UNREADABLE, ANY_SOURCE, "access",
     "Let the user llmc runs as read {source} (`chmod 600` it as its owner, or run as that user), or `unset "
     "{file_var}`."},
    {LLMC_CAUSE_KEY_FILE_UNREADABLE, ANY_SOURCE, NULL,
     "Point {file_var} at a regular file that holds only the key, or `unset {file_var}`."},
    /* model.unknown_provider */
    {LLMC_CAUSE_MODEL_UNKNOWN_PROVIDER, ANY_SOURCE, "suggestion",
     "Write {extra} instead: \"{source}\" is not a provider llmc knows (known: {extra2})."},
    {LLMC_CAUSE_MODEL_UNKNOWN_PROVIDER, ANY_SOURCE, "loop",
     "Give the alias \"{source}\" a model of the form provider/model in the config file: it names itself."},
    {LLMC_CAUSE_MODEL_UNKNOWN_PROVIDER, ANY_SOURCE, "no_model",
     "Name a model after the provider: {source}/MODEL (`llmc models {source}` lists them)."},
    {LLMC_CAUSE_MODEL_UNKNOWN_PROVIDER, ANY_SOURCE, NULL,
     "Start the model with a provider llmc knows ({extra2}), or add \"{source}\" as an [endpoint {source}] section "
     "with its base_url in the config file."},
    /* model.not_found */
    {LLMC_CAUSE_MODEL_NOT_FOUND, ANY_SOURCE, "retired_replacement",
     "{Provider} retired {extra}{extra3}: use {extra2} instead (`llmc models {provider}` lists what it serves)."},
    {LLMC_CAUSE_MODEL_NOT_FOUND, ANY_SOURCE, "retired",
     "{Provider} retired {extra}{extra3}: pick a current model from `llmc models {provider}`."},
    {LLMC_CAUSE_MODEL_NOT_FOUND, ANY_SOURCE, "elsewhere",
     "{Provider} does not serve \"{extra}\", but {extra2} does: use -m {extra2}/{extra} (a model without its "
     "provider goes to the default provider)."},
    {LLMC_CAUSE_MODEL_NOT_FOUND, ANY_SOURCE, "listed",
     "{Provider} lists \"{extra}\" but did not serve it to this key: check in {console} that the account may use "
     "it (and, where models are deployed, that it is), or pick another from `llmc models {provider}`."},
    {LLMC_CAUSE_MODEL_NOT_FOUND, ANY_SOURCE, "suggestions",
     "{Provider} does not serve \"{extra}\": did you mean {extra2}? `llmc models {provider}` lists every model "
     "it serves."},
    {LLMC_CAUSE_MODEL_NOT_FOUND, ANY_SOURCE, NULL,
     "Check the model id with `llmc models {provider}`: {Provider} does not serve \"{extra}\" to this key."},
    /* request.unsupported_parameter: {extra} the parameter, {extra2} the model, {extra3} the levels */
    {LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER, ANY_SOURCE, "max_tokens",
     "Give {extra2} its limit as max_completion_tokens (-o max_completion_tokens=N in place of --max-tokens or -o "
     "max_tokens): this {Provider} model refuses max_tokens."},
    {LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER, ANY_SOURCE, "sampling",
     "Drop {extra} (--temperature, --top-p) for {extra2}: this {Provider} model only takes its default sampling "
     "(steer it with --effort instead)."},
    {LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER, ANY_SOURCE, "sampling_pair",
     "Set only one of temperature and top_p (--temperature, --top-p) for {extra2}: this {Provider} model refuses "
     "both together."},
    {LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER, ANY_SOURCE, "version",
     "Leave {extra} out, or send anthropic-version 2023-06-01 (--anthropic-version 2023-06-01, "
     "llmc_client_set_anthropic_version): {extra2} took the sampling parameters away."},
    {LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER, ANY_SOURCE, "thinking",
     "Ask for thinking without a budget for {extra2} (--thinking, LLMC_THINKING_ON or LLMC_THINKING_ADAPTIVE) and "
     "say how much with an effort level (--effort): this {Provider} model only thinks adaptively."},
    {LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER, ANY_SOURCE, "thinking_adaptive",
     "Give {extra2} a thinking budget (--thinking=BUDGET, LLMC_THINKING_BUDGET), or ask with --thinking "
     "(LLMC_THINKING_ON), which sends the form the model takes: this {Provider} model only thinks with a budget."},
    {LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER, ANY_SOURCE, "thinking_off",
     "Leave thinking unset for {extra2} (no --thinking=off, no LLMC_THINKING_OFF): this {Provider} model always "
     "thinks, adaptively."},
    {LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER, ANY_SOURCE, "with_thinking",
     "Leave {extra} out while thinking is on for {extra2}, or turn thinking off: {Provider} does not take them "
     "together."},
    {LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER, ANY_SOURCE, "effort",
     "Give {extra2} an effort level it takes ({extra3}) with --effort or llmc_request_set_effort, or leave it "
     "unset."},
    {LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER, ANY_SOURCE, "no_effort",
     "Leave the effort level unset for {extra2} (no --effort): it is not a reasoning model, and {Provider} refuses "
     "reasoning_effort for it."},
    {LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER, ANY_SOURCE, "tools_with_format",
     "Send {Provider} either the tools or the response format (--schema, llmc_request_set_format), not both: it "
     "refuses them together."},
    {LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER, ANY_SOURCE, "raw_with_format",
     "Ask for reasoning format parsed or hidden (llmc_request_set_reasoning_format) with a response format: "
     "{Provider} refuses raw reasoning with JSON output."},
    {LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER, ANY_SOURCE, "forced_tools",
     "Let {extra2} choose its tools (tool choice auto or none): this {Provider} model refuses forced tool use."},
    {LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER, ANY_SOURCE, NULL,
     "Remove {extra} from the request for {extra2}, or use a {Provider} model that takes it."},
    /* config.base_url */
    {LLMC_CAUSE_CONFIG_BASE_URL, ANY_SOURCE, "v1",
     "Remove the trailing /v1 from {source}: llmc appends {extra} itself, as the official SDK does, so the request "
     "went to …/v1{extra}."},
    {LLMC_CAUSE_CONFIG_BASE_URL, ANY_SOURCE, "no_v1",
     "Add the path the server answers under to {source}, usually /v1 (OpenAI-compatible servers such as Ollama, "
     "vLLM and llama.cpp answer at …/v1/chat/completions): llmc appends only {extra}."},
    {LLMC_CAUSE_CONFIG_BASE_URL, ANY_SOURCE, NULL,
     "Set {source} to a whole URL with its scheme, e.g. {default_base_url}, or unset it to use {Provider}'s "
     "default."},
};

#define N_TEMPLATES (sizeof templates / sizeof templates[0])

static const fix_template *pick(llmc_cause cause, llmc_key_source source, const char *variant)
{
    /* the variant asked for, then the usual case; within each, the source's own entry first */
    for (int pass = 0; pass < 2; pass++) {
        const char *want = pass == 0 ? variant : NULL;
        if (pass == 0 && !variant)
            continue;
        for (int exact = 1; exact >= 0; exact--)
            for (size_t i = 0; i < N_TEMPLATES; i++) {
                const fix_template *t = &templates[i];
                if (t->cause != cause || (t->variant == NULL) != (want == NULL) ||
                    (want && strcmp(t->variant, want) != 0))
                    continue;
                if (exact ? t->source == (int)source : t->source == ANY_SOURCE)
                    return t;
            }
    }
    return NULL;
}

typedef struct out_buf {
    char *s;
    size_t size, len; /* len may pass size: the length the whole text needs */
} out_buf;

static void put(out_buf *o, const char *text, size_t n)
{
    if (o->len < o->size) {
        size_t room = o->size - 1 - o->len;
        memcpy(o->s + o->len, text, n < room ? n : room);
        o->s[o->len + (n < room ? n : room)] = '\0';
    }
    o->len += n;
}

static void puts_(out_buf *o, const char *text)
{
    put(o, text, strlen(text));
}

static const char *provider_display(const llmc_fix_ctx *c)
{
    if (c->info && c->info->display_name)
        return c->info->display_name;
    return c->name && *c->name ? c->name : "the provider";
}

/* The placeholder `name` into o. */
static void fill(out_buf *o, const char *name, size_t n, const llmc_fix_ctx *c)
{
    char tmp[320];
#define IS(x) (n == strlen(x) && memcmp(name, x, n) == 0)
    const llmc_provider_info *p = c->info;
    const char *provider = c->name && *c->name ? c->name : (p ? p->name : "");
    if (IS("provider")) {
        puts_(o, provider);
    } else if (IS("Provider")) {
        puts_(o, provider_display(c));
    } else if (IS("key_env")) {
        puts_(o, p && p->key_env ? p->key_env : "its key variable");
    } else if (IS("token_env")) {
        puts_(o, p && p->token_env ? p->token_env : "its token variable");
    } else if (IS("file_var")) {
        snprintf(tmp, sizeof tmp, "%s_FILE", p && p->key_env ? p->key_env : "KEY");
        puts_(o, tmp);
    } else if (IS("base_url_env")) {
        if (p && p->base_url_env)
            snprintf(tmp, sizeof tmp, "%s, or base_url in the config file", p->base_url_env);
        else
            snprintf(tmp, sizeof tmp, "base_url in the [endpoint %s] section of the config file", provider);
        puts_(o, tmp);
    } else if (IS("source")) {
        puts_(o, c->source_name ? c->source_name : "");
    } else if (IS("where")) {
        const char *sn = c->source_name ? c->source_name : "";
        switch (c->source) {
        case LLMC_SOURCE_ENV:
            snprintf(tmp, sizeof tmp, "%s", sn);
            break;
        case LLMC_SOURCE_FILE:
            snprintf(tmp, sizeof tmp, "the file %s", sn);
            break;
        case LLMC_SOURCE_COMMAND:
            snprintf(tmp, sizeof tmp, "the key command's output");
            break;
        case LLMC_SOURCE_STORE:
            snprintf(tmp, sizeof tmp, "the stored key \"%s\"", sn);
            break;
        case LLMC_SOURCE_EXPLICIT:
            snprintf(tmp, sizeof tmp, "the key given to llmc");
            break;
        case LLMC_SOURCE_NONE:
            snprintf(tmp, sizeof tmp, "the key");
            break;
        }
        puts_(o, tmp);
    } else if (IS("console")) {
        if (p && p->console)
            snprintf(tmp, sizeof tmp, "the %s console (%s)", provider_display(c), p->console);
        else
            snprintf(tmp, sizeof tmp, "the %s console", provider_display(c));
        puts_(o, tmp);
    } else if (IS("shadowed")) {
        puts_(o, c->shadowed ? c->shadowed : "");
    } else if (IS("extra")) {
        puts_(o, c->extra ? c->extra : "");
    } else if (IS("extra2")) {
        puts_(o, c->extra2 ? c->extra2 : "");
    } else if (IS("extra3")) {
        puts_(o, c->extra3 ? c->extra3 : "");
    } else if (IS("Owner")) {
        puts_(o, c->owner && c->owner->display_name ? c->owner->display_name : "another provider");
    } else if (IS("owner_key_env")) {
        puts_(o, c->owner && c->owner->key_env ? c->owner->key_env : "that provider's variable");
    } else if (IS("path")) {
        puts_(o, p && p->messages_path ? p->messages_path : "");
    } else if (IS("default_base_url")) {
        puts_(o, p && p->default_base_url ? p->default_base_url : "https://host.example/v1");
    } else {
        put(o, name - 1, n + 2); /* not a placeholder: keep the braces */
    }
#undef IS
}

static void render(out_buf *o, const char *text, const llmc_fix_ctx *c)
{
    for (const char *p = text; *p;) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            puts_(o, p);
            return;
        }
        put(o, p, (size_t)(open - p));
        fill(o, open + 1, (size_t)(close - open - 1), c);
        p = close + 1;
    }
}

size_t llmc_fix_compose(llmc_cause cause, const llmc_fix_ctx *c, char *out, size_t size)
{
    out_buf o = {out, size, 0};
    if (size)
        out[0] = '\0';
    const fix_template *t = pick(cause, c->source, c->variant);
    if (!t)
        return 0;
    render(&o, t->text, c);
    /* A key that fails while a later source holds another one: say how to reach that one. */
    if (c->shadowed && *c->shadowed && c->source == LLMC_SOURCE_ENV) {
        const fix_template *s = pick(LLMC_CAUSE_NONE, c->source, "shadow");
        if (s) {
            puts_(&o, " ");
            render(&o, s->text, c);
        }
    }
    return o.len;
}

void llmc_fix_append_shadow(llmc_diagnosis *d, const llmc_provider_info *info, const char *name)
{
    if (!d->shadowed[0] || d->source != LLMC_SOURCE_ENV || strstr(d->fix, "later in the chain"))
        return;
    const fix_template *t = pick(LLMC_CAUSE_NONE, d->source, "shadow");
    size_t len = strlen(d->fix);
    if (!t || len + 2 >= sizeof d->fix)
        return;
    llmc_fix_ctx c = llmc_fix_ctx_of(d, info, name);
    out_buf o = {d->fix + len, sizeof d->fix - len, 0};
    if (len)
        puts_(&o, " ");
    render(&o, t->text, &c);
}

llmc_fix_ctx llmc_fix_ctx_of(const llmc_diagnosis *d, const llmc_provider_info *info, const char *name)
{
    llmc_fix_ctx c = {
        .info = info,
        .name = name,
        .source = d->source,
        .source_name = d->source_name,
        .shadowed = d->shadowed,
    };
    return c;
}

void llmc_diagnosis_set_fix(llmc_diagnosis *d, const llmc_fix_ctx *c)
{
    llmc_fix_compose(d->cause, c, d->fix, sizeof d->fix);
}

void llmc_diagnose_parameter(llmc_diagnosis *d, const llmc_provider_info *info, const char *provider, const char *model,
                             const char *param, const char *variant, const char *levels)
{
    memset(d, 0, sizeof *d);
    d->cause = LLMC_CAUSE_REQUEST_UNSUPPORTED_PARAMETER;
    const llmc_cause_info *page = llmc_cause_info_get(d->cause);
    d->severity = page ? page->severity : LLMC_SEVERITY_ERROR;
    llmc_strlcpy(d->provider, provider ? provider : "", sizeof d->provider);
    if (!model || !*model)
        model = "this model";
    snprintf(d->detail, sizeof d->detail, "%s refuses %s", model, param);
    llmc_fix_ctx c = llmc_fix_ctx_of(d, info, provider);
    c.extra = param;
    c.extra2 = model;
    c.extra3 = levels;
    c.variant = variant;
    if (!variant) {
        /* the parameter's name says which case it is (the provider's 400 names only that) */
        if (strncmp(param, "max_tokens", 10) == 0)
            c.variant = "max_tokens";
        else if (strcmp(param, "temperature") == 0 || strcmp(param, "top_p") == 0 || strcmp(param, "top_k") == 0)
            c.variant = "sampling";
        else if (strstr(param, "thinking.type.enabled") || strstr(param, "budget_tokens"))
            c.variant = "thinking";
        else if (strcmp(param, "reasoning_effort") == 0 || strstr(param, "effort"))
            c.variant = levels ? "effort" : NULL;
    }
    llmc_diagnosis_set_fix(d, &c);
}
