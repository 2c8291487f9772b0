#include "common/api/money.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/api/error_details.h"
#include "common/api/text.h"

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

}  // namespace cercles::api
