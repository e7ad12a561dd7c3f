namespace Homeserver.Bench;

/// <summary>Everything a run needs: where the server is, how to make users, what to run and how big.</summary>
public sealed record BenchOptions
{
    /// <summary>Every scenario, in the order <c>all</c> runs them.</summary>
    public static readonly IReadOnlyList<string> AllScenarios =
        ["send-seq", "send-conc", "sync-fanout", "initial-sync", "messages", "join-storm", "idle-conns", "media"];

    /// <summary>Scenarios run only when named: they attack the server on purpose (lock an account, load the CPU).</summary>
    public static readonly IReadOnlyList<string> AttackScenarios = ["password-guess"];

    /// <summary>Scenarios run only when named, against two servers that federate (<see cref="RemoteUrl"/>).</summary>
    public static readonly IReadOnlyList<string> FederationScenarios = ["fed-latency"];

    public required Uri BaseUrl { get; init; }

    /// <summary>Scenarios run only when named, against a server that lets guests register (<c>kind=guest</c>).</summary>
    public static readonly IReadOnlyList<string> GuestScenarios = ["live-guests"];

    /// <summary>A second homeserver that federates with the first (its client API), for the federation scenarios;
    /// users are made on it the same way as on the first.</summary>
    public Uri? RemoteUrl { get; init; }

    /// <summary>Scenario names to run (see <see cref="AllScenarios"/>).</summary>
    public required IReadOnlyList<string> Scenarios { get; init; }

    /// <summary>A registration token for the <c>m.login.registration_token</c> UIA stage.</summary>
    public string? RegistrationToken { get; init; }

    /// <summary>Synapse's <c>registration_shared_secret</c>: users are made through <c>/_synapse/admin/v1/register</c>.</summary>
    public string? SharedSecret { get; init; }

    /// <summary>The server's process ID, for RSS and CPU from /proc (Linux).</summary>
    public int? ServerPid { get; init; }

    /// <summary>A Postgres connection string for the storage baseline (insert and commit one row per message).</summary>
    public string? PostgresConnectionString { get; init; }

    public BenchSizes Sizes { get; init; } = BenchSizes.Small;

    /// <summary>The preset the sizes started from (tiny, small, full), for the report.</summary>
    public string SizeName { get; init; } = "small";

    public FileInfo? JsonOutput { get; init; }

    public FileInfo? HtmlOutput { get; init; }

    /// <summary>Whether to run the bare Kestrel echo baseline (the HTTP limit).</summary>
    public bool HttpBaseline { get; init; } = true;
}
