using System.Collections.Concurrent;
using System.Diagnostics;
using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Scenarios;

/// <summary>
/// password-guess: G wrong passwords for one account through user-interactive auth (<c>POST /delete_devices</c> with
/// <c>m.login.password</c>), C at a time and never waiting out a 429 (an attacker does not), while one prober times
/// <c>GET /versions</c> one after another. The phase's latencies are the probes during the attack; the probes before it,
/// the guesses' answers (401 wrong password, 429 limited) and the answer to the right password right after are extras.
/// Not part of <c>all</c>: it locks the account it guesses on, and on a server without limits it loads every core.
/// </summary>
public sealed class PasswordGuessScenario : IScenario
{
    public const string ScenarioName = "password-guess";
    private const string NoSuchDevice = "BENCHNOSUCHDEVICE";

    public string Name => ScenarioName;

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var sizes = context.Sizes;
        context.Announce(Name, "the account guessed on");
        var victim = await context.Registrar.RegisterAsync("guessed", cancellationToken);

        // The endpoint's first request (JIT, UIA session) is not the attack's: a challenge without a guess.
        await context.Api.DeleteDevicesAsync(victim, [NoSuchDevice], null, cancellationToken);
        var before = new Recorder();
        for (var i = 0; i < BeforeProbes(sizes); i++)
        {
            await before.TimeAsync(ct => context.Api.VersionsAsync(ct), cancellationToken);
        }

        var answers = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        ScenarioResult result;
        await using (var run = context.Begin(Name,
                         $"GET /versions one at a time during {sizes.Guesses} wrong UIA passwords, {sizes.GuessConcurrency} at once",
                         1, sizes.Guesses))
        {
            var attackClock = Stopwatch.StartNew();
            var attack = Parallel.ForEachAsync(Enumerable.Range(0, sizes.Guesses),
                new ParallelOptions { MaxDegreeOfParallelism = sizes.GuessConcurrency, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var answer = await GuessAsync(context.Api, victim, $"wrong-{i}", ct);
                    answers.AddOrUpdate(answer, 1, (_, n) => n + 1);
                });
            while (!attack.IsCompleted)
            {
                await run.Recorder.TimeAsync(ct => context.Api.VersionsAsync(ct), cancellationToken);
            }

            await attack;
            var attackSeconds = attackClock.Elapsed.TotalSeconds;
            run.StopClock();
            var rightPassword = await GuessAsync(context.Api, victim, Registrar.Password, cancellationToken);

            var sortedBefore = before.SortedLatencies();
            var extra = new Dictionary<string, double>
            {
                ["probe_p50_before_ms"] = LatencyStats.Percentile(sortedBefore, 50),
                ["probe_p99_before_ms"] = LatencyStats.Percentile(sortedBefore, 99),
                ["probe_max_before_ms"] = sortedBefore.Count == 0 ? 0 : sortedBefore[^1],
                ["attack_seconds"] = attackSeconds,
                ["right_password_after_status"] = int.Parse(rightPassword.Split(' ')[0],
                    System.Globalization.CultureInfo.InvariantCulture),
            };
            foreach (var (answer, count) in answers)
            {
                extra[$"guesses_answered_{answer.Replace(' ', '_')}"] = count;
            }

            result = await run.CompleteAsync(extra);
        }

        return [result];
    }

    /// <summary>Probes before the attack: five times <c>--probes</c>, for a steadier baseline.</summary>
    public static int BeforeProbes(BenchSizes sizes) => 5 * sizes.Probes;

    /// <summary>One password attempt; the answer as "status errcode" (or "exception ...").</summary>
    private static async Task<string> GuessAsync(MatrixApi api, Session victim, string password,
        CancellationToken cancellationToken)
    {
        try
        {
            var response = await api.DeleteDevicesAsync(victim, [NoSuchDevice], password, cancellationToken);
            return response.Ok ? response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : response.ErrorKey;
        }
        catch (HttpRequestException e)
        {
            return "exception " + e.GetType().Name;
        }
    }
}
