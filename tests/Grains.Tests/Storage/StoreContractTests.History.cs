using Moltnet.Grains.Storage;
using Moltnet.Wire;
using static Moltnet.Grains.Tests.Storage.StoreTestData;

namespace Moltnet.Grains.Tests.Storage;

public abstract partial class StoreContractTests
{
    /// <summary>Seven room messages m0..m6 whose timestamps run backwards: history must follow commit order.</summary>
    private async Task SeedRoomAsync()
    {
        for (var i = 0; i < 7; i++)
            Assert.Equal(AppendOutcome.Stored, await PostAsync(Message($"m{i}", RoomTarget("r1"), T0.AddSeconds(-i))));
    }

    private async Task<(string[] Ids, PageInfo Info)> PageAsync(PageRequest page, string room = "r1")
    {
        var result = await Store.ListMessagesAsync(MessageScope.Room(room), page, Ct);
        return ([.. result.Items.Select(m => m.Id)], result.Info);
    }

    private async Task AssertPageAsync(PageRequest page, string[] ids, PageInfo info, string room = "r1")
    {
        var (actualIds, actualInfo) = await PageAsync(page, room);
        Assert.Equal(ids, actualIds);
        Assert.Equal(info, actualInfo);
    }

    [StoreFact]
    public async Task History_newest_page_and_before_pages()
    {
        await SeedRoomAsync();
        await AssertPageAsync(new PageRequest(3), ["m4", "m5", "m6"], new PageInfo(true, NextBefore: "m4"));
        await AssertPageAsync(new PageRequest(3, Before: "m4"), ["m1", "m2", "m3"], new PageInfo(true, NextBefore: "m1"));
        await AssertPageAsync(new PageRequest(3, Before: "m1"), ["m0"], new PageInfo(false));
        await AssertPageAsync(new PageRequest(3, Before: "m0"), [], new PageInfo(false));
        await AssertPageAsync(new PageRequest(7), ["m0", "m1", "m2", "m3", "m4", "m5", "m6"], new PageInfo(false));
        await AssertPageAsync(new PageRequest(6), ["m1", "m2", "m3", "m4", "m5", "m6"], new PageInfo(true, NextBefore: "m1"));
        await AssertPageAsync(new PageRequest(3, Before: "m3"), ["m0", "m1", "m2"], new PageInfo(false));
        await AssertPageAsync(new PageRequest(3), [], new PageInfo(false), room: "empty");
    }

    [StoreFact]
    public async Task History_after_pages()
    {
        await SeedRoomAsync();
        await AssertPageAsync(new PageRequest(3, After: "m0"), ["m1", "m2", "m3"], new PageInfo(true, NextAfter: "m3"));
        await AssertPageAsync(new PageRequest(3, After: "m3"), ["m4", "m5", "m6"], new PageInfo(false));
        await AssertPageAsync(new PageRequest(3, After: "m4"), ["m5", "m6"], new PageInfo(false));
        await AssertPageAsync(new PageRequest(3, After: "m6"), [], new PageInfo(false));
        await AssertPageAsync(new PageRequest(1, After: "m5"), ["m6"], new PageInfo(false));
        await AssertPageAsync(new PageRequest(1, After: "m4"), ["m5"], new PageInfo(true, NextAfter: "m5"));
    }

    [StoreFact]
    public async Task History_cursor_must_name_a_message_somewhere()
    {
        await SeedRoomAsync();
        var before = await Assert.ThrowsAsync<MoltnetException>(() => PageAsync(new PageRequest(3, Before: "nope")));
        Assert.Equal(422, before.Status);
        Assert.Equal("invalid cursor \"nope\"", before.Message);
        Assert.Equal(422, (await Assert.ThrowsAsync<MoltnetException>(() => PageAsync(new PageRequest(3, After: "nope")))).Status);

        // A message of another conversation is a valid cursor: its position in commit order is used.
        Assert.Equal(AppendOutcome.Stored, await PostAsync(Message("x1", RoomTarget("r2"))));
        await PostAsync(Message("m7", RoomTarget("r1")));
        await AssertPageAsync(new PageRequest(3, Before: "x1"), ["m4", "m5", "m6"], new PageInfo(true, NextBefore: "m4"));
        await AssertPageAsync(new PageRequest(3, After: "x1"), ["m7"], new PageInfo(false));
        await AssertPageAsync(new PageRequest(3, After: "m0"), ["x1"], new PageInfo(false), room: "r2");
    }

    [StoreFact]
    public async Task Room_history_excludes_thread_replies_and_thread_history_holds_them()
    {
        await PostAsync(Message("a", RoomTarget("r1")));
        await PostAsync(Message("b", ThreadTarget("r1", "t1", "a")));
        await PostAsync(Message("c", RoomTarget("r1")));
        await PostAsync(Message("d", ThreadTarget("r1", "t1", "a")));
        await PostAsync(Message("e", ThreadTarget("r1", "t2", "c")));
        await PostAsync(Message("f", DmTarget("dm1", "alpha", "beta")));

        Assert.Equal(["a", "c"], await AllMessageIdsAsync(MessageScope.Room("r1")));
        Assert.Equal(["b", "d"], await AllMessageIdsAsync(MessageScope.Thread("t1")));
        Assert.Equal(["e"], await AllMessageIdsAsync(MessageScope.Thread("t2")));
        Assert.Equal(["f"], await AllMessageIdsAsync(MessageScope.Dm("dm1")));
        Assert.Empty(await AllMessageIdsAsync(MessageScope.Thread("r1")));
        Assert.Equal(["t1", "t2"], (await Store.ListThreadsAsync("r1", Ct)).Select(t => t.Id));

        var page = await Store.ListMessagesAsync(MessageScope.Thread("t1"), new PageRequest(1), Ct);
        Assert.Equal(["d"], page.Items.Select(m => m.Id));
        Assert.Equal(new PageInfo(true, NextBefore: "d"), page.Info);
        page = await Store.ListMessagesAsync(MessageScope.Thread("t1"), new PageRequest(1, After: "b"), Ct);
        Assert.Equal(["d"], page.Items.Select(m => m.Id));
        Assert.Equal(new PageInfo(false), page.Info);
    }

    [StoreFact]
    public async Task Artifacts_filter_by_room_including_threads_by_thread_and_by_dm()
    {
        var a = Message("a", RoomTarget("r1"));
        var b = Message("b", ThreadTarget("r1", "t1"));
        var c = Message("c", DmTarget("dm1", "alpha", "beta"));
        var d = Message("d", RoomTarget("r2"));
        var e = Message("e", RoomTarget("r1"));
        await PostAsync(a, Artifacts(a, 1, 2));
        await PostAsync(b, Artifacts(b, 0));
        await PostAsync(c, Artifacts(c, 1));
        await PostAsync(d, Artifacts(d, 1));
        await PostAsync(e, Artifacts(e, 3));

        async Task<string[]> Ids(MessageScope scope, PageRequest? page = null) =>
            [.. (await Store.ListArtifactsAsync(scope, page ?? new PageRequest(), Ct)).Items.Select(x => x.Id)];

        Assert.Equal(["art_a_1", "art_a_2", "art_b_0", "art_e_3"], await Ids(MessageScope.Room("r1")));
        Assert.Equal(["art_b_0"], await Ids(MessageScope.Thread("t1")));
        Assert.Equal(["art_c_1"], await Ids(MessageScope.Dm("dm1")));
        Assert.Equal(["art_d_1"], await Ids(MessageScope.Room("r2")));
        Assert.Empty(await Ids(MessageScope.Room("r3")));

        var page = await Store.ListArtifactsAsync(MessageScope.Room("r1"), new PageRequest(2), Ct);
        Assert.Equal(["art_b_0", "art_e_3"], page.Items.Select(x => x.Id));
        Assert.Equal(new PageInfo(true, NextBefore: "art_b_0"), page.Info);
        page = await Store.ListArtifactsAsync(MessageScope.Room("r1"), new PageRequest(2, Before: "art_b_0"), Ct);
        Assert.Equal(["art_a_1", "art_a_2"], page.Items.Select(x => x.Id));
        Assert.Equal(new PageInfo(false), page.Info);
        page = await Store.ListArtifactsAsync(MessageScope.Room("r1"), new PageRequest(1, After: "art_a_1"), Ct);
        Assert.Equal(["art_a_2"], page.Items.Select(x => x.Id));
        Assert.Equal(new PageInfo(true, NextAfter: "art_a_2"), page.Info);
        Assert.Equal(["art_b_0", "art_e_3"], await Ids(MessageScope.Room("r1"), new PageRequest(5, After: "art_a_2")));
        Assert.Equal(["art_e_3"], await Ids(MessageScope.Room("r1"), new PageRequest(5, After: "art_d_1"))); // cursor from r2

        // Artifact cursors are artifact ids: a message id is not one.
        var error = await Assert.ThrowsAsync<MoltnetException>(() => Ids(MessageScope.Room("r1"), new PageRequest(5, Before: "a")));
        Assert.Equal(422, error.Status);
        Assert.Equal("invalid cursor \"a\"", error.Message);
    }

    [StoreFact]
    public async Task History_follows_commit_order_not_timestamps()
    {
        // Later commits with earlier (and equal) timestamps, as clock steps or relayed messages produce.
        await PostAsync(Message("z", RoomTarget("r1"), T0));
        await PostAsync(Message("y", RoomTarget("r1"), T0.AddDays(-1)));
        await PostAsync(Message("x", RoomTarget("r1"), T0));
        await PostAsync(Message("w", RoomTarget("r1"), T0.AddTicks(-1)));
        Assert.Equal(["z", "y", "x", "w"], await AllMessageIdsAsync(MessageScope.Room("r1")));
        Assert.Equal(["x", "w"], await MessageIdsAfterAsync(MessageScope.Room("r1"), "y"));
    }
}
