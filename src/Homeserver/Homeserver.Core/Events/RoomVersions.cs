namespace Homeserver.Core.Events;

/// <summary>Every room version the spec defines, 1 to 12, and the default for new rooms.</summary>
public static class RoomVersions
{
    public static readonly RoomVersion V1 = new()
    {
        Id = "1",
        EventIdFormat = EventIdFormat.ServerAssigned,
        Redaction = RedactionAlgorithm.V1,
        StateResolution = StateResolutionAlgorithm.V1,
        HasAliasesAuthRule = true,
        HasRedactionAuthRule = true,
    };

    public static readonly RoomVersion V2 = V1 with { Id = "2", StateResolution = StateResolutionAlgorithm.V2 };

    public static readonly RoomVersion V3 = V2 with
    {
        Id = "3",
        EventIdFormat = EventIdFormat.ReferenceHash,
        HasRedactionAuthRule = false,
    };

    public static readonly RoomVersion V4 = V3 with { Id = "4", EventIdFormat = EventIdFormat.UrlSafeReferenceHash };

    public static readonly RoomVersion V5 = V4 with { Id = "5", EnforcesKeyValidity = true };

    public static readonly RoomVersion V6 = V5 with
    {
        Id = "6",
        Redaction = RedactionAlgorithm.V6,
        HasAliasesAuthRule = false,
        StrictCanonicalJson = true,
        ChecksNotificationsPowerLevels = true,
    };

    public static readonly RoomVersion V7 = V6 with { Id = "7", AllowsKnocking = true };

    public static readonly RoomVersion V8 = V7 with
    {
        Id = "8",
        Redaction = RedactionAlgorithm.V8,
        AllowsRestrictedJoins = true,
    };

    public static readonly RoomVersion V9 = V8 with { Id = "9", Redaction = RedactionAlgorithm.V9 };

    public static readonly RoomVersion V10 = V9 with
    {
        Id = "10",
        AllowsKnockRestricted = true,
        IntegerOnlyPowerLevels = true,
    };

    public static readonly RoomVersion V11 = V10 with
    {
        Id = "11",
        Redaction = RedactionAlgorithm.V11,
        CreatorIsCreateSender = true,
        RedactsInContent = true,
    };

    public static readonly RoomVersion V12 = V11 with
    {
        Id = "12",
        StateResolution = StateResolutionAlgorithm.V2Point1,
        RoomIdIsCreateEventId = true,
    };

    public static IReadOnlyList<RoomVersion> All { get; } = [V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12];

    /// <summary>The version new rooms get unless the server is configured otherwise.</summary>
    public static RoomVersion Default => V12;

    /// <summary>Each version's stability, as the <c>m.room_versions</c> capability lists them.</summary>
    public static IReadOnlyDictionary<string, string> Available { get; } =
        All.ToDictionary(v => v.Id, v => v.IsStable ? "stable" : "unstable");

    public static bool TryGet(string? id, out RoomVersion version)
    {
        foreach (var candidate in All)
        {
            if (candidate.Id == id)
            {
                version = candidate;
                return true;
            }
        }

        version = Default;
        return false;
    }

    /// <summary>Picks the configured default, which must be a known version.</summary>
    public static bool TryGetConfiguredDefault(string? configured, out RoomVersion version, out string error)
    {
        if (string.IsNullOrEmpty(configured))
        {
            version = Default;
            error = "";
            return true;
        }

        if (TryGet(configured, out version))
        {
            error = "";
            return true;
        }

        error = $"room version '{configured}' is not one this server knows (1 to 12)";
        return false;
    }
}
