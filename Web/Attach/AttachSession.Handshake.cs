using System.Net.WebSockets;
using System.Text.Json;
using Moltnet.Configuration;
using Moltnet.Web.Auth;

namespace Moltnet.Web.Attach;

/// <summary>IDENTIFY: frame checks, registration as <c>POST /v1/agents/register</c> would do it, the active-attachment
/// registry, and the feed subscription from <c>IDENTIFY.cursor</c>.</summary>
public sealed partial class AttachSession
{
    private string? _cursor;

    /// <summary>The agent's registration once admitted, or null after ending the session.</summary>
    private async Task<AgentRegistration?> HandshakeAsync()
    {
        ClientFrame raw;
        try
        {
            raw = await ReadFrameAsync(_g.Options.IdentifyTimeout);
        }
        catch (TimeoutException)
        {
            Fail("attachment IDENTIFY was not received in time");
            return null;
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
            End(new Ending("read_error", e.Message, false));
            return null;
        }
        if (Rejected(raw) || Parse(raw) is not { } frame) return null;
        if (frame.Op != AttachOps.Identify) return Refuse("expected IDENTIFY frame");
        if (VersionError(frame) is { } versionError) return Refuse(versionError);
        if (frame.NetworkId != _g.NetworkId)
            return Refuse($"attachment network_id \"{frame.NetworkId}\" does not match \"{_g.NetworkId}\"");
        var agentId = frame.Agent?.Id.Trim() ?? "";
        if (agentId.Length == 0) return Refuse("attachment agent.id is required");
        if (!Ids.IsValid(agentId)) return Refuse($"invalid attachment agent.id \"{agentId}\"");
        if (_caller.Kind == CallerKind.StaticToken && _caller.AllowedAgents.Count > 0 && !_caller.AllowedAgents.Contains(agentId))
            return Refuse($"attachment agent.id \"{agentId}\" is not allowed for this token");
        _cursor = Ids.IsValid(frame.Cursor?.Trim()) ? frame.Cursor!.Trim() : null;

        Registered registered;
        try
        {
            registered = await _g.Grains.GetGrain<IRegistryGrain>(_g.NetworkId)
                .RegisterAsync(_caller, new RegisterAgentRequest(agentId, frame.Agent?.Name), _stop.Token);
        }
        catch (MoltnetException e)
        {
            var anonymousClaim = !_caller.ModeNone && _caller.CredentialKey == Caller.AnonymousKey && RouteAccess.OpenRegistration(_g.Config);
            return Refuse(anonymousClaim && e.Status == 409 ? $"agent \"{agentId}\" requires its agent token" : e.Message);
        }
        var registration = registered.Registration;
        if (registration.AgentToken is not null || (_caller.Has(Scopes.Admin) && _caller.Has(Scopes.Attach)))
            CredentialKey = registration.CredentialKey;
        string? refusal;
        try
        {
            refusal = await _g.Registry.TryAddAsync(registration.AgentId, this, _stop.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            AttachLog.AdmissionFailed(_g.Log, registration.AgentId, e);
            Fail("service unavailable", WebSocketCloseStatus.InternalServerError);
            return null;
        }
        if (refusal is not null) return Refuse(refusal);
        AgentId = registration.AgentId;
        return registration;
    }

    /// <summary>Subscribes from the IDENTIFY cursor; null (session ended) when the feed cannot be opened.</summary>
    private async Task<IEventSubscription?> SubscribeAsync(AgentRegistration registration)
    {
        _scope = new AttachScope(_g.Grains, _g.Config, registration.AgentId, registration.DisplayName, SeesEverything);
        try
        {
            return await _g.Feed.SubscribeAsync(_cursor, _stop.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await _g.Registry.RemoveAsync(registration.AgentId, this);
            AttachLog.StreamFailed(_g.Log, registration.AgentId, e);
            Fail("service unavailable", WebSocketCloseStatus.InternalServerError);
            return null;
        }
        catch (OperationCanceledException)
        {
            await _g.Registry.RemoveAsync(registration.AgentId, this);
            throw;
        }
    }

    private AgentRegistration? Refuse(string message)
    {
        AttachLog.Refused(_g.Log, message);
        Fail(message);
        return null;
    }

    /// <summary>Ends the session for a close, binary or oversized message; true when it did.</summary>
    private bool Rejected(ClientFrame raw)
    {
        switch (raw.Kind)
        {
            case FrameKind.Close:
                var goingAway = raw.CloseStatus == WebSocketCloseStatus.EndpointUnavailable;
                End(new Ending(goingAway ? "client_going_away" : "client_closed",
                    goingAway ? "attachment client going away" : "attachment closed by client", true));
                return true;
            case FrameKind.Binary:
                Fail("attachment protocol only accepts text JSON frames", WebSocketCloseStatus.InvalidMessageType);
                return true;
            case FrameKind.TooBig:
                Fail($"attachment frame exceeds {_g.Options.MaxFrameBytes} bytes", WebSocketCloseStatus.MessageTooBig);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The frame, or null after failing the session with the JSON error.</summary>
    private AttachFrame? Parse(ClientFrame raw)
    {
        try
        {
            if (MoltnetJson.Deserialize<AttachFrame>(raw.Bytes.Span) is { } frame) return frame;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            // Reported below.
        }
        Fail("attachment frame must be valid JSON");
        return null;
    }

    private static string? VersionError(AttachFrame frame) => frame.Version switch
    {
        null or "" => $"attachment {frame.Op} version is required",
        AttachOptions.Version => null,
        var v => $"attachment {frame.Op} version \"{v}\" is not supported",
    };
}
