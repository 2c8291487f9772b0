#include "common/api/closed_set.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/error_details.h"

namespace cercles::api {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;

constexpr absl::string_view kUnspecified = "UNSPECIFIED";

// "JOURNAL_ENTRY_KIND_" of JOURNAL_ENTRY_KIND_UNSPECIFIED (buf lint's
// ENUM_ZERO_VALUE_SUFFIX and ENUM_VALUE_PREFIX hold every value to it).
absl::string_view Prefix(const EnumDescriptor& type) {
  const EnumValueDescriptor* zero_value = type.FindValueByNumber(0);
  if (zero_value == nullptr) return "";
  absl::string_view zero = zero_value->name();  // lives as long as the descriptor
  if (absl::EndsWith(zero, kUnspecified)) zero.remove_suffix(kUnspecified.size());
  return zero;
}

std::string Describe(const EnumDescriptor& type, int value) {
  const EnumValueDescriptor* known = type.FindValueByNumber(value);
  return known != nullptr ? known->name() : absl::StrCat(value);
}

}  // namespace

std::string EnumText(const EnumDescriptor& type, int value) {
  const EnumValueDescriptor* known = type.FindValueByNumber(value);
  if (known == nullptr || value == 0) return "";
  absl::string_view name = known->name();
  const absl::string_view prefix = Prefix(type);
  if (absl::StartsWith(name, prefix)) name.remove_prefix(prefix.size());
  return std::string(name);
}

std::optional<int> EnumFromText(const EnumDescriptor& type, absl::string_view text) {
  if (text.empty()) return std::nullopt;
  for (int i = 0; i < type.value_count(); ++i) {
    const int number = type.value(i)->number();
    if (number != 0 && absl::EqualsIgnoreCase(EnumText(type, number), text)) return number;
  }
  return std::nullopt;
}

void SetClosedSet(google::protobuf::Message* message, absl::string_view text_field,
                  absl::string_view enum_field, const std::string& name) {
  const google::protobuf::Descriptor* descriptor = message->GetDescriptor();
  const google::protobuf::FieldDescriptor* text =
      descriptor->FindFieldByName(std::string(text_field));
  const google::protobuf::FieldDescriptor* value =
      descriptor->FindFieldByName(std::string(enum_field));
  if (text == nullptr || value == nullptr || value->enum_type() == nullptr ||
      text->type() != google::protobuf::FieldDescriptor::TYPE_STRING || text->is_repeated() ||
      value->is_repeated()) {
    return;
  }
  const google::protobuf::Reflection* reflection = message->GetReflection();
  reflection->SetString(message, text, name);
  reflection->SetEnumValue(message, value, EnumFromText(*value->enum_type(), name).value_or(0));
}

absl::StatusOr<std::string> RequestedEnumText(const EnumDescriptor& type, int value,
                                              absl::string_view text, absl::string_view enum_field,
                                              absl::string_view text_field) {
  if (value == 0) return std::string(text);
  if (type.FindValueByNumber(value) == nullptr) {
    return InvalidField(enum_field, absl::StrCat(value, " is not a known ", type.name()),
                        reason::kFieldInvalid);
  }
  if (!text.empty() && EnumFromText(type, text) != value) {
    return InvalidField(text_field,
                        absl::StrCat("\"", text.substr(0, 60), "\" and ", enum_field, " ",
                                     Describe(type, value), " disagree: give one"),
                        reason::kFieldsConflict);
  }
  return EnumText(type, value);
}

absl::StatusOr<google::protobuf::RepeatedPtrField<std::string>> RequestedEnumTexts(
    const EnumDescriptor& type, const google::protobuf::RepeatedField<int>& values,
    const google::protobuf::RepeatedPtrField<std::string>& texts, absl::string_view enum_field,
    absl::string_view text_field) {
  if (values.empty()) return texts;
  if (!texts.empty() && texts.size() != values.size()) {
    return InvalidField(text_field,
                        absl::StrCat("(", texts.size(), ") and ", enum_field, " (", values.size(),
                                     ") disagree: give one"),
                        reason::kFieldsConflict);
  }
  google::protobuf::RepeatedPtrField<std::string> out;
  for (int i = 0; i < values.size(); ++i) {
    if (values[i] == 0) {
      return InvalidField(absl::StrCat(enum_field, "[", i, "]"),
                          absl::StrCat("must not be ", Describe(type, 0)), reason::kFieldInvalid);
    }
    absl::StatusOr<std::string> text = RequestedEnumText(
        type, values[i], texts.empty() ? "" : texts[i], absl::StrCat(enum_field, "[", i, "]"),
        absl::StrCat(text_field, "[", i, "]"));
    if (!text.ok()) return text.status();
    *out.Add() = *std::move(text);
  }
  return out;
}

}  // namespace cercles::api
