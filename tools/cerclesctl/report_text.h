// The words and number formats of `cerclesctl report …` (issue 15, item 5), in
// French (Canada) or English: one string table (every key in both languages;
// MissingTranslations() says which are not) and the fr-CA / en-CA formats of
// periods; money, percentages, counts and days are common/api/display.h's.
#ifndef CERCLES_TOOLS_CERCLESCTL_REPORT_TEXT_H_
#define CERCLES_TOOLS_CERCLESCTL_REPORT_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cercles/common/v1/date.pb.h"
#include "common/api/display.h"
#include "tools/cerclesctl/language.h"

namespace cercles::cerclesctl {

// Lang, LangCode and LangOfCode: language.h.

// The text of `key` in `lang`; the key itself when the table has none (a test
// fails before that ships: MissingTranslations).
std::string Tr(Lang lang, absl::string_view key);
// Keys of the table with an empty text in either language.
std::vector<std::string> MissingTranslations();
// Every key of the table.
std::vector<std::string> TranslationKeys();

// An optional proto3 figure (`has_x()`, `x()`) as std::optional: unset when absent.
inline std::optional<int32_t> OptionalFigure(bool has, int32_t value) {
  return has ? std::optional<int32_t>(value) : std::nullopt;
}
// Basis points as a decimal fraction for machines ("0.125", "1"); "" when unset.
std::string DecimalFraction(std::optional<int32_t> bps);
// A period of a report: "2026" for a whole year, fr "T1 2026" / en "Q1 2026"
// for a whole quarter, else "from – to" in long dates.
std::string FormatPeriod(Lang lang, const cercles::common::v1::Date& start,
                         const cercles::common::v1::Date& end);
// A period as a chart's axis names it, short: the year of `start`, or with
// `quarters` the quarter it falls in (fr "T4 2026", en "Q4 2026"), even for a
// first or last period the range cuts short (the tables give its days).
std::string ShortPeriod(Lang lang, bool quarters, const cercles::common::v1::Date& start);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_REPORT_TEXT_H_
