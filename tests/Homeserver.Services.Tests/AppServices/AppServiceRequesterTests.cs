using Homeserver.Core.AppServices;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Tests.AppServices;

/// <summary>What a requester made by an appservice means for transaction IDs, rate limits and device-bound work.</summary>
public sealed class AppServiceRequesterTests
{
    private static readonly UserId Ghost = UserId.Parse("@_bridge_ghost:hs.test");

    [Fact]
    public void An_appservices_transaction_scope_is_the_appservice_whatever_device_it_names()
    {
        var withDevice = AsAppService(AppServiceTestRegistrations.Bridge, Ghost, "GHOSTDEVICE");
        var withoutDevice = AsAppService(AppServiceTestRegistrations.Bridge, Ghost, null);

        Assert.Equal(TransactionScope.Of(withDevice), TransactionScope.Of(withoutDevice));
        Assert.Equal(new TransactionScope(Ghost.Value, "", "bridge"), TransactionScope.Of(withoutDevice));
    }

    [Fact]
    public void A_users_device_and_an_appservice_acting_as_the_user_have_different_scopes()
    {
        var device = new Requester(Ghost, "GHOSTDEVICE", false, false, 7);
        var appService = AsAppService(AppServiceTestRegistrations.Bridge, Ghost, "GHOSTDEVICE");
        var otherAppService = AsAppService(AppServiceTestRegistrations.Irc, Ghost, null);

        Assert.Equal(new TransactionScope(Ghost.Value, "GHOSTDEVICE", ""), TransactionScope.Of(device));
        Assert.NotEqual(TransactionScope.Of(device), TransactionScope.Of(appService));
        Assert.NotEqual(TransactionScope.Of(appService), TransactionScope.Of(otherAppService));
    }

    [Fact]
    public void The_sender_is_never_rate_limited_and_masqueraded_users_only_when_the_registration_says_so()
    {
        var bridge = AppServiceTestRegistrations.Bridge;
        var irc = AppServiceTestRegistrations.Irc;

        Assert.True(AsAppService(bridge, bridge.Sender, null).IsExemptFromRateLimits);
        Assert.False(AsAppService(bridge, Ghost, null).IsExemptFromRateLimits);
        Assert.True(AsAppService(irc, UserId.Parse("@irc_nick:hs.test"), null).IsExemptFromRateLimits);
        Assert.False(new Requester(bridge.Sender, "DEVICE", false, false, 1).IsExemptFromRateLimits);
    }

    [Fact]
    public void Work_that_needs_a_device_is_400_for_an_appservice_without_one()
    {
        var error = Assert.Throws<MatrixException>(() =>
            AsAppService(AppServiceTestRegistrations.Bridge, Ghost, null).RequireDevice("upload keys"));

        Assert.Equal(ErrorCode.Unknown, error.Code);
        Assert.Equal(400, error.HttpStatus);
        Assert.Equal("To upload keys, you must pass device_id when authenticating", error.Message);
    }

    private static Requester AsAppService(AppServiceRegistration appService, UserId userId, string? deviceId) =>
        new(userId, deviceId, false, false, null) { AppService = appService };
}
