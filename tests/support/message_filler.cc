#include "tests/support/message_filler.h"

#include <google/protobuf/descriptor.pb.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "absl/strings/str_cat.h"

namespace cercles::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr int kRepeatedElements = 2;

void Fill(Message* message, std::set<const Descriptor*>& on_path) {
  const Descriptor* descriptor = message->GetDescriptor();
  if (descriptor->full_name() == "google.protobuf.Any") return;
  if (!on_path.insert(descriptor).second) return;
  const Reflection* reflection = message->GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    const int elements = field->is_repeated() ? kRepeatedElements : 1;
    for (int e = 0; e < elements; ++e) {
      const std::string text =
          field->is_repeated() ? absl::StrCat(field->full_name(), "#", e) : field->full_name();
      const int number = field->number();
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_INT32:
          field->is_repeated() ? reflection->AddInt32(message, field, number)
                               : reflection->SetInt32(message, field, number);
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          field->is_repeated() ? reflection->AddInt64(message, field, number)
                               : reflection->SetInt64(message, field, number);
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          field->is_repeated() ? reflection->AddUInt32(message, field, number)
                               : reflection->SetUInt32(message, field, number);
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          field->is_repeated() ? reflection->AddUInt64(message, field, number)
                               : reflection->SetUInt64(message, field, number);
          break;
        case FieldDescriptor::CPPTYPE_DOUBLE:
          field->is_repeated() ? reflection->AddDouble(message, field, number + 0.5)
                               : reflection->SetDouble(message, field, number + 0.5);
          break;
        case FieldDescriptor::CPPTYPE_FLOAT:
          field->is_repeated() ? reflection->AddFloat(message, field, number + 0.5f)
                               : reflection->SetFloat(message, field, number + 0.5f);
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          field->is_repeated() ? reflection->AddBool(message, field, true)
                               : reflection->SetBool(message, field, true);
          break;
        case FieldDescriptor::CPPTYPE_ENUM: {
          const auto* type = field->enum_type();
          const auto* value = type->value(type->value_count() - 1);
          field->is_repeated() ? reflection->AddEnum(message, field, value)
                               : reflection->SetEnum(message, field, value);
          break;
        }
        case FieldDescriptor::CPPTYPE_STRING:
          field->is_repeated() ? reflection->AddString(message, field, text)
                               : reflection->SetString(message, field, text);
          break;
        case FieldDescriptor::CPPTYPE_MESSAGE:
          Fill(field->is_repeated() ? reflection->AddMessage(message, field)
                                    : reflection->MutableMessage(message, field),
               on_path);
          break;
      }
    }
  }
  on_path.erase(descriptor);
}

void Walk(const Message& message, const std::string& prefix,
          std::vector<const FieldDescriptor*>& chain, std::vector<SetField>& out) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string path =
        prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    chain.push_back(field);
    out.push_back({path, chain});
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          Walk(reflection->GetRepeatedMessage(message, field, i), absl::StrCat(path, "[", i, "]"),
               chain, out);
        }
      } else {
        Walk(reflection->GetMessage(message, field), path, chain, out);
      }
    }
    chain.pop_back();
  }
}

void AddTypes(const Descriptor* descriptor, std::vector<const Descriptor*>& out) {
  if (descriptor->options().map_entry()) return;
  out.push_back(descriptor);
  for (int i = 0; i < descriptor->nested_type_count(); ++i) {
    AddTypes(descriptor->nested_type(i), out);
  }
}

}  // namespace

void FillEveryField(Message* message) {
  std::set<const Descriptor*> on_path;
  Fill(message, on_path);
}

std::unique_ptr<Message> NewFilledMessage(const Descriptor* descriptor) {
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor);
  if (prototype == nullptr) return nullptr;
  std::unique_ptr<Message> message(prototype->New());
  FillEveryField(message.get());
  return message;
}

std::vector<SetField> SetFields(const Message& message) {
  std::vector<SetField> out;
  std::vector<const FieldDescriptor*> chain;
  Walk(message, "", chain, out);
  return out;
}

std::vector<std::string> SetFieldsWhere(
    const Message& message, const std::function<bool(const FieldDescriptor*)>& matches) {
  std::vector<std::string> out;
  for (const SetField& set : SetFields(message)) {
    // Listed where it matches first, not again for the fields below it.
    const auto first = std::find_if(set.chain.begin(), set.chain.end(), matches);
    if (first != set.chain.end() && first + 1 == set.chain.end()) out.push_back(set.path);
  }
  return out;
}

ProtoFiles ProtoFilesUnder(const std::string& root, const std::string& folder) {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  for (const fs::directory_entry& entry :
       fs::recursive_directory_iterator(fs::path(root) / folder)) {
    if (entry.is_regular_file() && entry.path().extension() == ".proto") {
      paths.push_back(entry.path().lexically_relative(root).generic_string());
    }
  }
  std::sort(paths.begin(), paths.end());
  ProtoFiles result;
  for (const std::string& path : paths) {
    const FileDescriptor* file =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(path);
    if (file == nullptr) {
      result.not_linked.push_back(path);
    } else {
      result.files.push_back(file);
    }
  }
  return result;
}

std::vector<const Descriptor*> MessageTypes(const std::vector<const FileDescriptor*>& files) {
  std::vector<const Descriptor*> out;
  for (const FileDescriptor* file : files) {
    for (int i = 0; i < file->message_type_count(); ++i) AddTypes(file->message_type(i), out);
  }
  std::sort(out.begin(), out.end(), [](const Descriptor* a, const Descriptor* b) {
    return a->full_name() < b->full_name();
  });
  return out;
}

}  // namespace cercles::testing
