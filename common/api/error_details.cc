#include "common/api/error_details.h"

#include <google/protobuf/any.pb.h>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace cercles::api {
namespace {

constexpr absl::string_view kTypeUrlPrefix = "type.googleapis.com/";

std::string TypeUrl(const google::protobuf::Message& message) {
  return absl::StrCat(kTypeUrlPrefix, message.GetDescriptor()->full_name());
}

template <typename Detail>
std::optional<Detail> PayloadOf(const absl::Status& status) {
  auto payload = status.GetPayload(TypeUrl(Detail::default_instance()));
  if (!payload.has_value()) return std::nullopt;
  Detail detail;
  if (!detail.ParseFromString(std::string(*payload))) return std::nullopt;
  return detail;
}

void SetDetail(absl::Status* status, const google::protobuf::Message& detail) {
  status->SetPayload(TypeUrl(detail), absl::Cord(detail.SerializeAsString()));
}

// A field path as the API spells it: "page_size", "person.contact.email",
// "circles[2].members".
bool IsFieldPath(absl::string_view word) {
  if (word.empty() || !absl::ascii_islower(static_cast<unsigned char>(word.front()))) return false;
  for (char c : word) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_islower(u) && !absl::ascii_isdigit(u) && c != '_' && c != '.' && c != '[' &&
        c != ']') {
      return false;
    }
  }
  return true;
}

// The field an INVALID_ARGUMENT message starts with ("depth must be 1 to 5"),
// and its rule (what follows); nullopt when the message does not start so.
std::optional<Violation> ViolationOfMessage(absl::string_view message) {
  const size_t space = message.find(' ');
  if (space == absl::string_view::npos) return std::nullopt;
  const absl::string_view field = message.substr(0, space);
  const absl::string_view rule = message.substr(space + 1);
  if (!IsFieldPath(field)) return std::nullopt;
  for (absl::string_view verb : {"must ", "is ", "are "}) {
    if (absl::StartsWith(rule, verb)) {
      const bool required = absl::StartsWith(rule, "is required");
      return Violation{std::string(field), std::string(rule),
                       std::string(required ? reason::kFieldRequired : reason::kFieldInvalid)};
    }
  }
  return std::nullopt;
}

// The first resource name a message quotes ("circle \"circles/9\" does not
// exist" -> "circles/9"); "" when it quotes none.
std::string QuotedResource(absl::string_view message) {
  for (size_t open = message.find('"'); open != absl::string_view::npos;) {
    const size_t close = message.find('"', open + 1);
    if (close == absl::string_view::npos) break;
    const absl::string_view inside = message.substr(open + 1, close - open - 1);
    if (absl::StrContains(inside, '/') && !absl::StrContains(inside, ' ')) {
      return std::string(inside);
    }
    open = message.find('"', close + 1);
  }
  return "";
}

google::rpc::BadRequest::FieldViolation ToFieldViolation(const Violation& violation) {
  google::rpc::BadRequest::FieldViolation out;
  out.set_field(violation.field);
  out.set_description(violation.description);
  if (!violation.reason.empty()) {
    out.set_reason(violation.reason);
  } else {
    out.set_reason(std::string(absl::StartsWith(violation.description, "is required")
                                   ? reason::kFieldRequired
                                   : reason::kFieldInvalid));
  }
  return out;
}

}  // namespace

absl::Status WithErrorInfo(absl::Status status, absl::string_view reason,
                           std::vector<std::pair<std::string, std::string>> metadata) {
  if (status.ok()) return status;
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  for (auto& [key, value] : metadata) (*info.mutable_metadata())[key] = std::move(value);
  SetDetail(&status, info);
  return status;
}

absl::Status InvalidField(absl::string_view field, absl::string_view rule,
                          absl::string_view reason) {
  return InvalidFields({Violation{std::string(field), std::string(rule), std::string(reason)}});
}

absl::Status InvalidFields(const std::vector<Violation>& violations) {
  if (violations.empty()) return absl::OkStatus();
  absl::Status status = absl::InvalidArgumentError(
      absl::StrJoin(violations, "; ", [](std::string* out, const Violation& v) {
        absl::StrAppend(out, v.field, " ", v.description);
      }));
  google::rpc::BadRequest bad_request;
  for (const Violation& violation : violations) {
    *bad_request.add_field_violations() = ToFieldViolation(violation);
  }
  SetDetail(&status, bad_request);
  const std::string& first_reason = bad_request.field_violations(0).reason();
  return WithErrorInfo(
      std::move(status),
      violations.size() == 1 ? absl::string_view(first_reason) : reason::kRequestInvalid,
      {{"field", violations.front().field}, {"violations", absl::StrCat(violations.size())}});
}

absl::Status Combine(const std::vector<absl::Status>& refusals) {
  std::vector<absl::Status> failed;
  for (const absl::Status& refusal : refusals) {
    if (!refusal.ok()) failed.push_back(refusal);
  }
  if (failed.empty()) return absl::OkStatus();
  if (failed.size() == 1) return failed.front();
  absl::Status status(failed.front().code(),
                      absl::StrJoin(failed, "; ", [](std::string* out, const absl::Status& s) {
                        absl::StrAppend(out, s.message());
                      }));
  google::rpc::BadRequest bad_request;
  for (const absl::Status& refusal : failed) {
    if (std::optional<google::rpc::BadRequest> own = BadRequestOf(refusal)) {
      bad_request.mutable_field_violations()->MergeFrom(own->field_violations());
    } else if (std::optional<Violation> violation = ViolationOfMessage(refusal.message())) {
      if (refusal.code() != absl::StatusCode::kInvalidArgument) {
        violation->reason = GenericReason(refusal);
      }
      *bad_request.add_field_violations() = ToFieldViolation(*violation);
    }
  }
  std::vector<std::pair<std::string, std::string>> metadata = {
      {"violations", absl::StrCat(failed.size())}};
  if (bad_request.field_violations_size() > 0) {
    metadata.emplace_back("field", bad_request.field_violations(0).field());
    SetDetail(&status, bad_request);
  }
  const std::string reason = status.code() == absl::StatusCode::kInvalidArgument
                                 ? std::string(reason::kRequestInvalid)
                                 : GenericReason(status);
  return WithErrorInfo(std::move(status), reason, std::move(metadata));
}

std::optional<google::rpc::ErrorInfo> ErrorInfoOf(const absl::Status& status) {
  return PayloadOf<google::rpc::ErrorInfo>(status);
}

std::optional<google::rpc::BadRequest> BadRequestOf(const absl::Status& status) {
  return PayloadOf<google::rpc::BadRequest>(status);
}

std::string GenericReason(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: {
      std::optional<Violation> violation = ViolationOfMessage(status.message());
      return violation.has_value() ? violation->reason : std::string(reason::kRequestInvalid);
    }
    case absl::StatusCode::kNotFound:
      return std::string(reason::kResourceNotFound);
    case absl::StatusCode::kAlreadyExists:
      return std::string(reason::kResourceAlreadyExists);
    case absl::StatusCode::kPermissionDenied:
      return std::string(reason::kPermissionDenied);
    case absl::StatusCode::kFailedPrecondition:
      return std::string(reason::kPreconditionFailed);
    default:
      return absl::StatusCodeToString(status.code());
  }
}

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status out;
  out.set_code(static_cast<int>(status.code()));
  out.set_message(std::string(status.message()));
  if (status.ok()) return out;
  absl::Status described = status;
  if (status.code() == absl::StatusCode::kInvalidArgument && !BadRequestOf(status).has_value()) {
    if (std::optional<Violation> violation = ViolationOfMessage(status.message())) {
      google::rpc::BadRequest bad_request;
      *bad_request.add_field_violations() = ToFieldViolation(*violation);
      SetDetail(&described, bad_request);
      if (!ErrorInfoOf(status).has_value()) {
        described = WithErrorInfo(std::move(described), violation->reason,
                                  {{"field", violation->field}, {"violations", "1"}});
      }
    }
  }
  if (!ErrorInfoOf(described).has_value()) {
    std::vector<std::pair<std::string, std::string>> metadata;
    if (status.code() == absl::StatusCode::kNotFound) {
      if (std::string resource = QuotedResource(status.message()); !resource.empty()) {
        metadata.emplace_back("resource", std::move(resource));
      }
    }
    described = WithErrorInfo(std::move(described), GenericReason(status), std::move(metadata));
  }
  // The ErrorInfo first (clients that read one detail read it), then the rest.
  const std::string info_url = TypeUrl(google::rpc::ErrorInfo::default_instance());
  google::protobuf::Any* info = out.add_details();
  info->set_type_url(info_url);
  info->set_value(std::string(*described.GetPayload(info_url)));
  described.ForEachPayload([&](absl::string_view type_url, const absl::Cord& value) {
    if (type_url == info_url) return;
    google::protobuf::Any* detail = out.add_details();
    detail->set_type_url(std::string(type_url));
    detail->set_value(std::string(value));
  });
  return out;
}

absl::Status WithDetailsOf(absl::Status status, const absl::Status& from) {
  if (status.ok()) return status;
  from.ForEachPayload([&](absl::string_view type_url, const absl::Cord& value) {
    status.SetPayload(type_url, value);
  });
  return status;
}

absl::Status FromRpcStatus(const google::rpc::Status& status) {
  if (status.code() == 0) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.code()), status.message());
  for (const google::protobuf::Any& detail : status.details()) {
    out.SetPayload(detail.type_url(), absl::Cord(detail.value()));
  }
  return out;
}

}  // namespace cercles::api
