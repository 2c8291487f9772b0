// What every service of the suite is built from. Each service's own context
// derives from ServiceContext and adds what only it needs (lending: its client
// of membership; network: its cache), so that every handler of every service
// reaches the database, the authorizer, the clock and the write path the same way.
#ifndef CERCLES_COMMON_SERVICE_CONTEXT_H_
#define CERCLES_COMMON_SERVICE_CONTEXT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "common/auth/auth.h"
#include "common/events/outbox.h"
#include "common/server/server.h"
#include "common/storage/database.h"
#include "common/storage/group_commit.h"
#include "common/util/clock.h"

namespace cercles::service {

struct ServiceContext {
  storage::Database* db = nullptr;
  const auth::Authorizer* authorizer = nullptr;
  // Where the unary handlers' bodies run (server::Serve).
  server::HandlerPool* handlers = nullptr;
  // Woken after every committed write that appended events (streams follow it).
  events::EventNotifier* notifier = nullptr;
  const Clock* clock = nullptr;
  // The fund this deployment serves (events carry it).
  std::string fund_id;
  // Set when the server drains: long-running calls (streams) end.
  const std::atomic<bool>* stopping = nullptr;
  // Every RunWrite goes through it: concurrent writes share one durable COMMIT.
  // Null: one transaction per write.
  storage::GroupCommitter* committer = nullptr;
  // Runs after every committed write that was not a replay (after the COMMIT,
  // before the caller is answered), e.g. network moving its cache generation on.
  std::function<void()> after_commit;
};

// Owns what a ServiceContext points to for the life of a service process: the
// event notifier, the draining flag and the group committer. main builds one
// and hands context() to its services.
class ServiceRuntime {
 public:
  // The authorizer and the handler pool are `runner`'s (after its Init).
  ServiceRuntime(storage::Database& db, server::ServerRunner& runner, std::string fund_id,
                 const Clock* clock = SystemClock::Default());
  ServiceRuntime(const ServiceRuntime&) = delete;
  ServiceRuntime& operator=(const ServiceRuntime&) = delete;

  const ServiceContext& context() const { return context_; }
  events::EventNotifier& notifier() { return notifier_; }
  storage::GroupCommitter& committer() { return committer_; }
  // Marks the service as draining (streams end).
  void Stop() { stopping_ = true; }
  // Logs the group committer's figures (at exit).
  void LogStats() const;

 private:
  // cercles_group_commit_* in the runner's /metrics.
  void RegisterCommitMetrics(observability::Registry* metrics);

  events::EventNotifier notifier_;
  std::atomic<bool> stopping_{false};
  storage::GroupCommitter committer_;
  ServiceContext context_;
};

}  // namespace cercles::service

#endif  // CERCLES_COMMON_SERVICE_CONTEXT_H_
