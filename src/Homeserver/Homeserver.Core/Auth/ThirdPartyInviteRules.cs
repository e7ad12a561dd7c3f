using System.Text.Json;
using Homeserver.Core.Encoding;
using Homeserver.Core.Events;
using Homeserver.Core.Signing;

namespace Homeserver.Core.Auth;

/// <summary>An invite that redeems a third-party invite (rule 5.4.1 in version 12).</summary>
internal static class ThirdPartyInviteRules
{
    public static AuthResult Authorize(Pdu pdu, AuthState state, string target, JsonElement thirdPartyInvite)
    {
        if (state.MembershipOf(target) == Memberships.Ban)
        {
            return AuthResult.Reject("the invitee is banned");
        }

        if (thirdPartyInvite.ValueKind != JsonValueKind.Object ||
            !thirdPartyInvite.TryGetProperty("signed", out var signed) || signed.ValueKind != JsonValueKind.Object)
        {
            return AuthResult.Reject("third_party_invite has no signed object");
        }

        if (!signed.TryGetProperty("mxid", out var mxid) || mxid.ValueKind != JsonValueKind.String ||
            !signed.TryGetProperty("token", out var token) || token.ValueKind != JsonValueKind.String)
        {
            return AuthResult.Reject("third_party_invite.signed needs mxid and token");
        }

        if (mxid.GetString() != target)
        {
            return AuthResult.Reject("third_party_invite.signed.mxid is not the invitee");
        }

        var invite = state.Get(EventTypes.ThirdPartyInvite, token.GetString()!);
        if (invite is null)
        {
            return AuthResult.Reject("no m.room.third_party_invite matches the token");
        }

        if (invite.Sender != pdu.Sender)
        {
            return AuthResult.Reject("the sender did not send the m.room.third_party_invite");
        }

        return IsSignedByAnyKey(signed, PublicKeys(invite.Content))
            ? AuthResult.Allow("the third-party invite is signed by one of its keys")
            : AuthResult.Reject("no signature in signed matches a public key of the third-party invite");
    }

    private static List<byte[]> PublicKeys(JsonElement content)
    {
        var keys = new List<byte[]>();
        if (content.ValueKind != JsonValueKind.Object)
        {
            return keys;
        }

        if (content.TryGetProperty("public_key", out var single) && single.ValueKind == JsonValueKind.String &&
            UnpaddedBase64.TryDecode(single.GetString()!, out var singleKey))
        {
            keys.Add(singleKey);
        }

        if (content.TryGetProperty("public_keys", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in list.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("public_key", out var key) &&
                    key.ValueKind == JsonValueKind.String && UnpaddedBase64.TryDecode(key.GetString()!, out var bytes))
                {
                    keys.Add(bytes);
                }
            }
        }

        return keys;
    }

    private static bool IsSignedByAnyKey(JsonElement signed, List<byte[]> publicKeys)
    {
        if (!signed.TryGetProperty("signatures", out var signatures) || signatures.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var entity in signatures.EnumerateObject())
        {
            foreach (var keyId in JsonSigning.SigningKeyIds(signed, entity.Name))
            {
                if (publicKeys.Any(key => JsonSigning.Verify(signed, entity.Name, keyId, key).IsValid))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
