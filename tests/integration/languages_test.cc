// The services answer refusals in the caller's language (accept-language,
// else the fund's --default_language), keeping the code and the English reason
// machines match on; cerclesctl asks for its locale's language (or --lang).
#include <stdlib.h>

#include <memory>
#include <string>
#include <vector>

#include "cercles/membership/v1/membership.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "tests/integration/suite.h"

namespace cercles::testing {
namespace {

namespace mv1 = cercles::membership::v1;

using ::testing::HasSubstr;

// What a client reads of a refusal: the message, the reason, the first field
// violation's description and the LocalizedMessage.
struct Read {
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message, reason, violation, locale, localized;
};

Read GetCircle(const std::shared_ptr<grpc::Channel>& channel, const std::string& name,
               const std::string& accept_language) {
  auto stub = mv1::MembershipService::NewStub(channel);
  auto context = Context(TestCredentials().admin_token);
  if (!accept_language.empty()) context->AddMetadata("accept-language", accept_language);
  mv1::GetCircleRequest request;
  request.set_name(name);
  mv1::GetCircleResponse response;
  const grpc::Status status = stub->GetCircle(context.get(), request, &response);
  Read read;
  read.code = status.error_code();
  read.message = status.error_message();
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(status.error_details())) << status.error_message();
  EXPECT_EQ(details.message(), status.error_message());
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad_request;
    google::rpc::LocalizedMessage localized;
    if (any.UnpackTo(&info)) {
      read.reason = info.reason();
    } else if (any.UnpackTo(&bad_request) && bad_request.field_violations_size() > 0) {
      read.violation = bad_request.field_violations(0).description();
    } else if (any.UnpackTo(&localized)) {
      read.locale = localized.locale();
      read.localized = localized.message();
    }
  }
  return read;
}

constexpr char kBadNameFr[] =
    "name doit être de la forme « circles/{id} », {id} étant un nombre entier positif sans "
    "signe ni zéro initial, reçu \"circles/0\"";
constexpr char kBadNameEn[] =
    "name must be \"circles/{id}\" with {id} a positive whole number without sign or leading "
    "zeros, got \"circles/0\"";

// Every message these tests provoke has its French: one without fails them.
class LanguagesTest : public SuiteTest {
 protected:
  void SetUp() override {
    ::setenv("CERCLES_I18N_REQUIRED", "all", 1);
    SuiteTest::SetUp();
  }
};

TEST_F(LanguagesTest, AGrpcClientReadsTheLanguageItAsksFor) {
  const auto channel = suite_->StaffChannel("membership");
  Read french = GetCircle(channel, "circles/0", "fr-CA, en;q=0.5");
  EXPECT_EQ(french.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(french.message, kBadNameFr);
  EXPECT_EQ(french.reason, "FIELD_INVALID_FORMAT");
  EXPECT_EQ(french.violation,
            "doit être de la forme « circles/{id} », {id} étant un nombre entier positif sans "
            "signe ni zéro initial, reçu \"circles/0\"");
  EXPECT_EQ(french.locale, "fr-CA");
  EXPECT_EQ(french.localized, kBadNameFr);

  Read english = GetCircle(channel, "circles/0", "en");
  EXPECT_EQ(english.message, kBadNameEn);
  EXPECT_EQ(english.reason, "FIELD_INVALID_FORMAT");
  EXPECT_EQ(english.locale, "en-CA");

  // No header: the fund's default, English unless --default_language says fr.
  Read fallback = GetCircle(channel, "circles/0", "");
  EXPECT_EQ(fallback.message, kBadNameEn);
  EXPECT_EQ(fallback.locale, "en-CA");

  Read missing = GetCircle(channel, "circles/999999", "fr");
  EXPECT_EQ(missing.code, grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.message, "le cercle « circles/999999 » n'existe pas");
  EXPECT_EQ(missing.reason, "RESOURCE_NOT_FOUND");
}

TEST_F(LanguagesTest, CerclesctlAsksForItsLocalesLanguage) {
  auto ctl = [&](std::vector<std::string> words) {
    std::vector<std::string> command = std::move(words);
    const std::vector<std::string> call = {CerclesctlBinary(),
                                           "--address",
                                           suite_->Address("membership"),
                                           "--ca",
                                           TestCredentials().ca,
                                           "--server-name",
                                           "membership",
                                           "--token",
                                           TestCredentials().admin_token,
                                           "circles",
                                           "get",
                                           "circles/999999"};
    command.insert(command.end(), call.begin(), call.end());
    return RunCommand(command, work_dir());
  };
  CtlResult french = ctl({"LANG=fr_CA.UTF-8"});
  EXPECT_EQ(french.code, 1);
  EXPECT_EQ(french.err,
            "cerclesctl: NOT_FOUND: le cercle « circles/999999 » n'existe pas\n"
            "  reason: RESOURCE_NOT_FOUND\n");
  CtlResult english = ctl({"LANG=fr_CA.UTF-8", "CERCLES_LANG=en"});
  EXPECT_EQ(english.err,
            "cerclesctl: NOT_FOUND: circle \"circles/999999\" does not exist\n"
            "  reason: RESOURCE_NOT_FOUND\n");
  CtlResult neutral = ctl({"LANG=C.UTF-8"});  // no language: the server's default
  EXPECT_THAT(neutral.err, HasSubstr("circle \"circles/999999\" does not exist"));
}

// A fund that works in French: callers without the header read French, those
// asking for English read English.
class FrenchFundTest : public LanguagesTest {
 protected:
  std::optional<Suite::Options> SuiteOptions() const override {
    std::optional<Suite::Options> options = SuiteTest::SuiteOptions();
    options->extra_flags["membership"] = {"--default_language=fr"};
    return options;
  }
};

TEST_F(FrenchFundTest, TheDefaultLanguageIsTheFunds) {
  const auto channel = suite_->StaffChannel("membership");
  Read fallback = GetCircle(channel, "circles/0", "");
  EXPECT_EQ(fallback.message, kBadNameFr);
  EXPECT_EQ(fallback.reason, "FIELD_INVALID_FORMAT");
  EXPECT_EQ(fallback.locale, "fr-CA");
  Read english = GetCircle(channel, "circles/0", "en-US");
  EXPECT_EQ(english.message, kBadNameEn);
  Read other = GetCircle(channel, "circles/0", "es");
  EXPECT_EQ(other.message, kBadNameFr);
}

}  // namespace
}  // namespace cercles::testing
