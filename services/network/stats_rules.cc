#include "services/network/stats_rules.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "cercles/membership/v1/meetings.pb.h"
#include "services/network/directory_rules.h"

namespace cercles::network {

int64_t EpochDay(absl::CivilDay day) { return day - absl::CivilDay(1970, 1, 1); }

absl::CivilDay FromEpochDay(int64_t epoch_day) { return absl::CivilDay(1970, 1, 1) + epoch_day; }

int DaysPastDue(std::optional<absl::CivilDay> oldest_unpaid_due, absl::CivilDay as_of) {
  if (!oldest_unpaid_due.has_value() || *oldest_unpaid_due >= as_of) return 0;
  return static_cast<int>(as_of - *oldest_unpaid_due);
}

absl::CivilDay Par30LastDueDay(absl::CivilDay as_of) { return as_of - (kParDays + 1); }

std::optional<int32_t> BasisPoints(int64_t part, int64_t whole) {
  if (whole <= 0) return std::nullopt;
  // Exact in 128 bits: cents of a whole fund times 10,000 can exceed 2^63.
  const absl::int128 scaled = absl::int128(part) * 10000 * 2 + whole;
  return static_cast<int32_t>(scaled / (absl::int128(whole) * 2));
}

namespace {

void Add(const RegionFigures& f, RegionFigures* into) {
  into->circles += f.circles;
  into->active_circles += f.active_circles;
  into->members += f.members;
  into->active_loans += f.active_loans;
  into->loans_repaid += f.loans_repaid;
  into->loans_written_off += f.loans_written_off;
  into->outstanding += f.outstanding;
  into->at_risk_30 += f.at_risk_30;
  into->loans_rescheduled += f.loans_rescheduled;
  into->reschedules += f.reschedules;
  into->entrepreneurs_with_outcome += f.entrepreneurs_with_outcome;
  into->businesses_started += f.businesses_started;
  into->businesses_closed += f.businesses_closed;
  into->businesses_kept += f.businesses_kept;
  into->jobs_created_full_time += f.jobs_created_full_time;
  into->jobs_created_part_time += f.jobs_created_part_time;
  into->jobs_kept_full_time += f.jobs_kept_full_time;
  into->jobs_kept_part_time += f.jobs_kept_part_time;
  if (into->currency.empty()) into->currency = f.currency;
}

v1::NetworkStats Row(const RegionFigures& f, const std::string& region) {
  v1::NetworkStats row;
  row.set_fund_id(f.fund_id);
  row.set_region(region);
  row.set_circles(static_cast<int32_t>(f.circles));
  row.set_active_circles(static_cast<int32_t>(f.active_circles));
  row.set_members(static_cast<int32_t>(f.members));
  row.set_active_loans(static_cast<int32_t>(f.active_loans));
  row.mutable_outstanding_principal()->set_currency_code(f.currency);
  row.mutable_outstanding_principal()->set_minor_units(f.outstanding);
  row.mutable_principal_at_risk_30()->set_currency_code(f.currency);
  row.mutable_principal_at_risk_30()->set_minor_units(f.at_risk_30);
  if (auto par = BasisPoints(f.at_risk_30, f.outstanding)) row.set_par30_bps(*par);
  row.set_loans_repaid(static_cast<int32_t>(f.loans_repaid));
  row.set_loans_written_off(static_cast<int32_t>(f.loans_written_off));
  if (auto rate = BasisPoints(f.loans_repaid, f.loans_repaid + f.loans_written_off)) {
    row.set_repayment_rate_bps(*rate);
  }
  row.set_loans_rescheduled(static_cast<int32_t>(f.loans_rescheduled));
  row.set_reschedules(static_cast<int32_t>(f.reschedules));
  row.set_entrepreneurs_with_outcome(static_cast<int32_t>(f.entrepreneurs_with_outcome));
  row.set_businesses_started(static_cast<int32_t>(f.businesses_started));
  row.set_businesses_closed(static_cast<int32_t>(f.businesses_closed));
  row.set_businesses_kept(static_cast<int32_t>(f.businesses_kept));
  row.set_jobs_created_full_time(static_cast<int32_t>(f.jobs_created_full_time));
  row.set_jobs_created_part_time(static_cast<int32_t>(f.jobs_created_part_time));
  row.set_jobs_kept_full_time(static_cast<int32_t>(f.jobs_kept_full_time));
  row.set_jobs_kept_part_time(static_cast<int32_t>(f.jobs_kept_part_time));
  return row;
}

}  // namespace

std::vector<RegionFigures> OutcomeFigures(std::vector<OutcomeRow> rows) {
  // Each entrepreneur's outcomes, oldest first.
  std::sort(rows.begin(), rows.end(), [](const OutcomeRow& a, const OutcomeRow& b) {
    return std::tie(a.fund_id, a.person_id, a.meeting_day, a.meeting_id) <
           std::tie(b.fund_id, b.person_id, b.meeting_day, b.meeting_id);
  });
  std::map<std::pair<std::string, std::string>, RegionFigures> by_region;
  for (size_t first = 0; first < rows.size();) {
    size_t end = first;
    bool started = false;
    int last_event = 0;
    std::optional<OutcomeJobs> created, kept;
    while (end < rows.size() && rows[end].fund_id == rows[first].fund_id &&
           rows[end].person_id == rows[first].person_id) {
      const OutcomeRow& row = rows[end++];
      if (row.event == cercles::membership::v1::BUSINESS_EVENT_STARTED) started = true;
      if (row.event == cercles::membership::v1::BUSINESS_EVENT_STARTED ||
          row.event == cercles::membership::v1::BUSINESS_EVENT_CLOSED) {
        last_event = row.event;
      }
      if (row.jobs_created.has_value()) created = row.jobs_created;
      if (row.jobs_kept.has_value()) kept = row.jobs_kept;
    }
    const OutcomeRow& latest = rows[end - 1];
    RegionFigures& f = by_region[{latest.fund_id, TextKey(latest.region)}];
    f.fund_id = latest.fund_id;
    if (f.region.empty()) f.region = latest.region;
    ++f.entrepreneurs_with_outcome;
    if (started) ++f.businesses_started;
    if (last_event == cercles::membership::v1::BUSINESS_EVENT_CLOSED) ++f.businesses_closed;
    if (started && last_event == cercles::membership::v1::BUSINESS_EVENT_STARTED)
      ++f.businesses_kept;
    if (created.has_value()) {
      f.jobs_created_full_time += created->full_time;
      f.jobs_created_part_time += created->part_time;
    }
    if (kept.has_value()) {
      f.jobs_kept_full_time += kept->full_time;
      f.jobs_kept_part_time += kept->part_time;
    }
    first = end;
  }
  std::vector<RegionFigures> out;
  out.reserve(by_region.size());
  for (auto& entry : by_region) out.push_back(std::move(entry.second));
  return out;
}

StatsTables BuildStats(const std::vector<RegionFigures>& figures, bool by_region) {
  std::map<std::string, RegionFigures> funds;
  std::map<std::pair<std::string, std::string>, RegionFigures> regions;
  for (const RegionFigures& f : figures) {
    RegionFigures& fund = funds[f.fund_id];
    fund.fund_id = f.fund_id;
    Add(f, &fund);
    // Regions group ignoring ASCII case; the first spelling seen is shown.
    RegionFigures& region = regions[{f.fund_id, TextKey(f.region)}];
    if (region.fund_id.empty()) {
      region.fund_id = f.fund_id;
      region.region = f.region;
    }
    Add(f, &region);
  }
  StatsTables tables;
  for (const auto& [id, f] : funds) tables.funds.push_back(Row(f, ""));
  if (by_region) {
    for (const auto& [key, f] : regions) {
      tables.regions.push_back(Row(f, f.region.empty() ? kNoRegion : f.region));
    }
  }
  return tables;
}

}  // namespace cercles::network
