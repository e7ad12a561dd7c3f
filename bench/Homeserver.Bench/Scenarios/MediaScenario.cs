using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;
using NetVips;

namespace Homeserver.Bench.Scenarios;

/// <summary>
/// media: C clients each upload N files of 100 KB (<c>POST /_matrix/media/v3/upload</c>), then download them
/// (<c>GET /_matrix/client/v1/media/download</c>, body read whole); then the first thumbnail (320x240 scale, so
/// generated, not served from a store) of R uploads of one 4000x3000 JPEG, one after another.
/// </summary>
public sealed class MediaScenario : IScenario
{
    private const int FileBytes = 100 * 1024;

    public string Name => "media";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var clients = context.Sizes.Clients;
        var perClient = context.Sizes.MessagesPerClient;
        context.Announce(Name, $"{clients} users");
        var users = await context.Registrar.RegisterManyAsync("media", clients, cancellationToken);
        var files = Enumerable.Range(0, clients * perClient).Select(i => FileOf(i)).ToArray();
        var uris = new string?[files.Length];

        ScenarioResult uploads;
        await using (var run = context.Begin($"{Name}/upload",
                         $"{clients} clients each upload {perClient} files of 100 KB", clients, files.Length))
        {
            await Load.RunWorkersAsync(clients, perClient, async (worker, i, ct) =>
            {
                var index = (worker * perClient) + i;
                var response = await run.Recorder.TimeAsync(c => context.Api.Http.SendBytesAsync(HttpMethod.Post,
                    "/_matrix/media/v3/upload", users[worker].AccessToken, files[index], "application/octet-stream",
                    c), ct);
                uris[index] = response?.StringProperty("content_uri");
            }, cancellationToken);
            uploads = await run.CompleteAsync();
        }

        ScenarioResult downloads;
        await using (var run = context.Begin($"{Name}/download",
                         $"{clients} clients each download {perClient} files of 100 KB", clients, files.Length))
        {
            await Load.RunWorkersAsync(clients, perClient, (worker, i, ct) =>
            {
                var uri = uris[(worker * perClient) + i] ?? throw new BenchSetupException("an upload failed");
                return run.Recorder.TimeAsync(c => context.Api.Http.DownloadAsync(
                    "/_matrix/client/v1/media/download/" + uri["mxc://".Length..], users[worker].AccessToken, c), ct);
            }, cancellationToken);
            downloads = await run.CompleteAsync();
        }

        return [uploads, downloads, await ThumbnailsAsync(context, users[0], cancellationToken)];
    }

    private async Task<ScenarioResult> ThumbnailsAsync(BenchContext context, Session user,
        CancellationToken cancellationToken)
    {
        var repeats = context.Sizes.Repeats;
        context.Announce(Name, $"{repeats} uploads of a 4000x3000 JPEG");
        var photo = Photo();
        var paths = new List<string>();
        for (var i = 0; i < repeats; i++)
        {
            var uploaded = await context.Api.Http.SendBytesAsync(HttpMethod.Post, "/_matrix/media/v3/upload",
                user.AccessToken, photo, "image/jpeg", cancellationToken);
            var uri = uploaded.StringProperty("content_uri")
                      ?? throw new BenchSetupException($"JPEG upload failed: {uploaded}");
            paths.Add($"/_matrix/client/v1/media/thumbnail/{uri["mxc://".Length..]}?width=320&height=240&method=scale");
        }

        await using var run = context.Begin($"{Name}/thumbnail",
            $"first 320x240 thumbnail of a 4000x3000 JPEG ({photo.Length / 1024} KB), one after another", 1, repeats);
        foreach (var path in paths)
        {
            await run.Recorder.TimeAsync(c => context.Api.Http.DownloadAsync(path, user.AccessToken, c),
                cancellationToken);
        }

        return await run.CompleteAsync();
    }

    // Distinct content per file (the server stores identical content once).
    private static byte[] FileOf(int index)
    {
        var bytes = new byte[FileBytes];
        new Random(index).NextBytes(bytes);
        return bytes;
    }

    // A photo-like JPEG: a gradient with noise, so it neither compresses to nothing nor is pure noise.
    private static byte[] Photo()
    {
        using var xy = Image.Xyz(4000, 3000);
        using var gradient = xy * new[] { 255.0 / 4000, 255.0 / 3000 };
        using var noise = Image.Gaussnoise(4000, 3000, sigma: 20);
        using var rgb = gradient.Bandjoin(noise);
        using var bytes = rgb.Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        return bytes.JpegsaveBuffer(q: 85);
    }
}
