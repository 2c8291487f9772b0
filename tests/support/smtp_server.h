// A real SMTP server for the tests of the reminder emails: Debian's aiosmtpd
// (python3-aiosmtpd, 1.4; `python3 -m aiosmtpd --help`) with its Mailbox
// handler, which writes each message it receives into a maildir; and the
// messages read back from it.
#ifndef CERCLES_TESTS_SUPPORT_SMTP_SERVER_H_
#define CERCLES_TESTS_SUPPORT_SMTP_SERVER_H_

#include <dirent.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "tests/support/process.h"

namespace cercles::testing {

// Debian's interpreter, where python3-aiosmtpd is installed (a python3 earlier
// on $PATH may be another one).
inline constexpr char kSmtpPython[] = "/usr/bin/python3";

// Starts aiosmtpd on 127.0.0.1:port writing into `maildir`, its output
// appended to `log_path`. The caller waits for the port (WaitForTcpPort).
inline absl::StatusOr<std::unique_ptr<Process>> StartSmtpServer(int port,
                                                                const std::string& maildir,
                                                                const std::string& log_path) {
  Process::Options options;
  options.argv = {kSmtpPython, "-m",
                  "aiosmtpd",  "-n",
                  "-l",        absl::StrCat("127.0.0.1:", port),
                  "-c",        "aiosmtpd.handlers.Mailbox",
                  maildir};
  options.log_path = log_path;
  return Process::Start(options);
}

// Every message the server wrote into `maildir` (its new/ folder), whole.
inline std::vector<std::string> ReadMaildir(const std::string& maildir) {
  std::vector<std::string> out;
  const std::string folder = maildir + "/new";
  DIR* dir = opendir(folder.c_str());
  if (dir == nullptr) return out;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream file(folder + "/" + entry->d_name);
    std::stringstream text;
    text << file.rdbuf();
    out.push_back(text.str());
  }
  closedir(dir);
  return out;
}

}  // namespace cercles::testing

#endif  // CERCLES_TESTS_SUPPORT_SMTP_SERVER_H_
