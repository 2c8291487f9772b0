#include "common/redaction/erasure.h"

#include <google/protobuf/descriptor.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/redaction/redaction.h"

namespace cercles::redaction {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

enum class Naming { kNobody, kThePerson, kSomeoneElse };

// Whether `value` is `name` or the name of a resource under it ("loans/12/repayments/3").
bool IsOrIsUnder(const std::string& value, const std::string& name) {
  return absl::StartsWith(value, name) &&
         (value.size() == name.size() || value[name.size()] == '/');
}

// Whom the message's singular string fields name.
Naming NamedBy(const Message& message, const std::string& person_name,
               const PersonErasure& erasure) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  Naming naming = Naming::kNobody;
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_STRING || field->is_repeated()) continue;
    std::string scratch;
    const std::string& value = reflection->GetStringReference(message, field, &scratch);
    if (IsOrIsUnder(value, person_name)) return Naming::kThePerson;
    for (const std::string& record : erasure.records) {
      if (IsOrIsUnder(value, record)) return Naming::kThePerson;
    }
    if (absl::StartsWith(value, "people/")) naming = Naming::kSomeoneElse;
  }
  return naming;
}

// Whether `field` holds a message of one of the types cleared whole.
bool IsClearedType(const FieldDescriptor* field, const PersonErasure& erasure) {
  if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return false;
  const std::string& type = field->message_type()->full_name();
  for (const std::string& cleared : erasure.cleared_types) {
    if (type == cleared) return true;
  }
  return false;
}

// The replacement of `value`, or null.
const std::string* ReplacementOf(const PersonErasure& erasure, const std::string& value) {
  if (value.empty()) return nullptr;
  auto found = erasure.replacements.find(value);
  return found == erasure.replacements.end() ? nullptr : &found->second;
}

bool EraseIn(Message* message, bool enclosing_concerns, const PersonErasure& erasure,
             const std::string& person_name);

bool EraseInAny(Message* any, bool concerns, const PersonErasure& erasure,
                const std::string& person_name) {
  std::unique_ptr<Message> inner = UnpackAny(*any);
  if (inner == nullptr || !EraseIn(inner.get(), concerns, erasure, person_name)) return false;
  const Descriptor* descriptor = any->GetDescriptor();
  any->GetReflection()->SetString(any, descriptor->FindFieldByName("value"),
                                  inner->SerializeAsString());
  return true;
}

bool EraseIn(Message* message, bool enclosing_concerns, const PersonErasure& erasure,
             const std::string& person_name) {
  const Descriptor* descriptor = message->GetDescriptor();
  const Reflection* reflection = message->GetReflection();
  const Naming naming = NamedBy(*message, person_name, erasure);
  const bool concerns =
      naming == Naming::kThePerson || (naming == Naming::kNobody && enclosing_concerns);
  if (descriptor->full_name() == "google.protobuf.Any") {
    return EraseInAny(message, concerns, erasure, person_name);
  }
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  bool changed = false;
  for (const FieldDescriptor* field : fields) {
    if (concerns && (IsSensitive(field) || IsClearedType(field, erasure))) {
      reflection->ClearField(message, field);
      changed = true;
      continue;
    }
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
          changed |= EraseIn(reflection->MutableRepeatedMessage(message, field, i), concerns,
                             erasure, person_name);
        }
      } else {
        changed |=
            EraseIn(reflection->MutableMessage(message, field), concerns, erasure, person_name);
      }
      continue;
    }
    if (!concerns || field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) continue;
    if (field->is_repeated()) {
      // An entry replaced by nothing (expertise) is dropped, not left empty.
      std::vector<std::string> values;
      bool replaced = false;
      for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
        std::string value = reflection->GetRepeatedString(*message, field, i);
        if (const std::string* to = ReplacementOf(erasure, value); to != nullptr) {
          replaced = true;
          if (to->empty()) continue;
          value = *to;
        }
        values.push_back(std::move(value));
      }
      if (!replaced) continue;
      reflection->ClearField(message, field);
      for (std::string& value : values) reflection->AddString(message, field, std::move(value));
      changed = true;
    } else {
      std::string scratch;
      const std::string* to =
          ReplacementOf(erasure, reflection->GetStringReference(*message, field, &scratch));
      if (to == nullptr) continue;
      reflection->SetString(message, field, *to);
      changed = true;
    }
  }
  return changed;
}

}  // namespace

bool ErasePersonFrom(Message* message, const PersonErasure& erasure) {
  return EraseIn(message, false, erasure, absl::StrCat("people/", erasure.person_id));
}

}  // namespace cercles::redaction
