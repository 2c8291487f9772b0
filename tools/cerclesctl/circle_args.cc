#include "tools/cerclesctl/circle_args.h"

#include <array>
#include <cstdint>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "tools/cerclesctl/enum_words.h"
#include "tools/cerclesctl/output.h"

namespace cercles::cerclesctl {

using membership::v1::Characteristic;
using membership::v1::CharacteristicKind;
using membership::v1::CircleStatus;

namespace {

constexpr absl::string_view kStatusPrefix = "CIRCLE_STATUS_";
constexpr absl::string_view kKindPrefix = "CHARACTERISTIC_KIND_";

// "under-strength" -> "CIRCLE_STATUS_UNDER_STRENGTH".
std::string EnumValueName(absl::string_view prefix, absl::string_view text) {
  std::string name = absl::StrCat(prefix, absl::StrReplaceAll(text, {{"-", "_"}}));
  absl::AsciiStrToUpper(&name);
  return name;
}

std::string StatusChoices() {
  std::vector<std::string> names;
  const auto* descriptor = membership::v1::CircleStatus_descriptor();
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const auto value = static_cast<CircleStatus>(descriptor->value(i)->number());
    if (value != membership::v1::CIRCLE_STATUS_UNSPECIFIED)
      names.push_back(CircleStatusName(value, Lang::kEn));
  }
  return absl::StrJoin(names, "|");
}

}  // namespace

absl::StatusOr<CircleStatus> ParseCircleStatus(absl::string_view text) {
  CircleStatus status = membership::v1::CIRCLE_STATUS_UNSPECIFIED;
  if (text.empty() || absl::StartsWithIgnoreCase(text, kStatusPrefix) ||
      !membership::v1::CircleStatus_Parse(EnumValueName(kStatusPrefix, text), &status) ||
      status == membership::v1::CIRCLE_STATUS_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        absl::StrCat("--status must be one of ", StatusChoices(), ", not \"", text, "\""));
  }
  return status;
}

std::string CircleStatusName(CircleStatus status, Lang lang) { return EnumWord(lang, status); }

absl::StatusOr<Characteristic> ParseCharacteristic(absl::string_view text) {
  const size_t equals = text.find('=');
  if (equals == absl::string_view::npos || equals == 0 || equals + 1 == text.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--characteristic must be KIND=VALUE (e.g. sector=food), not \"", text, "\""));
  }
  const absl::string_view kind = text.substr(0, equals);
  Characteristic characteristic;
  characteristic.set_value(std::string(text.substr(equals + 1)));
  CharacteristicKind parsed = membership::v1::CHARACTERISTIC_KIND_UNSPECIFIED;
  if (!absl::StartsWithIgnoreCase(kind, kKindPrefix) &&
      membership::v1::CharacteristicKind_Parse(EnumValueName(kKindPrefix, kind), &parsed) &&
      parsed != membership::v1::CHARACTERISTIC_KIND_UNSPECIFIED &&
      parsed != membership::v1::CHARACTERISTIC_KIND_OTHER) {
    characteristic.set_kind(parsed);
  } else {
    characteristic.set_kind(membership::v1::CHARACTERISTIC_KIND_OTHER);
    characteristic.set_custom_kind(std::string(kind));
  }
  return characteristic;
}

std::string FormatCharacteristics(
    const google::protobuf::RepeatedPtrField<Characteristic>& characteristics) {
  return absl::StrJoin(characteristics, ",", [](std::string* out, const Characteristic& c) {
    const std::string kind = c.kind() == membership::v1::CHARACTERISTIC_KIND_OTHER
                                 ? c.custom_kind()
                                 : ShortEnumName(CharacteristicKind_Name(c.kind()), kKindPrefix);
    absl::StrAppend(out, kind, "=", c.value());
  });
}

Table CircleTable(Lang lang) {
  return Table(lang, {{"NAME", "NOM"},
                      {"DISPLAY NAME", "NOM AFFICHÉ"},
                      {"STATUS", "STATUT"},
                      {"MEMBERS", "MEMBRES"},
                      {"CHARACTERISTICS", "CARACTÉRISTIQUES"}});
}

void AddCircleRow(const membership::v1::Circle& circle, Table* table, Lang lang) {
  table->AddRow({circle.name(), circle.display_name(), CircleStatusName(circle.status(), lang),
                 absl::StrCat(circle.member_count()),
                 FormatCharacteristics(circle.characteristics())});
}

std::string CircleResourceName(absl::string_view text) {
  if (absl::StrContains(text, '/')) return std::string(text);
  return absl::StrCat("circles/", text);
}

std::vector<OptionSpec> CircleListOptionSpecs() {
  return {
      {"status",
       "STATUS",
       {absl::StrCat("only circles in this status: ", StatusChoices()),
        absl::StrCat("seulement les cercles à ce statut : ", StatusChoices())}},
      {"characteristic",
       "KIND=VALUE",
       {"only circles carrying it (repeatable: all of them)",
        "seulement les cercles qui la portent (répétable : toutes)"},
       true},
      {"page-size",
       "N",
       {"circles per page, 1 to 500 (default: the server's, 50)",
        "cercles par page, de 1 à 500 (par défaut : celle du serveur, 50)"}},
      {"page-token",
       "TOKEN",
       {"the page after a previous listing's 'next page'",
        "la page qui suit la « page suivante » d'une liste précédente"}},
      {"all", "", {"follow the pages to the end", "suivre les pages jusqu'à la fin"}},
  };
}

absl::StatusOr<CircleListOptions> ParseCircleListOptions(const ParsedArgs& args) {
  CircleListOptions options;
  if (args.Has("status")) {
    auto status = ParseCircleStatus(args.Value("status"));
    if (!status.ok()) return status.status();
    options.status = *status;
  }
  for (const std::string& text : args.Values("characteristic")) {
    auto characteristic = ParseCharacteristic(text);
    if (!characteristic.ok()) return characteristic.status();
    options.characteristics.push_back(*std::move(characteristic));
  }
  if (args.Has("page-size") &&
      (!absl::SimpleAtoi(args.Value("page-size"), &options.page_size) || options.page_size < 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--page-size must be a whole number of at least 0, not \"", args.Value("page-size"), "\""));
  }
  options.page_token = args.Value("page-token");
  options.all = args.Has("all");
  return options;
}

std::string NewRequestId() {
  std::random_device random;
  std::array<uint8_t, 16> bytes;
  for (size_t i = 0; i < bytes.size(); i += 4) {
    const uint32_t word = random();
    for (size_t j = 0; j < 4; ++j) bytes[i + j] = static_cast<uint8_t>(word >> (8 * j));
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x40;  // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80;  // RFC 4122 variant
  std::string hex;
  for (uint8_t byte : bytes) absl::StrAppendFormat(&hex, "%02x", byte);
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
}

}  // namespace cercles::cerclesctl
