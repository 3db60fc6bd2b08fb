using System.Diagnostics;
using System.Runtime.CompilerServices;
using Moltnet.Wire;

namespace Moltnet.Grains;

/// <summary>
/// The trace context an event was published under, kept beside the <see cref="Event"/> instance in memory only (the
/// wire event never changes). The store stamps events with the writer's context, the broker re-stamps them with its
/// <c>broker.publish</c> span, and an SSE stream links its <c>sse.deliver</c> span to it. Events read back from the
/// durable log are new instances and carry no context.
/// </summary>
public static class EventTrace
{
    private static readonly ConditionalWeakTable<Event, StrongBox<ActivityContext>> Contexts = new();

    /// <summary>Records <paramref name="context"/> for <paramref name="e"/>, replacing any earlier one.</summary>
    public static void Set(Event e, ActivityContext context)
    {
        if (context == default) return;
        Contexts.AddOrUpdate(e, new StrongBox<ActivityContext>(context));
    }

    /// <summary>Records the current activity's context for each event that has none yet.</summary>
    public static void StampCurrent(IEnumerable<Event> events)
    {
        if (Activity.Current is not { } current) return;
        foreach (var e in events) Contexts.TryAdd(e, new StrongBox<ActivityContext>(current.Context));
    }

    /// <summary>The context recorded for <paramref name="e"/>, or default.</summary>
    public static ActivityContext Find(Event e) => Contexts.TryGetValue(e, out var box) ? box.Value : default;
}
