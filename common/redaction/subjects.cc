#include "common/redaction/subjects.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/api/resource_name.h"
#include "common/redaction/redaction.h"

namespace cercles::redaction {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr absl::string_view kPeople = "people/";

bool IsAny(const Descriptor* descriptor) {
  return descriptor->full_name() == "google.protobuf.Any";
}

// Computes CanCarrySensitive without the cache; `seen` breaks cycles (a type
// being examined counts as carrying nothing until one of its fields says so).
bool ComputeCanCarry(const Descriptor* descriptor, std::set<const Descriptor*>& seen) {
  if (IsAny(descriptor)) return true;
  if (!seen.insert(descriptor).second) return false;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (IsSensitive(field)) return true;
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        ComputeCanCarry(field->message_type(), seen)) {
      return true;
    }
  }
  return false;
}

// The id of a person resource name, or 0.
int64_t PersonId(absl::string_view value) {
  if (!absl::StartsWith(value, kPeople)) return 0;
  return api::ParseIdSegment(value.substr(kPeople.size())).value_or(0);
}

void Walk(const Message& message, const std::vector<int64_t>& enclosing, std::set<int64_t>& out);

void WalkAny(const Message& any, const std::vector<int64_t>& enclosing, std::set<int64_t>& out) {
  std::unique_ptr<Message> inner = UnpackAny(any);
  if (inner != nullptr && CanCarrySensitive(inner->GetDescriptor())) Walk(*inner, enclosing, out);
}

void Walk(const Message& message, const std::vector<int64_t>& enclosing, std::set<int64_t>& out) {
  const Descriptor* descriptor = message.GetDescriptor();
  if (IsAny(descriptor)) return WalkAny(message, enclosing, out);
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);  // set fields only
  std::vector<int64_t> named;
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_STRING || field->is_repeated()) continue;
    std::string scratch;
    const int64_t id = PersonId(reflection->GetStringReference(message, field, &scratch));
    if (id > 0) named.push_back(id);
  }
  const std::vector<int64_t>& subjects = named.empty() ? enclosing : named;
  bool carries = false;
  for (const FieldDescriptor* field : fields) {
    if (IsSensitive(field)) {
      // A present but empty message (a Person's contact with nothing in it)
      // carries nothing.
      carries = carries || field->is_repeated() ||
                field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
                reflection->GetMessage(message, field).ByteSizeLong() > 0;
      continue;
    }
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        !CanCarrySensitive(field->message_type())) {
      continue;
    }
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        Walk(reflection->GetRepeatedMessage(message, field, i), subjects, out);
      }
    } else {
      Walk(reflection->GetMessage(message, field), subjects, out);
    }
  }
  if (carries) out.insert(subjects.begin(), subjects.end());
}

}  // namespace

bool CanCarrySensitive(const Descriptor* descriptor) {
  // Read for every staff answer and every message inside it, from every handler
  // thread: a shared lock; the few types not seen yet are computed outside it.
  static absl::Mutex mu(absl::kConstInit);
  static auto* cache = new std::map<const Descriptor*, bool>();
  {
    absl::ReaderMutexLock lock(&mu);
    auto found = cache->find(descriptor);
    if (found != cache->end()) return found->second;
  }
  std::set<const Descriptor*> seen;
  const bool can = ComputeCanCarry(descriptor, seen);
  absl::MutexLock lock(&mu);
  cache->emplace(descriptor, can);
  return can;
}

std::vector<int64_t> PeopleWithPersonalData(const Message& message) {
  std::set<int64_t> out;
  if (CanCarrySensitive(message.GetDescriptor())) Walk(message, {}, out);
  return {out.begin(), out.end()};
}

}  // namespace cercles::redaction
