using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Homeserver.Host.Tests.Support;

/// <summary>
/// A long-running node script from tests/js (a bridge, a bot) whose output lines a test waits for; killed on dispose.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _output = new();

    private NodeProcess(Process process) => _process = process;

    /// <summary>Starts <paramref name="script"/> and waits until it prints <paramref name="readyLine"/>.</summary>
    public static async Task<NodeProcess> StartAsync(string script, string readyLine, params string[] arguments)
    {
        var directory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../js"));
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules")),
            $"node modules are not installed in {directory}: run `npm ci` there (scripts/test does)");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var node = new NodeProcess(Process.Start(start)!);
        node._process.OutputDataReceived += (_, e) => node.Record(e.Data, toChannel: true);
        node._process.ErrorDataReceived += (_, e) => node.Record(e.Data, toChannel: false);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        try
        {
            await node.WaitForLineAsync(readyLine);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>Waits for an output line starting with <paramref name="prefix"/> (fails with all output when the
    /// process ends or the deadline passes first).</summary>
    public async Task<string> WaitForLineAsync(string prefix)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(deadline.Token))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new TimeoutException($"node never printed '{prefix}'. Output:\n{Output}");
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

    /// <summary>Answers the script on its standard input.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
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

    private void Record(string? line, bool toChannel)
    {
        if (line is null)
        {
            if (toChannel)
            {
                _lines.Writer.TryComplete();
            }

            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (toChannel)
        {
            _lines.Writer.TryWrite(line);
        }
    }
}
