#include "services/lending/portfolio_store.h"

#include <map>
#include <string>
#include <utility>

#include "common/util/status_macros.h"
#include "services/lending/loan_store.h"

namespace cercles::lending {
namespace {

constexpr int kJournalPage = 1000;  // JournalStore::ListEntries' largest page

// The disbursed loans of the circles in `scope`.
absl::StatusOr<std::vector<LoanRecord>> DisbursedLoans(storage::Transaction& tx,
                                                       const auth::CircleScope& scope) {
  LoanFilter filter;
  filter.states = {LoanState::kActive, LoanState::kClosedRepaid, LoanState::kWrittenOff};
  if (!scope.all()) filter.circles_in = scope.CircleNames();
  std::vector<LoanRecord> loans;
  int64_t after_id = 0;
  while (true) {
    CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> page,
                             ListLoanRecords(tx, filter, after_id, kMaxLoanRecordsPerList));
    for (LoanRecord& loan : page) loans.push_back(std::move(loan));
    if (page.size() < static_cast<size_t>(kMaxLoanRecordsPerList)) break;
    after_id = loans.back().id;
  }
  return loans;
}

// Principal written off per loan ("loans/{id}"), from the journal's WRITE_OFF
// entries dated on or before `as_of`: the credits to LOANS_RECEIVABLE.
absl::StatusOr<std::map<std::string, int64_t>> WrittenOffPrincipal(storage::Transaction& tx,
                                                                   const JournalStore& journal,
                                                                   absl::CivilDay as_of) {
  JournalFilter filter;
  filter.kind = EntryKind::kWriteOff;
  filter.to_date = as_of;
  std::map<std::string, int64_t> by_loan;
  int64_t after_id = 0;
  while (true) {
    CERCLES_ASSIGN_OR_RETURN(JournalPage page,
                             journal.ListEntries(tx, filter, after_id, kJournalPage));
    for (const StoredEntry& stored : page.entries) {
      for (const JournalLine& line : stored.entry.lines) {
        if (line.account == Account::kLoansReceivable) by_loan[line.loan] += line.credit_cents;
      }
    }
    if (!page.next_after_id.has_value()) return by_loan;
    after_id = *page.next_after_id;
  }
}

}  // namespace

absl::StatusOr<std::vector<PortfolioLoan>> LoadPortfolio(storage::Transaction& tx,
                                                         const auth::CircleScope& scope,
                                                         const JournalStore& journal,
                                                         absl::CivilDay as_of) {
  CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> records, DisbursedLoans(tx, scope));
  CERCLES_ASSIGN_OR_RETURN(auto written_off, WrittenOffPrincipal(tx, journal, as_of));
  std::vector<PortfolioLoan> loans;
  loans.reserve(records.size());
  for (const LoanRecord& record : records) {
    PortfolioLoan loan;
    loan.circle = record.circle;
    loan.advisor = record.advisor;
    loan.state = record.state;
    loan.disbursement_date = record.disbursement_date;
    loan.outstanding_principal_cents = record.outstanding_principal_cents;
    loan.written_off_principal_cents = written_off[record.name()];
    CERCLES_ASSIGN_OR_RETURN(loan.position, LoadPosition(tx, record.id));
    loans.push_back(std::move(loan));
  }
  return loans;
}

}  // namespace cercles::lending
