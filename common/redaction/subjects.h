// Whose personal data an answer carries: the people an access log records for
// a staff read (server::Answer). Walks the answer by reflection, like
// RedactSensitive, with the same notion of personal data (IsSensitive).
//
// The rule. A message's subjects are the people named by its singular string
// fields whose value is a person resource name "people/{id}" (its `name`, or a
// reference such as `person`, `member`, `applicant`, `borrower`); a message that
// names nobody has the subjects of the nearest enclosing message that does. When
// a message has a sensitive field set (a non-empty string, a non-zero number, a
// present message that is not empty, a non-empty repeated field), its subjects
// are the people whose personal data the answer carries (a sensitive field's
// inside is not looked at: a Person's contact is one read). A sensitive field set
// where no person is named (a circle's status reason) names nobody and records nothing.
// Repeated references (a loan's guarantors) are lists, not subjects.
//
// Cost: the types that can carry no sensitive field at any depth are known once
// per type (cached), and are not walked: an answer of such a type, or the parts
// of an answer of such types, cost one cache look-up.
#ifndef CERCLES_COMMON_REDACTION_SUBJECTS_H_
#define CERCLES_COMMON_REDACTION_SUBJECTS_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cstdint>
#include <vector>

namespace cercles::redaction {

// Whether a message of this type can carry a sensitive field at any depth
// (an Any field counts: its payload is only known at run time). Cached.
bool CanCarrySensitive(const google::protobuf::Descriptor* descriptor);

// The ids of the people ("people/{id}") whose sensitive fields `message`
// carries, by the rule above; ascending, each once.
std::vector<int64_t> PeopleWithPersonalData(const google::protobuf::Message& message);

}  // namespace cercles::redaction

#endif  // CERCLES_COMMON_REDACTION_SUBJECTS_H_
