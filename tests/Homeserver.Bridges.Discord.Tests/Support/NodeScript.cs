using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Homeserver.Bridges.Discord.Tests.Support;

/// <summary>A node script from tests/discord-js whose output lines a test waits for; killed on dispose.</summary>
internal sealed class NodeScript : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _output = new();

    private NodeScript(Process process) => _process = process;

    public static NodeScript Start(string script, params string[] arguments)
    {
        var directory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../discord-js"));
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules", "discord.js")),
            $"discord.js is not installed in {directory}: run `npm ci` there (scripts/test does)");
        var start = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var node = new NodeScript(Process.Start(start)!);
        node._process.OutputDataReceived += (_, e) => node.Record(e.Data, toChannel: true);
        node._process.ErrorDataReceived += (_, e) => node.Record(e.Data, toChannel: false);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Waits for an output line starting with <paramref name="prefix"/>; fails with all output when the
    /// process ends or the deadline passes first.</summary>
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
