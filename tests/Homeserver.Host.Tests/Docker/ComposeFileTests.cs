using System.Text.RegularExpressions;
using Homeserver.Services.Configuration;
using YamlDotNet.RepresentationModel;

namespace Homeserver.Host.Tests.Docker;

/// <summary>docker/compose.yaml, read as YAML: what compose would run, checked against what the server reads.</summary>
public sealed partial class ComposeFileTests
{
    private static readonly YamlMappingNode Root = Load();
    private static readonly YamlMappingNode Services = (YamlMappingNode)Root["services"];

    [Fact]
    public void Runs_the_homeserver_postgres_and_redis()
    {
        Assert.Equal(["homeserver", "postgres", "redis"], Services.Children.Keys.Select(Scalar).Order());
    }

    [Fact]
    public void Images_are_pinned_to_major_versions_and_the_homeserver_is_built_from_the_dockerfile()
    {
        Assert.Equal("postgres:15", Scalar(Service("postgres")["image"]));
        Assert.Equal("redis:7", Scalar(Service("redis")["image"]));
        var build = (YamlMappingNode)Service("homeserver")["build"];
        var context = Path.GetFullPath(Scalar(build["context"]), DockerFiles.PathOf("docker"));
        Assert.Equal(DockerFiles.RepositoryRoot.TrimEnd('/'), context.TrimEnd('/'));
        Assert.True(File.Exists(Path.Combine(context, Scalar(build["dockerfile"]))));
    }

    [Fact]
    public void Data_lives_in_named_volumes()
    {
        var declared = ((YamlMappingNode)Root["volumes"]).Children.Keys.Select(Scalar).ToHashSet();
        Assert.Contains("homeserver-data:/data", Volumes("homeserver"));
        Assert.Contains("postgres-data:/var/lib/postgresql/data", Volumes("postgres"));
        Assert.All(Services.Children.Keys.Select(Scalar).SelectMany(Volumes),
            volume => Assert.Contains(volume.Split(':')[0], declared));
    }

    [Fact]
    public void Homeserver_waits_for_healthy_postgres_and_redis_and_each_service_has_a_health_check()
    {
        var dependsOn = (YamlMappingNode)Service("homeserver")["depends_on"];
        foreach (var dependency in new[] { "postgres", "redis" })
        {
            Assert.Equal("service_healthy", Scalar(((YamlMappingNode)dependsOn[dependency])["condition"]));
        }

        Assert.All(Services.Children.Keys.Select(Scalar), name =>
            Assert.True(Service(name).Children.ContainsKey("healthcheck"), $"{name} has no health check"));
    }

    [Fact]
    public void Homeserver_settings_in_the_environment_are_ones_the_server_knows()
    {
        var names = Environment("homeserver").Keys.Where(k => k.StartsWith("Homeserver__", StringComparison.Ordinal))
            .Concat(CommentedSettings()).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, name =>
        {
            var key = name["Homeserver__".Length..].Replace("__", ":", StringComparison.Ordinal);
            var listKey = ListItem().Replace(key, "");
            Assert.True(SettingsReader.Defaults.ContainsKey(key) || SettingsReader.ListKeys.Contains(listKey),
                $"{name} is not a setting the server reads");
        });
    }

    [Fact]
    public void Short_names_in_the_environment_are_ones_the_entrypoint_reads()
    {
        var script = File.ReadAllText(DockerFiles.PathOf("docker/docker-entrypoint.sh"));
        Assert.All(Environment("homeserver").Keys.Where(k => !k.StartsWith("Homeserver__", StringComparison.Ordinal)),
            name => Assert.Contains("${" + name, script, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_homeserver_environment_gives_valid_settings_through_the_entrypoint()
    {
        // ${NAME:?message} is compose's "required": stand in a value, as an .env file would.
        var environment = Environment("homeserver").ToDictionary(e => e.Key,
            e => Required().Replace(e.Value, match => match.Groups[1].Value.ToLowerInvariant().Replace('_', '-') + ".example"));

        var run = await DockerFiles.RunEntrypointAsync(environment);

        Assert.True(run.ServerStarted, run.Errors);
        var (settings, errors) = run.ReadSettings();
        Assert.Empty(errors);
        Assert.Equal("server-name.example", settings!.ServerName.Value);
        Assert.Contains("Host=\"postgres\"", settings.Database.ConnectionString, StringComparison.Ordinal);
        Assert.Equal("redis:6379", settings.Redis.Configuration);
        var postgres = Environment("postgres");
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(settings.Database.ConnectionString);
        Assert.Equal((postgres["POSTGRES_DB"], postgres["POSTGRES_USER"]), (connection.Database, connection.Username));
    }

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(DockerFiles.PathOf("docker/compose.yaml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services[name];

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value!;

    private static IEnumerable<string> Volumes(string service) =>
        Service(service).Children.TryGetValue("volumes", out var volumes)
            ? ((YamlSequenceNode)volumes).Select(Scalar)
            : [];

    private static Dictionary<string, string> Environment(string service) =>
        ((YamlMappingNode)Service(service)["environment"]).Children
        .ToDictionary(e => Scalar(e.Key), e => Scalar(e.Value), StringComparer.Ordinal);

    // The settings the file suggests in comments must be real ones too.
    private static IEnumerable<string> CommentedSettings() =>
        CommentedSetting().Matches(File.ReadAllText(DockerFiles.PathOf("docker/compose.yaml"))).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"\$\{(\w+):\?[^}]*\}")]
    private static partial Regex Required();

    [GeneratedRegex(@"#\s*(Homeserver__\w+):")]
    private static partial Regex CommentedSetting();

    [GeneratedRegex(@":\d+$")]
    private static partial Regex ListItem();
}
