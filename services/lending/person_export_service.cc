// LendingService's ExportPersonData: everything lending holds about one
// person, for their access request (Law 25), each part built by the mapping
// its own read RPC uses (GetLoan, GetLoanSchedule, ListRepayments, ...).
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/api/resource_name.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/lending/financing_store.h"
#include "services/lending/lending_service.h"
#include "services/lending/loan_mapping.h"
#include "services/lending/loan_store.h"
#include "services/lending/reminder_store.h"
#include "services/lending/servicing_store.h"
#include "services/lending/settings_store.h"

namespace cercles::lending {
namespace {

// A person's records are read whole: a few loans, a few referrals.
constexpr int kAll = std::numeric_limits<int>::max();

struct ExportReader {
  storage::Transaction& tx;
  const FundSettings& settings;
  absl::CivilDay today;

  // The loan as GetLoan answers it today.
  absl::StatusOr<v1::Loan> Loan(const LoanRecord& record) const {
    CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, record.id));
    return ToProto(record, position, today, settings);
  }

  absl::StatusOr<v1::PersonLoan> PersonLoan(const LoanRecord& record) const {
    v1::PersonLoan out;
    CERCLES_ASSIGN_OR_RETURN(LoanPosition position, LoadPosition(tx, record.id));
    *out.mutable_loan() = ToProto(record, position, today, settings);
    if (!position.empty()) {
      *out.mutable_schedule() = PositionToProto(record, position, settings.currency);
    }
    CERCLES_ASSIGN_OR_RETURN(std::vector<RepaymentRecord> repayments,
                             ListRepaymentRecords(tx, record.id, 0, kAll));
    for (const RepaymentRecord& r : repayments) {
      *out.add_repayments() = RepaymentToProto(r, settings.currency, record.applicant);
    }
    CERCLES_ASSIGN_OR_RETURN(std::optional<GuaranteeCallRecord> call,
                             LoadGuaranteeCall(tx, record.id));
    if (call.has_value()) {
      *out.mutable_guarantee_call() = GuaranteeCallToProto(*call, settings.currency);
    }
    return out;
  }
};

}  // namespace

grpc::ServerUnaryReactor* LendingService::ExportPersonData(
    grpc::CallbackServerContext* context, const v1::ExportPersonDataRequest* request,
    v1::ExportPersonDataResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(api::ParseName(request->person(), "people", "person").status());
        const std::string& person = request->person();
        return storage::RunInTransaction(
            *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
              response->Clear();
              CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
              const ExportReader read{tx, settings, Today(context_.clock->Now())};

              CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> own, LoansOfApplicant(tx, person));
              for (const LoanRecord& record : own) {
                CERCLES_ASSIGN_OR_RETURN(*response->add_loans(), read.PersonLoan(record));
              }
              CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> voted, LoansVotedOnBy(tx, person));
              for (const LoanRecord& record : voted) {
                CERCLES_ASSIGN_OR_RETURN(v1::Loan loan, read.Loan(record));
                for (const v1::CircleVote& vote : loan.votes()) {
                  if (vote.voter() != person) continue;
                  v1::VoteCast* cast = response->add_votes_cast();
                  cast->set_loan(loan.name());
                  *cast->mutable_vote() = vote;
                }
              }
              CERCLES_ASSIGN_OR_RETURN(std::vector<LoanRecord> guaranteed,
                                       LoansGuaranteedBy(tx, person));
              for (const LoanRecord& record : guaranteed) {
                v1::GuaranteeGiven* given = response->add_guarantees_given();
                given->set_loan(record.name());
                CERCLES_ASSIGN_OR_RETURN(std::optional<GuaranteeCallRecord> call,
                                         LoadGuaranteeCall(tx, record.id));
                if (!call.has_value()) continue;
                // Named: a range-for over a member of a temporary would read the
                // shares after the temporary's end (GCC's -Wdangling-pointer).
                const v1::GuaranteeCall called = GuaranteeCallToProto(*call, settings.currency);
                for (const v1::GuarantorShare& share : called.shares()) {
                  if (share.guarantor() == person) *given->mutable_share() = share;
                }
              }

              ReferralFilter referrals_of;
              referrals_of.person = person;
              CERCLES_ASSIGN_OR_RETURN(std::vector<v1::BankReferral> referrals,
                                       FinancingStore::ListReferrals(tx, referrals_of, 0, kAll));
              for (v1::BankReferral& r : referrals) *response->add_bank_referrals() = std::move(r);
              SubsidyFilter subsidies_of;
              subsidies_of.person = person;
              CERCLES_ASSIGN_OR_RETURN(std::vector<v1::SubsidyApplication> subsidies,
                                       FinancingStore::ListSubsidies(tx, subsidies_of, 0, kAll));
              for (v1::SubsidyApplication& s : subsidies) {
                *response->add_subsidy_applications() = std::move(s);
              }
              ReminderFilter reminders_of;
              reminders_of.borrower = person;
              CERCLES_ASSIGN_OR_RETURN(std::vector<ReminderRecord> reminders,
                                       ListReminderRecords(tx, reminders_of, 0, kAll));
              for (const ReminderRecord& r : reminders) {
                *response->add_reminders() = ReminderToProto(r, settings.currency);
              }
              return absl::OkStatus();
            });
      });
}

}  // namespace cercles::lending
