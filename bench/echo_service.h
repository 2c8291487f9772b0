// The benchmarks' baseline: a service that does nothing but goes through
// everything a real service's call goes through (TLS, the runner's logging and
// metrics interceptor, authorisation by the declared policy, status conversion),
// so that a service's figures can be read as a ratio to it.
#ifndef CERCLES_BENCH_ECHO_SERVICE_H_
#define CERCLES_BENCH_ECHO_SERVICE_H_

#include "cercles/bench/v1/echo.grpc.pb.h"
#include "common/auth/auth.h"

namespace cercles::bench {

class EchoService final : public cercles::bench::v1::EchoService::Service {
 public:
  explicit EchoService(const auth::Authorizer* authorizer) : authorizer_(authorizer) {}

  grpc::Status Echo(grpc::ServerContext* context, const v1::EchoRequest* request,
                    v1::EchoResponse* response) override;

 private:
  const auth::Authorizer* authorizer_;
};

}  // namespace cercles::bench

#endif  // CERCLES_BENCH_ECHO_SERVICE_H_
