// Answers in the caller's language. Every status a service sends passes the
// call interceptor's PRE_SEND_STATUS hook (server.cc): unary handlers, streams,
// the refusals made before a handler runs (authentication, access policy, a
// method served on another port), so that is the one place it is translated,
// after ToGrpcStatus gave it its details in English.
#ifndef CERCLES_COMMON_SERVER_LOCALIZED_STATUS_H_
#define CERCLES_COMMON_SERVER_LOCALIZED_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/strings/string_view.h"
#include "common/i18n/language.h"

namespace cercles::server {

// The log line's marker of an error message the French catalogue lacks
// (strict mode): the integration tests fail on it (tests/integration/suite.cc),
// scripts/i18n-untranslated lists them.
inline constexpr absl::string_view kUntranslatedMarker = "I18N_UNTRANSLATED";

struct LanguageOptions {
  // The language of callers that send no accept-language header.
  i18n::Language default_language = i18n::Language::kEnglish;
  // Log every error message without a French translation (kUntranslatedMarker),
  // whatever the caller's language: the tests run so.
  bool strict = false;
};

// The language a call is answered in: what its accept-language header asks;
// without the header, English for our own services (they forward a refusal and
// translate it at their own exit) and the default for everyone else.
i18n::Language CallLanguage(absl::string_view accept_language, bool caller_is_service,
                            const LanguageOptions& options);

// `status` (from ToGrpcStatus) in `language`: message, field violations and a
// google.rpc.LocalizedMessage (i18n::Localize), the code and the ErrorInfo
// unchanged. OK stays OK. In strict mode an English text without a French
// translation is logged as an error with kUntranslatedMarker and `method`.
grpc::Status LocalizedStatus(const grpc::Status& status, i18n::Language language,
                             const LanguageOptions& options, absl::string_view method);

}  // namespace cercles::server

#endif  // CERCLES_COMMON_SERVER_LOCALIZED_STATUS_H_
