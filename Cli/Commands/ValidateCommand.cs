using System.CommandLine;
using Moltnet.NodeClient.Configuration;
using Moltnet.Silo.Configuration;

namespace Moltnet.Cli.Commands;

/// <summary>
/// <c>moltnet validate [path]</c>: a directory validates its server config and node config (whichever exist); a file
/// is tried as a server config, then as a node config. Prints <c>validated &lt;p&gt;</c> per valid file; every
/// problem goes to stderr and the exit code is 1.
/// </summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A config file or a directory (default: .).", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "." }.RejectOptionLike();
        var command = new Command("validate", "Check Moltnet and MoltnetNode config files.") { path };
        command.SetAction(parseResult => Run(
            parseResult.GetValue(path) ?? ".",
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error,
            Environment.GetEnvironmentVariable));
        return command;
    }

    private static int Run(string path, TextWriter stdout, TextWriter stderr, Func<string, string?> env)
    {
        if (Directory.Exists(path)) return RunDirectory(path, stdout, stderr, env);
        if (!File.Exists(path))
        {
            CliHost.Error(stderr, $"{path}: no such file or directory");
            return 1;
        }
        var server = TryServer(path, env);
        var node = server is null ? null : TryNode(path, env);
        if (server is null || node is null)
        {
            stdout.WriteLine($"validated {path}");
            return 0;
        }
        var lines = new[] { $"{path}: not a valid Moltnet or MoltnetNode config" }
            .Concat(server.Select(e => "as Moltnet: " + e))
            .Concat(node.Select(e => "as MoltnetNode: " + e));
        CliHost.Error(stderr, string.Join('\n', lines));
        return 1;
    }

    private static int RunDirectory(string dir, TextWriter stdout, TextWriter stderr, Func<string, string?> env)
    {
        var server = ConfigLoader.FindFile(dir) is { } s ? CliHost.JoinPath(dir, Path.GetFileName(s)) : null;
        var node = NodeConfigLoader.FindFile(dir) is { } n ? CliHost.JoinPath(dir, Path.GetFileName(n)) : null;
        if (server is null && node is null)
        {
            CliHost.Error(stderr, $"no Moltnet or MoltnetNode config found in {dir}");
            return 1;
        }
        var errors = new List<string>();
        if (server is not null) Report(server, TryServer(server, env), stdout, errors);
        if (node is not null) Report(node, TryNode(node, env), stdout, errors);
        if (errors.Count == 0) return 0;
        CliHost.Error(stderr, string.Join('\n', errors));
        return 1;
    }

    private static void Report(string path, IReadOnlyList<string>? problems, TextWriter stdout, List<string> errors)
    {
        if (problems is null) stdout.WriteLine($"validated {path}");
        else errors.AddRange(problems);
    }

    /// <summary>Null when <paramref name="path"/> is a valid server config, else its problems.</summary>
    private static IReadOnlyList<string>? TryServer(string path, Func<string, string?> env)
    {
        try
        {
            ConfigLoader.LoadFile(path, env);
            return null;
        }
        catch (ConfigException ex)
        {
            return ex.Errors;
        }
    }

    /// <summary>Null when <paramref name="path"/> is a valid node config, else its problems.</summary>
    private static IReadOnlyList<string>? TryNode(string path, Func<string, string?> env)
    {
        try
        {
            NodeConfigLoader.LoadFile(path, env);
            return null;
        }
        catch (NodeConfigException ex)
        {
            return ex.Errors;
        }
    }
}
