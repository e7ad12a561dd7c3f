using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
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
        // Each traced request names its trace (W3C traceparent), so spans of other servers in this process, which the
        // process-wide listener also sees, are told apart.
        var sendTrace = ActivityTraceId.CreateRandom().ToHexString();
        var syncTrace = ActivityTraceId.CreateRandom().ToHexString();
        using var requestsEnded = new RequestSpanEnded(sendTrace, syncTrace);
        using (var send = new HttpRequestMessage(HttpMethod.Put,
                   $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/t1")
               {
                   Content = JsonContent.Create(new JsonObject { ["msgtype"] = "m.text", ["body"] = "traced" }),
               })
        {
            send.Headers.Add("traceparent", $"00-{sendTrace}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            await MatrixAssert.OkAsync(await alice.Client.SendAsync(send));
        }

        using (var sync = new HttpRequestMessage(HttpMethod.Get, "/_matrix/client/v3/sync"))
        {
            sync.Headers.Add("traceparent", $"00-{syncTrace}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            await MatrixAssert.OkAsync(await alice.Client.SendAsync(sync));
        }

        await requestsEnded.AllEnded.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(server.Instance.App.Services.GetRequiredService<TracerProvider>().ForceFlush(30_000));

        Assert.Contains("/v1/traces", collector.Paths);
        var trace = collector.Spans.Where(s => s.TraceId == sendTrace).ToList();
        var request = Assert.Single(trace, s => s.Scope == "Microsoft.AspNetCore");
        Assert.Equal("PUT " + SendRoute, request.Name);
        var persist = Assert.Single(trace, s => s.Scope == "Homeserver" && s.Name == "room.persist");
        Assert.Contains(trace, s => s.Scope == "Npgsql");
        // The persistence span sits under the request's span (possibly through others of the same trace).
        Assert.True(IsUnder(persist, request, trace), "room.persist is not under the request's span");

        var syncSpans = collector.Spans.Where(s => s.TraceId == syncTrace).ToList();
        Assert.Contains(syncSpans, s => s.Scope == "Microsoft.AspNetCore" && s.Name == "GET /_matrix/client/v3/sync");
        Assert.Contains(syncSpans, s => s.Scope == "Homeserver" && s.Name == "sync.pass");
        Assert.Contains(syncSpans, s => s.Scope == "Npgsql");
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
