using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Federation;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Keys;
using Homeserver.Storage.Federation;
using Homeserver.Storage.Migrations;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Storage.Tests.Federation;

/// <summary>
/// The key services of server <c>us.test</c> over a fresh migrated database, a manual clock and a scripted transport
/// that answers for other servers as the test says.
/// </summary>
internal sealed class ServerKeyHarness : IAsyncDisposable
{
    public const string Us = "us.test";

    private ServerKeyHarness(NpgsqlDataSource dataSource, HomeserverSettings settings)
    {
        DataSource = dataSource;
        Settings = settings;
        Store = new RemoteServerKeyStore(dataSource);
        LocalStore = new LocalSigningKeyStore(dataSource);
        LocalKeys = new LocalServerKeys(settings, OurKey, LocalStore, Clock);
        Fetcher = new ServerKeyFetcher(Transport, Store, settings, Clock, NullLogger<ServerKeyFetcher>.Instance);
        Resolver = new ServerKeyResolver(settings, LocalKeys, Store, Fetcher, Clock);
        Notary = new NotaryService(LocalKeys, Store, Fetcher, Clock);
    }

    public static readonly SigningKey OurKey = SigningKey.FromSeed("ours", Seed(1));

    public NpgsqlDataSource DataSource { get; }
    public HomeserverSettings Settings { get; }
    public ManualClock Clock { get; } = new();
    public ScriptedTransport Transport { get; } = new();
    public RemoteServerKeyStore Store { get; }
    public LocalSigningKeyStore LocalStore { get; }
    public LocalServerKeys LocalKeys { get; }
    public ServerKeyFetcher Fetcher { get; }
    public ServerKeyResolver Resolver { get; }
    public NotaryService Notary { get; }

    public long Now => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    public static async Task<ServerKeyHarness> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?> { ["Homeserver:ServerName"] = Us };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var dataSource = NpgsqlDataSource.Create(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());
        await new Migrator(dataSource, NullLogger<Migrator>.Instance).ApplyAsync(CancellationToken.None);
        return new ServerKeyHarness(dataSource,
            SettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), "/srv/homeserver"));
    }

    public static byte[] Seed(byte b) => Enumerable.Repeat(b, 32).ToArray();

    /// <summary>A key document of <paramref name="server"/> signed by <paramref name="key"/>.</summary>
    public static JsonObject Document(string server, SigningKey key, long validUntilTs, params PublishedKey[] old) =>
        ServerKeyDocument.Create(server, key, old, validUntilTs);

    public static JsonElement Element(JsonNode node) => JsonSerializer.SerializeToElement(node);

    public async ValueTask DisposeAsync()
    {
        LocalKeys.Dispose();
        await DataSource.DisposeAsync();
    }
}

/// <summary>Answers each server's GETs and POSTs with what the test set, counting requests; unknown servers fail.</summary>
internal sealed class ScriptedTransport : IServerKeyTransport
{
    private readonly Dictionary<string, Func<JsonElement>> _documents = [];
    private readonly Dictionary<string, Func<JsonNode, JsonElement>> _notaries = [];

    public List<string> Requests { get; } = [];

    public void Serve(string server, JsonNode document) =>
        _documents[server] = () => ServerKeyHarness.Element(document);

    public void ServeNotary(string notary, Func<JsonNode, JsonElement> answer) => _notaries[notary] = answer;

    public Task<JsonElement> GetJsonAsync(ServerName server, string pathAndQuery, CancellationToken cancellationToken)
    {
        Requests.Add($"GET {server} {pathAndQuery}");
        return _documents.TryGetValue(server.Value, out var document)
            ? Task.FromResult(document())
            : throw new HttpRequestException($"{server} unreachable");
    }

    public Task<JsonElement> PostJsonAsync(ServerName server, string path, JsonNode body,
        CancellationToken cancellationToken)
    {
        Requests.Add($"POST {server} {path}");
        return _notaries.TryGetValue(server.Value, out var answer)
            ? Task.FromResult(answer(body))
            : throw new HttpRequestException($"{server} unreachable");
    }
}
