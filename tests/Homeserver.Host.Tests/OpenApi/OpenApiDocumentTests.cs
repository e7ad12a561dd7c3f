using System.Net;
using System.Text.RegularExpressions;
using Homeserver.Host.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Homeserver.Host.Tests.OpenApi;

/// <summary>/openapi/v1.json: an OpenAPI 3 document of every route the running server has.</summary>
public sealed partial class OpenApiDocumentTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Document_is_public_and_parses_as_openapi_3()
    {
        var (document, diagnostic) = await LoadAsync();

        Assert.Empty(diagnostic.Errors);
        Assert.True(diagnostic.SpecificationVersion is OpenApiSpecVersion.OpenApi3_0 or OpenApiSpecVersion.OpenApi3_1,
            $"version {diagnostic.SpecificationVersion}");
        Assert.Empty(document.Validate(Microsoft.OpenApi.ValidationRuleSet.GetDefaultRuleSet()) ?? []);
        Assert.NotEmpty(document.Paths);
    }

    [Fact]
    public async Task Every_route_served_is_in_the_document()
    {
        var (document, _) = await LoadAsync();
        var documented = document.Paths.SelectMany(path => (path.Value.Operations ?? []).Keys
            .Select(method => (Method: method.Method, Path: Normalise(path.Key)))).ToHashSet();

        var served = Server.Instance.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => Methods(endpoint).Select(method => (Method: method, Path: Normalise(endpoint.RoutePattern.RawText!))))
            .Distinct().ToList();

        Assert.True(served.Count > 200, $"only {served.Count} routes found");
        var missing = served.Where(route => route.Method is null
            ? !documented.Any(d => d.Path == route.Path)
            : !documented.Contains((route.Method, route.Path))).Select(r => $"{r.Method ?? "any"} {r.Path}").Order().ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {served.Count} routes missing:\n" + string.Join("\n", missing));
    }

    private async Task<(OpenApiDocument Document, OpenApiDiagnostic Diagnostic)> LoadAsync()
    {
        using var response = await Server.Anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = OpenApiDocument.Parse(await response.Content.ReadAsStringAsync(), "json");
        return (result.Document!, result.Diagnostic!);
    }

    /// <summary>The methods an endpoint answers; null for one that answers every method.</summary>
    private static IEnumerable<string?> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods
            ? methods.Select(method => (string?)method)
            : [null];

    /// <summary>
    /// A path template as OpenAPI writes it: {**path}, {name:constraint}, {name?} and {name=default} are all {name}, and
    /// a trailing slash makes no difference to routing.
    /// </summary>
    private static string Normalise(string template) =>
        "/" + Parameter().Replace(template, match => "{" + match.Groups[1].Value + "}").Trim('/');

    [GeneratedRegex(@"\{\**([A-Za-z_][A-Za-z0-9_]*)[^}]*\}")]
    private static partial Regex Parameter();
}
