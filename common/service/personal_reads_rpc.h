// The one body of ListPersonalReads, served by each service over its own
// access log (membership's PrivacyService, lending's LendingService,
// network's NetworkService): each request type has the same fields (person,
// principal, start_time, end_time, page_size, page_token).
#ifndef CERCLES_COMMON_SERVICE_PERSONAL_READS_RPC_H_
#define CERCLES_COMMON_SERVICE_PERSONAL_READS_RPC_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cercles/common/v1/access_log.pb.h"
#include "common/api/paging.h"
#include "common/service/access_log.h"
#include "common/storage/database.h"

namespace cercles::service {

// The filter of a ListPersonalReads request, checked: INVALID_ARGUMENT naming
// `person`, `principal`, `start_time`/`end_time`, `page_size` or `page_token`.
absl::StatusOr<AccessLogFilter> PersonalReadsFilter(const std::string& person,
                                                    const std::string& principal,
                                                    const google::protobuf::Timestamp* start_time,
                                                    const google::protobuf::Timestamp* end_time,
                                                    int32_t page_size,
                                                    const std::string& page_token);

// One page of `filter` (read with one more row than its limit - 1 asked).
absl::StatusOr<api::Page<cercles::common::v1::PersonalRead>> PersonalReadsPage(
    storage::Database& db, const AccessLogFilter& filter);

template <typename Request, typename Response>
absl::Status ListPersonalReads(storage::Database& db, const Request& request, Response* response) {
  absl::StatusOr<AccessLogFilter> filter =
      PersonalReadsFilter(request.person(), request.principal(),
                          request.has_start_time() ? &request.start_time() : nullptr,
                          request.has_end_time() ? &request.end_time() : nullptr,
                          request.page_size(), request.page_token());
  if (!filter.ok()) return filter.status();
  absl::StatusOr<api::Page<cercles::common::v1::PersonalRead>> page =
      PersonalReadsPage(db, *filter);
  if (!page.ok()) return page.status();
  for (auto& read : page->rows) *response->add_reads() = std::move(read);
  response->set_next_page_token(page->next_page_token);
  return absl::OkStatus();
}

}  // namespace cercles::service

#endif  // CERCLES_COMMON_SERVICE_PERSONAL_READS_RPC_H_
