using System.Security.Cryptography;
using System.Text;
using Homeserver.Core.Encoding;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Admin;

/// <summary>
/// Shadow-banned users (Synapse's <c>shadow_banned</c>, set by the admin API): their message sends answer as if they
/// went through, with an event ID that names no event, and nothing is stored or delivered. The ID is derived from the
/// transaction under a key of this process, so a retried send gets the same answer, as a real one would.
/// </summary>
public static class ShadowBan
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    public static string FakeEventId(ClientTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var scope = transaction.Scope;
        var text = $"{scope.UserId}\0{scope.DeviceId}\0{scope.AppServiceId}\0{transaction.TxnId}";
        return "$" + UnpaddedBase64.EncodeUrlSafe(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(text)));
    }
}
