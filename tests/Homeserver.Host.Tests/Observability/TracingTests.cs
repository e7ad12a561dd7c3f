using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Homeserver.Host.Tests.Observability;

/// <summary>
/// Traces exported over OTLP/HTTP to a collector stand-in on loopback (<see cref="OtlpTraceReceiver"/>): one request
/// through the client API, the room writer and Postgres is one trace.
/// </summary>
public sealed class TracingTests
{
    private const string SendRoute = "/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}";

    [Fact]
    public async Task A_send_is_one_trace_of_request_persistence_and_npgsql_spans_and_a_sync_has_its_pass()
    {
        await using var collector = new OtlpTraceReceiver(FreePort.Next());
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = collector.Endpoint.ToString(),
            ["Telemetry:OtlpProtocol"] = "http/protobuf",
        });
        var alice = await server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        await alice.SendTextAsync(roomId, "traced");
        await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/sync"));

        Assert.True(server.Instance.App.Services.GetRequiredService<TracerProvider>().ForceFlush(30_000));

        Assert.Contains("/v1/traces", collector.Paths);
        var spans = collector.Spans;
        var send = Assert.Single(spans, s => s.Scope == "Microsoft.AspNetCore" && s.Name == "PUT " + SendRoute);
        var trace = spans.Where(s => s.TraceId == send.TraceId).ToList();
        var persist = Assert.Single(trace, s => s.Scope == "Homeserver" && s.Name == "room.persist");
        Assert.Contains(trace, s => s.Scope == "Npgsql");
        // The persistence span sits under the request's span (possibly through others of the same trace).
        Assert.True(IsUnder(persist, send, trace), "room.persist is not under the request's span");

        var sync = Assert.Single(spans, s => s.Scope == "Microsoft.AspNetCore" &&
                                             s.Name == "GET /_matrix/client/v3/sync");
        Assert.Contains(spans, s => s.TraceId == sync.TraceId && s.Name == "sync.pass" && s.Scope == "Homeserver");
        Assert.Contains(spans, s => s.TraceId == sync.TraceId && s.Scope == "Npgsql");
    }

    private static bool IsUnder(ReceivedSpan span, ReceivedSpan ancestor, List<ReceivedSpan> trace)
    {
        for (var current = span; current is not null;
             current = trace.FirstOrDefault(s => s.SpanId == current.ParentSpanId))
        {
            if (current.ParentSpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }
}
