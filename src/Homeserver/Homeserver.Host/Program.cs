using System.CommandLine;
using Homeserver.Host.Cli;

// The process's own signal handling belongs to the web host (graceful shutdown on SIGTERM/SIGINT).
var configuration = new InvocationConfiguration
{
    ProcessTerminationTimeout = null,
    Output = Console.Out,
    Error = Console.Error,
};
// No response files: "@" starts user IDs (export-user @alice:example.org).
return await CommandLine.Build(Console.Out, Console.Error)
    .Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null }).InvokeAsync(configuration);
