// gMock matchers for statuses, so that a test names the error it expects (or the
// value it expects) instead of only "not ok". Debian's abseil (20220623) has no
// absl/status/status_matchers.h; these serve the same purpose, and also accept
// grpc::Status, whose codes have the same numbers as absl::StatusCode.
//
//   EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
//   EXPECT_THAT(grpc_status, StatusIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("amount")));
//   EXPECT_THAT(ParseThing("x"), IsOkAndHolds(Eq(3)));
//   EXPECT_THAT(store.Write(...), IsOk());
//   CERCLES_ASSERT_OK_AND_ASSIGN(Thing thing, ParseThing("x"));
#ifndef CERCLES_TESTS_SUPPORT_STATUS_MATCHERS_H_
#define CERCLES_TESTS_SUPPORT_STATUS_MATCHERS_H_

#include <grpcpp/support/status.h>

#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cercles::testing {
namespace status_matchers_internal {

// The two things every status type carries, read the same way for all of them.
struct CodeAndMessage {
  absl::StatusCode code;
  std::string message;
};

inline CodeAndMessage Read(const absl::Status& status) {
  return {status.code(), std::string(status.message())};
}
template <typename T>
CodeAndMessage Read(const absl::StatusOr<T>& status_or) {
  return Read(status_or.status());
}
inline CodeAndMessage Read(const grpc::Status& status) {
  return {static_cast<absl::StatusCode>(status.error_code()), status.error_message()};
}

inline absl::StatusCode ToAbslCode(absl::StatusCode code) { return code; }
inline absl::StatusCode ToAbslCode(grpc::StatusCode code) {
  return static_cast<absl::StatusCode>(code);
}

// "NOT_FOUND: \"circles/9 does not exist\"", or only the code when there is no message.
inline std::string StatusText(const CodeAndMessage& status) {
  std::string text = absl::StatusCodeToString(status.code);
  if (!status.message.empty()) text += ": \"" + status.message + "\"";
  return text;
}

class StatusIsMatcher {
 public:
  StatusIsMatcher(absl::StatusCode code, ::testing::Matcher<const std::string&> message)
      : code_(code), message_(std::move(message)) {}

  template <typename StatusType>
  bool MatchAndExplain(const StatusType& value, ::testing::MatchResultListener* listener) const {
    const CodeAndMessage actual = Read(value);
    *listener << "whose status is " << StatusText(actual);
    if (actual.code != code_) return false;
    ::testing::StringMatchResultListener message_listener;
    if (!message_.MatchAndExplain(actual.message, &message_listener)) {
      *listener << ", and its message " << message_listener.str();
      return false;
    }
    return true;
  }

  void DescribeTo(std::ostream* os) const {
    *os << "has status code " << absl::StatusCodeToString(code_) << " and a message that ";
    message_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "does not have status code " << absl::StatusCodeToString(code_)
        << ", or has a message that ";
    message_.DescribeNegationTo(os);
  }

 private:
  absl::StatusCode code_;
  ::testing::Matcher<const std::string&> message_;
};

class IsOkMatcher {
 public:
  template <typename StatusType>
  bool MatchAndExplain(const StatusType& value, ::testing::MatchResultListener* listener) const {
    const CodeAndMessage actual = Read(value);
    if (actual.code == absl::StatusCode::kOk) return true;
    *listener << "whose status is " << StatusText(actual);
    return false;
  }
  void DescribeTo(std::ostream* os) const { *os << "is OK"; }
  void DescribeNegationTo(std::ostream* os) const { *os << "is not OK"; }
};

// Typed once the StatusOr<T> it is matched against is known, so that the inner
// matcher is checked against a T.
template <typename StatusOrType>
class IsOkAndHoldsImpl : public ::testing::MatcherInterface<StatusOrType> {
 public:
  using Value = typename std::remove_cv_t<std::remove_reference_t<StatusOrType>>::value_type;

  explicit IsOkAndHoldsImpl(::testing::Matcher<const Value&> inner) : inner_(std::move(inner)) {}

  bool MatchAndExplain(StatusOrType value,
                       ::testing::MatchResultListener* listener) const override {
    if (!value.ok()) {
      *listener << "whose status is " << value.status();
      return false;
    }
    ::testing::StringMatchResultListener inner_listener;
    const bool matched = inner_.MatchAndExplain(*value, &inner_listener);
    *listener << "which holds " << ::testing::PrintToString(*value);
    if (!inner_listener.str().empty()) *listener << ", " << inner_listener.str();
    return matched;
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "is OK and holds a value that ";
    inner_.DescribeTo(os);
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "is not OK, or holds a value that ";
    inner_.DescribeNegationTo(os);
  }

 private:
  ::testing::Matcher<const Value&> inner_;
};

template <typename InnerMatcher>
class IsOkAndHoldsMatcher {
 public:
  explicit IsOkAndHoldsMatcher(InnerMatcher inner) : inner_(std::move(inner)) {}

  template <typename StatusOrType>
  operator ::testing::Matcher<StatusOrType>() const {  // NOLINT: implicit by design
    using Value = typename IsOkAndHoldsImpl<StatusOrType>::Value;
    return ::testing::Matcher<StatusOrType>(
        new IsOkAndHoldsImpl<StatusOrType>(::testing::SafeMatcherCast<const Value&>(inner_)));
  }

 private:
  InnerMatcher inner_;
};

}  // namespace status_matchers_internal

// Matches an absl::Status, absl::StatusOr<T> or grpc::Status whose code is `code`
// (an absl::StatusCode or a grpc::StatusCode), whatever its message.
template <typename Code>
::testing::PolymorphicMatcher<status_matchers_internal::StatusIsMatcher> StatusIs(Code code) {
  return ::testing::MakePolymorphicMatcher(status_matchers_internal::StatusIsMatcher(
      status_matchers_internal::ToAbslCode(code), ::testing::A<const std::string&>()));
}

// ... and whose message matches `message` (a matcher of std::string, or a string
// that must equal the message).
template <typename Code, typename MessageMatcher>
::testing::PolymorphicMatcher<status_matchers_internal::StatusIsMatcher> StatusIs(
    Code code, MessageMatcher&& message) {
  return ::testing::MakePolymorphicMatcher(status_matchers_internal::StatusIsMatcher(
      status_matchers_internal::ToAbslCode(code),
      ::testing::MatcherCast<const std::string&>(std::forward<MessageMatcher>(message))));
}

// Matches an OK absl::Status, absl::StatusOr<T> or grpc::Status.
inline ::testing::PolymorphicMatcher<status_matchers_internal::IsOkMatcher> IsOk() {
  return ::testing::MakePolymorphicMatcher(status_matchers_internal::IsOkMatcher());
}

// Matches an OK absl::StatusOr<T> whose value matches `inner`.
template <typename InnerMatcher>
status_matchers_internal::IsOkAndHoldsMatcher<std::decay_t<InnerMatcher>> IsOkAndHolds(
    InnerMatcher&& inner) {
  return status_matchers_internal::IsOkAndHoldsMatcher<std::decay_t<InnerMatcher>>(
      std::forward<InnerMatcher>(inner));
}

}  // namespace cercles::testing

// gtest prints a value it cannot otherwise print as raw bytes; a grpc::Status
// reads better as its code and message. Found by argument-dependent lookup.
namespace grpc {
inline void PrintTo(const Status& status, std::ostream* os) {
  namespace matchers = ::cercles::testing::status_matchers_internal;
  *os << matchers::StatusText(matchers::Read(status));
}
}  // namespace grpc

// Evaluates `expr` (an absl::StatusOr<T>); on error the test stops with the
// status, else the value is moved into `lhs`, which may declare a variable:
//   CERCLES_ASSERT_OK_AND_ASSIGN(auto db, storage::Database::Open(url));
#define CERCLES_ASSERT_OK_AND_ASSIGN(lhs, expr)                                                  \
  CERCLES_ASSERT_OK_AND_ASSIGN_WITH_(CERCLES_STATUS_MATCHERS_JOIN_(cercles_statusor_, __LINE__), \
                                     lhs, expr)
#define CERCLES_ASSERT_OK_AND_ASSIGN_WITH_(statusor, lhs, expr) \
  auto statusor = (expr);                                       \
  ASSERT_TRUE(statusor.ok()) << statusor.status();              \
  lhs = *std::move(statusor)
#define CERCLES_STATUS_MATCHERS_JOIN_(a, b) CERCLES_STATUS_MATCHERS_JOIN_INNER_(a, b)
#define CERCLES_STATUS_MATCHERS_JOIN_INNER_(a, b) a##b

#endif  // CERCLES_TESTS_SUPPORT_STATUS_MATCHERS_H_
