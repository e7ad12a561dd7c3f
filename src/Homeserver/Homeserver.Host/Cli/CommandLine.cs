using System.CommandLine;
using System.Reflection;
using Homeserver.Core.Crypto;
using Homeserver.Host.Hosting;
using Homeserver.Services.Configuration;

namespace Homeserver.Host.Cli;

/// <summary>The verbs: serve (the default), migrate, generate-signing-key, version, and the administrator verbs.</summary>
public static class CommandLine
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitBadConfiguration = 2;

    public static RootCommand Build(TextWriter output, TextWriter errors)
    {
        var config = new Option<FileInfo?>("--config")
        {
            Description = "A JSON settings file (default: appsettings.json in the data directory, if present)",
            Recursive = true,
        };

        var serve = new Command("serve", "Run the homeserver (the default)") { TreatUnmatchedTokensAsErrors = false };
        serve.SetAction((result, ct) => RunAsync(result, config, errors, settings => ServeAsync(settings, ct)));

        var migrate = new Command("migrate", "Apply database migrations, then exit") { TreatUnmatchedTokensAsErrors = false };
        migrate.SetAction((result, ct) => RunAsync(result, config, errors, settings => MigrateAsync(settings, output, ct)));

        var outputFile = new Option<FileInfo?>("--output", "-o")
        {
            Description = "Write the key to this file (refuses to overwrite); without it the key is printed",
        };
        var generateKey = new Command("generate-signing-key", "Generate an Ed25519 server signing key") { outputFile };
        generateKey.SetAction((result, ct) => GenerateSigningKeyAsync(result.GetValue(outputFile), output, errors, ct));

        var version = new Command("version", "Print the version");
        version.SetAction(_ =>
        {
            output.WriteLine($"homeserver {InformationalVersion}");
            return ExitOk;
        });

        var root = new RootCommand("A Matrix homeserver") { TreatUnmatchedTokensAsErrors = false };
        root.Options.Add(config);
        root.Subcommands.Add(serve);
        root.Subcommands.Add(migrate);
        root.Subcommands.Add(generateKey);
        root.Subcommands.Add(version);
        root.Subcommands.Add(AccountCommands.RegisterUser(config, output, errors));
        root.Subcommands.Add(AccountCommands.RegistrationToken(config, output, errors));
        root.Subcommands.Add(ExportCommands.ExportUser(config, output, errors));
        root.SetAction((result, ct) => RunAsync(result, config, errors, settings => ServeAsync(settings, ct)));
        return root;
    }

    public static string InformationalVersion =>
        typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "unknown";

    internal static async Task<int> RunAsync(ParseResult result, Option<FileInfo?> config, TextWriter errors,
        Func<HomeserverSettings, Task<int>> action)
    {
        HomeserverSettings settings;
        try
        {
            var configuration = ConfigurationLoader.Load(result.GetValue(config)?.FullName,
                result.UnmatchedTokens, Environment.CurrentDirectory);
            settings = SettingsReader.Read(configuration, Environment.CurrentDirectory);
        }
        catch (InvalidSettingException e)
        {
            await errors.WriteLineAsync("homeserver: configuration error:" + Environment.NewLine + e.Message);
            return ExitBadConfiguration;
        }

        try
        {
            return await action(settings);
        }
        catch (InvalidSettingException e)
        {
            await errors.WriteLineAsync("homeserver: configuration error:" + Environment.NewLine + e.Message);
            return ExitBadConfiguration;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or Npgsql.NpgsqlException
                                      or System.Security.Cryptography.CryptographicException)
        {
            await errors.WriteLineAsync("homeserver: " + e.Message);
            return ExitFailure;
        }
    }

    private static async Task<int> ServeAsync(HomeserverSettings settings, CancellationToken cancellationToken)
    {
        await using var instance = await HomeserverInstance.StartAsync(settings, cancellationToken);
        await instance.App.WaitForShutdownAsync(cancellationToken);
        return ExitOk;
    }

    private static async Task<int> MigrateAsync(HomeserverSettings settings, TextWriter output,
        CancellationToken cancellationToken)
    {
        using var loggers = HostLogging.CreateFactory(settings.LogFormat);
        await using var database = await Database.OpenAsync(settings, loggers, cancellationToken);
        var applied = await database.MigrateAsync(loggers, cancellationToken);
        await output.WriteLineAsync(applied.Count == 0
            ? "The database schema is up to date."
            : $"Applied {applied.Count} migration(s): {string.Join(", ", applied.Select(m => m.Name))}");
        return ExitOk;
    }

    private static async Task<int> GenerateSigningKeyAsync(FileInfo? outputFile, TextWriter output, TextWriter errors,
        CancellationToken cancellationToken)
    {
        SigningKey key;
        try
        {
            key = SigningKeyFile.Generate();
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            await errors.WriteLineAsync("homeserver: " + e.Message);
            return ExitFailure;
        }

        if (outputFile is null)
        {
            await output.WriteLineAsync(key.ToFileLine());
        }
        else
        {
            try
            {
                await SigningKeyFile.WriteAsync(outputFile.FullName, key, cancellationToken);
            }
            catch (IOException e)
            {
                await errors.WriteLineAsync($"homeserver: could not write {outputFile.FullName}: {e.Message}");
                return ExitFailure;
            }

            await output.WriteLineAsync($"Wrote {outputFile.FullName}");
        }

        await errors.WriteLineAsync($"Key ID {key.KeyId}, public key {key.PublicKeyBase64}");
        return ExitOk;
    }
}
