#ifndef CERCLES_TOOLS_CERCLESCTL_CIRCLE_ARGS_H_
#define CERCLES_TOOLS_CERCLESCTL_CIRCLE_ARGS_H_

// Circle values as typed on the command line and as printed in tables; shared
// by the membership and network verbs, which both speak of circles.

#include <google/protobuf/repeated_field.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cercles/membership/v1/membership.pb.h"
#include "tools/cerclesctl/args.h"
#include "tools/cerclesctl/language.h"
#include "tools/cerclesctl/output.h"

namespace cercles::cerclesctl {

// "forming", "active", "under-strength", ... (also "under_strength").
absl::StatusOr<membership::v1::CircleStatus> ParseCircleStatus(absl::string_view text);
// CIRCLE_STATUS_UNDER_STRENGTH -> "under-strength", in French "sous-effectif".
std::string CircleStatusName(membership::v1::CircleStatus status, Lang lang);

// "sector=food"; a kind that is not one of sector, gender, affinity, savings,
// language, region becomes CHARACTERISTIC_KIND_OTHER with custom_kind = that word.
absl::StatusOr<membership::v1::Characteristic> ParseCharacteristic(absl::string_view text);
// "sector=food,language=fr" (a custom kind prints under its own name).
std::string FormatCharacteristics(
    const google::protobuf::RepeatedPtrField<membership::v1::Characteristic>& characteristics);

// The table of circles (NAME, DISPLAY NAME, STATUS...) in the reader's
// language, and one circle's row in it.
Table CircleTable(Lang lang);
void AddCircleRow(const membership::v1::Circle& circle, Table* table, Lang lang);

// "circles/9" stays as is; a bare "9" becomes "circles/9".
std::string CircleResourceName(absl::string_view text);

// The filter and paging options of both circle listings.
struct CircleListOptions {
  membership::v1::CircleStatus status = membership::v1::CIRCLE_STATUS_UNSPECIFIED;
  std::vector<membership::v1::Characteristic> characteristics;
  int page_size = 0;
  std::string page_token;
  bool all = false;  // follow next_page_token to the last page
};
std::vector<OptionSpec> CircleListOptionSpecs();
absl::StatusOr<CircleListOptions> ParseCircleListOptions(const ParsedArgs& args);

// A random UUID v4, the default request_id of mutating calls.
std::string NewRequestId();

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_CIRCLE_ARGS_H_
