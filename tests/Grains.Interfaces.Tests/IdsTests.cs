using System.Text.RegularExpressions;

namespace Moltnet.Grains.Interfaces.Tests;

/// <summary>Spec §1 identifier grammar, member forms, actor-match and generated ids.</summary>
public sealed partial class IdsTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("0")]
    [InlineData("alpha")]
    [InlineData("msg_1")]
    [InlineData("a.b-c_d:e")]
    [InlineData("net_b:gamma")]
    [InlineData("a:")]
    [InlineData("a::b")]
    [InlineData("Z9.")]
    public void Valid_ids(string id) => Assert.True(Ids.IsValid(id));

    [Theory]
    [InlineData("")]
    [InlineData(".a")]
    [InlineData("-a")]
    [InlineData("_a")]
    [InlineData(":a")]
    [InlineData(" a")]
    [InlineData("a ")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a@b")]
    [InlineData("é")]
    [InlineData("a\n")]
    [InlineData("a\nb")]
    [InlineData("molt://n/agents/a")]
    public void Invalid_ids(string id) => Assert.False(Ids.IsValid(id));

    [Fact]
    public void Null_is_invalid() => Assert.False(Ids.IsValid(null));

    [Fact]
    public void Length_limit_is_128()
    {
        Assert.True(Ids.IsValid(new string('a', 128)));
        Assert.True(Ids.IsValid("a" + new string(':', 127)));
        Assert.False(Ids.IsValid(new string('a', 129)));
    }

    [Theory]
    [InlineData("alpha")]
    [InlineData("net_b:gamma")]
    [InlineData("net.b:g-1")]
    [InlineData("a:b:c")]
    [InlineData("molt://net_b/agents/gamma")]
    [InlineData("molt://any thing/agents/gamma")]
    public void Valid_members(string member) => Assert.True(Ids.IsValidMember(member));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(":gamma")]
    [InlineData("net_b:")]
    [InlineData("net_b:.gamma")]
    [InlineData(".net:gamma")]
    [InlineData("molt:///agents/gamma")]
    [InlineData("molt://net_b/agents/")]
    [InlineData("molt://net_b/agents/.x")]
    [InlineData("molt://net_b/agents/a/b")]
    [InlineData("molt://net_b/rooms/general")]
    [InlineData("-alpha")]
    public void Invalid_members(string? member) => Assert.False(Ids.IsValidMember(member));

    [Theory]
    [InlineData("alpha", "local", "alpha")]
    [InlineData("net_b:gamma", "net_b", "gamma")]
    [InlineData("a:b:c", "a", "b:c")]
    [InlineData("molt://net_b/agents/gamma", "net_b", "gamma")]
    public void Split_member(string member, string network, string agent) =>
        Assert.Equal((network, agent), Ids.SplitMember(member, "local"));

    [Theory]
    [InlineData("alpha", false)]
    [InlineData("net_b:gamma", true)]
    [InlineData("molt://net_b/agents/gamma", true)]
    public void Qualified_members(string member, bool qualified) => Assert.Equal(qualified, Ids.IsQualified(member));

    [Theory]
    [InlineData("alpha", true)]
    [InlineData("local:alpha", true)]
    [InlineData("molt://local/agents/alpha", true)]
    [InlineData("other:alpha", false)]
    [InlineData("molt://other/agents/alpha", false)]
    [InlineData("molt://local/rooms/alpha", false)]
    [InlineData("Alpha", false)]
    [InlineData("alpha2", false)]
    [InlineData("", false)]
    [InlineData("localxalpha", false)]
    [InlineData("local:alphx", false)]
    [InlineData("molt://local/agentsxalpha", false)]
    [InlineData("molt:/xlocal/agents/alpha", false)]
    [InlineData("molt://locax/agents/alpha", false)]
    public void Actor_matches(string candidate, bool matches) =>
        Assert.Equal(matches, Ids.ActorMatches(candidate, "local", "alpha"));

    [Fact]
    public void Fqids()
    {
        Assert.Equal("molt://local/rooms/general", Ids.Fqid("local", "rooms", "general"));
        Assert.Equal("molt://net_b/agents/gamma", Ids.Fqid("net_b", "agents", "gamma"));
    }

    [Fact]
    public void Message_event_id_is_deterministic_uuid_v4_shaped()
    {
        // First 16 bytes of SHA-256("msg_1") = 116b88f1 7300 7be5 e05d f2a87105f095; version nibble 4, variant 10.
        Assert.Equal("evt_116b88f1-7300-4be5-a05d-f2a87105f095", Ids.MessageEventId("msg_1"));
        Assert.Equal(Ids.MessageEventId("msg_1"), Ids.MessageEventId("msg_1"));
        Assert.NotEqual(Ids.MessageEventId("msg_1"), Ids.MessageEventId("msg_2"));
        foreach (var id in new[] { "a", "msg_2", new string('z', 128), "é" })
            Assert.Matches(Uuid4("evt_"), Ids.MessageEventId(id));
    }

    [Fact]
    public void Gap_event_id_is_hex_sha256_of_the_cursor()
    {
        Assert.Equal("evt_gap_27251739c8d5bceee147fd54a3ca7ade7d281c44659ee031e717c4453d7734ad", Ids.GapEventId("evt_old"));
        Assert.Matches("^evt_gap_[0-9a-f]{64}$", Ids.GapEventId(""));
        Assert.True(Ids.IsValid(Ids.GapEventId("x")));
    }

    [Fact]
    public void Sha256_hex()
    {
        Assert.Equal("116b88f173007be5e05df2a87105f0950bef284d0ceca39951e9bae80706ac45", Ids.Sha256Hex("msg_1"));
    }

    [Fact]
    public void Random_ids_are_prefixed_lowercase_uuid_v4()
    {
        Assert.Matches(Uuid4("msg_"), Ids.NewMessageId());
        Assert.Matches(Uuid4("evt_"), Ids.NewEventId());
        Assert.Matches(Uuid4("actor_"), Ids.NewActorUid());
        Assert.NotEqual(Ids.NewMessageId(), Ids.NewMessageId());
        Assert.True(Ids.IsValid(Ids.NewMessageId()));
    }

    [Fact]
    public void Agent_token_is_unpadded_base64url_of_32_bytes()
    {
        var tokens = Enumerable.Range(0, 64).Select(_ => Ids.NewAgentToken()).ToList();
        foreach (var token in tokens)
        {
            Assert.Matches(TokenPattern(), token);
            var body = token["magt_v1_".Length..].Replace('-', '+').Replace('_', '/') + "=";
            Assert.Equal(32, Convert.FromBase64String(body).Length);
        }
        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
    }

    private static string Uuid4(string prefix) =>
        "^" + Regex.Escape(prefix) + "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$";

    [GeneratedRegex(@"^magt_v1_[A-Za-z0-9_-]{43}\z")]
    private static partial Regex TokenPattern();
}
