// The conventions of the Cercles API, stated once. Every other .proto file of
// cercles.*.v1 points here in its header and states there only what is its own.
//
// This file declares nothing: it is a .proto (not a Markdown page) so that it
// travels with the schema wherever the schema goes (a `buf build` image, a
// descriptor set with source info, a reference generated from the protos) and
// is versioned and linted with the package it documents.
//
// MONEY
// - An amount is a cercles.common.v1.Money: an ISO 4217 currency_code (three
//   upper-case letters A-Z) and an int64 number of minor units (cents for CAD).
//   Never a floating-point number, never a decimal string.
// - Each fund keeps one currency (lending's FundSettings.currency, default
//   "CAD"). In a request, an empty currency_code means the fund's currency; any
//   other code than the fund's is INVALID_ARGUMENT ("<field> must be in the
//   fund's currency CAD, got "EUR""). Amounts a client sends are positive unless
//   the field says otherwise.
// - Every amount is a Money. The int64 `*_minor_units` fields of the
//   settings, the journal, the trial balance and LoanChanged are the older
//   shape of the Money field beside them (FundSettings.guarantee_threshold
//   beside guarantee_threshold_minor_units, JournalLine.debit beside
//   debit_minor_units...): deprecated, still filled with the same amount on
//   output and still accepted on input. A request sets either shape, or both
//   equal; both set and different is INVALID_ARGUMENT naming both fields. An
//   int64 0 (or an empty repeated field) counts as unset. Events stored before
//   a Money field existed carry only the int64 field: read the Money when it is
//   set, else the int64.
// - Error messages name amounts by their API field path
//   ("amount.minor_units", "settings.ladder[1].minor_units"), never by an
//   internal name.
// - Rates and shares are integers in basis points (`*_bps`, 10000 = 100 %).
//
// DATES AND TIMES
// - A calendar day is a cercles.common.v1.Date (a civil date with no time zone:
//   year, month, day). All zero means "unset" (then the field says what
//   applies, usually "today"); a set Date must be a real calendar day of years
//   1 to 9999 (no 2023-02-29), else INVALID_ARGUMENT "<field> must be a real
//   calendar day ...". Some fields narrow the years (they say so). Its text
//   form, in cerclesctl and in error messages, is ISO 8601 "YYYY-MM-DD".
// - An instant is a google.protobuf.Timestamp (UTC). Timestamps are set by the
//   server (output only) except `effective_time` of membership's imports.
//
// "TODAY"
// - lending: the day in the time zone America/Toronto (the fund's). A server
//   whose system lacks the time zone database falls back to UTC. It is the
//   default of every `as_of`, of every money movement's date (disbursement,
//   repayment, guarantee call, write-off, capital contribution), and the bound
//   "not in the future" of those dates.
// - membership (meetings, trainings, people) and network (statistics): the UTC
//   day. A meeting date is "not after today" in UTC; a training's
//   completion_date may be up to one day after the UTC day (a fund west of UTC
//   can record the evening's completion).
//
// LOAN SCHEDULES (lending: PreviewSchedule, DisburseLoan, GetLoanSchedule)
// Every figure is an exact integer of minor units; no floating point is used.
// - Periodic rate: r = annual_rate_bps / (10000 * periods per year), with 52
//   periods a year for REPAYMENT_FREQUENCY_WEEKLY, 26 for
//   REPAYMENT_FREQUENCY_EVERY_TWO_WEEKS and 12 for REPAYMENT_FREQUENCY_MONTHLY.
//   It never depends on the actual number of days between due dates.
// - Due dates: the first is first_due_date; then every 7 days (weekly), every
//   14 days (every two weeks), or the same day of each following month,
//   clamped to the month's last day (monthly: a loan first due on the 31st is
//   due on 30 April and 28 or 29 February, and on the 31st again in May).
// - Rounding: every division below rounds half up (x.5 goes to x + 1), to the
//   minor unit.
// - INTEREST_METHOD_DECLINING_BALANCE (the default), with r > 0: the regular
//   payment is the annuity P * r / (1 - (1 + r)^-n), computed exactly and then
//   rounded half up (Schedule.regular_payment). Each instalment's interest is
//   its opening balance * r, rounded half up; its principal is the regular
//   payment minus that interest (never below 0, never above the balance). The
//   last instalment's principal is the whole remaining balance, so its total
//   may differ from the regular payment by the rounding of the others.
// - INTEREST_METHOD_FLAT, or a rate of 0 (either method): the total interest
//   is P * annual_rate_bps * n / (10000 * periods per year), rounded half up.
//   The principal and the total interest are each split evenly: every
//   instalment but the last gets the total / n rounded down, the last gets the
//   rest (so the last may be up to n - 1 minor units larger).
// - Bounds: principal 1 minor unit per instalment at least, at most
//   1,000,000,000 (10,000,000.00); annual_rate_bps 0 to 10000; 1 to 260
//   instalments, within the fund's FundSettings terms and rates.
// - Allocation of repayments and the prepayment rule: see
//   LendingService.RecordRepayment and FundSettings.prepayment_rule.
//
// RESOURCE NAMES
// - Resources are named "<collection>/{id}" ("circles/12",
//   "loans/3/repayments/7"); an {id} is a positive decimal integer without
//   sign, spaces or leading zeros, so each resource has exactly one name.
//   Anything else is INVALID_ARGUMENT naming the field and the pattern.
//   Network names things of many funds "funds/{fund_id}/circles/{circle_id}".
//
// PAGING (every List RPC, and WatchEvents' resumption)
// - page_size: 0 means the RPC's default; a negative size or one above the
//   RPC's maximum is INVALID_ARGUMENT. Unless a field says otherwise the
//   default is 50 and the maximum 500 (ListJournalEntries: 100 and 1000;
//   SearchExpertise: 20 and 100; SuggestCircles: 10 and 50). A page may hold
//   fewer entries than page_size (ListMeetings cuts full views near 1 MiB);
//   only an empty next_page_token marks the last page.
// - page_token: opaque. Pass back exactly the next_page_token of the previous
//   response, with the same other fields; anything the service did not issue
//   is INVALID_ARGUMENT. Tokens do not expire; they are positions ("after this
//   row"), so rows created meanwhile appear on later pages and none is
//   repeated.
// - Event streams (WatchEvents, WatchDirectory) are resumed with
//   after_sequence: the last sequence the client applied. Sequences strictly
//   increase and may have gaps.
//
// IDEMPOTENCY (every write: every RPC whose request has a request_id)
// - request_id is required: 1 to 128 characters of [A-Za-z0-9._:-] (a UUID
//   fits), else INVALID_ARGUMENT. Choose a new one for each new write, and
//   reuse it only to retry that same write.
// - Scope: one service's database. Within one service (membership, lending or
//   network, whatever the RPC and whoever calls), an id names one write, for
//   ever (ids are not expired). A peer fund's ids
//   (FederationService.ProposeMemberTransfer, 1 to 64 characters) are kept per
//   peer: two peers may use the same id.
// - Replay: the same id with the same request (same RPC, byte-for-byte the
//   same message in deterministic serialization) returns the first answer
//   without running the write again, with the response metadata
//   "cercles-replayed: true". The same id with a different request is
//   ALREADY_EXISTS. Only a committed write records its id: a refused request
//   (any error) records nothing, so retrying it runs it again.
// - Retries: UNAVAILABLE and DEADLINE_EXCEEDED may be retried with the same
//   request_id; ABORTED too (a concurrent write won a race); never retry
//   FAILED_PRECONDITION or INVALID_ARGUMENT unchanged.
// - validate_only (where offered): every rule is checked and nothing is
//   written; the response reports every broken rule at once.
//   Each broken rule is one google.rpc.BadRequest field violation (see ERRORS).
//
// ERRORS
// - Every refusal is a canonical gRPC code, a message that names the field (as
//   in the API: "person.contact.email", "circles[2].members") and the rule it
//   broke, and, in the binary trailer `grpc-status-details-bin`, a serialized
//   google.rpc.Status (proto/google/rpc/status.proto) with the same code and
//   message whose details hold:
//   - always a google.rpc.ErrorInfo: domain "cercles.coop", a stable `reason`
//     (below) to branch on, and metadata: "field" (the first field at fault),
//     "violations" (their count), "resource" (the circle or person out of the
//     caller's scope), "method" (the RPC a policy refused), "role";
//   - for INVALID_ARGUMENT that names fields, a google.rpc.BadRequest with one
//     FieldViolation per broken rule (field, description: the rule, reason).
//   A reason is never renamed nor given another meaning; new ones may appear
//   (treat an unknown reason by its code).
// - Reasons (ErrorInfo.reason; FieldViolation.reason takes the first five):
//   FIELD_REQUIRED        INVALID_ARGUMENT: a required field is missing or empty.
//   FIELD_INVALID_FORMAT  INVALID_ARGUMENT: not of the field's form (a resource
//                         name, a date, UTF-8 text, a page token, request_id).
//   VALUE_OUT_OF_RANGE    INVALID_ARGUMENT: a number, a length or a date outside
//                         its bounds.
//   FIELDS_CONFLICT       INVALID_ARGUMENT: two fields that must agree do not (an
//                         enum and the deprecated string it replaces).
//   FIELD_INVALID         INVALID_ARGUMENT: any other rule of one field.
//   REQUEST_INVALID       INVALID_ARGUMENT: several broken rules (one violation
//                         each), or a rule about the request as a whole.
//   RESOURCE_NOT_FOUND    NOT_FOUND: the named resource does not exist, or is
//                         not one the caller may see.
//   ALREADY_EXISTS_DIFFERENT_REQUEST  ALREADY_EXISTS: the request_id was used
//                         for a different request.
//   RESOURCE_ALREADY_EXISTS  ALREADY_EXISTS: the resource or its unique key
//                         (an e-mail, a peer's name) exists.
//   PERMISSION_DENIED_ROLE   PERMISSION_DENIED: the RPC's access policy does
//                         not admit the caller's role or service, or the RPC
//                         is not served on that port.
//   PERMISSION_DENIED_SCOPE  PERMISSION_DENIED: the caller may call the RPC but
//                         not on this circle or person (an advisor's circles).
//   PERMISSION_DENIED     PERMISSION_DENIED: any other refusal of the caller.
//   PRECONDITION_FAILED   FAILED_PRECONDITION: the resource's state does not
//                         allow the call (the message says which rule).
//   Any other code carries its own name as the reason: UNAUTHENTICATED,
//   UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, RESOURCE_EXHAUSTED, CANCELLED,
//   INTERNAL, DATA_LOSS, UNIMPLEMENTED.
// - Which code, when. The same rule holds for every RPC. Each RPC's comment
//   ends with an "Errors:" paragraph listing the codes that RPC returns and
//   when (its fields, states and scope); the codes below that every RPC may
//   return (UNAUTHENTICATED, PERMISSION_DENIED by the access policy,
//   UNAVAILABLE...) are not repeated there:
//   UNAUTHENTICATED     no credentials, or credentials the fund does not know.
//   PERMISSION_DENIED   the RPC's access policy (AccessPolicy option) does not
//                       admit the caller, or the resource is out of its scope.
//   INVALID_ARGUMENT    a field breaks a rule stated in its comment, whatever
//                       the stored data (a missing required field, a bad name,
//                       a value out of bounds).
//   NOT_FOUND           a name that is well formed but names nothing.
//   ALREADY_EXISTS      request_id reused for another request; a unique key
//                       taken.
//   FAILED_PRECONDITION the request is well formed but the stored state does
//                       not allow it (a closed loan, a circle without a seat,
//                       a step taken out of order). A field the request
//                       itself makes required (a referral's outcome when it
//                       is set to COMPLETED) is INVALID_ARGUMENT; a move the
//                       stored state forbids (a COMPLETED referral changed
//                       again) is FAILED_PRECONDITION.
//   ABORTED, UNAVAILABLE, DEADLINE_EXCEEDED  retry (IDEMPOTENCY).
//
// UPDATE MASKS (UpdatePerson, UpdateCircle, UpdatePartner)
// - update_mask is required; it names the fields to change, and only those
//   change, each to the value sent (an empty value clears a field that may be
//   empty). A path that is not a field of
//   the resource, or is output only, is INVALID_ARGUMENT. Each RPC lists its
//   paths; UpdatePerson also takes sub-paths ("contact.email") and "*" alone
//   (every field that is not output only). UpdateFundSettings has no mask: it
//   takes the whole settings (read, change, write back).
//
// TEXT
// - Lengths are counted in characters (Unicode code points), never bytes.
//   Leading and trailing ASCII white space is trimmed before counting. One-line
//   text holds no control characters; multi-line text (minutes, notes,
//   addresses, where the field says "line breaks allowed" or is long prose) may
//   hold tabs and line breaks. NUL is never accepted.
//
// ENUMS
// - Every enum's zero value is *_UNSPECIFIED: in a request it means "not set"
//   (the field says what applies); a value the server does not know is
//   INVALID_ARGUMENT. Where an enum field replaces an older string field, the
//   server fills both in answers and accepts either in requests; when both are
//   given they must agree (else INVALID_ARGUMENT).
//
// FIELD BEHAVIOUR
// - (google.api.field_behavior) marks REQUIRED, OUTPUT_ONLY and IMMUTABLE
//   fields. Output-only fields a client sends are ignored.

// @generated by protoc-gen-es v2.17.0 with parameter "target=ts,import_extension=js"
// @generated from file cercles/common/v1/conventions.proto (package cercles.common.v1, syntax proto3)
/* eslint-disable */

import type { GenFile } from "@bufbuild/protobuf/codegenv2";
import { fileDesc } from "@bufbuild/protobuf/codegenv2";

/**
 * Describes the file cercles/common/v1/conventions.proto.
 */
export const file_cercles_common_v1_conventions: GenFile = /*@__PURE__*/
  fileDesc("CiNjZXJjbGVzL2NvbW1vbi92MS9jb252ZW50aW9ucy5wcm90bxIRY2VyY2xlcy5jb21tb24udjFiBnByb3RvMw");

