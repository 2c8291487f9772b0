// The rules of loan servicing (repayments and their reversals, guarantee calls
// and the guarantors' payments, write-offs) as pure decisions: each takes what
// the handler loaded (through the stores) and answers OK or a named refusal,
// an absl::Status whose message names the field or the rule. The handler then
// writes (servicing_service.cc).
#ifndef CERCLES_SERVICES_LENDING_SERVICING_RULES_H_
#define CERCLES_SERVICES_LENDING_SERVICING_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "services/lending/fund_settings.h"
#include "services/lending/loan_lifecycle.h"
#include "services/lending/repayment.h"

namespace cercles::lending {

// What the servicing rules read of a loan (the store's LoanRecord gives it).
struct ServicedLoan {
  std::string name;  // "loans/{id}"
  LoanState state = LoanState::kSubmitted;
  std::optional<GuaranteeKind> guarantee_kind;
  std::optional<absl::CivilDay> disbursement_date;
  int64_t outstanding_principal_cents = 0;
  int64_t guarantee_called_cents = 0;
};

// "1234.56 CAD", for messages.
std::string FormatAmount(int64_t cents, const std::string& currency);

// The day of a money movement: the one given or today, never in the future
// (INVALID_ARGUMENT naming `field`) nor before `earliest` (the disbursement, the
// call), which `earliest_what` names.
absl::StatusOr<absl::CivilDay> MovementDay(const std::optional<absl::CivilDay>& given,
                                           absl::string_view field, absl::CivilDay today,
                                           const std::optional<absl::CivilDay>& earliest,
                                           absl::string_view earliest_what);

// FAILED_PRECONDITION unless the loan is ACTIVE; `what` says what is refused
// ("repayments are recorded").
absl::Status CheckActive(const ServicedLoan& loan, absl::string_view what);

// The principal still on the loan's books: what a guarantee call moved to the
// guarantors is no longer the borrower's to repay or the fund's to write off.
int64_t PrincipalOnLoan(const ServicedLoan& loan);

// Days past due of the loan as of `day` (arrears.h under the fund's buckets).
absl::StatusOr<int32_t> DaysPastDue(const LoanPosition& position, absl::CivilDay day,
                                    const FundSettings& settings);

// A repayment of `amount_cents` on an active loan that `owed` settles today (the
// Payoff of repayment.h under the fund's prepayment rule): refused once the
// guarantee was called (the guarantors owe the principal now) and when it
// exceeds what is owed (no overpayments). `amount_field` is the request's field
// the messages name ("lines[2].amount" in a collection).
absl::Status CheckRepayment(const ServicedLoan& loan, const OutstandingAmounts& owed,
                            int64_t amount_cents, const std::string& currency,
                            absl::string_view amount_field = "amount");

// A repayment the fund recorded, as the reversal rule sees it.
struct RecordedRepayment {
  int64_t id = 0;
  std::string name;                          // "loans/{id}/repayments/{id}"
  std::optional<int64_t> reversal_entry_id;  // set once reversed
};
// Whether `repayment` may be reversed: not reversed yet, the loan ACTIVE or
// CLOSED_REPAID, its guarantee not called, and the repayment the latest one not
// yet reversed (`latest_live`), since repayments are allocated in order.
absl::Status CheckReversible(const ServicedLoan& loan, const RecordedRepayment& repayment,
                             const std::optional<int64_t>& latest_live);

// Whether the circle's guarantee of the loan may be called on `day`, when it is
// `days_past_due`: an ACTIVE loan with a circle guarantee, not called before
// (`earlier_call` is the day of an earlier call), past the fund's threshold,
// with principal left.
absl::Status CheckCallable(const ServicedLoan& loan,
                           const std::optional<absl::CivilDay>& earlier_call, int32_t days_past_due,
                           absl::CivilDay day, const FundSettings& settings);

// One guarantor's share of a called guarantee.
struct ShareOwed {
  std::string guarantor;  // "people/{id}"
  int64_t amount_cents = 0;
  int64_t paid_cents = 0;
};
// The index in `shares` of `guarantor`'s share, when `amount_cents` fits in what
// remains of it; FAILED_PRECONDITION naming the guarantors otherwise.
// `amount_field` as CheckRepayment's.
absl::StatusOr<size_t> CheckGuarantorPayment(const ServicedLoan& loan,
                                             const std::vector<ShareOwed>& shares,
                                             const std::string& guarantor, int64_t amount_cents,
                                             const std::string& currency,
                                             absl::string_view amount_field = "amount");

// Whether the loan may be written off on `day`, when it is `days_past_due`:
// past the fund's threshold, and a lifecycle transition to WRITTEN_OFF.
absl::Status CheckWriteOff(const ServicedLoan& loan, int32_t days_past_due, absl::CivilDay day,
                           const FundSettings& settings);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_SERVICING_RULES_H_
