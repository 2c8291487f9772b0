#include "services/network/partner_store.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/redaction/erasure.h"
#include "common/storage/sql.h"
#include "common/util/clock.h"
#include "common/util/crypto.h"
#include "common/util/status.h"
#include "services/network/directory_rules.h"
#include "services/network/graph_store.h"

namespace cercles::network {
namespace {

constexpr int64_t kTerritoryFacet = 1;
constexpr int64_t kServiceFacet = 2;

std::vector<storage::Value> OpenStatuses() {
  return {static_cast<int64_t>(v1::REFERRAL_STATUS_SENT),
          static_cast<int64_t>(v1::REFERRAL_STATUS_ACCEPTED),
          static_cast<int64_t>(v1::REFERRAL_STATUS_IN_PROGRESS)};
}

absl::Status WriteTerms(storage::Transaction& tx, int64_t id, const v1::Partner& partner) {
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("DELETE FROM network_partner_terms WHERE partner_id = ?", {id}).status());
  auto write = [&](int64_t facet, const std::string& value) {
    return tx
        .Exec("INSERT INTO network_partner_terms (partner_id, facet, value_key) VALUES (?, ?, ?)",
              {id, facet, TextKey(value)})
        .status();
  };
  // Entries are distinct ignoring case (NormalisePartner), so the keys are too.
  for (const std::string& t : partner.territory())
    CERCLES_RETURN_IF_ERROR(write(kTerritoryFacet, t));
  for (const std::string& s : partner.services()) CERCLES_RETURN_IF_ERROR(write(kServiceFacet, s));
  return absl::OkStatus();
}

// Fills open_referrals of the partners (keyed by id).
absl::Status CountOpenReferrals(storage::Transaction& tx, std::map<int64_t, v1::Partner*>& by_id) {
  if (by_id.empty()) return absl::OkStatus();
  std::vector<int64_t> ids;
  for (const auto& [id, p] : by_id) ids.push_back(id);
  storage::Sql sql("SELECT partner_id, COUNT(*) FROM network_referrals WHERE status IN ");
  sql.List(OpenStatuses()).Add(" AND partner_id IN ").List(ids).Add(" GROUP BY partner_id");
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, sql.Query(tx));
  for (const storage::Row& row : rows) {
    by_id[row.Int(0)]->set_open_referrals(static_cast<int32_t>(row.Int(1)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Partner>> PartnersOf(storage::Transaction& tx,
                                                    const storage::Rows& rows) {
  std::vector<v1::Partner> partners(rows.size());
  std::map<int64_t, v1::Partner*> by_id;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!partners[i].ParseFromString(rows[i].Bytes(1))) {
      return absl::DataLossError("a stored partner is unreadable");
    }
    by_id[rows[i].Int(0)] = &partners[i];
  }
  CERCLES_RETURN_IF_ERROR(CountOpenReferrals(tx, by_id));
  return partners;
}

absl::StatusOr<std::vector<v1::Referral>> ReferralsOf(const storage::Rows& rows) {
  std::vector<v1::Referral> referrals(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!referrals[i].ParseFromString(rows[i].Bytes(0))) {
      return absl::DataLossError("a stored referral is unreadable");
    }
  }
  return referrals;
}

}  // namespace

absl::Status PartnerStore::LockPartner(storage::Transaction& tx, int64_t partner_id) {
  return tx.LockExclusive(StableHash64(absl::StrCat("network-partner:", partner_id)));
}

absl::Status PartnerStore::LockReferral(storage::Transaction& tx, int64_t referral_id) {
  return tx.LockExclusive(StableHash64(absl::StrCat("network-referral:", referral_id)));
}

absl::StatusOr<v1::Partner> PartnerStore::InsertPartner(storage::Transaction& tx,
                                                        const v1::Partner& partner,
                                                        absl::Time now) const {
  const int64_t now_us = ToMicros(now);
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("INSERT INTO network_partners (kind, status, partner, create_time_us, "
               "update_time_us) VALUES (?, ?, ?, ?, ?) RETURNING partner_id",
               {static_cast<int64_t>(partner.kind()), static_cast<int64_t>(partner.status()),
                storage::Blob{}, now_us, now_us}));
  if (rows.size() != 1) return absl::InternalError("partner insert returned no id");
  const int64_t id = rows[0].Int(0);
  v1::Partner stored = partner;
  stored.set_name(absl::StrCat("partners/", id));
  SetTimestamp(now, stored.mutable_create_time());
  SetTimestamp(now, stored.mutable_update_time());
  stored.clear_open_referrals();
  CERCLES_RETURN_IF_ERROR(tx.Exec("UPDATE network_partners SET partner = ? WHERE partner_id = ?",
                                  {storage::Blob{stored.SerializeAsString()}, id})
                              .status());
  CERCLES_RETURN_IF_ERROR(WriteTerms(tx, id, stored));
  return stored;
}

absl::StatusOr<v1::Partner> PartnerStore::UpdatePartner(storage::Transaction& tx,
                                                        int64_t partner_id,
                                                        const v1::Partner& partner,
                                                        absl::Time now) const {
  v1::Partner stored = partner;
  SetTimestamp(now, stored.mutable_update_time());
  const int32_t open = stored.open_referrals();
  stored.clear_open_referrals();
  CERCLES_RETURN_IF_ERROR(
      tx.Exec("UPDATE network_partners SET kind = ?, status = ?, partner = ?, update_time_us = ? "
              "WHERE partner_id = ?",
              {static_cast<int64_t>(stored.kind()), static_cast<int64_t>(stored.status()),
               storage::Blob{stored.SerializeAsString()}, ToMicros(now), partner_id})
          .status());
  CERCLES_RETURN_IF_ERROR(WriteTerms(tx, partner_id, stored));
  stored.set_open_referrals(open);
  return stored;
}

absl::StatusOr<std::optional<v1::Partner>> PartnerStore::GetPartner(storage::Transaction& tx,
                                                                    int64_t partner_id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT partner_id, partner FROM network_partners WHERE partner_id = ?",
               {partner_id}));
  if (rows.empty()) return std::optional<v1::Partner>();
  CERCLES_ASSIGN_OR_RETURN(std::vector<v1::Partner> partners, PartnersOf(tx, rows));
  return std::optional<v1::Partner>(std::move(partners[0]));
}

absl::StatusOr<std::vector<v1::Partner>> PartnerStore::ListPartners(storage::Transaction& tx,
                                                                    const PartnerFilter& filter,
                                                                    int64_t after_id,
                                                                    int limit) const {
  std::string sql = "SELECT p.partner_id, p.partner FROM network_partners p WHERE p.partner_id > ?";
  std::vector<storage::Value> params = {after_id};
  if (filter.kind != v1::PARTNER_KIND_UNSPECIFIED) {
    sql += " AND p.kind = ?";
    params.emplace_back(static_cast<int64_t>(filter.kind));
  }
  if (filter.status != v1::PARTNER_STATUS_UNSPECIFIED) {
    sql += " AND p.status = ?";
    params.emplace_back(static_cast<int64_t>(filter.status));
  }
  auto facet = [&](int64_t which, const std::string& key) {
    if (key.empty()) return;
    sql +=
        " AND EXISTS (SELECT 1 FROM network_partner_terms t WHERE t.partner_id = p.partner_id "
        "AND t.facet = ? AND t.value_key = ?)";
    params.emplace_back(which);
    params.emplace_back(key);
  };
  facet(kTerritoryFacet, filter.territory_key);
  facet(kServiceFacet, filter.service_key);
  sql += " ORDER BY p.partner_id LIMIT ?";
  params.emplace_back(static_cast<int64_t>(limit));
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, tx.Query(sql, params));
  return PartnersOf(tx, rows);
}

absl::StatusOr<v1::Referral> PartnerStore::InsertReferral(storage::Transaction& tx,
                                                          v1::Referral referral, int64_t person_id,
                                                          int64_t partner_id,
                                                          absl::Time now) const {
  const int64_t now_us = ToMicros(now);
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("INSERT INTO network_referrals (person_id, partner_id, circle_node, status, "
               "referral, create_time_us, update_time_us) VALUES (?, ?, ?, ?, ?, ?, ?) "
               "RETURNING referral_id",
               {person_id, partner_id, referral.circle(), static_cast<int64_t>(referral.status()),
                storage::Blob{}, now_us, now_us}));
  if (rows.size() != 1) return absl::InternalError("referral insert returned no id");
  referral.set_name(absl::StrCat("referrals/", rows[0].Int(0)));
  SetTimestamp(now, referral.mutable_create_time());
  SetTimestamp(now, referral.mutable_update_time());
  CERCLES_RETURN_IF_ERROR(tx.Exec("UPDATE network_referrals SET referral = ? WHERE referral_id = ?",
                                  {storage::Blob{referral.SerializeAsString()}, rows[0].Int(0)})
                              .status());
  return referral;
}

absl::Status PartnerStore::UpdateReferral(storage::Transaction& tx, int64_t referral_id,
                                          const v1::Referral& referral, absl::Time now) const {
  return tx
      .Exec(
          "UPDATE network_referrals SET status = ?, referral = ?, update_time_us = ? WHERE "
          "referral_id = ?",
          {static_cast<int64_t>(referral.status()), storage::Blob{referral.SerializeAsString()},
           ToMicros(now), referral_id})
      .status();
}

absl::StatusOr<std::optional<v1::Referral>> PartnerStore::GetReferral(storage::Transaction& tx,
                                                                      int64_t referral_id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT referral FROM network_referrals WHERE referral_id = ?", {referral_id}));
  if (rows.empty()) return std::optional<v1::Referral>();
  CERCLES_ASSIGN_OR_RETURN(std::vector<v1::Referral> referrals, ReferralsOf(rows));
  return std::optional<v1::Referral>(std::move(referrals[0]));
}

absl::StatusOr<std::vector<v1::Referral>> PartnerStore::ListReferrals(storage::Transaction& tx,
                                                                      const ReferralFilter& filter,
                                                                      int64_t after_id,
                                                                      int limit) const {
  storage::Sql sql("SELECT referral FROM network_referrals WHERE referral_id > ?", {after_id});
  if (filter.person_id > 0) sql.Add(" AND person_id = ?", {filter.person_id});
  if (filter.partner_id > 0) sql.Add(" AND partner_id = ?", {filter.partner_id});
  if (filter.status != v1::REFERRAL_STATUS_UNSPECIFIED) {
    sql.Add(" AND status = ?", {static_cast<int64_t>(filter.status)});
  }
  if (filter.visible_circles.has_value()) {
    sql.Add(
        " AND NOT EXISTS (SELECT 1 FROM network_people np JOIN network_circles nc ON nc.fund_id "
        "= np.fund_id AND nc.circle_id = np.circle_id WHERE np.fund_id = ? AND np.person_id = "
        "network_referrals.person_id AND nc.advisor_id IS NOT NULL",
        {filter.fund_id});
    if (!filter.visible_circles->empty()) {
      sql.Add(" AND np.circle_id NOT IN ").List(*filter.visible_circles);
    }
    sql.Add(")");
  }
  sql.Add(" ORDER BY referral_id LIMIT ?", {int64_t{limit}});
  CERCLES_ASSIGN_OR_RETURN(storage::Rows rows, sql.Query(tx));
  return ReferralsOf(rows);
}

absl::StatusOr<int> PartnerStore::EraseReferralsOf(storage::Transaction& tx,
                                                   int64_t person_id) const {
  CERCLES_ASSIGN_OR_RETURN(
      storage::Rows rows,
      tx.Query("SELECT referral_id, referral FROM network_referrals WHERE person_id = ?",
               {person_id}));
  redaction::PersonErasure erasure;
  erasure.person_id = person_id;
  int changed = 0;
  for (const storage::Row& row : rows) {
    v1::Referral referral;
    if (!referral.ParseFromString(row.Bytes(1))) {
      return absl::DataLossError(absl::StrCat("referral ", row.Int(0), " is unreadable"));
    }
    if (!redaction::ErasePersonFrom(&referral, erasure)) continue;
    CERCLES_RETURN_IF_ERROR(
        tx.Exec("UPDATE network_referrals SET referral = ? WHERE referral_id = ?",
                {storage::Blob{referral.SerializeAsString()}, row.Int(0)})
            .status());
    ++changed;
  }
  return changed;
}

}  // namespace cercles::network
