/* SPDX-License-Identifier: MIT */
/*
 * keycheck.c — the static checks of DESIGN §5 run on a key before it is sent (empty, quoted,
 * whitespace, placeholder, malformed, wrong provider) and the near-miss variable search.
 * Every finding's detail describes the problem in words and positions only: no key bytes ever
 * reach a detail, so a diagnosis can be printed, logged or sent in a bug report safely.
 */
#include "diagnose.h"
#include "utf8.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The limits of DESIGN §5: nothing shorter or longer is anyone's key. */
#define KEY_MIN_LEN 8
#define KEY_MAX_LEN 512

/* ------------------------------------------------------------------------------------------ */
/* Prefixes and shapes                                                                         */

/* Longest first where one prefix contains another ("sk-ant-" before "sk-"). */
static const struct {
    const char *prefix;
    const char *owner;
    const char *label; /* for details: "starts with fw_, a Fireworks key" */
} prefix_owners[] = {
    {"sk-ant-", "anthropic", "an Anthropic key"},
    {"csk-", "cerebras", "a Cerebras key"},
    {"fw_", "fireworks", "a Fireworks key"},
    {"sk-", "openai", "an OpenAI key"},
};

/* Not isascii(): that one is XSI, not C11. ctype classes are asked only about ASCII bytes. */
static int is_ascii(int c)
{
    return c >= 0 && c < 0x80;
}

static int is_anthropic_body_char(int c)
{
    return is_ascii(c) && (isalnum(c) || c == '_' || c == '-');
}

static int is_cerebras_body_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_alnum_ascii(int c)
{
    return is_ascii(c) && isalnum(c);
}

/*
 * The precise shapes providers document. A key that has the prefix but not the rest of the
 * shape is probably damaged (cut short when copied), but formats change, so it is a warning.
 */
static const struct {
    const char *provider;
    const char *prefix;
    size_t body_min, body_max;
    int (*body_char)(int c);
    const char *suffix; /* required ending of the body, or NULL */
    const char *name;   /* "Anthropic" */
} shapes[] = {
    {"anthropic", "sk-ant-api03-", 93, 93, is_anthropic_body_char, "AA", "Anthropic"},
    {"cerebras", "csk-", 48, 48, is_cerebras_body_char, NULL, "Cerebras"},
    {"fireworks", "fw_", 20, KEY_MAX_LEN, is_alnum_ascii, NULL, "Fireworks"},
};

/*
 * Providers whose keys always carry a prefix: a key without it is suspicious (warning).
 * Fireworks is absent on purpose: its older keys have no prefix. OpenAI-compatible endpoints
 * take anything a gateway issues.
 */
static const struct {
    const char *provider;
    const char *prefix;
    const char *name;
} required_prefixes[] = {
    {"anthropic", "sk-ant-", "Anthropic"},
    {"cerebras", "csk-", "Cerebras"},
};

/* Providers that only accept their own keys: a foreign prefix there is an error. */
static int is_strict_provider(const char *provider)
{
    return strcmp(provider, "anthropic") == 0 || strcmp(provider, "cerebras") == 0 ||
           strcmp(provider, "fireworks") == 0;
}

static int has_prefix(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

const char *llmc_key_prefix_owner(const char *key, size_t len)
{
    if (key == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof prefix_owners / sizeof prefix_owners[0]; i++)
        if (has_prefix(key, len, prefix_owners[i].prefix))
            return prefix_owners[i].owner;
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Findings                                                                                    */

static void add_finding(llmc_key_verdict *v, llmc_cause cause, llmc_severity sev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add_finding(llmc_key_verdict *v, llmc_cause cause, llmc_severity sev, const char *fmt, ...)
{
    if (v->n >= LLMC_MAX_FINDINGS)
        return;
    llmc_key_finding *f = &v->findings[v->n++];
    f->cause = cause;
    f->severity = sev;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->detail, sizeof f->detail, fmt, ap);
    va_end(ap);
}

/* Positions in details count characters from 1, as an editor's column would. */
static size_t char_position(const unsigned char *s, size_t offset)
{
    size_t pos = 1;
    for (size_t i = 0; i < offset; i++)
        if ((s[i] & 0xC0) != 0x80)
            pos++;
    return pos;
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

/* ------------------------------------------------------------------------------------------ */
/* Outer whitespace                                                                            */

/* The kinds of padding stripped from the ends; the multi-byte ones come with web copies and
 * Windows editors (a byte-order mark at the start of a saved file). */
enum { WS_SPACE, WS_TAB, WS_CR, WS_LF, WS_OTHER, WS_NBSP, WS_ZWSP, WS_BOM, WS_KINDS };

static const struct {
    const char *bytes;
    const char *one;  /* "a line break (\\n)" */
    const char *many; /* "line breaks (\\n)", after a count */
} ws_kinds[WS_KINDS] = {
    [WS_SPACE] = {" ", "a space", "spaces"},
    [WS_TAB] = {"\t", "a tab", "tabs"},
    [WS_CR] = {"\r", "a carriage return (\\r)", "carriage returns (\\r)"},
    [WS_LF] = {"\n", "a line break (\\n)", "line breaks (\\n)"},
    [WS_OTHER] = {NULL, "a vertical tab or form feed", "vertical tabs or form feeds"},
    [WS_NBSP] = {"\xC2\xA0", "a no-break space (U+00A0)", "no-break spaces (U+00A0)"},
    [WS_ZWSP] = {"\xE2\x80\x8B", "a zero-width space (U+200B)", "zero-width spaces (U+200B)"},
    [WS_BOM] = {"\xEF\xBB\xBF", "a byte-order mark (U+FEFF)", "byte-order marks (U+FEFF)"},
};

typedef struct ws_count {
    size_t n[WS_KINDS];
    size_t total;
} ws_count;

/* The byte length of padding at s[0..len) (front) or ending at s[len) (back); 0 if none. */
static size_t ws_at(const char *s, size_t len, int back, int *kind)
{
    if (len == 0)
        return 0;
    unsigned char c = (unsigned char)(back ? s[len - 1] : s[0]);
    if (c == '\v' || c == '\f') {
        *kind = WS_OTHER;
        return 1;
    }
    for (int k = 0; k < WS_KINDS; k++) {
        const char *b = ws_kinds[k].bytes;
        if (b == NULL)
            continue;
        size_t n = strlen(b);
        if (n > len)
            continue;
        if (memcmp(back ? s + len - n : s, b, n) == 0) {
            *kind = k;
            return n;
        }
    }
    return 0;
}

/* Strip padding from both ends of key[*b .. *e); returns whether anything was removed. */
static int strip_ws(const char *key, size_t *b, size_t *e, ws_count *lead, ws_count *trail)
{
    int changed = 0, kind = 0;
    size_t n;
    while ((n = ws_at(key + *b, *e - *b, 0, &kind)) > 0) {
        *b += n;
        lead->n[kind]++;
        lead->total++;
        changed = 1;
    }
    while ((n = ws_at(key + *b, *e - *b, 1, &kind)) > 0) {
        *e -= n;
        trail->n[kind]++;
        trail->total++;
        changed = 1;
    }
    return changed;
}

/* "a line break (\n)", "2 spaces and a tab", "a Windows line ending (\r\n)". */
static void describe_ws(const ws_count *w, char *out, size_t size)
{
    out[0] = '\0';
    if (w->total == 2 && w->n[WS_CR] == 1 && w->n[WS_LF] == 1) {
        snprintf(out, size, "a Windows line ending (\\r\\n)");
        return;
    }
    size_t kinds = 0, done = 0, len = 0;
    for (int k = 0; k < WS_KINDS; k++)
        kinds += w->n[k] > 0;
    for (int k = 0; k < WS_KINDS && len < size; k++) {
        if (w->n[k] == 0)
            continue;
        const char *sep = done == 0 ? "" : (done + 1 == kinds ? " and " : ", ");
        int r = w->n[k] == 1 ? snprintf(out + len, size - len, "%s%s", sep, ws_kinds[k].one)
                             : snprintf(out + len, size - len, "%s%zu %s", sep, w->n[k], ws_kinds[k].many);
        if (r < 0)
            return;
        len += (size_t)r;
        done++;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Outer quotes                                                                                */

enum { Q_NONE, Q_DOUBLE, Q_SINGLE, Q_BACKTICK, Q_CURLY_DOUBLE, Q_CURLY_SINGLE };

static const char *const quote_names[] = {
    [Q_NONE] = "",
    [Q_DOUBLE] = "double quotes",
    [Q_SINGLE] = "single quotes",
    [Q_BACKTICK] = "backticks",
    [Q_CURLY_DOUBLE] = "curly double quotes (U+201C/U+201D)",
    [Q_CURLY_SINGLE] = "curly single quotes (U+2018/U+2019)",
};

static const char *const quote_name_one[] = {
    [Q_NONE] = "",
    [Q_DOUBLE] = "a double quote",
    [Q_SINGLE] = "a single quote",
    [Q_BACKTICK] = "a backtick",
    [Q_CURLY_DOUBLE] = "a curly double quote",
    [Q_CURLY_SINGLE] = "a curly single quote",
};

/*
 * The quote at the front or back of s[0..len): its kind and byte length. Curly quotes are
 * accepted in either direction at either end: word processors and chat apps do not always
 * pick the matching pair ("smart" quotes after a paste are often both closing ones).
 */
static size_t quote_at(const char *s, size_t len, int back, int *kind)
{
    static const struct {
        const char *bytes;
        int kind;
    } quotes[] = {
        {"\"", Q_DOUBLE},
        {"'", Q_SINGLE},
        {"`", Q_BACKTICK},
        {"\xE2\x80\x9C", Q_CURLY_DOUBLE}, /* U+201C */
        {"\xE2\x80\x9D", Q_CURLY_DOUBLE}, /* U+201D */
        {"\xE2\x80\x9E", Q_CURLY_DOUBLE}, /* U+201E, German opening quote */
        {"\xE2\x80\x98", Q_CURLY_SINGLE}, /* U+2018 */
        {"\xE2\x80\x99", Q_CURLY_SINGLE}, /* U+2019 */
    };
    for (size_t i = 0; i < sizeof quotes / sizeof quotes[0]; i++) {
        size_t n = strlen(quotes[i].bytes);
        if (n <= len && memcmp(back ? s + len - n : s, quotes[i].bytes, n) == 0) {
            *kind = quotes[i].kind;
            return n;
        }
    }
    *kind = Q_NONE;
    return 0;
}

typedef struct quote_info {
    int kind;       /* the outermost layer found */
    int lone_front; /* the outermost layer was a quote at one end only */
    int lone_back;
    int layers;
} quote_info;

/*
 * Strip one layer of quotes from key[*b .. *e). A matching pair is stripped; so is a lone quote
 * at one end, because no provider's key contains a quote and a half-quoted value is a paste or
 * .env accident just the same.
 */
static int strip_quotes(const char *key, size_t *b, size_t *e, quote_info *q)
{
    const char *s = key + *b;
    size_t len = *e - *b;
    int kf, kb;
    size_t nf = quote_at(s, len, 0, &kf);
    size_t nb = quote_at(s, len, 1, &kb);
    int lone_front = 0, lone_back = 0;
    if (nf > 0 && nb > 0 && kf == kb && nf + nb <= len) {
        *b += nf;
        *e -= nb;
    } else if (nf > 0) {
        *b += nf;
        lone_front = 1;
    } else if (nb > 0) {
        *e -= nb;
        kf = kb;
        lone_back = 1;
    } else {
        return 0;
    }
    if (q->layers++ == 0) {
        q->kind = kf;
        q->lone_front = lone_front;
        q->lone_back = lone_back;
    }
    return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Placeholders                                                                                */

/*
 * Documentation and template values, compared after lower-casing and dropping everything but
 * letters and digits, so "your-api-key", "YOUR_API_KEY" and "<Your API Key>" are one entry.
 */
static const char *const placeholder_words[] = {
    "yourapikeyhere",
    "yourapikey",
    "yourkey",
    "yourkeyhere",
    "yourtoken",
    "apikey",
    "apikeyhere",
    "apikeygoeshere",
    "keygoeshere",
    "key",
    "token",
    "secret",
    "secretkey",
    "apisecret",
    "mykey",
    "myapikey",
    "mytoken",
    "wrongkey",
    "wrongormissingkey",
    "missingkey",
    "missing",
    "badkey",
    "invalidkey",
    "invalid",
    "test",
    "testkey",
    "testapikey",
    "testing",
    "dummy",
    "dummykey",
    "fake",
    "fakekey",
    "mock",
    "mockkey",
    "example",
    "examplekey",
    "sample",
    "samplekey",
    "placeholder",
    "changeme",
    "changemeplease",
    "replaceme",
    "insertkeyhere",
    "insertyourkeyhere",
    "enterkeyhere",
    "pastekeyhere",
    "pasteyourkeyhere",
    "todo",
    "fixme",
    "tbd",
    "none",
    "null",
    "nil",
    "undefined",
    "false",
    "true",
    "empty",
    "redacted",
    "hidden",
    "password",
    "passw0rd",
    "foo",
    "bar",
    "foobar",
    "abc",
    "abc123",
    "abcdef",
    "qwerty",
    "1234",
    "12345",
    "123456",
    "1234567",
    "12345678",
    "123456789",
    "sk",
    "skant",
    "skantapi03",
    "skproj",
    "csk",
    "fw",
};

/* Prefixes after which a run of one character is still a placeholder ("sk-ant-xxxxxxxx"). */
static const char *const placeholder_prefixes[] = {
    "sk-ant-api03-", "sk-ant-admin01-", "sk-ant-oat01-", "sk-ant-", "sk-proj-", "sk-svcacct-", "sk-", "csk-", "fw_",
};

static int contains(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

static int all_same(const char *s, size_t n)
{
    if (n < 3)
        return 0;
    for (size_t i = 1; i < n; i++)
        if (s[i] != s[0])
            return 0;
    return 1;
}

static int is_ident_char(int c)
{
    return is_ascii(c) && (isalnum(c) || c == '_');
}

/* A whole-value reference that a shell or loader should have replaced: $NAME or %NAME%. */
static int is_unexpanded_name(const char *s, size_t n)
{
    if (n >= 2 && s[0] == '$' && (isalpha((unsigned char)s[1]) || s[1] == '_')) {
        for (size_t i = 2; i < n; i++)
            if (!is_ident_char((unsigned char)s[i]))
                return 0;
        return 1;
    }
    if (n >= 3 && s[0] == '%' && s[n - 1] == '%') {
        for (size_t i = 1; i + 1 < n; i++)
            if (!is_ident_char((unsigned char)s[i]))
                return 0;
        return 1;
    }
    return 0;
}

/* Fills `why` and returns 1 when s[0..n) is a placeholder. Placeholders are short texts;
 * anything over the key length limit is left to the malformed check. */
static int placeholder_reason(const char *s, size_t n, const char **why)
{
    if (n > KEY_MAX_LEN)
        return 0;

    char lower[KEY_MAX_LEN + 1], norm[KEY_MAX_LEN + 1];
    size_t nn = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        lower[i] = (char)(is_ascii(c) ? tolower(c) : c);
        if (is_ascii(c) && isalnum(c))
            norm[nn++] = (char)tolower(c);
    }
    lower[n] = '\0';
    norm[nn] = '\0';

    if (memchr(s, '\0', n) != NULL)
        return 0; /* a NUL byte: the malformed check names it; strstr() below would stop there */

    if (is_unexpanded_name(s, n)) {
        *why = "is an unexpanded variable reference ($NAME or %NAME%), not its value";
        return 1;
    }
    if (contains(lower, "${") && contains(lower, "}")) {
        *why = "is an unexpanded ${...} reference, not its value";
        return 1;
    }
    if (contains(lower, "$(") && contains(lower, ")")) {
        *why = "is a $(...) command substitution that was never run";
        return 1;
    }
    if (contains(lower, "{{") && contains(lower, "}}")) {
        *why = "is an unfilled {{ }} template";
        return 1;
    }
    if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
        *why = "is wrapped in <>: a template value to be filled in";
        return 1;
    }
    if (contains(lower, "...") || contains(lower, "\xE2\x80\xA6")) {
        *why = "contains an ellipsis where the rest of a key was left out";
        return 1;
    }
    if (contains(lower, "***") || contains(lower, "\xE2\x80\xA2\xE2\x80\xA2")) {
        *why = "contains asterisks or bullets: the masked form a console displays, not the key";
        return 1;
    }
    if (contains(lower, "your") && (contains(lower, "key") || contains(lower, "token") || contains(lower, "secret"))) {
        *why = "looks like documentation text (\"your ... key\"), not a real key";
        return 1;
    }
    for (size_t i = 0; i < sizeof placeholder_prefixes / sizeof placeholder_prefixes[0]; i++) {
        size_t pn = strlen(placeholder_prefixes[i]);
        if (has_prefix(s, n, placeholder_prefixes[i])) {
            if (n == pn) {
                *why = "is only a key prefix, with nothing after it";
                return 1;
            }
            if (all_same(s + pn, n - pn)) {
                *why = "is a key prefix followed by one repeated character: a placeholder";
                return 1;
            }
            break;
        }
    }
    for (size_t i = 0; i < sizeof placeholder_words / sizeof placeholder_words[0]; i++) {
        if (strcmp(norm, placeholder_words[i]) == 0) {
            *why = "is a stock value from examples or tutorials, not a real key";
            return 1;
        }
    }
    if (all_same(s, n) || (nn >= 3 && all_same(norm, nn) && nn * 2 >= n)) {
        *why = "is one character repeated: a placeholder, not a real key";
        return 1;
    }
    if (nn == 0) {
        *why = "has no letters or digits at all";
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Malformed characters                                                                        */

/* Names for the characters that editors, word processors and web pages slip into keys. */
static const char *unicode_name(unsigned long cp)
{
    switch (cp) {
    case 0x00A0:
        return "a no-break space";
    case 0x00AD:
        return "a soft hyphen (invisible)";
    case 0x200B:
        return "a zero-width space";
    case 0x200C:
        return "a zero-width non-joiner";
    case 0x200D:
        return "a zero-width joiner";
    case 0x2060:
        return "a word joiner (invisible)";
    case 0xFEFF:
        return "a byte-order mark";
    case 0x2010:
    case 0x2011:
        return "a Unicode hyphen where '-' was probably meant";
    case 0x2012:
    case 0x2013:
        return "an en dash where '-' was probably meant";
    case 0x2014:
        return "an em dash where '-' was probably meant";
    case 0x2212:
        return "a minus sign where '-' was probably meant";
    case 0x2018:
    case 0x2019:
        return "a curly single quote";
    case 0x201C:
    case 0x201D:
    case 0x201E:
        return "a curly double quote";
    case 0x2026:
        return "an ellipsis";
    default:
        return "a non-ASCII character";
    }
}

/* Adds an ERROR finding and returns 1 when s[0..n) cannot be a key. */
static int check_malformed(const char *s, size_t n, llmc_key_verdict *v)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = u[i];
        size_t pos = char_position(u, i);
        const char *what = NULL;
        switch (c) {
        case ' ':
            what = "a space";
            break;
        case '\t':
            what = "a tab";
            break;
        case '\n':
            what = "a line break (\\n): two values pasted together, or a key split over lines";
            break;
        case '\r':
            what = "a carriage return (\\r)";
            break;
        default:
            break;
        }
        if (what != NULL) {
            add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_ERROR, "contains %s at position %zu", what, pos);
            return 1;
        }
        if (c < 0x20 || c == 0x7F) {
            add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_ERROR,
                        "contains a control character (0x%02X) at position %zu", c, pos);
            return 1;
        }
        if (c >= 0x80) {
            unsigned long cp = 0;
            if (llmc_utf8_decode(u + i, n - i, &cp) > 0)
                add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_ERROR,
                            "contains %s (U+%04lX) at position %zu; keys are plain ASCII", unicode_name(cp), cp, pos);
            else
                add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_ERROR,
                            "contains a byte that is not valid text (0x%02X) at position %zu", c, pos);
            return 1;
        }
    }
    if (n < KEY_MIN_LEN) {
        add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_ERROR, "has %zu character%s; keys are longer", n,
                    plural(n));
        return 1;
    }
    if (n > KEY_MAX_LEN) {
        add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_ERROR,
                    "has %zu characters; no API key is that long (a whole file or several values?)", n);
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Provider checks                                                                             */

static void check_shape(const char *provider, const char *s, size_t n, llmc_key_verdict *v)
{
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        if (strcmp(provider, shapes[i].provider) != 0 || !has_prefix(s, n, shapes[i].prefix))
            continue;
        size_t pn = strlen(shapes[i].prefix);
        const char *body = s + pn;
        size_t bn = n - pn;
        if (bn < shapes[i].body_min || bn > shapes[i].body_max) {
            if (shapes[i].body_min == shapes[i].body_max)
                add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_WARNING,
                            "has %zu character%s after %s where %s keys have %zu; cut short or "
                            "joined when copied?",
                            bn, plural(bn), shapes[i].prefix, shapes[i].name, shapes[i].body_min);
            else
                add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_WARNING,
                            "has %zu character%s after %s where %s keys have at least %zu; cut "
                            "short when copied?",
                            bn, plural(bn), shapes[i].prefix, shapes[i].name, shapes[i].body_min);
            return;
        }
        for (size_t j = 0; j < bn; j++) {
            if (!shapes[i].body_char((unsigned char)body[j])) {
                add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_WARNING,
                            "has a character at position %zu that %s keys do not use", pn + j + 1, shapes[i].name);
                return;
            }
        }
        const char *suf = shapes[i].suffix;
        if (suf != NULL && (bn < strlen(suf) || memcmp(body + bn - strlen(suf), suf, strlen(suf)) != 0))
            add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_WARNING,
                        "does not end the way %s keys do; cut short when copied?", shapes[i].name);
        return;
    }
    for (size_t i = 0; i < sizeof required_prefixes / sizeof required_prefixes[0]; i++) {
        if (strcmp(provider, required_prefixes[i].provider) == 0 && !has_prefix(s, n, required_prefixes[i].prefix))
            add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_WARNING, "does not start with %s as %s keys do",
                        required_prefixes[i].prefix, required_prefixes[i].name);
    }
}

/* Adds a finding for a key that belongs elsewhere; returns 1 when it is an error. */
static int check_owner(const char *provider, const char *s, size_t n, llmc_key_verdict *v)
{
    const char *owner = llmc_key_prefix_owner(s, n);
    int strict = is_strict_provider(provider);

    if (owner != NULL && strcmp(owner, provider) != 0) {
        /* "sk-" is what most OpenAI-compatible servers issue, so it says nothing about a
         * custom endpoint's key; only the named providers' prefixes are telling there. */
        if (!strict && strcmp(provider, "openai") != 0 && strcmp(owner, "openai") == 0)
            return 0;
        const char *prefix = "", *label = "";
        for (size_t i = 0; i < sizeof prefix_owners / sizeof prefix_owners[0]; i++) {
            if (strcmp(prefix_owners[i].owner, owner) == 0) {
                prefix = prefix_owners[i].prefix;
                label = prefix_owners[i].label;
                break;
            }
        }
        add_finding(v, LLMC_CAUSE_KEY_WRONG_PROVIDER, strict ? LLMC_SEVERITY_ERROR : LLMC_SEVERITY_WARNING,
                    "starts with %s, %s", prefix, label);
        return strict;
    }
    /* An Admin API key is Anthropic's own but opens only the Admin API. A warning, not an
     * error: should Anthropic ever widen what admin keys may do, nothing breaks. */
    if (strcmp(provider, "anthropic") == 0 && has_prefix(s, n, "sk-ant-admin01-")) {
        add_finding(v, LLMC_CAUSE_KEY_WRONG_PROVIDER, LLMC_SEVERITY_WARNING,
                    "starts with sk-ant-admin01-, an Anthropic Admin API key; the Messages API "
                    "needs a regular API key (sk-ant-api03-)");
        return 0;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The check                                                                                   */

llmc_severity llmc_key_check(const char *provider, const char *key, size_t len, llmc_key_verdict *v)
{
    llmc_key_verdict scratch;
    if (v == NULL)
        v = &scratch;
    memset(v, 0, sizeof *v);
    if (key == NULL) {
        key = ""; /* so that key + offset below is never arithmetic on NULL */
        len = 0;
    }

    /*
     * Peel padding and quotes alternately: `"sk-..."\n` has whitespace outside the quotes,
     * `" sk-... "` inside them. A few rounds cover every realistic nesting.
     */
    ws_count lead = {{0}, 0}, trail = {{0}, 0};
    quote_info q = {Q_NONE, 0, 0, 0};
    size_t b = 0, e = len;
    for (int round = 0; round < 4; round++) {
        int changed = strip_ws(key, &b, &e, &lead, &trail);
        if (b < e)
            changed |= strip_quotes(key, &b, &e, &q);
        if (!changed)
            break;
    }
    /* Whatever is left after four rounds (quotes nested deeper still) is judged as it is. */

    if (b >= e) {
        /* Nothing usable: one finding, whatever surrounded the nothing. */
        if (len == 0)
            add_finding(v, LLMC_CAUSE_KEY_EMPTY, LLMC_SEVERITY_ERROR, "is empty");
        else if (q.layers > 0)
            add_finding(v, LLMC_CAUSE_KEY_EMPTY, LLMC_SEVERITY_ERROR, "holds only quotes%s, no key",
                        lead.total + trail.total ? " and whitespace" : "");
        else
            add_finding(v, LLMC_CAUSE_KEY_EMPTY, LLMC_SEVERITY_ERROR, "holds only whitespace (%zu character%s)",
                        lead.total + trail.total, plural(lead.total + trail.total));
        v->clean_offset = 0;
        v->clean_len = 0;
        return LLMC_SEVERITY_ERROR;
    }
    v->clean_offset = b;
    v->clean_len = e - b;

    if (q.layers > 0) {
        const char *layers = q.layers > 1 ? " (more than one layer)" : "";
        if (q.lone_front)
            add_finding(v, LLMC_CAUSE_KEY_QUOTED, LLMC_SEVERITY_WARNING,
                        "starts with %s that is never closed; stripped%s", quote_name_one[q.kind], layers);
        else if (q.lone_back)
            add_finding(v, LLMC_CAUSE_KEY_QUOTED, LLMC_SEVERITY_WARNING,
                        "ends with %s that was never opened; stripped%s", quote_name_one[q.kind], layers);
        else
            add_finding(v, LLMC_CAUSE_KEY_QUOTED, LLMC_SEVERITY_WARNING, "is wrapped in %s; stripped%s",
                        quote_names[q.kind], layers);
    }
    if (lead.total + trail.total > 0) {
        char ld[120], tr[120];
        describe_ws(&lead, ld, sizeof ld);
        describe_ws(&trail, tr, sizeof tr);
        if (lead.total > 0 && trail.total > 0)
            add_finding(v, LLMC_CAUSE_KEY_WHITESPACE, LLMC_SEVERITY_WARNING,
                        "starts with %s and ends with %s; stripped", ld, tr);
        else if (lead.total > 0)
            add_finding(v, LLMC_CAUSE_KEY_WHITESPACE, LLMC_SEVERITY_WARNING, "starts with %s; stripped", ld);
        else
            add_finding(v, LLMC_CAUSE_KEY_WHITESPACE, LLMC_SEVERITY_WARNING, "ends with %s; stripped", tr);
    }

    const char *s = key + b;
    size_t n = e - b;
    const char *why = NULL;
    if (placeholder_reason(s, n, &why)) {
        add_finding(v, LLMC_CAUSE_KEY_PLACEHOLDER, LLMC_SEVERITY_ERROR, "%s", why);
        return LLMC_SEVERITY_ERROR;
    }
    if (check_malformed(s, n, v))
        return LLMC_SEVERITY_ERROR;

    if (provider != NULL && provider[0] != '\0') {
        if (check_owner(provider, s, n, v))
            return LLMC_SEVERITY_ERROR;
        if (llmc_key_prefix_owner(s, n) == NULL || strcmp(llmc_key_prefix_owner(s, n), provider) == 0)
            check_shape(provider, s, n, v);
    }

    llmc_severity worst = LLMC_SEVERITY_INFO;
    for (size_t i = 0; i < v->n; i++)
        if (v->findings[i].severity > worst)
            worst = v->findings[i].severity;
    return worst;
}

/* ------------------------------------------------------------------------------------------ */
/* Near-miss variable names                                                                    */

#define NAME_MAX_LEN 63

/*
 * Names a user may well have set instead of the one llmc reads, beyond what the generic
 * "<STEM>_KEY" family below produces: product names and spellings of the company.
 */
static const struct {
    const char *wanted;
    const char *variant;
} known_variants[] = {
    {"ANTHROPIC_API_KEY", "CLAUDE_API_KEY"},
    {"ANTHROPIC_API_KEY", "CLAUDE_KEY"},
    {"ANTHROPIC_API_KEY", "CLAUDE_APIKEY"},
    {"ANTHROPIC_API_KEY", "CLAUDE_TOKEN"},
    {"ANTHROPIC_API_KEY", "CLAUDE_API_TOKEN"},
    {"ANTHROPIC_API_KEY", "ANTHROPIC_CLAUDE_API_KEY"},
    {"CEREBRAS_API_KEY", "CEREBRAS_CLOUD_API_KEY"},
    {"CEREBRAS_API_KEY", "CEREBRAS_CLOUD_KEY"},
    {"FIREWORKS_API_KEY", "FW_API_KEY"},
    {"FIREWORKS_API_KEY", "FW_KEY"},
    {"FIREWORKS_API_KEY", "FIREWORK_AI_API_KEY"},
    {"OPENAI_API_KEY", "OPEN_AI_API_KEY"},
    {"OPENAI_API_KEY", "OPEN_AI_KEY"},
    {"OPENAI_API_KEY", "OPENAI_SECRET"},
};

/* For a wanted name "<STEM>_API_KEY": the usual ways of getting the rest wrong. */
static const char *const stem_suffixes[] = {
    "_KEY",        "_APIKEY",     "_API_TOKEN", "_TOKEN",     "_SECRET_KEY", "_SECRET",  "_API_SECRET",
    "_ACCESS_KEY", "_AI_API_KEY", "_AI_KEY",    "AI_API_KEY", "_API_KEYS",   "_KEY_API",
};

/*
 * Names that are right in their own context and must never be reported: the alternatives llmc
 * itself reads, and other providers' own variables (GROQ_API_KEY is one edit from GROK_API_KEY,
 * HF_API_KEY two from FW_API_KEY — both legitimate).
 */
static const char *const legit_names[] = {
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "ANTHROPIC_CUSTOM_HEADERS",
    "CEREBRAS_API_KEY",
    "FIREWORKS_API_KEY",
    "FIREWORKS_ACCOUNT_ID",
    "OPENAI_API_KEY",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "AZURE_OPENAI_API_KEY",
    "GROQ_API_KEY",
    "GROK_API_KEY",
    "XAI_API_KEY",
    "MISTRAL_API_KEY",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "TOGETHER_API_KEY",
    "DEEPSEEK_API_KEY",
    "OPENROUTER_API_KEY",
    "COHERE_API_KEY",
    "CO_API_KEY",
    "PERPLEXITY_API_KEY",
    "HF_TOKEN",
    "HF_API_KEY",
    "HUGGINGFACE_API_KEY",
    "NVIDIA_API_KEY",
    "SAMBANOVA_API_KEY",
    "REPLICATE_API_TOKEN",
    "VOYAGE_API_KEY",
    "AI21_API_KEY",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "LLMC_LOG",
};

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Optimal string alignment distance (Levenshtein plus adjacent transpositions), for names of
 * at most NAME_MAX_LEN characters. */
static size_t osa_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    size_t d[NAME_MAX_LEN + 1][NAME_MAX_LEN + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[n][m];
}

static void upper_copy(char *dst, const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (char)toupper((unsigned char)src[i]);
    dst[n] = '\0';
}

/* Whether the upper-cased `name` looks like the upper-cased `want`. */
static int is_near_miss(const char *name, const char *want)
{
    if (strcmp(name, want) == 0)
        return 1; /* the same name in another case: the caller ruled out the exact one */

    for (size_t i = 0; i < sizeof known_variants / sizeof known_variants[0]; i++)
        if (strcmp(want, known_variants[i].wanted) == 0 && strcmp(name, known_variants[i].variant) == 0)
            return 1;

    if (ends_with(want, "_API_KEY")) {
        size_t stem = strlen(want) - strlen("_API_KEY");
        if (strlen(name) > stem && memcmp(name, want, stem) == 0)
            for (size_t i = 0; i < sizeof stem_suffixes / sizeof stem_suffixes[0]; i++)
                if (strcmp(name + stem, stem_suffixes[i]) == 0)
                    return 1;
    }

    /* Typos: only among names that are about this provider or about keys at all, and with a
     * tighter bound for short names, where two edits turn one real name into another. */
    char word[NAME_MAX_LEN + 1];
    size_t wl = strcspn(want, "_");
    memcpy(word, want, wl);
    word[wl] = '\0';
    int relevant =
        (wl >= 3 && strstr(name, word) != NULL) || strstr(name, "KEY") != NULL || strstr(name, "TOKEN") != NULL;
    size_t limit = strlen(want) >= 10 ? 2 : 1;
    return relevant && osa_distance(name, want) <= limit;
}

size_t llmc_near_miss_vars(const char *wanted, char *const *environ_list, char out[][64], size_t max)
{
    if (wanted == NULL || environ_list == NULL || out == NULL || max == 0)
        return 0;
    size_t wlen = strlen(wanted);
    if (wlen == 0 || wlen > NAME_MAX_LEN)
        return 0;
    char want[NAME_MAX_LEN + 1];
    upper_copy(want, wanted, wlen);

    size_t found = 0;
    for (size_t i = 0; environ_list[i] != NULL && found < max; i++) {
        const char *entry = environ_list[i];
        size_t nlen = strcspn(entry, "=");
        if (nlen == 0 || nlen > NAME_MAX_LEN)
            continue;
        if (nlen == wlen && memcmp(entry, wanted, wlen) == 0)
            continue; /* the wanted name itself */

        char name[NAME_MAX_LEN + 1];
        upper_copy(name, entry, nlen);

        /* <VAR>_FILE and *_BASE_URL are legitimate companions, never misspellings. */
        if (strcmp(name, want) != 0) {
            if (ends_with(name, "_FILE") || ends_with(name, "_BASE_URL"))
                continue;
            int legit = 0;
            for (size_t k = 0; k < sizeof legit_names / sizeof legit_names[0] && !legit; k++)
                legit = strcmp(name, legit_names[k]) == 0;
            /* Only a name spelt exactly as the legit one is legit: "anthropic_auth_token" in
             * lower case is read by nobody and still worth reporting if it is close enough. */
            if (legit && memcmp(entry, name, nlen) == 0)
                continue;
        }
        if (!is_near_miss(name, want))
            continue;

        int dup = 0;
        for (size_t k = 0; k < found && !dup; k++)
            dup = strlen(out[k]) == nlen && memcmp(out[k], entry, nlen) == 0;
        if (dup)
            continue;
        memcpy(out[found], entry, nlen);
        out[found][nlen] = '\0';
        found++;
    }
    return found;
}
