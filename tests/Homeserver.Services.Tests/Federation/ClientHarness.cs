using System.Net;
using System.Security.Cryptography.X509Certificates;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Federation.Discovery;
using Homeserver.Testing;

namespace Homeserver.Services.Tests.Federation;

/// <summary>Every name resolves to 127.0.0.1: the client's tests never reach another address.</summary>
internal sealed class LoopbackAddresses : IHostAddressLookup
{
    public Task<IReadOnlyList<IPAddress>> GetAddressesAsync(string host, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IPAddress>>([IPAddress.Loopback]);
}

/// <summary>Signs with a readable stand-in for X-Matrix and remembers what it signed.</summary>
internal sealed class TestSigner : IFederationRequestSigner
{
    public List<(string Method, string Uri, ServerName Destination, byte[]? Body)> Signed { get; } = [];

    public string CreateAuthorization(string method, string uri, ServerName destination, ReadOnlyMemory<byte>? body)
    {
        lock (Signed)
        {
            Signed.Add((method, uri, destination, body?.ToArray()));
        }

        return $"X-Matrix origin=\"origin.test\",destination=\"{destination}\",key=\"ed25519:t\",sig=\"{method}{uri}\"";
    }
}

/// <summary>A federation client wired to fakes for discovery, a manual clock and loopback-only addresses.</summary>
internal sealed class ClientHarness : IDisposable
{
    private readonly TempDirectory _directory = new();

    public ClientHarness(Func<FederationClientSettings, FederationClientSettings>? configure = null,
        X509Certificate2? trustedCa = null, FederationAccessSettings? access = null)
    {
        var settings = FederationClientSettings.Default;
        if (trustedCa is not null)
        {
            var path = Path.Combine(_directory.Path, "ca.pem");
            File.WriteAllText(path, trustedCa.ExportCertificatePem());
            settings = settings with { TrustedCaFile = path };
        }

        Settings = configure is null ? settings : configure(settings);
        Http = new HttpMessageInvoker(FederationHttpHandler.Create(Settings, new LoopbackAddresses()));
        Backoff = new DestinationBackoff(Settings.BackoffMin, Settings.BackoffMax, Clock, new ScriptedRandom());
        Limiter = new DestinationLimiter(Settings.MaxConcurrentRequestsPerDestination);
        var resolver = new ServerNameResolver(new WellKnownResolver(WellKnown, Clock, new ScriptedRandom()),
            new SrvResolver(Srv, Clock, new ScriptedRandom()), Settings.HostOverrides);
        Client = new FederationClient(resolver, Signer, Http, Settings, Backoff, Limiter, Clock, access);
    }

    public FederationClientSettings Settings { get; }

    public ManualClock Clock { get; } = new();

    public FakeWellKnownFetcher WellKnown { get; } = new();

    public FakeSrvLookup Srv { get; } = new();

    public TestSigner Signer { get; } = new();

    public HttpMessageInvoker Http { get; }

    public DestinationBackoff Backoff { get; }

    public DestinationLimiter Limiter { get; }

    public FederationClient Client { get; }

    public Task<FederationResponse> GetAsync(string destination, string uri = "/_matrix/federation/v1/version") =>
        Client.SendAsync(HttpMethod.Get, ServerName.Parse(destination), uri, null, CancellationToken.None);

    public void Dispose()
    {
        Http.Dispose();
        _directory.Dispose();
    }
}
