// The benchmarks' baseline: a service that does nothing but goes through
// everything a real service's call goes through (TLS, the runner's logging and
// metrics interceptor, the handler pool, authorisation by the declared policy,
// status conversion), so that a service's figures can be read as a ratio to it.
#ifndef CERCLES_BENCH_ECHO_SERVICE_H_
#define CERCLES_BENCH_ECHO_SERVICE_H_

#include "cercles/bench/v1/echo.grpc.pb.h"
#include "common/auth/auth.h"
#include "common/server/handler_pool.h"

namespace cercles::bench {

class EchoService final : public cercles::bench::v1::EchoService::CallbackService {
 public:
  EchoService(const auth::Authorizer* authorizer, server::HandlerPool* handlers)
      : authorizer_(authorizer), handlers_(handlers) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const v1::EchoRequest* request,
                                 v1::EchoResponse* response) override;

 private:
  const auth::Authorizer* authorizer_;
  server::HandlerPool* handlers_;
};

}  // namespace cercles::bench

#endif  // CERCLES_BENCH_ECHO_SERVICE_H_
