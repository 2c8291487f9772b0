// Walking protobuf messages by their descriptors, for tests that must hold for
// every message type (redaction of events and of service-to-service answers):
// a message with every field set, the fields a message has set at every depth,
// and every message type of the .proto files under a source folder.
// Knows no Cercles type: the generated code a test links in is found through
// the generated descriptor pool.
#ifndef CERCLES_TESTS_SUPPORT_MESSAGE_FILLER_H_
#define CERCLES_TESTS_SUPPORT_MESSAGE_FILLER_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cercles::testing {

// Sets every field of `message`, nested messages included, recursively: each
// string to its field's full name (so a leak names itself), numbers to the
// field number, bools to true, enums to their last value, and two elements in
// each repeated field. A oneof ends with its last member set. A message type
// already being filled further up the path is left empty (no endless recursion),
// and so is google.protobuf.Any (its payload type is not known).
void FillEveryField(google::protobuf::Message* message);

// A message of the generated type `descriptor` (e.g. an RPC's output_type())
// with every field set as FillEveryField does; null if the type's generated code
// is not linked in.
std::unique_ptr<google::protobuf::Message> NewFilledMessage(
    const google::protobuf::Descriptor* descriptor);

// One field set in a message, at any depth.
struct SetField {
  // "loan.votes[1].comment" (repeated fields with their index).
  std::string path;
  // The fields from the top message down to this one: path's descriptors.
  std::vector<const google::protobuf::FieldDescriptor*> chain;
};

// Every field `message` has set, at every depth, parents before their fields.
std::vector<SetField> SetFields(const google::protobuf::Message& message);

// The paths of the fields of `message` set at any depth for which `matches`
// holds (a matching message field is listed and not walked into).
std::vector<std::string> SetFieldsWhere(
    const google::protobuf::Message& message,
    const std::function<bool(const google::protobuf::FieldDescriptor*)>& matches);

// The .proto files under `root`/`folder` (e.g. CERCLES_SOURCE_DIR "/proto",
// "cercles"), as the generated pool knows them by their import path.
struct ProtoFiles {
  std::vector<const google::protobuf::FileDescriptor*> files;
  // Import paths on disk the pool does not know: the test does not link the
  // generated code of that file (reference one of its messages in the test).
  std::vector<std::string> not_linked;
};
ProtoFiles ProtoFilesUnder(const std::string& root, const std::string& folder);

// Every message type the files declare, nested ones included (map entries
// excluded), by full name.
std::vector<const google::protobuf::Descriptor*> MessageTypes(
    const std::vector<const google::protobuf::FileDescriptor*>& files);

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_SUPPORT_MESSAGE_FILLER_H_
