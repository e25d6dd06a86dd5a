// The toneless pinyin of each Han character, generated from ICU's Han-Latin
// transliteration (sound_data.c), for CallQCText's SoundTable.
#ifndef CSOUND_DATA_H
#define CSOUND_DATA_H
#include <stdint.h>

/// Layout version of this data (0: no data); CallQCText ignores data of another version.
uint32_t cqc_sound_format(void);
/// The first code point of the table and how many follow.
uint32_t cqc_sound_first(void);
uint32_t cqc_sound_count(void);
/// Per code point: the syllable's number (1-based), 0 for none.
const uint16_t *cqc_sound_ids(void);
/// The syllables, separated by single spaces, in number order.
const char *cqc_sound_syllables(void);
/// The ICU version the data was generated from.
const char *cqc_sound_icu_version(void);

#endif
