using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Moltnet.Cluster;
using Moltnet.Configuration;
using Moltnet.Grains.Domain;
using Moltnet.Grains.Events;
using Moltnet.Grains.Runtime;
using Moltnet.Grains.Storage;

namespace Moltnet.Grains;

/// <summary>
/// The grains' <see cref="ActivitySource"/> and <see cref="Meter"/> (design §7, docs/observability.md).
/// <para>Spans: <c>conversation.post</c> (one message post, in the conversation grain), <c>store.append</c> (the store
/// write of that message, its child), <c>store.commit</c> (one SQLite group commit: a root span linked to every
/// request it committed, because one transaction serves many traces) and <c>broker.publish</c> (one committed event
/// handed to the local subscribers, a child of the span that wrote it).</para>
/// <para>The meter comes from the host's <see cref="IMeterFactory"/>, so each host (tests run several in one process)
/// has its own instruments and its <c>/metrics</c> reads only them.</para>
/// </summary>
public sealed class Telemetry
{
    public const string Name = "Moltnet.Grains";

    public static readonly ActivitySource Source = new(Name, typeof(Telemetry).Assembly.GetName().Version?.ToString(3));

    /// <summary>Buckets of <c>moltnet.store.commit.batch_size</c> (requests per store transaction: at most 512 on SQLite,
    /// 64 on PostgreSQL).</summary>
    public static readonly IReadOnlyList<int> BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

    private readonly Histogram<int> _commitBatch;
    private readonly Outcomes _relay = new(RelayResults.Success, RelayResults.Error, RelayResults.Dropped);
    private readonly Outcomes _remoteExec = new(RemoteExecResults.Success, RemoteExecResults.Error);
    private long _accepted;

    /// <summary>Creates the meter and its instruments. Observed components are resolved on first observation (the
    /// store needs this class, and the broker needs the store).</summary>
    internal Telemetry(IMeterFactory meters, Func<EventBroker> broker, Func<GrainRuntime> runtime, Func<StoreHealthProbe> health,
        Func<LogTail>? tail = null)
    {
        var b = new Lazy<EventBroker>(broker);
        var r = new Lazy<GrainRuntime>(runtime);
        var h = new Lazy<StoreHealthProbe>(health);
        Meter = meters.Create(Name, Source.Version);
        _commitBatch = Meter.CreateHistogram("moltnet.store.commit.batch_size", "{request}",
            "Write requests per store transaction (a SQLite group commit, a PostgreSQL writer batch).",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchBuckets });
        Meter.CreateObservableCounter("moltnet.messages.accepted", () => Interlocked.Read(ref _accepted), "{message}",
            "Messages stored by this replica (idempotent repeats of a stored id are not counted).");
        Meter.CreateObservableCounter("moltnet.events.dropped", () => b.Value.DroppedCount, "{event}",
            "Events a subscriber queue could not take; each is read from the event log instead.");
        Meter.CreateObservableCounter("moltnet.event_subscriber.lag", () => b.Value.LaggedCount, "{lag}",
            "Times a subscriber fell behind its queue and was caught up from the event log.");
        Meter.CreateObservableGauge("moltnet.event_log.cursor", () => b.Value.LastPublishedCursor, "{cursor}",
            "Newest event-log cursor published by this replica's broker.");
        Meter.CreateObservableCounter("moltnet.grain.activations", () => r.Value.TotalActivations, "{activation}",
            "Grain activations since start.");
        Meter.CreateObservableUpDownCounter("moltnet.grain.active", () => r.Value.ActiveCount, "{activation}",
            "Grain activations currently in memory.");
        Meter.CreateObservableGauge("moltnet.store.health", () => h.Value.LastHealthy ? 1 : 0, null,
            "1 when the last store probe (/healthz, /readyz) succeeded, else 0.");
        if (tail is not null)
        {
            var t = new Lazy<LogTail>(tail);
            Meter.CreateObservableCounter("moltnet.cluster.log_reads", () => t.Value.CatchUps, "{read}",
                "Reads of the shared event log that delivered other replicas' commits to this replica's broker.");
            Meter.CreateObservableCounter("moltnet.cluster.log_events_read", () => t.Value.EventsRead, "{event}",
                "Events this replica read from the shared event log (other replicas' commits).");
        }
        Meter.CreateObservableCounter("moltnet.relay", _relay.Observe, "{message}",
            "Messages relayed to paired networks, by result (success, error, dropped).");
        Meter.CreateObservableCounter("moltnet.remote_exec", _remoteExec.Observe, "{command}",
            "Remote exec requests run on attached nodes, by result.");
    }

    public Meter Meter { get; }

    /// <summary>Counts a stored message (<c>moltnet_messages_accepted_total</c>).</summary>
    public void CountAcceptedMessage() => Interlocked.Increment(ref _accepted);

    /// <summary>Counts a relay attempt by <see cref="RelayResults"/> value (<c>moltnet_relay_total</c>).</summary>
    public void CountRelay(string result) => _relay.Add(result);

    /// <summary>Counts a remote exec by <see cref="RemoteExecResults"/> value (<c>moltnet_remote_exec_total</c>).</summary>
    public void CountRemoteExec(string result) => _remoteExec.Add(result);

    internal void RecordCommitBatch(int requests) => _commitBatch.Record(requests);

    internal static Activity? StartPost(string conversation) =>
        Source.StartActivity("conversation.post")?.SetTag("moltnet.conversation", conversation);

    internal static Activity? StartAppend(MessageWrite write, string storeKind) =>
        Source.StartActivity("store.append", ActivityKind.Client)
            ?.SetTag("db.system.name", storeKind)
            .SetTag("moltnet.message_id", write.Message.Id)
            .SetTag("moltnet.event_count", write.Events.Count);

    /// <summary>A root span for one SQLite transaction, linked to the sampled requests it commits; null when none is
    /// sampled (untraced writes get no span).</summary>
    internal static Activity? StartCommit(IEnumerable<ActivityContext> requests, int size)
    {
        if (!Source.HasListeners()) return null;
        var links = requests.Where(c => c.TraceFlags.HasFlag(ActivityTraceFlags.Recorded)).Select(c => new ActivityLink(c)).ToList();
        if (links.Count == 0) return null;
        return Source.StartActivity("store.commit", ActivityKind.Client, default(ActivityContext), links: links)
            ?.SetTag("db.system.name", StorageKinds.Sqlite)
            .SetTag("db.operation.name", "COMMIT")
            .SetTag("db.operation.batch.size", size);
    }

    /// <summary>A <c>broker.publish</c> span for one committed event, a child of the span that wrote it (or of the current
    /// one); the event is re-stamped with it so SSE deliveries link here. Null for events written outside any trace.</summary>
    internal static Activity? StartPublish(StoredEvent e, int subscribers)
    {
        if (!Source.HasListeners()) return null;
        var parent = EventTrace.Find(e.Event);
        if (parent == default) parent = Activity.Current?.Context ?? default;
        if (parent == default) return null;
        var activity = Source.StartActivity("broker.publish", ActivityKind.Producer, parent);
        if (activity is null) return null;
        activity.SetTag("moltnet.event_id", e.Event.Id)
            .SetTag("moltnet.event_type", e.Event.Type)
            .SetTag("moltnet.event_cursor", e.Cursor)
            .SetTag("moltnet.subscribers", subscribers);
        EventTrace.Set(e.Event, activity.Context);
        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed unless <paramref name="e"/> is a client error (4xx). Always
    /// false, for use as an exception filter that does not catch.</summary>
    internal static bool Failed(Activity? activity, Exception e)
    {
        if (activity is null || e is MoltnetException { Status: < 500 }) return false;
        activity.SetStatus(ActivityStatusCode.Error, e.Message);
        activity.SetTag("error.type", e.GetType().FullName);
        return false;
    }

    /// <summary>Counts by result, every known result present from the start (so it is exported as 0).</summary>
    private sealed class Outcomes
    {
        private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

        public Outcomes(params string[] known)
        {
            foreach (var k in known) _counts[k] = 0;
        }

        public void Add(string result) => _counts.AddOrUpdate(result, 1, static (_, n) => n + 1);

        public IEnumerable<Measurement<long>> Observe() =>
            _counts.Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>("result", kv.Key)));
    }
}

/// <summary>Results of <c>moltnet_relay_total</c> (spec §8).</summary>
public static class RelayResults
{
    public const string Success = "success";
    public const string Error = "error";
    public const string Dropped = "dropped";
}

/// <summary>Results of <c>moltnet_remote_exec_total</c>.</summary>
public static class RemoteExecResults
{
    public const string Success = "success";
    public const string Error = "error";
}
