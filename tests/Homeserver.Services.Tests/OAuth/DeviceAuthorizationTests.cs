using System.Text.Json;
using Homeserver.Core.Identifiers;
using Homeserver.Services.OAuth;
using Homeserver.Services.Tests.Accounts;

namespace Homeserver.Services.Tests.OAuth;

/// <summary>RFC 8628 section 3.5's answers to a polling device, against in-memory stores and a manual clock.</summary>
public sealed class DeviceAuthorizationTests
{
    private static readonly UserId Alice = UserId.Parse("@alice:test.local");
    private readonly ManualClock _clock = new();
    private readonly FakeGrants _grants = new();
    private readonly FakeClients _clients = new();

    [Fact]
    public async Task A_device_is_told_pending_then_slow_down_then_gets_the_grant_once_allowed()
    {
        var devices = new DeviceAuthorization(_clients, _grants, _clock);
        var started = await devices.StartAsync(Form(), CancellationToken.None);

        Assert.Equal("authorization_pending", await PollErrorAsync(devices, started.DeviceCode));
        Assert.Equal("slow_down", await PollErrorAsync(devices, started.DeviceCode));
        _clock.Advance(TimeSpan.FromSeconds(DeviceAuthorization.IntervalSeconds));
        Assert.Equal("authorization_pending", await PollErrorAsync(devices, started.DeviceCode));
        Assert.True(await devices.DecideAsync(started.UserCode.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal),
            Alice, approve: true, CancellationToken.None));

        var grant = await devices.PollAsync(_clients.Client, started.DeviceCode, CancellationToken.None);

        Assert.Equal(Alice, grant.UserId);
        Assert.Equal("TV01234567", grant.DeviceId);
        Assert.Equal("invalid_grant", await PollErrorAsync(devices, started.DeviceCode));
    }

    [Fact]
    public async Task A_denied_or_expired_code_is_answered_as_such()
    {
        var devices = new DeviceAuthorization(_clients, _grants, _clock);
        var denied = await devices.StartAsync(Form(), CancellationToken.None);
        var expired = await devices.StartAsync(Form(), CancellationToken.None);

        Assert.True(await devices.DecideAsync(denied.UserCode, Alice, approve: false, CancellationToken.None));
        Assert.Equal("access_denied", await PollErrorAsync(devices, denied.DeviceCode));
        _clock.Advance(DeviceAuthorization.Lifetime);

        Assert.Equal("expired_token", await PollErrorAsync(devices, expired.DeviceCode));
        Assert.Null(await devices.FindAsync(expired.UserCode, CancellationToken.None));
    }

    [Fact]
    public async Task A_client_without_the_device_grant_or_with_a_bad_scope_is_refused()
    {
        var devices = new DeviceAuthorization(_clients, _grants, _clock);

        var badScope = await Assert.ThrowsAsync<OAuthException>(() => devices.StartAsync(
            new Dictionary<string, string> { ["client_id"] = "tv", ["scope"] = "openid" }, CancellationToken.None));
        var unknown = await Assert.ThrowsAsync<OAuthException>(() => devices.StartAsync(
            new Dictionary<string, string> { ["client_id"] = "nope", ["scope"] = "x" }, CancellationToken.None));

        Assert.Equal("invalid_scope", badScope.Error);
        Assert.Equal(("invalid_client", 401), (unknown.Error, unknown.Status));
    }

    private static Dictionary<string, string> Form() => new()
    {
        ["client_id"] = "tv", ["scope"] = "urn:matrix:client:api:* urn:matrix:client:device:TV01234567",
    };

    private async Task<string> PollErrorAsync(DeviceAuthorization devices, string deviceCode) =>
        (await Assert.ThrowsAsync<OAuthException>(() =>
            devices.PollAsync(_clients.Client, deviceCode, CancellationToken.None))).Error;

    private sealed class FakeClients : IOAuthClientStore
    {
        public OAuthClient Client { get; } = new("tv", OAuthClientMetadata.Validate(JsonDocument.Parse(
            """{"client_uri": "https://tv.example/", "grant_types": ["urn:ietf:params:oauth:grant-type:device_code"]}""")
            .RootElement));

        public Task AddAsync(string clientId, OAuthClientMetadata metadata, long nowTs, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public Task<OAuthClient?> GetAsync(string clientId, CancellationToken cancellationToken) =>
            Task.FromResult(clientId == Client.ClientId ? Client : null);
    }

    private sealed class FakeGrants : IDeviceGrantStore
    {
        private readonly Dictionary<string, (DeviceGrant Grant, long? LastPoll)> _byCode = [];

        public Task AddAsync(byte[] deviceCodeHash, DeviceGrant grant, long nowTs, CancellationToken cancellationToken)
        {
            _byCode[Convert.ToBase64String(deviceCodeHash)] = (grant, null);
            return Task.CompletedTask;
        }

        public Task<DeviceGrant?> GetPendingAsync(string userCode, long nowTs, CancellationToken cancellationToken) =>
            Task.FromResult(_byCode.Values.Select(v => v.Grant)
                .FirstOrDefault(g => g.UserCode == userCode && g.ExpiresTs > nowTs && g.Status == "pending"));

        public Task<bool> DecideAsync(string userCode, UserId userId, bool approve, long nowTs,
            CancellationToken cancellationToken)
        {
            var entry = _byCode.FirstOrDefault(e => e.Value.Grant.UserCode == userCode && e.Value.Grant.Status == "pending");
            if (entry.Key is null)
            {
                return Task.FromResult(false);
            }

            _byCode[entry.Key] = (entry.Value.Grant with { Status = approve ? "approved" : "denied", UserId = userId },
                entry.Value.LastPoll);
            return Task.FromResult(true);
        }

        public Task<PolledGrant?> PollAsync(byte[] deviceCodeHash, long nowTs, CancellationToken cancellationToken)
        {
            var key = Convert.ToBase64String(deviceCodeHash);
            if (!_byCode.TryGetValue(key, out var entry))
            {
                return Task.FromResult<PolledGrant?>(null);
            }

            var next = entry.Grant.Status == "approved" ? entry.Grant with { Status = "exchanged" } : entry.Grant;
            _byCode[key] = (next, nowTs);
            return Task.FromResult<PolledGrant?>(new PolledGrant(entry.Grant, entry.LastPoll));
        }
    }
}
