using System.Text.Json;

namespace Homeserver.Bridges.Discord.Client.Rest;

/// <summary>Reading Discord's answers as JSON without trusting them: a body that is not JSON reads as nothing.</summary>
internal static class HttpContentJson
{
    private const int MaxBody = 32 * 1024 * 1024;

    public static async Task<T?> ReadFromJsonAsyncSafe<T>(this HttpContent content, CancellationToken cancellationToken)
    {
        var bytes = await ReadBoundedAsync(content, cancellationToken);
        if (bytes.Length == 0)
        {
            return default;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(bytes, DiscordJson.Options);
        }
        catch (JsonException exception)
        {
            throw new DiscordApiException("Discord's answer did not have the expected shape: " + exception.Message, exception);
        }
    }

    public static async Task<JsonDocument?> ReadJsonDocumentSafeAsync(this HttpContent content, CancellationToken cancellationToken)
    {
        var bytes = await ReadBoundedAsync(content, cancellationToken);
        try
        {
            return bytes.Length == 0 ? null : JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxBody)
        {
            throw new DiscordApiException($"Discord's answer is larger than {MaxBody} bytes");
        }

        return await content.ReadAsByteArrayAsync(cancellationToken);
    }
}
