#include "services/lending/portfolio.h"

#include <map>
#include <utility>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"

namespace cercles::lending {
namespace {

// One loan's contribution to every group it belongs to.
struct LoanFigures {
  bool active = false;
  int64_t outstanding_cents = 0;
  bool par30 = false;
  ArrearsBucket bucket = ArrearsBucket::kCurrent;
  int64_t fell_due_cents = 0;
  int64_t repaid_due_cents = 0;
  bool closed_repaid = false;
  bool written_off = false;
  int64_t written_off_cents = 0;
};

bool Counted(LoanState state) {
  return state == LoanState::kActive || state == LoanState::kClosedRepaid ||
         state == LoanState::kWrittenOff;
}

absl::StatusOr<LoanFigures> FiguresOf(const PortfolioLoan& loan, absl::CivilDay as_of,
                                      const ArrearsBucketBounds& bounds,
                                      int64_t arrears_tolerance_cents) {
  LoanFigures figures;
  for (const InstalmentPosition& instalment : loan.position) {
    if (instalment.due > as_of) continue;
    figures.fell_due_cents += instalment.principal_due_cents + instalment.interest_due_cents;
    figures.repaid_due_cents += instalment.principal_paid_cents + instalment.interest_paid_cents;
  }
  switch (loan.state) {
    case LoanState::kActive: {
      absl::StatusOr<ArrearsStatus> arrears =
          ClassifyArrears(loan.position, as_of, bounds, arrears_tolerance_cents);
      if (!arrears.ok()) return arrears.status();
      figures.active = true;
      figures.outstanding_cents = loan.outstanding_principal_cents;
      figures.par30 = arrears->days_past_due > kPar30Days;
      figures.bucket = arrears->bucket;
      break;
    }
    case LoanState::kClosedRepaid:
      figures.closed_repaid = true;
      break;
    case LoanState::kWrittenOff:
      figures.written_off = true;
      figures.written_off_cents = loan.written_off_principal_cents;
      break;
    default:
      break;
  }
  return figures;
}

void Add(const LoanFigures& loan, PortfolioFigures* group) {
  group->fell_due_cents += loan.fell_due_cents;
  group->repaid_due_cents += loan.repaid_due_cents;
  if (loan.active) {
    ++group->active_loans;
    group->outstanding_principal_cents += loan.outstanding_cents;
    if (loan.par30) group->par30_principal_cents += loan.outstanding_cents;
    ++group->loans_per_bucket[static_cast<size_t>(loan.bucket)];
  }
  if (loan.closed_repaid) ++group->closed_repaid_loans;
  if (loan.written_off) {
    ++group->written_off_loans;
    group->written_off_principal_cents += loan.written_off_cents;
  }
}

void Finish(PortfolioFigures* group) {
  group->par30_bps = BasisPoints(group->par30_principal_cents, group->outstanding_principal_cents,
                                 /*if_empty=*/0);
  group->repayment_rate_bps =
      BasisPoints(group->repaid_due_cents, group->fell_due_cents, /*if_empty=*/10000);
}

// "circles/9" before "circles/10": shorter names first, then text.
struct ByNumericName {
  bool operator()(const std::string& a, const std::string& b) const {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  }
};
using Groups = std::map<std::string, PortfolioFigures, ByNumericName>;

std::vector<PortfolioFigures> Finished(Groups groups) {
  std::vector<PortfolioFigures> out;
  out.reserve(groups.size());
  for (auto& [name, figures] : groups) {
    figures.group = name;
    Finish(&figures);
    out.push_back(std::move(figures));
  }
  return out;
}

}  // namespace

int32_t BasisPoints(int64_t part, int64_t whole, int32_t if_empty) {
  if (whole == 0) return if_empty;
  // 128 bits: a fund-wide sum of cents times 20000 may exceed int64.
  const absl::int128 scaled = absl::int128(part) * 20000 + whole;
  return static_cast<int32_t>(scaled / (absl::int128(whole) * 2));
}

absl::StatusOr<PortfolioReport> BuildPortfolioReport(const std::vector<PortfolioLoan>& loans,
                                                     absl::CivilDay as_of,
                                                     const ArrearsBucketBounds& bounds,
                                                     int64_t arrears_tolerance_cents) {
  if (absl::Status status = ValidateBucketBounds(bounds); !status.ok()) return status;
  PortfolioReport report;
  report.as_of = as_of;
  report.fund.group = "fund";
  Groups circles, advisors;
  for (const PortfolioLoan& loan : loans) {
    if (!Counted(loan.state)) continue;
    if (loan.disbursement_date.has_value() && *loan.disbursement_date > as_of) continue;
    absl::StatusOr<LoanFigures> figures = FiguresOf(loan, as_of, bounds, arrears_tolerance_cents);
    if (!figures.ok()) {
      return absl::Status(figures.status().code(), absl::StrCat("a loan of ", loan.circle, ": ",
                                                                figures.status().message()));
    }
    Add(*figures, &report.fund);
    Add(*figures, &circles[loan.circle]);
    if (!loan.advisor.empty()) Add(*figures, &advisors[loan.advisor]);
  }
  Finish(&report.fund);
  report.by_circle = Finished(std::move(circles));
  report.by_advisor = Finished(std::move(advisors));
  for (ArrearsBucket bucket :
       {ArrearsBucket::kCurrent, ArrearsBucket::kFirst, ArrearsBucket::kSecond,
        ArrearsBucket::kThird, ArrearsBucket::kBeyond}) {
    report.bucket_labels.push_back(BucketLabel(bucket, bounds));
  }
  return report;
}

}  // namespace cercles::lending
