using System.Globalization;
using Homeserver.Core.Errors;

namespace Homeserver.Services.Sync;

/// <summary>The streams a /sync token records a position in, in the order they appear in the token.</summary>
public enum SyncStreamKind
{
    Events = 0,
    AccountData = 1,
    Typing = 2,
    Receipts = 3,
    ToDevice = 4,
    Presence = 5,
    DeviceLists = 6,
}

/// <summary>
/// A /sync position: one position per stream, written "s{events}_{accountData}_{typing}_{receipts}_{toDevice}_
/// {presence}_{deviceLists}". Streams added later are appended as further "_N" parts; a token without them reads them
/// as 0, so tokens from before an upgrade or a restart keep working. The events part alone is a pagination token
/// ("s{N}", <see cref="Rooms.StreamToken"/>), so a <c>next_batch</c> is also a valid <c>from</c> for /messages.
/// </summary>
public readonly record struct SyncToken(long Events, long AccountData, long Typing = 0, long Receipts = 0,
    long ToDevice = 0, long Presence = 0, long DeviceLists = 0)
{
    private const int StreamCount = 7;

    public static readonly SyncToken Zero = new(0, 0);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"s{Events}_{AccountData}_{Typing}_{Receipts}_{ToDevice}_{Presence}_{DeviceLists}");

    /// <summary>The position of one stream.</summary>
    public long Get(SyncStreamKind kind) => kind switch
    {
        SyncStreamKind.Events => Events,
        SyncStreamKind.AccountData => AccountData,
        SyncStreamKind.Typing => Typing,
        SyncStreamKind.Receipts => Receipts,
        SyncStreamKind.ToDevice => ToDevice,
        SyncStreamKind.Presence => Presence,
        SyncStreamKind.DeviceLists => DeviceLists,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>This token with one stream moved to <paramref name="position"/>.</summary>
    public SyncToken With(SyncStreamKind kind, long position) => kind switch
    {
        SyncStreamKind.Events => this with { Events = position },
        SyncStreamKind.AccountData => this with { AccountData = position },
        SyncStreamKind.Typing => this with { Typing = position },
        SyncStreamKind.Receipts => this with { Receipts = position },
        SyncStreamKind.ToDevice => this with { ToDevice = position },
        SyncStreamKind.Presence => this with { Presence = position },
        SyncStreamKind.DeviceLists => this with { DeviceLists = position },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Each stream at the later of the two positions (tokens never go backwards).</summary>
    public SyncToken Max(SyncToken other)
    {
        var result = this;
        for (var kind = SyncStreamKind.Events; (int)kind < StreamCount; kind++)
        {
            result = result.With(kind, Math.Max(Get(kind), other.Get(kind)));
        }

        return result;
    }

    /// <summary>Parses a token this server gave out; M_INVALID_PARAM otherwise.</summary>
    public static SyncToken Parse(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var parts = token.StartsWith('s') ? token[1..].Split('_') : [];
        if (parts.Length == 0 || parts.Length > StreamCount)
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Invalid sync token '{token}'");
        }

        var result = Zero;
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var position))
            {
                throw new MatrixException(ErrorCode.InvalidParam, $"Invalid sync token '{token}'");
            }

            result = result.With((SyncStreamKind)i, position);
        }

        return result;
    }
}
