// Closed sets given as an enum beside the deprecated string field it replaces
// (VoteTally.vote_outcome and .outcome, JournalEntry.entry_kind and .kind...).
// One rule for all of them: the string is the enum value's name without the
// enum's prefix (the zero value's name without "UNSPECIFIED"), so
// JOURNAL_ENTRY_KIND_REPAYMENT is "REPAYMENT". Answers fill both; requests may
// give either, the enum winning, and both only when they agree.
#ifndef CERCLES_COMMON_API_CLOSED_SET_H_
#define CERCLES_COMMON_API_CLOSED_SET_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/repeated_field.h>

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace cercles::api {

// "REPAYMENT" for JOURNAL_ENTRY_KIND_REPAYMENT; "" for the zero value and for a
// number outside the enum.
std::string EnumText(const google::protobuf::EnumDescriptor& type, int value);

// The value whose text is `text` (ignoring ASCII case); nullopt for "", for the
// zero value's text and for anything else.
std::optional<int> EnumFromText(const google::protobuf::EnumDescriptor& type,
                                absl::string_view text);

// The text a request means by the enum field `enum_field` (`value`, 0: not
// given) and the deprecated string field `text_field` (`text`, "": not given):
// the enum's text when it is given, `text` as it is otherwise (the caller's own
// rules then judge it, with their own messages). INVALID_ARGUMENT for an enum
// number outside the enum, and when both are given and name different values:
// `<text_field> "X" and <enum_field> JOURNAL_ENTRY_KIND_Y disagree: give one`.
absl::StatusOr<std::string> RequestedEnumText(const google::protobuf::EnumDescriptor& type,
                                              int value, absl::string_view text,
                                              absl::string_view enum_field,
                                              absl::string_view text_field);

// Sets the string field `text_field` of `message` to `name` and the enum field
// `enum_field` beside it to the value of that name (the zero value when it has
// none), through reflection, so the deprecated string is written without its
// deprecated accessor. Both fields must exist (a programming error otherwise:
// nothing is set, and the caller's tests see it).
void SetClosedSet(google::protobuf::Message* message, absl::string_view text_field,
                  absl::string_view enum_field, const std::string& name);

// RequestedEnumText for a repeated pair, entry by entry: when both lists are
// given they must have the same length and agree at each position; an entry
// of `values` may not be the zero value.
absl::StatusOr<google::protobuf::RepeatedPtrField<std::string>> RequestedEnumTexts(
    const google::protobuf::EnumDescriptor& type,
    const google::protobuf::RepeatedField<int>& values,
    const google::protobuf::RepeatedPtrField<std::string>& texts, absl::string_view enum_field,
    absl::string_view text_field);

}  // namespace cercles::api

#endif  // CERCLES_COMMON_API_CLOSED_SET_H_
