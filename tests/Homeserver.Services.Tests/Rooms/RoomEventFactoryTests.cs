using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Services.Tests.Rooms;

public sealed class RoomEventFactoryTests
{
    [Fact]
    public void Identical_create_events_in_one_millisecond_still_make_different_version_12_rooms()
    {
        var settings = SettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["Homeserver:ServerName"] = "test.local" }).Build(), "/srv/homeserver");
        var factory = new RoomEventFactory(settings, SigningKey.FromSeed("a", new byte[32]), new FrozenClock());
        var version = RoomVersions.Default;
        var template = new PduTemplate(EventTypes.Create, "@alice:test.local", "",
            new JsonObject { ["room_version"] = "12" });

        var first = factory.BuildCreate(version, template);
        var second = factory.BuildCreate(version, template);

        Assert.NotEqual(first.RoomId, second.RoomId);
        Assert.True(second.OriginServerTs > first.OriginServerTs);
    }

    private sealed class FrozenClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
    }
}
