// What every membership service object is built from, and how main registers
// them all. Adding a service to membership = one member and one line here.
#ifndef CERCLES_SERVICES_MEMBERSHIP_CONTEXT_H_
#define CERCLES_SERVICES_MEMBERSHIP_CONTEXT_H_

#include <grpcpp/server_context.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/events/outbox.h"
#include "common/server/server.h"
#include "common/service/context.h"
#include "common/service/write.h"
#include "common/storage/database.h"
#include "common/util/clock.h"

namespace cercles::membership {

// Fund settings of membership (from flags; see main.cc).
struct MembershipSettings {
  // A person joins a circle only after completing a training, unless waived.
  bool require_training = true;
};

struct MembershipContext : service::ServiceContext {
  MembershipSettings settings;
};

using service::RunWrite;  // common/service/write.h: the one write path

// Appends `event` about `subject` (a resource name) to membership's outbox in the
// write's transaction; events::AppendEvent redacts it for each audience. How
// every membership write emits its events.
absl::Status Emit(storage::Transaction& tx, const MembershipContext& context,
                  const std::string& subject, const google::protobuf::Message& event,
                  absl::Time now);

// All migrations of the membership service, components in dependency order.
absl::Status MigrateMembership(storage::Database& db);

class MembershipService;
class PeopleService;
class TrainingService;
class MeetingService;
class PrivacyService;

// Owns every gRPC service of membership and registers them with the runner.
class MembershipServices {
 public:
  explicit MembershipServices(const MembershipContext& context);
  ~MembershipServices();
  void RegisterWith(server::ServerRunner& runner);

 private:
  std::unique_ptr<MembershipService> circles_;
  std::unique_ptr<PeopleService> people_;
  std::unique_ptr<TrainingService> trainings_;
  std::unique_ptr<MeetingService> meetings_;
  std::unique_ptr<PrivacyService> privacy_;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_CONTEXT_H_
