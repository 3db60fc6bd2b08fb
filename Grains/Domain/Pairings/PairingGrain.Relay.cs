using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain.Pairings;

// Outbox delivery: in order, one item at a time; a failed head blocks the items behind it until it goes through.
internal sealed partial class PairingGrain
{
    public async ValueTask<TimeSpan?> RelayAsync(CancellationToken ct)
    {
        var config = Config;
        if (!await _relayGate.WaitAsync(0, ct)) return Timing.PollInterval; // a delivery is already running
        try
        {
            while (true)
            {
                var state = (await ReadStateAsync(ct))?.Value;
                var status = state?.Status ?? PairingWire.InitialStatus(config);
                // Incompatible (or an unknown status value) never relays; the items wait for a check that says otherwise.
                if (status == PairingStatus.Incompatible || !PairingWire.IsKnown(status)) return Timing.PollInterval;
                var items = await store.ReadOutboxAsync(GrainKey, OutboxBatch, ct);
                if (items.Count == 0) return null;
                foreach (var item in items)
                {
                    var now = net.Now();
                    if (item.NextAttemptAt is { } due && due > now) return due - now;
                    if (IsDm(item) && state?.Diagnostics?.Reason == Compatibility.DirectMessagesDisabled)
                    {
                        PairingLog.DmSkipped(log, GrainKey, item.MessageId);
                        telemetry.CountRelay(RelayResults.Dropped);
                        await store.DeleteOutboxItemAsync(item.Id, ct);
                        continue;
                    }
                    var delay = await DeliverAsync(config, item, status, ct);
                    if (delay is { } wait) return wait;
                    status = (await ReadStateAsync(ct))?.Value.Status ?? status;
                }
            }
        }
        finally
        {
            _relayGate.Release();
        }
    }

    /// <summary>Sends one item. Null when it is done with (delivered or refused for good); else the retry delay.</summary>
    private async Task<TimeSpan?> DeliverAsync(Configuration.PairingConfig config, OutboxItem item, string status, CancellationToken ct)
    {
        string cause;
        var permanent = false;
        try
        {
            var response = await remote.PostJsonAsync(config, "/v1/messages", item.BodyJson, ct);
            if (response.IsSuccess)
            {
                await store.DeleteOutboxItemAsync(item.Id, ct);
                telemetry.CountRelay(RelayResults.Success);
                PairingLog.Relayed(log, GrainKey, item.MessageId);
                if (status is PairingStatus.Error or PairingStatus.Unknown)
                {
                    var previous = (await ReadStateAsync(ct))?.Value.Diagnostics;
                    await SaveAsync(PairingStatus.Connected, new PairingDiagnostics
                    {
                        CheckedAt = net.Now(),
                        RemoteVersion = previous?.RemoteVersion,
                        RemoteNetworkId = previous?.RemoteNetworkId,
                        RemoteProtocols = previous?.RemoteProtocols ?? new Protocols(),
                    }, ct);
                }
                return null;
            }
            cause = $"POST /v1/messages answered {response.Describe()}";
            permanent = IsPermanent(response.Status);
        }
        catch (RemoteCallException e)
        {
            cause = e.Message;
        }
        telemetry.CountRelay(RelayResults.Error);
        var diagnostics = Compatibility.Failed(net.Now(), "Remote relay request failed: " + cause, (await ReadStateAsync(ct))?.Value.Diagnostics).Diagnostics;
        await SaveAsync(PairingStatus.Error, diagnostics, ct);
        if (permanent)
        {
            // The remote judged this message and said no (unknown room, not a member, invalid): retrying cannot help,
            // and keeping it would block every later relay of this pairing.
            PairingLog.RelayRefused(log, GrainKey, item.MessageId, cause);
            await store.DeleteOutboxItemAsync(item.Id, ct);
            return null;
        }
        var attempts = item.Attempts + 1;
        var delay = Backoff(attempts);
        await store.RescheduleOutboxItemAsync(item.Id, attempts, net.Now() + delay, cause, ct);
        PairingLog.RelayFailed(log, GrainKey, item.MessageId, attempts, delay, cause);
        return delay;
    }

    /// <summary>4xx answers about the message itself; auth (401/403), timeouts (408) and rate limits (429) are retried.</summary>
    private static bool IsPermanent(int status) => status is >= 400 and < 500 and not (401 or 403 or 408 or 429);

    /// <summary>Exponential backoff with equal jitter: half the capped exponential delay plus a random part of the other half.</summary>
    private TimeSpan Backoff(int attempts)
    {
        var min = Timing.BackoffMin.TotalMilliseconds;
        var max = Timing.BackoffMax.TotalMilliseconds;
        var exponential = Math.Min(max, min * Math.Pow(2, Math.Min(attempts - 1, 30)));
        return TimeSpan.FromMilliseconds(exponential / 2 + Random.Shared.NextDouble() * exponential / 2);
    }

    private static bool IsDm(OutboxItem item)
    {
        try
        {
            return MoltnetJson.Deserialize<SendMessageRequest>(item.BodyJson)?.Target?.Kind == TargetKind.Dm;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
