using System.CommandLine;
using Homeserver.Core.Errors;
using Homeserver.Services.Admin.Export;

namespace Homeserver.Host.Cli;

/// <summary><c>export-user</c>: one local user's data as JSON (the admin API's <c>export_data</c>, from the command
/// line, on the settings and database <c>serve</c> uses), to a file or standard output.</summary>
public static class ExportCommands
{
    public static Command ExportUser(Option<FileInfo?> config, TextWriter output, TextWriter errors)
    {
        var userId = new Argument<string>("user-id") { Description = "The local user, e.g. @alice:example.org" };
        var outputFile = new Option<FileInfo?>("--output", "-o")
        {
            Description = "Write the JSON to this file (refuses to overwrite); without it, to standard output",
        };
        var command = new Command("export-user", "Export one local user's data as JSON") { userId, outputFile };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, ct) => CommandLine.RunAsync(result, config, errors, settings =>
            AccountCommands.WithServicesAsync(settings, async services =>
            {
                var export = services.GetRequiredService<UserDataExport>();
                try
                {
                    var target = await export.RequireLocalUserAsync(result.GetValue(userId)!, ct);
                    if (result.GetValue(outputFile) is { } file)
                    {
                        await using var stream = new FileStream(file.FullName, FileMode.CreateNew, FileAccess.Write,
                            FileShare.None, 64 * 1024, useAsync: true);
                        await export.WriteAsync(target, stream, ct);
                        await output.WriteLineAsync($"Wrote {file.FullName}");
                    }
                    else
                    {
                        await output.FlushAsync(ct);
                        await using var stdout = Console.OpenStandardOutput();
                        await export.WriteAsync(target, stdout, ct);
                    }

                    return CommandLine.ExitOk;
                }
                catch (MatrixException e)
                {
                    await errors.WriteLineAsync($"homeserver: {e.Code}: {e.Message}");
                    return CommandLine.ExitFailure;
                }
            }, ct, logsToStandardError: result.GetValue(outputFile) is null)));
        return command;
    }
}
