using System.Web;
using Homeserver.Services.Sso;

namespace Homeserver.Services.Tests.Sso;

/// <summary>The OpenID 2.0 checks of Sign in with Steam, as pure functions (SteamOpenId).</summary>
public sealed class SteamOpenIdTests
{
    private const string ReturnTo = "https://hs.example/_matrix/client/unstable/org.homeserver.sso/callback/steam?session=abc";
    private const string SteamId = "76561197960287930";
    private static readonly Uri OpenIdUrl = new("https://steamcommunity.com/openid/login");
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 22, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, string> Assertion() => new(StringComparer.Ordinal)
    {
        ["session"] = "abc",
        ["openid.ns"] = SteamOpenId.Namespace,
        ["openid.mode"] = "id_res",
        ["openid.op_endpoint"] = "https://steamcommunity.com/openid/login",
        ["openid.claimed_id"] = "https://steamcommunity.com/openid/id/" + SteamId,
        ["openid.identity"] = "https://steamcommunity.com/openid/id/" + SteamId,
        ["openid.return_to"] = ReturnTo,
        ["openid.response_nonce"] = "2026-12-05T21:59:30Zq1w2e3",
        ["openid.assoc_handle"] = "1234567890",
        ["openid.signed"] = "signed,op_endpoint,claimed_id,identity,return_to,response_nonce,assoc_handle",
        ["openid.sig"] = "c2lnbmF0dXJl",
    };

    private static AssertionCheck Check(Action<Dictionary<string, string>> change)
    {
        var fields = Assertion();
        change(fields);
        return SteamOpenId.Check(fields, ReturnTo, OpenIdUrl, Now);
    }

    [Fact]
    public void A_well_formed_assertion_for_this_session_names_the_steam_id_and_nonce()
    {
        var check = Assert.IsType<AssertionCheck.Plausible>(Check(_ => { }));

        Assert.Equal(SteamId, check.SteamId);
        Assert.Equal("2026-12-05T21:59:30Zq1w2e3", check.Nonce);
    }

    [Theory]
    [InlineData("openid.ns")]
    [InlineData("openid.mode")]
    [InlineData("openid.op_endpoint")]
    [InlineData("openid.claimed_id")]
    [InlineData("openid.return_to")]
    [InlineData("openid.response_nonce")]
    [InlineData("openid.assoc_handle")]
    [InlineData("openid.signed")]
    [InlineData("openid.sig")]
    public void A_missing_field_is_400(string field)
    {
        Assert.Equal(400, Assert.IsType<AssertionCheck.Refused>(Check(f => f.Remove(field))).Status);
    }

    [Theory]
    [InlineData("op_endpoint")]
    [InlineData("claimed_id")]
    [InlineData("identity")]
    [InlineData("return_to")]
    [InlineData("response_nonce")]
    [InlineData("assoc_handle")]
    public void A_field_left_out_of_the_signature_is_401(string field)
    {
        var refused = Assert.IsType<AssertionCheck.Refused>(Check(f =>
            f["openid.signed"] = string.Join(',', f["openid.signed"].Split(',').Where(n => n != field))));

        Assert.Equal(401, refused.Status);
    }

    [Fact]
    public void Another_sessions_return_to_is_401()
    {
        Assert.Equal(401, Assert.IsType<AssertionCheck.Refused>(Check(f =>
            f["openid.return_to"] = ReturnTo.Replace("session=abc", "session=xyz", StringComparison.Ordinal))).Status);
    }

    [Theory]
    [InlineData("https://evil.example/openid/login")]
    [InlineData("http://steamcommunity.com/openid/login")]
    [InlineData("https://steamcommunity.com/openid/login/")]
    public void Another_op_endpoint_is_401(string endpoint)
    {
        Assert.Equal(401, Assert.IsType<AssertionCheck.Refused>(Check(f => f["openid.op_endpoint"] = endpoint)).Status);
    }

    [Theory]
    [InlineData("http://steamcommunity.com/openid/id/76561197960287930")]
    [InlineData("https://evil.example/openid/id/76561197960287930")]
    [InlineData("https://steamcommunity.com/openid/id/7656119796028793")]
    [InlineData("https://steamcommunity.com/openid/id/765611979602879300")]
    [InlineData("https://steamcommunity.com/openid/id/76561197960287930/")]
    [InlineData("https://steamcommunity.com/openid/id/12345678901234567")]
    [InlineData("https://steamcommunity.com/openid/id/7656119796028793a")]
    public void A_claimed_id_not_of_steams_form_is_401(string claimedId)
    {
        var refused = Assert.IsType<AssertionCheck.Refused>(Check(f =>
        {
            f["openid.claimed_id"] = claimedId;
            f["openid.identity"] = claimedId;
        }));

        Assert.Equal(401, refused.Status);
    }

    [Fact]
    public void An_identity_other_than_the_claimed_id_is_401()
    {
        Assert.Equal(401, Assert.IsType<AssertionCheck.Refused>(Check(f =>
            f["openid.identity"] = "https://steamcommunity.com/openid/id/76561197960287931")).Status);
    }

    [Theory]
    [InlineData("2026-12-05T21:50:00Zold")]
    [InlineData("2026-12-05T22:10:00Zfuture")]
    public void A_nonce_outside_the_window_is_401(string nonce)
    {
        Assert.Equal(401, Assert.IsType<AssertionCheck.Refused>(Check(f => f["openid.response_nonce"] = nonce)).Status);
    }

    [Theory]
    [InlineData("not-a-time")]
    [InlineData("2026-12-05 21:59:30Zx")]
    [InlineData("2026-12-05T21:59:30Z with space")]
    public void A_malformed_nonce_is_400(string nonce)
    {
        Assert.Equal(400, Assert.IsType<AssertionCheck.Refused>(Check(f => f["openid.response_nonce"] = nonce)).Status);
    }

    [Fact]
    public void A_cancelled_sign_in_is_401_and_other_modes_400()
    {
        Assert.Equal(401, Assert.IsType<AssertionCheck.Refused>(Check(f => f["openid.mode"] = "cancel")).Status);
        Assert.Equal(400, Assert.IsType<AssertionCheck.Refused>(Check(f => f["openid.mode"] = "setup_needed")).Status);
        Assert.Equal(400, Assert.IsType<AssertionCheck.Refused>(Check(f => f["openid.ns"] = "http://openid.net/signon/1.1")).Status);
    }

    [Fact]
    public void An_oversized_answer_is_400()
    {
        Assert.Equal(400, Assert.IsType<AssertionCheck.Refused>(Check(f => f["openid.assoc_handle"] = new string('a', 5000))).Status);
    }

    [Fact]
    public void Check_authentication_sends_every_openid_field_with_the_mode_changed()
    {
        var form = SteamOpenId.CheckAuthenticationForm(Assertion()).ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal("check_authentication", form["openid.mode"]);
        Assert.False(form.ContainsKey("session"));
        var expected = Assertion().Where(f => f.Key.StartsWith("openid.", StringComparison.Ordinal) && f.Key != "openid.mode");
        Assert.All(expected, f => Assert.Equal(f.Value, form[f.Key]));
        Assert.Equal(Assertion().Count - 1, form.Count);
    }

    [Theory]
    [InlineData("ns:http://specs.openid.net/auth/2.0\nis_valid:true\n", true)]
    [InlineData("ns:http://specs.openid.net/auth/2.0\r\nis_valid:true\r\n", true)]
    [InlineData("ns:http://specs.openid.net/auth/2.0\nis_valid:false\n", false)]
    [InlineData("is_valid:TRUE\n", false)]
    [InlineData("is_valid:true\nis_valid:false\n", false)]
    [InlineData("<html>is_valid:true</html>", false)]
    [InlineData("", false)]
    public void Only_is_valid_true_confirms(string answer, bool valid)
    {
        Assert.Equal(valid, SteamOpenId.IsValidAnswer(answer));
    }

    [Fact]
    public void The_authentication_request_is_checkid_setup_with_identifier_select()
    {
        var url = SteamOpenId.AuthenticationUrl(OpenIdUrl, ReturnTo, "https://hs.example/");
        var query = HttpUtility.ParseQueryString(url.Query);

        Assert.Equal("https://steamcommunity.com/openid/login", url.GetLeftPart(UriPartial.Path));
        Assert.Equal(SteamOpenId.Namespace, query["openid.ns"]);
        Assert.Equal("checkid_setup", query["openid.mode"]);
        Assert.Equal(ReturnTo, query["openid.return_to"]);
        Assert.Equal("https://hs.example/", query["openid.realm"]);
        Assert.Equal(SteamOpenId.IdentifierSelect, query["openid.identity"]);
        Assert.Equal(SteamOpenId.IdentifierSelect, query["openid.claimed_id"]);
    }
}
