using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Homeserver.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Http;

/// <summary>Writes the spec's standard error response: <c>{"errcode": ..., "error": ...}</c> plus extra fields.</summary>
public static class MatrixErrorWriter
{
    public static Task WriteAsync(HttpContext context, MatrixException error) =>
        WriteAsync(context, error.HttpStatus, error.Code, error.Message, error.ExtraFields);

    public static async Task WriteAsync(HttpContext context, int status, ErrorCode code, string message,
        IReadOnlyDictionary<string, object?>? extraFields = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (code == ErrorCode.LimitExceeded &&
            extraFields?.GetValueOrDefault("retry_after_ms") is long retryAfterMs)
        {
            // Spec v1.10: Retry-After (whole seconds, rounded up) alongside retry_after_ms.
            response.Headers.RetryAfter = ((retryAfterMs + 999) / 1000).ToString(CultureInfo.InvariantCulture);
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteBody(writer, code, message, extraFields);
        }

        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private static void WriteBody(Utf8JsonWriter writer, ErrorCode code, string message,
        IReadOnlyDictionary<string, object?>? extraFields)
    {
        writer.WriteStartObject();
        writer.WriteString("errcode", code.Code);
        writer.WriteString("error", message);
        foreach (var (name, value) in extraFields ?? new Dictionary<string, object?>())
        {
            writer.WritePropertyName(name);
            JsonSerializer.Serialize(writer, value);
        }

        writer.WriteEndObject();
    }
}
