// The portfolio report's inputs read from the store: the disbursed loans of a
// scope with their positions and the principal written off, as
// BuildPortfolioReport (portfolio.h) takes them. Read by GetPortfolioReport
// (the caller's scope) and by the portfolio gauges (the whole fund).
#ifndef CERCLES_SERVICES_LENDING_PORTFOLIO_STORE_H_
#define CERCLES_SERVICES_LENDING_PORTFOLIO_STORE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/scope.h"
#include "common/storage/database.h"
#include "services/lending/journal_store.h"
#include "services/lending/portfolio.h"

namespace cercles::lending {

// Active, repaid and written-off loans of the circles in `scope` (every loan
// when scope.all()), each with its position and the principal written off on
// or before `as_of`. One query for the loans, one per loan for its position.
absl::StatusOr<std::vector<PortfolioLoan>> LoadPortfolio(storage::Transaction& tx,
                                                         const auth::CircleScope& scope,
                                                         const JournalStore& journal,
                                                         absl::CivilDay as_of);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_PORTFOLIO_STORE_H_
