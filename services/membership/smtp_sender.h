// Sends one email through an SMTP server with libcurl (issue 12, item 7: the
// reminders membership emails to the borrowers who consented). The server is
// `--smtp_url`: smtp://host:port (STARTTLS used when the server offers it), or
// smtps://host:port, with user:password@ when the server asks for a login —
// then the URL is a secret (deploy/README.md). A failure names the SMTP step
// and code, never the recipient or the message: it may be logged as it is.
#ifndef CERCLES_SERVICES_MEMBERSHIP_SMTP_SENDER_H_
#define CERCLES_SERVICES_MEMBERSHIP_SMTP_SENDER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace cercles::membership {

class SmtpSender {
 public:
  // INVALID_ARGUMENT naming the flag unless `url` starts with smtp:// or
  // smtps:// and `from` is an address ("local@domain").
  static absl::StatusOr<std::unique_ptr<SmtpSender>> Create(std::string url, std::string from,
                                                            absl::Duration timeout);

  // Sends `message` (RFC 5322, CRLF line ends, headers included) to `to`.
  // UNAVAILABLE when the server cannot be reached or refuses it (retry later).
  absl::Status Send(const std::string& to, const std::string& message) const;

  const std::string& from() const { return from_; }

 private:
  SmtpSender(std::string url, std::string from, absl::Duration timeout)
      : url_(std::move(url)), from_(std::move(from)), timeout_(timeout) {}

  std::string url_;
  std::string from_;
  absl::Duration timeout_;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_SMTP_SENDER_H_
