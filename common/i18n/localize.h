// A refusal in the caller's language: the google.rpc.Status a service sends
// (common/util/status.cc, ToGrpcStatus) with its message and its BadRequest
// field violations translated by the catalogue, and a google.rpc.LocalizedMessage
// saying which locale the message is in. The code and the ErrorInfo (the
// reason codes machines match on) stay as they are.
#ifndef CERCLES_COMMON_I18N_LOCALIZE_H_
#define CERCLES_COMMON_I18N_LOCALIZE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/i18n/language.h"
#include "google/rpc/status.pb.h"

namespace cercles::i18n {

// A text of a refusal in `language` (Catalogue::Translate); nullopt when the
// catalogue lacks it. English texts, and the empty text, are their own
// translation.
std::optional<std::string> TranslateText(absl::string_view text, Language language);

struct Localized {
  google::rpc::Status status;
  // The English texts the catalogue lacks (they stay English in `status`).
  std::vector<std::string> untranslated;
};

// `status` (not OK) in `language`: its message and each field violation's
// description translated (a description is the rule after the field path, so
// "<field> <description>" is what the catalogue translates), and a
// LocalizedMessage (LocaleOf(language), the message) added, replacing one the
// status carried from another service.
Localized Localize(const google::rpc::Status& status, Language language);

}  // namespace cercles::i18n

#endif  // CERCLES_COMMON_I18N_LOCALIZE_H_
