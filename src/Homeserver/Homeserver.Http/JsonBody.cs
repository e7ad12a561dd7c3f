using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Core.Json;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Http;

/// <summary>
/// Reads a request body as the spec requires for POST and PUT: a JSON object. Every endpoint reads its body here.
/// Bytes that are not UTF-8 JSON are 400 <c>M_NOT_JSON</c>; JSON of the wrong shape (not an object, missing or
/// mistyped fields) or with strings that cannot be stored or served (<see cref="JsonText"/>) is 400
/// <c>M_BAD_JSON</c>.
/// </summary>
public static class JsonBody
{
    /// <summary>How deep a body may nest (<see cref="JsonText.MaxDepth"/>).</summary>
    public const int MaxDepth = JsonText.MaxDepth;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    public static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>
    /// The body as a JSON object. Bytes that are not UTF-8 JSON are <c>M_NOT_JSON</c>; JSON whose strings (keys or
    /// values) hold a lone surrogate or U+0000 is <c>M_BAD_JSON</c>: <see cref="JsonText"/> is the rule.
    /// </summary>
    public static async Task<JsonElement> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await ReadBytesAsync(request, cancellationToken);
        if (body.Span.StartsWith(Utf8Bom))
        {
            body = body[Utf8Bom.Length..];
        }

        switch (JsonText.Check(body.Span, DocumentOptions.MaxDepth))
        {
            case JsonTextError.None:
                break;
            case JsonTextError.NotJson:
                throw new MatrixException(ErrorCode.NotJson, "Content not JSON.");
            case JsonTextError.NotUtf8:
                throw new MatrixException(ErrorCode.NotJson, "Content not JSON: the text is not valid UTF-8.");
            case JsonTextError.TooDeep:
                throw new MatrixException(ErrorCode.BadJson, $"Content nests deeper than {MaxDepth} levels.");
            case var error:
                throw new MatrixException(ErrorCode.BadJson, $"Invalid string in the body: {JsonText.Describe(error)}.");
        }

        using var document = JsonDocument.Parse(body, DocumentOptions);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.BadJson, "Content must be a JSON object.");
        }

        return document.RootElement.Clone();
    }

    /// <summary>The body bound to <typeparamref name="T"/> (snake_case names; <c>required</c> members must be present).</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadObjectAsync(request, cancellationToken);
        try
        {
            return body.Deserialize<T>(SerializerOptions)
                   ?? throw new MatrixException(ErrorCode.BadJson, "Content must be a JSON object.");
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
            throw new MatrixException(ErrorCode.BadJson, $"Invalid request body{where}: {Describe(e)}");
        }
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    // The body limit (BodySizeLimitMiddleware, Kestrel's MaxRequestBodySize) bounds what this holds.
    private static async Task<ReadOnlyMemory<byte>> ReadBytesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(request.ContentLength is > 0 and <= 1 << 20 ? (int)request.ContentLength : 256);
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    // System.Text.Json messages name .NET types; keep only the part a client developer can act on.
    private static string Describe(JsonException e) =>
        e.Message.Contains("missing required properties", StringComparison.Ordinal)
            ? e.Message[e.Message.IndexOf("missing", StringComparison.Ordinal)..].Split('.')[0]
            : "a field has the wrong type or value";
}
