using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Bridges.AppService.Http;

/// <summary>PUT /_matrix/app/v1/transactions/{txnId}: events (and ephemeral data) pushed by the homeserver.</summary>
public static class TransactionEndpoint
{
    /// <summary>Larger than any transaction a homeserver sends (Synapse: 100 events and 100 ephemeral).</summary>
    public const int MaxBodyBytes = 32 * 1024 * 1024;

    private const string EphemeralUnstable = "de.sorunome.msc2409.ephemeral";

    public static async Task<IResult> HandleAsync(string txnId, HttpRequest request, TransactionProcessor processor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(processor);
        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return AppServiceErrors.Error(StatusCodes.Status413PayloadTooLarge, "M_TOO_LARGE", "The transaction is too large");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException)
        {
            return AppServiceErrors.NotJson("The body is not JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return AppServiceErrors.BadJson("The body is not a JSON object");
            }

            if (!root.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
            {
                return AppServiceErrors.BadJson("'events' must be an array");
            }

            var entries = events.EnumerateArray().Select(e => new TransactionEntry(e, Ephemeral: false)).ToList();
            // Homeservers that send both keys send the same data in each: take the stable one unless it is empty.
            var ephemeral = ArrayOrNull(root, "ephemeral") ?? ArrayOrNull(root, EphemeralUnstable);
            if (ephemeral is { } list)
            {
                entries.AddRange(list.EnumerateArray().Select(e => new TransactionEntry(e, Ephemeral: true)));
            }

            await processor.ProcessAsync(txnId, entries, cancellationToken);
            return AppServiceErrors.Empty();
        }
    }

    private static JsonElement? ArrayOrNull(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0
            ? value
            : null;

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }

        return buffer.ToArray();
    }
}
