using System.Diagnostics;
using System.Text;

namespace Homeserver.Host.Tests;

/// <summary>The built server (homeserver.dll) run as a separate process, as a user or script runs it.</summary>
public sealed class HomeserverProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private TaskCompletionSource _nextLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HomeserverProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static HomeserverProcess Start(IEnumerable<string> arguments, IDictionary<string, string>? environment = null,
        string? workingDirectory = null, string? stdin = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "homeserver.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The child sees only the settings a test gives it.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Homeserver__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        return new HomeserverProcess(process);
    }

    /// <summary>
    /// Waits for the first output line <paramref name="match"/> accepts (woken by each new line) and returns it; fails
    /// at once, with the output, if the process exits first.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        var exited = _process.WaitForExitAsync(cancellation.Token);
        while (true)
        {
            var ended = exited.IsCompleted; // before reading: once exited, every line is in
            Task nextLine;
            string[] lines;
            lock (_output)
            {
                nextLine = _nextLine.Task;
                lines = _output.ToString().Split('\n');
            }

            if (lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (ended)
            {
                throw new InvalidOperationException(
                    $"{(exited.IsCompletedSuccessfully ? "exited" : "timed out")} before {what}:\n{Output}");
            }

            await Task.WhenAny(nextLine, exited);
        }
    }

    /// <summary>Runs to completion and returns the exit code.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments,
        IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        await using var process = Start(arguments, environment, workingDirectory);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(120));
        return (exitCode, process.Output);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    /// <summary>SIGTERM, as a service manager stops a server; returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        return await WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            var lineAdded = _nextLine;
            _nextLine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lineAdded.TrySetResult();
        }
    }
}
