using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Homeserver.Bench.Federation;

/// <summary>Kestrel on 127.0.0.1 over HTTPS (a throwaway self-signed certificate) answering every <c>PUT /send</c>
/// with 200 and reporting each PDU's event ID as it arrives.</summary>
internal sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackReceiver(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public event Action<string>? Received;

    public long Transactions;

    public static async Task<LoopbackReceiver> StartAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=receiver.bench", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var exported = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0,
            listen => listen.UseHttps(exported)));
        var app = builder.Build();
        var receiver = new LoopbackReceiver(app);
        app.MapPut("/_matrix/federation/v1/send/{txnId}", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            Interlocked.Increment(ref receiver.Transactions);
            foreach (var pdu in body.RootElement.GetProperty("pdus").EnumerateArray())
            {
                receiver.Received?.Invoke(pdu.GetProperty("event_id").GetString()!);
            }

            return Results.Json(new { pdus = new { } });
        });
        await app.StartAsync();
        receiver.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single()).Port;
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
