// The words and number formats of `cerclesctl report …` (issue 15, item 5), in
// French (Canada) or English: one string table (every key in both languages;
// MissingTranslations() says which are not) and the fr-CA / en-CA formats of
// money, percentages, dates and periods. The formats are in one place so that
// they can later move to common/api for the services too.
#ifndef CERCLES_TOOLS_CERCLESCTL_REPORT_TEXT_H_
#define CERCLES_TOOLS_CERCLESCTL_REPORT_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cercles/common/v1/date.pb.h"

namespace cercles::cerclesctl {

enum class Lang { kFr, kEn };

// "fr" or "en" (--lang), else InvalidArgument naming --lang.
absl::StatusOr<Lang> ParseLang(absl::string_view text);
// The language of a locale such as LANG's "fr_CA.UTF-8": French when it starts
// with "fr", English otherwise (and when empty).
Lang LangOfLocale(absl::string_view locale);
// "fr" or "en".
std::string LangCode(Lang lang);

// The text of `key` in `lang`; the key itself when the table has none (a test
// fails before that ships: MissingTranslations).
std::string Tr(Lang lang, absl::string_view key);
// Keys of the table with an empty text in either language.
std::vector<std::string> MissingTranslations();
// Every key of the table.
std::vector<std::string> TranslationKeys();

// An amount in minor units: fr "6 286,91 $", en "$6,286.91" (a currency other
// than CAD is written after the number: "6 286,91 EUR", "6,286.91 EUR").
std::string FormatMoney(Lang lang, int64_t minor_units, absl::string_view currency);
// Basis points as a percentage with one decimal at most: fr "12,5 %", en
// "12.5%"; "—" when unset.
std::string FormatPercent(Lang lang, std::optional<int32_t> bps);
// Basis points as a decimal fraction for machines ("0.125", "1"); "" when unset.
std::string DecimalFraction(std::optional<int32_t> bps);
// A whole number with thousands separators: fr "10 000", en "10,000".
std::string FormatCount(Lang lang, int64_t count);
// A day: fr "7 décembre 2026", en "December 7, 2026".
std::string FormatLongDate(Lang lang, const cercles::common::v1::Date& date);
// A period of a report: "2026" for a whole year, fr "T1 2026" / en "Q1 2026"
// for a whole quarter, else "from – to" in long dates.
std::string FormatPeriod(Lang lang, const cercles::common::v1::Date& start,
                         const cercles::common::v1::Date& end);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_REPORT_TEXT_H_
