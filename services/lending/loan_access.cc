#include "services/lending/loan_access.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/util/status.h"

namespace cercles::lending {
namespace {

// Lending's answer to "which circles are assigned to this advisor" (see
// CircleScopeOf in loan_store.h).
absl::StatusOr<std::vector<int64_t>> AssignedCircles(storage::Transaction& tx,
                                                     const auth::Principal& who,
                                                     const std::vector<KnownCircle>& live,
                                                     bool unknown_advisor_has_no_circle) {
  CERCLES_ASSIGN_OR_RETURN(storage::Rows advisor_rows,
                           tx.Query("SELECT name FROM advisors WHERE principal = ?", {who.name}));
  if (advisor_rows.empty() && unknown_advisor_has_no_circle) return std::vector<int64_t>();
  if (advisor_rows.empty()) {
    return absl::PermissionDeniedError(absl::StrCat(
        who.ToString(),
        " is not an advisor known to lending: an advisor acts only on the loans of the circles "
        "assigned to them (lending learns advisors from membership)"));
  }
  std::vector<std::string> advisors;
  for (const storage::Row& row : advisor_rows) advisors.push_back(row.Text(0));
  std::vector<storage::Value> params;
  for (const std::string& advisor : advisors) params.emplace_back(advisor);
  for (const std::string& advisor : advisors) params.emplace_back(advisor);
  std::vector<LoanState> following;
  for (LoanState state : AllLoanStates()) {
    if (IsOpenRequest(state) || state == LoanState::kActive) {
      following.push_back(state);
      params.emplace_back(LoanStateName(state));
    }
  }
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query(absl::StrCat("SELECT name FROM circles WHERE advisor IN (",
                            storage::Placeholders(advisors.size()),
                            ") UNION SELECT circle FROM loans WHERE advisor IN (",
                            storage::Placeholders(advisors.size()), ") AND state IN (",
                            storage::Placeholders(following.size()), ")"),
               params));
  std::vector<int64_t> ids;
  for (const storage::Row& row : rows) {
    const std::string name = row.Text(0);
    const bool answered_live =
        std::any_of(live.begin(), live.end(), [&](const KnownCircle& c) { return c.name == name; });
    if (answered_live) continue;
    if (std::optional<int64_t> id = auth::CircleIdOfName(name)) ids.push_back(*id);
  }
  for (const KnownCircle& circle : live) {
    if (std::find(advisors.begin(), advisors.end(), circle.advisor) == advisors.end()) continue;
    if (std::optional<int64_t> id = auth::CircleIdOfName(circle.name)) ids.push_back(*id);
  }
  return ids;
}

}  // namespace

absl::StatusOr<auth::CircleScope> CircleScopeOf(storage::Transaction& tx,
                                                const auth::Principal& who,
                                                const std::vector<KnownCircle>& live) {
  return auth::CircleScopeOf(who, auth::CircleAccess::kRead, [&](const auth::Principal& advisor) {
    return AssignedCircles(tx, advisor, live, false);
  });
}

absl::StatusOr<auth::CircleScope> PersonScopeOf(storage::Transaction& tx,
                                                const auth::Principal& who) {
  return auth::CircleScopeOf(who, auth::CircleAccess::kRead, [&](const auth::Principal& advisor) {
    return AssignedCircles(tx, advisor, {}, true);
  });
}

absl::Status CheckCircleAdvisor(storage::Transaction& tx, const auth::Principal& who,
                                const std::string& circle, const std::vector<KnownCircle>& live) {
  CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope, CircleScopeOf(tx, who, live));
  if (scope.ContainsName(circle)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(who.ToString(), " is not the advisor of ", circle,
                   ": an advisor acts only on the loans of the circles assigned to them"));
}

absl::Status CheckLoanAccess(storage::Transaction& tx, const auth::Principal& who,
                             const LoanRecord& loan) {
  // An open request or active loan carries its circle's advisor as fresh as
  // lending knows it (set at submission, followed on reassignment).
  std::vector<KnownCircle> live;
  if (IsOpenRequest(loan.state) || loan.state == LoanState::kActive) {
    live.push_back(KnownCircle{loan.circle, loan.advisor});
  }
  CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope, CircleScopeOf(tx, who, live));
  if (scope.ContainsName(loan.circle)) return absl::OkStatus();
  std::optional<int64_t> circle = auth::CircleIdOfName(loan.circle);
  if (!circle.has_value()) return absl::InternalError(absl::StrCat(loan.name(), " has no circle"));
  return auth::CheckCircleInScope(scope, who, *circle, auth::CircleAccess::kRead);
}

absl::StatusOr<LoanRecord> LoadVisibleLoan(storage::Transaction& tx, const auth::Principal& who,
                                           int64_t id, bool for_update) {
  CERCLES_ASSIGN_OR_RETURN(LoanRecord loan, LoadLoan(tx, id, for_update));
  CERCLES_RETURN_IF_ERROR(CheckLoanAccess(tx, who, loan));
  return loan;
}

absl::StatusOr<LoanRecord> LockLoan(storage::Transaction& tx, const auth::Principal& who,
                                    int64_t id) {
  return LoadVisibleLoan(tx, who, id, /*for_update=*/true);
}

absl::StatusOr<LoanRecord> ReadLoan(storage::Database& db, const auth::Principal& who, int64_t id) {
  LoanRecord loan;
  CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
      db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(loan, LoadVisibleLoan(tx, who, id, /*for_update=*/false));
        return absl::OkStatus();
      }));
  return loan;
}

}  // namespace cercles::lending
