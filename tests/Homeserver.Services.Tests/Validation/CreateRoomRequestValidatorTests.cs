using Homeserver.Core.Identifiers;
using Homeserver.Services.Rooms;
using Homeserver.Services.Validation;

namespace Homeserver.Services.Tests.Validation;

public sealed class CreateRoomRequestValidatorTests
{
    private static readonly CreateRoomRequestValidator Validator = new();

    private static CreateRoomRequest Request(string? visibility = null, string? aliasName = null, string? preset = null,
        params string[] invite) =>
        new(visibility, aliasName, "Name", "Topic", invite, null, null, [], preset, false, null);

    [Fact]
    public void A_body_with_every_checked_field_valid_passes()
    {
        ValidationAssert.Passes(Validator, Request("public", "lobby", "public_chat", "@bob:example.org", "@carol:other.org"));
        ValidationAssert.Passes(Validator, Request());
        ValidationAssert.Passes(Validator, Request("private", preset: "trusted_private_chat"));
    }

    [Fact]
    public void A_visibility_other_than_public_or_private_is_M_BAD_JSON()
    {
        ValidationAssert.Fails(Validator, Request("secret"), "M_BAD_JSON", "'visibility' must be public or private");
    }

    [Fact]
    public void An_unknown_preset_is_M_BAD_JSON_naming_it()
    {
        ValidationAssert.Fails(Validator, Request(preset: "party"), "M_BAD_JSON", "Unknown preset 'party'");
    }

    [Theory]
    [InlineData("")]
    [InlineData("a:b")]
    [InlineData("a b")]
    [InlineData("tab\there")]
    [InlineData("nul\0")]
    public void A_room_alias_name_that_is_not_a_localpart_is_M_INVALID_PARAM(string aliasName)
    {
        ValidationAssert.Fails(Validator, Request(aliasName: aliasName), "M_INVALID_PARAM",
            "'room_alias_name' must be an alias localpart (no ':' or whitespace)");
    }

    [Theory]
    [InlineData("bob")]
    [InlineData("@bob")]
    [InlineData("#bob:example.org")]
    public void An_invite_that_is_not_a_user_id_is_M_INVALID_PARAM_with_the_reason(string invitee)
    {
        Assert.False(UserId.TryParse(invitee, out _, out var reason));
        ValidationAssert.Fails(Validator, Request(invite: ["@bob:example.org", invitee]), "M_INVALID_PARAM",
            $"Invalid user ID in invite: {reason}");
    }

    [Fact]
    public void The_visibility_is_checked_before_the_preset_alias_and_invites()
    {
        ValidationAssert.Fails(Validator, Request("secret", "a:b", "party", "bob"), "M_BAD_JSON",
            "'visibility' must be public or private");
        ValidationAssert.Fails(Validator, Request(null, "a:b", "party", "bob"), "M_BAD_JSON", "Unknown preset 'party'");
    }
}
