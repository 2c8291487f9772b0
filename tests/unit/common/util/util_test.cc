#include <cstdlib>
#include <set>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/util/clock.h"
#include "common/util/crypto.h"
#include "common/util/log.h"
#include "common/util/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace cercles {
namespace {

using ::cercles::testing::StatusIs;

TEST(StatusTest, MapsEveryCanonicalCodeBothWays) {
  for (int code = 0; code <= 16; ++code) {
    absl::Status s(static_cast<absl::StatusCode>(code), code == 0 ? "" : "why");
    grpc::Status g = ToGrpcStatus(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), code);
    // Code and message come back (with the details ToGrpcStatus added).
    EXPECT_EQ(FromGrpcStatus(g).code(), s.code());
    EXPECT_EQ(FromGrpcStatus(g).message(), s.message());
  }
  EXPECT_EQ(
      ToGrpcStatus(absl::NotFoundError("circle \"circles/9\" does not exist")).error_message(),
      "circle \"circles/9\" does not exist");
  EXPECT_STREQ(GrpcCodeName(grpc::StatusCode::FAILED_PRECONDITION), "FAILED_PRECONDITION");
}

TEST(CryptoTest, Sha256MatchesTheStandardVector) {
  // FIPS 180-2, appendix B.1: SHA-256("abc").
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// A self-signed certificate and the fingerprint `openssl x509 -noout
// -fingerprint -sha256` printed for it.
TEST(CryptoTest, CertificateFingerprintIsOpensslsSha256OfTheDer) {
  const std::string pem =
      "-----BEGIN CERTIFICATE-----\n"
      "MIIBfTCCASOgAwIBAgIUBimb/WMDdaJVEhA4aiNbn6BacSQwCgYIKoZIzj0EAwIw\n"
      "EzERMA8GA1UEAwwIZnVuZC1waW4wIBcNMjYxMjA2MjAxNDA4WhgPMjEyNjExMTIy\n"
      "MDE0MDhaMBMxETAPBgNVBAMMCGZ1bmQtcGluMFkwEwYHKoZIzj0CAQYIKoZIzj0D\n"
      "AQcDQgAE/0UD+VCHo8RcxW7mj7IZMLLFjcR2tLfC/P0GAtIbZ6Sl4TkeQfhHl5WP\n"
      "ZgBu2QQ/1bAeRFW5IfpoDPacFWaMOKNTMFEwHQYDVR0OBBYEFOy3i2MudInemDgD\n"
      "WOfFrj3TiWFPMB8GA1UdIwQYMBaAFOy3i2MudInemDgDWOfFrj3TiWFPMA8GA1Ud\n"
      "EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhANKbkB6ZoWxiSnK6ft4B9jnq\n"
      "woo+exea4AZQalEz0hB6AiADJ9H8A4EbSqLmuwqaiuUWaeWgp+caSR58KfGlc3I4\n"
      "/w==\n"
      "-----END CERTIFICATE-----\n";
  EXPECT_EQ(CertificateSha256Hex(pem),
            "60f86d78c971c0f6c63ae4f9d49196f67a0fd02848a74a802da27823a818b2d5");
  EXPECT_EQ(CertificateSha256Hex("not a certificate"), "");
  EXPECT_EQ(CertificateSha256Hex(""), "");
}

TEST(CryptoTest, UuidsAreVersion4AndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewUuid();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[14], '4');
    EXPECT_TRUE(seen.insert(id).second);
  }
  EXPECT_EQ(RandomHex(24).size(), 48u);
  EXPECT_EQ(StableHash64("outbox"), StableHash64("outbox"));
  EXPECT_NE(StableHash64("outbox"), StableHash64("cursor"));
}

TEST(CryptoTest, TimeOrderedUuidsAreVersion7DistinctAndSortByTime) {
  std::set<std::string> seen;
  std::string previous_millis;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewTimeOrderedUuid();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[14], '7');
    EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b') << id;
    EXPECT_TRUE(seen.insert(id).second);
    // The first 48 bits are the milliseconds: never going back in time.
    const std::string millis = id.substr(0, 8) + id.substr(9, 4);
    EXPECT_GE(millis, previous_millis);
    previous_millis = millis;
  }
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  const std::string id = NewTimeOrderedUuid();
  const int64_t id_ms = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
  EXPECT_LE(std::abs(id_ms - now_ms), 1000);
}

TEST(ClockTest, TimestampsFromMicrosecondsIncludingBeforeTheEpoch) {
  google::protobuf::Timestamp ts;
  SetTimestampMicros(1500001, &ts);
  EXPECT_EQ(ts.seconds(), 1);
  EXPECT_EQ(ts.nanos(), 500001000);
  SetTimestampMicros(-1, &ts);
  EXPECT_EQ(ts.seconds(), -1);
  EXPECT_EQ(ts.nanos(), 999999000);
  FakeClock clock(absl::FromUnixSeconds(100));
  clock.Advance(absl::Hours(24));
  EXPECT_EQ(ToMicros(clock.Now()), (100 + 86400) * int64_t{1000000});
}

TEST(LogTest, JsonQuotingEscapesControlCharacters) {
  EXPECT_EQ(log::JsonQuote("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
  EXPECT_EQ(log::JsonQuote("Cercle Élan"), "\"Cercle Élan\"");
}

}  // namespace
}  // namespace cercles
