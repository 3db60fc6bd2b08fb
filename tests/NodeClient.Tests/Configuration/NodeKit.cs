using Moltnet.NodeClient.Configuration;
using Moltnet.TestSupport;

namespace Moltnet.NodeClient.Tests.Configuration;

/// <summary>Writes a MoltnetNode into a temp dir and loads it with an injected environment.</summary>
internal static class NodeKit
{
    public const string Shared = """
        moltnet:
          base_url: http://127.0.0.1:8787
          network_id: local

        """;

    /// <summary>A valid file: the shared block plus the given attachments YAML (already indented as list items).</summary>
    public static string WithAttachments(string attachments) => Shared + "attachments:\n" + attachments;

    public static MoltnetNode Load(TempDirectory dir, string text, IReadOnlyDictionary<string, string?>? env = null,
        string fileName = "MoltnetNode", UnixFileMode mode = TempDirectory.Private)
    {
        dir.Write(fileName, text, mode);
        return NodeConfigLoader.Load(fileName, dir.Path, Env(env));
    }

    public static MoltnetNode Load(string text, IReadOnlyDictionary<string, string?>? env = null, string fileName = "MoltnetNode")
    {
        using var dir = new TempDirectory();
        return Load(dir, text, env, fileName);
    }

    public static NodeConfigException Fail(string text, IReadOnlyDictionary<string, string?>? env = null, string fileName = "MoltnetNode")
    {
        using var dir = new TempDirectory();
        return Fail(dir, text, env, fileName);
    }

    public static NodeConfigException Fail(TempDirectory dir, string text, IReadOnlyDictionary<string, string?>? env = null,
        string fileName = "MoltnetNode", UnixFileMode mode = TempDirectory.Private) =>
        Assert.Throws<NodeConfigException>(() => Load(dir, text, env, fileName, mode));

    public static Func<string, string?> Env(IReadOnlyDictionary<string, string?>? env) =>
        name => env is not null && env.TryGetValue(name, out var v) ? v : null;

    /// <summary>Asserts that an error contains <paramref name="fragment"/> (errors carry the file path as prefix).</summary>
    public static void HasError(NodeConfigException ex, string fragment) =>
        Assert.True(ex.Errors.Any(e => e.Contains(fragment, StringComparison.Ordinal)),
            $"expected an error containing:\n  {fragment}\ngot:\n  {string.Join("\n  ", ex.Errors)}");
}
