using Moltnet.Grains.Runtime;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain;

/// <summary>History and conversation reads with the spec's 404/403 rules. Stateless: calls may interleave.</summary>
[Reentrant]
internal sealed class HistoryGrain(IMoltnetStore store, NetworkContext net) : Grain, IHistoryGrain
{
    public async ValueTask<MessageList> RoomMessagesAsync(Caller caller, string roomId, PageQuery page, CancellationToken ct)
    {
        await ReadableRoomAsync(caller, roomId, ct);
        var result = await store.ListMessagesAsync(MessageScope.Room(roomId), ToRequest(page), ct);
        return new MessageList(result.Items, result.Info);
    }

    public async ValueTask<ThreadList> RoomThreadsAsync(Caller caller, string roomId, PageQuery page, CancellationToken ct)
    {
        await ReadableRoomAsync(caller, roomId, ct);
        var (items, info) = page.Apply(await store.ListThreadsAsync(roomId, ct), t => t.Id);
        return new ThreadList(items, info);
    }

    public async ValueTask<ThreadInfo> ThreadAsync(Caller caller, string threadId, CancellationToken ct)
    {
        var thread = (await store.ReadThreadAsync(threadId, ct))?.Value
            ?? throw MoltnetException.NotFound($"unknown thread \"{threadId}\"");
        await ReadableRoomAsync(caller, thread.RoomId, ct);
        return thread;
    }

    public async ValueTask<MessageList> ThreadMessagesAsync(Caller caller, string threadId, PageQuery page, CancellationToken ct)
    {
        await ThreadAsync(caller, threadId, ct);
        var result = await store.ListMessagesAsync(MessageScope.Thread(threadId), ToRequest(page), ct);
        return new MessageList(result.Items, result.Info);
    }

    public async ValueTask<DmList> DmsAsync(Caller caller, PageQuery page, CancellationToken ct)
    {
        RequireDms();
        var (items, info) = page.Apply(await store.ListDmsAsync(ct), d => d.Id);
        return new DmList(items, info);
    }

    public async ValueTask<DirectConversation> DmAsync(Caller caller, string dmId, CancellationToken ct)
    {
        RequireDms();
        return (await store.ReadDmAsync(dmId, ct))?.Value
            ?? throw MoltnetException.NotFound($"unknown direct conversation \"{dmId}\"");
    }

    public async ValueTask<MessageList> DmMessagesAsync(Caller caller, string dmId, PageQuery page, CancellationToken ct)
    {
        await DmAsync(caller, dmId, ct);
        var result = await store.ListMessagesAsync(MessageScope.Dm(dmId), ToRequest(page), ct);
        return new MessageList(result.Items, result.Info);
    }

    public async ValueTask<ArtifactList> ArtifactsAsync(Caller caller, string? roomId, string? threadId, string? dmId, PageQuery page, CancellationToken ct)
    {
        MessageScope scope;
        if (threadId is not null)
        {
            await ThreadAsync(caller, threadId, ct);
            scope = MessageScope.Thread(threadId);
        }
        else if (dmId is not null)
        {
            RequireDms();
            scope = MessageScope.Dm(dmId);
        }
        else if (roomId is not null)
        {
            await ReadableRoomAsync(caller, roomId, ct);
            scope = MessageScope.Room(roomId);
        }
        else
        {
            throw MoltnetException.Unprocessable("artifact filter is required");
        }
        var result = await store.ListArtifactsAsync(scope, ToRequest(page), ct);
        return new ArtifactList(result.Items, result.Info);
    }

    private async Task ReadableRoomAsync(Caller caller, string roomId, CancellationToken ct) =>
        await GrainFactory.GetGrain<IRoomGrain>(roomId).GetAsync(caller, ct);

    private void RequireDms()
    {
        if (!net.Config.Server.DirectMessages) throw MoltnetException.Forbidden("direct messages are disabled for this network");
    }

    private static PageRequest ToRequest(PageQuery q) => new(q.Limit, q.Before, q.After);
}
