// Who sees which loans in lending: the one scope rule of common/auth/scope.h with
// lending's view of which circles an advisor is assigned.
#ifndef CERCLES_SERVICES_LENDING_LOAN_ACCESS_H_
#define CERCLES_SERVICES_LENDING_LOAN_ACCESS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/auth/scope.h"
#include "common/storage/database.h"
#include "services/lending/loan_store.h"

namespace cercles::lending {

// A circle and its advisor as membership just answered for it (fresher than the
// projection of membership's events).
struct KnownCircle {
  std::string name;     // "circles/{id}"
  std::string advisor;  // "advisors/{id}" or ""
};

// The circles `who` may see in lending: auth::CircleScopeOf with lending's view
// of an advisor's circles — the circles the projection of membership's events
// (tables advisors, circles) gives their advisor records, the circles of their
// open requests and active loans (whose advisor column follows reassignments and
// is set from membership's answer at submission), and each of `live` whose
// advisor is theirs (a live answer overrides the other two for its circle).
// PERMISSION_DENIED when lending knows no advisor of theirs.
absl::StatusOr<auth::CircleScope> CircleScopeOf(storage::Transaction& tx,
                                                const auth::Principal& who,
                                                const std::vector<KnownCircle>& live = {});
// The same scope for what belongs to a person (bank referrals, subsidy
// applications): an advisor lending does not know yet has no circle rather
// than no access, so they still reach the people in no circle.
absl::StatusOr<auth::CircleScope> PersonScopeOf(storage::Transaction& tx,
                                                const auth::Principal& who);
// PERMISSION_DENIED naming `who`, the circle and the rule unless `circle`
// ("circles/{id}") is in their scope (CircleScopeOf with `live`): an advisor acts
// only on the loans of the circles assigned to them.
absl::Status CheckCircleAdvisor(storage::Transaction& tx, const auth::Principal& who,
                                const std::string& circle,
                                const std::vector<KnownCircle>& live = {});
// PERMISSION_DENIED naming the loan's circle and the rule when the loan's circle
// is not in the principal's scope. Services read and act on every loan their
// RPCs' policies let them call.
absl::Status CheckLoanAccess(storage::Transaction& tx, const auth::Principal& who,
                             const LoanRecord& loan);

// The loan (LoadLoan) when `who` may see it (CheckLoanAccess); with for_update
// it stays locked for the rest of the transaction.
absl::StatusOr<LoanRecord> LoadVisibleLoan(storage::Transaction& tx, const auth::Principal& who,
                                           int64_t id, bool for_update);
// LoadVisibleLoan locked: what a write acts on.
absl::StatusOr<LoanRecord> LockLoan(storage::Transaction& tx, const auth::Principal& who,
                                    int64_t id);
// LoadVisibleLoan in a read transaction of its own (before a call to membership,
// which never happens inside the write).
absl::StatusOr<LoanRecord> ReadLoan(storage::Database& db, const auth::Principal& who, int64_t id);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_LOAN_ACCESS_H_
