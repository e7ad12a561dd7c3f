using Homeserver.Services.OAuth;

namespace Homeserver.Services.Tests.OAuth;

public sealed class PkceTests
{
    // RFC 7636 appendix B.
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    [Fact]
    public void The_rfc_7636_example_verifier_matches_its_challenge() => Assert.True(Pkce.Verify(Verifier, Challenge));

    [Theory]
    [InlineData("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx")]
    [InlineData("short")]
    [InlineData(null)]
    [InlineData("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk!")]
    public void Another_verifier_does_not(string? verifier) => Assert.False(Pkce.Verify(verifier, Challenge));
}
