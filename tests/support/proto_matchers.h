// A gMock matcher for protobuf messages, so that a test compares a whole
// message field by field and, when it differs, says which fields:
//
//   EXPECT_THAT(exported.person(), EqualsProto(got.person()));
#ifndef CERCLES_TESTS_SUPPORT_PROTO_MATCHERS_H_
#define CERCLES_TESTS_SUPPORT_PROTO_MATCHERS_H_

#include <google/protobuf/message.h>
#include <google/protobuf/util/message_differencer.h>

#include <memory>
#include <ostream>
#include <string>

#include "gmock/gmock.h"

namespace cercles::testing {
namespace proto_matchers_internal {

template <typename Message>
class EqualsProtoMatcher {
 public:
  using is_gtest_matcher = void;

  explicit EqualsProtoMatcher(const Message& expected)
      : expected_(std::shared_ptr<Message>(expected.New())) {
    expected_->CopyFrom(expected);
  }

  bool MatchAndExplain(const Message& actual, std::ostream* listener) const {
    std::string differences;
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&differences);
    if (differencer.Compare(*expected_, actual)) return true;
    if (listener != nullptr) *listener << "differs (expected → actual):\n" << differences;
    return false;
  }
  void DescribeTo(std::ostream* os) const {
    *os << "equals " << expected_->GetTypeName() << " {" << expected_->ShortDebugString() << "}";
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "differs from " << expected_->GetTypeName() << " {" << expected_->ShortDebugString()
        << "}";
  }

 private:
  std::shared_ptr<Message> expected_;
};

}  // namespace proto_matchers_internal

// Matches a message of the same type whose every field equals `expected`'s.
template <typename Message>
proto_matchers_internal::EqualsProtoMatcher<Message> EqualsProto(const Message& expected) {
  return proto_matchers_internal::EqualsProtoMatcher<Message>(expected);
}

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_SUPPORT_PROTO_MATCHERS_H_
