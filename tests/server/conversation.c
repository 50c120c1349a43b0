/* SPDX-License-Identifier: MIT */
/* The deterministic "model": the reply is "You said: " + the last user message; tokens are
 * whitespace-separated words; max_tokens and stop sequences cut the reply; "weather" in the
 * last user message with tools offered makes a tool call; a trailing tool result is echoed. */
#define _POSIX_C_SOURCE 200809L
#include "conversation.h"
#include "emu_rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *append(char *s, size_t *len, const char *add)
{
    size_t n = strlen(add);
    char *grown = realloc(s, *len + n + 2);
    if (!grown)
        return s;
    if (*len > 0)
        grown[(*len)++] = ' ';
    memcpy(grown + *len, add, n + 1);
    *len += n;
    return grown;
}

char *convo_text_of(const json_t *content)
{
    if (json_is_string(content))
        return strdup(json_string_value(content));
    char *out = calloc(1, 1);
    size_t len = 0;
    if (json_is_array(content)) {
        size_t i;
        const json_t *block;
        json_array_foreach(content, i, block)
        {
            const char *type = json_string_value(json_object_get(block, "type"));
            const json_t *text = json_object_get(block, "text");
            if (json_is_string(text) && (!type || strcmp(type, "text") == 0))
                out = append(out, &len, json_string_value(text));
        }
    }
    return out;
}

void convo_free(emu_convo *c)
{
    free(c->last_user_text);
    free(c->tool_result);
    free(c->cite_text);
    memset(c, 0, sizeof *c);
}

int convo_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == needle[i])
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* Byte offset just past the n-th word of s (n >= 1), or strlen(s) when s has fewer words. */
static size_t end_of_word(const char *s, size_t n)
{
    size_t words = 0, i = 0;
    while (s[i]) {
        while (s[i] && isspace((unsigned char)s[i]))
            i++;
        if (!s[i])
            break;
        while (s[i] && !isspace((unsigned char)s[i]))
            i++;
        if (++words == n)
            return i;
    }
    return i;
}

static void find_stop(const json_t *stop, const char *text, size_t *pos, const char **seq)
{
    *pos = (size_t)-1;
    *seq = NULL;
    const json_t *one;
    size_t i;
    if (json_is_string(stop)) {
        const char *s = json_string_value(stop);
        const char *hit = *s ? strstr(text, s) : NULL;
        if (hit) {
            *pos = (size_t)(hit - text);
            *seq = s;
        }
        return;
    }
    json_array_foreach(stop, i, one)
    {
        const char *s = json_string_value(one);
        const char *hit = s && *s ? strstr(text, s) : NULL;
        if (hit && (size_t)(hit - text) < *pos) {
            *pos = (size_t)(hit - text);
            *seq = s;
        }
    }
}

void answer_make(const emu_convo *c, emu_answer *a, emu_provider p)
{
    memset(a, 0, sizeof *a);
    if (c->thinking || c->reasons || c->reasoning_model) {
        size_t len = strlen(c->last_user_text) + 64;
        if ((a->thinking = malloc(len))) {
            if (c->effort)
                snprintf(a->thinking, len, "Considering (effort %s): %s", c->effort, c->last_user_text);
            else
                snprintf(a->thinking, len, "Considering: %s", c->last_user_text);
        }
    }
    if (c->tool_name && !c->tool_result && convo_contains(c->last_user_text, "weather")) {
        a->stop = EMU_STOP_TOOL;
        a->text = strdup("");
        a->tool_name = strdup(c->tool_name);
        int custom = c->tool_type && strcmp(c->tool_type, "custom") == 0;
        /* a custom tool takes free text, not JSON */
        a->tool_input = strdup(custom ? "Paris" : "{\"location\":\"Paris\"}");
        const char *prefix = p == EMU_ANTHROPIC ? "toolu_01" : "call_";
        size_t idlen = p == EMU_ANTHROPIC ? 22 : 24;
        emu_random_id(a->tool_id, sizeof a->tool_id, prefix, idlen);
        /* "… and Rome": a second call in the same reply, unless parallel calls are off */
        if (!custom && !c->parallel_off && convo_contains(c->last_user_text, "rome")) {
            a->tool_input2 = strdup("{\"location\":\"Rome\"}");
            emu_random_id(a->tool_id2, sizeof a->tool_id2, prefix, idlen);
        }
        /* A tool call costs what its arguments' words would. */
        a->output_tokens =
            1 + emu_count_words(a->tool_input) + (a->tool_input2 ? 1 + emu_count_words(a->tool_input2) : 0);
        return;
    }
    const char *prefix = c->tool_result ? "Tool said: " : "You said: ";
    const char *said = c->tool_result ? c->tool_result : c->last_user_text;
    if (c->schema || c->json_object) {
        /* structured output: JSON of the schema's shape, strings from what was said */
        size_t len = strlen(prefix) + strlen(said) + 1;
        char *sentence = malloc(len);
        if (sentence)
            snprintf(sentence, len, "%s%s", prefix, said);
        json_t *v = c->schema ? emu_json_for_schema(c->schema, sentence ? sentence : "", 0)
                              : json_pack("{s:s}", "reply", sentence ? sentence : "");
        free(sentence);
        a->text = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
        json_decref(v);
        a->stop = EMU_STOP_END;
        a->output_tokens = emu_count_words(a->text);
        if (c->max_tokens >= 0 && a->output_tokens > (size_t)c->max_tokens) {
            a->text[strlen(a->text) / 2] = '\0'; /* cut off mid-JSON, as a real limit would */
            a->stop = EMU_STOP_MAX_TOKENS;
            a->output_tokens = (size_t)c->max_tokens;
        }
        return;
    }
    size_t n = strlen(prefix) + strlen(said);
    char *text = malloc(n + 1);
    if (!text)
        return;
    snprintf(text, n + 1, "%s%s", prefix, said);

    a->stop = EMU_STOP_END;
    size_t cut = n;
    const char *seq = NULL;
    size_t stop_pos;
    if (c->stop)
        find_stop(c->stop, text, &stop_pos, &seq);
    if (seq) {
        cut = stop_pos;
        a->stop = EMU_STOP_SEQUENCE;
    }
    if (c->max_tokens >= 0) {
        size_t limit = c->max_tokens == 0 ? 0 : end_of_word(text, (size_t)c->max_tokens);
        if (limit < cut && emu_count_words(text) > (size_t)c->max_tokens) {
            cut = limit;
            a->stop = EMU_STOP_MAX_TOKENS;
            seq = NULL;
        }
    }
    text[cut] = '\0';
    a->text = text;
    a->stop_sequence = seq ? strdup(seq) : NULL;
    a->output_tokens = emu_count_words(text);
}

void answer_free(emu_answer *a)
{
    free(a->tool_input2);
    free(a->thinking);
    free(a->text);
    free(a->stop_sequence);
    free(a->tool_name);
    free(a->tool_input);
    memset(a, 0, sizeof *a);
}
