using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Moltnet.Cluster;
using Moltnet.Configuration;
using Moltnet.Grains.Domain.Pairings;
using Moltnet.Runtime;
using Moltnet.Wire;

namespace Moltnet.Grains.Tests.Pairings;

/// <summary>The worker delivers a pairing's outbox only while this replica holds its lease (unit test with fakes).</summary>
public sealed class PairingWorkerTests
{
    [Fact]
    public async Task Relays_run_only_while_the_outbox_lease_is_held_and_the_lease_is_released_on_stop()
    {
        var config = new MoltnetConfig
        {
            Pairings = [new PairingConfig { Id = "p1", RemoteNetworkId = "r", RemoteBaseUrl = "http://r.example" }],
            Relay = new RelaySection { PollInterval = TimeSpan.FromMilliseconds(20), ErrorCheckInterval = TimeSpan.FromMilliseconds(20) },
        };
        var grain = new FakePairing();
        var leases = new FakeLeases();
        var worker = new PairingWorker(config, new FakeFactory(grain), leases, new RelaySignal(), NullLogger<PairingWorker>.Instance);
        await worker.StartAsync(CancellationToken.None);

        await grain.Checked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await leases.Asked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(200); // several polls while another replica holds the lease
        Assert.Equal(0, grain.Relays);
        Assert.All(leases.Names, n => Assert.Equal("pairing-outbox:p1", n));

        leases.Held = true;
        await grain.Relayed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await worker.StopAsync(CancellationToken.None);
        Assert.Equal(["pairing-outbox:p1"], leases.Released);
    }

    private sealed class FakeLeases : ILeases
    {
        public volatile bool Held;
        public ConcurrentQueue<string> Names { get; } = new();
        public List<string> Released { get; } = [];
        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<bool> TryAcquireAsync(string name, TimeSpan ttl, CancellationToken ct)
        {
            Names.Enqueue(name);
            Asked.TrySetResult();
            return Task.FromResult(Held);
        }

        public Task ReleaseAsync(string name, CancellationToken ct)
        {
            lock (Released) Released.Add(name);
            return Task.CompletedTask;
        }
    }

    private sealed class FakeFactory(FakePairing grain) : IGrainFactory
    {
        public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey => (TGrain)(object)grain;
    }

    private sealed class FakePairing : IPairingGrain
    {
        private int _relays;
        public int Relays => Volatile.Read(ref _relays);
        public TaskCompletionSource Checked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Relayed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private static readonly Pairing P = new() { Id = "p1", RemoteNetworkId = "r" };

        public ValueTask<Pairing> GetAsync(CancellationToken ct) => ValueTask.FromResult(P);

        public ValueTask<Pairing> CheckAsync(bool force, CancellationToken ct)
        {
            Checked.TrySetResult();
            return ValueTask.FromResult(P);
        }

        public ValueTask<string> RemoteNetworkAsync(CancellationToken ct) => throw new NotSupportedException();
        public ValueTask<RoomList> RemoteRoomsAsync(PageQuery page, CancellationToken ct) => throw new NotSupportedException();
        public ValueTask<AgentList> RemoteAgentsAsync(PageQuery page, CancellationToken ct) => throw new NotSupportedException();

        public ValueTask<TimeSpan?> RelayAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref _relays);
            Relayed.TrySetResult();
            return ValueTask.FromResult<TimeSpan?>(null);
        }
    }
}
