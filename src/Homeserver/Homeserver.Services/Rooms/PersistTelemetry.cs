using System.Diagnostics;
using Homeserver.Services.Rooms.Input;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Rooms;

/// <summary>The span around each write of <see cref="RoomWriter"/> and the count of the events it committed.</summary>
internal static class PersistTelemetry
{
    public const string SpanName = "room.persist";

    public const string Local = "local";
    public const string Join = "join";
    public const string OutOfBand = "out_of_band";

    public static string KindOf(InputKind kind) => kind switch
    {
        InputKind.New => "new",
        InputKind.Outlier => "outlier",
        InputKind.Backfill => "backfill",
        _ => "other",
    };

    public static Activity? Start(string roomId, string kind)
    {
        var activity = ServerTelemetry.Source.StartActivity(SpanName);
        activity?.SetTag("matrix.room_id", roomId);
        activity?.SetTag("homeserver.persist.kind", kind);
        return activity;
    }

    public static void Count(Activity? activity, int persisted, string kind)
    {
        activity?.SetTag("homeserver.persist.events", persisted);
        if (persisted > 0)
        {
            ServerTelemetry.EventsPersisted.Add(persisted, new KeyValuePair<string, object?>("kind", kind));
        }
    }
}
