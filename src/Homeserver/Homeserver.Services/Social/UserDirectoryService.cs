using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Social;

/// <summary>
/// POST /user_directory/search, as Synapse with <c>user_directory.search_all_users: false</c>: users (not
/// deactivated) who share a joined room with the searcher or are joined to a room whose join rule is <c>public</c> or
/// whose history is <c>world_readable</c>, matched case-insensitively on word prefixes of their user ID and display
/// name (every word of the search term must start a word of either). The words live with the profile row and the
/// public rooms in their own table, both kept current as profiles and room state change (migration 0018). Local
/// users only until federation brings remote profiles.
/// </summary>
public sealed class UserDirectoryService(IUserDirectoryStore store)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;
    private const int MaxWords = 10;
    private const int MaxWordLength = 100;

    public async Task<JsonObject> SearchAsync(Requester requester, JsonElement body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (!body.TryGetProperty("search_term", out var term) || term.ValueKind != JsonValueKind.String)
        {
            throw new MatrixException(term.ValueKind == JsonValueKind.Undefined ? ErrorCode.MissingParam : ErrorCode.BadJson,
                "search_term is required and must be a string");
        }

        var limit = DefaultLimit;
        if (body.TryGetProperty("limit", out var limitValue) && limitValue.ValueKind != JsonValueKind.Null)
        {
            if (limitValue.ValueKind != JsonValueKind.Number || !limitValue.TryGetInt32(out limit))
            {
                throw new MatrixException(ErrorCode.BadJson, "limit must be an integer");
            }

            if (limit < 0)
            {
                throw new MatrixException(ErrorCode.InvalidParam, "limit must not be negative");
            }
        }

        limit = Math.Min(limit, MaxLimit);
        var words = Words(term.GetString()!);
        var found = words.Count == 0 || limit == 0
            ? []
            : await store.SearchAsync(requester.UserId.Value, words, limit + 1, cancellationToken);
        var results = new JsonArray();
        foreach (var user in found.Take(limit))
        {
            var entry = new JsonObject { ["user_id"] = user.UserId };
            if (user.DisplayName is not null)
            {
                entry["display_name"] = user.DisplayName;
            }

            if (user.AvatarUrl is not null)
            {
                entry["avatar_url"] = user.AvatarUrl;
            }

            results.Add(entry);
        }

        return new JsonObject { ["results"] = results, ["limited"] = found.Count > limit };
    }

    /// <summary>The search term's words: runs of letters and digits, lower-cased (the same split the stored words
    /// get, where every other character separates words).</summary>
    public static IReadOnlyList<string> Words(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in term.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                current.Append(Rune.ToLowerInvariant(rune).ToString());
                continue;
            }

            Flush();
        }

        Flush();
        return words.Distinct(StringComparer.Ordinal).Take(MaxWords).ToList();

        void Flush()
        {
            if (current.Length > 0)
            {
                words.Add(current.Length > MaxWordLength ? current.ToString(0, MaxWordLength) : current.ToString());
                current.Clear();
            }
        }
    }
}
