#include "tests/support/status_matchers.h"

#include <grpcpp/support/status.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest-spi.h"
#include "gtest/gtest.h"

namespace cercles::testing {
namespace {

using ::testing::Eq;
using ::testing::ExplainMatchResult;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StringMatchResultListener;

// What a matcher says about a value it is matched against (and whether it matched).
template <typename MatcherType, typename Value>
std::pair<bool, std::string> Explain(const MatcherType& matcher, const Value& value) {
  StringMatchResultListener listener;
  const bool matched = ExplainMatchResult(matcher, value, &listener);
  return {matched, listener.str()};
}

template <typename Value, typename MatcherType>
std::string Describe(const MatcherType& matcher) {
  return ::testing::DescribeMatcher<Value>(matcher);
}

TEST(StatusIsTest, MatchesTheCodeOfAnAbslStatus) {
  const absl::Status status = absl::NotFoundError("circles/9 does not exist");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(status, Not(StatusIs(absl::StatusCode::kInvalidArgument)));
  EXPECT_THAT(absl::OkStatus(), StatusIs(absl::StatusCode::kOk));
  EXPECT_THAT(absl::OkStatus(), Not(StatusIs(absl::StatusCode::kNotFound)));
}

TEST(StatusIsTest, MatchesTheMessage) {
  const absl::Status status = absl::InvalidArgumentError("amount must be positive");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("positive")));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, "amount must be positive"));
  EXPECT_THAT(status, Not(StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("negative"))));
  EXPECT_THAT(status, Not(StatusIs(absl::StatusCode::kInvalidArgument, "amount")));
  // The right message under the wrong code is still a mismatch.
  EXPECT_THAT(status, Not(StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("amount"))));
}

TEST(StatusIsTest, MatchesAStatusOr) {
  const absl::StatusOr<int> failed = absl::PermissionDeniedError("not your circle");
  EXPECT_THAT(failed, StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("circle")));
  EXPECT_THAT(failed, Not(StatusIs(absl::StatusCode::kNotFound)));
  const absl::StatusOr<int> value = 7;
  EXPECT_THAT(value, StatusIs(absl::StatusCode::kOk));
  EXPECT_THAT(value, Not(StatusIs(absl::StatusCode::kUnknown)));
}

TEST(StatusIsTest, MatchesAGrpcStatusWithEitherKindOfCode) {
  const grpc::Status status(grpc::StatusCode::FAILED_PRECONDITION, "overpayments are refused");
  EXPECT_THAT(status, StatusIs(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("overpayments")));
  EXPECT_THAT(status, Not(StatusIs(grpc::StatusCode::INVALID_ARGUMENT)));
  EXPECT_THAT(status, Not(StatusIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("late"))));
  EXPECT_THAT(grpc::Status::OK, StatusIs(grpc::StatusCode::OK));
}

TEST(StatusIsTest, ExplainsAMismatch) {
  const auto [matched, why] = Explain(StatusIs(absl::StatusCode::kNotFound),
                                      absl::InvalidArgumentError("page_size must be positive"));
  EXPECT_FALSE(matched);
  EXPECT_EQ(why, "whose status is INVALID_ARGUMENT: \"page_size must be positive\"");

  const auto [message_matched, message_why] =
      Explain(StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("loans/3")),
              grpc::Status(grpc::StatusCode::NOT_FOUND, "loans/4 does not exist"));
  EXPECT_FALSE(message_matched);
  EXPECT_THAT(message_why, HasSubstr("whose status is NOT_FOUND: \"loans/4 does not exist\""));
}

TEST(StatusIsTest, DescribesWhatItExpects) {
  EXPECT_EQ(Describe<absl::Status>(StatusIs(absl::StatusCode::kAborted, HasSubstr("retry"))),
            "has status code ABORTED and a message that has substring \"retry\"");
  EXPECT_EQ(Describe<absl::Status>(Not(StatusIs(absl::StatusCode::kAborted, "x"))),
            "does not have status code ABORTED, or has a message that isn't equal to \"x\"");
}

TEST(IsOkTest, MatchesOnlyOk) {
  EXPECT_THAT(absl::OkStatus(), IsOk());
  EXPECT_THAT(grpc::Status::OK, IsOk());
  EXPECT_THAT(absl::StatusOr<std::string>("x"), IsOk());
  EXPECT_THAT(absl::UnavailableError("down"), Not(IsOk()));
  EXPECT_THAT(grpc::Status(grpc::StatusCode::CANCELLED, ""), Not(IsOk()));
  EXPECT_THAT(absl::StatusOr<std::string>(absl::InternalError("boom")), Not(IsOk()));

  const auto [matched, why] = Explain(IsOk(), absl::UnavailableError("down"));
  EXPECT_FALSE(matched);
  EXPECT_EQ(why, "whose status is UNAVAILABLE: \"down\"");
}

TEST(IsOkAndHoldsTest, MatchesTheValue) {
  const absl::StatusOr<int> three = 3;
  EXPECT_THAT(three, IsOkAndHolds(3));
  EXPECT_THAT(three, IsOkAndHolds(Eq(3)));
  EXPECT_THAT(three, Not(IsOkAndHolds(4)));
  const absl::StatusOr<std::string> text = std::string("circles/12");
  EXPECT_THAT(text, IsOkAndHolds(HasSubstr("circles/")));
  EXPECT_THAT(text, Not(IsOkAndHolds(HasSubstr("people/"))));
}

TEST(IsOkAndHoldsTest, AnErrorNeverMatches) {
  const absl::StatusOr<int> failed = absl::NotFoundError("gone");
  EXPECT_THAT(failed, Not(IsOkAndHolds(::testing::_)));
  const auto [matched, why] = Explain(IsOkAndHolds(3), failed);
  EXPECT_FALSE(matched);
  EXPECT_THAT(why, HasSubstr("NOT_FOUND"));
  EXPECT_THAT(why, HasSubstr("gone"));
}

TEST(IsOkAndHoldsTest, ExplainsAndDescribes) {
  const auto [matched, why] = Explain(IsOkAndHolds(4), absl::StatusOr<int>(3));
  EXPECT_FALSE(matched);
  EXPECT_EQ(why, "which holds 3");
  EXPECT_EQ(Describe<absl::StatusOr<int>>(IsOkAndHolds(4)),
            "is OK and holds a value that is equal to 4");
}

TEST(AssertOkAndAssignTest, AssignsTheValue) {
  CERCLES_ASSERT_OK_AND_ASSIGN(const int value, absl::StatusOr<int>(5));
  EXPECT_EQ(value, 5);
  std::unique_ptr<std::string> moved;
  CERCLES_ASSERT_OK_AND_ASSIGN(moved, absl::StatusOr<std::unique_ptr<std::string>>(
                                          std::make_unique<std::string>("only movable")));
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(*moved, "only movable");
}

// The macro on an error stops the test with a fatal failure naming the status.
void AssignFromError() {
  CERCLES_ASSERT_OK_AND_ASSIGN(const int value, absl::StatusOr<int>(absl::AbortedError("retry")));
  ADD_FAILURE() << "not reached, got " << value;
}

TEST(AssertOkAndAssignTest, AnErrorIsAFatalFailure) {
  ::testing::TestPartResultArray failures;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    AssignFromError();
  }
  ASSERT_EQ(failures.size(), 1);
  EXPECT_TRUE(failures.GetTestPartResult(0).fatally_failed());
  EXPECT_THAT(failures.GetTestPartResult(0).message(), HasSubstr("ABORTED: retry"));
}

}  // namespace
}  // namespace cercles::testing
