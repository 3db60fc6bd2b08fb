using System.Diagnostics;
using Moltnet.Grains.Domain.Pairings;
using Moltnet.Grains.Runtime;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain.Messaging;

/// <summary>Serializes the posts of one room, thread or DM and stores each with its events in one transaction.</summary>
internal sealed partial class ConversationGrain(
    IMoltnetStore store, NetworkContext net, Telemetry telemetry, RelaySignal relay, MessageIdLookahead lookahead) : Grain, IConversationGrain
{
    private Versioned<ThreadInfo>? _thread;
    private Versioned<DirectConversation>? _dm;
    private DateTimeOffset _lastCreatedAt;
    private bool _loaded;
    private volatile bool _invalidated;

    private SenderPolicy? _policy;

    /// <summary>Registrations come from the agents' grains (cached, and invalidated across replicas on every write), not
    /// from a store read per message: a busy room's messages pass through this grain one at a time.</summary>
    private SenderPolicy Policy => _policy ??= new(net.Config, (id, ct) => GrainFactory.GetGrain<IAgentGrain>(id).FindAsync(ct));

    public async ValueTask<PendingMessage> PostAsync(Caller caller, SendMessageRequest request, CancellationToken ct)
    {
        var activity = Telemetry.StartPost(GrainKey);
        Task<MessageAccepted> committed;
        try
        {
            committed = await PostCoreAsync(caller, request, activity, ct);
        }
        catch (Exception e)
        {
            Telemetry.Failed(activity, e);
            activity?.Dispose();
            throw;
        }
        return new PendingMessage(EndSpanAsync(committed, activity));
    }

    private static async Task<MessageAccepted> EndSpanAsync(Task<MessageAccepted> committed, Activity? activity)
    {
        try
        {
            return await committed;
        }
        catch (Exception e) when (Telemetry.Failed(activity, e))
        {
            throw;
        }
        finally
        {
            activity?.Dispose();
        }
    }

    private async Task<Task<MessageAccepted>> PostCoreAsync(Caller caller, SendMessageRequest request, Activity? activity, CancellationToken ct)
    {
        var target = request.Target ?? new Target();
        // JSON may carry null where the wire records expect strings: normalise before any rule reads them.
        var sender = request.From is { } f ? f with { Id = f.Id?.Trim() ?? "", Type = f.Type ?? "" } : new Actor();
        if (target.Kind == TargetKind.Dm && !net.Config.Server.DirectMessages)
            throw MoltnetException.Forbidden("direct messages are disabled for this network");
        if (sender.Type == "human" && !net.Config.Server.HumanIngress)
            throw MoltnetException.Forbidden("human ingress is disabled for this network");
        await Policy.CheckIdentityAsync(caller, sender, request.Origin, ct);
        var generated = string.IsNullOrWhiteSpace(request.Id);
        var id = generated ? Ids.NewMessageId() : request.Id!.Trim();
        activity?.SetTag("moltnet.message_id", id);
        MessageValidator.Validate(id, sender, request.Parts, target);
        await LoadAsync(ct);
        return await StoreAsync(caller, request with { Id = id, Target = target, From = sender }, clientId: !generated, ct);
    }

    private async Task<Task<MessageAccepted>> StoreAsync(Caller caller, SendMessageRequest request, bool clientId, CancellationToken ct)
    {
        var target = request.Target!;
        var sender = request.From!;
        IEnumerable<string> mentionContext;
        if (target.Kind == TargetKind.Dm)
        {
            target = DmTarget(target, sender);
            mentionContext = target.ParticipantIds ?? [];
        }
        else
        {
            var roomId = _thread?.Value.RoomId ?? target.RoomId!.Trim();
            var room = await GrainFactory.GetGrain<IRoomGrain>(roomId).FindAsync(ct)
                ?? throw MoltnetException.NotFound($"unknown room \"{roomId}\"");
            await Policy.CheckWritePolicyAsync(caller, sender, room, ct);
            target = target.Kind == TargetKind.Thread
                ? target with { RoomId = roomId, ThreadId = target.ThreadId!.Trim(), ParentMessageId = _thread?.Value.ParentMessageId ?? Blank(target.ParentMessageId) }
                : target with { RoomId = roomId };
            mentionContext = room.Members ?? [];
        }
        var eventId = Ids.MessageEventId(request.Id!);
        // A resend of a stored id answers at once and queues nothing (so it cannot disturb the versions below). An id this
        // server just generated cannot have been stored: no read for it. The web layer started the lookup before this turn
        // (MessageIdLookahead), so the turn does not wait a database round trip per message.
        if (clientId && await lookahead.ExistsAsync(request.Id!, ct))
            return Task.FromResult(new MessageAccepted(request.Id!, eventId, true, false, false));
        var mentions = MentionResolver.Resolve(request.Mentions, request.Parts!, mentionContext, net.NetworkId, Aliases());
        var message = BuildMessage(request, target, sender, mentions);
        var write = BuildWrite(message) with { NewId = !clientId };
        // Queued now, in this conversation's order; the state below assumes it commits, and is reloaded if it does not.
        var append = AppendAsync(write, ct);
        _lastCreatedAt = message.CreatedAt;
        if (write.Thread is { } t) _thread = t with { Version = t.Version + 1 };
        if (write.Dm is { } d) _dm = d with { Version = d.Version + 1 };
        return CompleteAsync(append, write.Outbox, message.Id, eventId, write.Thread?.Version == 0, write.Dm?.Version == 0);
    }

    private async Task<MessageAccepted> CompleteAsync(Task<AppendOutcome> append, IReadOnlyList<OutboxEntry> outbox, string id, string eventId,
        bool threadCreated, bool dmCreated)
    {
        AppendOutcome outcome;
        try
        {
            outcome = await append;
        }
        catch (StaleStateException)
        {
            _invalidated = true; // another replica wrote this conversation, or an earlier queued write failed
            throw MoltnetException.Conflict("conversation changed concurrently; retry");
        }
        catch
        {
            _invalidated = true;
            throw;
        }
        if (outcome == AppendOutcome.Duplicate)
        {
            _invalidated = true; // the same id raced in: nothing was written, so the versions assumed above are off
            return new MessageAccepted(id, eventId, true, false, false);
        }
        telemetry.CountAcceptedMessage();
        foreach (var entry in outbox) relay.Signal(entry.PairingId); // queued with the message; delivery runs after the commit
        return new MessageAccepted(id, eventId, true, threadCreated, dmCreated);
    }

    /// <summary>The store write, in a <c>store.append</c> span (the SQLite group commit links back to it).</summary>
    private async Task<AppendOutcome> AppendAsync(MessageWrite write, CancellationToken ct)
    {
        using var activity = Telemetry.StartAppend(write, net.Config.Storage.Kind);
        try
        {
            var outcome = await store.AppendMessageAsync(write, ct);
            activity?.SetTag("moltnet.append_outcome", outcome == AppendOutcome.Stored ? "stored" : "duplicate");
            return outcome;
        }
        catch (Exception e) when (Telemetry.Failed(activity, e))
        {
            throw;
        }
    }

    private Message BuildMessage(SendMessageRequest request, Target target, Actor sender, IReadOnlyList<string>? mentions)
    {
        var now = net.Now();
        if (now <= _lastCreatedAt) now = _lastCreatedAt.AddTicks(1); // strictly increasing within the conversation
        var (senderNet, senderAgent) = Policy.SenderOf(sender);
        var normalized = sender with
        {
            Id = sender.Id.Trim(),
            NetworkId = senderNet,
            Fqid = sender.Type == "human" ? Blank(sender.Fqid) : Blank(sender.Fqid) ?? Ids.Fqid(senderNet, "agents", senderAgent),
        };
        var origin = request.Origin is { NetworkId.Length: > 0, MessageId.Length: > 0 } o ? o : new Origin(net.NetworkId, request.Id!);
        return new Message
        {
            Id = request.Id!,
            NetworkId = net.NetworkId,
            Origin = origin,
            Target = target,
            From = normalized,
            Parts = request.Parts!,
            Mentions = mentions,
            CreatedAt = now,
        };
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
