using Homeserver.Services.Presence;

namespace Homeserver.Services.Tests.Presence;

/// <summary>The presence state machine: activity, set_presence, timeouts and what is worth telling clients.</summary>
public sealed class PresenceRulesTests
{
    private const long Start = 1_000_000_000;
    private const long Second = 1000;
    private const long Minute = 60 * Second;

    private static PresenceState Online => PresenceRules.Set(PresenceState.Unknown("@a:x"), Presences.Online, null, Start);

    [Fact]
    public void Going_online_is_activity_and_currently_active()
    {
        Assert.Equal(Start, Online.LastActiveTs);
        Assert.True(Online.CurrentlyActive);
    }

    [Fact]
    public void A_syncing_user_goes_idle_after_five_minutes_without_activity_but_not_before()
    {
        var before = PresenceRules.TimedOut(Online, syncing: true, Start, Start + 5 * Minute);
        var after = PresenceRules.TimedOut(Online, syncing: true, Start, Start + 5 * Minute + 1);

        Assert.Equal(Presences.Online, before.Presence);
        Assert.Equal(Presences.Unavailable, after.Presence);
    }

    [Fact]
    public void A_user_goes_offline_thirty_seconds_after_their_last_sync_or_activity()
    {
        var lastSync = Start + 10 * Second;

        var before = PresenceRules.TimedOut(Online, syncing: false, lastSync, lastSync + 30 * Second);
        var after = PresenceRules.TimedOut(Online, syncing: false, lastSync, lastSync + 30 * Second + 1);
        var stillSyncing = PresenceRules.TimedOut(Online, syncing: true, lastSync, lastSync + 30 * Second + 1);

        Assert.Equal(Presences.Online, before.Presence);
        Assert.Equal(Presences.Offline, after.Presence);
        Assert.Equal(Presences.Online, stillSyncing.Presence);
    }

    [Fact]
    public void Currently_active_ends_a_minute_after_the_last_activity_and_clients_hear_of_it()
    {
        var later = PresenceRules.TimedOut(Online, syncing: true, Start, Start + Minute + 1);

        Assert.False(later.CurrentlyActive);
        Assert.True(PresenceRules.ShouldNotify(Online, later));
    }

    [Fact]
    public void Activity_while_currently_active_is_stored_each_minute_without_telling_clients()
    {
        var soon = PresenceRules.Activity(Online, Start + 30 * Second, proactive: true);
        var minuteOn = PresenceRules.Activity(Online, Start + Minute + 1, proactive: true);

        Assert.False(PresenceRules.ShouldPersist(Online, soon));
        Assert.True(PresenceRules.ShouldPersist(Online, minuteOn));
        Assert.False(PresenceRules.ShouldNotify(Online, minuteOn));
    }

    [Fact]
    public void Only_a_write_brings_an_idle_user_back_online_and_nothing_but_a_sync_or_put_an_offline_one()
    {
        var idle = Online with { Presence = Presences.Unavailable, CurrentlyActive = false };
        var offline = Online with { Presence = Presences.Offline, CurrentlyActive = false };

        Assert.Equal(Presences.Online, PresenceRules.Activity(idle, Start + Second, proactive: true).Presence);
        Assert.Equal(Presences.Unavailable, PresenceRules.Activity(idle, Start + Second, proactive: false).Presence);
        Assert.Equal(Presences.Offline, PresenceRules.Activity(offline, Start + Second, proactive: true).Presence);
        Assert.Equal(Presences.Online, PresenceRules.SyncStarted(offline, Presences.Online, Start + Second).Presence);
    }

    [Fact]
    public void Set_presence_offline_changes_nothing_and_unavailable_keeps_the_status_message()
    {
        var withStatus = Online with { StatusMsg = "busy" };

        Assert.Same(withStatus, PresenceRules.SyncStarted(withStatus, Presences.Offline, Start + Minute));
        var idle = PresenceRules.SyncStarted(withStatus, Presences.Unavailable, Start + Second);
        Assert.Equal(Presences.Unavailable, idle.Presence);
        Assert.Equal("busy", idle.StatusMsg);
        Assert.Equal(Start, idle.LastActiveTs);
    }
}
