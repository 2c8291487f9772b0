// The languages the services answer in, and which one a caller asked for
// (the standard accept-language request header, RFC 9110 section 12.5.4).
#ifndef CERCLES_COMMON_I18N_LANGUAGE_H_
#define CERCLES_COMMON_I18N_LANGUAGE_H_

#include <optional>

#include "absl/strings/string_view.h"

namespace cercles::i18n {

// English is the language the messages are written in (and the language of
// the reason codes); French is translated from it by the catalogue.
enum class Language { kEnglish, kFrench };

// "en" or "fr", as the --default_language flag and cerclesctl's --lang spell it.
absl::string_view LanguageCode(Language language);
// "en" or "fr" (any case); nullopt otherwise.
std::optional<Language> ParseLanguageCode(absl::string_view code);
// The BCP 47 locale of a LocalizedMessage written in `language`: "en-CA" or
// "fr-CA" (the catalogue is Quebec French).
absl::string_view LocaleOf(Language language);

// The language an accept-language header asks for, among the two: the
// acceptable one (q > 0) of highest weight; the other when one is refused
// (q=0) and the other not named; `fallback` when the header is empty,
// malformed or accepts neither. Ranges match by primary subtag and
// case-insensitively ("fr", "fr-CA", "FR-fr" are French, "en-GB" English);
// "*" stands for every language the header does not name; on equal weights
// the range written first wins, and "*" alone gives `fallback`.
Language LanguageOfAcceptLanguage(absl::string_view header, Language fallback);

}  // namespace cercles::i18n

#endif  // CERCLES_COMMON_I18N_LANGUAGE_H_
