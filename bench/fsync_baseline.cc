// cercles-fsync-baseline: the disk's ceiling for durable one-row transactions,
// the third column of the lending benchmark (scripts/bench-lending). Each of
// --concurrency threads commits one INSERT per transaction through
// common/storage (synchronous=FULL on SQLite, a default COMMIT on PostgreSQL)
// for --duration after --warmup. With one thread its rows/s is the rate at which
// the disk makes a commit durable: what a service that commits each write on
// its own can reach at best. Prints the same JSON line as cercles-loadgen
// --output json (rows/s as calls_per_s), so the script reads both alike.
//
//   cercles-fsync-baseline --database_url sqlite:///tmp/b/fsync.db --concurrency 1
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/latency_histogram.h"
#include "bench/load_generator.h"
#include "bench/report.h"
#include "common/config/config.h"
#include "common/storage/database.h"

ABSL_FLAG(std::string, database_url, "", "Where to commit (sqlite://... or postgresql://...)");
ABSL_FLAG(int32_t, concurrency, 1, "Threads committing at once");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "Measured time");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "Unmeasured time before it");
ABSL_FLAG(std::string, label, "fsync baseline", "Name of the run in the JSON line");

namespace cercles::bench {
namespace {

struct Totals {
  absl::Mutex mu;
  LoadResult result ABSL_GUARDED_BY(mu);
};

// Commits one row per transaction until `end`; counts those that finish inside
// [measure_from, end).
void Commit(storage::Database& db, int thread, absl::Time measure_from, absl::Time end,
            Totals* totals) {
  LoadResult mine;
  for (int64_t n = 0;; ++n) {
    const absl::Time start = absl::Now();
    if (start >= end) break;
    absl::Status status =
        storage::RunInTransaction(db, storage::TxMode::kWrite, [&](storage::Transaction& tx) {
          return tx
              .Exec("INSERT INTO fsync_rows (thread, n, payload) VALUES (?, ?, ?)",
                    {int64_t{thread}, n, std::string(64, 'x')})
              .status();
        });
    const absl::Time done = absl::Now();
    if (done < measure_from || done >= end) continue;
    ++mine.calls;
    if (status.ok()) {
      ++mine.ok;
      mine.latency.Record(absl::ToInt64Nanoseconds(done - start));
    } else {
      ErrorCount& error = mine.errors[std::string(absl::StatusCodeToString(status.code()))];
      if (error.count++ == 0) error.first_message = std::string(status.message());
    }
  }
  absl::MutexLock lock(&totals->mu);
  totals->result.calls += mine.calls;
  totals->result.ok += mine.ok;
  for (const auto& [code, count] : mine.errors) {
    ErrorCount& error = totals->result.errors[code];
    if (error.count == 0) error.first_message = count.first_message;
    error.count += count.count;
  }
  totals->result.latency.Merge(mine.latency);
}

int Run() {
  const std::string url = absl::GetFlag(FLAGS_database_url);
  LoadOptions options;
  options.concurrency = absl::GetFlag(FLAGS_concurrency);
  options.duration = absl::GetFlag(FLAGS_duration);
  options.warmup = absl::GetFlag(FLAGS_warmup);
  if (url.empty() || options.concurrency < 1 || options.duration <= absl::ZeroDuration()) {
    std::fprintf(stderr, "--database_url is required; --concurrency and --duration positive\n");
    return 2;
  }
  storage::OpenOptions open;
  open.durable_writes = true;
  open.max_connections = options.concurrency;
  auto db = storage::Database::Open(url, open);
  absl::Status status =
      db.ok() ? (*db)->Migrate("fsync_baseline", {{1, "rows",
                                                   "CREATE TABLE fsync_rows (id {{SERIAL_PK}}, "
                                                   "thread BIGINT NOT NULL, n BIGINT NOT NULL, "
                                                   "payload TEXT NOT NULL)"}})
              : db.status();
  if (!status.ok()) {
    std::fprintf(stderr, "cercles-fsync-baseline: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  const absl::Time measure_from = absl::Now() + options.warmup;
  const absl::Time end = measure_from + options.duration;
  Totals totals;
  std::vector<std::thread> threads;
  for (int t = 0; t < options.concurrency; ++t) {
    threads.emplace_back([&, t] { Commit(**db, t, measure_from, end, &totals); });
  }
  for (std::thread& thread : threads) thread.join();
  absl::MutexLock lock(&totals.mu);
  LoadResult& result = totals.result;
  result.seconds = absl::ToDoubleSeconds(options.duration);
  result.calls_per_second = static_cast<double>(result.ok) / result.seconds;
  RunDescription run{absl::GetFlag(FLAGS_label),
                     absl::StrCat("one INSERT per transaction on ", (*db)->Describe()), options};
  std::printf("%s\n", FormatJson(run, result).c_str());
  return result.error_count() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace cercles::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("one-row durable transactions per second: the disk's fsync ceiling");
  cercles::config::SetVersionForFlags(argv[0]);  // --version
  absl::ParseCommandLine(argc, argv);
  return cercles::bench::Run();
}
