// Refusals a program can read: the google.rpc.ErrorInfo (a stable reason, the
// domain, metadata) and the google.rpc.BadRequest field violations of a
// refusal, carried as payloads of the absl::Status (keyed by their type URLs),
// so they survive CERCLES_RETURN_IF_ERROR and the trip through FromGrpcStatus.
// common/util/status.cc (ToGrpcStatus, the one place a status leaves a
// service) puts them in the grpc-status-details-bin trailer as a serialized
// google.rpc.Status, and gives every refusal without a reason a generic one
// from its code. The catalogue of reasons is below; docs/connecting.md and
// proto/cercles/common/v1/conventions.proto list it for clients.
#ifndef CERCLES_COMMON_API_ERROR_DETAILS_H_
#define CERCLES_COMMON_API_ERROR_DETAILS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace cercles::api {

// ErrorInfo.domain of every Cercles refusal.
inline constexpr absl::string_view kErrorDomain = "cercles.coop";

// The reasons (ErrorInfo.reason and FieldViolation.reason). Stable: a reason is
// never renamed nor reused for another meaning; new ones may be added.
namespace reason {
// INVALID_ARGUMENT, one field:
inline constexpr absl::string_view kFieldRequired = "FIELD_REQUIRED";  // missing or empty
inline constexpr absl::string_view kFieldInvalidFormat =
    "FIELD_INVALID_FORMAT";  // not of the field's form (a name, a date, UTF-8, a token...)
inline constexpr absl::string_view kValueOutOfRange =
    "VALUE_OUT_OF_RANGE";  // a number, a length or a day outside its bounds
inline constexpr absl::string_view kFieldsConflict =
    "FIELDS_CONFLICT";  // two fields that must agree do not
inline constexpr absl::string_view kFieldInvalid = "FIELD_INVALID";  // any other rule of a field
// INVALID_ARGUMENT, several broken rules (one FieldViolation each), or none
// named:
inline constexpr absl::string_view kRequestInvalid = "REQUEST_INVALID";
// NOT_FOUND: the named resource does not exist (or is not visible).
inline constexpr absl::string_view kResourceNotFound = "RESOURCE_NOT_FOUND";
// ALREADY_EXISTS: the request_id was used for a different request.
inline constexpr absl::string_view kAlreadyExistsDifferentRequest =
    "ALREADY_EXISTS_DIFFERENT_REQUEST";
// ALREADY_EXISTS: the resource (or its unique key) exists.
inline constexpr absl::string_view kResourceAlreadyExists = "RESOURCE_ALREADY_EXISTS";
// PERMISSION_DENIED: the RPC's access policy does not admit the caller's role
// or service name.
inline constexpr absl::string_view kPermissionDeniedRole = "PERMISSION_DENIED_ROLE";
// PERMISSION_DENIED: the caller may call the RPC, but not on this resource (an
// advisor and a circle not assigned to them).
inline constexpr absl::string_view kPermissionDeniedScope = "PERMISSION_DENIED_SCOPE";
// PERMISSION_DENIED without a more precise reason.
inline constexpr absl::string_view kPermissionDenied = "PERMISSION_DENIED";
// FAILED_PRECONDITION: the resource is not in a state that allows the call
// (the message says which state and which rule).
inline constexpr absl::string_view kPreconditionFailed = "PRECONDITION_FAILED";
// Any other code: the code's name ("UNAVAILABLE", "UNAUTHENTICATED"...).
}  // namespace reason

// One broken rule: the field path as in the API ("person.contact.email",
// "circles[2].members"), the rule it breaks ("must look like name@example.org")
// and the reason (when empty: kFieldRequired for a rule "is required...",
// kFieldInvalid otherwise).
struct Violation {
  std::string field;
  std::string description;
  std::string reason;
};

// `status` with its ErrorInfo set to `reason` and `metadata` (domain
// kErrorDomain). OK stays OK.
absl::Status WithErrorInfo(absl::Status status, absl::string_view reason,
                           std::vector<std::pair<std::string, std::string>> metadata = {});

// INVALID_ARGUMENT "<field> <rule>" with ErrorInfo `reason` (metadata "field")
// and one FieldViolation. The one way a request rule refuses one field.
absl::Status InvalidField(absl::string_view field, absl::string_view rule,
                          absl::string_view reason = reason::kFieldInvalid);

// OK when `violations` is empty; otherwise INVALID_ARGUMENT listing every
// violation as "<field> <rule>", separated by "; ", with one FieldViolation per
// violation, and ErrorInfo the violation's reason when there is one, else
// REQUEST_INVALID (metadata "field": the first field, "violations": the count).
absl::Status InvalidFields(const std::vector<Violation>& violations);

// One refusal for several broken rules (a check that reports every rule at
// once, as validate_only does): OK when every one is OK; otherwise the first
// refusal's code, every message joined by "; ", one FieldViolation per rule
// (its own BadRequest's, or the field its message starts with), and the
// ErrorInfo of the one refusal, or REQUEST_INVALID (INVALID_ARGUMENT) or the
// first code's generic reason for several.
absl::Status Combine(const std::vector<absl::Status>& refusals);

// What `status` carries (set above or received by FromGrpcStatus).
std::optional<google::rpc::ErrorInfo> ErrorInfoOf(const absl::Status& status);
std::optional<google::rpc::BadRequest> BadRequestOf(const absl::Status& status);

// The reason a refusal without one is given: from its code, and for
// INVALID_ARGUMENT from its message when that starts with a field path and a
// rule ("page_size must be ...", "meeting is required").
std::string GenericReason(const absl::Status& status);

// `status` (not OK) as the google.rpc.Status sent to clients: its code, its
// message, every payload as a detail, and an ErrorInfo always (GenericReason
// when it has none, with metadata "resource" for a NOT_FOUND whose message
// quotes a name); an INVALID_ARGUMENT whose message names a field without a
// BadRequest gets one violation for it.
google::rpc::Status ToRpcStatus(const absl::Status& status);

// `status` with the details `from` carries (a refusal received from another
// service and answered in other words: its reason stays).
absl::Status WithDetailsOf(absl::Status status, const absl::Status& from);

// Back: the code, the message and every detail as a payload.
absl::Status FromRpcStatus(const google::rpc::Status& status);

}  // namespace cercles::api

#endif  // CERCLES_COMMON_API_ERROR_DETAILS_H_
