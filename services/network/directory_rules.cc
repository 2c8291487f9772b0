#include "services/network/directory_rules.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/util/status_macros.h"

namespace cercles::network {

namespace mv1 = cercles::membership::v1;

bool ValidFundId(absl::string_view fund) {
  bool ok = !fund.empty() && fund.size() <= 63 && fund[0] >= 'a' && fund[0] <= 'z';
  for (char c : fund) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  return ok;
}

absl::Status CheckFundId(const std::string& fund_id, const std::string& field) {
  if (ValidFundId(fund_id)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      field, " must be 1 to 63 characters of a-z, 0-9 and '-', starting with a letter"));
}

std::string NetworkCircleName(const CircleKey& key) {
  return absl::StrCat("funds/", key.fund_id, "/circles/", key.circle_id);
}

absl::StatusOr<CircleKey> ParseNetworkCircleName(const std::string& name,
                                                 const std::string& field) {
  // "funds/{fund_id}/" and then a fund's own circle name, by the common id rule.
  absl::string_view rest = name;
  if (absl::ConsumePrefix(&rest, "funds/")) {
    const size_t slash = rest.find('/');
    if (slash != absl::string_view::npos && ValidFundId(rest.substr(0, slash))) {
      absl::StatusOr<int64_t> id = api::ParseName(rest.substr(slash + 1), "circles", field);
      if (id.ok()) {
        CircleKey key;
        key.fund_id = std::string(rest.substr(0, slash));
        key.circle_id = *id;
        return key;
      }
    }
  }
  return api::InvalidNameError(field, "funds/{fund_id}/circles/{id}", name);
}

std::string FundNodeName(const std::string& fund_id) { return absl::StrCat("funds/", fund_id); }

std::string RegionNodeName(const std::string& fund_id, const std::string& region) {
  // Regions are free text: percent-encode so the name stays one path segment.
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : region) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded.push_back('%');
      encoded.push_back(kHex[c >> 4]);
      encoded.push_back(kHex[c & 15]);
    }
  }
  return absl::StrCat("funds/", fund_id, "/regions/", encoded);
}

std::string PartnerNodeName(const std::string& fund_id, int64_t partner_id) {
  return absl::StrCat("funds/", fund_id, "/partners/", partner_id);
}

std::string NetworkPersonName(const std::string& fund_id, int64_t person_id) {
  return absl::StrCat("funds/", fund_id, "/people/", person_id);
}

std::string TextKey(absl::string_view text) { return absl::AsciiStrToLower(text); }

bool AcceptsMembers(mv1::CircleStatus status) {
  return status == mv1::CIRCLE_STATUS_FORMING || status == mv1::CIRCLE_STATUS_ACTIVE ||
         status == mv1::CIRCLE_STATUS_UNDER_STRENGTH;
}

absl::StatusOr<cercles::network::v1::NetworkCircle> SummaryFromMembership(
    const mv1::Circle& circle, const std::string& fund_id, CircleKey* key_out) {
  CircleKey key;
  key.fund_id = fund_id;
  absl::StatusOr<int64_t> id = api::ParseName(circle.name(), "circles", "circle");
  if (!ValidFundId(fund_id) || !id.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("event names an invalid circle \"",
                                                   circle.name(), "\" of fund \"", fund_id, "\""));
  }
  key.circle_id = *id;
  cercles::network::v1::NetworkCircle summary;
  summary.set_name(NetworkCircleName(key));
  summary.set_fund_id(fund_id);
  summary.set_display_name(circle.display_name());
  summary.set_status(circle.status());
  *summary.mutable_characteristics() = circle.characteristics();
  summary.set_member_count(circle.member_count());
  *summary.mutable_update_time() = circle.update_time();
  for (const auto& c : circle.characteristics()) {
    if (c.kind() == mv1::CHARACTERISTIC_KIND_REGION) {
      summary.set_region(c.value());
      break;
    }
  }
  for (const std::string& source : circle.merged_from()) {
    absl::StatusOr<int64_t> source_id = api::ParseName(source, "circles", "merged_from");
    if (!source_id.ok()) return source_id.status();
    summary.add_merged_from(NetworkCircleName({fund_id, *source_id}));
  }
  const bool accepting = AcceptsMembers(circle.status());
  summary.set_accepting_members(accepting);
  summary.set_open_seats(accepting ? std::max(0, kMaxCircleMembers - circle.member_count()) : 0);
  summary.set_advisor(circle.advisor());
  if (key_out != nullptr) *key_out = key;
  return summary;
}

absl::Status ValidateListFilter(const cercles::network::v1::ListNetworkCirclesRequest& request) {
  if (!request.fund_id().empty())
    CERCLES_RETURN_IF_ERROR(CheckFundId(request.fund_id(), "fund_id"));
  if (!mv1::CircleStatus_IsValid(request.status())) {
    return absl::InvalidArgumentError("status is not a known CircleStatus");
  }
  if (request.characteristics_size() > 16) {
    return absl::InvalidArgumentError("characteristics may hold at most 16 filters");
  }
  for (int i = 0; i < request.characteristics_size(); ++i) {
    const auto& c = request.characteristics(i);
    if (c.kind() == mv1::CHARACTERISTIC_KIND_UNSPECIFIED ||
        !mv1::CharacteristicKind_IsValid(c.kind())) {
      return absl::InvalidArgumentError(absl::StrCat("characteristics[", i, "].kind is required"));
    }
    if (c.value().empty() || c.value().size() > 64) {
      return absl::InvalidArgumentError(
          absl::StrCat("characteristics[", i, "].value must be 1 to 64 characters"));
    }
  }
  if (!request.region().empty()) {
    CERCLES_RETURN_IF_ERROR(
        api::CleanText(request.region(), "region", api::OneLine(1, 64)).status());
  }
  return absl::OkStatus();
}

}  // namespace cercles::network
