using System.Globalization;
using System.Text;
using Homeserver.Fuzz.Generation;

namespace Homeserver.Fuzz.Running;

/// <summary>A 5xx (or no answer): the request as sent and what came back.</summary>
public sealed record FuzzFailure(FuzzRequest Request, FuzzResponse Response)
{
    public override string ToString()
    {
        var body = Request.Body is null ? "(none)" : Printable(Request.Body);
        return $"#{Request.Index} {Request.Method} {Truncate(Request.PathAndQuery, 300)} [{Request.Endpoint.Key}; " +
               $"{Request.Mutation}; content-type {Request.ContentType ?? "none"}; token {Request.Token}]\n" +
               $"    body: {Truncate(body, 400)}\n" +
               $"    -> {(Response.Status == 0 ? Response.Failure : Response.Status.ToString(CultureInfo.InvariantCulture))} {Truncate(Response.Body, 400)}";
    }

    private static string Printable(byte[] body)
    {
        var text = new StringBuilder();
        foreach (var b in body.Take(600))
        {
            text.Append(b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}");
        }

        return text.ToString();
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "...";
}

/// <summary>What a run found: status counts (overall and per endpoint), 5xx, unanswered requests, the /sync check.</summary>
public sealed class FuzzReport
{
    public required int Seed { get; init; }

    public int Requests { get; set; }

    public SortedDictionary<string, int> StatusClasses { get; } = new(StringComparer.Ordinal);

    /// <summary>Per covered endpoint (<c>METHOD /template</c>): status code to count.</summary>
    public SortedDictionary<string, SortedDictionary<int, int>> Endpoints { get; } = new(StringComparer.Ordinal);

    public List<string> NotImplemented { get; } = [];

    public List<FuzzFailure> ServerErrors { get; } = [];

    public List<FuzzFailure> Unanswered { get; } = [];

    /// <summary>4xx answers whose body is not a JSON object with <c>errcode</c> and <c>error</c> (endpoint, status).</summary>
    public SortedDictionary<string, int> MalformedErrors { get; } = new(StringComparer.Ordinal);

    /// <summary>Users whose /sync did not answer 200 after the run, with what it answered.</summary>
    public List<string> SyncFailures { get; } = [];

    public bool Passed => ServerErrors.Count == 0 && SyncFailures.Count == 0;

    public void Record(FuzzRequest request, FuzzResponse response)
    {
        lock (StatusClasses)
        {
            Requests++;
            var statusClass = response.Status == 0 ? "no answer" : $"{response.Status / 100}xx";
            StatusClasses[statusClass] = StatusClasses.GetValueOrDefault(statusClass) + 1;
            if (!Endpoints.TryGetValue(request.Endpoint.Key, out var statuses))
            {
                Endpoints[request.Endpoint.Key] = statuses = [];
            }

            statuses[response.Status] = statuses.GetValueOrDefault(response.Status) + 1;
            if (response.Status >= 500 && request.Endpoint.UpstreamFailures?.Contains(response.Status) != true)
            {
                ServerErrors.Add(new FuzzFailure(request, response));
            }
            else if (response.Status == 0)
            {
                Unanswered.Add(new FuzzFailure(request, response));
            }
            else if (response.Status >= 400 && request.Method != "HEAD" && !IsMatrixError(response))
            {
                var key = $"{request.Endpoint.Key} -> {response.Status}";
                MalformedErrors[key] = MalformedErrors.GetValueOrDefault(key) + 1;
            }
        }
    }

    public string Render(int maxFailures = 200)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"fuzz seed {Seed}: {Requests} requests");
        text.AppendLine(string.Join(", ", StatusClasses.Select(s => $"{s.Key}: {s.Value}")));
        text.AppendLine(CultureInfo.InvariantCulture, $"5xx: {ServerErrors.Count}");
        text.AppendLine(CultureInfo.InvariantCulture, $"endpoints covered: {Endpoints.Count} (not implemented by the server: {NotImplemented.Count})");
        foreach (var (endpoint, statuses) in Endpoints)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {endpoint}  {string.Join(' ', statuses.Select(s => $"{s.Key}x{s.Value}"))}");
        }

        if (MalformedErrors.Count > 0)
        {
            text.AppendLine("error answers without a JSON {errcode, error} body:");
            foreach (var (key, count) in MalformedErrors)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {key} x{count}");
            }
        }

        foreach (var (title, list) in new[] { ("5xx answers", ServerErrors), ("no answer", Unanswered) })
        {
            if (list.Count > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{title} ({list.Count}):");
                foreach (var failure in list.OrderBy(f => f.Request.Index).Take(maxFailures))
                {
                    text.AppendLine(failure.ToString());
                }
            }
        }

        text.AppendLine(SyncFailures.Count == 0
            ? "sync after the run: 200 for every user"
            : "sync after the run FAILED:\n  " + string.Join("\n  ", SyncFailures));
        return text.ToString();
    }

    private static bool IsMatrixError(FuzzResponse response)
    {
        var json = response.Json();
        if (response.Status == 401 && json.ValueKind == System.Text.Json.JsonValueKind.Object &&
            json.TryGetProperty("flows", out _))
        {
            return true; // a user-interactive authentication challenge
        }

        return json.ValueKind == System.Text.Json.JsonValueKind.Object &&
               json.TryGetProperty("errcode", out var errcode) && errcode.ValueKind == System.Text.Json.JsonValueKind.String &&
               json.TryGetProperty("error", out var error) && error.ValueKind == System.Text.Json.JsonValueKind.String;
    }
}
