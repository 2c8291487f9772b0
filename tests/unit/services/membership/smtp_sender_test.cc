// The SMTP sender against a real SMTP server: Debian's aiosmtpd (python3-aiosmtpd,
// 1.4) with its Mailbox handler writing each message received into a maildir,
// read back here. A server that is down is UNAVAILABLE, with no address in the
// error (it is logged as it is).
#include "services/membership/smtp_sender.h"

#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/process.h"
#include "tests/support/smtp_server.h"

namespace cercles::membership {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class SmtpSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(cercles::testing::kSmtpPython, X_OK) != 0) GTEST_SKIP() << "no python3-aiosmtpd";
    dir_ = cercles::testing::MakeTempDir("smtp-");
    ASSERT_FALSE(dir_.empty());
    port_ = cercles::testing::FreePort();
    auto started = cercles::testing::StartSmtpServer(port_, dir_ + "/maildir", dir_ + "/smtp.log");
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = std::move(*started);
    ASSERT_TRUE(cercles::testing::WaitForTcpPort(port_, absl::Seconds(20)))
        << "aiosmtpd did not listen; see " << dir_ << "/smtp.log";
  }

  std::string dir_;
  int port_ = 0;
  std::unique_ptr<cercles::testing::Process> server_;
};

TEST_F(SmtpSenderTest, TheServerReceivesTheMessageAsSent) {
  auto sender = SmtpSender::Create(absl::StrCat("smtp://127.0.0.1:", port_), "fonds@example.org",
                                   absl::Seconds(10));
  ASSERT_TRUE(sender.ok()) << sender.status();
  const std::string message =
      "From: fonds@example.org\r\nTo: amelie@example.org\r\nSubject: Versement 2\r\n"
      "Message-ID: <reminder.f.loans-7.2.UPCOMING@cercles.invalid>\r\n"
      "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: 8bit\r\n\r\nBonjour Amélie,\r\nIl reste 1 234,56 $.\r\n";
  ASSERT_TRUE((*sender)->Send("amelie@example.org", message).ok());
  const std::vector<std::string> received = cercles::testing::ReadMaildir(dir_ + "/maildir");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_THAT(received[0],
              HasSubstr("Message-ID: <reminder.f.loans-7.2.UPCOMING@cercles.invalid>"));
  EXPECT_THAT(received[0], HasSubstr("To: amelie@example.org"));
  EXPECT_THAT(received[0], HasSubstr("Il reste 1 234,56 $."));
}

TEST_F(SmtpSenderTest, AServerThatIsDownIsUnavailableWithoutTheAddress) {
  server_.reset();  // SIGKILL
  auto sender = SmtpSender::Create(absl::StrCat("smtp://127.0.0.1:", port_), "fonds@example.org",
                                   absl::Seconds(2));
  ASSERT_TRUE(sender.ok()) << sender.status();
  const absl::Status status = (*sender)->Send("amelie@example.org", "Subject: x\r\n\r\nx\r\n");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("amelie")));
}

TEST(SmtpSenderFlags, BadUrlsAndSendersAreNamed) {
  EXPECT_THAT(
      std::string(SmtpSender::Create("http://x", "a@b.c", absl::Seconds(1)).status().message()),
      HasSubstr("--smtp_url must start with smtp:// or smtps://"));
  EXPECT_THAT(
      std::string(SmtpSender::Create("smtp://x:25", "fonds", absl::Seconds(1)).status().message()),
      HasSubstr("--smtp_from must be an email address"));
}

}  // namespace
}  // namespace cercles::membership
