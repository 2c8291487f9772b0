// The details of a refusal (google.rpc.ErrorInfo, BadRequest) through
// ToGrpcStatus, in the grpc-status-details-bin trailer, and back through
// FromGrpcStatus.
#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"
#include "common/api/error_details.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/text.h"
#include "common/util/status.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace cercles {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// The google.rpc.Status a client reads from the trailer.
google::rpc::Status Trailer(const grpc::Status& status) {
  google::rpc::Status details;
  EXPECT_FALSE(status.error_details().empty());
  EXPECT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_EQ(details.code(), static_cast<int>(status.error_code()));
  EXPECT_EQ(details.message(), status.error_message());
  return details;
}

google::rpc::ErrorInfo InfoOf(const google::rpc::Status& details) {
  google::rpc::ErrorInfo info;
  for (const auto& any : details.details()) {
    if (any.UnpackTo(&info)) return info;
  }
  ADD_FAILURE() << "no ErrorInfo in " << details.DebugString();
  return info;
}

std::vector<std::string> ViolationsOf(const google::rpc::Status& details) {
  std::vector<std::string> out;
  google::rpc::BadRequest bad_request;
  for (const auto& any : details.details()) {
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& v : bad_request.field_violations()) {
      out.push_back(v.field() + "|" + v.reason() + "|" + v.description());
    }
  }
  return out;
}

TEST(StatusDetailsTest, OneFieldCarriesItsReasonFieldAndViolation) {
  const grpc::Status status = ToGrpcStatus(api::ParseName("circle/7", "circles", "name").status());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const google::rpc::Status details = Trailer(status);
  const google::rpc::ErrorInfo info = InfoOf(details);
  EXPECT_EQ(info.reason(), "FIELD_INVALID_FORMAT");
  EXPECT_EQ(info.domain(), "cercles.coop");
  EXPECT_EQ(info.metadata().at("field"), "name");
  EXPECT_THAT(ViolationsOf(details),
              ElementsAre("name|FIELD_INVALID_FORMAT|must be \"circles/{id}\" with {id} a "
                          "positive whole number without sign or leading zeros, got \"circle/7\""));
}

TEST(StatusDetailsTest, HelpersGiveTheirReasons) {
  EXPECT_EQ(InfoOf(Trailer(ToGrpcStatus(api::ParseName("", "people", "name").status()))).reason(),
            "FIELD_REQUIRED");
  EXPECT_EQ(
      InfoOf(Trailer(ToGrpcStatus(api::CleanText("", "display_name", api::OneLine(1, 5)).status())))
          .reason(),
      "FIELD_REQUIRED");
  EXPECT_EQ(InfoOf(Trailer(ToGrpcStatus(
                       api::CleanText("abcdefg", "display_name", api::OneLine(1, 5)).status())))
                .reason(),
            "VALUE_OUT_OF_RANGE");
  EXPECT_EQ(InfoOf(Trailer(ToGrpcStatus(api::NormalisePageSize(-1).status()))).reason(),
            "VALUE_OUT_OF_RANGE");
  EXPECT_EQ(InfoOf(Trailer(ToGrpcStatus(api::DecodePageToken("nope").status()))).reason(),
            "FIELD_INVALID_FORMAT");
}

TEST(StatusDetailsTest, EveryBrokenRuleIsOneViolation) {
  const absl::Status status = api::InvalidFields({
      {"person.given_name", "must be 1 to 100 characters, got 0", ""},
      {"person.language", "is required: LANGUAGE_FR or LANGUAGE_EN", ""},
      {"person.birth_date", "must be in the past", std::string(api::reason::kValueOutOfRange)},
  });
  EXPECT_EQ(status.message(),
            "person.given_name must be 1 to 100 characters, got 0; person.language is required: "
            "LANGUAGE_FR or LANGUAGE_EN; person.birth_date must be in the past");
  const google::rpc::Status details = Trailer(ToGrpcStatus(status));
  EXPECT_EQ(InfoOf(details).reason(), "REQUEST_INVALID");
  EXPECT_THAT(InfoOf(details).metadata(),
              UnorderedElementsAre(Pair("field", "person.given_name"), Pair("violations", "3")));
  EXPECT_THAT(ViolationsOf(details),
              ElementsAre("person.given_name|FIELD_INVALID|must be 1 to 100 characters, got 0",
                          "person.language|FIELD_REQUIRED|is required: LANGUAGE_FR or LANGUAGE_EN",
                          "person.birth_date|VALUE_OUT_OF_RANGE|must be in the past"));
}

// What a check that reports every rule at once (lending's SubmitLoanRequest
// with validate_only) answers: one violation per rule, whatever made it.
TEST(StatusDetailsTest, CombineGivesOneViolationPerRefusal) {
  EXPECT_TRUE(api::Combine({absl::OkStatus(), absl::OkStatus()}).ok());
  const absl::Status one = api::InvalidField("loan.amount", "must be positive");
  EXPECT_EQ(api::Combine({absl::OkStatus(), one}), one);
  const absl::Status all = api::Combine({
      api::InvalidField("loan.amount", "must be positive", api::reason::kValueOutOfRange),
      absl::InvalidArgumentError("loan.purpose is required"),
      absl::FailedPreconditionError("loan.instalment_count must be at most 12 for a first loan"),
      absl::FailedPreconditionError("the circle is not active"),
  });
  EXPECT_EQ(all.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(all.message(),
            "loan.amount must be positive; loan.purpose is required; loan.instalment_count must "
            "be at most 12 for a first loan; the circle is not active");
  const google::rpc::Status details = Trailer(ToGrpcStatus(all));
  EXPECT_EQ(InfoOf(details).reason(), "REQUEST_INVALID");
  EXPECT_EQ(InfoOf(details).metadata().at("violations"), "4");
  EXPECT_THAT(
      ViolationsOf(details),
      ElementsAre("loan.amount|VALUE_OUT_OF_RANGE|must be positive",
                  "loan.purpose|FIELD_REQUIRED|is required",
                  "loan.instalment_count|PRECONDITION_FAILED|must be at most 12 for a first loan"));
}

TEST(StatusDetailsTest, EveryRefusalWithoutAReasonGetsOneFromItsCode) {
  EXPECT_EQ(
      InfoOf(Trailer(ToGrpcStatus(absl::NotFoundError("loan loans/3 does not exist")))).reason(),
      "RESOURCE_NOT_FOUND");
  EXPECT_THAT(
      InfoOf(Trailer(ToGrpcStatus(absl::NotFoundError("circle \"circles/9\" does not exist"))))
          .metadata(),
      UnorderedElementsAre(Pair("resource", "circles/9")));
  EXPECT_EQ(InfoOf(Trailer(ToGrpcStatus(absl::FailedPreconditionError("loan is closed")))).reason(),
            "PRECONDITION_FAILED");
  EXPECT_EQ(InfoOf(Trailer(ToGrpcStatus(absl::PermissionDeniedError("no")))).reason(),
            "PERMISSION_DENIED");
  EXPECT_EQ(InfoOf(Trailer(ToGrpcStatus(absl::AlreadyExistsError("taken")))).reason(),
            "RESOURCE_ALREADY_EXISTS");
  EXPECT_EQ(InfoOf(Trailer(ToGrpcStatus(absl::UnavailableError("later")))).reason(), "UNAVAILABLE");
  // An INVALID_ARGUMENT whose message starts with a field and its rule names it.
  const google::rpc::Status depth =
      Trailer(ToGrpcStatus(absl::InvalidArgumentError("depth must be 1 to 3")));
  EXPECT_EQ(InfoOf(depth).reason(), "FIELD_INVALID");
  EXPECT_EQ(InfoOf(depth).metadata().at("field"), "depth");
  EXPECT_THAT(ViolationsOf(depth), ElementsAre("depth|FIELD_INVALID|must be 1 to 3"));
  EXPECT_THAT(
      ViolationsOf(Trailer(ToGrpcStatus(absl::InvalidArgumentError("meeting is required")))),
      ElementsAre("meeting|FIELD_REQUIRED|is required"));
  // One that does not gets the generic reason and no violation.
  const google::rpc::Status vague =
      Trailer(ToGrpcStatus(absl::InvalidArgumentError("Event names an invalid circle")));
  EXPECT_EQ(InfoOf(vague).reason(), "REQUEST_INVALID");
  EXPECT_THAT(ViolationsOf(vague), ElementsAre());
}

TEST(StatusDetailsTest, OkHasNoDetails) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).error_details().empty());
}

// A refusal one service received from another and answers its own caller with
// keeps its reason and violations.
TEST(StatusDetailsTest, RoundTripThroughFromGrpcStatusKeepsTheDetails) {
  const absl::Status original =
      api::WithErrorInfo(absl::PermissionDeniedError("advisor:a@x may not see people/4"),
                         api::reason::kPermissionDeniedScope, {{"resource", "people/4"}});
  const absl::Status received = FromGrpcStatus(ToGrpcStatus(original));
  EXPECT_EQ(received.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(received.message(), original.message());
  ASSERT_TRUE(api::ErrorInfoOf(received).has_value());
  EXPECT_EQ(api::ErrorInfoOf(received)->reason(), "PERMISSION_DENIED_SCOPE");
  EXPECT_EQ(api::ErrorInfoOf(received)->metadata().at("resource"), "people/4");
  const google::rpc::Status forwarded = Trailer(ToGrpcStatus(received));
  EXPECT_EQ(InfoOf(forwarded).reason(), "PERMISSION_DENIED_SCOPE");
  EXPECT_EQ(forwarded.details_size(), 1);

  const absl::Status invalid = FromGrpcStatus(ToGrpcStatus(api::InvalidFields({
      {"a", "must be x", ""},
      {"b", "is required", ""},
  })));
  ASSERT_TRUE(api::BadRequestOf(invalid).has_value());
  EXPECT_EQ(api::BadRequestOf(invalid)->field_violations_size(), 2);
  EXPECT_THAT(ViolationsOf(Trailer(ToGrpcStatus(invalid))),
              ElementsAre("a|FIELD_INVALID|must be x", "b|FIELD_REQUIRED|is required"));
}

// Lending answers a NOT_FOUND of membership in its own words, with membership's details.
TEST(StatusDetailsTest, WithDetailsOfKeepsTheOtherServicesReason) {
  const absl::Status received = FromGrpcStatus(ToGrpcStatus(api::WithErrorInfo(
      absl::NotFoundError("gone"), api::reason::kResourceNotFound, {{"resource", "circles/4"}})));
  const absl::Status answered = api::WithDetailsOf(
      absl::NotFoundError("circle \"circles/4\" does not exist in membership"), received);
  const google::rpc::Status details = Trailer(ToGrpcStatus(answered));
  EXPECT_EQ(details.message(), "circle \"circles/4\" does not exist in membership");
  EXPECT_EQ(InfoOf(details).reason(), "RESOURCE_NOT_FOUND");
  EXPECT_EQ(InfoOf(details).metadata().at("resource"), "circles/4");
}

TEST(StatusDetailsTest, FromGrpcStatusWithoutDetailsKeepsCodeAndMessage) {
  const absl::Status status =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "gone", "not a proto \xff"));
  EXPECT_EQ(status, absl::NotFoundError("gone"));
  // A trailer of another code is not believed.
  google::rpc::Status other;
  other.set_code(5);
  other.set_message("gone");
  EXPECT_EQ(
      FromGrpcStatus(grpc::Status(grpc::StatusCode::INTERNAL, "x", other.SerializeAsString())),
      absl::InternalError("x"));
}

}  // namespace
}  // namespace cercles
