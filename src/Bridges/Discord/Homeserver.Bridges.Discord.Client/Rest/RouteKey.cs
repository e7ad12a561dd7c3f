namespace Homeserver.Bridges.Discord.Client.Rest;

/// <summary>
/// The rate-limit identity of a request: the method and path with minor IDs replaced (<c>:id</c>) and the major
/// parameter (channel, guild, or webhook ID and token) kept, since Discord limits each major parameter apart.
/// </summary>
internal readonly record struct RouteKey(string Route, string Major)
{
    public static RouteKey For(HttpMethod method, string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        var segments = (query < 0 ? path : path[..query]).Split('/', StringSplitOptions.RemoveEmptyEntries);
        var major = "";
        var parts = new List<string>(segments.Length);
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (i == 1 && segments[0] is "channels" or "guilds" or "webhooks")
            {
                major = segment;
                if (segments[0] == "webhooks" && segments.Length > 2)
                {
                    major += "/" + segments[2];
                    parts.Add(":major");
                    parts.Add(":token");
                    i++;
                    continue;
                }

                parts.Add(":major");
            }
            else if (i > 0 && segments[i - 1] == "reactions")
            {
                // Every emoji of a message shares one bucket; what follows the emoji (@me, a user) does not matter.
                parts.Add(":emoji");
                break;
            }
            else
            {
                parts.Add(segment.All(char.IsAsciiDigit) ? ":id" : segment);
            }
        }

        return new RouteKey(method.Method + " /" + string.Join('/', parts), major);
    }

    public override string ToString() => Route + " [" + Major + "]";
}
