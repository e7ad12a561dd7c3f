using Homeserver.Core.Events;

namespace Homeserver.Core.Tests.Auth;

internal static class AuthTestData
{
    public static TheoryData<string> Versions(Func<RoomVersion, bool>? where = null)
    {
        var data = new TheoryData<string>();
        foreach (var version in RoomVersions.All.Where(where ?? (_ => true)))
        {
            data.Add(version.Id);
        }

        return data;
    }

    public static RoomVersion V(string id) => RoomVersions.TryGet(id, out var v) ? v : throw new ArgumentException(id);
}
