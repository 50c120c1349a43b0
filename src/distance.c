/* SPDX-License-Identifier: MIT */
/*
 * distance.c — how far apart two short names are, for every "did you mean" llmc offers: a
 * misspelled variable, an unknown provider, a model the provider does not serve, a cause id.
 * Optimal string alignment distance: Levenshtein plus the swap of two neighbours, the commonest
 * typing mistake.
 */
#include "util.h"

#include <string.h>

#define DISTANCE_MAX_LEN 255

size_t llmc_edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > DISTANCE_MAX_LEN || m > DISTANCE_MAX_LEN)
        return n > m ? n : m; /* nothing that long is a near miss of anything */
    /* three rows: the one before last is needed for a transposition */
    size_t rows[3][DISTANCE_MAX_LEN + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (prev[j - 1] + cost < best)
                best = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}
