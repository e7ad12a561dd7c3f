using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Federation;
using Homeserver.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// A resident server written for the test (not ours): Kestrel on 127.0.0.1 over HTTPS, serving its key document and
/// make_join/send_join (v2) for one room built and signed with its own key (<see cref="RemoteRoomBuilder"/>). It
/// checks nothing of what it is sent; it records the joins it was sent, and can be told to forge its answer.
/// </summary>
internal sealed class FakeResident : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;

    private FakeResident(WebApplication app, X509Certificate2 certificate, RemoteRoomBuilder room)
    {
        _app = app;
        _certificate = certificate;
        Room = room;
    }

    public RemoteRoomBuilder Room { get; }

    public int Port { get; private set; }

    public ConcurrentQueue<JsonObject> SentJoins { get; } = new();

    /// <summary>Changes the send_join answer before it goes out (a forged one, say).</summary>
    public Action<JsonObject>? Tamper { get; set; }

    public static async Task<FakeResident> StartAsync(string serverName)
    {
        var key = SigningKey.FromSeed("fake", Enumerable.Repeat((byte)42, 32).ToArray());
        var room = new RemoteRoomBuilder(serverName, key);
        using var ca = TestCertificates.CreateCa("Fake resident CA");
        var certificate = TestCertificates.CreateLeaf(ca, serverName);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0,
            listen => listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate })));
        var app = builder.Build();
        var resident = new FakeResident(app, certificate, room);
        app.MapGet("/_matrix/key/v2/server", () => Results.Json(ServerKeyDocument.Create(serverName, key, [],
            DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds())));
        app.MapGet("/_matrix/federation/v1/make_join/{roomId}/{userId}", (string roomId, string userId) =>
        {
            var template = room.Build(EventTypes.Member, userId, userId, new JsonObject { ["membership"] = "join" })
                .ToJsonObject();
            template.Remove("signatures");
            template.Remove("hashes");
            return Results.Json(new JsonObject { ["room_version"] = "12", ["event"] = template });
        });
        app.MapPut("/_matrix/federation/v2/send_join/{roomId}/{eventId}", async (HttpContext context) =>
        {
            var join = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            resident.SentJoins.Enqueue(join);
            var state = room.State.Values.ToList();
            var answer = new JsonObject
            {
                ["origin"] = serverName,
                ["members_omitted"] = false,
                ["state"] = new JsonArray(state.Select(e => (JsonNode)e.ToJsonObject()).ToArray()),
                ["auth_chain"] = new JsonArray(room.AuthChainOf(state).Select(e => (JsonNode)e.ToJsonObject())
                    .ToArray()),
            };
            resident.Tamper?.Invoke(answer);
            return Results.Json(answer);
        });
        await app.StartAsync();
        resident.Port = new Uri(app.Services.GetRequiredService<IServer>().Features
            .Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
        return resident;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        _certificate.Dispose();
    }
}
