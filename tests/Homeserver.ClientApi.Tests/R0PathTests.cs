using System.Net;
using Homeserver.ClientApi.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Homeserver.ClientApi.Tests;

public sealed class R0PathTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(probes: app =>
    {
        app.MapGet("/_matrix/client/v3/probe/old/{id}", (string id) => Results.Json(new { id })).ExistedInR0();
        app.MapGet("/_matrix/client/v3/probe/new", () => Results.Json(new { })); // added after r0
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_endpoint_that_existed_in_r0_answers_under_r0_and_v3()
    {
        var v3 = await _app.Client.GetStringAsync("/_matrix/client/v3/probe/old/abc");
        var r0 = await _app.Client.GetStringAsync("/_matrix/client/r0/probe/old/abc");

        Assert.Equal("{\"id\":\"abc\"}", v3);
        Assert.Equal(v3, r0);
    }

    [Fact]
    public async Task An_endpoint_added_after_r0_is_unknown_under_r0()
    {
        Assert.Equal(HttpStatusCode.OK, (await _app.Client.GetAsync("/_matrix/client/v3/probe/new")).StatusCode);

        var response = await _app.Client.GetAsync("/_matrix/client/r0/probe/new");

        await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.NotFound, "M_UNRECOGNIZED");
    }
}
