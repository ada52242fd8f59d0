/* One pass over a decompressed Veil batch: strict JSON, the batch's shape, and PII candidates.
 *
 * Rules: this scanner only ever says "this batch is certainly fine" (0) or "let the exact Python
 * path decide" (a reason > 0). It accepts a subset of what the Python path accepts: strict RFC 8259
 * JSON in strict UTF-8 (no surrogates, no overlongs), no \u escape anywhere, no number with an
 * exponent, integers of at most 15 digits (so below 2^53), nesting of at most MAX_DEPTH, no escape
 * in any key, no duplicate key where the batch's rules read one; the batch's shape exactly as
 * validate.parse_batch checks it; and no string the collector's PII walk (scrub._suspects) would
 * look at matching scrub.CANDIDATE. Anything else, however valid, is handed to the exact path, so
 * a mistake here can only cost speed, never accept what the exact path refuses, if this file stays
 * a strict subset (tests/unit/test_collector_scan.py compares the two on generated batches).
 *
 * No allocation, no recursion beyond MAX_DEPTH + 1 frames, and no state but a byte table that
 * veil_scan_init fills once before the first scan (without it every string runs to the end of the
 * input: R_SYNTAX, the exact path): safe to call from any number of threads at once (Python calls
 * it through ctypes, which releases the GIL).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64
#define MAX_EVENTS 100000

enum {
    OK = 0,
    R_SYNTAX = 1,     /* not JSON, or JSON this scanner does not take (BOM, trailing bytes) */
    R_UTF8 = 2,       /* invalid or surrogate UTF-8 */
    R_ESCAPE_U = 3,   /* a \u escape (could spell a candidate or a lone surrogate) */
    R_NUMBER = 4,     /* an exponent, or 16+ integer digits */
    R_DEPTH = 5,      /* nesting deeper than MAX_DEPTH */
    R_SHAPE = 6,      /* not the batch shape (the exact path words the refusal) */
    R_KEY = 7,        /* an escape in a key, or a duplicate key the rules read */
    R_CANDIDATE = 8,  /* a PII candidate in a string the walk looks at */
    R_TAGS = 9,       /* more custom-event tags than the caller's buffer holds */
};

typedef struct {
    int64_t session_off, view_off;         /* the ids' offsets (32 and 16 hex characters) */
    int64_t seq, dropped;                  /* dropped is 0 when absent */
    int64_t events_off, events_end;        /* the events array's text, brackets included */
    int64_t event_count, meta_count;       /* events, and of them type 4 (full page loads) */
    double first_ts, last_ts;              /* min and max timestamp (the first of equals) */
    int64_t tag_count;                     /* custom events (type 5) whose data.tag is a string */
    int64_t where;                         /* offset where the scan gave up (diagnostics) */
} scan_result;

typedef struct {
    const unsigned char *start, *p, *end;
    const uint32_t *digits; /* sorted [first, last] pairs of non-ASCII decimal digits (re's \d) */
    size_t ndigit_ranges;
    int64_t *tags;          /* (offset, length) pairs of custom-event tags */
    int64_t tag_cap, tag_count;
} S;

/* Byte classes for content strings. */
enum { C_OTHER, C_SEP, C_DASH, C_DIGIT, C_UPPER, C_LOWER, C_UNDER, C_AT, C_QUOTE, C_BSLASH, C_CTRL, C_HIGH };
static unsigned char CLS[256]; /* filled once by veil_scan_init, before any scan */

void veil_scan_init(void) {
    for (int c = 0; c < 256; c++) {
        unsigned char k = C_OTHER;
        if (c < 0x20) k = C_CTRL;
        else if (c >= 0x80) k = C_HIGH;
        else if (c >= '0' && c <= '9') k = C_DIGIT;
        else if (c >= 'A' && c <= 'Z') k = C_UPPER;
        else if (c >= 'a' && c <= 'z') k = C_LOWER;
        else if (c == ' ' || c == '.' || c == '(' || c == ')') k = C_SEP;
        else if (c == '-') k = C_DASH;
        else if (c == '_') k = C_UNDER;
        else if (c == '@') k = C_AT;
        else if (c == '"') k = C_QUOTE;
        else if (c == '\\') k = C_BSLASH;
        CLS[c] = k;
    }
}

static int is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void skip_ws(S *s) {
    while (s->p < s->end && is_ws(*s->p)) s->p++;
}

static int is_unicode_digit(const S *s, uint32_t cp) {
    size_t lo = 0, hi = s->ndigit_ranges;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < s->digits[2 * mid]) hi = mid;
        else if (cp > s->digits[2 * mid + 1]) lo = mid + 1;
        else return 1;
    }
    return 0;
}

/* One UTF-8 sequence at s->p (first byte >= 0x80), strict; its code point in *cp. */
static int utf8(S *s, uint32_t *cp) {
    const unsigned char *p = s->p;
    size_t left = (size_t)(s->end - p);
    unsigned char c = p[0];
    if (c >= 0xC2 && c <= 0xDF) {
        if (left < 2 || (p[1] & 0xC0) != 0x80) return R_UTF8;
        *cp = ((uint32_t)(c & 0x1F) << 6) | (p[1] & 0x3F);
        s->p += 2;
        return OK;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (left < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return R_UTF8;
        if (c == 0xE0 && p[1] < 0xA0) return R_UTF8;  /* overlong */
        if (c == 0xED && p[1] >= 0xA0) return R_UTF8;  /* a surrogate */
        *cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        s->p += 3;
        return OK;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (left < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return R_UTF8;
        if (c == 0xF0 && p[1] < 0x90) return R_UTF8;  /* overlong */
        if (c == 0xF4 && p[1] >= 0x90) return R_UTF8;  /* above U+10FFFF */
        *cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) | ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
        s->p += 4;
        return OK;
    }
    return R_UTF8;
}

/* The escape at s->p (a backslash): JSON's short escapes only; \u is left to the exact path. The
 * PII rules rely on this: every short escape decodes to a character no CANDIDATE alternative uses. */
static int escape(S *s) {
    if (s->end - s->p < 2) return R_SYNTAX;
    switch (s->p[1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        s->p += 2;
        return OK;
    case 'u':
        return R_ESCAPE_U;
    default:
        return R_SYNTAX;
    }
}

/* A string that no PII rule reads (a key, a markup value): valid, and where it starts and ends.
 * s->p is just past the opening quote; on return, just past the closing one. */
static int plain_string(S *s, const unsigned char **body, size_t *len, int *escaped) {
    const unsigned char *b = s->p;
    *escaped = 0;
    while (s->p < s->end) {
        unsigned char c = *s->p;
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            s->p++;
            continue;
        }
        if (c == '"') {
            *body = b;
            *len = (size_t)(s->p - b);
            s->p++;
            return OK;
        }
        if (c == '\\') {
            int r = escape(s);
            if (r) return r;
            *escaped = 1;
            continue;
        }
        if (c < 0x20) return R_SYNTAX;
        uint32_t cp;
        int r = utf8(s, &cp);
        if (r) return r;
    }
    return R_SYNTAX;
}

/* Does the string body [b, p] end with the len bytes of lit (an ASCII literal)? */
static int ends_with(const unsigned char *b, const unsigned char *p, const char *lit, size_t len) {
    return (size_t)(p - b + 1) >= len && memcmp(p + 1 - len, lit, len) == 0;
}

/* A string the PII walk reads: valid, and free of every alternative of scrub.CANDIDATE. Runs over
 * the raw (escaped) bytes: an escape decodes to a character no alternative uses (quote, backslash,
 * slash, control), so the backslash resets every run and the escaped letter only adds matches. */
static int content_string(S *s) {
    const unsigned char *b = s->p;
    int digits = 0, seps = 0, upper = 0, iban = 0, token = 0;
    while (s->p < s->end) {
        if (digits == 0 && CLS[*s->p] <= C_SEP) {
            /* the common case (masked text is '*' and ' '): a run that only resets every state */
            const unsigned char *q = s->p + 1;
            while (q < s->end && CLS[*q] <= C_SEP) q++;
            upper = iban = token = 0;
            s->p = q;
            continue;
        }
        const unsigned char *p = s->p;
        unsigned char c = *p;
        switch (CLS[c]) {
        case C_OTHER:
            digits = upper = iban = token = 0;
            s->p++;
            break;
        case C_SEP: /* \d(?:[ .()\-]{0,2}\d){7}: up to two separators between digits */
            if (digits && ++seps > 2) digits = 0;
            upper = iban = token = 0;
            s->p++;
            break;
        case C_DASH:
            if (digits && ++seps > 2) digits = 0;
            upper = iban = 0;
            if (++token >= 32) return R_CANDIDATE;
            if (p - b >= 4 && memcmp(p - 4, "xox", 3) == 0 &&
                (p[-1] == 'a' || p[-1] == 'b' || p[-1] == 'p' || p[-1] == 'r'))
                return R_CANDIDATE;
            s->p++;
            break;
        case C_DIGIT:
            digits = (digits && seps <= 2) ? digits + 1 : 1;
            seps = 0;
            if (digits >= 8) return R_CANDIDATE;
            if (upper >= 2) iban = 1;
            else if (iban == 1) return R_CANDIDATE; /* [A-Z]{2}\d{2} */
            else iban = 0;
            upper = 0;
            if (++token >= 32) return R_CANDIDATE;
            s->p++;
            break;
        case C_UPPER:
            digits = iban = 0;
            upper++;
            if (++token >= 32) return R_CANDIDATE;
            if (c == 'J' && ends_with(b, p, "eyJ", 3)) return R_CANDIDATE;
            if (c == 'A' && ends_with(b, p, "AKIA", 4)) return R_CANDIDATE;
            if (c == 'R' && p - b >= 5) goto bearer;
            s->p++;
            break;
        case C_LOWER:
            digits = upper = iban = 0;
            if (++token >= 32) return R_CANDIDATE;
            if (c == 'r' && p - b >= 5) goto bearer;
            s->p++;
            break;
        bearer: { /* (?i:bearer): OR 0x20 folds exactly the ASCII letters B, E, A, R onto b, e, a, r */
            const unsigned char *q = p - 5;
            if ((q[0] | 0x20) == 'b' && (q[1] | 0x20) == 'e' && (q[2] | 0x20) == 'a' && (q[3] | 0x20) == 'r' &&
                (q[4] | 0x20) == 'e')
                return R_CANDIDATE;
            s->p++;
            break;
        }
        case C_UNDER:
            digits = upper = iban = 0;
            if (++token >= 32) return R_CANDIDATE;
            /* [spr]k_(?:live|test)_ and gh[pousr]_ */
            if (p - b >= 7 && (memcmp(p - 5, "_live", 5) == 0 || memcmp(p - 5, "_test", 5) == 0) && p[-6] == 'k' &&
                (p[-7] == 's' || p[-7] == 'p' || p[-7] == 'r'))
                return R_CANDIDATE;
            if (p - b >= 3 && p[-3] == 'g' && p[-2] == 'h' &&
                (p[-1] == 'p' || p[-1] == 'o' || p[-1] == 'u' || p[-1] == 's' || p[-1] == 'r'))
                return R_CANDIDATE;
            s->p++;
            break;
        case C_AT:
            return R_CANDIDATE;
        case C_QUOTE:
            s->p++;
            return OK;
        case C_BSLASH: {
            int r = escape(s);
            if (r) return r;
            digits = upper = iban = token = 0; /* what it decodes to is in no alternative */
            break;
        }
        case C_CTRL:
            return R_SYNTAX;
        default: { /* C_HIGH */
            uint32_t cp;
            int r = utf8(s, &cp);
            if (r) return r;
            if (is_unicode_digit(s, cp)) return R_CANDIDATE; /* re's \d: the exact walk decides */
            digits = upper = iban = token = 0;
            break;
        }
        }
    }
    return R_SYNTAX;
}

typedef struct {
    int is_int, negative;
    int64_t int_value;  /* when is_int */
    double value;
} number;

/* A number: -?(0|[1-9][0-9]*)(\.[0-9]+)?, integer part of at most 15 digits, no exponent. */
static int parse_number(S *s, number *out) {
    const unsigned char *b = s->p;
    out->negative = 0;
    if (s->p < s->end && *s->p == '-') {
        out->negative = 1;
        s->p++;
    }
    const unsigned char *d = s->p;
    if (s->p >= s->end || *s->p < '0' || *s->p > '9') return R_SYNTAX;
    if (*s->p == '0') {
        s->p++;
    } else {
        while (s->p < s->end && *s->p >= '0' && *s->p <= '9') s->p++;
    }
    if (s->p - d > 15) return R_NUMBER;
    int64_t v = 0;
    for (const unsigned char *q = d; q < s->p; q++) v = v * 10 + (*q - '0');
    out->is_int = 1;
    out->int_value = out->negative ? -v : v;
    out->value = (double)out->int_value;
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        const unsigned char *f = s->p;
        while (s->p < s->end && *s->p >= '0' && *s->p <= '9') s->p++;
        if (s->p == f) return R_SYNTAX;
        out->is_int = 0;
        /* the exact double Python's float() gives: strtod on a NUL-terminated copy */
        char copy[64];
        size_t n = (size_t)(s->p - b);
        if (n >= sizeof copy) return R_NUMBER; /* a very long fraction: the exact path decides */
        memcpy(copy, b, n);
        copy[n] = 0;
        out->value = strtod(copy, NULL);
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) return R_NUMBER;
    return OK;
}

static int literal(S *s, const char *lit, size_t len) {
    if ((size_t)(s->end - s->p) < len || memcmp(s->p, lit, len) != 0) return R_SYNTAX;
    s->p += len;
    return OK;
}

static int is_structural(const unsigned char *k, size_t n) {
    /* scrub.STRUCTURAL_KEYS: their string values are markup, which the walk does not read */
    switch (n) {
    case 3: return memcmp(k, "tag", 3) == 0;
    case 4: return memcmp(k, "type", 4) == 0 || memcmp(k, "name", 4) == 0;
    case 5: return memcmp(k, "class", 5) == 0 || memcmp(k, "style", 5) == 0;
    case 6: return memcmp(k, "base64", 6) == 0; /* a canvas frame's image bytes */
    case 7: return memcmp(k, "tagName", 7) == 0;
    case 8: return memcmp(k, "_cssText", 8) == 0 || memcmp(k, "publicId", 8) == 0 || memcmp(k, "systemId", 8) == 0;
    default: return 0;
    }
}

static int value(S *s, int depth, int content);

/* An object key: a plain string without escapes. s->p is at its opening quote. */
static int key(S *s, const unsigned char **k, size_t *n) {
    int escaped;
    if (s->p >= s->end || *s->p != '"') return R_SYNTAX;
    s->p++;
    int r = plain_string(s, k, n, &escaped);
    if (r) return r;
    if (escaped) return R_KEY;
    skip_ws(s);
    if (s->p >= s->end || *s->p != ':') return R_SYNTAX;
    s->p++;
    skip_ws(s);
    return OK;
}

/* After a member or element: ',' (more: returns 1) or the closing bracket (returns 0). */
static int next(S *s, unsigned char close, int *more) {
    skip_ws(s);
    if (s->p >= s->end) return R_SYNTAX;
    if (*s->p == ',') {
        s->p++;
        skip_ws(s);
        *more = 1;
        return OK;
    }
    if (*s->p == close) {
        s->p++;
        *more = 0;
        return OK;
    }
    return R_SYNTAX;
}

/* An object inside the events: the walk reads its string values unless their key is structural
 * (whatever key holds the object itself). s->p at '{'. */
static int object(S *s, int depth, const unsigned char **tag, size_t *tag_len, int *tag_string) {
    if (depth > MAX_DEPTH) return R_DEPTH;
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        return OK;
    }
    for (;;) {
        const unsigned char *k;
        size_t n;
        int r = key(s, &k, &n);
        if (r) return r;
        if (tag != NULL && n == 3 && memcmp(k, "tag", 3) == 0) {
            /* an event's data.tag: dict keeps the last one */
            *tag_string = 0;
            if (s->p < s->end && *s->p == '"') {
                int escaped;
                s->p++;
                r = plain_string(s, tag, tag_len, &escaped);
                if (r) return r;
                if (escaped) return R_KEY;
                *tag_string = 1;
            } else {
                r = value(s, depth + 1, 0);
                if (r) return r;
            }
        } else {
            r = value(s, depth + 1, !is_structural(k, n)); /* an object's own keys decide, whatever holds it */
            if (r) return r;
        }
        int more;
        r = next(s, '}', &more);
        if (r) return r;
        if (!more) return OK;
    }
}

/* Any JSON value at this depth; content: its strings are read by the walk (arrays inherit it). */
static int value(S *s, int depth, int content) {
    if (s->p >= s->end) return R_SYNTAX;
    unsigned char c = *s->p;
    if (c == '"') {
        s->p++;
        if (content) return content_string(s);
        const unsigned char *b;
        size_t n;
        int escaped;
        return plain_string(s, &b, &n, &escaped);
    }
    if (c == '{') return object(s, depth, NULL, NULL, NULL);
    if (c == '[') {
        if (depth > MAX_DEPTH) return R_DEPTH;
        s->p++;
        skip_ws(s);
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            return OK;
        }
        for (;;) {
            int r = value(s, depth + 1, content);
            if (r) return r;
            int more;
            r = next(s, ']', &more);
            if (r) return r;
            if (!more) return OK;
        }
    }
    if (c == 't') return literal(s, "true", 4);
    if (c == 'f') return literal(s, "false", 5);
    if (c == 'n') return literal(s, "null", 4);
    number num;
    return parse_number(s, &num);
}

/* A hex id: exactly len lowercase hex characters in a plain string. s->p at its opening quote. */
static int hex_id(S *s, size_t len, int64_t *off) {
    if (s->p >= s->end || *s->p != '"') return R_SHAPE;
    s->p++;
    const unsigned char *b;
    size_t n;
    int escaped;
    int r = plain_string(s, &b, &n, &escaped);
    if (r) return r;
    if (escaped || n != len) return R_SHAPE;
    for (size_t i = 0; i < n; i++)
        if (!((b[i] >= '0' && b[i] <= '9') || (b[i] >= 'a' && b[i] <= 'f'))) return R_SHAPE;
    *off = (int64_t)(b - s->start);
    return OK;
}

/* A count: an integer literal in [0, 10^15). */
static int count(S *s, int64_t *out) {
    number num;
    if (s->p >= s->end || *s->p == '-' || *s->p < '0' || *s->p > '9') return R_SHAPE;
    int r = parse_number(s, &num);
    if (r) return r;
    if (!num.is_int) return R_SHAPE;
    *out = num.int_value;
    return OK;
}

/* One event: {"type": 0-6, "timestamp": number in [0, 10^15), "data": {...}, ...}. s->p at '{'. */
static int event(S *s, scan_result *res) {
    int seen_type = 0, seen_ts = 0, seen_data = 0, tag_string = 0;
    int64_t type = -1;
    double ts = 0;
    const unsigned char *tag = NULL;
    size_t tag_len = 0;
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == '}') return R_SHAPE;
    for (;;) {
        const unsigned char *k;
        size_t n;
        int r = key(s, &k, &n);
        if (r) return r;
        if (n == 4 && memcmp(k, "type", 4) == 0) {
            if (seen_type++) return R_KEY;
            if (s->p >= s->end || *s->p < '0' || *s->p > '6') return R_SHAPE;
            type = *s->p - '0';
            s->p++;
            if (s->p < s->end && ((*s->p >= '0' && *s->p <= '9') || *s->p == '.' || *s->p == 'e' || *s->p == 'E'))
                return R_SHAPE;
        } else if (n == 9 && memcmp(k, "timestamp", 9) == 0) {
            number num;
            if (seen_ts++) return R_KEY;
            if (s->p >= s->end || *s->p < '0' || *s->p > '9') return R_SHAPE;
            r = parse_number(s, &num);
            if (r) return r;
            ts = num.value;
        } else if (n == 4 && memcmp(k, "data", 4) == 0) {
            if (seen_data++) return R_KEY;
            if (s->p >= s->end || *s->p != '{') return R_SHAPE;
            r = object(s, 4, &tag, &tag_len, &tag_string);
            if (r) return r;
        } else {
            r = value(s, 4, !is_structural(k, n));
            if (r) return r;
        }
        int more;
        r = next(s, '}', &more);
        if (r) return r;
        if (!more) break;
    }
    if (!seen_type || !seen_ts || !seen_data) return R_SHAPE;
    if (res->event_count == 0 || ts < res->first_ts) res->first_ts = ts;
    if (res->event_count == 0 || ts > res->last_ts) res->last_ts = ts;
    res->event_count++;
    if (type == 4) res->meta_count++;
    if (type == 5 && tag_string) {
        if (s->tag_count >= s->tag_cap) return R_TAGS;
        s->tags[2 * s->tag_count] = (int64_t)(tag - s->start);
        s->tags[2 * s->tag_count + 1] = (int64_t)tag_len;
        s->tag_count++;
    }
    return OK;
}

static int events(S *s, scan_result *res) {
    if (s->p >= s->end || *s->p != '[') return R_SHAPE;
    res->events_off = (int64_t)(s->p - s->start);
    s->p++;
    skip_ws(s);
    for (;;) {
        if (s->p >= s->end || *s->p != '{') return R_SHAPE;
        if (res->event_count >= MAX_EVENTS) return R_SHAPE;
        int r = event(s, res);
        if (r) return r;
        int more;
        r = next(s, ']', &more);
        if (r) return r;
        if (!more) break;
    }
    res->events_end = (int64_t)(s->p - s->start);
    return OK;
}

static int batch(S *s, scan_result *res) {
    int seen[5] = {0, 0, 0, 0, 0};
    skip_ws(s);
    if (s->p >= s->end || *s->p != '{') return R_SHAPE;
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == '}') return R_SHAPE;
    for (;;) {
        const unsigned char *k;
        size_t n;
        int r = key(s, &k, &n), which;
        if (r) return r;
        if (n == 7 && memcmp(k, "session", 7) == 0) which = 0;
        else if (n == 4 && memcmp(k, "view", 4) == 0) which = 1;
        else if (n == 3 && memcmp(k, "seq", 3) == 0) which = 2;
        else if (n == 6 && memcmp(k, "events", 6) == 0) which = 3;
        else if (n == 7 && memcmp(k, "dropped", 7) == 0) which = 4;
        else return R_SHAPE;
        if (seen[which]++) return R_KEY;
        switch (which) {
        case 0: r = hex_id(s, 32, &res->session_off); break;
        case 1: r = hex_id(s, 16, &res->view_off); break;
        case 2: r = count(s, &res->seq); break;
        case 3: r = events(s, res); break;
        default: r = count(s, &res->dropped); break;
        }
        if (r) return r;
        int more;
        r = next(s, '}', &more);
        if (r) return r;
        if (!more) break;
    }
    if (!seen[0] || !seen[1] || !seen[2] || !seen[3]) return R_SHAPE;
    skip_ws(s);
    return s->p == s->end ? OK : R_SYNTAX;
}

int veil_scan(const unsigned char *buf, size_t len, const uint32_t *digit_ranges, size_t ndigit_ranges,
              int64_t *tags, int64_t tag_cap, scan_result *res) {
    S s = {buf, buf, buf + len, digit_ranges, ndigit_ranges, tags, tag_cap, 0};
    memset(res, 0, sizeof *res);
    int r = batch(&s, res);
    res->tag_count = s.tag_count;
    res->where = (int64_t)(s.p - buf);
    return r;
}
