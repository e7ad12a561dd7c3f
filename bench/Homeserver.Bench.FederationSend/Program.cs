// PDUs per second received through PUT /_matrix/federation/v1/send/{txnId}: a remote server (remote.test, its key
// handed to the server's key fetching in process) sends a chain of valid, signed messages into one room of ours in
// transactions of --batch PDUs (at most 50), one transaction at a time (a receiver takes one per origin at a time).
// Signing is done before the clock starts; the figure is the receiver's: X-Matrix check, event signature and hash
// checks, auth, and the room writer's input.
//
//   dotnet run -c Release --project bench/Homeserver.Bench.FederationSend -- [--pdus 1000] [--batch 50] [--rounds 3]
//
// Starts its own server on a throwaway Postgres cluster.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Federation;
using Homeserver.Core.Identifiers;
using Homeserver.Host.Hosting;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Keys;
using Homeserver.Services.Rooms;
using Homeserver.Storage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

const string ServerName = "bench.test";
const string Remote = "remote.test";
const string Bob = "@bob:remote.test";
var pdus = Option("--pdus", 1000);
var batch = Math.Clamp(Option("--batch", 50), 1, 50);
var rounds = Option("--rounds", 3);
var remoteKey = SigningKey.FromSeed("bench", Enumerable.Repeat((byte)3, 32).ToArray());

var directory = Directory.CreateTempSubdirectory("hs-bench-fedsend-");
if (!OperatingSystem.IsWindows())
{
    File.SetUnixFileMode(directory.FullName, (UnixFileMode)0b111_101_101);
}

var cluster = await LocalPostgresCluster.StartAsync(Path.Combine(directory.FullName, "postgres"), null,
    NullLogger.Instance, CancellationToken.None);
try
{
    await cluster.EnsureDatabaseAsync("homeserver", CancellationToken.None);
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Homeserver:ServerName"] = ServerName,
        ["Homeserver:DataDirectory"] = directory.FullName,
        ["Homeserver:Database:ConnectionString"] = cluster.ConnectionString("homeserver"),
        ["Homeserver:Listen:Client"] = "http://127.0.0.1:0",
        ["Homeserver:Listen:Federation"] = "https://127.0.0.1:0",
        ["Homeserver:Registration:Enabled"] = "true",
        ["Homeserver:RateLimits:Enabled"] = "false",
        ["Homeserver:Logging:Format"] = "json",
        ["Logging:LogLevel:Default"] = "Warning",
    }).Build();
    var settings = SettingsReader.Read(configuration, directory.FullName);
    await using var server = await HomeserverInstance.StartAsync(settings, CancellationToken.None, services =>
    {
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IServerKeyTransport>(new InProcessKeys(Remote, remoteKey));
    });
    using var client = new HttpClient { BaseAddress = server.Addresses[0] };
    using var federation = new HttpClient(new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
    }) { BaseAddress = server.Addresses.Single(a => a.Scheme == Uri.UriSchemeHttps) };
    var token = await RegisterAsync(client);
    var created = await (await PostAsync(client, "/_matrix/client/v3/createRoom",
        new JsonObject { ["preset"] = "public_chat" }, token)).Content.ReadFromJsonAsync<JsonElement>();
    var roomId = created.GetProperty("room_id").GetString()!;
    var head = (await server.App.Services.GetRequiredService<IRoomEventWriter>()
        .GetHeadAsync(roomId, CancellationToken.None))!;
    var join = Build(head.Version, roomId, new PduTemplate(EventTypes.Member, Bob, Bob,
        new JsonObject { ["membership"] = "join" }), head.ForwardExtremities, head.State.Values);
    var state = head.State.SetItem(join.StateEntryKey, join).Values.ToList();
    var txn = 0;
    await SendAsync([join]);

    Console.WriteLine($"PUT /_matrix/federation/v1/send: {pdus} messages per round in transactions of {batch}, one room");
    Console.WriteLine("round  PDUs/s  ms per transaction");
    var previous = join;
    var rates = new List<double>();
    for (var round = 0; round <= rounds; round++)
    {
        var chain = new List<Pdu>(pdus);
        for (var i = 0; i < pdus; i++)
        {
            previous = Build(head.Version, roomId, new PduTemplate("m.room.message", Bob, null,
                new JsonObject { ["msgtype"] = "m.text", ["body"] = $"message {round}.{i}" }), [previous], state);
            chain.Add(previous);
        }

        var stopwatch = Stopwatch.StartNew();
        foreach (var transaction in chain.Chunk(batch))
        {
            await SendAsync(transaction);
        }

        var rate = pdus / stopwatch.Elapsed.TotalSeconds;
        var label = round == 0 ? "warm" : round.ToString(CultureInfo.InvariantCulture);
        if (round > 0)
        {
            rates.Add(rate);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label,5}  {rate,6:F0}  {stopwatch.Elapsed.TotalMilliseconds / Math.Ceiling(pdus / (double)batch),18:F1}"));
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"median {rates.Order().ElementAt(rates.Count / 2):F0} PDUs/s"));

    async Task SendAsync(IReadOnlyCollection<Pdu> events)
    {
        var uri = $"/_matrix/federation/v1/send/bench{++txn}";
        var body = new JsonObject
        {
            ["origin"] = Remote,
            ["origin_server_ts"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["pdus"] = new JsonArray(events.Select(e => (JsonNode)e.ToJsonObject()).ToArray()),
        };
        using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Authorization",
            RequestSigning.Sign(remoteKey, Remote, ServerName, "PUT", uri, body).ToHeaderValue());
        using var response = await federation.SendAsync(request);
        var answer = await response.Content.ReadAsStringAsync();
        response.EnsureSuccessStatusCode();
        var results = JsonDocument.Parse(answer).RootElement.GetProperty("pdus");
        foreach (var pdu in events)
        {
            if (results.GetProperty(pdu.EventId).EnumerateObject().Any())
            {
                throw new InvalidOperationException($"{pdu.EventId} was refused: {answer}");
            }
        }
    }
}
finally
{
    await cluster.StopAsync(CancellationToken.None);
    directory.Delete(recursive: true);
}

Pdu Build(RoomVersion version, string roomId, PduTemplate template, IReadOnlyList<Pdu> prevEvents,
    IEnumerable<Pdu> state) =>
    PduBuilder.TryBuild(version, roomId, template, prevEvents, new StateMap(state),
        DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Remote, remoteKey, out var pdu, out var error)
        ? pdu!
        : throw new InvalidOperationException(error);

static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, JsonObject body, string token)
{
    var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
    request.Headers.Authorization = new("Bearer", token);
    return http.SendAsync(request);
}

static async Task<string> RegisterAsync(HttpClient http)
{
    var challenge = await (await http.PostAsJsonAsync("/_matrix/client/v3/register", new JsonObject()))
        .Content.ReadFromJsonAsync<JsonElement>();
    var response = await http.PostAsJsonAsync("/_matrix/client/v3/register", new JsonObject
    {
        ["username"] = "bench",
        ["password"] = "bench password",
        ["auth"] = new JsonObject { ["type"] = "m.login.dummy", ["session"] = challenge.GetProperty("session").GetString() },
    });
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>The remote server's key document, handed to the server's key fetching without a network.</summary>
internal sealed class InProcessKeys(string serverName, SigningKey key) : IServerKeyTransport
{
    public Task<JsonElement> GetJsonAsync(ServerName server, string pathAndQuery, CancellationToken cancellationToken) =>
        server.Value == serverName
            ? Task.FromResult(JsonSerializer.SerializeToElement(ServerKeyDocument.Create(serverName, key, [],
                DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds())))
            : throw new HttpRequestException($"{server} is not the bench's remote");

    public Task<JsonElement> PostJsonAsync(ServerName server, string path, JsonNode body,
        CancellationToken cancellationToken) =>
        throw new HttpRequestException("no notaries in the bench");
}
