// Personal data leaves a fund only through one mechanism: fields marked
// `[(cercles.common.v1.sensitive) = true]` in the .proto are cleared here, at any
// depth (nested messages, repeated fields, map values, Any payloads whose type is
// linked in). Handlers never redact by hand.
#ifndef CERCLES_COMMON_REDACTION_REDACTION_H_
#define CERCLES_COMMON_REDACTION_REDACTION_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <vector>

namespace cercles::redaction {

// Whether the field is marked `[(cercles.common.v1.sensitive) = true]`.
bool IsSensitive(const google::protobuf::FieldDescriptor* field);

// Clears every sensitive field of `message` in place; returns how many were set.
int RedactSensitive(google::protobuf::Message* message);

// The payload of a google.protobuf.Any `any` (read through reflection, so a
// dynamic Any works too) as a message of its type, or null when the type is not
// linked in or the bytes do not parse.
std::unique_ptr<google::protobuf::Message> UnpackAny(const google::protobuf::Message& any);

// Full names of the sensitive fields a message type can carry (for tests/docs).
std::vector<std::string> SensitiveFields(const google::protobuf::Descriptor* descriptor);

}  // namespace cercles::redaction

#endif  // CERCLES_COMMON_REDACTION_REDACTION_H_
