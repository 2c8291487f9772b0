// cercles.common.v1.Money ↔ integer minor units of one currency.
#ifndef CERCLES_COMMON_API_MONEY_H_
#define CERCLES_COMMON_API_MONEY_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cercles/common/v1/money.pb.h"
#include "google/protobuf/repeated_field.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace cercles::api {

// An ISO 4217 code: three upper-case letters A-Z.
bool IsCurrencyCode(absl::string_view code);

cercles::common::v1::Money ToMoney(int64_t minor_units, absl::string_view currency);

// The minor units of `money` when it is in `currency` (an empty code means
// `currency`), or INVALID_ARGUMENT "<field> must be in the fund's currency CAD, got
// "EUR"". The sign is the caller's rule.
absl::StatusOr<int64_t> MinorUnits(const cercles::common::v1::Money& money,
                                   absl::string_view currency, absl::string_view field);

// A Money field that replaced a deprecated int64 `*_minor_units` twin (the
// older shape of the same amount, conventions.proto). `money` is null when the
// Money field is unset; `legacy` 0 counts as unset (proto3 cannot tell).

// Reading a stored or received message: the Money when set, else the twin
// (messages and events written before the Money field existed).
int64_t MinorUnitsOr(const cercles::common::v1::Money* money, int64_t legacy);

// A request: either shape, or both equal. The Money's currency is checked as
// by MinorUnits (`field` is its path, "settings.guarantee_threshold"); both set
// and different is INVALID_ARGUMENT "<field>.minor_units (N) and <legacy_field>
// (M) disagree: ...". Neither set: 0. The sign and range are the caller's rule.
absl::StatusOr<int64_t> MinorUnitsEither(const cercles::common::v1::Money* money, int64_t legacy,
                                         absl::string_view currency, absl::string_view field,
                                         absl::string_view legacy_field);

// The same for a repeated Money and its repeated int64 twin (empty: unset);
// both set must hold the same amounts in the same order. Each Money's path is
// "<field>[i]".
absl::StatusOr<std::vector<int64_t>> MinorUnitsEither(
    const google::protobuf::RepeatedPtrField<cercles::common::v1::Money>& money,
    const google::protobuf::RepeatedField<int64_t>& legacy, absl::string_view currency,
    absl::string_view field, absl::string_view legacy_field);

}  // namespace cercles::api

#endif  // CERCLES_COMMON_API_MONEY_H_
