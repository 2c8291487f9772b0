// Who looked at whom: every answer to fund staff that carries a person's
// personal data (fields marked sensitive, see common/redaction/subjects.h for
// the rule naming the people) is reported here, one record per (call, person),
// by server::Answer, the one place unary calls are answered. The process's log
// (service::AccessLogWriter) is installed once at start; without one (tests,
// tools) nothing is recorded.
#ifndef CERCLES_COMMON_SERVER_PERSONAL_READS_H_
#define CERCLES_COMMON_SERVER_PERSONAL_READS_H_

#include <google/protobuf/message.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/auth/auth.h"

namespace cercles::server {

// Where a process's personal reads go. Record must be cheap and thread-safe:
// it is called on the handler's thread before the caller is answered.
class PersonalReadLog {
 public:
  virtual ~PersonalReadLog() = default;
  // `principal` ("staff:alice") read the personal data of `person_ids` through
  // `rpc` (the method's full name).
  virtual void Record(const std::string& principal, const std::string& rpc,
                      const std::vector<int64_t>& person_ids) = 0;
};

// Installs the process's log (null: none). The log must outlive every call
// answered while it is installed.
void InstallPersonalReadLog(PersonalReadLog* log);

// What Answer does with a staff answer: when `response` carries personal data
// and a log is installed, records the people it names under the RPC of
// `request`'s type. An answer whose type can carry no sensitive field costs a
// cached look-up.
void RecordPersonalReads(const auth::Authorizer& authorizer, const auth::Principal& who,
                         const google::protobuf::Message& request,
                         const google::protobuf::Message& response);

}  // namespace cercles::server

#endif  // CERCLES_COMMON_SERVER_PERSONAL_READS_H_
