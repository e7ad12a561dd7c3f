using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.AppServices;

/// <summary>
/// A live server with appservices registered from YAML files in a temporary directory; each appservice named in
/// <see cref="StartAsync"/> is a <see cref="FakeAppService"/> on loopback (or has <c>url: null</c>).
/// </summary>
internal sealed class AppServiceServer : IAsyncDisposable
{
    private readonly TempDirectory _directory;

    private AppServiceServer(LiveServer server, TempDirectory directory, FakeAppService fake)
    {
        Server = server;
        _directory = directory;
        Fake = fake;
    }

    public LiveServer Server { get; }

    /// <summary>The appservice "bridge": users <c>@ghost_.*</c>, aliases <c>#bridged_.*</c>, protocol <c>irc</c>.</summary>
    public FakeAppService Fake { get; }

    public const string AsToken = "as_token_bridge";
    public const string OtherAsToken = "as_token_other";

    /// <param name="extra">More YAML lines for the bridge's registration (e.g. <c>receive_ephemeral: true</c>).</param>
    /// <param name="otherUrl">The url of a second appservice "other" (protocol <c>irc</c> too); null for none.</param>
    public static async Task<AppServiceServer> StartAsync(string extra = "", string? otherUrl = null,
        Action<IServiceCollection>? services = null)
    {
        var fake = await FakeAppService.StartAsync();
        var directory = new TempDirectory();
        var bridge = Path.Combine(directory.Path, "bridge.yaml");
        await File.WriteAllTextAsync(bridge, $"""
            id: bridge
            url: "{fake.Url.AbsoluteUri.TrimEnd('/')}"
            as_token: {AsToken}
            hs_token: hs_token_bridge
            sender_localpart: bridgebot
            namespaces:
              users:
                - regex: "@ghost_.*"
                  exclusive: false
              aliases:
                - regex: "#bridged_.*"
                  exclusive: false
              rooms: []
            protocols: [irc]
            {extra}
            """);
        var other = Path.Combine(directory.Path, "other.yaml");
        await File.WriteAllTextAsync(other, $"""
            id: other
            url: {(otherUrl is null ? "null" : "\"" + otherUrl + "\"")}
            as_token: {OtherAsToken}
            hs_token: hs_token_other
            sender_localpart: otherbot
            namespaces:
              users: []
              aliases: []
              rooms: []
            protocols: [irc]
            """);
        var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["AppServices:ConfigFiles:0"] = bridge,
            ["AppServices:ConfigFiles:1"] = other,
        }, services: services);
        return new AppServiceServer(server, directory, fake);
    }

    /// <summary>The requests the appservice was sent other than transactions (which carry events whenever the
    /// sender gets to them, e.g. a room's events once it has an alias in the appservice's namespace).</summary>
    public IReadOnlyList<AppServiceRequest> Queries =>
        Fake.Requests.Where(r => !r.Path.StartsWith("/_matrix/app/v1/transactions/", StringComparison.Ordinal)).ToList();

    /// <summary>The next transaction with an event of <paramref name="type"/> (in events or ephemeral).</summary>
    public Task<AppServiceRequest> NextTransactionWithAsync(string part, string type) =>
        Fake.NextAsync(r => r.Method == "PUT" && r.Path.StartsWith("/_matrix/app/v1/transactions/", StringComparison.Ordinal) &&
                            r.Json.TryGetProperty(part, out var items) &&
                            items.EnumerateArray().Any(e => e.GetProperty("type").GetString() == type));

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Fake.DisposeAsync();
        _directory.Dispose();
    }
}
