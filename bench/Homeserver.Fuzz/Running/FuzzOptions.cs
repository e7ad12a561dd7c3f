namespace Homeserver.Fuzz.Running;

/// <summary>What to fuzz and how much.</summary>
public sealed record FuzzOptions
{
    public required Uri BaseUrl { get; init; }

    /// <summary>The spec's data folder (the one holding <c>api/client-server/</c>).</summary>
    public required string SpecDirectory { get; init; }

    public int Requests { get; init; } = 20_000;

    public int Seed { get; init; } = 1;

    /// <summary>Requests in flight at once (generation stays sequential, so the sequence does not depend on it).</summary>
    public int Concurrency { get; init; } = 4;

    public int Users { get; init; } = 2;

    /// <summary>Every this many requests, the users rejoin their rooms and a fresh room is made.</summary>
    public int RepairEvery { get; init; } = 500;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Finds the spec data: <c>spec-compliance/matrix-spec</c> in this directory or one above it (the repository's
    /// copy), or null.
    /// </summary>
    public static string? FindSpecDirectory(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "spec-compliance", "matrix-spec");
            if (Directory.Exists(Path.Combine(candidate, "api", "client-server")))
            {
                return candidate;
            }
        }

        return null;
    }
}
