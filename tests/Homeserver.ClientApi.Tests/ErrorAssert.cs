using System.Net;
using System.Text.Json;

namespace Homeserver.ClientApi.Tests;

public static class ErrorAssert
{
    /// <summary>Asserts the status and a standard error body with the given errcode; returns the body.</summary>
    public static async Task<JsonElement> IsMatrixErrorAsync(HttpResponseMessage response, HttpStatusCode status,
        string errcode)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(errcode, body.GetProperty("errcode").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error").GetString()));
        return body;
    }
}
