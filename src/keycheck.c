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
/* Prefixes (the facts are the provider table's: providers.c)                                  */

/* Not isascii(): that one is XSI, not C11. ctype classes are asked only about ASCII bytes. */
static int is_ascii(int c)
{
    return c >= 0 && c < 0x80;
}

static int has_prefix(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

const char *llmc_key_prefix_owner(const char *key, size_t len)
{
    const llmc_provider_info *p = llmc_provider_owning_key(key, len);
    return p ? p->name : NULL;
}

/* "an Anthropic key", "a Cerebras key": the article goes by the display name's first letter. */
static const char *article(const char *word)
{
    return word && strchr("AEIOUaeiou", word[0]) ? "an" : "a";
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
    /* a suspicious shape is only a warning, and its fix says to compare, not to replace */
    f->fix_variant = cause == LLMC_CAUSE_KEY_MALFORMED && sev == LLMC_SEVERITY_WARNING ? "warning" : NULL;
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
    /* Every known key prefix (the provider table's): alone, or followed by one repeated
     * character ("sk-ant-xxxxxxxx"), it is a placeholder; so is a prefix written another way
     * ("sk_ant", "SK-ANT-API03"). */
    for (size_t i = 0; llmc_provider_key_prefix_at(i); i++) {
        const char *prefix = llmc_provider_key_prefix_at(i);
        size_t pn = strlen(prefix);
        if (has_prefix(s, n, prefix)) {
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
    for (size_t i = 0; llmc_provider_key_prefix_at(i); i++) {
        char pnorm[64];
        size_t k = 0;
        for (const char *q = llmc_provider_key_prefix_at(i); *q && k < sizeof pnorm - 1; q++)
            if (isalnum((unsigned char)*q))
                pnorm[k++] = (char)tolower((unsigned char)*q);
        pnorm[k] = '\0';
        if (strcmp(norm, pnorm) == 0) {
            *why = "is only a key prefix, with nothing after it";
            return 1;
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
/* Provider checks: the facts come from the provider table                                     */

/* What a character that no key holds is called, and what it most likely means. The character
 * itself may be named: by definition it is not one of the key's own characters. */
static void describe_foreign_char(char c, char *name, size_t nsize, const char **hint)
{
    *hint = NULL;
    /* Only the character itself is named, never its neighbours (the letter after a backslash is
     * the key's own, as far as llmc knows): a detail never varies with the key's letters. */
    switch (c) {
    case '\\':
        snprintf(name, nsize, "a backslash (\\)");
        *hint =
            "an escape such as \\n or \\u… copied out of JSON or a shell string, where one character was "
            "meant?";
        return;
    case '$':
        snprintf(name, nsize, "a dollar sign ($)");
        *hint = "a shell variable that was never expanded?";
        return;
    case '{':
    case '}':
        snprintf(name, nsize, "a brace (%c)", c);
        *hint = "left from a template such as ${VAR} or {{key}}?";
        return;
    case '%':
        snprintf(name, nsize, "a percent sign (%%)");
        *hint = "URL-encoded text or a Windows %VAR%?";
        return;
    case '"':
    case '\'':
    case '`':
        snprintf(name, nsize, "a quote (%c)", c);
        *hint = "quotes belong around a value, not inside it";
        return;
    case '<':
    case '>':
        snprintf(name, nsize, "an angle bracket (%c)", c);
        *hint = "left from a <placeholder>?";
        return;
    case '*':
        snprintf(name, nsize, "an asterisk (*)");
        *hint = "the masked form a console shows, not the key";
        return;
    default:
        snprintf(name, nsize, "'%c'", c);
        return;
    }
}

/* A character outside the provider's alphabet: refused (ERROR), named with what it looks like. */
static int check_alphabet(const llmc_provider_info *p, const char *s, size_t n, llmc_key_verdict *v)
{
    if (!p->key_chars)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (strchr(p->key_chars, s[i]) != NULL && s[i] != '\0')
            continue;
        char name[64];
        const char *hint;
        describe_foreign_char(s[i], name, sizeof name, &hint);
        add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_ERROR,
                    "contains %s at position %zu; no %s key has that character%s%s", name, i + 1, p->display_name,
                    hint ? ": " : "", hint ? hint : "");
        return 1;
    }
    return 0;
}

/* The documented shape of `p` that `s` starts with (longest prefix first), or NULL. */
static const llmc_key_shape *own_shape(const llmc_provider_info *p, const char *s, size_t n)
{
    const llmc_key_shape *best = NULL;
    for (const llmc_key_shape *sh = p->shapes; sh && sh->prefix; sh++)
        if (has_prefix(s, n, sh->prefix) && (!best || strlen(sh->prefix) > strlen(best->prefix)))
            best = sh;
    return best;
}

/* The prefix of the provider's API keys, for "use a regular API key (sk-ant-api03-)". */
static const char *api_prefix(const llmc_provider_info *p)
{
    for (const llmc_key_shape *sh = p->shapes; sh && sh->prefix; sh++)
        if (sh->kind == LLMC_KEY_KIND_API)
            return sh->prefix;
    return p->key_family ? p->key_family : "";
}

/* Warnings for a key of this provider's family whose shape is not the documented one. */
static void check_shape(const llmc_provider_info *p, const char *s, size_t n, llmc_key_verdict *v)
{
    const llmc_key_shape *sh = own_shape(p, s, n);
    if (!sh) {
        if (p->key_family_required && p->key_family && !has_prefix(s, n, p->key_family))
            add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_WARNING, "does not start with %s as %s keys do",
                        p->key_family, p->display_name);
        return;
    }
    if (sh->kind == LLMC_KEY_KIND_ADMIN) {
        add_finding(v, LLMC_CAUSE_KEY_WRONG_PROVIDER, LLMC_SEVERITY_WARNING,
                    "starts with %s, %s; the inference API needs a regular API key (%s)", sh->prefix, sh->what,
                    api_prefix(p));
        v->findings[v->n - 1].fix_variant = "kind";
        return;
    }
    if (sh->kind == LLMC_KEY_KIND_OAUTH) {
        add_finding(v, LLMC_CAUSE_KEY_WRONG_PROVIDER, LLMC_SEVERITY_WARNING,
                    "starts with %s, %s, which %s refuses from other programs; use an API key (%s)", sh->prefix,
                    sh->what, p->display_name, api_prefix(p));
        v->findings[v->n - 1].fix_variant = "kind";
        return;
    }
    size_t pn = strlen(sh->prefix);
    const char *body = s + pn;
    size_t bn = n - pn;
    if (sh->body_max > 0 && (bn < sh->body_min || bn > sh->body_max)) {
        if (sh->body_min == sh->body_max)
            add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_WARNING,
                        "has %zu character%s after %s where %s keys have %zu; cut short or joined when copied?", bn,
                        plural(bn), sh->prefix, p->display_name, sh->body_min);
        else
            add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_WARNING,
                        "has %zu character%s after %s where %s keys have %zu to %zu; cut short when copied?", bn,
                        plural(bn), sh->prefix, p->display_name, sh->body_min, sh->body_max);
        return;
    }
    for (size_t j = 0; sh->body_chars && j < bn; j++) {
        if (!strchr(sh->body_chars, body[j])) {
            add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_WARNING,
                        "has a character at position %zu that %s keys do not use", pn + j + 1, p->display_name);
            return;
        }
    }
    const char *suf = sh->suffix;
    if (suf != NULL && (bn < strlen(suf) || memcmp(body + bn - strlen(suf), suf, strlen(suf)) != 0))
        add_finding(v, LLMC_CAUSE_KEY_MALFORMED, LLMC_SEVERITY_WARNING,
                    "does not end the way %s keys do; cut short when copied?", p->display_name);
}

/* Adds a finding for a key that belongs elsewhere; returns 1 when it is an error. `p` is NULL for
 * a custom endpoint, which takes any key but is told when a key looks like a known provider's. */
static int check_owner(const llmc_provider_info *p, const char *s, size_t n, llmc_key_verdict *v)
{
    const llmc_provider_info *owner = llmc_provider_owning_key(s, n);
    if (!owner || owner == p)
        return 0;
    /* "sk-" is what most OpenAI-compatible servers issue, so it says nothing about a key for a
     * provider that takes foreign keys; only the other families are telling there. */
    bool strict = p && p->foreign_keys_refused;
    if (!strict && owner->key_family && strcmp(owner->key_family, "sk-") == 0)
        return 0;
    add_finding(v, LLMC_CAUSE_KEY_WRONG_PROVIDER, strict ? LLMC_SEVERITY_ERROR : LLMC_SEVERITY_WARNING,
                "starts with %s, %s %s key", owner->key_family, article(owner->display_name), owner->display_name);
    return strict;
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
        const llmc_provider_info *p = llmc_provider_find(provider);
        if (p && check_alphabet(p, s, n, v))
            return LLMC_SEVERITY_ERROR;
        if (check_owner(p, s, n, v))
            return LLMC_SEVERITY_ERROR;
        const llmc_provider_info *owner = llmc_provider_owning_key(s, n);
        if (p && (owner == NULL || owner == p))
            check_shape(p, s, n, v);
    }

    llmc_severity worst = LLMC_SEVERITY_INFO;
    for (size_t i = 0; i < v->n; i++)
        if (v->findings[i].severity > worst)
            worst = v->findings[i].severity;
    return worst;
}

/* ------------------------------------------------------------------------------------------ */
/* Key files                                                                                   */

void llmc_describe_mode(unsigned mode, char *out, size_t size)
{
    unsigned m = mode & 0777;
    bool group_r = m & 040, other_r = m & 004;
    const char *who = group_r && other_r ? "its group and every other user can read it"
                      : group_r          ? "its group can read it"
                      : other_r          ? "every other user can read it"
                      : (m & 020)        ? "its group can change it"
                                         : "other users can change it";
    snprintf(out, size, "mode %04o: %s", m, who);
}
