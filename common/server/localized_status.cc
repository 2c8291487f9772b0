#include "common/server/localized_status.h"

#include <string>

#include "common/i18n/localize.h"
#include "common/util/log.h"
#include "google/rpc/status.pb.h"

namespace cercles::server {

i18n::Language CallLanguage(absl::string_view accept_language, bool caller_is_service,
                            const LanguageOptions& options) {
  if (accept_language.empty()) {
    return caller_is_service ? i18n::Language::kEnglish : options.default_language;
  }
  return i18n::LanguageOfAcceptLanguage(accept_language, options.default_language);
}

grpc::Status LocalizedStatus(const grpc::Status& status, i18n::Language language,
                             const LanguageOptions& options, absl::string_view method) {
  if (status.ok()) return status;
  google::rpc::Status english;
  if (status.error_details().empty() || !english.ParseFromString(status.error_details())) {
    english.Clear();
    english.set_code(static_cast<int>(status.error_code()));
  }
  english.set_message(status.error_message());
  const bool french = language == i18n::Language::kFrench;
  i18n::Localized localized = i18n::Localize(
      english, french || options.strict ? i18n::Language::kFrench : i18n::Language::kEnglish);
  if (options.strict) {
    for (const std::string& text : localized.untranslated) {
      log::Error("untranslated error message", {{"marker", std::string(kUntranslatedMarker)},
                                                {"method", std::string(method)},
                                                {"message", text}});
    }
  }
  if (!french && options.strict) localized = i18n::Localize(english, i18n::Language::kEnglish);
  return grpc::Status(status.error_code(), localized.status.message(),
                      localized.status.SerializeAsString());
}

}  // namespace cercles::server
