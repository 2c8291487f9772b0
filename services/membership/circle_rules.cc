#include "services/membership/circle_rules.h"

#include <set>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace cercles::membership {
namespace {

using cercles::membership::v1::CharacteristicKind;

bool HasControlCharacters(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<int64_t> ParseCircleName(const std::string& name, const std::string& field) {
  constexpr absl::string_view kPrefix = "circles/";
  int64_t id = 0;
  if (!absl::StartsWith(name, kPrefix) ||
      !absl::SimpleAtoi(absl::string_view(name).substr(kPrefix.size()), &id) || id <= 0 ||
      name.size() > 40) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " must be a circle resource name \"circles/{id}\" with a positive id, got \"",
        name.substr(0, 60), "\""));
  }
  return id;
}

std::string CircleName(int64_t id) { return absl::StrCat("circles/", id); }

absl::StatusOr<Characteristic> NormaliseCharacteristic(const Characteristic& c,
                                                       const std::string& field) {
  Characteristic out;
  if (c.kind() == v1::CHARACTERISTIC_KIND_UNSPECIFIED ||
      !v1::CharacteristicKind_IsValid(c.kind())) {
    return absl::InvalidArgumentError(
        absl::StrCat(field,
                     ".kind is required (sector, gender, affinity, savings, language, "
                     "region, or other with custom_kind)"));
  }
  out.set_kind(c.kind());
  std::string custom = absl::AsciiStrToLower(absl::StripAsciiWhitespace(c.custom_kind()));
  if (c.kind() == v1::CHARACTERISTIC_KIND_OTHER) {
    bool ok = !custom.empty() && custom.size() <= 32;
    for (char ch : custom) ok = ok && (absl::ascii_isalnum(ch) || ch == '-' || ch == '_');
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          field,
          ".custom_kind must be 1 to 32 characters of a-z, 0-9, '-' or '_' when kind is "
          "CHARACTERISTIC_KIND_OTHER"));
    }
    out.set_custom_kind(custom);
  } else if (!custom.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".custom_kind must be empty unless kind is CHARACTERISTIC_KIND_OTHER"));
  }
  std::string value(absl::StripAsciiWhitespace(c.value()));
  if (value.empty() || value.size() > kMaxCharacteristicValueLength ||
      HasControlCharacters(value)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".value must be 1 to ",
                                                   kMaxCharacteristicValueLength,
                                                   " characters with no control characters"));
  }
  out.set_value(value);
  return out;
}

absl::StatusOr<std::vector<Characteristic>> NormaliseFilter(
    const google::protobuf::RepeatedPtrField<Characteristic>& filter, const std::string& field) {
  if (filter.size() > kMaxCharacteristics) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " may hold at most ", kMaxCharacteristics, " characteristics"));
  }
  std::vector<Characteristic> out;
  for (int i = 0; i < filter.size(); ++i) {
    absl::StatusOr<Characteristic> c =
        NormaliseCharacteristic(filter[i], absl::StrCat(field, "[", i, "]"));
    if (!c.ok()) return c.status();
    out.push_back(*std::move(c));
  }
  return out;
}

absl::StatusOr<Circle> DraftNewCircle(const Circle& requested) {
  Circle draft;
  std::string display_name(absl::StripAsciiWhitespace(requested.display_name()));
  if (display_name.empty() || display_name.size() > kMaxDisplayNameLength ||
      HasControlCharacters(display_name)) {
    return absl::InvalidArgumentError(absl::StrCat("circle.display_name must be 1 to ",
                                                   kMaxDisplayNameLength,
                                                   " characters with no control characters"));
  }
  draft.set_display_name(display_name);
  absl::StatusOr<std::vector<Characteristic>> characteristics =
      NormaliseFilter(requested.characteristics(), "circle.characteristics");
  if (!characteristics.ok()) return characteristics.status();
  std::set<std::tuple<int, std::string, std::string>> seen;
  for (size_t i = 0; i < characteristics->size(); ++i) {
    const Characteristic& c = (*characteristics)[i];
    if (!seen.insert({c.kind(), c.custom_kind(), c.value()}).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("circle.characteristics[", i, "] repeats an earlier characteristic"));
    }
    *draft.add_characteristics() = c;
  }
  draft.set_status(v1::CIRCLE_STATUS_FORMING);
  draft.set_member_count(0);
  return draft;
}

}  // namespace cercles::membership
