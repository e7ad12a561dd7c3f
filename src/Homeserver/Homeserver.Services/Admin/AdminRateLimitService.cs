using System.Globalization;
using System.Text;
using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Admin;

/// <summary>
/// Synapse's <c>override_ratelimit</c> admin API: read, set and remove one local user's override of the message
/// limit, with Synapse's checks in its order (a local user, then an existing one, then the body) and its messages.
/// </summary>
public sealed class AdminRateLimitService(AdminTargets targets, IAdminUserStore users, RateLimitOverrides overrides)
{
    private const string NotLocalToChange = "Only local users can be ratelimited";

    public async Task<RateLimitOverride?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var target = await ExistingAsync(userId, "Can only look up local users", cancellationToken);
        return await overrides.ReadStoredAsync(target, cancellationToken);
    }

    public async Task<RateLimitOverride> SetAsync(string userId, JsonElement body, CancellationToken cancellationToken)
    {
        var target = await ExistingAsync(userId, NotLocalToChange, cancellationToken);
        var value = Parse(body);
        await overrides.SetAsync(target, value, cancellationToken);
        return value;
    }

    public async Task DeleteAsync(string userId, CancellationToken cancellationToken)
    {
        var target = await ExistingAsync(userId, NotLocalToChange, cancellationToken);
        await overrides.DeleteAsync(target, cancellationToken);
    }

    /// <summary>The body of a POST: both fields optional (0 when absent), each a whole number of at least 0, or 400
    /// <c>M_INVALID_PARAM</c> naming the value as Synapse (Python) writes it.</summary>
    public static RateLimitOverride Parse(JsonElement body) =>
        new(Field(body, "messages_per_second"), Field(body, "burst_count"));

    private static long Field(JsonElement body, string name)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(name, out var value))
        {
            return 0;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0
            ? number
            : throw new MatrixException(ErrorCode.InvalidParam,
                $"{PythonRepr(value)} parameter must be a positive int");
    }

    private async Task<UserId> ExistingAsync(string userId, string notLocalMessage, CancellationToken cancellationToken)
    {
        var target = targets.LocalUser(userId, notLocalMessage);
        _ = await users.GetAsync(target, cancellationToken) ?? throw AdminTargets.UserNotFound();
        return target;
    }

    /// <summary>A JSON value as Python's <c>repr</c> prints what <c>json.loads</c> made of it.</summary>
    internal static string PythonRepr(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null => "None",
        JsonValueKind.String => StringRepr(value.GetString()!),
        JsonValueKind.Number => NumberRepr(value.GetRawText()),
        JsonValueKind.Array => "[" + string.Join(", ", value.EnumerateArray().Select(PythonRepr)) + "]",
        JsonValueKind.Object => "{" + string.Join(", ",
            value.EnumerateObject().Select(p => StringRepr(p.Name) + ": " + PythonRepr(p.Value))) + "}",
        _ => value.GetRawText(),
    };

    private static string NumberRepr(string raw)
    {
        if (raw.IndexOfAny(['.', 'e', 'E']) < 0)
        {
            return raw;
        }

        var number = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(number))
        {
            return number > 0 ? "inf" : "-inf";
        }

        var text = number.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.Ordinal)
            ? text
            : text + ".0";
    }

    private static string StringRepr(string text)
    {
        var quote = text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal)
            ? '"'
            : '\'';
        var builder = new StringBuilder().Append(quote);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c == quote => "\\" + c,
                _ => c.ToString(),
            });
        }

        return builder.Append(quote).ToString();
    }
}
