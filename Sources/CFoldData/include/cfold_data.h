// The per-character folding table of CallQCText, generated from ICU (fold_data.c).
// Accessor functions, not arrays: Swift would import a C array as a 65,536-element tuple.
#ifndef CFOLD_DATA_H
#define CFOLD_DATA_H
#include <stdint.h>
#include "csound_data.h"

/// Layout version of this data; CallQCText ignores data of another version.
uint32_t cqc_fold_format(void);
/// Entries of the two per-code-point tables (65536: the Basic Multilingual Plane).
uint32_t cqc_fold_entries(void);
/// Han characters that Traditional-Simplified changes.
uint32_t cqc_fold_traditional_count(void);
/// Per code point: folded value XOR code point, or 0xFFFFFFFF when dropped.
const uint32_t *cqc_fold_map(void);
/// Per code point: class bits.
const uint16_t *cqc_fold_classes(void);
/// Length of the UTF-8 of multi-character foldings.
uint32_t cqc_fold_multi_count(void);
/// The UTF-8 of multi-character foldings.
const uint8_t *cqc_fold_multi(void);
/// The ICU version the data was generated from.
const char *cqc_fold_icu_version(void);

#endif
