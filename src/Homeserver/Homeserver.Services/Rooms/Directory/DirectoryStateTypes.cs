namespace Homeserver.Services.Rooms.Directory;

/// <summary>State event types the directory and the space hierarchy read.</summary>
public static class DirectoryStateTypes
{
    public const string CanonicalAlias = "m.room.canonical_alias";
    public const string Name = "m.room.name";
    public const string Topic = "m.room.topic";
    public const string Avatar = "m.room.avatar";
    public const string GuestAccess = "m.room.guest_access";
    public const string Encryption = "m.room.encryption";
    public const string SpaceChild = "m.space.child";
    public const string SpaceRoomType = "m.space";
}
