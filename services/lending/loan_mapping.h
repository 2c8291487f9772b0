// Between lending's records and the API messages: the Loan view, the schedule,
// the fund settings, the enums, and the Date and Money of requests.
#ifndef CERCLES_SERVICES_LENDING_LOAN_MAPPING_H_
#define CERCLES_SERVICES_LENDING_LOAN_MAPPING_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cercles/lending/v1/events.pb.h"
#include "cercles/lending/v1/lending.pb.h"
#include "services/lending/fund_settings.h"
#include "services/lending/loan_lifecycle.h"
#include "services/lending/loan_store.h"
#include "services/lending/repayment.h"
#include "services/lending/schedule.h"

namespace cercles::lending {

// The API view: every stored field, and for an ACTIVE loan its arrears as of
// `as_of` under the settings' buckets. Sensitive fields are included (the caller's
// access was checked; events go through redaction).
v1::Loan ToProto(const LoanRecord& loan, const LoanPosition& position, absl::CivilDay as_of,
                 const FundSettings& settings);

// Conversions shared by every RPC file.
v1::LoanState ToProtoState(LoanState state);
// INVALID_ARGUMENT naming `field` for an invalid date; nullopt when unset (all zero).
absl::StatusOr<std::optional<absl::CivilDay>> FromDate(const cercles::common::v1::Date& date,
                                                       const std::string& field);
// INVALID_ARGUMENT naming `field` unless the currency is the fund's (empty means
// the fund's) and the amount positive.
absl::StatusOr<int64_t> FromMoney(const cercles::common::v1::Money& money,
                                  const std::string& currency, const std::string& field);
// Today in the fund's time zone (America/Toronto by default): the default "as of"
// of every report and the default date of every money movement.
absl::CivilDay Today(absl::Time now);

// The API message of the settings (each amount in its Money field and its
// deprecated int64 twin) and back.
v1::FundSettings SettingsToProto(const FundSettings& settings);
// Each amount from its Money field or its int64 twin (api::MinorUnitsEither:
// INVALID_ARGUMENT naming both when they disagree, or naming the Money when its
// currency is not settings.currency). No other validation: pass the result to
// ValidateSettings.
absl::StatusOr<FundSettings> SettingsFromProto(const v1::FundSettings& settings);

// Enum conversions; the From* ones return nullopt for UNSPECIFIED or unknown values.
v1::RepaymentFrequency ToProtoFrequency(Frequency frequency);
std::optional<Frequency> FromProtoFrequency(v1::RepaymentFrequency frequency);
v1::InterestMethod ToProtoMethod(InterestMethod method);
std::optional<InterestMethod> FromProtoMethod(v1::InterestMethod method);
v1::GuaranteeKind ToProtoGuaranteeKind(GuaranteeKind kind);
std::optional<LoanState> FromProtoState(v1::LoanState state);

// The API schedule of a stored position (balance after each instalment as
// scheduled, what has been paid, the regular payment of the loan's terms).
v1::Schedule PositionToProto(const LoanRecord& loan, const LoanPosition& position,
                             const std::string& currency);

// The API schedule of a computed one (nothing paid).
v1::Schedule ScheduleToProto(const Schedule& schedule, const std::string& currency);

// The closed sets the API gives as an enum beside the deprecated string field
// it replaces (common/api/closed_set.h). Each setter fills both from the name
// lending keeps ("PENDING", "REPAYMENT", "ASSET", "DISBURSED"); the deprecated
// fields are written here and nowhere else.
void SetVoteOutcome(const std::string& name, v1::VoteTally* out);
void SetEntryKind(const std::string& name, v1::JournalEntry* out);
void SetAccountType(const std::string& name, v1::AccountBalance* out);
void SetLoanChange(const std::string& name, v1::LoanChanged* out);
// The amounts the API gives as a Money beside the deprecated int64
// `*_minor_units` field it replaces: each setter fills both (in `currency`); the
// deprecated fields are written here and nowhere else.
void SetLineAmounts(int64_t debit_cents, int64_t credit_cents, const std::string& currency,
                    v1::JournalLine* out);
void SetAccountAmounts(int64_t debit_cents, int64_t credit_cents, int64_t balance_cents,
                       const std::string& currency, v1::AccountBalance* out);
void SetTotals(int64_t debit_cents, int64_t credit_cents, const std::string& currency,
               v1::GetTrialBalanceResponse* out);
void SetChangeAmount(int64_t amount_cents, const std::string& currency, v1::LoanChanged* out);
// The kind ListJournalEntries filters on, as lending names it: entry_kind's, or
// else the deprecated kind as given ("" for none); INVALID_ARGUMENT when both
// are given and disagree.
absl::StatusOr<std::string> RequestedEntryKind(const v1::ListJournalEntriesRequest& request);

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_LOAN_MAPPING_H_
