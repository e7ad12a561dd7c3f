using System.Diagnostics;
using System.Net.Sockets;

namespace Homeserver.Testing;

/// <summary>
/// A private redis-server (Debian's binary) on a free loopback port, which a test can stop and start
/// again on the same port to play an outage. Fails when redis-server is missing: the test command
/// installs it.
/// </summary>
public sealed class TestRedis : IAsyncDisposable
{
    private readonly TempDirectory? _dataDirectory;
    private Process? _process;

    private TestRedis(int port, TempDirectory? dataDirectory)
    {
        Port = port;
        _dataDirectory = dataDirectory;
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    /// <param name="persistent">Keep data across <see cref="StopAsync"/>/<see cref="StartAgainAsync"/> (append-only file).</param>
    public static async Task<TestRedis> StartAsync(bool persistent = false)
    {
        var redis = new TestRedis(FreePort.Next(), persistent ? new TempDirectory("hs-test-redis-") : null);
        await redis.StartAgainAsync();
        return redis;
    }

    public async Task StartAgainAsync()
    {
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed (apt-get install redis-server)");
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] persistence = _dataDirectory is null
            ? ["--appendonly", "no"]
            : ["--appendonly", "yes", "--appendfsync", "always", "--dir", _dataDirectory.Path];
        foreach (var argument in (string[])
                 [
                     "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--daemonize", "no", "--protected-mode", "no", .. persistence,
                 ])
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start redis-server");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException($"redis-server did not listen on port {Port}");
    }

    /// <summary>Kills the server (an outage, not a clean shutdown).</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _dataDirectory?.Dispose();
    }
}
