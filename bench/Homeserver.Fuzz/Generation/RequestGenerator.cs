using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Fuzz.Spec;

namespace Homeserver.Fuzz.Generation;

/// <summary>
/// Makes the run's requests from one <see cref="Random"/> seeded once: endpoints in shuffled rounds (every endpoint is
/// hit once per round), each request valid from the schema, then, most of the time, mutated in one way (body, path,
/// query, method, content type or token). The sequence depends only on the seed and the context, never on responses.
/// </summary>
public sealed class RequestGenerator
{
    private static readonly string[] AllMethods = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"];
    private readonly SpecDocuments _documents;
    private readonly IReadOnlyList<SpecEndpoint> _endpoints;
    private readonly FuzzContext _context;
    private readonly Random _random;
    private readonly HashSet<string> _methodsByTemplate;
    private List<SpecEndpoint> _round = [];
    private int _index;

    public RequestGenerator(SpecDocuments documents, IReadOnlyList<SpecEndpoint> endpoints, FuzzContext context,
        int seed)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _documents = documents;
        _endpoints = endpoints;
        _context = context;
        _random = new Random(seed);
        _methodsByTemplate = endpoints.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Endpoints whose requests carry a throwaway user's token (they end sessions or accounts).</summary>
    public static bool EndsSession(SpecEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.Template.EndsWith("/logout", StringComparison.Ordinal) ||
               endpoint.Template.EndsWith("/logout/all", StringComparison.Ordinal) ||
               endpoint.Template.EndsWith("/account/deactivate", StringComparison.Ordinal) ||
               endpoint.Template.EndsWith("/account/password", StringComparison.Ordinal) ||
               endpoint.Template.EndsWith("/delete_devices", StringComparison.Ordinal) ||
               (endpoint.Method == "DELETE" && endpoint.Template.EndsWith("/devices/{deviceId}", StringComparison.Ordinal));
    }

    public FuzzRequest Next()
    {
        if (_round.Count == 0)
        {
            _round = _endpoints.OrderBy(_ => _random.Next()).ToList();
        }

        var endpoint = _round[^1];
        _round.RemoveAt(_round.Count - 1);
        var requester = _random.Next(_context.Sessions.Count);
        var scope = new RequestScope(_random, _context, requester);
        var values = new SchemaValues(_documents, scope);
        var raw = new RawJson();

        var pathValues = endpoint.PathParameters.ToDictionary(p => p.Name,
            p => Uri.EscapeDataString(scope.Named(p.Name) ?? values.Generate(p.Schema, p.Name)?.ToString() ?? "x"),
            StringComparer.Ordinal);
        var query = new List<(string Name, string Value)>();
        foreach (var parameter in endpoint.QueryParameters)
        {
            if ((parameter.Required || scope.Chance(0.4)) && parameter.Name != "access_token")
            {
                query.Add((parameter.Name, Uri.EscapeDataString(QueryValue(scope, values, parameter))));
            }
        }

        var method = endpoint.Method;
        var contentType = endpoint.HasBody ? endpoint.RequestContentType ?? "application/json" : null;
        byte[]? body = endpoint.RequestSchema is not null
            ? raw.Serialize(values.Generate(endpoint.RequestSchema))
            : endpoint.RequestContentType is not null ? Encoding.UTF8.GetBytes("fuzz bytes") : null;
        var token = !endpoint.RequiresAuth ? TokenUse.None : EndsSession(endpoint) ? TokenUse.Disposable : TokenUse.Requester;
        var mutation = "valid";

        var roll = _random.NextDouble();
        if (roll < 0.2)
        {
            // valid
        }
        else if (roll < 0.6 && endpoint.RequestSchema is not null)
        {
            var mutator = new BodyMutator(scope, raw);
            var mutated = mutator.Mutate(values.Generate(endpoint.RequestSchema));
            (body, mutation) = (mutated.Body, mutated.Description);
        }
        else if (roll < 0.72 && pathValues.Count > 0)
        {
            var name = scope.Pick(pathValues.Keys.ToList());
            pathValues[name] = BadPathValue(scope, name);
            mutation = $"path {name}={Truncate(pathValues[name], 60)}";
        }
        else if (roll < 0.86)
        {
            var bad = BadQuery(scope, endpoint);
            query.RemoveAll(q => q.Name == bad.Name);
            query.Add(bad);
            if (bad.Name == "timeout" && bad.Value.Length > 4)
            {
                query.RemoveAll(q => q.Name is "since" or "from"); // a huge valid timeout would hold a long-poll open
            }

            mutation = $"query {bad.Name}={Truncate(bad.Value, 60)}";
        }
        else if (roll < 0.91)
        {
            var others = AllMethods.Where(m => !_methodsByTemplate.Contains($"{m} {endpoint.Template}")).ToList();
            method = scope.Pick(others);
            mutation = "method " + method;
        }
        else if (roll < 0.96 && endpoint.HasBody)
        {
            contentType = scope.Pick<string?>(["text/plain", "application/x-www-form-urlencoded", null,
                "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/xml", "*/*"]);
            mutation = "content-type " + (contentType ?? "none");
        }
        else if (endpoint.RequiresAuth)
        {
            token = scope.Chance(0.5) ? TokenUse.None : TokenUse.Bogus;
            mutation = "token " + token.ToString().ToLowerInvariant();
        }

        if (IsLongPoll(endpoint) && query.Any(q => q.Name is "since" or "from") &&
            !query.Any(q => q.Name == "timeout"))
        {
            query.Add(("timeout", "0"));
        }

        var path = Fill(endpoint.Template, pathValues);
        var pathAndQuery = query.Count == 0 ? path : path + "?" + string.Join('&', query.Select(q => $"{q.Name}={q.Value}"));
        return new FuzzRequest(_index++, endpoint, method, pathAndQuery, contentType, body, token, requester, mutation);
    }

    private static bool IsLongPoll(SpecEndpoint endpoint) =>
        endpoint.Template.EndsWith("/sync", StringComparison.Ordinal) ||
        endpoint.Template.EndsWith("/events", StringComparison.Ordinal);

    private static string QueryValue(RequestScope scope, SchemaValues values, SpecParameter parameter) =>
        scope.Named(parameter.Name) ?? values.Generate(parameter.Schema, parameter.Name) switch
        {
            JsonValue v when v.TryGetValue<bool>(out var flag) => flag ? "true" : "false",
            JsonValue v => Convert.ToString(v.GetValue<object>(), CultureInfo.InvariantCulture) ?? "",
            JsonArray a => a.Count > 0 ? a[0]?.ToString() ?? "" : "",
            var other => other?.ToJsonString() ?? "",
        };

    private static string BadPathValue(RequestScope scope, string name) => scope.Random.Next(5) switch
    {
        // A real identifier of the wrong kind, or a room the requester is not in.
        0 => Uri.EscapeDataString(scope.Pick(new[]
        {
            scope.EventId(), scope.Room.RoomId, scope.UserId(), scope.RoomAlias(), scope.Context.ForeignRoomId ?? "!x",
        })),
        1 => Uri.EscapeDataString((scope.Named(name) ?? "x") + scope.Pick(["\0", "/", "\u202e", "\ud83d\ude00", " "])),
        _ => scope.Pick(HostileValues.PathSegments),
    };

    private static (string Name, string Value) BadQuery(RequestScope scope, SpecEndpoint endpoint)
    {
        var names = endpoint.QueryParameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var fitting = HostileValues.QueryValues.Where(q => names.Contains(q.Name)).ToList();
        var (name, value) = fitting.Count > 0 && scope.Chance(0.8) ? scope.Pick(fitting) : scope.Pick(HostileValues.QueryValues);
        return (name == "*" ? (names.Count > 0 ? scope.Pick(names.Order(StringComparer.Ordinal).ToList()) : "x") : name, value);
    }

    private static string Fill(string template, Dictionary<string, string> values)
    {
        var path = template.TrimEnd(); // the spec keys one path twice, once with a trailing space (3PID invites)
        foreach (var (name, value) in values)
        {
            path = path.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }

        return path;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "...";
}
