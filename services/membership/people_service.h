// The gRPC adapter of people and their consents: validates, authorises
// (through the declared policies), and runs the people and consent rules and
// stores in one transaction.
#ifndef CERCLES_SERVICES_MEMBERSHIP_PEOPLE_SERVICE_H_
#define CERCLES_SERVICES_MEMBERSHIP_PEOPLE_SERVICE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/people.grpc.pb.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/util/status.h"
#include "services/membership/consent_store.h"
#include "services/membership/context.h"
#include "services/membership/correction_store.h"
#include "services/membership/people_store.h"

namespace cercles::membership {

class PeopleService final : public cercles::membership::v1::PeopleService::CallbackService {
 public:
  explicit PeopleService(const MembershipContext& context) : context_(context) {}

  grpc::ServerUnaryReactor* CreatePerson(grpc::CallbackServerContext* context,
                                         const v1::CreatePersonRequest* request,
                                         v1::CreatePersonResponse* response) override;
  grpc::ServerUnaryReactor* GetPerson(grpc::CallbackServerContext* context,
                                      const v1::GetPersonRequest* request,
                                      v1::GetPersonResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePerson(grpc::CallbackServerContext* context,
                                         const v1::UpdatePersonRequest* request,
                                         v1::UpdatePersonResponse* response) override;
  grpc::ServerUnaryReactor* ListPeople(grpc::CallbackServerContext* context,
                                       const v1::ListPeopleRequest* request,
                                       v1::ListPeopleResponse* response) override;
  // Consents (consent_service.cc).
  grpc::ServerUnaryReactor* RecordConsent(grpc::CallbackServerContext* context,
                                          const v1::RecordConsentRequest* request,
                                          v1::RecordConsentResponse* response) override;
  grpc::ServerUnaryReactor* ListConsentChanges(grpc::CallbackServerContext* context,
                                               const v1::ListConsentChangesRequest* request,
                                               v1::ListConsentChangesResponse* response) override;
  // Corrections of personal data (correction_service.cc).
  grpc::ServerUnaryReactor* CorrectPerson(grpc::CallbackServerContext* context,
                                          const v1::CorrectPersonRequest* request,
                                          v1::CorrectPersonResponse* response) override;
  grpc::ServerUnaryReactor* ListPersonCorrections(
      grpc::CallbackServerContext* context, const v1::ListPersonCorrectionsRequest* request,
      v1::ListPersonCorrectionsResponse* response) override;

 private:
  // Locks person `id` for a write by `who`, who must manage the person's circle
  // (CheckPersonAccess), and reads them: NOT_FOUND naming `name` when there is
  // none, FAILED_PRECONDITION when they are erased. UpdatePerson, RecordConsent
  // and CorrectPerson start so.
  absl::StatusOr<v1::Person> LockManagedPerson(storage::Transaction& tx, const auth::Principal& who,
                                               int64_t id, const std::string& name) const;
  // Reads person `id` for `who`, who must see the person (CheckPersonAccess):
  // NOT_FOUND naming `name` when there is none. The reads of a person and of
  // their histories start so.
  absl::StatusOr<v1::Person> ReadVisiblePerson(storage::Transaction& tx, const auth::Principal& who,
                                               int64_t id, const std::string& name) const;
  // Stores `person` (normalised) as person `id` and appends a PersonUpdated
  // event naming `mask`: how every change of a person ends.
  absl::StatusOr<v1::Person> StoreAndAnnounce(storage::Transaction& tx, int64_t id,
                                              const v1::Person& person,
                                              const google::protobuf::FieldMask& mask,
                                              absl::Time now) const;
  // One page of a person's history, newest first (ListConsentChanges,
  // ListPersonCorrections): `person` is parsed, read and checked visible to
  // `who` (ReadVisiblePerson), then `list(tx, person_id, before_id, limit)`
  // gives the rows, `id_of` a row's id (for the next page's token).
  template <typename Row>
  using HistoryList = std::function<absl::StatusOr<std::vector<Row>>(
      storage::Transaction&, int64_t person_id, int64_t before_id, int limit)>;
  template <typename Row>
  absl::Status ListHistory(const auth::Principal& who, const std::string& person, int32_t page_size,
                           const std::string& page_token, const HistoryList<Row>& list,
                           const std::function<int64_t(const Row&)>& id_of,
                           google::protobuf::RepeatedPtrField<Row>* rows,
                           std::string* next_page_token) const;

  const MembershipContext context_;
  PeopleStore people_;
  ConsentStore consents_;
  CorrectionStore corrections_;
};

template <typename Row>
absl::Status PeopleService::ListHistory(const auth::Principal& who, const std::string& person,
                                        int32_t page_size, const std::string& page_token,
                                        const HistoryList<Row>& list,
                                        const std::function<int64_t(const Row&)>& id_of,
                                        google::protobuf::RepeatedPtrField<Row>* rows,
                                        std::string* next_page_token) const {
  CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(person, "people", "person"));
  CERCLES_ASSIGN_OR_RETURN(int size, api::NormalisePageSize(page_size));
  CERCLES_ASSIGN_OR_RETURN(int64_t before_id, api::DecodeIdPageToken(page_token));
  CERCLES_ASSIGN_OR_RETURN(auto tx, context_.db->Begin(storage::TxMode::kRead));
  CERCLES_RETURN_IF_ERROR(ReadVisiblePerson(*tx, who, id, person).status());
  // One extra row tells whether another page exists without a second query.
  CERCLES_ASSIGN_OR_RETURN(std::vector<Row> found, list(*tx, id, before_id, size + 1));
  CERCLES_RETURN_IF_ERROR(tx->Commit());
  api::Page<Row> page = api::TakePage(std::move(found), size, id_of);
  for (Row& row : page.rows) *rows->Add() = std::move(row);
  *next_page_token = page.next_page_token;
  return absl::OkStatus();
}

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_PEOPLE_SERVICE_H_
