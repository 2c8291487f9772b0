// SQL for trainings and enrolments. Every function runs inside the caller's
// transaction, so a change, its event and its idempotency record commit together.
#ifndef CERCLES_SERVICES_MEMBERSHIP_TRAINING_STORE_H_
#define CERCLES_SERVICES_MEMBERSHIP_TRAINING_STORE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cercles/common/v1/date.pb.h"
#include "cercles/membership/v1/trainings.pb.h"
#include "common/storage/database.h"

namespace cercles::membership {

// Which enrolments to list: of a training, of a person, or both (0: any).
struct EnrolmentFilter {
  int64_t training_id = 0;
  int64_t person_id = 0;
  // Set: only people in no circle or in one of these (an advisor's scope).
  std::optional<std::vector<int64_t>> visible_circles = std::nullopt;
};

// Where a page of enrolments starts: after this (training, person) pair.
struct EnrolmentPosition {
  int64_t training_id = 0;
  int64_t person_id = 0;
};

class TrainingStore {
 public:
  // Stores a draft (see DraftNewTraining) and returns it with its name and times.
  absl::StatusOr<cercles::membership::v1::Training> Insert(
      storage::Transaction& tx, const cercles::membership::v1::Training& draft,
      absl::Time now) const;
  absl::StatusOr<std::optional<cercles::membership::v1::Training>> Get(storage::Transaction& tx,
                                                                       int64_t id) const;
  // Trainings with id > after_id, in id order, at most limit.
  absl::StatusOr<std::vector<cercles::membership::v1::Training>> List(storage::Transaction& tx,
                                                                      int64_t after_id,
                                                                      int limit) const;

  absl::StatusOr<std::optional<cercles::membership::v1::Enrolment>> GetEnrolment(
      storage::Transaction& tx, int64_t training_id, int64_t person_id) const;
  // Enrols; the caller checked that the pair is not enrolled yet.
  absl::StatusOr<cercles::membership::v1::Enrolment> Enrol(storage::Transaction& tx,
                                                           int64_t training_id, int64_t person_id,
                                                           absl::Time now) const;
  // Marks an enrolment completed on `date` and returns it.
  absl::StatusOr<cercles::membership::v1::Enrolment> Complete(storage::Transaction& tx,
                                                              int64_t training_id,
                                                              int64_t person_id,
                                                              const cercles::common::v1::Date& date,
                                                              absl::Time now) const;
  // Enrolments after `after` in (training, person) order, at most limit.
  absl::StatusOr<std::vector<cercles::membership::v1::Enrolment>> ListEnrolments(
      storage::Transaction& tx, const EnrolmentFilter& filter, const EnrolmentPosition& after,
      int limit) const;
  // How many trainings the person completed.
  absl::StatusOr<int> CompletedCount(storage::Transaction& tx, int64_t person_id) const;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_TRAINING_STORE_H_
