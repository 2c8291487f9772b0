#include "services/network/partner_service.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cercles/network/v1/events.pb.h"
#include "common/api/closed_set.h"
#include "common/api/error_details.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/events/outbox.h"
#include "common/idempotency/idempotency.h"
#include "common/server/handler.h"
#include "common/util/clock.h"
#include "common/util/status.h"
#include "services/network/directory_rules.h"
#include "services/network/partner_rules.h"

namespace cercles::network {
namespace {

absl::StatusOr<int64_t> AfterId(const std::string& token) {
  CERCLES_ASSIGN_OR_RETURN(std::string position, api::DecodePageToken(token));
  int64_t after = 0;
  if (!position.empty() && (!absl::SimpleAtoi(position, &after) || after < 0)) {
    return absl::InvalidArgumentError("page_token is not a token this service issued");
  }
  return after;
}

// One page of items already read with one extra row.
template <typename T, typename Field>
absl::Status FillPage(std::vector<T> items, int page_size, absl::string_view prefix, Field* out,
                      std::string* next_token) {
  api::Page<T> page = api::TakePage(std::move(items), page_size, [&](const T& item) {
    return api::ParseName(item.name(), prefix, "name").value_or(0);
  });
  for (T& item : page.rows) *out->Add() = std::move(item);
  *next_token = page.next_page_token;
  return absl::OkStatus();
}

absl::StatusOr<std::string> FilterKey(const std::string& text, const std::string& field) {
  if (text.empty()) return std::string();
  CERCLES_ASSIGN_OR_RETURN(std::string clean,
                           api::CleanText(text, field, api::OneLine(1, kMaxPartnerEntryLength)));
  return TextKey(clean);
}

}  // namespace

absl::StatusOr<v1::Partner> PartnerService::LoadPartner(storage::Transaction& tx,
                                                        int64_t partner_id,
                                                        const std::string& name) const {
  CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Partner> partner,
                           partners_.GetPartner(tx, partner_id));
  if (!partner.has_value()) {
    return absl::NotFoundError(absl::StrCat("partner \"", name, "\" does not exist"));
  }
  return *std::move(partner);
}

absl::Status PartnerService::WeighEdge(storage::Transaction& tx, const v1::Referral& referral,
                                       int64_t partner_id, int64_t delta) const {
  if (referral.circle().empty()) return absl::OkStatus();
  return graph_.AddToEdge(tx, referral.circle(), v1::EDGE_KIND_REFERRAL,
                          PartnerNodeName(context_.fund_id, partner_id), delta);
}

grpc::ServerUnaryReactor* PartnerService::CreatePartner(grpc::CallbackServerContext* context,
                                                        const v1::CreatePartnerRequest* request,
                                                        v1::CreatePartnerResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(v1::Partner draft, NormalisePartner(request->partner()));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_ASSIGN_OR_RETURN(v1::Partner partner,
                                       partners_.InsertPartner(tx, draft, now));
              v1::PartnerChanged event;
              *event.mutable_partner() = partner;
              api::SetClosedSet(&event, "change", "change_kind", "CREATED");
              CERCLES_RETURN_IF_ERROR(
                  events::AppendEvent(tx, context_.fund_id, partner.name(), event, now).status());
              *response->mutable_partner() = std::move(partner);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* PartnerService::GetPartner(grpc::CallbackServerContext* context,
                                                     const v1::GetPartnerRequest* request,
                                                     v1::GetPartnerResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->name(), "partners", "name"));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(*response->mutable_partner(),
                                 LoadPartner(*tx, id, request->name()));
        return tx->Commit();
      });
}

grpc::ServerUnaryReactor* PartnerService::ListPartners(grpc::CallbackServerContext* context,
                                                       const v1::ListPartnersRequest* request,
                                                       v1::ListPartnersResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(int64_t after, AfterId(request->page_token()));
        PartnerFilter filter;
        if (!v1::PartnerKind_IsValid(request->kind())) {
          return absl::InvalidArgumentError("kind is not a known PartnerKind");
        }
        if (!v1::PartnerStatus_IsValid(request->status())) {
          return absl::InvalidArgumentError("status is not a known PartnerStatus");
        }
        filter.kind = request->kind();
        filter.status = request->status();
        CERCLES_ASSIGN_OR_RETURN(filter.territory_key,
                                 FilterKey(request->territory(), "territory"));
        CERCLES_ASSIGN_OR_RETURN(filter.service_key, FilterKey(request->service(), "service"));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::vector<v1::Partner> partners,
                                 partners_.ListPartners(*tx, filter, after, page_size + 1));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        return FillPage(std::move(partners), page_size, "partners", response->mutable_partners(),
                        response->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* PartnerService::UpdatePartner(grpc::CallbackServerContext* context,
                                                        const v1::UpdatePartnerRequest* request,
                                                        v1::UpdatePartnerResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        const std::string& name = request->partner().name();
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(name, "partners", "partner.name"));
        return RunWrite(context_, context, *request, response,
                        [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
                          CERCLES_RETURN_IF_ERROR(PartnerStore::LockPartner(tx, id));
                          CERCLES_ASSIGN_OR_RETURN(v1::Partner stored, LoadPartner(tx, id, name));
                          CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Partner> merged,
                                                   DecidePartnerUpdate(stored, request->partner(),
                                                                       request->update_mask()));
                          if (!merged.has_value()) {
                            *response->mutable_partner() = std::move(stored);  // nothing changes
                            return absl::OkStatus();
                          }
                          CERCLES_ASSIGN_OR_RETURN(v1::Partner updated,
                                                   partners_.UpdatePartner(tx, id, *merged, now));
                          v1::PartnerChanged event;
                          *event.mutable_partner() = updated;
                          api::SetClosedSet(&event, "change", "change_kind", "UPDATED");
                          CERCLES_RETURN_IF_ERROR(
                              events::AppendEvent(tx, context_.fund_id, name, event, now).status());
                          *response->mutable_partner() = std::move(updated);
                          return absl::OkStatus();
                        });
      });
}

absl::StatusOr<auth::CircleScope> PartnerService::ScopeOf(storage::Transaction& tx,
                                                          const auth::Principal& who) const {
  return people_.ReadScope(tx, context_.fund_id, who);
}

absl::Status PartnerService::CheckPersonScope(storage::Transaction& tx, const auth::Principal& who,
                                              int64_t person_id) const {
  CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope, ScopeOf(tx, who));
  if (scope.all()) return absl::OkStatus();
  CERCLES_ASSIGN_OR_RETURN(auth::PersonPlace place, people_.Place(tx, context_.fund_id, person_id));
  return auth::CheckPersonInScope(scope, who, absl::StrCat("people/", person_id), place);
}

grpc::ServerUnaryReactor* PartnerService::CreateReferral(grpc::CallbackServerContext* context,
                                                         const v1::CreateReferralRequest* request,
                                                         v1::CreateReferralResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(ReferralDraft draft, ValidateReferralDraft(request->referral()));
        const std::string person = absl::StrCat("people/", draft.person_id);
        const std::string partner_name = absl::StrCat("partners/", draft.partner_id);
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_RETURN_IF_ERROR(PartnerStore::LockPartner(tx, draft.partner_id));
              CERCLES_ASSIGN_OR_RETURN(v1::Partner partner,
                                       LoadPartner(tx, draft.partner_id, partner_name));
              CERCLES_RETURN_IF_ERROR(CheckPartnerTakesReferrals(partner, partner_name));
              CERCLES_ASSIGN_OR_RETURN(std::optional<PersonFacts> facts,
                                       people_.Facts(tx, context_.fund_id, draft.person_id));
              if (!facts.has_value()) {
                return absl::NotFoundError(absl::StrCat(
                    "person \"", person,
                    "\" is not known to the network (it learns people from membership's "
                    "events; retry once they have arrived)"));
              }
              CERCLES_RETURN_IF_ERROR(CheckPersonScope(tx, who, draft.person_id));
              if (!facts->active) {
                return absl::FailedPreconditionError(
                    absl::StrCat(person, " has withdrawn from the fund and cannot be referred"));
              }
              // Refused rather than sent without the person's data: a referral
              // is itself the disclosure (staff put the partner in touch with
              // the person), so a redacted one would either be useless or be
              // completed by hand, outside the record of consent.
              if (!facts->shares_with_partners) {
                return api::WithErrorInfo(
                    absl::FailedPreconditionError(absl::StrCat(
                        person,
                        " has not consented to be referred to partners "
                        "(consents.share_with_partners is false): record their consent first "
                        "(PeopleService.RecordConsent, CONSENT_PURPOSE_SHARE_WITH_PARTNERS)")),
                    api::reason::kPreconditionFailed);
              }
              v1::Referral referral;
              referral.set_person(person);
              referral.set_partner(partner_name);
              if (facts->circle_id.has_value()) {
                referral.set_circle(NetworkCircleName({context_.fund_id, *facts->circle_id}));
              }
              referral.set_reason(draft.reason);
              referral.set_status(v1::REFERRAL_STATUS_SENT);
              referral.set_referred_by(who.ToString());
              google::protobuf::Timestamp at;
              SetTimestamp(now, &at);
              AddReferralStep(&referral, v1::REFERRAL_STATUS_SENT, "", who.ToString(), at);
              CERCLES_ASSIGN_OR_RETURN(
                  v1::Referral stored,
                  partners_.InsertReferral(tx, std::move(referral), draft.person_id,
                                           draft.partner_id, now));
              CERCLES_RETURN_IF_ERROR(WeighEdge(tx, stored, draft.partner_id, 1));
              v1::ReferralChanged event;
              *event.mutable_referral() = stored;
              api::SetClosedSet(&event, "change", "change_kind", "SENT");
              CERCLES_RETURN_IF_ERROR(
                  events::AppendEvent(tx, context_.fund_id, stored.name(), event, now).status());
              *response->mutable_referral() = std::move(stored);
              return absl::OkStatus();
            });
      });
}

grpc::ServerUnaryReactor* PartnerService::GetReferral(grpc::CallbackServerContext* context,
                                                      const v1::GetReferralRequest* request,
                                                      v1::GetReferralResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->name(), "referrals", "name"));
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                                 partners_.GetReferral(*tx, id));
        if (!referral.has_value()) {
          return absl::NotFoundError(
              absl::StrCat("referral \"", request->name(), "\" does not exist"));
        }
        CERCLES_ASSIGN_OR_RETURN(int64_t person_id,
                                 api::ParseName(referral->person(), "people", "referral.person"));
        CERCLES_RETURN_IF_ERROR(CheckPersonScope(*tx, who, person_id));
        *response->mutable_referral() = *std::move(referral);
        return tx->Commit();
      });
}

grpc::ServerUnaryReactor* PartnerService::ListReferrals(grpc::CallbackServerContext* context,
                                                        const v1::ListReferralsRequest* request,
                                                        v1::ListReferralsResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int page_size, api::NormalisePageSize(request->page_size()));
        CERCLES_ASSIGN_OR_RETURN(int64_t after, AfterId(request->page_token()));
        ReferralFilter filter;
        if (!request->person().empty()) {
          CERCLES_ASSIGN_OR_RETURN(filter.person_id,
                                   api::ParseName(request->person(), "people", "person"));
        }
        if (!request->partner().empty()) {
          CERCLES_ASSIGN_OR_RETURN(filter.partner_id,
                                   api::ParseName(request->partner(), "partners", "partner"));
        }
        if (!v1::ReferralStatus_IsValid(request->status())) {
          return absl::InvalidArgumentError("status is not a known ReferralStatus");
        }
        filter.status = request->status();
        CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
        // An advisor lists the referrals of their circles' members and of people in
        // no circle; naming another advisor's member is refused.
        if (filter.person_id > 0) {
          CERCLES_RETURN_IF_ERROR(CheckPersonScope(*tx, who, filter.person_id));
        }
        CERCLES_ASSIGN_OR_RETURN(auth::CircleScope scope, ScopeOf(*tx, who));
        if (!scope.all()) {
          filter.visible_circles = scope.circle_ids();
          filter.fund_id = context_.fund_id;
        }
        CERCLES_ASSIGN_OR_RETURN(std::vector<v1::Referral> referrals,
                                 partners_.ListReferrals(*tx, filter, after, page_size + 1));
        CERCLES_RETURN_IF_ERROR(tx->Commit());
        return FillPage(std::move(referrals), page_size, "referrals", response->mutable_referrals(),
                        response->mutable_next_page_token());
      });
}

grpc::ServerUnaryReactor* PartnerService::UpdateReferralStatus(
    grpc::CallbackServerContext* context, const v1::UpdateReferralStatusRequest* request,
    v1::UpdateReferralStatusResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request->request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->name(), "referrals", "name"));
        CERCLES_ASSIGN_OR_RETURN(
            std::string note,
            api::CleanText(request->note(), "note", api::MultiLine(0, kMaxReferralTextLength)));
        return RunWrite(
            context_, context, *request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              CERCLES_RETURN_IF_ERROR(PartnerStore::LockReferral(tx, id));
              CERCLES_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                                       partners_.GetReferral(tx, id));
              if (!referral.has_value()) {
                return absl::NotFoundError(
                    absl::StrCat("referral \"", request->name(), "\" does not exist"));
              }
              CERCLES_ASSIGN_OR_RETURN(
                  int64_t person_id,
                  api::ParseName(referral->person(), "people", "referral.person"));
              CERCLES_RETURN_IF_ERROR(CheckPersonScope(tx, who, person_id));
              google::protobuf::Timestamp at;
              SetTimestamp(now, &at);
              CERCLES_ASSIGN_OR_RETURN(
                  bool unlinks,
                  DecideReferralStatus(&*referral, request->status(), request->outcome(), note,
                                       who.ToString(), at, request->name()));
              if (unlinks) {
                CERCLES_ASSIGN_OR_RETURN(
                    int64_t partner_id,
                    api::ParseName(referral->partner(), "partners", "referral.partner"));
                CERCLES_RETURN_IF_ERROR(WeighEdge(tx, *referral, partner_id, -1));
              }
              CERCLES_RETURN_IF_ERROR(partners_.UpdateReferral(tx, id, *referral, now));
              v1::ReferralChanged event;
              *event.mutable_referral() = *referral;
              api::SetClosedSet(&event, "change", "change_kind",
                                ReferralStatusWord(request->status()));
              CERCLES_RETURN_IF_ERROR(
                  events::AppendEvent(tx, context_.fund_id, referral->name(), event, now).status());
              *response->mutable_referral() = *std::move(referral);
              return absl::OkStatus();
            });
      });
}

}  // namespace cercles::network
