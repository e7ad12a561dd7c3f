using System.Diagnostics;
using System.Text;

namespace Homeserver.Storage.Postgres;

/// <summary>
/// Runs the Postgres command-line programs. Postgres refuses to run as root, so when this process is
/// root the programs run as the <c>postgres</c> user through <c>runuser</c>.
/// </summary>
internal static class CommandRunner
{
    public const string PostgresUser = "postgres";

    public static bool RunningAsRoot => Environment.IsPrivilegedProcess;

    public sealed record Result(int ExitCode, string Output)
    {
        public bool Succeeded => ExitCode == 0;
    }

    public static Task<Result> RunAsPostgresAsync(string program, IReadOnlyList<string> arguments,
        CancellationToken cancellationToken) =>
        RunningAsRoot
            ? RunAsync("runuser", ["-u", PostgresUser, "--", program, .. arguments], cancellationToken)
            : RunAsync(program, arguments, cancellationToken);

    public static async Task<Result> RunAsync(string program, IReadOnlyList<string> arguments,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Messages in English whatever the machine's locale, so they can be shown and matched.
        start.Environment["LC_ALL"] = "C";
        start.Environment["LANG"] = "C";
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"could not start {program}");
        process.StandardInput.Close();
        var output = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await Task.WhenAll(stdout, stderr);
        return new Result(process.ExitCode, output.ToString().Trim());
    }

    public static async Task ChangeOwnerToPostgresAsync(string path, CancellationToken cancellationToken)
    {
        if (!RunningAsRoot)
        {
            return;
        }

        var result = await RunAsync("chown", ["-R", $"{PostgresUser}:{PostgresUser}", path], cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"could not give {path} to the '{PostgresUser}' user (is the postgresql package installed?): {result.Output}");
        }
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder sink)
    {
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null)
        {
            lock (sink)
            {
                sink.AppendLine(line);
            }
        }
    }
}
