using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Federation.Discovery;
using Homeserver.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Homeserver.Storage.Tests.Federation;

/// <summary>
/// Another server (<c>remote.test</c>) on 127.0.0.1 over HTTPS (a test certificate), serving the federation reads of
/// room events (<c>/event</c>, <c>/get_missing_events</c>, <c>/state_ids</c>, <c>/state</c>) from events the test
/// built and signed, as the test says; and a <see cref="FederationClient"/> that reaches it (and nothing else).
/// </summary>
internal sealed class TestRemoteServer : IAsyncDisposable
{
    public const string Name = "remote.test";

    private readonly WebApplication _app;
    private readonly HttpMessageInvoker _http;
    private readonly ConcurrentDictionary<string, Pdu> _events = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (IReadOnlyList<Pdu> State, IReadOnlyList<Pdu> AuthChain)> _states =
        new(StringComparer.Ordinal);

    private TestRemoteServer(WebApplication app, int port)
    {
        _app = app;
        var settings = FederationClientSettings.Default with
        {
            VerifyCertificates = false, // a test certificate on loopback
            HostOverrides = new Dictionary<string, IPEndPoint> { [Name] = new(IPAddress.Loopback, port) },
        };
        _http = new HttpMessageInvoker(FederationHttpHandler.Create(settings, new NoAddresses()));
        var clock = new ManualClock();
        Client = new FederationClient(
            new ServerNameResolver(new WellKnownResolver(new NoWellKnown(), clock, new Random(1)),
                new SrvResolver(new NoSrv(), clock, new Random(1)), settings.HostOverrides),
            new UnsignedRequests(), _http, settings,
            new DestinationBackoff(settings.BackoffMin, settings.BackoffMax, clock, new Random(1)),
            new DestinationLimiter(settings.MaxConcurrentRequestsPerDestination), clock);
    }

    public FederationClient Client { get; }

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>What <c>/get_missing_events</c> answers (given the request body); none by default.</summary>
    public Func<JsonObject, IReadOnlyList<Pdu>> MissingEvents { get; set; } = _ => [];

    /// <summary>Every request is answered 500.</summary>
    public bool Failing { get; set; }

    public static async Task<TestRemoteServer> StartAsync()
    {
        using var ca = TestCertificates.CreateCa("Remote CA");
        var certificate = TestCertificates.CreateLeaf(ca, Name);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        TestRemoteServer? server = null;
        app.Run(context => server!.AnswerAsync(context));
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single()).Port;
        server = new TestRemoteServer(app, port);
        return server;
    }

    /// <summary>Makes the events fetchable with <c>/event</c>.</summary>
    public void Serve(params Pdu[] events)
    {
        foreach (var pdu in events)
        {
            _events[pdu.EventId] = pdu;
        }
    }

    /// <summary>What <c>/state_ids</c> and <c>/state</c> answer for the state before <paramref name="eventId"/>.</summary>
    public void ServeStateBefore(string eventId, IReadOnlyList<Pdu> state, IReadOnlyList<Pdu> authChain) =>
        _states[eventId] = (state, authChain);

    public int Count(string pathPart) => Requests.Count(r => r.Contains(pathPart, StringComparison.Ordinal));

    private async Task AnswerAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        Requests.Enqueue($"{context.Request.Method} {path}{context.Request.QueryString}");
        if (Failing)
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsJsonAsync(new { errcode = "M_UNKNOWN", error = "down" });
            return;
        }

        const string prefix = "/_matrix/federation/v1/";
        var eventId = context.Request.Query["event_id"].ToString();
        JsonNode? answer = null;
        if (path.StartsWith(prefix + "event/", StringComparison.Ordinal) &&
            _events.TryGetValue(Uri.UnescapeDataString(path[(prefix.Length + 6)..]), out var pdu))
        {
            answer = new JsonObject
            {
                ["origin"] = Name, ["origin_server_ts"] = 1, ["pdus"] = new JsonArray(Json(pdu)),
            };
        }
        else if (path.StartsWith(prefix + "get_missing_events/", StringComparison.Ordinal))
        {
            var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            answer = new JsonObject { ["events"] = Array(MissingEvents(body)) };
        }
        else if (path.StartsWith(prefix + "state_ids/", StringComparison.Ordinal) &&
                 _states.TryGetValue(eventId, out var ids))
        {
            answer = new JsonObject
            {
                ["pdu_ids"] = new JsonArray(ids.State.Select(e => (JsonNode)e.EventId).ToArray()),
                ["auth_chain_ids"] = new JsonArray(ids.AuthChain.Select(e => (JsonNode)e.EventId).ToArray()),
            };
        }
        else if (path.StartsWith(prefix + "state/", StringComparison.Ordinal) &&
                 _states.TryGetValue(eventId, out var state))
        {
            answer = new JsonObject { ["pdus"] = Array(state.State), ["auth_chain"] = Array(state.AuthChain) };
        }

        if (answer is null)
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsJsonAsync(new { errcode = "M_NOT_FOUND", error = "not here" });
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    private static JsonNode Json(Pdu pdu) => JsonNode.Parse(pdu.Json.GetRawText())!;

    private static JsonArray Array(IEnumerable<Pdu> events) => new(events.Select(Json).ToArray());

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class UnsignedRequests : IFederationRequestSigner
    {
        public string CreateAuthorization(string method, string uri, ServerName destination,
            ReadOnlyMemory<byte>? body) => "X-Matrix origin=\"test.local\"";
    }

    private sealed class NoAddresses : IHostAddressLookup
    {
        public Task<IReadOnlyList<IPAddress>> GetAddressesAsync(string host, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<IPAddress>>([IPAddress.Loopback]);
    }

    private sealed class NoWellKnown : IWellKnownFetcher
    {
        public Task<WellKnownFetchResult> FetchAsync(string hostname, CancellationToken cancellationToken) =>
            Task.FromResult(WellKnownFetchResult.Temporary);
    }

    private sealed class NoSrv : ISrvLookup
    {
        public Task<SrvLookupResult> LookupAsync(string name, CancellationToken cancellationToken) =>
            Task.FromResult(SrvLookupResult.NotFound);
    }
}
