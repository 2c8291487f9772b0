// SQL for circles. Every function runs inside the caller's transaction, so a
// change, its event and its idempotency record commit together.
#ifndef CERCLES_SERVICES_MEMBERSHIP_CIRCLE_STORE_H_
#define CERCLES_SERVICES_MEMBERSHIP_CIRCLE_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cercles/membership/v1/membership.pb.h"
#include "common/storage/database.h"

namespace cercles::membership {

struct CircleFilter {
  cercles::membership::v1::CircleStatus status = cercles::membership::v1::CIRCLE_STATUS_UNSPECIFIED;
  std::vector<cercles::membership::v1::Characteristic> characteristics;  // all must match
  std::optional<int64_t> advisor_id;                                     // only this advisor's
  bool has_room = false;  // fewer than 7 members and accepting members
};

// The facts the lifecycle rules read, locked for the transaction's duration on
// PostgreSQL (SELECT ... FOR UPDATE) so concurrent changes to one circle serialise.
struct CircleState {
  int64_t id = 0;
  cercles::membership::v1::CircleStatus status = cercles::membership::v1::CIRCLE_STATUS_UNSPECIFIED;
  int member_count = 0;
  std::optional<int64_t> advisor_id;
  int64_t update_time_us = 0;  // the circle's last recorded change
};

struct MemberRow {
  int64_t circle_id = 0;
  int64_t person_id = 0;
  int64_t join_time_us = 0;
  std::string join_reason;
  std::optional<int64_t> leave_time_us;
  std::string leave_reason;
};

// The circle a person belongs to now (see CircleStore::HoldingCircleOf).
struct HeldCircle {
  int64_t circle_id = 0;
  std::optional<int64_t> advisor_id;
};

// The CircleMember message of a stored membership row.
cercles::membership::v1::CircleMember MemberMessage(const MemberRow& row);

class CircleStore {
 public:
  explicit CircleStore(std::string fund_id) : fund_id_(std::move(fund_id)) {}

  // Stores a draft (see DraftNewCircle) and returns it with its name and times.
  // `actor` is recorded in the status history.
  absl::StatusOr<cercles::membership::v1::Circle> Insert(
      storage::Transaction& tx, const cercles::membership::v1::Circle& draft,
      std::optional<int64_t> advisor_id, const std::string& actor, absl::Time now) const;
  absl::StatusOr<std::optional<cercles::membership::v1::Circle>> Get(storage::Transaction& tx,
                                                                     int64_t id) const;
  // Locks and reads a circle's state; NOT_FOUND names the circle.
  absl::StatusOr<CircleState> LockState(storage::Transaction& tx, int64_t id) const;
  // Current members' person ids, in joining order.
  absl::StatusOr<std::vector<int64_t>> CurrentMembers(storage::Transaction& tx,
                                                      int64_t circle_id) const;
  // The circle (not dissolved or merged) a person currently belongs to, if any,
  // with its advisor: what a person may join (CheckPersonMayJoin) and who may see
  // them (circle_access.h PlaceOf) both read this.
  static absl::StatusOr<std::optional<HeldCircle>> HoldingCircleOf(storage::Transaction& tx,
                                                                   int64_t person_id);
  absl::StatusOr<MemberRow> AddMember(storage::Transaction& tx, int64_t circle_id,
                                      int64_t person_id, const std::string& reason,
                                      absl::Time now) const;
  // Ends a current membership; NOT_FOUND-style FAILED_PRECONDITION when not a member.
  absl::StatusOr<MemberRow> RemoveMember(storage::Transaction& tx, int64_t circle_id,
                                         int64_t person_id, const std::string& reason,
                                         absl::Time now) const;
  // Sets member_count, and the status with a history row when it changes.
  absl::Status SetCountAndStatus(storage::Transaction& tx, const CircleState& before, int new_count,
                                 cercles::membership::v1::CircleStatus status,
                                 const std::string& reason, const std::string& actor,
                                 absl::Time now) const;
  absl::Status UpdateFields(
      storage::Transaction& tx, int64_t id, const std::string* display_name,
      const std::vector<cercles::membership::v1::Characteristic>* characteristics,
      absl::Time now) const;
  absl::Status SetAdvisor(storage::Transaction& tx, int64_t id, int64_t advisor_id,
                          absl::Time now) const;
  absl::Status AddLineage(storage::Transaction& tx, int64_t circle_id, int64_t source_id,
                          absl::Time now) const;
  absl::StatusOr<std::vector<MemberRow>> ListMembers(storage::Transaction& tx, int64_t circle_id,
                                                     bool include_former) const;
  // Every stay of a person in a circle, current or past, oldest first.
  absl::StatusOr<std::vector<MemberRow>> StaysOf(storage::Transaction& tx, int64_t person_id) const;
  // Joins, departures and status changes, oldest first.
  absl::StatusOr<std::vector<cercles::membership::v1::CircleHistoryEntry>> History(
      storage::Transaction& tx, int64_t circle_id) const;

  // Advisors.
  absl::StatusOr<cercles::membership::v1::Advisor> InsertAdvisor(
      storage::Transaction& tx, const cercles::membership::v1::Advisor& draft,
      absl::Time now) const;
  absl::StatusOr<bool> AdvisorExists(storage::Transaction& tx, int64_t id) const;
  absl::StatusOr<std::vector<cercles::membership::v1::Advisor>> ListAdvisors(
      storage::Transaction& tx, int64_t after_id, int limit) const;

  // Circles with id > after_id matching the filter, in id order, at most limit.
  absl::StatusOr<std::vector<cercles::membership::v1::Circle>> List(storage::Transaction& tx,
                                                                    const CircleFilter& filter,
                                                                    int64_t after_id,
                                                                    int limit) const;

 private:
  absl::Status LoadDetails(storage::Transaction& tx,
                           std::vector<cercles::membership::v1::Circle*>& circles) const;
  const std::string fund_id_;
};

}  // namespace cercles::membership

#endif  // CERCLES_SERVICES_MEMBERSHIP_CIRCLE_STORE_H_
