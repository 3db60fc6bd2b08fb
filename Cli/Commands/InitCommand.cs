using System.CommandLine;

namespace Moltnet.Cli.Commands;

/// <summary>
/// <c>moltnet init [dir] [--force]</c>: create the directory (0700) and write a starter <c>Moltnet</c> and
/// <c>MoltnetNode</c> (0600). Existing files are kept unless <c>--force</c> is given.
/// </summary>
public static class InitCommand
{
    public const string ServerTemplate = """
        version: moltnet.v1
        network:
          id: local
          name: Local Moltnet
        server:
          listen_addr: ":8787"
          human_ingress: true
          debug_events: false
        storage:
          kind: sqlite
          sqlite:
            path: .moltnet/moltnet.db
        rooms: []
        pairings: []

        """;

    public const string NodeTemplate = """
        version: moltnet.node.v1
        moltnet:
          base_url: http://127.0.0.1:8787
          network_id: local
        attachments: []

        """;

    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDir = PrivateFile | UnixFileMode.UserExecute;

    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "Where to write the files.", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "." }.RejectOptionLike();
        var force = new Option<bool>("--force") { Description = "Overwrite existing files." };
        var command = new Command("init", "Write a starter Moltnet and MoltnetNode.") { dir, force };
        command.SetAction(parseResult => Run(
            parseResult.GetValue(dir) ?? ".",
            parseResult.GetValue(force),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Prints <c>exists &lt;p&gt;</c>*, <c>initialized &lt;dir&gt;</c>, then <c>no files created</c> or <c>created &lt;p&gt;</c>*.</summary>
    private static int Run(string dir, bool force, TextWriter stdout, TextWriter stderr)
    {
        (string Name, string Text)[] files = [("Moltnet", ServerTemplate), ("MoltnetNode", NodeTemplate)];
        var exists = new List<string>();
        var created = new List<string>();
        try
        {
            CreatePrivateDirectory(dir);
            foreach (var (name, text) in files)
            {
                var path = CliHost.JoinPath(dir, name);
                if (!force && (File.Exists(path) || Directory.Exists(path)))
                {
                    exists.Add(path);
                    continue;
                }
                WritePrivate(path, text);
                created.Add(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            CliHost.Error(stderr, $"init: {ex.Message}");
            return 1;
        }
        foreach (var path in exists) stdout.WriteLine($"exists {path}");
        stdout.WriteLine($"initialized {dir}");
        if (created.Count == 0) stdout.WriteLine("no files created");
        foreach (var path in created) stdout.WriteLine($"created {path}");
        return 0;
    }

    /// <summary>Creates <paramref name="dir"/> and any missing parents with mode 0700 (existing ones are left alone).</summary>
    private static void CreatePrivateDirectory(string dir)
    {
        var full = Path.GetFullPath(dir);
        if (Directory.Exists(full)) return;
        if (Path.GetDirectoryName(full) is { } parent) CreatePrivateDirectory(parent);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(full);
        else Directory.CreateDirectory(full, PrivateDir);
    }

    /// <summary>Writes a 0600 temp file next to <paramref name="path"/> and renames it over the target.</summary>
    private static void WritePrivate(string path, string text)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = PrivateFile;
        try
        {
            using (var writer = new StreamWriter(temp, options)) writer.Write(text);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
