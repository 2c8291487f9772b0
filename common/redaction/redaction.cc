#include "common/redaction/redaction.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <memory>
#include <set>

#include "cercles/common/v1/options.pb.h"

namespace cercles::redaction {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

int RedactAny(Message* any_message);

int Redact(Message* message) {
  const Descriptor* descriptor = message->GetDescriptor();
  if (descriptor->full_name() == "google.protobuf.Any") return RedactAny(message);
  const Reflection* reflection = message->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  int cleared = 0;
  for (const FieldDescriptor* field : fields) {
    if (IsSensitive(field)) {
      reflection->ClearField(message, field);
      ++cleared;
      continue;
    }
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      // Map entries are repeated messages too: their value field is reached here.
      for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
        cleared += Redact(reflection->MutableRepeatedMessage(message, field, i));
      }
    } else {
      cleared += Redact(reflection->MutableMessage(message, field));
    }
  }
  return cleared;
}

int RedactAny(Message* any_message) {
  std::unique_ptr<Message> inner = UnpackAny(*any_message);
  if (inner == nullptr) return 0;
  int cleared = Redact(inner.get());
  if (cleared > 0) {
    any_message->GetReflection()->SetString(any_message,
                                            any_message->GetDescriptor()->FindFieldByName("value"),
                                            inner->SerializeAsString());
  }
  return cleared;
}

void Collect(const Descriptor* descriptor, std::set<const Descriptor*>& seen,
             std::vector<std::string>& out) {
  if (!seen.insert(descriptor).second) return;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (IsSensitive(field)) {
      out.push_back(field->full_name());
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      Collect(field->message_type(), seen, out);
    }
  }
}

}  // namespace

bool IsSensitive(const FieldDescriptor* field) {
  return field->options().GetExtension(cercles::common::v1::sensitive);
}

int RedactSensitive(google::protobuf::Message* message) { return Redact(message); }

std::unique_ptr<google::protobuf::Message> UnpackAny(const google::protobuf::Message& any) {
  const Descriptor* any_type = any.GetDescriptor();
  const Reflection* reflection = any.GetReflection();
  const FieldDescriptor* type_url_field = any_type->FindFieldByName("type_url");
  const FieldDescriptor* value_field = any_type->FindFieldByName("value");
  if (type_url_field == nullptr || value_field == nullptr) return nullptr;
  const std::string type_url = reflection->GetString(any, type_url_field);
  const Descriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
          type_url.substr(type_url.rfind('/') + 1));
  if (descriptor == nullptr) return nullptr;
  std::unique_ptr<Message> inner(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor)->New());
  if (!inner->ParseFromString(reflection->GetString(any, value_field))) return nullptr;
  return inner;
}

std::vector<std::string> SensitiveFields(const google::protobuf::Descriptor* descriptor) {
  std::set<const Descriptor*> seen;
  std::vector<std::string> out;
  Collect(descriptor, seen, out);
  return out;
}

}  // namespace cercles::redaction
