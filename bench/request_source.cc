#include "bench/request_source.h"

#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/support/slice.h>

#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace cercles::bench {
namespace {

constexpr char kCounter[] = "{{n}}";
// "{{n%K}}": 1 + n mod K, to spread calls that each have their own {{n}} (a
// request id) over K resources (loans/1 .. loans/K).
constexpr char kModuloStart[] = "{{n%";
// Pre-rendering a cycle holds every request in memory; beyond this, render per call.
constexpr int64_t kMaxCycle = 1000000;

// Replaces every "{{n%K}}" with 1 + n mod K; INVALID_ARGUMENT for a K that is
// not a positive integer.
absl::StatusOr<std::string> ReplaceModulo(std::string json, int64_t n) {
  for (size_t at = json.find(kModuloStart); at != std::string::npos;
       at = json.find(kModuloStart, at)) {
    const size_t digits = at + sizeof(kModuloStart) - 1;
    const size_t end = json.find("}}", digits);
    int64_t k = 0;
    if (end == std::string::npos || !absl::SimpleAtoi(json.substr(digits, end - digits), &k) ||
        k < 1) {
      return absl::InvalidArgumentError(
          "--request: {{n%K}} needs a positive integer K, e.g. {{n%1000}}");
    }
    const std::string value = absl::StrCat(1 + ((n % k) + k) % k);
    json.replace(at, end + 2 - at, value);
    at += value.size();
  }
  return json;
}

}  // namespace

absl::StatusOr<const google::protobuf::MethodDescriptor*> FindUnaryMethod(
    const std::string& method_path) {
  std::vector<std::string> parts = absl::StrSplit(method_path, '/');
  if (parts.size() != 3 || !parts[0].empty() || parts[1].empty() || parts[2].empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--method \"", method_path,
                                                   "\" must be \"/package.Service/Method\", e.g. "
                                                   "\"/cercles.bench.v1.EchoService/Echo\""));
  }
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(parts[1]);
  if (service == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("--method: no service \"", parts[1],
                     "\" in the protos this program was built with (names are case-sensitive)"));
  }
  const google::protobuf::MethodDescriptor* method = service->FindMethodByName(parts[2]);
  if (method == nullptr) {
    std::vector<std::string> names;
    for (int i = 0; i < service->method_count(); ++i) names.push_back(service->method(i)->name());
    return absl::NotFoundError(absl::StrCat("--method: ", parts[1], " has no method \"", parts[2],
                                            "\"; it has: ", absl::StrJoin(names, ", ")));
  }
  if (method->client_streaming() || method->server_streaming()) {
    return absl::InvalidArgumentError(absl::StrCat("--method: ", method_path,
                                                   " is a streaming method; only unary ones can be "
                                                   "benchmarked"));
  }
  return method;
}

absl::StatusOr<RequestSource> RequestSource::Create(const std::string& method,
                                                    const std::string& json, int64_t counter_start,
                                                    int64_t counter_cycle) {
  if (counter_cycle < 0 || counter_cycle > kMaxCycle) {
    return absl::InvalidArgumentError(
        absl::StrCat("the counter cycle must be from 0 to ", kMaxCycle, ", not ", counter_cycle));
  }
  RequestSource source;
  auto descriptor = FindUnaryMethod(method);
  if (!descriptor.ok()) return descriptor.status();
  source.method_ = method;
  source.descriptor_ = *descriptor;
  source.json_ = json;
  source.templated_ =
      json.find(kCounter) != std::string::npos || json.find(kModuloStart) != std::string::npos;
  if (absl::StatusOr<std::string> checked = ReplaceModulo(json, 0); !checked.ok()) {
    return checked.status();
  }
  source.counter_start_ = counter_start;
  source.counter_cycle_ = counter_cycle;

  const int64_t prepared = !source.templated_ ? 1 : counter_cycle;
  for (int64_t i = 0; i < prepared; ++i) {
    auto bytes = source.Serialise(source.RenderJson(i));
    if (!bytes.ok()) return bytes.status();
    source.prepared_.push_back(*std::move(bytes));
  }
  if (source.prepared_.empty()) {  // rendered per call: check the first one now
    auto first = source.Serialise(source.RenderJson(0));
    if (!first.ok()) return first.status();
  }
  return source;
}

std::string RequestSource::RenderJson(int64_t call_index) const {
  if (!templated_) return json_;
  const int64_t offset = counter_cycle_ > 0 ? call_index % counter_cycle_ : call_index;
  const int64_t n = counter_start_ + offset;
  // Create checked every {{n%K}}, so this cannot fail.
  return ReplaceModulo(absl::StrReplaceAll(json_, {{kCounter, absl::StrCat(n)}}), n).value();
}

absl::StatusOr<grpc::ByteBuffer> RequestSource::Serialise(const std::string& json) const {
  const google::protobuf::Descriptor* type = descriptor_->input_type();
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
  if (prototype == nullptr) {
    return absl::InternalError(absl::StrCat("no generated class for ", type->full_name()));
  }
  std::unique_ptr<google::protobuf::Message> message(prototype->New());
  auto parsed = google::protobuf::util::JsonStringToMessage(json, message.get());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--request is not a valid ", type->full_name(),
                                                   " in JSON: ", parsed.ToString(),
                                                   " (JSON: ", json, ")"));
  }
  std::string bytes;
  if (!message->SerializeToString(&bytes)) {
    return absl::InternalError(absl::StrCat("cannot serialise the ", type->full_name()));
  }
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

absl::StatusOr<grpc::ByteBuffer> RequestSource::Request(int64_t call_index) const {
  if (prepared_.size() == 1) return prepared_[0];
  if (!prepared_.empty()) return prepared_[call_index % counter_cycle_];
  return Serialise(RenderJson(call_index));
}

}  // namespace cercles::bench
