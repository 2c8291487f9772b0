// The membership domain's rules about circles: pure functions over the protobuf
// messages, no gRPC and no SQL, so they are tested alone.
#ifndef CERCLES_SERVICES_MEMBERSHIP_CIRCLE_RULES_H_
#define CERCLES_SERVICES_MEMBERSHIP_CIRCLE_RULES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cercles/membership/v1/membership.pb.h"

namespace cercles::membership {

using cercles::membership::v1::Characteristic;
using cercles::membership::v1::Circle;

inline constexpr int kMinCircleMembers = 4;  // the seed: circles of 4 to 7
inline constexpr int kMaxCircleMembers = 7;
inline constexpr int kMaxCharacteristics = 16;
inline constexpr size_t kMaxDisplayNameLength = 120;
inline constexpr size_t kMaxCharacteristicValueLength = 64;

// "circles/42" → 42. `field` names the request field in the error.
absl::StatusOr<int64_t> ParseCircleName(const std::string& name, const std::string& field);
std::string CircleName(int64_t id);

// Checks a characteristic and returns it normalised (value trimmed; custom kind
// lower-cased). `field` is e.g. "circle.characteristics[2]".
absl::StatusOr<Characteristic> NormaliseCharacteristic(const Characteristic& c,
                                                       const std::string& field);

// Checks what a client may set when creating a circle and returns the draft to
// store: trimmed display name, normalised characteristics, status FORMING, no
// members. Output-only fields sent by the client are ignored, as AIP-203 says.
absl::StatusOr<Circle> DraftNewCircle(const Circle& requested);

// Checks a characteristics filter (as in ListCirclesRequest.characteristics).
absl::StatusOr<std::vector<Characteristic>> NormaliseFilter(
    const google::protobuf::RepeatedPtrField<Characteristic>& filter, const std::string& field);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_CIRCLE_RULES_H_
