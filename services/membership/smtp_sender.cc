#include "services/membership/smtp_sender.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace cercles::membership {
namespace {

// What libcurl reads the message from.
struct Reader {
  const std::string* message;
  size_t offset = 0;
};

size_t ReadMessage(char* buffer, size_t size, size_t count, void* user) {
  Reader* reader = static_cast<Reader*>(user);
  const size_t room = size * count;
  const size_t left = reader->message->size() - reader->offset;
  const size_t n = std::min(room, left);
  std::memcpy(buffer, reader->message->data() + reader->offset, n);
  reader->offset += n;
  return n;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool LooksLikeAddress(const std::string& address) {
  const size_t at = address.find('@');
  return at != std::string::npos && at > 0 && at + 1 < address.size() &&
         address.find_first_of(" \t\r\n<>") == std::string::npos;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SmtpSender>> SmtpSender::Create(std::string url, std::string from,
                                                               absl::Duration timeout) {
  if (!absl::StartsWith(url, "smtp://") && !absl::StartsWith(url, "smtps://")) {
    return absl::InvalidArgumentError(
        "--smtp_url must start with smtp:// or smtps:// (e.g. smtp://127.0.0.1:2525)");
  }
  if (!LooksLikeAddress(from)) {
    return absl::InvalidArgumentError(
        "--smtp_from must be an email address local@domain, without spaces or <>");
  }
  InitCurlOnce();
  return std::unique_ptr<SmtpSender>(new SmtpSender(std::move(url), std::move(from), timeout));
}

absl::Status SmtpSender::Send(const std::string& to, const std::string& message) const {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return absl::InternalError("SMTP: libcurl could not start a transfer");
  Reader reader{&message};
  curl_slist* recipients = curl_slist_append(nullptr, absl::StrCat("<", to, ">").c_str());
  const std::string mail_from = absl::StrCat("<", from_, ">");
  curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadMessage);
  curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  // STARTTLS when the server offers it (smtps:// is TLS from the start).
  curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(timeout_)));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(timeout_)));
  const CURLcode code = curl_easy_perform(curl);
  long response = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  if (code == CURLE_OK) return absl::OkStatus();
  // curl_easy_strerror names the step ("Failed sending data to the peer",
  // "RCPT failed"), never an address: safe to log.
  return absl::UnavailableError(
      absl::StrCat("SMTP: ", curl_easy_strerror(code),
                   response != 0 ? absl::StrCat(" (reply ", response, ")") : std::string()));
}

}  // namespace cercles::membership
