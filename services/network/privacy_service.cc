#include "services/network/privacy_service.h"

#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "common/api/resource_name.h"
#include "common/server/handler.h"
#include "common/util/status.h"
#include "services/network/directory_rules.h"

namespace cercles::network {
namespace {

// A person's records are read whole; a fund's transfers are few.
constexpr int kAll = std::numeric_limits<int>::max();

}  // namespace

grpc::ServerUnaryReactor* PrivacyService::ExportPersonData(
    grpc::CallbackServerContext* context, const v1::ExportPersonDataRequest* request,
    v1::ExportPersonDataResponse* response) {
  return server::Serve(
      *context_.handlers, *context_.authorizer, context, *request, response,
      [=](const auth::Principal&) -> absl::Status {
        CERCLES_ASSIGN_OR_RETURN(int64_t id, api::ParseName(request->person(), "people", "person"));
        return storage::RunInTransaction(
            *context_.db, storage::TxMode::kRead, [&](storage::Transaction& tx) -> absl::Status {
              response->Clear();
              CERCLES_ASSIGN_OR_RETURN(std::optional<v1::DirectoryPerson> entry,
                                       people_.DirectoryEntry(tx, context_.fund_id, id));
              if (entry.has_value()) *response->mutable_directory_entry() = *std::move(entry);
              ReferralFilter referrals_of;
              referrals_of.person_id = id;
              CERCLES_ASSIGN_OR_RETURN(std::vector<v1::Referral> referrals,
                                       partners_.ListReferrals(tx, referrals_of, 0, kAll));
              for (v1::Referral& r : referrals) *response->add_referrals() = std::move(r);
              TransferFilter outgoing;
              outgoing.direction = v1::TRANSFER_DIRECTION_OUTGOING;
              CERCLES_ASSIGN_OR_RETURN(std::vector<v1::MemberTransfer> transfers,
                                       transfers_.ListTransfers(tx, outgoing, 0, kAll));
              const std::string person = NetworkPersonName(context_.fund_id, id);
              for (v1::MemberTransfer& t : transfers) {
                if (t.person() == person) *response->add_transfers() = std::move(t);
              }
              return absl::OkStatus();
            });
      });
}

}  // namespace cercles::network
