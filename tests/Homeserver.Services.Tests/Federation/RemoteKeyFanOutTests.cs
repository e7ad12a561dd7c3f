using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Keys;

namespace Homeserver.Services.Tests.Federation;

public sealed class RemoteKeyFanOutTests
{
    private sealed class ScriptedServers : IRemoteKeyQueries
    {
        public Dictionary<string, Func<JsonObject, JsonObject>> Answers { get; } = [];

        public List<(string Server, TimeSpan Timeout)> Asked { get; } = [];

        public Task<JsonObject> QueryAsync(ServerName server, JsonObject deviceKeys, TimeSpan timeout,
            CancellationToken cancellationToken) => AnswerAsync(server, deviceKeys, timeout);

        public Task<JsonObject> ClaimAsync(ServerName server, JsonObject oneTimeKeys, TimeSpan timeout,
            CancellationToken cancellationToken) => AnswerAsync(server, oneTimeKeys, timeout);

        private Task<JsonObject> AnswerAsync(ServerName server, JsonObject request, TimeSpan timeout)
        {
            lock (Asked)
            {
                Asked.Add((server.Value, timeout));
            }

            return Answers.TryGetValue(server.Value, out var answer)
                ? Task.FromResult(answer(request))
                : Task.FromException<JsonObject>(new RemoteKeyException(503, $"{server} is down"));
        }
    }

    private static JsonObject Device(string userId, string deviceId) =>
        new() { ["user_id"] = userId, ["device_id"] = deviceId, ["keys"] = new JsonObject() };

    [Fact]
    public async Task Each_server_is_asked_once_and_one_that_fails_is_named_in_failures()
    {
        var servers = new ScriptedServers();
        servers.Answers["up.test"] = _ => new JsonObject
        {
            ["device_keys"] = new JsonObject
            {
                ["@a:up.test"] = new JsonObject { ["D1"] = Device("@a:up.test", "D1") },
            },
        };
        var byServer = new Dictionary<ServerName, JsonObject>();
        RemoteKeyFanOut.Add(byServer, UserId.Parse("@a:up.test"), new JsonArray());
        RemoteKeyFanOut.Add(byServer, UserId.Parse("@b:up.test"), new JsonArray());
        RemoteKeyFanOut.Add(byServer, UserId.Parse("@c:down.test"), new JsonArray());
        var response = new JsonObject { ["device_keys"] = new JsonObject() };

        var failures = await new RemoteKeyFanOut(servers).QueryAsync(byServer, TimeSpan.FromSeconds(3), response,
            CancellationToken.None);

        Assert.Equal(["down.test", "up.test"], servers.Asked.Select(a => a.Server).Order(StringComparer.Ordinal));
        Assert.All(servers.Asked, a => Assert.Equal(TimeSpan.FromSeconds(3), a.Timeout));
        Assert.Equal(503, failures["down.test"]!["status"]!.GetValue<int>());
        Assert.Null(failures["up.test"]);
        Assert.NotNull(response["device_keys"]!["@a:up.test"]!["D1"]);
        Assert.Empty(response["device_keys"]!["@b:up.test"]!.AsObject());
    }

    [Fact]
    public async Task Keys_a_server_answers_for_users_or_devices_it_was_not_asked_about_are_dropped()
    {
        var servers = new ScriptedServers();
        servers.Answers["up.test"] = _ => new JsonObject
        {
            ["device_keys"] = new JsonObject
            {
                ["@a:up.test"] = new JsonObject
                {
                    ["D1"] = Device("@a:up.test", "D2"), // names another device
                    ["D3"] = Device("@evil:other.test", "D3"), // names another user
                },
                ["@victim:other.test"] = new JsonObject { ["V"] = Device("@victim:other.test", "V") },
            },
            ["master_keys"] = new JsonObject
            {
                ["@a:up.test"] = new JsonObject { ["user_id"] = "@a:up.test", ["usage"] = new JsonArray("master") },
                ["@victim:other.test"] = new JsonObject { ["user_id"] = "@victim:other.test" },
            },
        };
        var byServer = new Dictionary<ServerName, JsonObject>();
        RemoteKeyFanOut.Add(byServer, UserId.Parse("@a:up.test"), new JsonArray());
        var response = new JsonObject();

        var failures = await new RemoteKeyFanOut(servers).QueryAsync(byServer, TimeSpan.FromSeconds(1), response,
            CancellationToken.None);

        Assert.Empty(failures);
        Assert.Empty(response["device_keys"]!["@a:up.test"]!.AsObject());
        Assert.Null(response["device_keys"]!["@victim:other.test"]);
        Assert.NotNull(response["master_keys"]!["@a:up.test"]);
        Assert.Null(response["master_keys"]!["@victim:other.test"]);
    }

    [Fact]
    public async Task Claimed_keys_are_taken_only_for_the_devices_asked_and_without_federation_every_server_fails()
    {
        var servers = new ScriptedServers();
        servers.Answers["up.test"] = _ => new JsonObject
        {
            ["one_time_keys"] = new JsonObject
            {
                ["@a:up.test"] = new JsonObject
                {
                    ["D1"] = new JsonObject { ["signed_curve25519:K"] = new JsonObject { ["key"] = "k" } },
                    ["OTHER"] = new JsonObject { ["signed_curve25519:X"] = new JsonObject { ["key"] = "x" } },
                },
            },
        };
        var byServer = new Dictionary<ServerName, JsonObject>();
        RemoteKeyFanOut.Add(byServer, UserId.Parse("@a:up.test"), new JsonObject { ["D1"] = "signed_curve25519" });
        var claimed = new JsonObject();

        var failures = await new RemoteKeyFanOut(servers).ClaimAsync(byServer, TimeSpan.FromSeconds(1), claimed,
            CancellationToken.None);
        var offline = await new RemoteKeyFanOut().ClaimAsync(byServer, TimeSpan.FromSeconds(1), new JsonObject(),
            CancellationToken.None);

        Assert.Empty(failures);
        Assert.Equal(["D1"], claimed["@a:up.test"]!.AsObject().Select(d => d.Key));
        Assert.Equal(503, offline["up.test"]!["status"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("{}", 10_000)]
    [InlineData("{\"timeout\": 2500}", 2_500)]
    [InlineData("{\"timeout\": 999999999}", 60_000)]
    public void The_timeout_comes_from_the_body_bounded(string body, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), RemoteKeyFanOut.Timeout(JsonDocument.Parse(body).RootElement));
}
