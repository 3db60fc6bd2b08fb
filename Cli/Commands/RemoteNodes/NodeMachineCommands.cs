using System.CommandLine;
using System.Runtime.InteropServices;
using Moltnet.Cli.Client;
using Moltnet.NodeClient.RemoteNodes;

namespace Moltnet.Cli.Commands.RemoteNodes;

/// <summary>Commands run on the node machine: <c>node add</c>, <c>node run</c>, <c>node remove</c>, <c>node logs</c>.
/// Configuration problems exit 78 (EX_CONFIG), like an authentication refusal, so a service manager does not loop.</summary>
internal static class NodeMachineCommands
{
    public const int ConfigErrorExitCode = RemoteNodeAgent.AuthFailedExitCode;

    public static Command Add()
    {
        var host = new Option<string?>("--host") { Description = "Gateway URL, e.g. ws://server:8787/ws (env MOLTNET_GATEWAY_URL)" };
        var token = new Option<string?>("--token") { Description = "Device token from `moltnet node generate-token` (env MOLTNET_DEVICE_TOKEN)" };
        var name = new Option<string?>("--name") { Description = "Display name (default: the host name)" };
        var nodeId = new Option<string?>("--node-id") { Description = "The node id the token was issued for (checked by the server)" };
        var workingDir = new Option<string?>("--working-dir") { Description = "Default working directory for commands (default: $HOME)" };
        var timeout = new Option<int>("--timeout") { Description = "Default and maximum command timeout in seconds", DefaultValueFactory = _ => RemoteNodeSettings.DefaultTimeout };
        var foreground = new Option<bool>("--foreground") { Description = "Connect now in this process instead of installing a service" };
        var add = new Command("add", "Register this machine as a remote node and start it (as a service unless --foreground).")
        {
            host, token, name, nodeId, workingDir, timeout, foreground,
        };
        add.SetAction(async (parse, ct) =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            var stdout = parse.InvocationConfiguration.Output;
            RemoteNodeSettings settings;
            try
            {
                settings = Validate(new RemoteNodeSettings
                {
                    GatewayUrl = parse.GetValue(host) ?? Env("MOLTNET_GATEWAY_URL"),
                    DeviceToken = parse.GetValue(token) ?? Env("MOLTNET_DEVICE_TOKEN"),
                    DisplayName = parse.GetValue(name),
                    NodeId = parse.GetValue(nodeId),
                    WorkingDir = parse.GetValue(workingDir) is { } w ? Path.GetFullPath(w) : null,
                    Timeout = parse.GetValue(timeout),
                });
            }
            catch (RemoteNodeException e)
            {
                CliHost.Error(stderr, e.Message);
                return ConfigErrorExitCode;
            }
            if (parse.GetValue(foreground)) return await RunAgentAsync(settings, stderr, ct);
            settings.Save(RemoteNodeSettings.ConfigPath);
            stdout.WriteLine($"saved {RemoteNodeSettings.ConfigPath} (mode 0600)");
            if (NodeService.Available() is not { } service)
            {
                stdout.WriteLine("no service manager (systemd user bus or launchd) found: running in the foreground; " +
                    "use `moltnet node run` from your own supervisor to keep it running");
                return await RunAgentAsync(settings, stderr, ct);
            }
            if (await service.InstallAsync(NodeService.RunCommand(), ct) is { } failure)
            {
                CliHost.Error(stderr, failure);
                return 1;
            }
            stdout.WriteLine($"installed and started the {service.Name} {service.UnitPath}");
            stdout.WriteLine($"log: {RemoteNodeSettings.LogPath}");
            return 0;
        });
        return add;
    }

    public static Command Run()
    {
        var timeout = new Option<int?>("--timeout") { Description = "Override the saved command timeout (seconds)" };
        var run = new Command("run", "Run the remote node from ~/.moltnet/node.json (the service entry point).") { timeout };
        run.SetAction(async (parse, ct) =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            RemoteNodeSettings settings;
            try
            {
                settings = RemoteNodeSettings.Load(RemoteNodeSettings.ConfigPath)
                    ?? throw new RemoteNodeException($"not registered as a node ({RemoteNodeSettings.ConfigPath} is missing); run `moltnet node add`");
                settings = Validate(settings with
                {
                    GatewayUrl = Env("MOLTNET_GATEWAY_URL") ?? settings.GatewayUrl,
                    DeviceToken = Env("MOLTNET_DEVICE_TOKEN") ?? settings.DeviceToken,
                    Timeout = parse.GetValue(timeout) ?? settings.Timeout,
                });
            }
            catch (RemoteNodeException e)
            {
                CliHost.Error(stderr, e.Message);
                return ConfigErrorExitCode;
            }
            return await RunAgentAsync(settings, stderr, ct);
        });
        return run;
    }

    public static Command Remove()
    {
        var remove = new Command("remove", "Stop and uninstall the remote-node service and delete ~/.moltnet/node.json.");
        remove.SetClientAction(async (parse, io, ct) =>
        {
            var service = NodeService.Detect();
            if (File.Exists(service.UnitPath)) await service.UninstallAsync(ct);
            var existed = File.Exists(RemoteNodeSettings.ConfigPath);
            File.Delete(RemoteNodeSettings.ConfigPath);
            io.Out.WriteLine(existed ? "removed the remote node configuration and service" : "Not registered as a node.");
            return 0;
        });
        return remove;
    }

    public static Command Logs()
    {
        var logs = new Command("logs", "Print the path of the remote node's log.");
        logs.SetClientAction((parse, io, ct) =>
        {
            io.Out.WriteLine(RemoteNodeSettings.LogPath);
            return Task.FromResult(0);
        });
        return logs;
    }

    private static RemoteNodeSettings Validate(RemoteNodeSettings s)
    {
        if (string.IsNullOrWhiteSpace(s.GatewayUrl)) throw new RemoteNodeException("--host is required (or MOLTNET_GATEWAY_URL)");
        RemoteNodeSettings.GatewayUri(s.GatewayUrl);
        if (string.IsNullOrWhiteSpace(s.DeviceToken)) throw new RemoteNodeException("--token is required (or MOLTNET_DEVICE_TOKEN)");
        if (!DeviceTokens.LooksValid(s.DeviceToken.Trim())) throw new RemoteNodeException("the device token must be mdt_ followed by 43 base64url characters");
        if (s.NodeId is { } id && !Ids.IsValid(id)) throw new RemoteNodeException($"invalid --node-id \"{id}\"");
        if (s.WorkingDir is { } dir && !Directory.Exists(dir)) throw new RemoteNodeException($"--working-dir {dir} does not exist");
        if (s.Timeout <= 0) throw new RemoteNodeException("--timeout must be a positive number of seconds");
        NodePolicy.Load(RemoteNodeSettings.PolicyPath);
        return s with { DeviceToken = s.DeviceToken.Trim() };
    }

    private static async Task<int> RunAgentAsync(RemoteNodeSettings settings, TextWriter log, CancellationToken ct)
    {
        NodePolicy policy;
        try
        {
            policy = NodePolicy.Load(RemoteNodeSettings.PolicyPath);
        }
        catch (RemoteNodeException e)
        {
            CliHost.Error(log, e.Message);
            return ConfigErrorExitCode;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        var code = await new RemoteNodeAgent(settings, policy, log).RunAsync(stop.Token);
        if (code == RemoteNodeAgent.AuthFailedExitCode)
            CliHost.Error(log, "the gateway refused the device token; generate a new one with `moltnet node generate-token`");
        return code;
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;
}
