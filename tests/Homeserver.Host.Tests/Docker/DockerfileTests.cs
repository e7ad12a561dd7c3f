using System.Text.RegularExpressions;

namespace Homeserver.Host.Tests.Docker;

/// <summary>docker/Dockerfile, read as text (no Docker engine here to build it).</summary>
public sealed partial class DockerfileTests
{
    private static readonly string[] Lines = File.ReadAllLines(DockerFiles.PathOf("docker/Dockerfile"));

    [Fact]
    public void Every_path_copied_from_the_build_context_exists()
    {
        var copies = Lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(copies);
        var ignored = File.ReadAllLines(DockerFiles.PathOf(".dockerignore"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.TrimStart('*', '/').TrimEnd('/')).ToList();
        foreach (var copy in copies)
        {
            var sources = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            Assert.All(sources, source =>
            {
                var path = DockerFiles.PathOf(source);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{copy}: '{source}' does not exist");
                Assert.DoesNotContain(ignored, pattern => source.TrimEnd('/').Split('/').Contains(pattern));
            });
        }
    }

    [Fact]
    public void Builds_with_the_sdk_and_runs_on_the_aspnet_image_of_the_same_major_version()
    {
        var images = Lines.Select(l => FromLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("mcr.microsoft.com/dotnet/sdk:10.0", images);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", images[^1]);
        Assert.All(images, image => Assert.Matches(@":\d+(\.\d+)?(-[a-z]+)*$", image));
    }

    [Fact]
    public void Runs_as_a_non_root_user_with_a_health_check_on_the_client_listener()
    {
        var runtime = Lines.SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal))
            .ToList();
        Assert.Contains("USER $APP_UID", runtime);
        var healthCheck = string.Join(' ', runtime.SkipWhile(l => !l.StartsWith("HEALTHCHECK", StringComparison.Ordinal))
            .Take(2));
        Assert.Contains("http://127.0.0.1:8008/health", healthCheck, StringComparison.Ordinal);
        Assert.Contains("\"http://0.0.0.0:8008\"", File.ReadAllText(DockerFiles.PathOf("docker/docker-entrypoint.sh")),
            StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"/usr/local/bin/docker-entrypoint.sh\"]", runtime);
    }

    [GeneratedRegex(@"^FROM\s+(\S+)")]
    private static partial Regex FromLine();
}
