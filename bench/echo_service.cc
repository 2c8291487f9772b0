#include "bench/echo_service.h"

#include "common/server/handler.h"

namespace cercles::bench {

grpc::ServerUnaryReactor* EchoService::Echo(grpc::CallbackServerContext* context,
                                            const v1::EchoRequest* request,
                                            v1::EchoResponse* response) {
  return server::Serve(*handlers_, *authorizer_, context, *request, response,
                       [=](const auth::Principal&) -> absl::Status {
                         response->set_message(request->message());
                         return absl::OkStatus();
                       });
}

}  // namespace cercles::bench
