/* SPDX-License-Identifier: MIT */
/*
 * buf.c — a growable byte buffer and two string helpers. Growth doubles, so appending n bytes
 * in any chunking costs O(n); the buffer is kept NUL-terminated so bodies can be used as text.
 */
#include "util.h"

#include <stdlib.h>
#include <string.h>

int llmc_buf_append(llmc_buf *buf, const void *bytes, size_t len)
{
    if (len > SIZE_MAX - buf->len - 1)
        return -1;
    size_t need = buf->len + len + 1;
    if (need > buf->cap) {
        size_t cap = buf->cap ? buf->cap : 256;
        while (cap < need)
            cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        char *grown = realloc(buf->data, cap);
        if (!grown)
            return -1;
        buf->data = grown;
        buf->cap = cap;
    }
    if (len)
        memcpy(buf->data + buf->len, bytes, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return 0;
}

int llmc_buf_append_str(llmc_buf *buf, const char *s)
{
    return llmc_buf_append(buf, s, strlen(s));
}

void llmc_buf_reset(llmc_buf *buf)
{
    buf->len = 0;
    if (buf->data)
        buf->data[0] = '\0';
}

void llmc_buf_free(llmc_buf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

char *llmc_strlcpy(char *dst, const char *src, size_t size)
{
    if (size == 0)
        return dst;
    size_t n = src ? strnlen(src, size - 1) : 0;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
    return dst;
}

char *llmc_strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

void llmc_free(void *ptr)
{
    free(ptr);
}
