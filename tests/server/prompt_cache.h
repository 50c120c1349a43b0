/* SPDX-License-Identifier: MIT */
/* The emulator's prompt cache (prompt_cache.c). */
#ifndef LLMC_EMULATOR_PROMPT_CACHE_H
#define LLMC_EMULATOR_PROMPT_CACHE_H

/* Whether the prefix `key` is cached (its lifetime is then renewed to ttl_s); when it is not and
 * `write` is set, it is cached from now on. */
int prompt_cache_touch(unsigned long key, int ttl_s, int write);

#endif
