using System.Net;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.Observability;

/// <summary>
/// <c>/metrics</c> on its own listener (<c>Listen:Metrics</c>), scraped and parsed as Prometheus text. Counters are
/// process-wide (other servers of this test run add to them), so they are compared before and after this test's
/// requests rather than to exact totals.
/// </summary>
public sealed class MetricsEndpointTests
{
    private const string RequestDuration = "http_server_request_duration_seconds";
    private const string RegisterRoute = "/_matrix/client/v3/register";
    private const string SendRoute = "/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}";

    [Fact]
    public async Task Scrape_names_types_and_moving_counters_after_register_and_send()
    {
        var port = FreePort.Next();
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Listen:Metrics"] = $"http://127.0.0.1:{port}",
        });
        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var before = await ScrapeAsync(scraper);

        var alice = await server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        await alice.SendTextAsync(roomId, "hello metrics");
        await alice.SendTextAsync(roomId, "and again");
        await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/sync"));
        var after = await ScrapeAsync(scraper);

        Assert.Equal("counter", after.Types["homeserver_events_persisted_total"]);
        Assert.Equal("gauge", after.Types["homeserver_sync_connections"]);
        Assert.Equal("histogram", after.Types[RequestDuration]);
        Assert.Equal("gauge", after.Types["homeserver_federation_queue_pdus"]);
        Assert.Equal("gauge", after.Types["homeserver_federation_queue_edus"]);
        Assert.Equal("gauge", after.Types["homeserver_federation_destinations_with_work"]);
        Assert.Equal("gauge", after.Types["homeserver_federation_destinations_backing_off"]);
        Assert.Contains(after.Types.Keys, name => name.StartsWith("db_client_connection", StringComparison.Ordinal));
        Assert.Equal("counter", after.Types["dotnet_gc_collections_total"]);
        Assert.Equal("gauge", after.Types["dotnet_process_memory_working_set_bytes"]);
        Assert.True(after.Help.ContainsKey("homeserver_events_persisted_total"));

        // createRoom's events and the two messages, all local.
        var persisted = after.Sum("homeserver_events_persisted_total", ("kind", "local")) -
                        before.Sum("homeserver_events_persisted_total", ("kind", "local"));
        Assert.True(persisted >= 7, $"events persisted moved by {persisted}");
        Assert.True(after.Sum(RequestDuration + "_count", ("http_route", RegisterRoute)) -
                    before.Sum(RequestDuration + "_count", ("http_route", RegisterRoute)) >= 1);
        Assert.True(after.Sum(RequestDuration + "_count", ("http_route", SendRoute), ("http_request_method", "PUT"),
            ("http_response_status_code", "200")) >= 2);
        Assert.Contains(after.Samples, s => s.Name == RequestDuration + "_bucket" &&
                                            s.Labels.GetValueOrDefault("http_route") == SendRoute);
        // Routes are templates: no user, room or event ID reaches a label.
        Assert.DoesNotContain(after.Samples, s => s.Labels.Values.Any(v =>
            v.Contains(alice.UserId, StringComparison.Ordinal) || v.Contains(roomId, StringComparison.Ordinal) ||
            v.Contains('!', StringComparison.Ordinal)));
        Assert.Equal(0, after.Sum("homeserver_federation_queue_pdus"));
    }

    [Fact]
    public async Task Request_metrics_are_this_servers_alone_and_outlive_another_server_of_the_process()
    {
        var port = FreePort.Next();
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Listen:Metrics"] = $"http://127.0.0.1:{port}",
        });
        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await using (var other = await LiveServer.StartAsync())
        {
            await MatrixAssert.OkAsync(await other.Anonymous.GetAsync("/_matrix/client/versions"));
            await MatrixAssert.OkAsync(await other.Anonymous.GetAsync("/_matrix/client/versions"));
        }

        await MatrixAssert.OkAsync(await server.Anonymous.GetAsync("/_matrix/client/versions"));
        var scrape = await ScrapeAsync(scraper);

        Assert.Equal(1, scrape.Sum(RequestDuration + "_count", ("http_route", "/_matrix/client/versions")));
    }

    [Fact]
    public async Task Sync_connections_count_a_long_poll_while_it_waits()
    {
        var port = FreePort.Next();
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Listen:Metrics"] = $"http://127.0.0.1:{port}",
        });
        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var alice = await server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var since = (await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/sync")))
            .GetProperty("next_batch").GetString();

        // A poll may come back at once with something that arrived after the first sync (its own presence): the next
        // one, from its token, waits.
        var poll = alice.Client.GetAsync($"/_matrix/client/v3/sync?since={since}&timeout=60000");
        await Eventually.HoldsAsync(async () =>
        {
            if (poll.IsCompleted)
            {
                since = (await MatrixAssert.OkAsync(await poll)).GetProperty("next_batch").GetString();
                poll = alice.Client.GetAsync($"/_matrix/client/v3/sync?since={since}&timeout=60000");
            }

            return (await ScrapeAsync(scraper)).Sum("homeserver_sync_connections") >= 1;
        }, "the long-poll is counted");
        await alice.SendTextAsync(roomId, "wake up");
        await MatrixAssert.OkAsync(await poll);
    }

    [Fact]
    public async Task Metrics_are_not_served_on_the_client_listener()
    {
        var port = FreePort.Next();
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Listen:Metrics"] = $"http://127.0.0.1:{port}",
        });
        using var scraper = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        await MatrixAssert.ErrorAsync(await server.Anonymous.GetAsync("/metrics"), HttpStatusCode.NotFound,
            "M_UNRECOGNIZED");
        await MatrixAssert.ErrorAsync(await scraper.GetAsync("/_matrix/client/versions"), HttpStatusCode.NotFound,
            "M_UNRECOGNIZED");
        using var metrics = await scraper.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.StartsWith("text/plain", metrics.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_settings_no_metrics_or_tracing_is_registered()
    {
        await using var server = await LiveServer.StartAsync();

        Assert.Single(server.Instance.Addresses);
        Assert.Null(server.Instance.App.Services.GetService(typeof(OpenTelemetry.Metrics.MeterProvider)));
        Assert.Null(server.Instance.App.Services.GetService(typeof(OpenTelemetry.Trace.TracerProvider)));
        await MatrixAssert.ErrorAsync(await server.Anonymous.GetAsync("/metrics"), HttpStatusCode.NotFound,
            "M_UNRECOGNIZED");
    }

    private static async Task<PrometheusText> ScrapeAsync(HttpClient scraper)
    {
        using var response = await scraper.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"scrape answered {(int)response.StatusCode}: {text}");
        return PrometheusText.Parse(text);
    }
}
