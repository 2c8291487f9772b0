#include "services/lending/loan_retention_rules.h"

#include "common/api/retention.h"

namespace cercles::lending {

std::optional<absl::CivilDay> LoanCloseDay(LoanState state, std::optional<absl::Time> close_time) {
  if (!IsFinal(state) || !close_time.has_value()) return std::nullopt;
  return absl::ToCivilDay(*close_time, absl::UTCTimeZone());
}

bool LoanTextPastRetention(LoanState state, std::optional<absl::Time> close_time,
                           std::optional<absl::Time> purge_time, int32_t months,
                           absl::CivilDay today) {
  const std::optional<absl::CivilDay> closed = LoanCloseDay(state, close_time);
  if (!closed.has_value()) return false;
  if (purge_time.has_value() && *purge_time >= *close_time) return false;
  return api::PastRetention(*closed, months, today);
}

}  // namespace cercles::lending
