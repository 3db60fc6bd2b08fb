using System.Diagnostics;
using System.Security;
using Moltnet.NodeClient.RemoteNodes;

namespace Moltnet.Cli.Commands.RemoteNodes;

/// <summary>The service that keeps <c>moltnet node run</c> alive (remote-nodes.md §9, ours): a systemd user unit or a
/// launchd agent whose command line holds no secret (<c>node run</c> reads the 0600 node.json), restarting always except
/// after an authentication refusal (exit 78).</summary>
public abstract class NodeService
{
    public abstract string Name { get; }
    public abstract string UnitPath { get; }
    public abstract string Render(IReadOnlyList<string> command);
    public abstract Task<string?> InstallAsync(IReadOnlyList<string> command, CancellationToken ct);
    public abstract Task UninstallAsync(CancellationToken ct);
    public abstract string State();

    /// <summary>systemd with a user bus, launchd on macOS, else null (no service manager: run in the foreground).</summary>
    public static NodeService? Available()
    {
        if (OperatingSystem.IsMacOS()) return new Launchd();
        if (OperatingSystem.IsLinux() && Run("systemctl", "--user", "show-environment").Code == 0) return new Systemd();
        return null;
    }

    /// <summary>The service kind for this platform, whether or not its manager answers (for status and remove).</summary>
    public static NodeService Detect() => OperatingSystem.IsMacOS() ? new Launchd() : new Systemd();

    /// <summary>The command that runs this moltnet: the executable, or <c>dotnet moltnet.dll</c>, then <c>node run</c>.</summary>
    public static IReadOnlyList<string> RunCommand()
    {
        var process = Environment.ProcessPath ?? "moltnet";
        var list = new List<string> { process };
        if (Path.GetFileNameWithoutExtension(process) == "dotnet") list.Add(typeof(NodeService).Assembly.Location);
        list.AddRange(["node", "run"]);
        return list;
    }

    protected static (int Code, string Output) Run(string file, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (-1, "");
        }
    }

    private sealed class Systemd : NodeService
    {
        public override string Name => "systemd user unit";
        public override string UnitPath => Path.Combine(ConfigHome(), "systemd", "user", "moltnet-node.service");

        private static string ConfigHome() =>
            Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } x ? x
            : Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");

        public override string Render(IReadOnlyList<string> command) => $"""
            [Unit]
            Description=Moltnet remote node
            After=network-online.target
            Wants=network-online.target

            [Service]
            Type=simple
            ExecStart={string.Join(' ', command.Select(Quote))}
            Restart=always
            RestartSec=10
            RestartPreventExitStatus=78
            StandardOutput=append:{RemoteNodeSettings.LogPath}
            StandardError=append:{RemoteNodeSettings.LogPath}

            [Install]
            WantedBy=default.target

            """;

        private static string Quote(string arg) => "\"" + arg.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

        public override Task<string?> InstallAsync(IReadOnlyList<string> command, CancellationToken ct)
        {
            Run("systemctl", "--user", "stop", "moltnet-node.service");
            Directory.CreateDirectory(Path.GetDirectoryName(UnitPath)!);
            File.WriteAllText(UnitPath, Render(command));
            foreach (var step in new[] { new[] { "daemon-reload" }, ["enable", "moltnet-node.service"], ["start", "moltnet-node.service"] })
                if (Run("systemctl", ["--user", .. step]).Code != 0) return Task.FromResult<string?>($"systemctl --user {string.Join(' ', step)} failed");
            return Task.FromResult<string?>(null);
        }

        public override Task UninstallAsync(CancellationToken ct)
        {
            Run("systemctl", "--user", "stop", "moltnet-node.service");
            Run("systemctl", "--user", "disable", "moltnet-node.service");
            File.Delete(UnitPath);
            Run("systemctl", "--user", "daemon-reload");
            return Task.CompletedTask;
        }

        public override string State()
        {
            if (!File.Exists(UnitPath)) return "not installed";
            var (code, output) = Run("systemctl", "--user", "show", "moltnet-node.service", "-p", "ActiveState", "-p", "MainPID");
            if (code != 0) return "installed (systemd user bus unavailable)";
            var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
                .ToDictionary(p => p[0], p => p[1].Trim());
            return values.GetValueOrDefault("ActiveState") == "active" ? $"running (pid {values.GetValueOrDefault("MainPID")})" : "stopped";
        }
    }

    private sealed class Launchd : NodeService
    {
        private const string Label = "org.moltnet.node";
        public override string Name => "launchd agent";
        public override string UnitPath => Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "", "Library", "LaunchAgents", Label + ".plist");
        private static string Domain => "gui/" + Run("id", "-u").Output.Trim();

        public override string Render(IReadOnlyList<string> command) => $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0">
            <dict>
              <key>Label</key><string>{Label}</string>
              <key>ProgramArguments</key>
              <array>
            {string.Concat(command.Select(a => $"    <string>{SecurityElement.Escape(a)}</string>\n"))}  </array>
              <key>RunAtLoad</key><true/>
              <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
              <key>ThrottleInterval</key><integer>10</integer>
              <key>StandardOutPath</key><string>{SecurityElement.Escape(RemoteNodeSettings.LogPath)}</string>
              <key>StandardErrorPath</key><string>{SecurityElement.Escape(RemoteNodeSettings.LogPath)}</string>
              <key>ProcessType</key><string>Background</string>
            </dict>
            </plist>

            """;

        public override Task<string?> InstallAsync(IReadOnlyList<string> command, CancellationToken ct)
        {
            Run("launchctl", "bootout", Domain + "/" + Label);
            Directory.CreateDirectory(Path.GetDirectoryName(UnitPath)!);
            File.WriteAllText(UnitPath, Render(command));
            return Task.FromResult(Run("launchctl", "bootstrap", Domain, UnitPath).Code == 0 ? null : "launchctl bootstrap failed");
        }

        public override Task UninstallAsync(CancellationToken ct)
        {
            Run("launchctl", "bootout", Domain + "/" + Label);
            File.Delete(UnitPath);
            return Task.CompletedTask;
        }

        public override string State()
        {
            if (!File.Exists(UnitPath)) return "not installed";
            var (code, output) = Run("launchctl", "print", Domain + "/" + Label);
            var pid = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("pid = ", StringComparison.Ordinal));
            return code == 0 && pid is not null ? $"running ({pid.Replace(" = ", " ", StringComparison.Ordinal)})" : "stopped";
        }
    }
}
