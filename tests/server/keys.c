/* SPDX-License-Identifier: MIT */
/* The keys the emulator knows and what state each is in (valid, revoked, forbidden).
 * Built-in keys come from emulator-keys.env (compiled in); --key and the control plane add more.
 * A read-write lock because every request looks a key up and additions are rare. */
#define _POSIX_C_SOURCE 200809L
#include "emulator.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct key_entry {
    emu_provider provider;
    emu_key_state state;
    char *key;
} key_entry;

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static key_entry *keys;
static size_t n_keys, cap_keys;

static const char *const names[EMU_PROVIDER_COUNT] = {"anthropic", "cerebras", "fireworks", "openai", "ollama"};

emu_provider provider_from_name(const char *name)
{
    for (int p = 0; p < EMU_PROVIDER_COUNT; p++)
        if (strcasecmp(name, names[p]) == 0)
            return (emu_provider)p;
    return EMU_PROVIDER_COUNT;
}

const char *provider_name(emu_provider p)
{
    return p < EMU_PROVIDER_COUNT ? names[p] : "unknown";
}

static emu_key_state state_from_name(const char *name)
{
    if (strcasecmp(name, "valid") == 0)
        return EMU_KEY_VALID;
    if (strcasecmp(name, "revoked") == 0)
        return EMU_KEY_REVOKED;
    if (strcasecmp(name, "forbidden") == 0)
        return EMU_KEY_FORBIDDEN;
    return EMU_KEY_UNKNOWN;
}

int keys_add3(const char *provider, const char *state, const char *key)
{
    emu_provider p = provider_from_name(provider);
    emu_key_state s = state_from_name(state);
    if (p == EMU_PROVIDER_COUNT || s == EMU_KEY_UNKNOWN || key == NULL || *key == '\0')
        return -1;
    char *copy = strdup(key);
    if (!copy)
        return -1;
    pthread_rwlock_wrlock(&lock);
    /* A key added again takes its new state: tests revoke a key at run time this way. */
    for (size_t i = 0; i < n_keys; i++) {
        if (keys[i].provider == p && strcmp(keys[i].key, key) == 0) {
            keys[i].state = s;
            pthread_rwlock_unlock(&lock);
            free(copy);
            return 0;
        }
    }
    if (n_keys == cap_keys) {
        size_t cap = cap_keys ? cap_keys * 2 : 32;
        key_entry *grown = realloc(keys, cap * sizeof *grown);
        if (!grown) {
            pthread_rwlock_unlock(&lock);
            free(copy);
            return -1;
        }
        keys = grown;
        cap_keys = cap;
    }
    keys[n_keys++] = (key_entry){p, s, copy};
    pthread_rwlock_unlock(&lock);
    return 0;
}

int keys_add(const char *spec)
{
    char buf[1024];
    if (strlen(spec) >= sizeof buf)
        return -1;
    strcpy(buf, spec);
    char *state = strchr(buf, ':');
    if (!state)
        return -1;
    *state++ = '\0';
    char *key = strchr(state, ':');
    if (!key)
        return -1;
    *key++ = '\0';
    return keys_add3(buf, state, key);
}

void keys_init_builtin(void)
{
    static const char *const builtin[][3] = {
#include "keys_builtin.h"
    };
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        keys_add3(builtin[i][0], builtin[i][1], builtin[i][2]);
}

emu_key_state keys_lookup(emu_provider p, const char *key)
{
    emu_key_state s = EMU_KEY_UNKNOWN;
    pthread_rwlock_rdlock(&lock);
    for (size_t i = 0; i < n_keys; i++) {
        if (keys[i].provider == p && strcmp(keys[i].key, key) == 0) {
            s = keys[i].state;
            break;
        }
    }
    pthread_rwlock_unlock(&lock);
    return s;
}
