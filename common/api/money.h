// cercles.common.v1.Money ↔ integer minor units of one currency.
#ifndef CERCLES_COMMON_API_MONEY_H_
#define CERCLES_COMMON_API_MONEY_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cercles/common/v1/money.pb.h"

namespace cercles::api {

// An ISO 4217 code: three upper-case letters A-Z.
bool IsCurrencyCode(absl::string_view code);

cercles::common::v1::Money ToMoney(int64_t minor_units, absl::string_view currency);

// The minor units of `money` when it is in `currency` (an empty code means
// `currency`), or INVALID_ARGUMENT "<field> must be in the fund's currency CAD, got
// "EUR"". The sign is the caller's rule.
absl::StatusOr<int64_t> MinorUnits(const cercles::common::v1::Money& money,
                                   absl::string_view currency, absl::string_view field);

}  // namespace cercles::api

#endif  // CERCLES_COMMON_API_MONEY_H_
