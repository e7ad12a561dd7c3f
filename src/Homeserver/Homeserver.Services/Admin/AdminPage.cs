using System.Text.Json.Nodes;

namespace Homeserver.Services.Admin;

/// <summary>
/// Synapse's admin paging: <c>from</c> is an offset into the whole ordered result (default 0), <c>limit</c> the page
/// size (default 100); a response carries <c>total</c> (every match), and <c>next_token</c> (the offset of the next
/// page) only while <c>from + limit &lt; total</c>, which is how tools know to stop.
/// </summary>
public readonly record struct AdminPage(int From, int Limit)
{
    public const int DefaultLimit = 100;

    /// <summary>Adds <c>total</c> and, when more remain, <c>next_token</c> to <paramref name="response"/>.</summary>
    /// <param name="returned">How many items this page holds.</param>
    /// <param name="tokenAsString">Most of Synapse's lists give the token as a string ("100"); a few (media) as a number.</param>
    public JsonObject Complete(JsonObject response, int returned, long total, bool tokenAsString = true)
    {
        ArgumentNullException.ThrowIfNull(response);
        response["total"] = total;
        if ((long)From + Limit < total)
        {
            var next = (long)From + returned;
            response["next_token"] = tokenAsString ? JsonValue.Create(next.ToString(System.Globalization.CultureInfo.InvariantCulture)) : JsonValue.Create(next);
        }

        return response;
    }
}
