using Homeserver.Bench.Baselines;
using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>What every scenario gets: the options, the API, the user factory, the server's process, the baselines.</summary>
public sealed class BenchContext
{
    private int _transactions;

    public BenchContext(BenchOptions options, MatrixApi api, Registrar registrar, ServerProcess? server,
        BaselineSet baselines, TextWriter progress)
    {
        Options = options;
        Api = api;
        Registrar = registrar;
        Server = server;
        Baselines = baselines;
        Progress = progress;
    }

    public BenchOptions Options { get; }

    public BenchSizes Sizes => Options.Sizes;

    public MatrixApi Api { get; }

    public Registrar Registrar { get; }

    /// <summary>The second server of the federation scenarios (<see cref="BenchOptions.RemoteUrl"/>), when given.</summary>
    public RemoteServer? Remote { get; init; }

    public ServerProcess? Server { get; }

    public BaselineSet Baselines { get; }

    public TextWriter Progress { get; }

    /// <summary>A transaction ID unique in this run (and across runs, through the run prefix).</summary>
    public string NextTxnId() => $"{Registrar.RunPrefix}-{Interlocked.Increment(ref _transactions)}";

    /// <summary>Starts a measured phase (its clock, progress line and server sampling start now).</summary>
    public ScenarioRun Begin(string name, string description, int concurrency, int plannedOperations) =>
        new(name, description, concurrency, plannedOperations, Server, Progress);

    /// <summary>A setup step announced on the progress writer.</summary>
    public void Announce(string scenario, string step) => Progress.WriteLine($"[{scenario}] setup: {step}");
}

/// <summary>A second homeserver, federating with the first: its API and its user factory.</summary>
public sealed record RemoteServer(MatrixApi Api, Registrar Registrar)
{
    public static RemoteServer From(MatrixHttp http, string runPrefix, BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var api = new MatrixApi(http);
        return new RemoteServer(api, new Registrar(api, runPrefix, options.RegistrationToken, options.SharedSecret));
    }
}

/// <summary>One selectable scenario: sets up its users and rooms (not measured), then measures one or more phases.</summary>
public interface IScenario
{
    string Name { get; }

    Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context, CancellationToken cancellationToken);
}
