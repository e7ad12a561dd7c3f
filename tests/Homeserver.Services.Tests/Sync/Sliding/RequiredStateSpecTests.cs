using System.Text.Json;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Sync.Sliding;

namespace Homeserver.Services.Tests.Sync.Sliding;

public sealed class RequiredStateSpecTests
{
    private const string Me = "@me:x";

    private static readonly Dictionary<TypeAndStateKey, string> State = new()
    {
        [new("m.room.create", "")] = "$create",
        [new("m.room.name", "")] = "$name",
        [new("m.room.member", Me)] = "$me",
        [new("m.room.member", "@other:x")] = "$other",
        [new("m.space.child", "!a:x")] = "$child",
    };

    private static RequiredStateSpec Parse(string json) => RequiredStateSpec.Parse(JsonDocument.Parse(json).RootElement);

    private static List<string> Selected(RequiredStateSpec spec) =>
        spec.Select(State, Me).Select(p => p.Value).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void Pairs_select_exact_entries_and_me_stands_for_the_syncing_user() =>
        Assert.Equal(["$me", "$name"], Selected(Parse("""[["m.room.name", ""], ["m.room.member", "$ME"], ["m.room.topic", ""]]""")));

    [Fact]
    public void A_wildcard_state_key_selects_every_entry_of_the_type() =>
        Assert.Equal(["$me", "$other"], Selected(Parse("""[["m.room.member", "*"]]""")));

    [Fact]
    public void A_wildcard_type_and_key_select_all_state() =>
        Assert.Equal(State.Values.Order(StringComparer.Ordinal), Selected(Parse("""[["*", "*"]]""")));

    [Fact]
    public void Lazy_members_is_a_flag_not_a_state_key()
    {
        var spec = Parse("""[["m.room.member", "$LAZY"]]""");
        Assert.True(spec.LazyMembers);
        Assert.Empty(Selected(spec));
    }

    [Fact]
    public void The_object_shape_includes_then_excludes() =>
        Assert.Equal(["$child", "$me", "$name", "$other"],
            Selected(Parse("""{"include": [{}], "exclude": [{"type": "m.room.create", "state_key": ""}]}""")));

    [Fact]
    public void A_union_asks_for_what_either_config_asks_for()
    {
        var union = Parse("""[["m.room.name", ""]]""").Union(Parse("""[["m.room.member", "$LAZY"], ["m.room.create", ""]]"""));
        Assert.True(union.LazyMembers);
        Assert.Equal(["$create", "$name"], Selected(union));
    }

    [Fact]
    public void An_exclusion_made_by_only_one_config_does_not_survive_the_union()
    {
        var union = Parse("""{"include": [{}], "exclude": [{"type": "m.room.create"}]}""")
            .Union(Parse("""[["m.room.create", ""]]"""));
        Assert.Contains("$create", Selected(union));
    }

    [Fact]
    public void The_fingerprint_changes_with_the_config_but_not_with_its_order()
    {
        var a = Parse("""[["m.room.name", ""], ["m.room.topic", ""]]""");
        var b = Parse("""[["m.room.topic", ""], ["m.room.name", ""]]""");
        Assert.Equal(a.Fingerprint(), b.Fingerprint());
        Assert.NotEqual(a.Fingerprint(), Parse("""[["m.room.name", ""]]""").Fingerprint());
        Assert.NotEqual(a.Fingerprint(), a.Union(Parse("""[["m.room.member", "$LAZY"]]""")).Fingerprint());
    }

    [Theory]
    [InlineData("""[["m.room.name"]]""")]
    [InlineData("""[[1, 2]]""")]
    [InlineData("""{"include": 5}""")]
    [InlineData("5")]
    public void Malformed_required_state_is_bad_json(string json) =>
        Assert.Equal(ErrorCode.BadJson, Assert.Throws<MatrixException>(() => Parse(json)).Code);
}
