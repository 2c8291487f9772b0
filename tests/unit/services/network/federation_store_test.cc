// The federation's store on each engine: the peer registry, this fund's
// directory as a stream of changes, forgetting a revoked peer's circles, and
// member transfers.
#include "services/network/federation_store.h"

#include "common/util/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/network/directory_store.h"
#include "services/network/federation_rules.h"
#include "services/network/graph_store.h"
#include "tests/unit/services/network/network_test_db.h"

namespace cercles::network {
namespace {

namespace mv1 = cercles::membership::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class FederationStoreTest : public NetworkDbTest {
 protected:
  void SetUp() override {
    NetworkDbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(MigrateFederation(*db_).ok());
  }

  void PutCircle(const std::string& fund, int64_t id, int64_t sequence,
                 const std::string& region = "Limoilou") {
    v1::NetworkCircle c;
    c.set_name(NetworkCircleName({fund, id}));
    c.set_fund_id(fund);
    c.set_display_name("Cercle " + std::to_string(id));
    c.set_status(mv1::CIRCLE_STATUS_FORMING);
    c.set_region(region);
    auto* tag = c.add_characteristics();
    tag->set_kind(mv1::CHARACTERISTIC_KIND_REGION);
    tag->set_value(region);
    ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                  return directory_.Upsert(tx, {fund, id}, c, sequence);
                }).ok());
  }

  std::vector<v1::WatchDirectoryResponse> Changes(const std::string& fund, int64_t after, int max) {
    std::vector<v1::WatchDirectoryResponse> changes;
    EXPECT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                  CERCLES_ASSIGN_OR_RETURN(changes, store_.DirectoryChanges(tx, fund, after, max));
                  return absl::OkStatus();
                }).ok());
    return changes;
  }

  static v1::PeerFund Peer(const std::string& fund, const std::string& cn,
                           v1::PeerFundStatus status) {
    v1::PeerFund p;
    p.set_name(PeerName(fund));
    p.set_fund_id(fund);
    p.set_certificate_common_name(cn);
    p.set_status(status);
    return p;
  }

  FederationStore store_;
  DirectoryStore directory_;
  GraphStore graph_;
};

TEST_P(FederationStoreTest, DirectoryChangesGroupTheCirclesOfOneSequence) {
  PutCircle("fund-a", 1, 10);
  PutCircle("fund-a", 2, 12);
  PutCircle("fund-a", 3, 12);  // a merge changes two circles in one event
  PutCircle("fund-a", 4, 15);
  PutCircle("fund-b", 1, 11);  // a peer's circle is not this fund's to share
  PutCircle("fund-a", 1, 16);  // changed again: only its latest state is streamed

  std::vector<v1::WatchDirectoryResponse> all = Changes("fund-a", 0, 100);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].sequence(), 12);
  EXPECT_EQ(all[0].fund_id(), "fund-a");
  ASSERT_EQ(all[0].circles_size(), 2);
  EXPECT_EQ(all[0].circles(0).name(), "funds/fund-a/circles/2");
  EXPECT_EQ(all[0].circles(1).name(), "funds/fund-a/circles/3");
  EXPECT_EQ(all[1].sequence(), 15);
  EXPECT_EQ(all[2].sequence(), 16);
  EXPECT_EQ(all[2].circles(0).name(), "funds/fund-a/circles/1");

  // A batch stops between sequences, never inside one; it resumes after.
  std::vector<v1::WatchDirectoryResponse> first = Changes("fund-a", 0, 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].circles_size(), 2);
  std::vector<v1::WatchDirectoryResponse> rest = Changes("fund-a", 12, 100);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].sequence(), 15);
  EXPECT_THAT(Changes("fund-a", 16, 100), IsEmpty());

  int64_t head = 0;
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(head, store_.DirectoryHead(tx, "fund-a"));
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(head, 16);
}

TEST_P(FederationStoreTest, ForgettingAPeerRemovesOnlyItsCirclesEdgesAndCursor) {
  PutCircle("fund-a", 1, 10);
  PutCircle("fund-b", 1, 3);
  PutCircle("fund-b", 2, 4, "Beauport");
  ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_RETURN_IF_ERROR(store_.PutFederationEdge(tx, "fund-a", "fund-b"));
                return tx
                    .Exec(
                        "INSERT INTO event_cursors (source, sequence, update_time_us) "
                        "VALUES (?, 4, 0)",
                        {PeerCursorSource("fund-b")})
                    .status();
              }).ok());
  v1::PeerFund peer = Peer("fund-b", "fund-b", v1::PEER_FUND_STATUS_ACTIVE);
  ASSERT_TRUE(Read([&](storage::Transaction& tx) { return store_.FillSyncState(tx, &peer); }).ok());
  EXPECT_EQ(peer.sync().circles(), 2);
  EXPECT_EQ(peer.sync().sequence(), 4);

  ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                return store_.ForgetPeerDirectory(tx, "fund-a", "fund-b");
              }).ok());
  ASSERT_TRUE(
      Read([&](storage::Transaction& tx) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(storage::Rows circles,
                                 tx.Query("SELECT fund_id FROM network_circles ORDER BY fund_id"));
        EXPECT_EQ(circles.size(), 1u);
        EXPECT_EQ(circles[0].Text(0), "fund-a");
        CERCLES_ASSIGN_OR_RETURN(
            storage::Rows tags,
            tx.Query("SELECT COUNT(*) FROM network_circle_characteristics WHERE "
                     "fund_id = 'fund-b'"));
        EXPECT_EQ(tags[0].Int(0), 0);
        CERCLES_ASSIGN_OR_RETURN(storage::Rows edges,
                                 tx.Query("SELECT COUNT(*) FROM network_adjacency WHERE node LIKE "
                                          "'funds/fund-b%' OR other LIKE 'funds/fund-b%'"));
        EXPECT_EQ(edges[0].Int(0), 0);
        CERCLES_ASSIGN_OR_RETURN(
            std::vector<std::string> own,
            graph_.Neighbours(tx, {"funds/fund-a/circles/1"}, {v1::EDGE_KIND_FUND}, 10));
        EXPECT_THAT(own, ElementsAre("funds/fund-a"));
        CERCLES_RETURN_IF_ERROR(store_.FillSyncState(tx, &peer));
        EXPECT_EQ(peer.sync().circles(), 0);
        EXPECT_EQ(peer.sync().sequence(), 0);
        return absl::OkStatus();
      }).ok());
}

TEST_P(FederationStoreTest, PeersAreFoundByFundAndByActiveCertificate) {
  absl::Time now = absl::FromUnixSeconds(1700000000);
  ASSERT_TRUE(Write([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_RETURN_IF_ERROR(
                    store_.PutPeer(tx, Peer("fund-b", "cn-b", v1::PEER_FUND_STATUS_ACTIVE), now));
                CERCLES_RETURN_IF_ERROR(
                    store_.PutPeer(tx, Peer("fund-c", "cn-c", v1::PEER_FUND_STATUS_REVOKED), now));
                // Registered again: the record is replaced.
                return store_.PutPeer(tx, Peer("fund-c", "cn-c2", v1::PEER_FUND_STATUS_ACTIVE),
                                      now);
              }).ok());
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(auto c, store_.GetPeer(tx, "fund-c"));
                EXPECT_TRUE(c.has_value());
                EXPECT_EQ(c->certificate_common_name(), "cn-c2");
                CERCLES_ASSIGN_OR_RETURN(auto by_cn, store_.ActivePeerByCommonName(tx, "cn-b"));
                EXPECT_TRUE(by_cn.has_value());
                CERCLES_ASSIGN_OR_RETURN(auto old_cn, store_.ActivePeerByCommonName(tx, "cn-c"));
                EXPECT_FALSE(old_cn.has_value());
                CERCLES_ASSIGN_OR_RETURN(auto missing, store_.GetPeer(tx, "fund-z"));
                EXPECT_FALSE(missing.has_value());
                CERCLES_ASSIGN_OR_RETURN(
                    auto page, store_.ListPeers(tx, "", v1::PEER_FUND_STATUS_UNSPECIFIED, 1));
                EXPECT_EQ(page.size(), 1u);
                CERCLES_ASSIGN_OR_RETURN(
                    auto next, store_.ListPeers(tx, "fund-b", v1::PEER_FUND_STATUS_ACTIVE, 10));
                EXPECT_EQ(next.size(), 1u);
                EXPECT_EQ(next[0].fund_id(), "fund-c");
                return absl::OkStatus();
              }).ok());
  ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                return store_.PutPeer(tx, Peer("fund-b", "cn-b", v1::PEER_FUND_STATUS_REVOKED),
                                      now);
              }).ok());
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(auto active,
                                         store_.ListPeers(tx, "", v1::PEER_FUND_STATUS_ACTIVE, 10));
                EXPECT_EQ(active.size(), 1u);
                CERCLES_ASSIGN_OR_RETURN(auto by_cn, store_.ActivePeerByCommonName(tx, "cn-b"));
                EXPECT_FALSE(by_cn.has_value());
                return absl::OkStatus();
              }).ok());
}

TEST_P(FederationStoreTest, TransfersAreListedByDirectionStatusAndPeer) {
  absl::Time now = absl::FromUnixSeconds(1700000000);
  auto transfer = [](v1::TransferDirection direction, const std::string& peer) {
    v1::MemberTransfer t;
    t.set_direction(direction);
    t.set_peer_fund_id(peer);
    t.set_status(v1::TRANSFER_STATUS_PROPOSED);
    t.mutable_candidate()->set_given_name("Nadia");
    // An outgoing transfer names this fund's person (whose consent is followed).
    if (direction == v1::TRANSFER_DIRECTION_OUTGOING) t.set_person("people/7");
    return t;
  };
  v1::MemberTransfer first;
  ASSERT_TRUE(
      Write([&](storage::Transaction& tx) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(
            first,
            store_.InsertTransfer(tx, transfer(v1::TRANSFER_DIRECTION_INCOMING, "fund-b"), now));
        CERCLES_RETURN_IF_ERROR(
            store_.InsertTransfer(tx, transfer(v1::TRANSFER_DIRECTION_OUTGOING, "fund-b"), now)
                .status());
        return store_.InsertTransfer(tx, transfer(v1::TRANSFER_DIRECTION_INCOMING, "fund-c"), now)
            .status();
      }).ok());
  EXPECT_EQ(first.name(), "transfers/1");
  EXPECT_EQ(first.create_time().seconds(), 1700000000);
  auto list = [&](TransferFilter filter, int64_t after = 0) {
    std::vector<std::string> names;
    EXPECT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                  CERCLES_ASSIGN_OR_RETURN(auto transfers,
                                           store_.ListTransfers(tx, filter, after, 10));
                  for (const auto& t : transfers) names.push_back(t.name());
                  return absl::OkStatus();
                }).ok());
    return names;
  };
  EXPECT_THAT(list({}), ElementsAre("transfers/1", "transfers/2", "transfers/3"));
  EXPECT_THAT(list({}, 1), ElementsAre("transfers/2", "transfers/3"));
  EXPECT_THAT(list({v1::TRANSFER_DIRECTION_INCOMING, {}, ""}),
              ElementsAre("transfers/1", "transfers/3"));
  EXPECT_THAT(list({v1::TRANSFER_DIRECTION_INCOMING, {}, "fund-b"}), ElementsAre("transfers/1"));
  first.set_status(v1::TRANSFER_STATUS_ACCEPTED);
  ASSERT_TRUE(Write([&](storage::Transaction& tx) {
                return store_.UpdateTransfer(tx, 1, first, now);
              }).ok());
  EXPECT_THAT(list({v1::TRANSFER_DIRECTION_UNSPECIFIED, v1::TRANSFER_STATUS_PROPOSED, ""}),
              ElementsAre("transfers/2", "transfers/3"));
  ASSERT_TRUE(Read([&](storage::Transaction& tx) -> absl::Status {
                CERCLES_ASSIGN_OR_RETURN(auto got, store_.GetTransfer(tx, 1));
                EXPECT_TRUE(got.has_value());
                EXPECT_EQ(got->status(), v1::TRANSFER_STATUS_ACCEPTED);
                CERCLES_ASSIGN_OR_RETURN(auto none, store_.GetTransfer(tx, 99));
                EXPECT_FALSE(none.has_value());
                return absl::OkStatus();
              }).ok());
}

INSTANTIATE_TEST_SUITE_P(Engines, FederationStoreTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), EngineName);

}  // namespace
}  // namespace cercles::network
