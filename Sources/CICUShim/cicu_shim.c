#include "cicu_shim.h"
#include <unicode/utypes.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utrans.h>
#include <unicode/ubrk.h>
#include <unicode/uscript.h>
#include <unicode/uversion.h>
#include <unicode/uregex.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>
#include <unicode/utf16.h>
#include <stdlib.h>

void cqc_icu_version(char *buffer, int32_t capacity) {
    if (buffer == NULL || capacity <= 0) return;
    UVersionInfo info;
    u_getVersion(info);
    char text[U_MAX_VERSION_STRING_LENGTH];
    u_versionToString(info, text);
    int32_t i = 0;
    for (; i < capacity - 1 && text[i] != 0; i++) buffer[i] = text[i];
    buffer[i] = 0;
}

int32_t cqc_char_class(int32_t c) {
    int32_t bits = 0;
    if (u_isUWhiteSpace(c)) bits |= CQC_SPACE;
    int8_t type = u_charType(c);
    switch (type) {
    case U_DASH_PUNCTUATION: case U_START_PUNCTUATION: case U_END_PUNCTUATION:
    case U_CONNECTOR_PUNCTUATION: case U_OTHER_PUNCTUATION:
    case U_INITIAL_PUNCTUATION: case U_FINAL_PUNCTUATION:
        bits |= CQC_PUNCT; break;
    case U_UPPERCASE_LETTER: case U_LOWERCASE_LETTER: case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER: case U_OTHER_LETTER:
        bits |= CQC_LETTER; break;
    case U_DECIMAL_DIGIT_NUMBER:
        bits |= CQC_DIGIT; break;
    case U_LETTER_NUMBER: case U_OTHER_NUMBER:
        bits |= CQC_NUMBER_OTHER; break;
    case U_MATH_SYMBOL: case U_CURRENCY_SYMBOL: case U_MODIFIER_SYMBOL: case U_OTHER_SYMBOL:
        bits |= CQC_SYMBOL; break;
    case U_CONTROL_CHAR: case U_FORMAT_CHAR: case U_SURROGATE: case U_PRIVATE_USE_CHAR:
    case U_UNASSIGNED:
        bits |= CQC_CONTROL; break;
    default: break;
    }
    if (u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC)) bits |= CQC_IDEOGRAPHIC;
    if (u_getCombiningClass(c) != 0 ||
        u_getIntPropertyValue(c, UCHAR_NFKC_QUICK_CHECK) == UNORM_MAYBE)
        bits |= CQC_JOINER;
    UErrorCode status = U_ZERO_ERROR;
    if (uscript_getScript(c, &status) == USCRIPT_LATIN && U_SUCCESS(status)) bits |= CQC_LATIN;
    return bits;
}

int32_t cqc_nfkc_casefold(const uint16_t *source, int32_t length,
                          uint16_t *destination, int32_t capacity, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    const UNormalizer2 *normalizer = unorm2_getNFKCCasefoldInstance(&error);
    if (U_FAILURE(error)) { *status = (int32_t)error; return 0; }
    int32_t needed = unorm2_normalize(normalizer, (const UChar *)source, length,
                                      (UChar *)destination, capacity, &error);
    *status = U_FAILURE(error) ? (int32_t)error : 0;
    return needed;
}

void *cqc_translit_open(const uint16_t *id, int32_t idLength, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    UTransliterator *t = utrans_openU((const UChar *)id, idLength, UTRANS_FORWARD,
                                      NULL, -1, NULL, &error);
    *status = U_FAILURE(error) ? (int32_t)error : 0;
    return U_FAILURE(error) ? NULL : (void *)t;
}

int32_t cqc_translit(void *transliterator, uint16_t *buffer, int32_t length,
                     int32_t capacity, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    int32_t textLength = length;
    int32_t limit = length;
    utrans_transUChars((const UTransliterator *)transliterator, (UChar *)buffer,
                       &textLength, capacity, 0, &limit, &error);
    *status = U_FAILURE(error) ? (int32_t)error : 0;
    return textLength;
}

void cqc_translit_close(void *transliterator) {
    if (transliterator != NULL) utrans_close((UTransliterator *)transliterator);
}

int32_t cqc_count_words(const uint16_t *text, int32_t length, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    UBreakIterator *it = ubrk_open(UBRK_WORD, "en", (const UChar *)text, length, &error);
    if (U_FAILURE(error)) { *status = (int32_t)error; return 0; }
    int32_t count = 0;
    ubrk_first(it);
    while (ubrk_next(it) != UBRK_DONE) {
        int32_t rule = ubrk_getRuleStatus(it);
        if (rule >= UBRK_WORD_NUMBER && rule < UBRK_WORD_IDEO_LIMIT) count++;
    }
    ubrk_close(it);
    *status = 0;
    return count;
}

void *cqc_regex_open(const uint16_t *pattern, int32_t length, int32_t *status, int32_t *errorOffset) {
    UErrorCode st = U_ZERO_ERROR;
    UParseError pe;
    pe.offset = -1;
    URegularExpression *re = uregex_open((const UChar *)pattern, length, 0, &pe, &st);
    if (status) *status = st;
    if (errorOffset) *errorOffset = pe.offset;
    if (U_FAILURE(st)) { if (re) uregex_close(re); return NULL; }
    return re;
}

void *cqc_regex_clone(void *regex, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    URegularExpression *copy = uregex_clone((const URegularExpression *)regex, &st);
    if (status) *status = st;
    return U_FAILURE(st) ? NULL : copy;
}

/* The text is given to ICU as UTF-16, with the UTF-8 offset of every UTF-16 unit kept beside it to turn the
   matches' offsets back. ICU's UTF-8 UText converted it chunk by chunk on every move of the matcher
   (utext_setNativeIndex), several thousand instructions a turn; the conversion here is one pass. Short texts
   (every turn of an ordinary call) use the stack; longer ones are allocated, and ICU's UTF-8 UText is kept for a
   text that cannot be. Ill-formed UTF-8 (never given by Swift strings) reads as U+FFFD, as the UText reads it. */
#define CQC_REGEX_STACK 1024

static int32_t cqc_regex_collect(URegularExpression *re, const int32_t *map, int32_t *ranges, int32_t capacity, UErrorCode *st) {
    int32_t count = 0;
    while (U_SUCCESS(*st) && uregex_findNext(re, st)) {
        int32_t s = uregex_start(re, 0, st), e = uregex_end(re, 0, st);
        if (U_FAILURE(*st)) break;
        if (count < capacity) {
            ranges[2 * count] = map ? map[s] : s;
            ranges[2 * count + 1] = map ? map[e] : e;
        }
        count++;
        if (count >= capacity) break;
    }
    return count;
}

int32_t cqc_regex_matches_utf8(void *regex, const char *text, int32_t length, int32_t *ranges, int32_t capacity, int32_t *status) {
    UErrorCode st = U_ZERO_ERROR;
    URegularExpression *re = (URegularExpression *)regex;
    UChar stackText[CQC_REGEX_STACK];
    int32_t stackMap[CQC_REGEX_STACK + 1];
    UChar *units = stackText;
    int32_t *map = stackMap;
    int32_t count;
    if (length < 0) length = 0;
    if (length > CQC_REGEX_STACK) {
        units = (UChar *)malloc(sizeof(UChar) * (size_t)length);
        map = (int32_t *)malloc(sizeof(int32_t) * ((size_t)length + 1));
    }
    if (units != NULL && map != NULL) {
        /* UTF-16 never needs more units than UTF-8 has bytes. */
        const uint8_t *bytes = (const uint8_t *)text;
        int32_t i = 0, n = 0;
        while (i < length) {
            int32_t at = i;
            UChar32 c;
            U8_NEXT(bytes, i, length, c);
            if (c < 0) c = 0xFFFD;
            if (c <= 0xFFFF) {
                map[n] = at; units[n++] = (UChar)c;
            } else {
                map[n] = at; units[n++] = U16_LEAD(c);
                map[n] = at; units[n++] = U16_TRAIL(c);
            }
        }
        map[n] = length;
        uregex_setText(re, units, n, &st);
        count = cqc_regex_collect(re, map, ranges, capacity, &st);
    } else {
        UText ut = UTEXT_INITIALIZER;
        utext_openUTF8(&ut, text, length, &st);
        uregex_setUText(re, &ut, &st);
        count = cqc_regex_collect(re, NULL, ranges, capacity, &st);
        UErrorCode detach = U_ZERO_ERROR;
        static const UChar none[1] = {0};
        uregex_setText(re, none, 0, &detach);
        utext_close(&ut);
    }
    /* Detach the text before it goes. */
    UErrorCode reset = U_ZERO_ERROR;
    static const UChar empty[1] = {0};
    uregex_setText(re, empty, 0, &reset);
    if (units != stackText) free(units);
    if (map != stackMap) free(map);
    if (status) *status = st;
    return U_FAILURE(st) ? -1 : count;
}

void cqc_regex_close(void *regex) {
    if (regex) uregex_close((URegularExpression *)regex);
}
