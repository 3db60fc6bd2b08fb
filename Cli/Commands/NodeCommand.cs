using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Moltnet.NodeClient.Configuration;
using Moltnet.NodeClient.Daemon;

namespace Moltnet.Cli.Commands;

/// <summary>What a <c>node status</c> section sees: the node config path given (if any) and where to write.</summary>
public sealed record NodeStatusContext(string? ConfigPath, string WorkingDirectory, bool Json, TextWriter Output, TextWriter Error);

/// <summary>One section of <c>moltnet node status</c>; returns its exit code (non-zero fails the command).</summary>
public delegate Task<int> NodeStatusSection(NodeStatusContext context, CancellationToken ct);

/// <summary>
/// <c>moltnet node …</c>: <c>start [path]</c> runs the node daemon (spec node-and-cli §2.1), <c>status [path]</c> prints
/// per-attachment health, <c>help</c> prints usage. Other features add subcommands through <paramref name="extend"/> and
/// append their own <c>status</c> sections, printed after the attachments section.
/// </summary>
public static class NodeCommand
{
    public static Command Create(Action<Command>? extend = null, params NodeStatusSection[] statusSections)
    {
        var node = new Command("node", "Run the node daemon that attaches agents to their runtimes, or a remote node; manage remote nodes.")
        {
            CreateStart(),
            CreateStatus(statusSections),
            CreateHelp(),
        };
        extend?.Invoke(node);
        return node;
    }

    private static Argument<string?> PathArgument() => new("path")
    {
        Description = "MoltnetNode config (default: $MOLTNET_NODE_CONFIG, then ./MoltnetNode, moltnet-node.yaml, .yml, .json)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private static Command CreateStart()
    {
        var path = PathArgument();
        var start = new Command("start", "Attach every configured agent and wake its runtime (foreground, until SIGINT/SIGTERM).") { path };
        start.SetAction((parse, ct) => StartAsync(parse.GetValue(path), parse.InvocationConfiguration.Error, ct));
        return start;
    }

    private static async Task<int> StartAsync(string? path, TextWriter stderr, CancellationToken ct)
    {
        MoltnetNode config;
        try
        {
            config = NodeConfigLoader.Load(path, Directory.GetCurrentDirectory(), Environment.GetEnvironmentVariable);
        }
        catch (NodeConfigException e)
        {
            CliHost.Error(stderr, string.Join('\n', e.Errors));
            return 1;
        }
        // SIGINT/SIGTERM stop the node cleanly (exit 0); the root command leaves signals to each command.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        var result = await NodeDaemon.RunAsync(config, new NodeDaemonOptions { Log = new NodeLog(stderr) }, stop.Token);
        if (result.Error is { } error) CliHost.Error(stderr, error);
        return result.ExitCode;
    }

    private static Command CreateStatus(NodeStatusSection[] extra)
    {
        var path = PathArgument();
        var json = new Option<bool>("--json") { Description = "Print the status as JSON" };
        var status = new Command("status", "Show the health of each attachment of the node (and of other node features).") { path, json };
        status.SetAction(async (parse, ct) =>
        {
            var context = new NodeStatusContext(parse.GetValue(path), Directory.GetCurrentDirectory(), parse.GetValue(json),
                parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            var code = AttachmentsStatus(context);
            foreach (var section in extra) code = Math.Max(code, await section(context, ct));
            return code;
        });
        return status;
    }

    /// <summary>The attachments section: read from the node's <c>status.json</c> next to its config.</summary>
    private static int AttachmentsStatus(NodeStatusContext context)
    {
        // A machine that only runs a remote node has no MoltnetNode: say so and let the other sections speak.
        if (context.ConfigPath is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MOLTNET_NODE_CONFIG"))
            && NodeConfigLoader.FindFile(context.WorkingDirectory) is null)
        {
            if (!context.Json) context.Output.WriteLine("node daemon: no MoltnetNode config here");
            return 0;
        }
        string configPath;
        try
        {
            configPath = NodeConfigLoader.Load(context.ConfigPath, context.WorkingDirectory, Environment.GetEnvironmentVariable).SourcePath!;
        }
        catch (NodeConfigException e)
        {
            CliHost.Error(context.Error, string.Join('\n', e.Errors));
            return 1;
        }
        var status = StatusBoard.Read(StateFiles.StateDirectory(configPath));
        if (context.Json)
        {
            context.Output.WriteLine(status is null ? "{\"running\": false, \"attachments\": []}" : NodeStatusText.Json(status));
            return 0;
        }
        if (status is null)
        {
            context.Output.WriteLine($"node: never started with {configPath}");
            return 0;
        }
        NodeStatusText.Write(status, context.Output, TimeProvider.System.GetUtcNow());
        return 0;
    }

    private static Command CreateHelp()
    {
        var help = new Command("help", "Show usage of the node commands.");
        help.SetAction(parse =>
        {
            var node = parse.CommandResult.Parent is System.CommandLine.Parsing.CommandResult parent ? parent.Command : parse.RootCommandResult.Command;
            return CliHost.WriteUsage(parse.RootCommandResult.Command, parse.InvocationConfiguration.Output, node.Name);
        });
        return help;
    }
}

/// <summary>Text and JSON renderings of a <see cref="NodeStatus"/>.</summary>
internal static class NodeStatusText
{
    public static string Json(NodeStatus status) => NodeStatusJson.Serialize(status);

    public static void Write(NodeStatus status, TextWriter output, DateTimeOffset now)
    {
        output.WriteLine(status.Running
            ? $"node: running (pid {status.Pid}, since {Stamp(status.StartedAt)}) network {status.NetworkId} at {status.BaseUrl}"
            : $"node: stopped (last update {Stamp(status.UpdatedAt)}) network {status.NetworkId} at {status.BaseUrl}");
        if (status.Attachments.Count == 0) output.WriteLine("attachments: none");
        foreach (var a in status.Attachments)
        {
            output.WriteLine($"attachment {a.AgentId} ({a.Runtime}): {(a.Connected ? "connected" : "disconnected")}, state {a.State}");
            output.WriteLine($"  last wake: {(a.LastWakeAt is { } w ? $"{Stamp(w)} ({Ago(now - w)} ago) message {a.LastWakeMessageId}" : "never")}; wakes {a.Wakes}, failed {a.FailedWakes}, reconnects {a.Reconnects}");
            output.WriteLine($"  last error: {(a.LastError is { } e ? $"{Stamp(a.LastErrorAt!.Value)} {e}" : "none")}");
            if (a.Cursor is { } c) output.WriteLine($"  cursor: {c}");
        }
    }

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Ago(TimeSpan d) => d.TotalSeconds < 120
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)d.TotalSeconds)}s")
        : d.TotalMinutes < 120 ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalMinutes}m") : string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalHours}h");
}
