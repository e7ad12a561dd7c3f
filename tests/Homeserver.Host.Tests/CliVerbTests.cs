using Homeserver.Core.Crypto;
using Homeserver.Testing;

namespace Homeserver.Host.Tests;

public sealed class CliVerbTests
{
    [Fact]
    public async Task Version_prints_the_version()
    {
        var (exitCode, output) = await HomeserverProcess.RunAsync(["version"]);

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^homeserver \d+\.\d+\.\d+", output);
    }

    [Fact]
    public async Task Generate_signing_key_writes_a_loadable_key_and_never_overwrites_one()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "signing.key");

        var first = await HomeserverProcess.RunAsync(["generate-signing-key", "--output", path]);
        var content = await File.ReadAllTextAsync(path);
        var second = await HomeserverProcess.RunAsync(["generate-signing-key", "--output", path]);

        Assert.Equal(0, first.ExitCode);
        Assert.True(SigningKey.TryParseFileLine(content, out var key, out _));
        Assert.Contains(key!.KeyId, first.Output, StringComparison.Ordinal);
        Assert.Contains(key.PublicKeyBase64, first.Output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.NotEqual(0, second.ExitCode);
        Assert.Equal(content, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Generate_signing_key_without_a_file_prints_the_key()
    {
        var (exitCode, output) = await HomeserverProcess.RunAsync(["generate-signing-key"]);

        Assert.Equal(0, exitCode);
        var line = output.Split('\n').First(l => l.StartsWith("ed25519 ", StringComparison.Ordinal));
        Assert.True(SigningKey.TryParseFileLine(line, out _, out var error), error);
    }

    [Fact]
    public async Task Two_migrate_processes_racing_apply_each_migration_once()
    {
        var connectionString = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        var environment = new Dictionary<string, string> { ["Homeserver__Database__ConnectionString"] = connectionString };

        var results = await Task.WhenAll(
            HomeserverProcess.RunAsync(["migrate"], environment),
            HomeserverProcess.RunAsync(["migrate"], environment));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Output));
        Assert.Single(results, r => r.Output.Contains("Applied ", StringComparison.Ordinal));
        Assert.Single(results, r => r.Output.Contains("up to date", StringComparison.Ordinal));
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM schema_migrations", connection);
        Assert.Equal((long)Storage.Migrations.Migrator.Known.Count, await count.ExecuteScalarAsync());
    }
}
