// FinancingService: bank referrals and subsidy applications (financing.h has
// the rules, financing_store.h the SQL).
#include <map>
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
#include "services/lending/loan_access.h"
#include "services/lending/loan_mapping.h"
#include "services/lending/membership_client.h"
#include "services/lending/settings_store.h"

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

// Financing belongs to a person: an advisor reaches the bank referrals and
// subsidy applications of the members of their circles and of people in no
// circle (auth::PersonInScope), membership telling where each person is (asked
// once per person per call). Admins and services are never held up by it.
class PersonGate {
 public:
  static absl::StatusOr<PersonGate> Of(const LendingContext& context, const auth::Principal& who,
                                       const grpc::ServerContextBase& call) {
    PersonGate gate(context, who, TraceParentOf(call));
    CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
        *context.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
          CERCLES_ASSIGN_OR_RETURN(gate.scope_, PersonScopeOf(tx, who));
          return absl::OkStatus();
        }));
    return gate;
  }

  absl::Status Check(const std::string& person) {
    if (scope_.all()) return absl::OkStatus();
    CERCLES_ASSIGN_OR_RETURN(auth::PersonPlace place, PlaceOf(person));
    return auth::CheckPersonInScope(scope_, who_, person, place);
  }

  absl::StatusOr<bool> Sees(const std::string& person) {
    if (scope_.all()) return true;
    CERCLES_ASSIGN_OR_RETURN(auth::PersonPlace place, PlaceOf(person));
    return auth::PersonInScope(scope_, place);
  }

 private:
  PersonGate(const LendingContext& context, const auth::Principal& who, std::string trace)
      : context_(&context),
        who_(who),
        trace_(std::move(trace)),
        scope_(auth::CircleScope::Nothing()) {}

  // The person's circle from membership; whether an advisor holds it from
  // lending's projection (a circle it does not know yet counts as held).
  absl::StatusOr<auth::PersonPlace> PlaceOf(const std::string& person) {
    auto known = places_.find(person);
    if (known != places_.end()) return known->second;
    auth::PersonPlace place;
    CERCLES_ASSIGN_OR_RETURN(place.circle, context_->membership->CurrentCircleOf(person, trace_));
    if (place.circle.has_value()) {
      CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(
          *context_->db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
            CERCLES_ASSIGN_OR_RETURN(storage::Rows rows,
                                     tx.Query("SELECT advisor FROM circles WHERE name = ?",
                                              {absl::StrCat("circles/", *place.circle)}));
            place.circle_has_advisor = rows.empty() || !rows[0].Text(0).empty();
            return absl::OkStatus();
          }));
    }
    places_[person] = place;
    return place;
  }

  const LendingContext* context_;
  auth::Principal who_;
  std::string trace_;
  auth::CircleScope scope_;
  std::map<std::string, auth::PersonPlace> places_;
};

// Checks the person of a stored referral or application (`load` reads it; one
// that does not exist passes, for the write to answer NOT_FOUND).
template <typename Load>
absl::Status CheckPersonOf(const LendingContext& context, PersonGate& gate, Load load) {
  std::string person;
  CERCLES_RETURN_IF_ERROR(storage::RunInTransaction(*context.db, storage::TxMode::kRead,
                                                    [&](storage::Transaction& tx) -> absl::Status {
                                                      auto stored = load(tx);
                                                      if (!stored.ok()) return stored.status();
                                                      if (stored->has_value())
                                                        person = (*stored)->person();
                                                      return absl::OkStatus();
                                                    }));
  if (person.empty()) return absl::OkStatus();
  return gate.Check(person);
}

// Up to `limit` rows after `after_id` that the gate lets through, reading past
// the rows it holds back.
template <typename Message, typename Read, typename PersonOf, typename IdOf>
absl::StatusOr<std::vector<Message>> VisibleRows(PersonGate& gate, int64_t after_id, int limit,
                                                 Read read, PersonOf person_of, IdOf id_of) {
  std::vector<Message> out;
  while (true) {
    CERCLES_ASSIGN_OR_RETURN(std::vector<Message> batch, read(after_id, limit));
    for (Message& row : batch) {
      after_id = id_of(row);
      CERCLES_ASSIGN_OR_RETURN(bool visible, gate.Sees(person_of(row)));
      if (visible) out.push_back(std::move(row));
      if (static_cast<int>(out.size()) == limit) return out;
    }
    if (static_cast<int>(batch.size()) < limit) return out;
  }
}

// A financing listing (bank referrals, subsidy applications): the person filter
// named and in the caller's scope, the status one of its enum's values, then one
// page of the rows the caller may see. `collection` names the rows
// ("bankReferrals"); `read(tx, filter, after_id, limit)` reads them.
template <typename Message, typename Filter, typename Request, typename Read>
absl::Status ListVisible(const LendingContext& context, const auth::Principal& who,
                         grpc::ServerContextBase& call, const Request& request, bool status_known,
                         const char* status_type, const char* collection, Read read,
                         google::protobuf::RepeatedPtrField<Message>* rows,
                         std::string* next_page_token) {
  Filter filter;
  if (!request.person().empty()) {
    CERCLES_RETURN_IF_ERROR(api::ParseName(request.person(), "people", "person").status());
    filter.person = request.person();
  }
  CERCLES_ASSIGN_OR_RETURN(PersonGate gate, PersonGate::Of(context, who, call));
  if (!filter.person.empty()) CERCLES_RETURN_IF_ERROR(gate.Check(filter.person));
  if (!status_known) {
    return absl::InvalidArgumentError(absl::StrCat("status is not a known ", status_type));
  }
  filter.status = request.status();
  const auto id_of = [collection](const Message& row) {
    return api::ParseName(row.name(), collection, "name").value_or(0);
  };
  return ListPage<Message>(
      context, request.page_size(), request.page_token(),
      [&](storage::Transaction& tx, int64_t after_id, int limit) {
        return VisibleRows<Message>(
            gate, after_id, limit, [&](int64_t after, int n) { return read(tx, filter, after, n); },
            [](const Message& row) { return row.person(); }, id_of);
      },
      [&](Message row) {
        const int64_t id = id_of(row);
        *rows->Add() = std::move(row);
        return id;
      },
      next_page_token);
}

// What an update of a referral writes: an unspecified status, no amount or no
// note keeps the stored one.
absl::StatusOr<ReferralChange> DecideReferralUpdate(const v1::BankReferral& stored,
                                                    const v1::UpdateBankReferralRequest& request,
                                                    const std::string& note) {
  ReferralChange change;
  change.status = stored.status();
  if (request.status() != v1::BANK_REFERRAL_STATUS_UNSPECIFIED) {
    CERCLES_RETURN_IF_ERROR(CheckReferralTransition(stored.status(), request.status()));
    change.status = request.status();
  }
  if (request.has_amount_obtained()) {
    const std::string& currency = stored.amount_requested().currency_code();
    CERCLES_ASSIGN_OR_RETURN(change.amount_obtained_cents,
                             FromMoney(request.amount_obtained(), currency, "amount_obtained"));
  } else if (stored.has_amount_obtained()) {
    change.amount_obtained_cents = stored.amount_obtained().minor_units();
  }
  change.note = note.empty() ? stored.note() : note;
  return change;
}

// What an update of a subsidy application writes: the new status (always
// given), the amount granted with it and the outcome.
absl::StatusOr<SubsidyChange> DecideSubsidyUpdate(
    const v1::SubsidyApplication& stored, const v1::UpdateSubsidyApplicationRequest& request,
    const std::string& outcome) {
  CERCLES_RETURN_IF_ERROR(CheckSubsidyTransition(stored.status(), request.status()));
  SubsidyChange change;
  change.status = request.status();
  if (request.has_amount_granted()) {
    const std::string& currency = stored.amount_requested().currency_code();
    CERCLES_ASSIGN_OR_RETURN(change.amount_granted_cents,
                             FromMoney(request.amount_granted(), currency, "amount_granted"));
  }
  change.outcome = outcome;
  return change;
}

// What differs between the two financing records (bank referrals, subsidy
// applications): names, rules, store functions and the record's field in the
// Changed event. ServeCreate and ServeUpdate serve both through it.
template <typename Record, typename Event, typename UpdateRequest, typename Change>
struct FinancingKind {
  using RecordType = Record;
  const char* collection;        // of the resource names: "bankReferrals"
  const char* what;              // in NOT_FOUND: "bank referral"
  const char* amount_requested;  // the amount's field in a create request
  absl::StatusOr<Record> (*normalise)(const Record&);
  absl::StatusOr<std::string> (*check_update)(const UpdateRequest&);
  absl::StatusOr<Change> (*decide_update)(const Record&, const UpdateRequest&, const std::string&);
  absl::StatusOr<Record> (*insert)(storage::Transaction&, const Record&, int64_t,
                                   const std::string&, const std::string&, absl::Time);
  absl::StatusOr<std::optional<Record>> (*get)(storage::Transaction&, int64_t, bool);
  absl::StatusOr<Record> (*update)(storage::Transaction&, int64_t, const Change&, absl::Time);
  Record* (Event::*record_in_event)();
};

constexpr FinancingKind<v1::BankReferral, v1::BankReferralChanged, v1::UpdateBankReferralRequest,
                        ReferralChange>
    kBankReferrals{"bankReferrals",
                   "bank referral",
                   "referral.amount_requested",
                   NormaliseNewReferral,
                   CheckReferralUpdate,
                   DecideReferralUpdate,
                   FinancingStore::InsertReferral,
                   FinancingStore::GetReferral,
                   FinancingStore::UpdateReferral,
                   &v1::BankReferralChanged::mutable_referral};

constexpr FinancingKind<v1::SubsidyApplication, v1::SubsidyApplicationChanged,
                        v1::UpdateSubsidyApplicationRequest, SubsidyChange>
    kSubsidyApplications{"subsidyApplications",
                         "subsidy application",
                         "application.amount_requested",
                         NormaliseNewSubsidyApplication,
                         CheckSubsidyUpdate,
                         DecideSubsidyUpdate,
                         FinancingStore::InsertSubsidy,
                         FinancingStore::GetSubsidy,
                         FinancingStore::UpdateSubsidy,
                         &v1::SubsidyApplicationChanged::mutable_application};

// Appends the record's Changed event and answers with the record (`out` gives
// the response's field).
template <typename Record, typename Event, typename UpdateRequest, typename Change, typename Out>
absl::Status Announce(const LendingContext& context, storage::Transaction& tx,
                      const FinancingKind<Record, Event, UpdateRequest, Change>& kind,
                      Record record, absl::Time now, Out out) {
  Event event;
  *(event.*kind.record_in_event)() = record;
  CERCLES_RETURN_IF_ERROR(Append(context, tx, record.name(), event, now));
  *out() = std::move(record);
  return absl::OkStatus();
}

// CreateBankReferral, CreateSubsidyApplication: the record `given` checked, its
// person in the caller's scope, then stored PREPARED in the fund's currency.
template <typename Kind, typename Request, typename Response, typename Out>
grpc::ServerUnaryReactor* ServeCreate(const LendingContext& context,
                                      grpc::CallbackServerContext* call, const Request& request,
                                      Response* response, const Kind& kind,
                                      const typename Kind::RecordType& given, Out out) {
  using Record = typename Kind::RecordType;
  return server::Serve(
      *context.handlers, *context.authorizer, call, request, response,
      [=, &context, &request, &kind, &given](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request.request_id()));
        CERCLES_ASSIGN_OR_RETURN(Record draft, kind.normalise(given));
        CERCLES_ASSIGN_OR_RETURN(PersonGate gate, PersonGate::Of(context, who, *call));
        CERCLES_RETURN_IF_ERROR(gate.Check(draft.person()));
        return RunWrite(
            context, call, request, response,
            [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
              std::string currency;
              CERCLES_ASSIGN_OR_RETURN(int64_t cents, Amount(tx, draft.amount_requested(),
                                                             kind.amount_requested, &currency));
              CERCLES_ASSIGN_OR_RETURN(
                  Record record, kind.insert(tx, draft, cents, currency, who.ToString(), now));
              return Announce(context, tx, kind, std::move(record), now, out);
            });
      });
}

// UpdateBankReferral, UpdateSubsidyApplication: the update checked, the
// record's person in the caller's scope, then the record locked and changed.
template <typename Kind, typename Request, typename Response, typename Out>
grpc::ServerUnaryReactor* ServeUpdate(const LendingContext& context,
                                      grpc::CallbackServerContext* call, const Request& request,
                                      Response* response, const Kind& kind, Out out) {
  using Record = typename Kind::RecordType;
  return server::Serve(
      *context.handlers, *context.authorizer, call, request, response,
      [=, &context, &request, &kind](const auth::Principal& who) -> absl::Status {
        CERCLES_RETURN_IF_ERROR(idempotency::ValidateRequestId(request.request_id()));
        CERCLES_ASSIGN_OR_RETURN(int64_t id,
                                 api::ParseName(request.name(), kind.collection, "name"));
        CERCLES_ASSIGN_OR_RETURN(std::string text, kind.check_update(request));
        // The person of a record never changes: checked before the write.
        CERCLES_ASSIGN_OR_RETURN(PersonGate gate, PersonGate::Of(context, who, *call));
        CERCLES_RETURN_IF_ERROR(CheckPersonOf(context, gate, [&](storage::Transaction& tx) {
          return kind.get(tx, id, /*for_update=*/false);
        }));
        return RunWrite(context, call, request, response,
                        [&](storage::Transaction& tx, absl::Time now) -> absl::Status {
                          CERCLES_ASSIGN_OR_RETURN(std::optional<Record> stored,
                                                   kind.get(tx, id, /*for_update=*/true));
                          if (!stored.has_value()) return NotFound(kind.what, request.name());
                          CERCLES_ASSIGN_OR_RETURN(auto change,
                                                   kind.decide_update(*stored, request, text));
                          CERCLES_ASSIGN_OR_RETURN(Record record, kind.update(tx, id, change, now));
                          return Announce(context, tx, kind, std::move(record), now, out);
                        });
      });
}

}  // namespace

grpc::ServerUnaryReactor* FinancingService::CreateBankReferral(
    grpc::CallbackServerContext* context, const v1::CreateBankReferralRequest* request,
    v1::CreateBankReferralResponse* response) {
  return ServeCreate(context_, context, *request, response, kBankReferrals, request->referral(),
                     [response] { return response->mutable_referral(); });
}

grpc::ServerUnaryReactor* FinancingService::UpdateBankReferral(
    grpc::CallbackServerContext* context, const v1::UpdateBankReferralRequest* request,
    v1::UpdateBankReferralResponse* response) {
  return ServeUpdate(context_, context, *request, response, kBankReferrals,
                     [response] { return response->mutable_referral(); });
}

grpc::ServerUnaryReactor* FinancingService::ListBankReferrals(
    grpc::CallbackServerContext* context, const v1::ListBankReferralsRequest* request,
    v1::ListBankReferralsResponse* response) {
  return server::Serve(*context_.handlers, *context_.authorizer, context, *request, response,
                       [=](const auth::Principal& who) -> absl::Status {
                         return ListVisible<v1::BankReferral, ReferralFilter>(
                             context_, who, *context, *request,
                             v1::BankReferralStatus_IsValid(request->status()),
                             "BankReferralStatus", "bankReferrals", FinancingStore::ListReferrals,
                             response->mutable_referrals(), response->mutable_next_page_token());
                       });
}

grpc::ServerUnaryReactor* FinancingService::CreateSubsidyApplication(
    grpc::CallbackServerContext* context, const v1::CreateSubsidyApplicationRequest* request,
    v1::CreateSubsidyApplicationResponse* response) {
  return ServeCreate(context_, context, *request, response, kSubsidyApplications,
                     request->application(),
                     [response] { return response->mutable_application(); });
}

grpc::ServerUnaryReactor* FinancingService::UpdateSubsidyApplication(
    grpc::CallbackServerContext* context, const v1::UpdateSubsidyApplicationRequest* request,
    v1::UpdateSubsidyApplicationResponse* response) {
  return ServeUpdate(context_, context, *request, response, kSubsidyApplications,
                     [response] { return response->mutable_application(); });
}

grpc::ServerUnaryReactor* FinancingService::ListSubsidyApplications(
    grpc::CallbackServerContext* context, const v1::ListSubsidyApplicationsRequest* request,
    v1::ListSubsidyApplicationsResponse* response) {
  return server::Serve(*context_.handlers, *context_.authorizer, context, *request, response,
                       [=](const auth::Principal& who) -> absl::Status {
                         return ListVisible<v1::SubsidyApplication, SubsidyFilter>(
                             context_, who, *context, *request,
                             v1::SubsidyStatus_IsValid(request->status()), "SubsidyStatus",
                             "subsidyApplications", FinancingStore::ListSubsidies,
                             response->mutable_applications(), response->mutable_next_page_token());
                       });
}

}  // namespace cercles::lending
