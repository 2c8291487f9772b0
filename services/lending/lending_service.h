// The gRPC adapters of lending. One class per proto service; the methods of
// LendingService are spread over several files by subject (see each section).
#ifndef CERCLES_SERVICES_LENDING_LENDING_SERVICE_H_
#define CERCLES_SERVICES_LENDING_LENDING_SERVICE_H_

#include "cercles/lending/v1/lending.grpc.pb.h"
#include "services/lending/context.h"

namespace cercles::lending {

class LendingService final
    : public cercles::lending::v1::LendingService::WithCallbackMethod_WatchEvents<
          cercles::lending::v1::LendingService::Service> {
 public:
  explicit LendingService(const LendingContext& context) : context_(context) {}

  // ---- lending_service.cc: eligibility
  grpc::Status GetCircleEligibility(grpc::ServerContext* context,
                                    const v1::GetCircleEligibilityRequest* request,
                                    v1::GetCircleEligibilityResponse* response) override;

  // ---- settings_service.cc
  grpc::Status GetFundSettings(grpc::ServerContext* context,
                               const v1::GetFundSettingsRequest* request,
                               v1::GetFundSettingsResponse* response) override;
  grpc::Status UpdateFundSettings(grpc::ServerContext* context,
                                  const v1::UpdateFundSettingsRequest* request,
                                  v1::UpdateFundSettingsResponse* response) override;
  grpc::Status ListFundSettingsChanges(grpc::ServerContext* context,
                                       const v1::ListFundSettingsChangesRequest* request,
                                       v1::ListFundSettingsChangesResponse* response) override;

  // ---- origination_service.cc: from request to disbursement
  grpc::Status SubmitLoanRequest(grpc::ServerContext* context,
                                 const v1::SubmitLoanRequestRequest* request,
                                 v1::SubmitLoanRequestResponse* response) override;
  grpc::Status CastCircleVote(grpc::ServerContext* context,
                              const v1::CastCircleVoteRequest* request,
                              v1::CastCircleVoteResponse* response) override;
  grpc::Status CloseCircleVote(grpc::ServerContext* context,
                               const v1::CloseCircleVoteRequest* request,
                               v1::CloseCircleVoteResponse* response) override;
  grpc::Status ApproveLoan(grpc::ServerContext* context, const v1::ApproveLoanRequest* request,
                           v1::ApproveLoanResponse* response) override;
  grpc::Status RejectLoan(grpc::ServerContext* context, const v1::RejectLoanRequest* request,
                          v1::RejectLoanResponse* response) override;
  grpc::Status WithdrawLoan(grpc::ServerContext* context, const v1::WithdrawLoanRequest* request,
                            v1::WithdrawLoanResponse* response) override;
  grpc::Status DisburseLoan(grpc::ServerContext* context, const v1::DisburseLoanRequest* request,
                            v1::DisburseLoanResponse* response) override;

  // ---- loans_service.cc: the reads of loans and schedules, the event stream
  grpc::Status GetLoan(grpc::ServerContext* context, const v1::GetLoanRequest* request,
                       v1::GetLoanResponse* response) override;
  grpc::Status ListLoans(grpc::ServerContext* context, const v1::ListLoansRequest* request,
                         v1::ListLoansResponse* response) override;
  grpc::Status GetLoanSchedule(grpc::ServerContext* context,
                               const v1::GetLoanScheduleRequest* request,
                               v1::GetLoanScheduleResponse* response) override;
  grpc::Status PreviewSchedule(grpc::ServerContext* context,
                               const v1::PreviewScheduleRequest* request,
                               v1::PreviewScheduleResponse* response) override;
  // A callback-API stream: an open stream holds no thread (common/events/watch.h).
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) override;

  // ---- servicing_service.cc: repayments, guarantee calls, write-offs
  grpc::Status RecordRepayment(grpc::ServerContext* context,
                               const v1::RecordRepaymentRequest* request,
                               v1::RecordRepaymentResponse* response) override;
  grpc::Status ReverseRepayment(grpc::ServerContext* context,
                                const v1::ReverseRepaymentRequest* request,
                                v1::ReverseRepaymentResponse* response) override;
  grpc::Status ListRepayments(grpc::ServerContext* context,
                              const v1::ListRepaymentsRequest* request,
                              v1::ListRepaymentsResponse* response) override;
  grpc::Status CallGuarantee(grpc::ServerContext* context, const v1::CallGuaranteeRequest* request,
                             v1::CallGuaranteeResponse* response) override;
  grpc::Status RecordGuarantorPayment(grpc::ServerContext* context,
                                      const v1::RecordGuarantorPaymentRequest* request,
                                      v1::RecordGuarantorPaymentResponse* response) override;
  grpc::Status WriteOffLoan(grpc::ServerContext* context, const v1::WriteOffLoanRequest* request,
                            v1::WriteOffLoanResponse* response) override;

  // ---- books_service.cc: the journal and the portfolio report
  grpc::Status GetPortfolioReport(grpc::ServerContext* context,
                                  const v1::GetPortfolioReportRequest* request,
                                  v1::GetPortfolioReportResponse* response) override;
  grpc::Status RecordCapitalContribution(grpc::ServerContext* context,
                                         const v1::RecordCapitalContributionRequest* request,
                                         v1::RecordCapitalContributionResponse* response) override;
  grpc::Status GetTrialBalance(grpc::ServerContext* context,
                               const v1::GetTrialBalanceRequest* request,
                               v1::GetTrialBalanceResponse* response) override;
  grpc::Status ListJournalEntries(grpc::ServerContext* context,
                                  const v1::ListJournalEntriesRequest* request,
                                  v1::ListJournalEntriesResponse* response) override;

 private:
  LendingContext context_;
};

// Bank referrals and subsidy applications (financing_service.cc).
class FinancingService final : public cercles::lending::v1::FinancingService::Service {
 public:
  explicit FinancingService(const LendingContext& context) : context_(context) {}

  grpc::Status CreateBankReferral(grpc::ServerContext* context,
                                  const v1::CreateBankReferralRequest* request,
                                  v1::CreateBankReferralResponse* response) override;
  grpc::Status UpdateBankReferral(grpc::ServerContext* context,
                                  const v1::UpdateBankReferralRequest* request,
                                  v1::UpdateBankReferralResponse* response) override;
  grpc::Status ListBankReferrals(grpc::ServerContext* context,
                                 const v1::ListBankReferralsRequest* request,
                                 v1::ListBankReferralsResponse* response) override;
  grpc::Status CreateSubsidyApplication(grpc::ServerContext* context,
                                        const v1::CreateSubsidyApplicationRequest* request,
                                        v1::CreateSubsidyApplicationResponse* response) override;
  grpc::Status UpdateSubsidyApplication(grpc::ServerContext* context,
                                        const v1::UpdateSubsidyApplicationRequest* request,
                                        v1::UpdateSubsidyApplicationResponse* response) override;
  grpc::Status ListSubsidyApplications(grpc::ServerContext* context,
                                       const v1::ListSubsidyApplicationsRequest* request,
                                       v1::ListSubsidyApplicationsResponse* response) override;

 private:
  LendingContext context_;
};

}  // namespace cercles::lending

#endif  // CERCLES_SERVICES_LENDING_LENDING_SERVICE_H_
