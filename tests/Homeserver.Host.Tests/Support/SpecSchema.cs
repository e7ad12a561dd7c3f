using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Host.Tests.Support;

/// <summary>
/// The spec-compliance check inside the integration tests: an exchange (method, path, status, body) is validated
/// against the spec's OpenAPI definition of its endpoint and the event schemas, by spec-compliance/validate.mjs (one
/// node process for the whole test run, one JSON line per exchange). A violation fails the test where it happens,
/// with the endpoint, status, JSON path and schema rule.
/// </summary>
public static class SpecSchema
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly System.Text.StringBuilder Errors = new();
    private static Process? _validator;

    /// <summary>The spec-compliance folder of the repository.</summary>
    public static string Directory { get; } =
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../spec-compliance"));

    /// <summary>Asserts that a response (of a request sent with its path) matches the spec; returns its JSON body.</summary>
    public static async Task<JsonElement> AssertValidAsync(HttpResponseMessage response, JsonNode? requestBody = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        var request = response.RequestMessage ?? throw new ArgumentException("the response has no request", nameof(response));
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        await AssertValidAsync(request.Method, request.RequestUri!.PathAndQuery, response.StatusCode, body, requestBody);
        return body;
    }

    /// <summary>Asserts that an exchange matches the spec (undefined <paramref name="body"/>: no body).</summary>
    public static async Task AssertValidAsync(HttpMethod method, string path, HttpStatusCode status, JsonElement body,
        JsonNode? requestBody = null)
    {
        var violations = await ViolationsAsync(method, path, status, body, requestBody);
        Assert.True(violations.Count == 0, "the spec's schema rejects this exchange:\n" + string.Join('\n', violations));
    }

    /// <summary>What the spec's schemas find wrong with an exchange (empty when nothing).</summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(HttpMethod method, string path,
        HttpStatusCode status, JsonElement body, JsonNode? requestBody = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        var line = new JsonObject
        {
            ["method"] = method.Method,
            ["path"] = path,
            ["status"] = (int)status,
            ["body"] = body.ValueKind == JsonValueKind.Undefined ? null : JsonNode.Parse(body.GetRawText()),
            ["requestBody"] = requestBody?.DeepClone(),
        };
        if (body.ValueKind == JsonValueKind.Undefined)
        {
            line.Remove("body");
        }

        string? answer;
        await Gate.WaitAsync();
        try
        {
            var validator = Validator();
            await validator.StandardInput.WriteLineAsync(line.ToJsonString());
            await validator.StandardInput.FlushAsync();
            answer = await validator.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            Gate.Release();
        }

        if (answer is null)
        {
            Assert.Fail("spec-compliance/validate.mjs ended: " + Errors);
        }
        return JsonDocument.Parse(answer).RootElement.GetProperty("violations").EnumerateArray()
            .Select(v => v.GetString()!).ToList();
    }

    private static Process Validator()
    {
        if (_validator is { HasExited: false })
        {
            return _validator;
        }

        Assert.True(System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "ajv")),
            $"spec-compliance's packages are not installed in {Directory}: run `npm ci` there (scripts/test does)");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("validate.mjs");
        // The node process ends when its stdin closes, that is when the test host exits.
        _validator = Process.Start(start)!;
        _validator.ErrorDataReceived += (_, e) =>
        {
            lock (Errors)
            {
                Errors.AppendLine(e.Data);
            }
        };
        _validator.BeginErrorReadLine();
        return _validator;
    }
}
