using System.Text.Json.Nodes;
using Moltnet.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace Moltnet.Cluster.Tests;

/// <summary>Three real server processes on one real PostgreSQL: every replica's observers see every message, in one
/// commit order, whatever replica accepted it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaOrderTests(PostgresCluster pg, ITestOutputHelper output)
{
    [PostgresFact]
    public async Task Observers_on_each_replica_see_messages_posted_on_the_others_in_the_same_order()
    {
        await using var set = await Replicas.StartAsync(pg, 3);
        var observers = await Task.WhenAll(set.Servers.Select(s => SseClient.ConnectAsync(s.Client)));
        try
        {
            Assert.All(observers, o => Assert.Equal(200, o.Status));
            Assert.Equal(202, await Replicas.PostAsync(set[0], "warm"));
            await Observe.WarmAsync(observers, "warm");

            // Each post completes (commits) before the next starts, on a different replica each time: one order.
            var sent = Enumerable.Range(0, 30).Select(i => $"m-{i:D2}").ToList();
            for (var i = 0; i < sent.Count; i++) Assert.Equal(202, await Replicas.PostAsync(set[i % 3], sent[i]));

            foreach (var o in observers) Assert.Equal(sent, await Observe.UntilAsync(o, "m-", sent[^1]));

            var cluster = JsonNode.Parse(await set[0].Client.GetStringAsync("/v1/cluster"))!;
            Assert.Equal("r1", (string?)cluster["replica_id"]);
            var replicas = cluster["replicas"]!.AsArray();
            Assert.Equal(["r1", "r2", "r3"], replicas.Select(r => (string)r!["id"]!));
            var self = replicas.Single(r => (bool)r!["self"]!)!;
            Assert.Equal("r1", (string?)self["id"]);
            Assert.Equal("127.0.0.1", (string?)self["address"]);
            Assert.Equal(1, (int)self["connections"]!["sse"]!);

            // Each replica read the twenty messages the others accepted from the shared log, and counted its own batches.
            for (var r = 0; r < 3; r++)
            {
                var metrics = Metrics(await set[r].Client.GetStringAsync("/metrics"));
                Assert.InRange(metrics["moltnet_cluster_log_events_read_total"], 20, 40);
                Assert.InRange(metrics["moltnet_cluster_log_reads_total"], 1, metrics["moltnet_cluster_log_events_read_total"]);
                Assert.True(metrics["moltnet_store_commit_batch_size_count"] >= 1, $"replica {r + 1} recorded no commit batch");
                Assert.True(metrics["moltnet_store_commit_batch_size_sum"] >= 10, $"replica {r + 1} recorded fewer than its 10 posts");
            }
        }
        finally
        {
            foreach (var o in observers) await o.DisposeAsync();
        }
    }

    /// <summary>The unlabelled samples of a Prometheus text page.</summary>
    private static Dictionary<string, double> Metrics(string page) => page.Split('\n')
        .Where(l => l.Length > 0 && l[0] != '#' && !l.Contains('{'))
        .Select(l => l.Split(' '))
        .ToDictionary(p => p[0], p => double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));

    [PostgresFact]
    public async Task Concurrent_writers_on_three_replicas_give_one_identical_gap_free_order()
    {
        const int writersPerReplica = 4, perWriter = 25, total = 3 * writersPerReplica * perWriter;
        await using var set = await Replicas.StartAsync(pg, 3);
        var observers = await Task.WhenAll(set.Servers.Select(s => SseClient.ConnectAsync(s.Client)));
        try
        {
            Assert.Equal(202, await Replicas.PostAsync(set[1], "warm"));
            await Observe.WarmAsync(observers, "warm");

            var statuses = await Task.WhenAll(Enumerable.Range(0, 3 * writersPerReplica).Select(w => Task.Run(async () =>
            {
                var codes = new List<int>();
                for (var i = 0; i < perWriter; i++) codes.Add(await Replicas.PostAsync(set[w % 3], $"c-{w:D2}-{i:D3}", from: $"w{w % 10}"));
                return codes;
            })));
            Assert.All(statuses.SelectMany(s => s), code => Assert.Equal(202, code));

            var streams = await Task.WhenAll(observers.Select(o => Replicas.CollectMessagesAsync(o, total, "c-")));
            var order = streams[0].Select(x => x.MessageId).ToList();
            Assert.Equal(total, order.Distinct().Count());
            foreach (var s in streams) Assert.Equal(order, s.Select(x => x.MessageId));
            foreach (var s in streams) Assert.Equal(streams[0].Select(x => x.EventId), s.Select(x => x.EventId));
            foreach (var server in set.Servers)
                Assert.Equal(order, (await Replicas.HistoryAsync(server)).Where(id => id.StartsWith("c-", StringComparison.Ordinal)));

            // The log itself: cursors gap-free, and the streams' order is cursor order.
            await using var db = new NpgsqlConnection(set.Dsn);
            await db.OpenAsync();
            var cursors = new List<long>();
            var logOrder = new List<string>();
            await using (var cmd = new NpgsqlCommand("SELECT cursor, type, payload_json::jsonb #>> '{message,id}' FROM events ORDER BY cursor", db))
            await using (var r = await cmd.ExecuteReaderAsync())
            {
                while (await r.ReadAsync())
                {
                    cursors.Add(r.GetInt64(0));
                    if (r.GetString(1) == "message.created" && r.GetString(2).StartsWith("c-", StringComparison.Ordinal)) logOrder.Add(r.GetString(2));
                }
            }
            Assert.Equal(Enumerable.Range(0, cursors.Count).Select(i => cursors[0] + i), cursors);
            Assert.Equal(logOrder, order);
            output.WriteLine($"{total} messages from {3 * writersPerReplica} writers on 3 replicas; cursors {cursors[0]}..{cursors[^1]}");
        }
        finally
        {
            foreach (var o in observers) await o.DisposeAsync();
        }
    }
}
