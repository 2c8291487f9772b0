#include "common/service/context.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/util/log.h"

namespace cercles::service {

ServiceRuntime::ServiceRuntime(storage::Database& db, server::ServerRunner& runner,
                               std::string fund_id, const Clock* clock)
    : committer_(db) {
  context_.db = &db;
  context_.authorizer = runner.authorizer();
  context_.handlers = runner.handlers();
  context_.notifier = &notifier_;
  context_.clock = clock;
  context_.fund_id = std::move(fund_id);
  context_.stopping = &stopping_;
  context_.committer = &committer_;
}

void ServiceRuntime::LogStats() const {
  const storage::GroupCommitter::Stats commits = committer_.stats();
  log::Info("group commit", {{"writes", absl::StrCat(commits.writes)},
                             {"transactions", absl::StrCat(commits.transactions)},
                             {"largest_batch", absl::StrCat(commits.largest_batch)},
                             {"retries", absl::StrCat(commits.retries)},
                             {"commit_failures", absl::StrCat(commits.commit_failures)},
                             {"write_time", absl::FormatDuration(commits.write_time)},
                             {"commit_time", absl::FormatDuration(commits.commit_time)}});
}

}  // namespace cercles::service
