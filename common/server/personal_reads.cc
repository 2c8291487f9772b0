#include "common/server/personal_reads.h"

#include <atomic>

#include "common/redaction/subjects.h"

namespace cercles::server {
namespace {

std::atomic<PersonalReadLog*> installed{nullptr};

}  // namespace

void InstallPersonalReadLog(PersonalReadLog* log) { installed.store(log); }

void RecordPersonalReads(const auth::Authorizer& authorizer, const auth::Principal& who,
                         const google::protobuf::Message& request,
                         const google::protobuf::Message& response) {
  if (who.kind != auth::Principal::Kind::kStaff) return;
  PersonalReadLog* log = installed.load(std::memory_order_acquire);
  if (log == nullptr || !redaction::CanCarrySensitive(response.GetDescriptor())) return;
  const std::vector<int64_t> people = redaction::PeopleWithPersonalData(response);
  if (people.empty()) return;
  const google::protobuf::MethodDescriptor* method = authorizer.MethodFor(*request.GetDescriptor());
  log->Record(who.ToString(), method != nullptr ? method->full_name() : request.GetTypeName(),
              people);
}

}  // namespace cercles::server
