#include "common/i18n/localize.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/i18n/catalogue.h"
#include "google/rpc/error_details.pb.h"

namespace cercles::i18n {
namespace {

constexpr absl::string_view kTypeUrlPrefix = "type.googleapis.com/";

std::string TypeUrlOf(const google::protobuf::Message& message) {
  return absl::StrCat(kTypeUrlPrefix, message.GetDescriptor()->full_name());
}

}  // namespace

std::optional<std::string> TranslateText(absl::string_view text, Language language) {
  // English is its own translation; nothing needs none (a status without message).
  if (language == Language::kEnglish || text.empty()) return std::string(text);
  return CatalogueOf(language).Translate(text);
}

Localized Localize(const google::rpc::Status& status, Language language) {
  Localized out;
  out.status = status;
  auto translate = [&](const std::string& text) {
    std::optional<std::string> translated = TranslateText(text, language);
    if (!translated.has_value()) {
      out.untranslated.push_back(text);
      return text;
    }
    return *std::move(translated);
  };
  out.status.set_message(translate(status.message()));

  const std::string bad_request_url = TypeUrlOf(google::rpc::BadRequest::default_instance());
  const std::string localized_url = TypeUrlOf(google::rpc::LocalizedMessage::default_instance());
  auto* details = out.status.mutable_details();
  for (int i = details->size() - 1; i >= 0; --i) {
    if (details->Get(i).type_url() == localized_url) details->DeleteSubrange(i, 1);
  }
  for (google::protobuf::Any& detail : *details) {
    if (detail.type_url() != bad_request_url || language == Language::kEnglish) continue;
    google::rpc::BadRequest bad_request;
    if (!bad_request.ParseFromString(detail.value())) continue;
    for (google::rpc::BadRequest::FieldViolation& violation :
         *bad_request.mutable_field_violations()) {
      const std::string sentence = absl::StrCat(violation.field(), " ", violation.description());
      // A refusal whose one violation is its whole message was translated above.
      std::string translated =
          sentence == status.message() ? out.status.message() : translate(sentence);
      const std::string field_prefix = absl::StrCat(violation.field(), " ");
      if (absl::StartsWith(translated, field_prefix)) translated.erase(0, field_prefix.size());
      violation.set_description(std::move(translated));
    }
    detail.set_value(bad_request.SerializeAsString());
  }
  google::rpc::LocalizedMessage localized;
  localized.set_locale(std::string(LocaleOf(language)));
  localized.set_message(out.status.message());
  google::protobuf::Any* any = out.status.add_details();
  any->set_type_url(localized_url);
  any->set_value(localized.SerializeAsString());
  return out;
}

}  // namespace cercles::i18n
