using System.Diagnostics;

namespace Moltnet.NodeClient.Daemon;

/// <summary>
/// The running node's health, kept in memory and written to <c>status.json</c> after every change (spec improvements
/// node 7). <see cref="Read"/> is what <c>moltnet node status</c> uses.
/// </summary>
public sealed class StatusBoard
{
    public const string FileName = "status.json";

    private readonly Lock _lock = new();
    private readonly string? _path;
    private readonly TimeProvider _time;
    private NodeStatus _status;

    public StatusBoard(string? stateDirectory, string baseUrl, string networkId, IEnumerable<(string AgentId, string Runtime)> attachments, TimeProvider time)
    {
        _path = stateDirectory is null ? null : Path.Combine(stateDirectory, FileName);
        _time = time;
        var now = time.GetUtcNow();
        _status = new NodeStatus
        {
            Pid = Environment.ProcessId,
            StartedAt = now,
            UpdatedAt = now,
            BaseUrl = baseUrl,
            NetworkId = networkId,
            Running = true,
            Attachments = attachments.Select(a => new AttachmentStatus { AgentId = a.AgentId, Runtime = a.Runtime }).ToList(),
        };
        Save();
    }

    public NodeStatus Snapshot
    {
        get
        {
            lock (_lock) return _status;
        }
    }

    /// <summary>Applies <paramref name="change"/> to the attachment of <paramref name="agentId"/> and saves.</summary>
    public void Update(string agentId, Func<AttachmentStatus, AttachmentStatus> change)
    {
        lock (_lock)
        {
            _status = _status with
            {
                UpdatedAt = _time.GetUtcNow(),
                Attachments = _status.Attachments.Select(a => a.AgentId == agentId ? change(a) : a).ToList(),
            };
            Save();
        }
    }

    /// <summary>Records an error for the attachment (its state stays as it is).</summary>
    public void Error(string agentId, string error) =>
        Update(agentId, a => a with { LastError = error, LastErrorAt = _time.GetUtcNow() });

    /// <summary>Marks the node stopped.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _status = _status with
            {
                Running = false,
                UpdatedAt = _time.GetUtcNow(),
                Attachments = _status.Attachments.Select(a => a with { State = "stopped", Connected = false }).ToList(),
            };
            Save();
        }
    }

    private void Save()
    {
        if (_path is null) return;
        try
        {
            StateFiles.WritePrivate(_path, NodeJsonContext.Serialize(_status));
        }
        catch (IOException)
        {
            // Status is best effort: a full disk must not stop the attachments.
        }
    }

    /// <summary>The status a node wrote under <paramref name="stateDirectory"/>, or null when none ran there. A node
    /// whose process is gone reads as stopped and disconnected.</summary>
    public static NodeStatus? Read(string stateDirectory)
    {
        var text = StateFiles.ReadOrNull(Path.Combine(stateDirectory, FileName));
        if (text is null) return null;
        var status = NodeJsonContext.Deserialize<NodeStatus>(text);
        if (status is null || !status.Running || IsAlive(status.Pid)) return status;
        return status with
        {
            Running = false,
            Attachments = status.Attachments.Select(a => a with { State = "stopped", Connected = false }).ToList(),
        };
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
