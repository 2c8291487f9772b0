#include "common/api/money.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/error_details.h"
#include "common/api/text.h"
#include "common/util/status_macros.h"

namespace cercles::api {

using cercles::common::v1::Money;

bool IsCurrencyCode(absl::string_view code) {
  if (code.size() != 3) return false;
  for (char c : code) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

Money ToMoney(int64_t minor_units, absl::string_view currency) {
  Money money;
  money.set_currency_code(std::string(currency));
  money.set_minor_units(minor_units);
  return money;
}

absl::StatusOr<int64_t> MinorUnits(const Money& money, absl::string_view currency,
                                   absl::string_view field) {
  if (!money.currency_code().empty() && money.currency_code() != currency) {
    return InvalidField(field,
                        absl::StrCat("must be in the fund's currency ", currency, ", got ",
                                     Quoted(money.currency_code(), 10)),
                        reason::kFieldInvalid);
  }
  return money.minor_units();
}

int64_t MinorUnitsOr(const Money* money, int64_t legacy) {
  return money != nullptr ? money->minor_units() : legacy;
}

absl::StatusOr<int64_t> MinorUnitsEither(const Money* money, int64_t legacy,
                                         absl::string_view currency, absl::string_view field,
                                         absl::string_view legacy_field) {
  if (money == nullptr) return legacy;
  CERCLES_ASSIGN_OR_RETURN(int64_t minor_units, MinorUnits(*money, currency, field));
  if (legacy != 0 && legacy != minor_units) {
    return InvalidField(absl::StrCat(field, ".minor_units"),
                        absl::StrCat("(", minor_units, ") and ", legacy_field, " (", legacy,
                                     ") disagree: set one of them, or both to the same amount"),
                        reason::kFieldsConflict);
  }
  return minor_units;
}

absl::StatusOr<std::vector<int64_t>> MinorUnitsEither(
    const google::protobuf::RepeatedPtrField<Money>& money,
    const google::protobuf::RepeatedField<int64_t>& legacy, absl::string_view currency,
    absl::string_view field, absl::string_view legacy_field) {
  std::vector<int64_t> out(legacy.begin(), legacy.end());
  if (money.empty()) return out;
  std::vector<int64_t> given;
  for (int i = 0; i < money.size(); ++i) {
    CERCLES_ASSIGN_OR_RETURN(int64_t rung,
                             MinorUnits(money[i], currency, absl::StrCat(field, "[", i, "]")));
    given.push_back(rung);
  }
  if (!out.empty() && out != given) {
    return InvalidField(field,
                        absl::StrCat("(", absl::StrJoin(given, ", "), ") and ", legacy_field, " (",
                                     absl::StrJoin(out, ", "),
                                     ") disagree: set one of them, or both to the same amounts"),
                        reason::kFieldsConflict);
  }
  return given;
}

}  // namespace cercles::api
