/* SPDX-License-Identifier: MIT */
/*
 * documents.c — files in a user turn: images, PDF and text documents (bytes or a URL), the type
 * told from the content rather than the name (a file called .txt may be a PDF), and base64.
 */
#include "wire.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *llmc_base64(const void *bytes, size_t len)
{
    const unsigned char *in = bytes;
    if (len > (SIZE_MAX - 1) / 4 * 3 - 3)
        return NULL;
    char *out = malloc((len + 2) / 3 * 4 + 1);
    if (!out)
        return NULL;
    char *o = out;
    size_t i = 0;
    for (; i + 2 < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        *o++ = b64[v >> 18];
        *o++ = b64[(v >> 12) & 63];
        *o++ = b64[(v >> 6) & 63];
        *o++ = b64[v & 63];
    }
    if (i < len) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < len ? (unsigned)in[i + 1] << 8 : 0);
        *o++ = b64[v >> 18];
        *o++ = b64[(v >> 12) & 63];
        *o++ = i + 1 < len ? b64[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    *o = '\0';
    return out;
}

bool llmc_text_is_utf8(const void *s, size_t len)
{
    size_t tail;
    return !memchr(s, '\0', len) && llmc_utf8_complete(s, len, &tail) >= 0 && tail == 0;
}

const char *llmc_media_type_sniff(const void *bytes, size_t len)
{
    const unsigned char *b = bytes;
    if (!b || len == 0)
        return NULL;
    if (len >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (len >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        return "image/jpeg";
    if (len >= 6 && (memcmp(b, "GIF87a", 6) == 0 || memcmp(b, "GIF89a", 6) == 0))
        return "image/gif";
    if (len >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
        return "image/webp";
    if (len >= 5 && memcmp(b, "%PDF-", 5) == 0)
        return "application/pdf";
    /* a UTF-8 byte-order mark is still text */
    if (llmc_text_is_utf8(b, len))
        return "text/plain";
    return NULL;
}

/* The turn a document joins: the open user turn, as images do. */
static llmc_message *user_turn(llmc_request *req)
{
    llmc_message *last = req->n_messages ? &req->messages[req->n_messages - 1] : NULL;
    if (last && last->role == LLMC_ROLE_USER) {
        bool has_text = false;
        for (size_t i = 0; i < last->n_parts; i++)
            has_text |= last->parts[i].kind == LLMC_PART_TEXT;
        if (!has_text)
            return last;
    }
    if (req->n_messages == req->cap_messages) {
        size_t cap = req->cap_messages ? req->cap_messages * 2 : 4;
        llmc_message *grown = realloc(req->messages, cap * sizeof *grown);
        if (!grown)
            return NULL;
        req->messages = grown;
        req->cap_messages = cap;
    }
    llmc_message *m = &req->messages[req->n_messages++];
    *m = (llmc_message){LLMC_ROLE_USER, NULL, 0};
    return m;
}

static llmc_code add_document_part(llmc_request *req, char *text, const char *kind, const char *title, int citations,
                                   llmc_error *err)
{
    char *name = strdup(kind);
    char *id = title ? strdup(title) : NULL;
    llmc_message *m = text && name && (!title || id) ? user_turn(req) : NULL;
    llmc_part *grown = m ? realloc(m->parts, (m->n_parts + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(text);
        free(name);
        free(id);
        return llmc_error_set(err, LLMC_E_NOMEM, "out of memory");
    }
    m->parts = grown;
    m->parts[m->n_parts++] =
        (llmc_part){.kind = LLMC_PART_DOCUMENT, .text = text, .id = id, .name = name, .citations = citations != 0};
    return LLMC_OK;
}

llmc_code llmc_request_add_document(llmc_request *req, const char *media_type, const void *bytes, size_t len,
                                    const char *title, int citations, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !media_type || !bytes || len == 0)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a document needs a media type and some bytes");
    if (title && !llmc_text_is_utf8(title, strlen(title)))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a document's title must be UTF-8 text");
    if (strcmp(media_type, "application/pdf") == 0)
        return add_document_part(req, llmc_base64(bytes, len), media_type, title, citations, err);
    if (strcmp(media_type, "text/plain") == 0) {
        if (!llmc_text_is_utf8(bytes, len))
            return llmc_error_set(err, LLMC_E_INVALID_ARG,
                                  "a text/plain document must be UTF-8 without NUL bytes (send other files as PDF)");
        char *text = malloc(len + 1);
        if (text) {
            memcpy(text, bytes, len);
            text[len] = '\0';
        }
        return add_document_part(req, text, media_type, title, citations, err);
    }
    return llmc_error_set(err, LLMC_E_INVALID_ARG,
                          "documents are application/pdf or text/plain, not \"%.64s\" (images: llmc_request_add_image)",
                          media_type);
}

llmc_code llmc_request_add_document_url(llmc_request *req, const char *url, const char *title, int citations,
                                        llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !url || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) ||
        strpbrk(url, " \r\n\t") || strlen(url) > 8192)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a document URL must be an http(s) URL without spaces");
    if (title && !llmc_text_is_utf8(title, strlen(title)))
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "a document's title must be UTF-8 text");
    return add_document_part(req, strdup(url), "url", title, citations, err);
}

llmc_code llmc_request_attach(llmc_request *req, const void *bytes, size_t len, const char *name, llmc_error *err)
{
    llmc_error_clear(err);
    if (!req || !bytes)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "nothing to attach");
    const char *type = llmc_media_type_sniff(bytes, len);
    if (!type)
        return llmc_error_set(err, LLMC_E_INVALID_ARG, "%s: not an image (PNG, JPEG, GIF, WebP), a PDF or UTF-8 text%s",
                              name && *name ? name : "the attachment", len == 0 ? " (it is empty)" : "");
    if (strncmp(type, "image/", 6) == 0) {
        llmc_code rc = llmc_request_add_image(req, type, bytes, len, err);
        return rc == LLMC_OK ? rc : llmc_error_set(err, rc, "%s: %s", name ? name : "image", llmc_strerror(rc));
    }
    return llmc_request_add_document(req, type, bytes, len, name, 0, err);
}
