using System.Globalization;
using Homeserver.Core.Errors;

namespace Homeserver.Services.Sync;

/// <summary>
/// A /sync position: one position per stream, written "s{events}_{accountData}_{typing}_{receipts}". Streams added later (typing,
/// receipts, to-device, presence, device lists) are appended as further "_N" parts; a token without them reads them
/// as 0, so tokens from before an upgrade or a restart keep working. The events part alone is a pagination token
/// ("s{N}", <see cref="Rooms.StreamToken"/>), so a <c>next_batch</c> is also a valid <c>from</c> for /messages.
/// </summary>
public readonly record struct SyncToken(long Events, long AccountData, long Typing = 0, long Receipts = 0)
{
    public static readonly SyncToken Zero = new(0, 0);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"s{Events}_{AccountData}_{Typing}_{Receipts}");

    /// <summary>Each stream at the later of the two positions (tokens never go backwards).</summary>
    public SyncToken Max(SyncToken other) =>
        new(Math.Max(Events, other.Events), Math.Max(AccountData, other.AccountData), Math.Max(Typing, other.Typing),
            Math.Max(Receipts, other.Receipts));

    /// <summary>Parses a token this server gave out; M_INVALID_PARAM otherwise.</summary>
    public static SyncToken Parse(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var parts = token.StartsWith('s') ? token[1..].Split('_') : [];
        var positions = new long[Math.Max(parts.Length, 4)];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out positions[i]))
            {
                throw new MatrixException(ErrorCode.InvalidParam, $"Invalid sync token '{token}'");
            }
        }

        if (parts.Length == 0)
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Invalid sync token '{token}'");
        }

        return new SyncToken(positions[0], positions[1], positions[2], positions[3]);
    }
}
