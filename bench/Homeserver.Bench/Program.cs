using System.CommandLine;
using Homeserver.Bench.Cli;

// homeserver-bench <scenario|all> --url http://127.0.0.1:8008 [...]; see bench/README.md.
var configuration = new InvocationConfiguration { Output = Console.Out, Error = Console.Error };
return await BenchCommandLine.Build(Console.Out, Console.Error).Parse(args).InvokeAsync(configuration);
