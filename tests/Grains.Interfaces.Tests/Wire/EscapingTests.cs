using Moltnet.Wire;

namespace Moltnet.Grains.Interfaces.Tests.Wire;

public sealed class EscapingTests
{
    [Fact]
    public void Non_ascii_text_and_quotes_are_written_like_go_does()
    {
        var part = new Part { Kind = "text", Text = "héllo 世界 \"quoted\"" };
        Assert.Equal("""{"kind":"text","text":"héllo 世界 \"quoted\""}""", MoltnetJson.Serialize(part));
        // Characters outside the BMP are escaped as surrogate pairs (System.Text.Json always does); they read back intact.
        var emoji = new Part { Kind = "text", Text = "🙂" };
        Assert.Equal("🙂", MoltnetJson.Deserialize<Part>(MoltnetJson.Serialize(emoji))!.Text);
    }
}
