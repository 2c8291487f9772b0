#include "services/lending/loan_retention.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/lending/loan_lifecycle.h"
#include "services/lending/loan_retention_rules.h"
#include "services/lending/person_erasure.h"
#include "services/lending/reschedule_store.h"
#include "services/lending/servicing_store.h"

namespace cercles::lending {

absl::StatusOr<std::vector<int64_t>> ExpiredClosedLoans(storage::Transaction& tx, int32_t months,
                                                        absl::CivilDay today) {
  // Every final loan is read (a few thousand at most): the rule decides.
  std::string finals;
  std::vector<storage::Value> params;
  for (LoanState state : AllLoanStates()) {
    if (!IsFinal(state)) continue;
    absl::StrAppend(&finals, finals.empty() ? "?" : ", ?");
    params.emplace_back(LoanStateName(state));
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT id, state, close_time_us, text_purge_time_us FROM loans "
                            "WHERE state IN (",
                            finals, ") ORDER BY id"),
               params));
  std::vector<int64_t> ids;
  for (const storage::Row& row : rows) {
    const std::optional<LoanState> state = LoanStateFromName(row.Text(1));
    if (!state.has_value()) {
      return absl::InternalError(absl::StrCat("loan ", row.Int(0), " has an unknown state"));
    }
    const std::optional<absl::Time> closed =
        row.Int(2) != 0 ? std::optional<absl::Time>(FromMicros(row.Int(2))) : std::nullopt;
    const std::optional<absl::Time> purged =
        row.Int(3) != 0 ? std::optional<absl::Time>(FromMicros(row.Int(3))) : std::nullopt;
    if (LoanTextPastRetention(*state, closed, purged, months, today)) ids.push_back(row.Int(0));
  }
  return ids;
}

absl::StatusOr<std::vector<std::string>> PurgeLoanText(storage::Transaction& tx, int64_t loan_id,
                                                       absl::Time now) {
  CERCLES_RETURN_IF_ERROR(ClearLoanText(tx, loan_id));
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("UPDATE loans SET text_purge_time_us = ? WHERE id = ?", {ToMicros(now), loan_id})
          .status());
  std::vector<std::string> names = {absl::StrCat("loans/", loan_id)};
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows repayments,
      tx.Query("SELECT id FROM repayments WHERE loan_id = ? ORDER BY id", {loan_id}));
  for (const storage::Row& row : repayments) {
    RepaymentRecord repayment;
    repayment.loan_id = loan_id;
    repayment.id = row.Int(0);
    names.push_back(repayment.name());
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows reschedules,
      tx.Query("SELECT id FROM loan_reschedules WHERE loan_id = ? ORDER BY id", {loan_id}));
  for (const storage::Row& row : reschedules) {
    RescheduleRecord reschedule;
    reschedule.loan_id = loan_id;
    reschedule.id = row.Int(0);
    names.push_back(reschedule.name());
  }
  return names;
}

}  // namespace cercles::lending
