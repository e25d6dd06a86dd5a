// The only header Swift sees of ICU: stdint types and opaque pointers, so that
// Swift modules that import Foundation (which bundles its own ICU) never meet
// the system ICU's type definitions. ICU's versioned symbols stay in the .c file.
#ifndef CICU_SHIM_H
#define CICU_SHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Character class bits returned by cqc_char_class.
enum {
    CQC_SPACE = 1,          // white space (Unicode White_Space)
    CQC_PUNCT = 2,          // general category P*
    CQC_LETTER = 4,         // general category L*
    CQC_DIGIT = 8,          // general category Nd
    CQC_IDEOGRAPHIC = 16,   // Unicode Ideographic (Han)
    CQC_JOINER = 32,        // combines with what precedes it (ccc != 0 or NFKC_QC = Maybe)
    CQC_CONTROL = 64,       // Cc, Cf, Cs, Co, Cn
    CQC_SYMBOL = 128,       // general category S*
    CQC_LATIN = 256,        // script Latin
    CQC_NUMBER_OTHER = 512, // Nl, No (circled digits and the like)
};

/// ICU's version as "72.1".
void cqc_icu_version(char *buffer, int32_t capacity);

/// Class bits (CQC_*) of one code point.
int32_t cqc_char_class(int32_t codePoint);

/// NFKC_Casefold of UTF-16 text. Returns the length needed; *status > 0 on failure.
int32_t cqc_nfkc_casefold(const uint16_t *source, int32_t length,
                          uint16_t *destination, int32_t capacity, int32_t *status);

/// Opens an ICU transliterator by id (e.g. "Traditional-Simplified").
void *cqc_translit_open(const uint16_t *id, int32_t idLength, int32_t *status);
/// Transliterates buffer[0..<length] in place. Returns the new length; *status > 0 on
/// failure (for example when capacity is too small).
int32_t cqc_translit(void *transliterator, uint16_t *buffer, int32_t length,
                     int32_t capacity, int32_t *status);
void cqc_translit_close(void *transliterator);

/// Number of words (letters, numbers, ideographs, kana) found by ICU's word break.
int32_t cqc_count_words(const uint16_t *text, int32_t length, int32_t *status);

/// Compiles a regular expression (UTF-16 pattern); NULL and a failure status (and the
/// offset of the error in the pattern) when it does not compile.
void *cqc_regex_open(const uint16_t *pattern, int32_t length, int32_t *status, int32_t *errorOffset);
/// A copy that may be used on another thread (a compiled pattern is used by one at a time).
void *cqc_regex_clone(void *regex, int32_t *status);
/// Finds the matches in UTF-8 text: up to `capacity` (start, end) byte offsets in `ranges`
/// (two ints a match); returns how many there are, or -1 on error.
int32_t cqc_regex_matches_utf8(void *regex, const char *text, int32_t length, int32_t *ranges, int32_t capacity, int32_t *status);
void cqc_regex_close(void *regex);

#ifdef __cplusplus
}
#endif
#endif
