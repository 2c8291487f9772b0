#include "services/lending/collections.h"

#include <algorithm>
#include <cstddef>
#include <tuple>

#include "common/api/resource_name.h"
#include "common/util/status_macros.h"
#include "services/lending/arrears.h"

namespace cercles::lending {
namespace {

// "loans/{id}" -> id; 0 for anything else (the store writes only such names).
int64_t LoanNumber(const std::string& loan) {
  absl::StatusOr<int64_t> id = api::ParseName(loan, "loans", "loan");
  return id.ok() ? *id : 0;
}

}  // namespace

absl::StatusOr<SheetLine> RepaymentLine(const SheetLoan& loan, absl::CivilDay meeting,
                                        const FundSettings& settings) {
  CERCLES_ASSIGN_OR_RETURN(ArrearsStatus arrears,
                           ClassifyArrears(loan.position, meeting, settings.arrears_buckets,
                                           settings.arrears_tolerance_cents));
  CERCLES_ASSIGN_OR_RETURN(OutstandingAmounts payoff,
                           Payoff(loan.position, meeting, settings.prepayment_rule));
  SheetLine line;
  line.kind = CollectionKind::kRepayment;
  line.person = loan.borrower;
  line.loan = loan.loan;
  line.in_arrears_cents = arrears.amount_in_arrears_cents;
  line.days_past_due = arrears.days_past_due;
  line.most_cents = payoff.total_cents();
  for (const InstalmentPosition& instalment : loan.position) {
    if (instalment.due <= meeting) line.due_cents += instalment.outstanding_cents();
    if (instalment.due >= meeting && !line.next_due_date.has_value() && !instalment.fully_paid() &&
        !WithinTolerance(instalment, settings.arrears_tolerance_cents)) {
      line.next_due_date = instalment.due;
    }
  }
  return line;
}

absl::StatusOr<std::vector<SheetLine>> CollectionSheetLines(const std::vector<SheetLoan>& loans,
                                                            const std::vector<std::string>& members,
                                                            absl::CivilDay meeting,
                                                            const FundSettings& settings) {
  std::vector<SheetLine> lines;
  for (const SheetLoan& loan : loans) {
    if (loan.repayable) {
      CERCLES_ASSIGN_OR_RETURN(SheetLine line, RepaymentLine(loan, meeting, settings));
      if (line.most_cents > 0) lines.push_back(std::move(line));
    }
    for (const ShareOwed& share : loan.called_shares) {
      const int64_t remaining = share.amount_cents - share.paid_cents;
      if (remaining <= 0) continue;
      SheetLine line;
      line.kind = CollectionKind::kGuarantorPayment;
      line.person = share.guarantor;
      line.loan = loan.loan;
      line.due_cents = remaining;
      line.most_cents = remaining;
      line.days_past_due = loan.call_days_past_due;
      lines.push_back(std::move(line));
    }
  }
  // Members in the order given, then everybody else by name.
  auto rank = [&](const std::string& person) {
    const auto found = std::find(members.begin(), members.end(), person);
    return static_cast<size_t>(found - members.begin());
  };
  std::stable_sort(lines.begin(), lines.end(), [&](const SheetLine& a, const SheetLine& b) {
    return std::make_tuple(rank(a.person), a.person, static_cast<int>(a.kind), LoanNumber(a.loan)) <
           std::make_tuple(rank(b.person), b.person, static_cast<int>(b.kind), LoanNumber(b.loan));
  });
  return lines;
}

}  // namespace cercles::lending
