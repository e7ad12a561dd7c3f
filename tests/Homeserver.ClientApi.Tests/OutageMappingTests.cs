using System.Net;
using Homeserver.Services.Health;
using Homeserver.Storage.Postgres;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Homeserver.ClientApi.Tests;

/// <summary>A dependency out of reach is a 503 with Retry-After, not a 500; liveness fails only when a check says so.</summary>
public sealed class OutageMappingTests
{
    [Fact]
    public async Task A_database_outage_is_503_M_UNKNOWN_with_retry_after_and_a_bug_still_500()
    {
        await using var app = await TestApp.StartAsync(
            probes: a =>
            {
                a.MapGet("/_matrix/client/v3/probe/db-down", () =>
                {
                    throw new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111));
                });
                a.MapGet("/_matrix/client/v3/probe/db-shutdown", () =>
                {
                    throw new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01");
                });
                a.MapGet("/_matrix/client/v3/probe/db-bug", () =>
                {
                    throw new PostgresException("duplicate key", "ERROR", "ERROR", "23505");
                });
            },
            services: s => s.AddSingleton<IOutageClassifier>(new PostgresOutageClassifier()));

        foreach (var probe in new[] { "db-down", "db-shutdown" })
        {
            var response = await app.Client.GetAsync("/_matrix/client/v3/probe/" + probe);

            var body = await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.ServiceUnavailable, "M_UNKNOWN");
            Assert.Equal(["errcode", "error"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal(PostgresOutageClassifier.RetryAfter, response.Headers.RetryAfter?.Delta);
        }

        await ErrorAssert.IsMatrixErrorAsync(await app.Client.GetAsync("/_matrix/client/v3/probe/db-bug"),
            HttpStatusCode.InternalServerError, "M_UNKNOWN");
    }

    [Fact]
    public async Task Liveness_is_503_while_a_check_says_the_server_cannot_recover_and_ok_again_after()
    {
        var check = new SwitchableLiveness();
        await using var app = await TestApp.StartAsync(services: s => s.AddSingleton<ILivenessCheck>(check));
        Assert.Equal("OK", await app.Client.GetStringAsync("/health"));

        check.Failure = "the local Postgres cluster did not restart";
        var response = await app.Client.GetAsync("/health");

        var body = await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.ServiceUnavailable, "M_UNKNOWN");
        Assert.Contains("did not restart", body.GetProperty("error").GetString(), StringComparison.Ordinal);

        check.Failure = null;
        Assert.Equal("OK", await app.Client.GetStringAsync("/health"));
    }

    private sealed class SwitchableLiveness : ILivenessCheck
    {
        private volatile string? _failure;

        public string Name => "postgres";

        public string? Failure
        {
            get => _failure;
            set => _failure = value;
        }
    }
}
