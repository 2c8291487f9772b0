#ifndef CERCLES_TOOLS_CERCLESCTL_YAML_H_
#define CERCLES_TOOLS_CERCLESCTL_YAML_H_

// `--output yaml`: the same data as `--output json` (protobuf's JSON printer),
// rendered as YAML 1.2 block style, fields in the JSON's order. Every string
// is double-quoted (with JSON's escapes, which YAML's double-quoted scalars
// share), so that "yes", "1500" or "null" stay strings; numbers, true, false
// and null are written as JSON wrote them. Empty objects and lists are {} and [].

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace google::protobuf {
class Message;
}

namespace cercles::cerclesctl {

// The JSON text (one value) as YAML; INVALID_ARGUMENT when it is not JSON.
absl::StatusOr<std::string> JsonToYaml(absl::string_view json);

// ToJson(message) as YAML.
absl::StatusOr<std::string> ToYaml(const google::protobuf::Message& message);

}  // namespace cercles::cerclesctl

#endif  // CERCLES_TOOLS_CERCLESCTL_YAML_H_
