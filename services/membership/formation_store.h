// SQL for forming circles from a cohort: its graduates who are in no circle yet.
#ifndef CERCLES_SERVICES_MEMBERSHIP_FORMATION_STORE_H_
#define CERCLES_SERVICES_MEMBERSHIP_FORMATION_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/storage/database.h"
#include "services/membership/formation.h"

namespace cercles::membership {

struct Cohort {
  std::string display_name;
  std::vector<Graduate> free_graduates;  // completed, active, in no circle; by id
};

// NOT_FOUND when the training does not exist.
absl::StatusOr<Cohort> LoadCohort(storage::Transaction& tx, int64_t training_id);

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_FORMATION_STORE_H_
