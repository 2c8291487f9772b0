// What a sibling service or a peer fund receives from any unary RPC it may call:
// the answer with every field set, passed through the step Serve applies to
// every answer (RedactForAudience), keeps no field marked sensitive at any depth,
// while fund staff receive it whole. Streams are covered where they are written
// (events at the outbox append, federation's directory at its read).
#include <google/protobuf/descriptor.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cercles/common/v1/options.pb.h"
#include "common/auth/auth.h"
#include "common/redaction/redaction.h"
#include "common/server/handler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/message_filler.h"
#include "tests/unit/common/redaction/linked_protos.h"

namespace cercles::server {
namespace {

using cercles::common::v1::Role;

bool Allows(const google::protobuf::MethodDescriptor& method, Role role) {
  if (!method.options().HasExtension(cercles::common::v1::access_policy)) return false;
  const auto& policy = method.options().GetExtension(cercles::common::v1::access_policy);
  for (int allowed : policy.allowed_roles()) {
    if (allowed == role) return true;
  }
  return false;
}

// True when some service of the deployment may call the method (by name).
bool AllowsAService(const google::protobuf::MethodDescriptor& method) {
  return method.options().HasExtension(cercles::common::v1::access_policy) &&
         !method.options().GetExtension(cercles::common::v1::access_policy).services().empty();
}

// Every unary RPC of proto/cercles that a service or a peer fund may call.
std::vector<const google::protobuf::MethodDescriptor*> ReadableByOthers() {
  testing::EveryCerclesMessage();  // links every file's generated code in
  const testing::ProtoFiles protos =
      testing::ProtoFilesUnder(CERCLES_SOURCE_DIR "/proto", "cercles");
  std::vector<const google::protobuf::MethodDescriptor*> methods;
  for (const google::protobuf::FileDescriptor* file : protos.files) {
    for (int s = 0; s < file->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        const google::protobuf::MethodDescriptor* method = service->method(m);
        if (method->server_streaming()) continue;
        if (AllowsAService(*method) || Allows(*method, cercles::common::v1::ROLE_PEER_FUND)) {
          methods.push_back(method);
        }
      }
    }
  }
  return methods;
}

auth::Principal Caller(auth::Principal::Kind kind, const std::string& name, Role role) {
  auth::Principal who;
  who.kind = kind;
  who.name = name;
  who.role = role;
  return who;
}

TEST(AudienceRedactionTest, ServicesAndPeersReceiveNoSensitiveFieldFromAnyRpc) {
  const std::vector<const google::protobuf::MethodDescriptor*> methods = ReadableByOthers();
  // Lending reads circles from membership, network reads people's consent,
  // peers read the directory: the walk must find them.
  ASSERT_GE(methods.size(), 5u);
  const auth::Principal service =
      Caller(auth::Principal::Kind::kService, "network", cercles::common::v1::ROLE_SERVICE);
  const auth::Principal peer =
      Caller(auth::Principal::Kind::kPeerFund, "fund-b", cercles::common::v1::ROLE_PEER_FUND);
  int with_sensitive_fields = 0;
  for (const google::protobuf::MethodDescriptor* method : methods) {
    for (const auth::Principal& who : {service, peer}) {
      auto answer = testing::NewFilledMessage(method->output_type());
      ASSERT_NE(answer, nullptr) << method->full_name();
      if (!testing::SetFieldsWhere(*answer, redaction::IsSensitive).empty()) {
        ++with_sensitive_fields;
      }
      RedactForAudience(who, answer.get());
      EXPECT_THAT(testing::SetFieldsWhere(*answer, redaction::IsSensitive), ::testing::IsEmpty())
          << method->full_name() << " answered to " << who.ToString();
    }
  }
  // The answers that can carry personal data (a person, a meeting, a loan) are
  // among them, so the check is not vacuous.
  EXPECT_GT(with_sensitive_fields, 0);
}

TEST(AudienceRedactionTest, StaffReceiveTheWholeAnswer) {
  const auth::Principal admin =
      Caller(auth::Principal::Kind::kStaff, "alice", cercles::common::v1::ROLE_ADMIN);
  const auth::Principal advisor =
      Caller(auth::Principal::Kind::kStaff, "bob", cercles::common::v1::ROLE_ADVISOR);
  for (const google::protobuf::MethodDescriptor* method : ReadableByOthers()) {
    for (const auth::Principal& who : {admin, advisor}) {
      auto answer = testing::NewFilledMessage(method->output_type());
      ASSERT_NE(answer, nullptr) << method->full_name();
      const std::string before = answer->SerializeAsString();
      RedactForAudience(who, answer.get());
      EXPECT_EQ(answer->SerializeAsString(), before) << method->full_name();
    }
  }
}

}  // namespace
}  // namespace cercles::server
