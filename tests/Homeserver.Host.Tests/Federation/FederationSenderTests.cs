using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// The federation sender in a running server: a local event reaches another server as <c>PUT /send/{txnId}</c> over
/// the real federation client (discovery overridden to a recording destination on loopback, TLS from a test CA).
/// </summary>
public sealed class FederationSenderTests : IDisposable
{
    private readonly TempDirectory _files = new();
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa("Sender test CA");

    public void Dispose()
    {
        _ca.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task A_ban_of_a_remote_user_is_delivered_to_its_server_and_a_message_before_it_is_not()
    {
        await using var remote = await RecordingDestination.StartAsync(TestCertificates.CreateLeaf(_ca, "remote.test"));
        await using var server = await StartAsync(remote);
        var alice = await server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        await MatrixAssert.OkAsync(await alice.TrySendAsync(roomId, "m.room.message",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "before" }));
        await MatrixAssert.OkAsync(await alice.PostRoomAsync(roomId, "ban",
            new JsonObject { ["user_id"] = "@bob:remote.test", ["reason"] = "spam" }));

        var transaction = await remote.NextAsync();

        Assert.StartsWith("X-Matrix origin=\"hs1.test\",destination=\"remote.test\"", transaction.Authorization,
            StringComparison.Ordinal);
        var pdu = Assert.Single(transaction.Body.GetProperty("pdus").EnumerateArray());
        Assert.Equal(("m.room.member", "@bob:remote.test", "ban", roomId),
            (pdu.GetProperty("type").GetString(), pdu.GetProperty("state_key").GetString(),
                pdu.GetProperty("content").GetProperty("membership").GetString(), pdu.GetProperty("room_id").GetString()));
        Assert.Equal("hs1.test", transaction.Body.GetProperty("origin").GetString());
    }

    [Fact]
    public async Task Delivery_resumes_after_a_restart_with_the_same_transaction()
    {
        await using var remote = await RecordingDestination.StartAsync(TestCertificates.CreateLeaf(_ca, "remote.test"));
        remote.Status = HttpStatusCode.ServiceUnavailable;
        string connectionString;
        SeenSend failed;
        await using (var server = await StartAsync(remote))
        {
            connectionString = server.ConnectionString;
            var alice = await server.RegisterAsync();
            var roomId = await alice.CreateRoomAsync();
            await MatrixAssert.OkAsync(await alice.PostRoomAsync(roomId, "ban",
                new JsonObject { ["user_id"] = "@bob:remote.test" }));
            failed = await remote.NextAsync();
        }

        remote.Status = HttpStatusCode.OK;
        await using var restarted = await StartAsync(remote, connectionString);

        var delivered = await remote.NextAsync();
        Assert.Equal(failed.TxnId, delivered.TxnId);
        Assert.Equal(failed.Body.GetRawText(), delivered.Body.GetRawText());
    }

    private async Task<LiveServer> StartAsync(RecordingDestination remote, string? connectionString = null)
    {
        var caPath = Path.Combine(_files.Path, "ca.pem");
        await File.WriteAllTextAsync(caPath, _ca.ExportCertificatePem());
        return await LiveServer.StartAsync(connectionString, serverName: "hs1.test", settings: new Dictionary<string, string?>
        {
            ["Federation:TrustedCaFile"] = caPath,
            ["Federation:HostOverrides:remote.test"] = $"127.0.0.1:{remote.Port}",
        });
    }

    private sealed record SeenSend(string TxnId, string? Authorization, JsonElement Body);

    /// <summary>Kestrel on 127.0.0.1 over HTTPS that records every <c>PUT /send/{txnId}</c> and answers
    /// <see cref="Status"/>.</summary>
    private sealed class RecordingDestination : IAsyncDisposable
    {
        private const string Prefix = "/_matrix/federation/v1/send/";
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<SeenSend> _seen = new();
        private readonly SemaphoreSlim _arrived = new(0);

        private RecordingDestination(WebApplication app) => _app = app;

        public int Port { get; private set; }

        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        public static async Task<RecordingDestination> StartAsync(X509Certificate2 certificate)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0,
                listen => listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate })));
            var app = builder.Build();
            var destination = new RecordingDestination(app);
            app.Run(destination.HandleAsync);
            await app.StartAsync();
            destination.Port = new Uri(app.Services.GetRequiredService<IServer>().Features
                .Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
            return destination;
        }

        /// <summary>The next transaction it receives.</summary>
        public async Task<SeenSend> NextAsync()
        {
            Assert.True(await _arrived.WaitAsync(TimeSpan.FromSeconds(30)), "no transaction arrived");
            Assert.True(_seen.TryDequeue(out var seen));
            return seen;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _arrived.Dispose();
        }

        private async Task HandleAsync(HttpContext context)
        {
            var path = context.Request.Path.Value ?? "";
            if (context.Request.Method != "PUT" || !path.StartsWith(Prefix, StringComparison.Ordinal))
            {
                context.Response.StatusCode = 404;
                return;
            }

            var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body,
                cancellationToken: context.RequestAborted);
            _seen.Enqueue(new SeenSend(path[Prefix.Length..], context.Request.Headers.Authorization.ToString(), body));
            _arrived.Release();
            context.Response.StatusCode = (int)Status;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["pdus"] = new JsonObject() });
        }
    }
}
