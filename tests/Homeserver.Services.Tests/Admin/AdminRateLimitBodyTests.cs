using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Services.Admin;

namespace Homeserver.Services.Tests.Admin;

/// <summary>The body of <c>POST .../override_ratelimit</c>, checked with Synapse's messages.</summary>
public sealed class AdminRateLimitBodyTests
{
    [Fact]
    public void Absent_fields_are_zero()
    {
        Assert.Equal(new RateLimitOverride(0, 0), AdminRateLimitService.Parse(Json("{}")));
        Assert.Equal(new RateLimitOverride(5, 0), AdminRateLimitService.Parse(Json("""{"messages_per_second": 5}""")));
    }

    [Theory]
    [InlineData("""{"messages_per_second": -1}""", "-1 parameter must be a positive int")]
    [InlineData("""{"messages_per_second": 1.5}""", "1.5 parameter must be a positive int")]
    [InlineData("""{"messages_per_second": 2.0}""", "2.0 parameter must be a positive int")]
    [InlineData("""{"burst_count": "10"}""", "'10' parameter must be a positive int")]
    [InlineData("""{"burst_count": true}""", "True parameter must be a positive int")]
    [InlineData("""{"burst_count": null}""", "None parameter must be a positive int")]
    [InlineData("""{"burst_count": [1, "a"]}""", "[1, 'a'] parameter must be a positive int")]
    [InlineData("""{"messages_per_second": 1, "burst_count": {"n": 1}}""", "{'n': 1} parameter must be a positive int")]
    public void Values_that_are_not_whole_numbers_of_at_least_zero_are_400_invalid_param(string body, string message)
    {
        var error = Assert.Throws<MatrixException>(() => AdminRateLimitService.Parse(Json(body)));

        Assert.Equal(ErrorCode.InvalidParam, error.Code);
        Assert.Equal(400, error.HttpStatus);
        Assert.Equal(message, error.Message);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
