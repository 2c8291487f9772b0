#include "services/network/directory_rules.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cercles::network {

std::string NetworkCircleName(const CircleKey& key) {
  return absl::StrCat("funds/", key.fund_id, "/circles/", key.circle_id);
}

namespace {
bool ValidFundId(absl::string_view fund) {
  bool ok = !fund.empty() && fund.size() <= 63 && fund[0] >= 'a' && fund[0] <= 'z';
  for (char c : fund) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  return ok;
}
}  // namespace

absl::StatusOr<CircleKey> ParseNetworkCircleName(const std::string& name,
                                                 const std::string& field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  CircleKey key;
  if (parts.size() != 4 || parts[0] != "funds" || parts[2] != "circles" || !ValidFundId(parts[1]) ||
      !absl::SimpleAtoi(parts[3], &key.circle_id) || key.circle_id <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be \"funds/{fund_id}/circles/{circle_id}\", got \"",
                     name.substr(0, 80), "\""));
  }
  key.fund_id = std::string(parts[1]);
  return key;
}

absl::StatusOr<cercles::network::v1::NetworkCircle> SummaryFromMembership(
    const cercles::membership::v1::Circle& circle, const std::string& fund_id, CircleKey* key_out) {
  constexpr absl::string_view kPrefix = "circles/";
  CircleKey key;
  key.fund_id = fund_id;
  if (!ValidFundId(fund_id) || !absl::StartsWith(circle.name(), kPrefix) ||
      !absl::SimpleAtoi(absl::string_view(circle.name()).substr(kPrefix.size()), &key.circle_id) ||
      key.circle_id <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("event names an invalid circle \"",
                                                   circle.name(), "\" of fund \"", fund_id, "\""));
  }
  cercles::network::v1::NetworkCircle summary;
  summary.set_name(NetworkCircleName(key));
  summary.set_fund_id(fund_id);
  summary.set_display_name(circle.display_name());
  summary.set_status(circle.status());
  *summary.mutable_characteristics() = circle.characteristics();
  summary.set_member_count(circle.member_count());
  *summary.mutable_update_time() = circle.update_time();
  if (key_out != nullptr) *key_out = key;
  return summary;
}

absl::Status ValidateListFilter(const cercles::network::v1::ListNetworkCirclesRequest& request) {
  if (!request.fund_id().empty() && !ValidFundId(request.fund_id())) {
    return absl::InvalidArgumentError(
        "fund_id must be 1 to 63 characters of a-z, 0-9 and '-', starting with a letter");
  }
  if (!cercles::membership::v1::CircleStatus_IsValid(request.status())) {
    return absl::InvalidArgumentError("status is not a known CircleStatus");
  }
  if (request.characteristics_size() > 16) {
    return absl::InvalidArgumentError("characteristics may hold at most 16 filters");
  }
  for (int i = 0; i < request.characteristics_size(); ++i) {
    const auto& c = request.characteristics(i);
    if (c.kind() == cercles::membership::v1::CHARACTERISTIC_KIND_UNSPECIFIED ||
        !cercles::membership::v1::CharacteristicKind_IsValid(c.kind())) {
      return absl::InvalidArgumentError(absl::StrCat("characteristics[", i, "].kind is required"));
    }
    if (c.value().empty() || c.value().size() > 64) {
      return absl::InvalidArgumentError(
          absl::StrCat("characteristics[", i, "].value must be 1 to 64 characters"));
    }
  }
  return absl::OkStatus();
}

}  // namespace cercles::network
