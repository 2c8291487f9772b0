// W3C traceparent: what is accepted, what is refused, and a new span per hop.
#include "common/util/trace.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace cercles::trace {
namespace {

constexpr char kHeader[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceTest, ParsesAWellFormedHeader) {
  std::optional<TraceContext> context = ParseTraceparent(kHeader);
  ASSERT_TRUE(context.has_value());
  EXPECT_EQ(context->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(context->span_id, "00f067aa0ba902b7");
  EXPECT_EQ(context->flags, "01");
  EXPECT_EQ(context->Traceparent(), kHeader);
}

TEST(TraceTest, RefusesMalformedHeaders) {
  for (const char* header : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",       // no flags
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // upper case
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // zero span id
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // version ff
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // v00 with a tail
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // separator
           "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",    // not hex
       }) {
    EXPECT_FALSE(ParseTraceparent(header).has_value()) << header;
  }
  // A later version is read by its version-00 prefix.
  EXPECT_TRUE(ParseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later")
                  .has_value());
}

TEST(TraceTest, AChildSpanKeepsTheTraceAndNamesItsParent) {
  const TraceContext incoming = *ParseTraceparent(kHeader);
  const TraceContext child = StartSpan(incoming);
  EXPECT_EQ(child.trace_id, incoming.trace_id);
  EXPECT_EQ(child.parent_span_id, incoming.span_id);
  EXPECT_EQ(child.flags, "01");
  ASSERT_EQ(child.span_id.size(), 16u);
  EXPECT_NE(child.span_id, incoming.span_id);
  const std::optional<TraceContext> sent = ParseTraceparent(child.Traceparent());
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->span_id, child.span_id);
}

TEST(TraceTest, NewTracesAndSpansAreDistinct) {
  std::set<std::string> traces, spans;
  for (int i = 0; i < 1000; ++i) {
    const TraceContext root = NewTrace();
    EXPECT_TRUE(root.parent_span_id.empty());
    EXPECT_TRUE(ParseTraceparent(root.Traceparent()).has_value()) << root.Traceparent();
    traces.insert(root.trace_id);
    spans.insert(root.span_id);
  }
  EXPECT_EQ(traces.size(), 1000u);
  EXPECT_EQ(spans.size(), 1000u);
}

}  // namespace
}  // namespace cercles::trace
