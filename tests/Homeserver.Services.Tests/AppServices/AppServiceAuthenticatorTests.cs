using Homeserver.Core.AppServices;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.AppServices;
using Homeserver.Services.Configuration;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Services.Tests.AppServices;

/// <summary>Identity assertion: who a request made with an as_token acts as, and with which device.</summary>
public sealed class AppServiceAuthenticatorTests
{
    private readonly InMemoryAccounts _accounts = new();
    private readonly InMemoryDevices _devices = new();
    private readonly AppServiceRegistration _bridge = AppServiceTestRegistrations.Bridge;
    private readonly AppServiceAuthenticator _authenticator;

    public AppServiceAuthenticatorTests()
    {
        var settings = SettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["Homeserver:ServerName"] = "hs.test" }).Build(), "/srv/homeserver");
        var registry = AppServiceRegistry.Create([("bridge.yaml", _bridge)], out _);
        _authenticator = new AppServiceAuthenticator(registry, _accounts, _devices, settings,
            new AppServiceSenderAccounts(registry, _accounts, TimeProvider.System));
        _accounts.Add("@_bridge_bot:hs.test");
    }

    [Fact]
    public void Only_an_as_token_finds_its_appservice()
    {
        Assert.Same(_bridge, _authenticator.Find("as-bridge"));
        Assert.Null(_authenticator.Find("hs-bridge"));
        Assert.Null(_authenticator.Find("syt_some_user_token"));
    }

    [Fact]
    public async Task Without_user_id_the_appservice_acts_as_its_sender_without_a_device()
    {
        var requester = await _authenticator.AuthenticateAsync(_bridge, new(null, null), CancellationToken.None);

        Assert.Equal("@_bridge_bot:hs.test", requester.UserId.Value);
        Assert.Null(requester.DeviceId);
        Assert.Same(_bridge, requester.AppService);
        Assert.False(requester.IsGuest);
        Assert.Null(requester.AccessTokenId);
    }

    [Fact]
    public async Task The_senders_account_is_made_the_first_time_it_acts()
    {
        _accounts.Users.Clear();

        await _authenticator.AuthenticateAsync(_bridge, new(null, null), CancellationToken.None);

        Assert.Contains(UserId.Parse("@_bridge_bot:hs.test"), _accounts.Users.Keys);
    }

    [Fact]
    public async Task User_id_in_a_non_exclusive_users_namespace_is_masqueraded_as()
    {
        _accounts.Add("@shared_alice:hs.test", isAdmin: true);

        var requester = await _authenticator.AuthenticateAsync(_bridge, new("@shared_alice:hs.test", null),
            CancellationToken.None);

        Assert.Equal("@shared_alice:hs.test", requester.UserId.Value);
        Assert.True(requester.IsAdmin);
        Assert.Same(_bridge, requester.AppService);
    }

    [Theory]
    [InlineData("@someone_else:hs.test")]
    [InlineData("@shared_alice:elsewhere.test")]
    [InlineData("not a user id")]
    public async Task User_id_outside_the_namespace_or_of_another_server_is_403_forbidden(string userId)
    {
        _accounts.Add("@someone_else:hs.test");

        var error = await Assert.ThrowsAsync<MatrixException>(() =>
            _authenticator.AuthenticateAsync(_bridge, new(userId, null), CancellationToken.None));

        Assert.Equal(ErrorCode.Forbidden, error.Code);
        Assert.Equal($"Application service cannot masquerade as this user ({userId}).", error.Message);
    }

    [Fact]
    public async Task An_unregistered_user_of_the_namespace_is_403_forbidden()
    {
        var error = await Assert.ThrowsAsync<MatrixException>(() =>
            _authenticator.AuthenticateAsync(_bridge, new("@_bridge_ghost:hs.test", null), CancellationToken.None));

        Assert.Equal(ErrorCode.Forbidden, error.Code);
        Assert.Equal("Application service has not registered this user (@_bridge_ghost:hs.test)", error.Message);
    }

    [Fact]
    public async Task Device_id_of_the_user_is_the_requesters_device()
    {
        _accounts.Add("@_bridge_ghost:hs.test");
        _devices.Devices.Add((UserId.Parse("@_bridge_ghost:hs.test"), "GHOSTDEVICE"));

        var requester = await _authenticator.AuthenticateAsync(_bridge, new("@_bridge_ghost:hs.test", "GHOSTDEVICE"),
            CancellationToken.None);

        Assert.Equal("GHOSTDEVICE", requester.DeviceId);
    }

    [Fact]
    public async Task A_device_id_the_user_does_not_have_is_400_unknown_device()
    {
        _accounts.Add("@_bridge_ghost:hs.test");
        _accounts.Add("@_bridge_other:hs.test");
        _devices.Devices.Add((UserId.Parse("@_bridge_other:hs.test"), "OTHERS"));

        var error = await Assert.ThrowsAsync<MatrixException>(() => _authenticator.AuthenticateAsync(_bridge,
            new("@_bridge_ghost:hs.test", "OTHERS"), CancellationToken.None));

        Assert.Equal("M_UNKNOWN_DEVICE", error.Code.Code);
        Assert.Equal(400, error.HttpStatus);
    }
}
