// A circle's meeting as the treasurer sees it (issue 12, item 2): what each member
// owes at the meeting — the collection sheet — as a pure computation over the
// loans' positions and the called guarantees' shares. Recording what was
// collected is RecordCollections (collections_service.cc), one repayment or
// guarantor's payment per line through servicing's own rules.
#ifndef CERCLES_SERVICES_LENDING_COLLECTIONS_H_
#define CERCLES_SERVICES_LENDING_COLLECTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/lending/fund_settings.h"
#include "services/lending/repayment.h"
#include "services/lending/servicing_rules.h"

namespace cercles::lending {

enum class CollectionKind { kRepayment = 1, kGuarantorPayment = 2 };

// What the sheet reads of one loan of the circle.
struct SheetLoan {
  std::string loan;      // "loans/{id}"
  std::string borrower;  // "people/{id}"
  // An ACTIVE loan whose guarantee was not called: its borrower repays it.
  bool repayable = false;
  LoanPosition position;
  // The shares of its called guarantee (empty when not called).
  std::vector<ShareOwed> called_shares;
  int32_t call_days_past_due = 0;
};

// One thing a person owes at the meeting (see CollectionSheetLine in
// collections.proto for each amount).
struct SheetLine {
  CollectionKind kind = CollectionKind::kRepayment;
  std::string person;
  std::string loan;
  int64_t due_cents = 0;
  int64_t in_arrears_cents = 0;
  int64_t most_cents = 0;
  std::optional<absl::CivilDay> next_due_date;
  int32_t days_past_due = 0;
};

// What a repayable loan's borrower owes on `meeting`: the unpaid part of every
// instalment due on or before it; of that, what is late (ClassifyArrears under
// the fund's buckets and tolerance); the most a repayment may be that day (the
// Payoff under the fund's prepayment rule). INVALID_ARGUMENT for a malformed
// position.
absl::StatusOr<SheetLine> RepaymentLine(const SheetLoan& loan, absl::CivilDay meeting,
                                        const FundSettings& settings);

// The sheet's lines: the repayment of each repayable loan with something left
// to pay, and each called share not fully paid; ordered by person as in
// `members` (people not in it after them, by name), then repayments before
// shares, then by loan (numerically).
absl::StatusOr<std::vector<SheetLine>> CollectionSheetLines(const std::vector<SheetLoan>& loans,
                                                            const std::vector<std::string>& members,
                                                            absl::CivilDay meeting,
                                                            const FundSettings& settings);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_COLLECTIONS_H_
