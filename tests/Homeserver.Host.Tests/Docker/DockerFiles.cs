using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.Docker;

/// <summary>The repository's docker/ files, and the entrypoint run with <c>sh</c> in front of a fake server.</summary>
internal static class DockerFiles
{
    public static string RepositoryRoot => RepositoryFiles.Root;

    public static string PathOf(string relative) => RepositoryFiles.PathOf(relative);

    /// <summary>
    /// Runs docker/docker-entrypoint.sh with only <paramref name="environment"/> (and PATH) set, its server replaced by
    /// a script that records the environment and arguments it was started with.
    /// </summary>
    public static async Task<EntrypointRun> RunEntrypointAsync(IReadOnlyDictionary<string, string> environment,
        params string[] arguments)
    {
        using var directory = new TempDirectory("hs-entrypoint-");
        var fakeServer = Path.Combine(directory.Path, "fake-server");
        var envFile = Path.Combine(directory.Path, "env");
        var argsFile = Path.Combine(directory.Path, "args");
        await File.WriteAllTextAsync(fakeServer,
            $"#!/bin/sh\nenv -0 > '{envFile}'\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > '{argsFile}'\n");
        File.SetUnixFileMode(fakeServer, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var start = new ProcessStartInfo("sh")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = directory.Path,
        };
        start.ArgumentList.Add(PathOf("docker/docker-entrypoint.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        start.Environment["HOMESERVER_BIN"] = fakeServer;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var ran = File.Exists(envFile);
        return new EntrypointRun(process.ExitCode, await errors, ran,
            ran ? ParseEnvironment(await File.ReadAllTextAsync(envFile)) : new Dictionary<string, string>(),
            ran ? SplitNul(await File.ReadAllTextAsync(argsFile)) : []);
    }

    private static Dictionary<string, string> ParseEnvironment(string text) =>
        SplitNul(text).Select(entry => entry.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static List<string> SplitNul(string text) => text.Split('\0').SkipLast(1).ToList();
}

/// <param name="ServerStarted">Whether the entrypoint got as far as starting the (fake) server.</param>
/// <param name="Environment">The server's environment.</param>
/// <param name="Arguments">The server's arguments.</param>
internal sealed record EntrypointRun(int ExitCode, string Errors, bool ServerStarted,
    IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> Arguments)
{
    /// <summary>The server's settings as it reads them: its Homeserver__* variables through <c>SettingsReader</c>.</summary>
    public (Services.Configuration.HomeserverSettings? Settings, IReadOnlyList<string> Errors) ReadSettings()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(Environment
                .Where(e => e.Key.StartsWith("Homeserver__", StringComparison.Ordinal))
                .Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)))
            .Build();
        return Services.Configuration.SettingsReader.TryRead(configuration, "/");
    }
}
