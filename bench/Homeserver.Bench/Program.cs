using System.CommandLine;
using Homeserver.Bench.Cli;

// homeserver-bench <scenario|all> --url http://127.0.0.1:8008 [...], or homeserver-bench fuzz --url ...;
// see bench/README.md.
var configuration = new InvocationConfiguration { Output = Console.Out, Error = Console.Error };
var command = args is ["fuzz", ..]
    ? FuzzCommand.Build(Console.Out, Console.Error).Parse(args[1..])
    : BenchCommandLine.Build(Console.Out, Console.Error).Parse(args);
return await command.InvokeAsync(configuration);
