namespace Moltnet.Configuration.Tree;

internal enum ConfigNodeKind
{
    Null,
    Scalar,
    Map,
    List,
}

/// <summary>
/// One node of a parsed config document, independent of the source format (YAML or JSON), carrying its dotted path
/// (<c>auth.tokens[0].scopes</c>) so every error can name the key it is about.
/// </summary>
internal sealed class ConfigNode
{
    public required ConfigNodeKind Kind { get; init; }

    /// <summary>The dotted path from the document root; empty for the root itself.</summary>
    public required string Path { get; init; }

    /// <summary>The text of a scalar; null for other kinds.</summary>
    public string? Value { get; init; }

    /// <summary>True for a quoted YAML scalar or a JSON string: never read as a bool or a number.</summary>
    public bool Quoted { get; init; }

    /// <summary>For a JSON scalar: the token kind ("string", "number", "true", "false"); null for YAML.</summary>
    public string? JsonKind { get; init; }

    public IReadOnlyList<KeyValuePair<string, ConfigNode>> Entries { get; init; } = [];

    public IReadOnlyList<ConfigNode> Items { get; init; } = [];

    public static string Child(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    public static string Item(string parent, int index) => $"{parent}[{index}]";

    /// <summary>A word for error messages: "a map", "a list", "a string", …</summary>
    public string Describe() => Kind switch
    {
        ConfigNodeKind.Map => "a map",
        ConfigNodeKind.List => "a list",
        ConfigNodeKind.Null => "null",
        _ => JsonKind is "number" ? "a number" : JsonKind is "true" or "false" ? "a boolean" : "a scalar",
    };
}
