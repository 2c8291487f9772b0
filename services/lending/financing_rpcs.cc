// FinancingService: bank referrals and subsidy applications (financing.h has
// the rules, financing_store.h the SQL).
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cercles/lending/v1/events.pb.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/events/outbox.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/lending/financing.h"
#include "services/lending/financing_store.h"
#include "services/lending/lending_service.h"
#include "services/lending/loan_store.h"

namespace cercles::lending {
namespace {

absl::Status NotFound(const std::string& what, const std::string& name) {
  return absl::NotFoundError(absl::StrCat(what, " ", name, " does not exist"));
}

// The event of a change (the outbox append redacts it, like every payload).
template <typename Event>
absl::Status Append(const LendingContext& context, storage::Transaction& tx,
                    const std::string& subject, const Event& event, absl::Time now) {
  return events::AppendEvent(tx, context.fund_id, subject, event, now).status();
}

absl::StatusOr<int64_t> Amount(storage::Transaction& tx, const cercles::common::v1::Money& money,
                               const std::string& field, std::string* currency) {
  CERCLES_ASSIGN_OR_RETURN(FundSettings settings, LoadSettings(tx));
  *currency = settings.currency;
  return FromMoney(money, settings.currency, field);
}

// One page of a listing: `fetch(after_id, limit)` returns up to limit rows; one
// more than the page tells whether another page follows.
template <typename Message, typename Fetch, typename Add>
absl::Status ListPage(const LendingContext& context, int32_t requested_size,
                      const std::string& token, Fetch fetch, Add add,
                      std::string* next_page_token) {
  CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(requested_size));
  CERCLES_ASSIGN_OR_RETURN(int64_t after_id, api::DecodeIdPageToken(token));
  CERCLES_ASSIGN_OR_RETURN(auto tx, context.db->Begin(storage::TxMode::kRead));
  CERCLES_ASSIGN_OR_RETURN(std::vector<Message> rows, fetch(*tx, after_id, page_size + 1));
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  const bool more = static_cast<int>(rows.size()) > page_size;
  if (more) rows.pop_back();
  int64_t last_id = 0;
  for (Message& row : rows) last_id = add(std::move(row));
  if (more) *next_page_token = api::EncodeIdPageToken(last_id);
  return absl::OkStatus();
}

}  // namespace

grpc::Status FinancingService::CreateBankReferral(grpc::ServerContext* context,
                                                  const v1::CreateBankReferralRequest* request,
                                                  v1::CreateBankReferralResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(v1::BankReferral draft, NormaliseNewReferral(request->referral()));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              std::string currency;
              CERCLES_ASSIGN_OR_RETURN(
                  int64_t cents,
                  Amount(tx, draft.amount_requested(), "referral.amount_requested", &currency));
              CERCLES_ASSIGN_OR_RETURN(
                  v1::BankReferral referral,
                  FinancingStore::InsertReferral(tx, draft, cents, currency, who.ToString(), now));
              v1::BankReferralChanged event;
              *event.mutable_referral() = referral;
              CERCLES_RETURN_IF_ERROR(Append(context_, tx, referral.name(), event, now));
              *response->mutable_referral() = std::move(referral);
              return absl::OkStatus();
            });
      });
}

grpc::Status FinancingService::UpdateBankReferral(grpc::ServerContext* context,
                                                  const v1::UpdateBankReferralRequest* request,
                                                  v1::UpdateBankReferralResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal&) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t id,
                                 api::ParseName(request->name(), "bankReferrals", "name"));
        CERCLES_ASSIGN_OR_RETURN(std::string note, CheckReferralUpdate(*request));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(std::optional<v1::BankReferral> stored,
                                       FinancingStore::GetReferral(tx, id, /*for_update=*/true));
              if (!stored.has_value()) return NotFound("bank referral", request->name());
              ReferralChange change;
              change.status = stored->status();
              if (request->status() != v1::BANK_REFERRAL_STATUS_UNSPECIFIED) {
                CERCLES_RETURN_IF_ERROR(
                    CheckReferralTransition(stored->status(), request->status()));
                change.status = request->status();
              }
              if (request->has_amount_obtained()) {
                const std::string& currency = stored->amount_requested().currency_code();
                CERCLES_ASSIGN_OR_RETURN(
                    change.amount_obtained_cents,
                    FromMoney(request->amount_obtained(), currency, "amount_obtained"));
              } else if (stored->has_amount_obtained()) {
                change.amount_obtained_cents = stored->amount_obtained().minor_units();
              }
              change.note = note.empty() ? stored->note() : note;
              CERCLES_ASSIGN_OR_RETURN(v1::BankReferral referral,
                                       FinancingStore::UpdateReferral(tx, id, change, now));
              v1::BankReferralChanged event;
              *event.mutable_referral() = referral;
              CERCLES_RETURN_IF_ERROR(Append(context_, tx, referral.name(), event, now));
              *response->mutable_referral() = std::move(referral);
              return absl::OkStatus();
            });
      });
}

grpc::Status FinancingService::ListBankReferrals(grpc::ServerContext* context,
                                                 const v1::ListBankReferralsRequest* request,
                                                 v1::ListBankReferralsResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal&) -> absl::Status {
        ReferralFilter filter;
        if (!request->person().empty()) {
          CERCLES_RETURN_IF_ERROR(api::ParseName(request->person(), "people", "person").status());
          filter.person = request->person();
        }
        if (!v1::BankReferralStatus_IsValid(request->status())) {
          return absl::InvalidArgumentError("status is not a known BankReferralStatus");
        }
        filter.status = request->status();
        return ListPage<v1::BankReferral>(
            context_, request->page_size(), request->page_token(),
            [&](storage::Transaction& tx, int64_t after_id, int limit) {
              return FinancingStore::ListReferrals(tx, filter, after_id, limit);
            },
            [&](v1::BankReferral referral) {
              const int64_t id =
                  api::ParseName(referral.name(), "bankReferrals", "name").value_or(0);
              *response->add_referrals() = std::move(referral);
              return id;
            },
            response->mutable_next_page_token());
      });
}

grpc::Status FinancingService::CreateSubsidyApplication(
    grpc::ServerContext* context, const v1::CreateSubsidyApplicationRequest* request,
    v1::CreateSubsidyApplicationResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(v1::SubsidyApplication draft,
                                 NormaliseNewSubsidyApplication(request->application()));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              std::string currency;
              CERCLES_ASSIGN_OR_RETURN(
                  int64_t cents,
                  Amount(tx, draft.amount_requested(), "application.amount_requested", &currency));
              CERCLES_ASSIGN_OR_RETURN(
                  v1::SubsidyApplication application,
                  FinancingStore::InsertSubsidy(tx, draft, cents, currency, who.ToString(), now));
              v1::SubsidyApplicationChanged event;
              *event.mutable_application() = application;
              CERCLES_RETURN_IF_ERROR(Append(context_, tx, application.name(), event, now));
              *response->mutable_application() = std::move(application);
              return absl::OkStatus();
            });
      });
}

grpc::Status FinancingService::UpdateSubsidyApplication(
    grpc::ServerContext* context, const v1::UpdateSubsidyApplicationRequest* request,
    v1::UpdateSubsidyApplicationResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal&) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t id,
                                 api::ParseName(request->name(), "subsidyApplications", "name"));
        CERCLES_ASSIGN_OR_RETURN(std::string outcome, CheckSubsidyUpdate(*request));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(std::optional<v1::SubsidyApplication> stored,
                                       FinancingStore::GetSubsidy(tx, id, /*for_update=*/true));
              if (!stored.has_value()) return NotFound("subsidy application", request->name());
              CERCLES_RETURN_IF_ERROR(CheckSubsidyTransition(stored->status(), request->status()));
              SubsidyChange change;
              change.status = request->status();
              if (request->has_amount_granted()) {
                const std::string& currency = stored->amount_requested().currency_code();
                CERCLES_ASSIGN_OR_RETURN(
                    change.amount_granted_cents,
                    FromMoney(request->amount_granted(), currency, "amount_granted"));
              }
              change.outcome = outcome;
              CERCLES_ASSIGN_OR_RETURN(v1::SubsidyApplication application,
                                       FinancingStore::UpdateSubsidy(tx, id, change, now));
              v1::SubsidyApplicationChanged event;
              *event.mutable_application() = application;
              CERCLES_RETURN_IF_ERROR(Append(context_, tx, application.name(), event, now));
              *response->mutable_application() = std::move(application);
              return absl::OkStatus();
            });
      });
}

grpc::Status FinancingService::ListSubsidyApplications(
    grpc::ServerContext* context, const v1::ListSubsidyApplicationsRequest* request,
    v1::ListSubsidyApplicationsResponse* response) {
  return server::Serve(
      *context_.authorizer, context, *request, response,
      [&](const auth::Principal&) -> absl::Status {
        SubsidyFilter filter;
        if (!request->person().empty()) {
          CERCLES_RETURN_IF_ERROR(api::ParseName(request->person(), "people", "person").status());
          filter.person = request->person();
        }
        if (!v1::SubsidyStatus_IsValid(request->status())) {
          return absl::InvalidArgumentError("status is not a known SubsidyStatus");
        }
        filter.status = request->status();
        return ListPage<v1::SubsidyApplication>(
            context_, request->page_size(), request->page_token(),
            [&](storage::Transaction& tx, int64_t after_id, int limit) {
              return FinancingStore::ListSubsidies(tx, filter, after_id, limit);
            },
            [&](v1::SubsidyApplication application) {
              const int64_t id =
                  api::ParseName(application.name(), "subsidyApplications", "name").value_or(0);
              *response->add_applications() = std::move(application);
              return id;
            },
            response->mutable_next_page_token());
      });
}

}  // namespace cercles::lending
