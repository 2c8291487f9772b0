// How a person reads amounts, counts, percentages and days in French (Canada)
// or English: "6 286,91 $" / "$6,286.91", "12,5 %" / "12.5%", "10 000" /
// "10,000", "1er mars 2026" / "March 1, 2026". The one place these formats live:
// the reminder emails (membership) and cerclesctl's reports call it, and so
// will every message and table that a person reads (issue 15, item 1).
#ifndef CERCLES_COMMON_API_DISPLAY_H_
#define CERCLES_COMMON_API_DISPLAY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "cercles/common/v1/date.pb.h"

namespace cercles::api {

enum class DisplayLanguage { kFr, kEn };

// An amount in minor units (cents): fr "6 286,91 $", en "$6,286.91"; a currency
// other than CAD (or empty, read as CAD) is written after the number: fr
// "6 286,91 EUR", en "6,286.91 EUR". Negative amounts lead with "-". Every
// int64_t is formatted exactly (no floating point).
std::string FormatMoney(DisplayLanguage language, int64_t minor_units,
                        absl::string_view currency = "CAD");

// The amount's number alone, grouped as the language writes it: fr "6 286,91",
// en "6,286.91" (FormatMoney without the currency: tables whose header names it).
std::string FormatAmount(DisplayLanguage language, int64_t minor_units);

// The amount as machines and the services' messages write it: "6286.91",
// "-12.34" (no grouping, a point, two decimals).
std::string FormatDecimal(int64_t minor_units);

// Basis points as a percentage with one decimal at most, rounded half away from
// zero: fr "12,5 %", en "12.5%"; "—" when unset.
std::string FormatPercent(DisplayLanguage language, std::optional<int32_t> bps);

// A whole number with thousands separators: fr "10 000", en "10,000".
std::string FormatCount(DisplayLanguage language, int64_t count);

// A day: fr "7 décembre 2026" ("1er" for the first), en "December 7, 2026"; the
// year alone when the month is not 1 to 12.
std::string FormatLongDate(DisplayLanguage language, const cercles::common::v1::Date& date);

}  // namespace cercles::api

#endif  // CERCLES_COMMON_API_DISPLAY_H_
