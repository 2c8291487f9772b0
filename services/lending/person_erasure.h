// Lending's part of a person's erasure (membership's PersonErased): the
// sensitive free text of the person's loan requests (business plan summary,
// document reference, state reason), of the votes on them and the person's
// own votes (comments), of their loans' repayments (reference, reversal
// reason) and reschedules (reasons), of their bank referrals (note) and
// subsidy applications (outcome) is cleared; lending's earlier events and
// stored answers lose what they hold of the person
// (service::ScrubPersonRecords). Amounts, dates, states and the journal stay,
// under the person's id (people/N), so the books are unchanged. Lending keeps
// no name, e-mail or phone of anyone.
#ifndef CERCLES_SERVICES_LENDING_PERSON_ERASURE_H_
#define CERCLES_SERVICES_LENDING_PERSON_ERASURE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/storage/database.h"

namespace cercles::lending {

// Inside the subscriber's transaction. `person` is "people/{id}".
absl::Status ErasePersonText(storage::Transaction& tx, const std::string& person);

// The free text of one loan and of what hangs on it (its votes' comments, its
// repayments' references and reversal reasons, its reschedules' reasons)
// cleared: the rows ErasePersonText clears for each of a person's loans, for
// the retention purge of a closed loan (loan_retention.h). Only the rows.
absl::Status ClearLoanText(storage::Transaction& tx, int64_t loan_id);

// The tables ErasePersonText rewrites rows of (for Database::ReclaimDeleted).
const std::vector<std::string>& PersonErasureTables();

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_PERSON_ERASURE_H_
