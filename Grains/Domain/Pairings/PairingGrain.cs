using System.Text;
using Microsoft.Extensions.Logging;
using Moltnet.Configuration;
using Moltnet.Grains.Runtime;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain.Pairings;

/// <summary>One pairing: status shared through the store (any replica answers the same), compatibility checks, remote
/// discovery, and in-order delivery of its outbox with exponential backoff and jitter. Reentrant so that a slow remote
/// never blocks status reads; checks and relays each run one at a time.</summary>
[Reentrant]
internal sealed partial class PairingGrain(
    IMoltnetStore store, NetworkContext net, RemoteClient remote, Telemetry telemetry, ILogger<PairingGrain> log) : Grain, IPairingGrain
{
    private const int OutboxBatch = 32;
    private readonly SemaphoreSlim _checkGate = new(1, 1);
    private readonly SemaphoreSlim _relayGate = new(1, 1);
    private readonly SemaphoreSlim _saveGate = new(1, 1);

    private RelaySection Timing => net.Config.Relay;

    private PairingConfig Config =>
        net.Config.Pairings.FirstOrDefault(p => p.Id == GrainKey) ?? throw MoltnetException.NotFound($"unknown pairing \"{GrainKey}\"");

    public async ValueTask<Pairing> GetAsync(CancellationToken ct)
    {
        var config = Config;
        return PairingWire.From(config, await ReadStateAsync(ct));
    }

    public async ValueTask<Pairing> CheckAsync(bool force, CancellationToken ct)
    {
        var config = Config;
        await _checkGate.WaitAsync(ct);
        try
        {
            var state = await ReadStateAsync(ct);
            if (!force && !CheckDue(state?.Value)) return PairingWire.From(config, state);
            var (result, _) = await FetchNetworkAsync(config, state?.Value, ct);
            return PairingWire.From(config, await SaveAsync(result.Status, result.Diagnostics, ct));
        }
        finally
        {
            _checkGate.Release();
        }
    }

    public async ValueTask<string> RemoteNetworkAsync(CancellationToken ct)
    {
        var config = Config;
        var state = await ReadStateAsync(ct);
        var (result, body) = await FetchNetworkAsync(config, state?.Value, ct);
        await SaveAsync(result.Status, result.Diagnostics, ct);
        if (body is null || result.Diagnostics.Reason == Compatibility.RemoteRequestFailed) throw BadGateway();
        return Encoding.UTF8.GetString(body);
    }

    public async ValueTask<RoomList> RemoteRoomsAsync(PageQuery page, CancellationToken ct)
    {
        var rooms = await DiscoverAsync<RoomList, Room>("/v1/rooms", l => l.Rooms, l => l.Page, ct);
        var (items, info) = page.Apply(rooms.OrderBy(r => r.Id, StringComparer.Ordinal).ToList(), r => r.Id);
        return new RoomList(items, info);
    }

    public async ValueTask<AgentList> RemoteAgentsAsync(PageQuery page, CancellationToken ct)
    {
        var agents = await DiscoverAsync<AgentList, AgentSummary>("/v1/agents", l => l.Agents, l => l.Page, ct);
        var (items, info) = page.Apply(agents.OrderBy(a => a.Id, StringComparer.Ordinal).ToList(), a => a.Id);
        return new AgentList(items, info);
    }

    /// <summary>Refreshes diagnostics, then reads every page of a remote collection (improvement: discovery follows all
    /// pages, not just the first).</summary>
    private async Task<List<TItem>> DiscoverAsync<TList, TItem>(string path, Func<TList, IReadOnlyList<TItem>> items,
        Func<TList, PageInfo> pageOf, CancellationToken ct) where TList : class
    {
        var config = Config;
        var state = await ReadStateAsync(ct);
        var (result, _) = await FetchNetworkAsync(config, state?.Value, ct);
        await SaveAsync(result.Status, result.Diagnostics, ct);
        if (result.Status is PairingStatus.Incompatible or PairingStatus.Error
            || result.Diagnostics.Reason == Compatibility.MissingCursorPagination)
            throw BadGateway();
        var all = new List<TItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? after = null;
        for (var pages = 0; pages < 1000; pages++)
        {
            var query = $"{path}?limit={PageQuery.MaxLimit}" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
            RemoteResponse response;
            try
            {
                response = await remote.GetAsync(config, query, ct);
            }
            catch (RemoteCallException)
            {
                throw BadGateway();
            }
            if (!response.IsSuccess) throw BadGateway();
            TList? list;
            try
            {
                list = MoltnetJson.Deserialize<TList>(response.Body);
            }
            catch (System.Text.Json.JsonException)
            {
                throw BadGateway();
            }
            if (list is null) throw BadGateway();
            all.AddRange(items(list) ?? []);
            var info = pageOf(list);
            if (info is not { HasMore: true, NextAfter: { Length: > 0 } next } || !seen.Add(next)) return all;
            after = next;
        }
        return all;
    }

    private static MoltnetException BadGateway() => new(502, "bad gateway");

    private bool CheckDue(PairingState? state)
    {
        if (state?.Diagnostics is not { } d) return true;
        var age = net.Now() - d.CheckedAt;
        return state.Status is PairingStatus.Unknown or PairingStatus.Error ? age >= Timing.ErrorCheckInterval : age >= Timing.CheckInterval;
    }

    /// <summary>GET the remote's network document and judge it; the body is returned when the fetch succeeded.</summary>
    private async Task<(CheckResult Result, byte[]? Body)> FetchNetworkAsync(PairingConfig config, PairingState? previous, CancellationToken ct)
    {
        RemoteResponse response;
        try
        {
            response = await remote.GetAsync(config, "/v1/network", ct);
        }
        catch (RemoteCallException e)
        {
            return (Compatibility.Failed(net.Now(), e.Message, previous?.Diagnostics), null);
        }
        if (!response.IsSuccess)
            return (Compatibility.Failed(net.Now(), $"GET /v1/network answered {response.Describe()}", previous?.Diagnostics), null);
        return (Compatibility.Evaluate(config, response.Body, net.Now(), previous?.Diagnostics), response.Body);
    }

    private async Task<Versioned<PairingState>?> ReadStateAsync(CancellationToken ct) =>
        (await store.ListPairingStatesAsync(ct)).FirstOrDefault(s => s.Value.PairingId == GrainKey);

    /// <summary>Stores status and diagnostics (a conditional write, retried on a concurrent change by another replica);
    /// a status change appends <c>pairing.updated</c> in the same transaction.</summary>
    private async Task<Versioned<PairingState>> SaveAsync(string status, PairingDiagnostics diagnostics, CancellationToken ct)
    {
        var config = Config;
        await _saveGate.WaitAsync(ct);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var current = await ReadStateAsync(ct);
                var before = current?.Value.Status ?? PairingWire.InitialStatus(config);
                var now = net.Now();
                var next = new PairingState(GrainKey, status, diagnostics, before == status && current is not null ? current.Value.ChangedAt : now);
                IReadOnlyList<Event> events = before == status
                    ? []
                    : [net.NewEvent(EventTypes.PairingUpdated, now) with { Pairing = PairingWire.From(config, next) }];
                try
                {
                    var version = await store.WritePairingStateAsync(next, current?.Version ?? 0, events, ct);
                    if (before != status) PairingLog.StatusChanged(log, GrainKey, before, status, diagnostics.Reason);
                    return new Versioned<PairingState>(next, version);
                }
                catch (StaleStateException) when (attempt < 5)
                {
                    // another replica wrote meanwhile: judge against its row
                }
            }
        }
        finally
        {
            _saveGate.Release();
        }
    }
}
