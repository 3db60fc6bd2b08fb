using System.Globalization;

namespace Moltnet.Configuration.Tree;

/// <summary>
/// A typed view of one map in a config tree. Keys outside the allowed set are reported as unknown (with their full
/// path) when the view is made; every accessor reports a wrong type instead of throwing, and absent or null values
/// read as null.
/// </summary>
internal sealed class ConfigMap
{
    private readonly Dictionary<string, ConfigNode> _values = new(StringComparer.Ordinal);

    private ConfigMap(string path, string source, ConfigErrors errors)
    {
        Path = path;
        Source = source;
        Errors = errors;
    }

    public string Path { get; }

    public string Source { get; }

    public ConfigErrors Errors { get; }

    /// <summary>Views <paramref name="node"/> (null = empty map) at <paramref name="path"/>, reporting unknown keys.</summary>
    public static ConfigMap Of(ConfigNode? node, string path, string source, ConfigErrors errors, params ReadOnlySpan<string> allowed)
    {
        var map = new ConfigMap(path, source, errors);
        if (node is null || node.Kind == ConfigNodeKind.Null) return map;
        if (node.Kind != ConfigNodeKind.Map)
        {
            errors.Add(source, path, $"must be a map, got {node.Describe()}");
            return map;
        }
        foreach (var (key, value) in node.Entries)
        {
            if (!allowed.Contains(key))
            {
                errors.Add(source, ConfigNode.Child(path, key), $"unknown key (allowed: {string.Join(", ", allowed.ToArray())})");
                continue;
            }
            if (value.Kind != ConfigNodeKind.Null) map._values[key] = value;
        }
        return map;
    }

    public string PathOf(string key) => ConfigNode.Child(Path, key);

    /// <summary>Records a problem about <paramref name="key"/> of this map.</summary>
    public void Error(string key, string problem) => Errors.Add(Source, PathOf(key), problem);

    /// <summary>True when the key is present with a non-null value.</summary>
    public bool Has(string key) => _values.ContainsKey(key);

    public ConfigNode? Node(string key) => _values.GetValueOrDefault(key);

    public ConfigMap Map(string key, params ReadOnlySpan<string> allowed) =>
        Of(Node(key), PathOf(key), Source, Errors, allowed);

    public string? String(string key) => Node(key) is { } n ? AsString(n) : null;

    public bool? Bool(string key)
    {
        if (Node(key) is not { } n) return null;
        if (n is { Kind: ConfigNodeKind.Scalar, Quoted: false } && bool.TryParse(n.Value, out var b)) return b;
        Errors.Add(Source, n.Path, $"must be true or false, got {Show(n)}");
        return null;
    }

    public int? Int(string key)
    {
        if (Node(key) is not { } n) return null;
        if (n is { Kind: ConfigNodeKind.Scalar, Quoted: false } && n.JsonKind is null or "number"
            && int.TryParse(n.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)) return i;
        Errors.Add(Source, n.Path, $"must be an integer, got {Show(n)}");
        return null;
    }

    /// <summary>The items of a list (empty when absent or not a list; the latter is reported).</summary>
    public IReadOnlyList<ConfigNode> List(string key)
    {
        if (Node(key) is not { } n) return [];
        if (n.Kind == ConfigNodeKind.List) return n.Items;
        Errors.Add(Source, n.Path, $"must be a list, got {n.Describe()}");
        return [];
    }

    /// <summary>A list of strings; null when absent. Items that are not strings are reported and skipped.</summary>
    public IReadOnlyList<string>? Strings(string key)
    {
        if (!Has(key)) return null;
        return List(key).Select(AsString).OfType<string>().ToList();
    }

    private string? AsString(ConfigNode n)
    {
        if (n.Kind == ConfigNodeKind.Scalar && n.JsonKind is null or "string") return n.Value;
        Errors.Add(Source, n.Path, $"must be a string, got {n.Describe()}");
        return null;
    }

    private static string Show(ConfigNode n) => n.Kind == ConfigNodeKind.Scalar ? $"\"{n.Value}\"" : n.Describe();
}
