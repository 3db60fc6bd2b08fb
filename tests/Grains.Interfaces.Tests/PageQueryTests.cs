using Moltnet.Wire;

namespace Moltnet.Grains.Interfaces.Tests;

/// <summary>Spec §2.2: limit parsing, cursor validation and the "Collections" window.</summary>
public sealed class PageQueryTests
{
    private static readonly string[] Items = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];

    [Theory]
    [InlineData(null, 100)]
    [InlineData("", 100)]
    [InlineData("abc", 100)]
    [InlineData("1.5", 100)]
    [InlineData("0x10", 100)]
    [InlineData("0", 100)]
    [InlineData("-1", 100)]
    [InlineData("-600", 100)]
    [InlineData(" 7", 100)]
    [InlineData("99999999999999999999", 100)]
    [InlineData("1", 1)]
    [InlineData("+7", 7)]
    [InlineData("007", 7)]
    [InlineData("100", 100)]
    [InlineData("499", 499)]
    [InlineData("500", 500)]
    [InlineData("501", 500)]
    [InlineData("99999999999", 500)]
    public void Limit_is_clamped_never_an_error(string? limit, int expected) =>
        Assert.Equal(expected, PageQuery.Parse(limit, null, null).Limit);

    [Fact]
    public void Defaults()
    {
        Assert.Equal(new PageQuery(100), PageQuery.Parse(null, null, null));
        Assert.Equal(100, PageQuery.Default.Limit);
        Assert.Equal(new PageQuery(100), PageQuery.Parse(null, "", ""));
    }

    [Fact]
    public void One_cursor_is_kept()
    {
        Assert.Equal(new PageQuery(5, Before: "msg_1"), PageQuery.Parse("5", "msg_1", null));
        Assert.Equal(new PageQuery(100, After: "net:x"), PageQuery.Parse(null, null, "net:x"));
    }

    [Fact]
    public void Both_cursors_are_422()
    {
        var e = Assert.Throws<MoltnetException>(() => PageQuery.Parse(null, "a", "b"));
        Assert.Equal(422, e.Status);
        Assert.Equal("unprocessable_entity", e.Code);
    }

    [Theory]
    [InlineData("-bad", null)]
    [InlineData(null, ".bad")]
    [InlineData("a b", null)]
    [InlineData(null, "a/b")]
    [InlineData("   ", null)]
    public void Malformed_cursor_is_422(string? before, string? after)
    {
        var e = Assert.Throws<MoltnetException>(() => PageQuery.Parse(null, before, after));
        Assert.Equal(422, e.Status);
    }

    [Fact]
    public void Overlong_cursor_is_422()
    {
        Assert.Equal(422, Assert.Throws<MoltnetException>(() => PageQuery.Parse(null, new string('a', 129), null)).Status);
        Assert.Equal(new string('a', 128), PageQuery.Parse(null, new string('a', 128), null).Before);
    }

    [Fact]
    public void Unknown_cursor_is_422_invalid_cursor()
    {
        var e = Assert.Throws<MoltnetException>(() => new PageQuery(3, After: "zz").Apply(Items, x => x));
        Assert.Equal(422, e.Status);
        Assert.Equal("invalid cursor \"zz\"", e.Message);
        Assert.Equal(422, Assert.Throws<MoltnetException>(() => new PageQuery(3, Before: "a").Apply(Array.Empty<string>(), x => x)).Status);
    }

    [Fact]
    public void Empty_collection_is_an_empty_page()
    {
        var (items, page) = PageQuery.Default.Apply(Array.Empty<string>(), x => x);
        Assert.Empty(items);
        Assert.Equal(new PageInfo(false), page);
    }

    [Fact]
    public void Everything_fits()
    {
        var (items, page) = new PageQuery(10).Apply(Items, x => x);
        Assert.Equal(Items, items);
        Assert.Equal(new PageInfo(false), page);
    }

    [Theory]
    //         limit before after  expected    has_more next_before next_after
    [InlineData(3, null, null, "a,b,c", true, null, "c")]
    [InlineData(3, null, "c", "d,e,f", true, "d", "f")]
    [InlineData(3, null, "h", "i,j", true, "i", null)]
    [InlineData(3, null, "j", "", true, null, null)]
    [InlineData(3, "h", null, "e,f,g", true, "e", "g")]
    [InlineData(3, "d", null, "a,b,c", true, null, "c")]
    [InlineData(5, "c", null, "a,b", true, null, "b")]
    [InlineData(3, "a", null, "", true, null, null)]
    [InlineData(20, "j", null, "a,b,c,d,e,f,g,h,i", true, null, "i")]
    [InlineData(20, null, "a", "b,c,d,e,f,g,h,i,j", true, "b", null)]
    public void Collection_window(int limit, string? before, string? after, string expected, bool hasMore, string? nextBefore, string? nextAfter)
    {
        var (items, page) = new PageQuery(limit, before, after).Apply(Items, x => x);
        Assert.Equal(expected, string.Join(',', items));
        Assert.Equal(new PageInfo(hasMore, nextBefore, nextAfter), page);
    }

    [Fact]
    public void Both_cursors_keep_the_first_limit_of_the_window()
    {
        var (items, page) = new PageQuery(3, Before: "h", After: "b").Apply(Items, x => x);
        Assert.Equal(["c", "d", "e"], items);
        Assert.Equal(new PageInfo(true, "c", "e"), page);
    }

    [Fact]
    public void Crossed_cursors_give_an_empty_page()
    {
        var (items, page) = new PageQuery(3, Before: "c", After: "g").Apply(Items, x => x);
        Assert.Empty(items);
        Assert.True(page.HasMore);
    }

    [Fact]
    public void Page_serializes_as_the_spec_shows()
    {
        var (_, page) = new PageQuery(3, Before: "h").Apply(Items, x => x);
        Assert.Equal("""{"has_more":true,"next_before":"e","next_after":"g"}""", MoltnetJson.Serialize(page));
    }
}
