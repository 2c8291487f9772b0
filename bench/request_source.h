// What the load generator sends: a unary method found by its path in the
// generated descriptor pool, and its request built from JSON, serialised ahead of
// the run so that the measured loop only copies bytes.
//
// "{{n}}" in the JSON is replaced by a counter (counter_start, counter_start + 1...)
// so that a run can create distinct resources (request ids) or spread reads over
// many (with counter_cycle K, call i uses counter_start + i mod K). "{{n%K}}" is
// 1 + n mod K: distinct request ids spread over K resources ("loans/{{n%1000}}").
#ifndef CERCLES_BENCH_REQUEST_SOURCE_H_
#define CERCLES_BENCH_REQUEST_SOURCE_H_

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/byte_buffer.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace cercles::bench {

class RequestSource {
 public:
  // method: "/cercles.bench.v1.EchoService/Echo". counter_cycle 0: the counter
  // never wraps (each call renders its own request, a JSON parse per call).
  // Checks the method exists and is unary, and that the JSON parses (for the first
  // counter value, and for every value of a cycle, which are pre-rendered).
  static absl::StatusOr<RequestSource> Create(const std::string& method, const std::string& json,
                                              int64_t counter_start = 1, int64_t counter_cycle = 0);

  const std::string& method() const { return method_; }
  const google::protobuf::MethodDescriptor* descriptor() const { return descriptor_; }
  bool templated() const { return templated_; }

  // The serialised request of call number `call_index` (0-based). Thread-safe.
  absl::StatusOr<grpc::ByteBuffer> Request(int64_t call_index) const;

  // The JSON of call number `call_index` with the counter substituted.
  std::string RenderJson(int64_t call_index) const;

 private:
  RequestSource() = default;
  absl::StatusOr<grpc::ByteBuffer> Serialise(const std::string& json) const;

  std::string method_;
  const google::protobuf::MethodDescriptor* descriptor_ = nullptr;
  std::string json_;
  bool templated_ = false;
  int64_t counter_start_ = 1;
  int64_t counter_cycle_ = 0;
  std::vector<grpc::ByteBuffer> prepared_;  // one, or one per counter value of a cycle
};

// "/package.Service/Method" → the method, or an error saying which part is wrong.
absl::StatusOr<const google::protobuf::MethodDescriptor*> FindUnaryMethod(
    const std::string& method_path);

}  // namespace cercles::bench

#endif  // CERCLES_BENCH_REQUEST_SOURCE_H_
