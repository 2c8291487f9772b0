// The gRPC adapters of lending. One class per proto service; the methods of
// LendingService are spread over several files by subject (see each section).
#ifndef CERCLES_SERVICES_LENDING_LENDING_SERVICE_H_
#define CERCLES_SERVICES_LENDING_LENDING_SERVICE_H_

#include "cercles/lending/v1/lending.grpc.pb.h"
#include "services/lending/context.h"

namespace cercles::lending {

class LendingService final : public cercles::lending::v1::LendingService::CallbackService {
 public:
  explicit LendingService(const LendingContext& context) : context_(context) {}

  // ---- lending_service.cc: eligibility
  grpc::ServerUnaryReactor* GetCircleEligibility(
      grpc::CallbackServerContext* context, const v1::GetCircleEligibilityRequest* request,
      v1::GetCircleEligibilityResponse* response) override;

  // ---- settings_service.cc
  grpc::ServerUnaryReactor* ListPersonalReads(grpc::CallbackServerContext* context,
                                              const v1::ListPersonalReadsRequest* request,
                                              v1::ListPersonalReadsResponse* response) override;
  // person_export_service.cc: a person's access request
  grpc::ServerUnaryReactor* ExportPersonData(grpc::CallbackServerContext* context,
                                             const v1::ExportPersonDataRequest* request,
                                             v1::ExportPersonDataResponse* response) override;
  // loan_retention_service.cc: lending's part of the retention purge
  grpc::ServerUnaryReactor* PurgeExpiredLoanRecords(
      grpc::CallbackServerContext* context, const v1::PurgeExpiredLoanRecordsRequest* request,
      v1::PurgeExpiredLoanRecordsResponse* response) override;
  grpc::ServerUnaryReactor* GetFundSettings(grpc::CallbackServerContext* context,
                                            const v1::GetFundSettingsRequest* request,
                                            v1::GetFundSettingsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateFundSettings(grpc::CallbackServerContext* context,
                                               const v1::UpdateFundSettingsRequest* request,
                                               v1::UpdateFundSettingsResponse* response) override;
  grpc::ServerUnaryReactor* ListFundSettingsChanges(
      grpc::CallbackServerContext* context, const v1::ListFundSettingsChangesRequest* request,
      v1::ListFundSettingsChangesResponse* response) override;

  // ---- origination_service.cc: from request to disbursement
  grpc::ServerUnaryReactor* SubmitLoanRequest(grpc::CallbackServerContext* context,
                                              const v1::SubmitLoanRequestRequest* request,
                                              v1::SubmitLoanRequestResponse* response) override;
  grpc::ServerUnaryReactor* CastCircleVote(grpc::CallbackServerContext* context,
                                           const v1::CastCircleVoteRequest* request,
                                           v1::CastCircleVoteResponse* response) override;
  grpc::ServerUnaryReactor* CloseCircleVote(grpc::CallbackServerContext* context,
                                            const v1::CloseCircleVoteRequest* request,
                                            v1::CloseCircleVoteResponse* response) override;
  grpc::ServerUnaryReactor* ApproveLoan(grpc::CallbackServerContext* context,
                                        const v1::ApproveLoanRequest* request,
                                        v1::ApproveLoanResponse* response) override;
  grpc::ServerUnaryReactor* RejectLoan(grpc::CallbackServerContext* context,
                                       const v1::RejectLoanRequest* request,
                                       v1::RejectLoanResponse* response) override;
  grpc::ServerUnaryReactor* WithdrawLoan(grpc::CallbackServerContext* context,
                                         const v1::WithdrawLoanRequest* request,
                                         v1::WithdrawLoanResponse* response) override;
  grpc::ServerUnaryReactor* DisburseLoan(grpc::CallbackServerContext* context,
                                         const v1::DisburseLoanRequest* request,
                                         v1::DisburseLoanResponse* response) override;

  // ---- loans_service.cc: the reads of loans and schedules, the event stream
  grpc::ServerUnaryReactor* GetLoan(grpc::CallbackServerContext* context,
                                    const v1::GetLoanRequest* request,
                                    v1::GetLoanResponse* response) override;
  grpc::ServerUnaryReactor* ListLoans(grpc::CallbackServerContext* context,
                                      const v1::ListLoansRequest* request,
                                      v1::ListLoansResponse* response) override;
  grpc::ServerUnaryReactor* GetLoanSchedule(grpc::CallbackServerContext* context,
                                            const v1::GetLoanScheduleRequest* request,
                                            v1::GetLoanScheduleResponse* response) override;
  grpc::ServerUnaryReactor* PreviewSchedule(grpc::CallbackServerContext* context,
                                            const v1::PreviewScheduleRequest* request,
                                            v1::PreviewScheduleResponse* response) override;
  // A callback-API stream: an open stream holds no thread (common/events/watch.h).
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) override;

  // ---- servicing_service.cc: repayments, guarantee calls, write-offs
  grpc::ServerUnaryReactor* RecordRepayment(grpc::CallbackServerContext* context,
                                            const v1::RecordRepaymentRequest* request,
                                            v1::RecordRepaymentResponse* response) override;
  grpc::ServerUnaryReactor* ReverseRepayment(grpc::CallbackServerContext* context,
                                             const v1::ReverseRepaymentRequest* request,
                                             v1::ReverseRepaymentResponse* response) override;
  grpc::ServerUnaryReactor* ListRepayments(grpc::CallbackServerContext* context,
                                           const v1::ListRepaymentsRequest* request,
                                           v1::ListRepaymentsResponse* response) override;
  grpc::ServerUnaryReactor* CallGuarantee(grpc::CallbackServerContext* context,
                                          const v1::CallGuaranteeRequest* request,
                                          v1::CallGuaranteeResponse* response) override;
  grpc::ServerUnaryReactor* RecordGuarantorPayment(
      grpc::CallbackServerContext* context, const v1::RecordGuarantorPaymentRequest* request,
      v1::RecordGuarantorPaymentResponse* response) override;
  grpc::ServerUnaryReactor* WriteOffLoan(grpc::CallbackServerContext* context,
                                         const v1::WriteOffLoanRequest* request,
                                         v1::WriteOffLoanResponse* response) override;

  // ---- reschedule_service.cc: rescheduling with maker-checker
  grpc::ServerUnaryReactor* RequestReschedule(grpc::CallbackServerContext* context,
                                              const v1::RequestRescheduleRequest* request,
                                              v1::RequestRescheduleResponse* response) override;
  grpc::ServerUnaryReactor* ApproveReschedule(grpc::CallbackServerContext* context,
                                              const v1::ApproveRescheduleRequest* request,
                                              v1::ApproveRescheduleResponse* response) override;
  grpc::ServerUnaryReactor* RejectReschedule(grpc::CallbackServerContext* context,
                                             const v1::RejectRescheduleRequest* request,
                                             v1::RejectRescheduleResponse* response) override;
  grpc::ServerUnaryReactor* ListReschedules(grpc::CallbackServerContext* context,
                                            const v1::ListReschedulesRequest* request,
                                            v1::ListReschedulesResponse* response) override;

  // ---- reminders_service.cc: reminders of instalments, run now and listed
  grpc::ServerUnaryReactor* RunReminders(grpc::CallbackServerContext* context,
                                         const v1::RunRemindersRequest* request,
                                         v1::RunRemindersResponse* response) override;
  grpc::ServerUnaryReactor* ListReminders(grpc::CallbackServerContext* context,
                                          const v1::ListRemindersRequest* request,
                                          v1::ListRemindersResponse* response) override;

  // ---- collections_service.cc: a circle's meeting, from the sheet to the receipts
  grpc::ServerUnaryReactor* GetCollectionSheet(grpc::CallbackServerContext* context,
                                               const v1::GetCollectionSheetRequest* request,
                                               v1::GetCollectionSheetResponse* response) override;
  grpc::ServerUnaryReactor* RecordCollections(grpc::CallbackServerContext* context,
                                              const v1::RecordCollectionsRequest* request,
                                              v1::RecordCollectionsResponse* response) override;

  // ---- books_service.cc: the journal and the portfolio report
  grpc::ServerUnaryReactor* GetPortfolioReport(grpc::CallbackServerContext* context,
                                               const v1::GetPortfolioReportRequest* request,
                                               v1::GetPortfolioReportResponse* response) override;
  grpc::ServerUnaryReactor* RecordCapitalContribution(
      grpc::CallbackServerContext* context, const v1::RecordCapitalContributionRequest* request,
      v1::RecordCapitalContributionResponse* response) override;
  grpc::ServerUnaryReactor* GetTrialBalance(grpc::CallbackServerContext* context,
                                            const v1::GetTrialBalanceRequest* request,
                                            v1::GetTrialBalanceResponse* response) override;
  grpc::ServerUnaryReactor* ListJournalEntries(grpc::CallbackServerContext* context,
                                               const v1::ListJournalEntriesRequest* request,
                                               v1::ListJournalEntriesResponse* response) override;

 private:
  LendingContext context_;
};

// Bank referrals and subsidy applications (financing_service.cc).
class FinancingService final : public cercles::lending::v1::FinancingService::CallbackService {
 public:
  explicit FinancingService(const LendingContext& context) : context_(context) {}

  grpc::ServerUnaryReactor* CreateBankReferral(grpc::CallbackServerContext* context,
                                               const v1::CreateBankReferralRequest* request,
                                               v1::CreateBankReferralResponse* response) override;
  grpc::ServerUnaryReactor* UpdateBankReferral(grpc::CallbackServerContext* context,
                                               const v1::UpdateBankReferralRequest* request,
                                               v1::UpdateBankReferralResponse* response) override;
  grpc::ServerUnaryReactor* ListBankReferrals(grpc::CallbackServerContext* context,
                                              const v1::ListBankReferralsRequest* request,
                                              v1::ListBankReferralsResponse* response) override;
  grpc::ServerUnaryReactor* CreateSubsidyApplication(
      grpc::CallbackServerContext* context, const v1::CreateSubsidyApplicationRequest* request,
      v1::CreateSubsidyApplicationResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSubsidyApplication(
      grpc::CallbackServerContext* context, const v1::UpdateSubsidyApplicationRequest* request,
      v1::UpdateSubsidyApplicationResponse* response) override;
  grpc::ServerUnaryReactor* ListSubsidyApplications(
      grpc::CallbackServerContext* context, const v1::ListSubsidyApplicationsRequest* request,
      v1::ListSubsidyApplicationsResponse* response) override;

 private:
  LendingContext context_;
};

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_LENDING_SERVICE_H_
