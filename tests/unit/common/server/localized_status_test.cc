// A refusal leaves a service in its caller's language (localized_status.h):
// which language a call gets, and what the translated status keeps (its code,
// its ErrorInfo) and gains (translated violations, a LocalizedMessage). Also
// what translating one message costs.
#include "common/server/localized_status.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/api/error_details.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/i18n/localize.h"
#include "common/util/status.h"
#include "gtest/gtest.h"

namespace cercles::server {
namespace {

using i18n::Language;

TEST(CallLanguageTest, HeaderElseServicesEnglishElseTheDefault) {
  const LanguageOptions french_fund{Language::kFrench, false};
  const LanguageOptions english_fund{Language::kEnglish, false};
  EXPECT_EQ(CallLanguage("", false, french_fund), Language::kFrench);
  EXPECT_EQ(CallLanguage("", false, english_fund), Language::kEnglish);
  // Our own services forward refusals: they read English and translate at their exit.
  EXPECT_EQ(CallLanguage("", true, french_fund), Language::kEnglish);
  EXPECT_EQ(CallLanguage("en", false, french_fund), Language::kEnglish);
  EXPECT_EQ(CallLanguage("fr-CA,fr;q=0.9", false, english_fund), Language::kFrench);
  EXPECT_EQ(CallLanguage("fr", true, english_fund), Language::kFrench);
  EXPECT_EQ(CallLanguage("es", false, french_fund), Language::kFrench);
}

google::rpc::Status DetailsOf(const grpc::Status& status) {
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(status.error_details()));
  return details;
}

template <typename Detail>
Detail Find(const google::rpc::Status& status) {
  Detail detail;
  for (const auto& any : status.details()) {
    if (any.UnpackTo(&detail)) return detail;
  }
  ADD_FAILURE() << "no " << Detail::descriptor()->full_name();
  return detail;
}

TEST(LocalizedStatusTest, FrenchKeepsTheCodeAndTheReason) {
  const grpc::Status english =
      ToGrpcStatus(api::ParseName("circles/0", "circles", "circle").status());
  const grpc::Status french =
      LocalizedStatus(english, Language::kFrench, LanguageOptions{}, "/test/Method");
  EXPECT_EQ(french.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(french.error_message(),
            "circle doit être de la forme « circles/{id} », {id} étant un nombre entier positif "
            "sans signe ni zéro initial, reçu \"circles/0\"");
  const google::rpc::Status details = DetailsOf(french);
  EXPECT_EQ(details.code(), 3);
  EXPECT_EQ(details.message(), french.error_message());
  EXPECT_EQ(Find<google::rpc::ErrorInfo>(details).reason(), "FIELD_INVALID_FORMAT");
  const auto violation = Find<google::rpc::BadRequest>(details).field_violations(0);
  EXPECT_EQ(violation.field(), "circle");
  EXPECT_EQ(violation.reason(), "FIELD_INVALID_FORMAT");
  EXPECT_EQ(violation.description(),
            "doit être de la forme « circles/{id} », {id} étant un nombre entier positif sans "
            "signe ni zéro initial, reçu \"circles/0\"");
  const auto localized = Find<google::rpc::LocalizedMessage>(details);
  EXPECT_EQ(localized.locale(), "fr-CA");
  EXPECT_EQ(localized.message(), french.error_message());
}

TEST(LocalizedStatusTest, EnglishGainsItsLocaleOnlyAndOkStaysOk) {
  const grpc::Status english =
      ToGrpcStatus(absl::UnauthenticatedError("the bearer token is not recognised"));
  const grpc::Status same = LocalizedStatus(english, Language::kEnglish, LanguageOptions{}, "/m");
  EXPECT_EQ(same.error_message(), "the bearer token is not recognised");
  const google::rpc::Status details = DetailsOf(same);
  EXPECT_EQ(Find<google::rpc::ErrorInfo>(details).reason(), "UNAUTHENTICATED");
  EXPECT_EQ(Find<google::rpc::LocalizedMessage>(details).locale(), "en-CA");
  EXPECT_TRUE(LocalizedStatus(grpc::Status::OK, Language::kFrench, LanguageOptions{}, "/m").ok());
  // A status that came with no details (not through ToGrpcStatus) is translated too.
  const grpc::Status bare(grpc::StatusCode::CANCELLED, "call cancelled");
  EXPECT_EQ(LocalizedStatus(bare, Language::kFrench, LanguageOptions{}, "/m").error_message(),
            "appel annulé");
}

// The messages every service shares (common/): each has its French.
TEST(LocalizedStatusTest, CommonRefusalsAreTranslated) {
  const std::vector<absl::Status> refusals = {
      api::ParseName("", "circles", "name").status(),
      api::ParseName("people/x", "circles", "circle").status(),
      api::NormalisePageSize(-1).status(),
      api::InvalidField("person.display_name", "is required", api::reason::kFieldRequired),
      absl::UnauthenticatedError("the bearer token is not recognised"),
      absl::UnavailableError("the server is shutting down and did not start this call; retry"),
  };
  for (const absl::Status& refusal : refusals) {
    EXPECT_TRUE(i18n::TranslateText(refusal.message(), Language::kFrench).has_value())
        << refusal.message();
  }
}

// What one refusal costs to translate (a field rule with values, found among
// every entry of the catalogue), and the whole exit (parse, translate,
// serialize); the numbers go to the test's output.
TEST(LocalizedStatusTest, CostOfOneTranslation) {
  const grpc::Status english = ToGrpcStatus(
      api::InvalidField("person.contact.email", "must be at most 254 characters, got 300",
                        api::reason::kValueOutOfRange));
  constexpr int kRounds = 20000;
  auto time = [&](auto&& work) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kRounds; ++i) work();
    return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start)
               .count() /
           kRounds;
  };
  size_t sink = 0;
  const double text_ns = time(
      [&] { sink += i18n::TranslateText(english.error_message(), Language::kFrench)->size(); });
  const double miss_ns = time([&] {
    sink += i18n::TranslateText("no entry says this at all", Language::kFrench).has_value();
  });
  const double exit_ns = time([&] {
    sink +=
        LocalizedStatus(english, Language::kFrench, LanguageOptions{}, "/m").error_message().size();
  });
  std::printf(
      "translate one message: %.0f ns; a message without entry: %.0f ns; "
      "the whole exit: %.0f ns (%zu)\n",
      text_ns, miss_ns, exit_ns, sink % 10);
  EXPECT_GT(sink, 0u);
}

}  // namespace
}  // namespace cercles::server
