using System.Text.Json;
using Homeserver.Services.Push;
using Homeserver.Services.Validation;

namespace Homeserver.Services.Tests.Validation;

public sealed class PusherSetRequestValidatorTests
{
    private const string NotifyUrl = "https://push.example.org/_matrix/push/v1/notify";
    private static readonly PusherSetRequestValidator Validator = new();

    private static PusherSetRequest Http(string url = NotifyUrl, string? format = null) =>
        new(true, "http", "org.example.app", "key", false, "App", "Phone", "en", null,
            JsonDocument.Parse($$"""{"url": "{{url}}"}""").RootElement, url, format);

    private static PusherSetRequest Deletion => new(true, null, "org.example.app", "key", false, null, null, null, null,
        null, null, null);

    [Fact]
    public void A_complete_http_pusher_and_a_deletion_pass()
    {
        ValidationAssert.Passes(Validator, Http());
        ValidationAssert.Passes(Validator, Http("http://127.0.0.1:8080/_matrix/push/v1/notify", "event_id_only"));
        ValidationAssert.Passes(Validator, Deletion);
    }

    [Fact]
    public void Kind_app_id_and_pushkey_are_required_even_to_delete()
    {
        ValidationAssert.Fails(Validator, Deletion with { HasKind = false }, "M_MISSING_PARAM", "Missing 'kind'");
        ValidationAssert.Fails(Validator, Deletion with { AppId = null }, "M_MISSING_PARAM", "Missing 'app_id'");
        ValidationAssert.Fails(Validator, Deletion with { PushKey = null }, "M_MISSING_PARAM", "Missing 'pushkey'");
    }

    [Fact]
    public void An_app_id_over_64_characters_is_M_INVALID_PARAM()
    {
        ValidationAssert.Passes(Validator, Deletion with { AppId = new string('a', 64) });
        ValidationAssert.Fails(Validator, Deletion with { AppId = new string('a', 65) }, "M_INVALID_PARAM",
            "'app_id' is longer than 64 characters");
    }

    [Fact]
    public void A_pushkey_over_512_utf8_bytes_is_M_INVALID_PARAM()
    {
        ValidationAssert.Passes(Validator, Deletion with { PushKey = new string('k', 512) });
        ValidationAssert.Fails(Validator, Deletion with { PushKey = new string('€', 171) }, "M_INVALID_PARAM",
            "'pushkey' is longer than 512 bytes");
    }

    [Fact]
    public void An_email_pusher_is_M_THREEPID_NOT_FOUND_and_other_kinds_M_INVALID_PARAM()
    {
        ValidationAssert.Fails(Validator, Http() with { Kind = "email" }, "M_THREEPID_NOT_FOUND",
            "No e-mail address is bound to this account");
        ValidationAssert.Fails(Validator, Http() with { Kind = "carrier-pigeon" }, "M_INVALID_PARAM",
            "Unsupported pusher kind 'carrier-pigeon'");
    }

    [Fact]
    public void An_http_pusher_needs_its_display_names_lang_data_and_url()
    {
        ValidationAssert.Fails(Validator, Http() with { AppDisplayName = null }, "M_MISSING_PARAM", "Missing 'app_display_name'");
        ValidationAssert.Fails(Validator, Http() with { DeviceDisplayName = null }, "M_MISSING_PARAM",
            "Missing 'device_display_name'");
        ValidationAssert.Fails(Validator, Http() with { Lang = null }, "M_MISSING_PARAM", "Missing 'lang'");
        ValidationAssert.Fails(Validator, Http() with { Data = null, DataUrl = null }, "M_MISSING_PARAM", "Missing 'data'");
        ValidationAssert.Fails(Validator, Http() with { DataUrl = null }, "M_MISSING_PARAM", "HTTP pushers need 'data.url'");
    }

    [Theory]
    [InlineData("https://push.example.org/notify")]
    [InlineData("ftp://push.example.org/_matrix/push/v1/notify")]
    [InlineData("not a url")]
    [InlineData("https://user:pass@push.example.org/_matrix/push/v1/notify")]
    [InlineData("https://push.example.org/_matrix/push/v1/notify#fragment")]
    public void A_url_that_is_not_an_http_notify_endpoint_is_M_INVALID_PARAM(string url)
    {
        ValidationAssert.Fails(Validator, Http(url), "M_INVALID_PARAM",
            "'data.url' must be an http(s) URL whose path is /_matrix/push/v1/notify");
    }

    [Fact]
    public void A_format_other_than_event_id_only_is_M_INVALID_PARAM()
    {
        ValidationAssert.Fails(Validator, Http(format: "full"), "M_INVALID_PARAM",
            "'data.format' must be \"event_id_only\" when given");
    }
}
