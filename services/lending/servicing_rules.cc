#include "services/lending/servicing_rules.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/api/display.h"
#include "common/util/status_macros.h"
#include "services/lending/arrears.h"

namespace cercles::lending {
namespace {

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

}  // namespace

std::string FormatAmount(int64_t cents, const std::string& currency) {
  return absl::StrCat(api::FormatDecimal(cents), " ", currency);
}

absl::StatusOr<absl::CivilDay> MovementDay(const std::optional<absl::CivilDay>& given,
                                           absl::string_view field, absl::CivilDay today,
                                           const std::optional<absl::CivilDay>& earliest,
                                           absl::string_view earliest_what) {
  const absl::CivilDay day = given.value_or(today);
  if (day > today) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " ", DayText(day), " is in the future (today is ", DayText(today), ")"));
  }
  if (earliest.has_value() && day < *earliest) {
    return absl::InvalidArgumentError(absl::StrCat(field, " ", DayText(day), " is before ",
                                                   earliest_what, " (", DayText(*earliest), ")"));
  }
  return day;
}

absl::Status CheckActive(const ServicedLoan& loan, absl::string_view what) {
  if (loan.state == LoanState::kActive) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(loan.name, " is ", LoanStateName(loan.state),
                                                    ": ", what, " only on an ACTIVE loan"));
}

int64_t PrincipalOnLoan(const ServicedLoan& loan) {
  return loan.outstanding_principal_cents - loan.guarantee_called_cents;
}

absl::StatusOr<int32_t> DaysPastDue(const LoanPosition& position, absl::CivilDay day,
                                    const FundSettings& settings) {
  CERCLES_ASSIGN_OR_RETURN(
      ArrearsStatus arrears,
      ClassifyArrears(position, day, settings.arrears_buckets, settings.arrears_tolerance_cents));
  return arrears.days_past_due;
}

absl::Status CheckRepayment(const ServicedLoan& loan, const OutstandingAmounts& owed,
                            int64_t amount_cents, const std::string& currency,
                            absl::string_view amount_field) {
  if (loan.guarantee_called_cents > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("the guarantee of ", loan.name,
                     " was called: its guarantors now owe the principal (record their "
                     "payments with RecordGuarantorPayment)"));
  }
  if (amount_cents <= owed.total_cents()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(amount_field, " ", FormatAmount(amount_cents, currency), " exceeds what ",
                   loan.name, " still owes: ", FormatAmount(owed.total_cents(), currency),
                   " (principal ", FormatAmount(owed.principal_cents, currency), ", interest ",
                   FormatAmount(owed.interest_cents, currency), "); overpayments are refused"));
}

absl::Status CheckReversible(const ServicedLoan& loan, const RecordedRepayment& repayment,
                             const std::optional<int64_t>& latest_live) {
  if (repayment.reversal_entry_id.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        repayment.name, " is already reversed (journal entry ", *repayment.reversal_entry_id,
        "): a reversal is never reversed; record the repayment again instead"));
  }
  if (loan.state != LoanState::kActive && loan.state != LoanState::kClosedRepaid) {
    return absl::FailedPreconditionError(
        absl::StrCat(loan.name, " is ", LoanStateName(loan.state),
                     ": only the repayments of an ACTIVE or CLOSED_REPAID loan are reversed"));
  }
  if (loan.guarantee_called_cents > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the guarantee of ", loan.name,
        " was called on the principal left after its repayments: they are no longer reversed"));
  }
  if (latest_live != repayment.id) {
    return absl::FailedPreconditionError(absl::StrCat(
        "only the latest repayment not yet reversed (", loan.name, "/repayments/",
        latest_live.value_or(0),
        ") may be reversed: repayments are allocated in order, so reverse the later ones first"));
  }
  return absl::OkStatus();
}

absl::Status CheckCallable(const ServicedLoan& loan,
                           const std::optional<absl::CivilDay>& earlier_call, int32_t days_past_due,
                           absl::CivilDay day, const FundSettings& settings) {
  CERCLES_RETURN_IF_ERROR(CheckActive(loan, "a guarantee is called"));
  if (loan.guarantee_kind != GuaranteeKind::kCircleGuarantee) {
    return absl::FailedPreconditionError(absl::StrCat(
        loan.name, " is not guaranteed by its circle (",
        loan.guarantee_kind.has_value() ? GuaranteeKindName(*loan.guarantee_kind) : "no guarantee",
        "): there is no guarantee to call"));
  }
  if (earlier_call.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the guarantee of ", loan.name, " was already called on ",
                     DayText(*earlier_call), ": a loan's guarantee is called once"));
  }
  if (!GuaranteeCallDue(days_past_due, settings)) {
    return absl::FailedPreconditionError(
        absl::StrCat(loan.name, " is ", days_past_due, " days past due on ", DayText(day),
                     "; the fund calls a guarantee from ", settings.guarantee_call_days_past_due,
                     " days past due (fund settings)"));
  }
  if (PrincipalOnLoan(loan) <= 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(loan.name, " has no principal left to call from its guarantors"));
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> CheckGuarantorPayment(const ServicedLoan& loan,
                                             const std::vector<ShareOwed>& shares,
                                             const std::string& guarantor, int64_t amount_cents,
                                             const std::string& currency,
                                             absl::string_view amount_field) {
  for (size_t i = 0; i < shares.size(); ++i) {
    const ShareOwed& share = shares[i];
    if (share.guarantor != guarantor) continue;
    const int64_t remaining = share.amount_cents - share.paid_cents;
    if (amount_cents > remaining) {
      return absl::FailedPreconditionError(absl::StrCat(
          amount_field, " ", FormatAmount(amount_cents, currency), " exceeds what remains of ",
          guarantor, "'s share: ", FormatAmount(remaining, currency), " of ",
          FormatAmount(share.amount_cents, currency)));
    }
    return i;
  }
  std::vector<std::string> names;
  for (const ShareOwed& share : shares) names.push_back(share.guarantor);
  return absl::FailedPreconditionError(
      absl::StrCat(guarantor, " is not a guarantor of ", loan.name,
                   " (its guarantors: ", absl::StrJoin(names, ", "), ")"));
}

absl::Status CheckWriteOff(const ServicedLoan& loan, int32_t days_past_due, absl::CivilDay day,
                           const FundSettings& settings) {
  if (!WriteOffDue(days_past_due, settings)) {
    return absl::FailedPreconditionError(
        absl::StrCat(loan.name, " is ", days_past_due, " days past due on ", DayText(day),
                     "; the fund writes a loan off from ", settings.write_off_days_past_due,
                     " days past due (fund settings)"));
  }
  return CheckTransition(loan.state, LoanState::kWrittenOff);
}

}  // namespace cercles::lending
