using System.CommandLine;
using System.Globalization;
using Homeserver.Core.Errors;
using Homeserver.Host.Hosting;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Shared;

namespace Homeserver.Host.Cli;

/// <summary>Administrator verbs that work on the database directly: register-user, registration-token.</summary>
public static class AccountCommands
{
    public static Command RegisterUser(Option<FileInfo?> config, TextWriter output, TextWriter errors)
    {
        var username = new Option<string>("--username", "-u") { Description = "Localpart of the new user", Required = true };
        var password = new Option<string?>("--password", "-p")
        {
            Description = "The password (default: read one line from standard input)",
        };
        var admin = new Option<bool>("--admin") { Description = "Make the user a server administrator" };
        var command = new Command("register-user", "Create an account, even with registration closed")
        {
            username, password, admin,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, ct) => CommandLine.RunAsync(result, config, errors, settings =>
            WithServicesAsync(settings, async services =>
            {
                var secret = result.GetValue(password) ??
                             (Console.IsInputRedirected ? await Console.In.ReadLineAsync(ct) : PromptPassword(errors));
                if (string.IsNullOrEmpty(secret))
                {
                    await errors.WriteLineAsync("homeserver: a password is required (--password or one line on stdin)");
                    return CommandLine.ExitFailure;
                }

                try
                {
                    var userId = await services.GetRequiredService<RegistrationService>()
                        .CreateByAdministratorAsync(result.GetValue(username)!, secret, result.GetValue(admin), ct);
                    await output.WriteLineAsync($"Created {userId}{(result.GetValue(admin) ? " (administrator)" : "")}");
                    return CommandLine.ExitOk;
                }
                catch (MatrixException e)
                {
                    await errors.WriteLineAsync($"homeserver: {e.Code}: {e.Message}");
                    return CommandLine.ExitFailure;
                }
            }, ct)));
        return command;
    }

    public static Command RegistrationToken(Option<FileInfo?> config, TextWriter output, TextWriter errors)
    {
        var uses = new Option<int?>("--uses") { Description = "How many registrations it allows (default: unlimited)" };
        var expiresIn = new Option<double?>("--expires-in-days") { Description = "Days until it expires (default: never)" };
        var tokenText = new Option<string?>("--token") { Description = "The token itself (default: random)" };
        var create = new Command("create", "Create a registration token") { uses, expiresIn, tokenText };
        create.TreatUnmatchedTokensAsErrors = false;
        create.SetAction((result, ct) => CommandLine.RunAsync(result, config, errors, settings =>
            WithServicesAsync(settings, async services =>
            {
                var token = result.GetValue(tokenText) ?? System.Security.Cryptography.RandomNumberGenerator.GetString(
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 16);
                if (token.Length is 0 or > 64 || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '~' or '-'))
                {
                    await errors.WriteLineAsync("homeserver: a token is 1 to 64 characters of [A-Za-z0-9._~-]");
                    return CommandLine.ExitFailure;
                }

                var now = DateTimeOffset.UtcNow;
                long? expiry = result.GetValue(expiresIn) is { } days ? now.AddDays(days).ToUnixTimeMilliseconds() : null;
                await services.GetRequiredService<IRegistrationTokenStore>().CreateAsync(
                    new Services.Accounts.RegistrationToken(token, result.GetValue(uses), 0, expiry),
                    now.ToUnixTimeMilliseconds(), ct);
                await output.WriteLineAsync(token);
                await errors.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Uses: {result.GetValue(uses)?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"}, " +
                    $"expires: {(expiry is null ? "never" : DateTimeOffset.FromUnixTimeMilliseconds(expiry.Value).ToString("u", CultureInfo.InvariantCulture))}"));
                return CommandLine.ExitOk;
            }, ct)));
        return new Command("registration-token", "Manage registration tokens") { create };
    }

    /// <param name="logsToStandardError">Logs go to standard error (standard output carries the verb's result).</param>
    internal static async Task<int> WithServicesAsync(HomeserverSettings settings,
        Func<IServiceProvider, Task<int>> action, CancellationToken cancellationToken, bool logsToStandardError = false)
    {
        using var loggers = LoggerFactory.Create(builder =>
        {
            HostLogging.Configure(builder, settings.LogFormat);
            if (logsToStandardError)
            {
                builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o =>
                    o.LogToStandardErrorThreshold = LogLevel.Trace);
            }
        });
        await using var database = await Database.OpenAsync(settings, loggers, cancellationToken);
        await database.MigrateAsync(loggers, cancellationToken);
        using var sharedStore = new InProcessSharedStore();
        // The server's services as it runs them: a new device reaches the federation EDU routing, which logs and signs.
        var (signingKey, _) = await SigningKeyFile.LoadOrCreateAsync(settings.SigningKeyPath, cancellationToken);
        await using var services = new ServiceCollection()
            .AddSingleton(loggers)
            .AddLogging()
            .AddHomeserver(settings, database.DataSource, sharedStore, signingKey)
            .BuildServiceProvider();
        return await action(services);
    }
    /// <summary>Reads a password typed at a terminal without echoing it.</summary>
    private static string PromptPassword(TextWriter prompt)
    {
        prompt.Write("Password: ");
        var typed = new System.Text.StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }

        prompt.WriteLine();
        return typed.ToString();
    }
}
