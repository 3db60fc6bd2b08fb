using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Moltnet.Configuration.Tree;

/// <summary>Reads YAML or JSON text into a <see cref="ConfigNode"/> tree. Syntax problems become errors, never exceptions.</summary>
internal static class ConfigTreeReader
{
    private const int MaxDepth = 64;

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = MaxDepth,
    };

    /// <summary>True when <paramref name="path"/> names a JSON file (by extension); everything else is YAML.</summary>
    public static bool IsJsonPath(string path) => Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads and parses a config file. A missing file, a directory, an unreadable or malformed file is recorded in
    /// <paramref name="errors"/>; null is also returned for an empty document (then without errors).
    /// </summary>
    public static ConfigNode? ReadFile(string fullPath, string source, ConfigErrors errors)
    {
        if (Directory.Exists(fullPath))
        {
            errors.Add(source, "", "is a directory, expected a config file");
            return null;
        }
        if (!File.Exists(fullPath))
        {
            errors.Add(source, "", "config file not found");
            return null;
        }
        try
        {
            return Parse(File.ReadAllText(fullPath), IsJsonPath(fullPath), "", source, errors);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(source, "", $"cannot read config file: {ex.Message}");
            return null;
        }
    }

    /// <summary>Parses <paramref name="text"/>; returns null (and records an error) when it is not well-formed.</summary>
    public static ConfigNode? Parse(string text, bool json, string rootPath, string source, ConfigErrors errors)
    {
        try
        {
            return json ? ParseJson(text, rootPath, source, errors) : ParseYaml(text, rootPath, source, errors);
        }
        catch (JsonException ex)
        {
            errors.Add(source, "", $"invalid JSON: {ex.Message}");
        }
        catch (YamlException ex)
        {
            errors.Add(source, "", $"invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {Innermost(ex).Message}");
        }
        catch (ArgumentException ex)
        {
            errors.Add(source, "", $"invalid YAML: {ex.Message}");
        }
        return null;
    }

    private static Exception Innermost(Exception ex) => ex.InnerException is { } inner ? Innermost(inner) : ex;

    private static ConfigNode ParseJson(string text, string rootPath, string source, ConfigErrors errors)
    {
        using var doc = JsonDocument.Parse(text, JsonOptions);
        return FromJson(doc.RootElement, rootPath, source, errors);
    }

    private static ConfigNode FromJson(JsonElement e, string path, string source, ConfigErrors errors)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var entries = new List<KeyValuePair<string, ConfigNode>>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    var childPath = ConfigNode.Child(path, p.Name);
                    if (!seen.Add(p.Name))
                    {
                        errors.Add(source, childPath, "duplicate key");
                        continue;
                    }
                    entries.Add(new(p.Name, FromJson(p.Value, childPath, source, errors)));
                }
                return new ConfigNode { Kind = ConfigNodeKind.Map, Path = path, Entries = entries };
            case JsonValueKind.Array:
                var items = e.EnumerateArray().Select((x, i) => FromJson(x, ConfigNode.Item(path, i), source, errors)).ToList();
                return new ConfigNode { Kind = ConfigNodeKind.List, Path = path, Items = items };
            case JsonValueKind.Null:
                return new ConfigNode { Kind = ConfigNodeKind.Null, Path = path };
            case JsonValueKind.String:
                return new ConfigNode { Kind = ConfigNodeKind.Scalar, Path = path, Value = e.GetString(), Quoted = true, JsonKind = "string" };
            case JsonValueKind.Number:
                return new ConfigNode { Kind = ConfigNodeKind.Scalar, Path = path, Value = e.GetRawText(), JsonKind = "number" };
            default:
                var b = e.ValueKind == JsonValueKind.True ? "true" : "false";
                return new ConfigNode { Kind = ConfigNodeKind.Scalar, Path = path, Value = b, JsonKind = b };
        }
    }

    private static ConfigNode? ParseYaml(string text, string rootPath, string source, ConfigErrors errors)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        if (stream.Documents.Count == 0) return null;
        if (stream.Documents.Count > 1) errors.Add(source, "", "only one YAML document is allowed");
        return FromYaml(stream.Documents[0].RootNode, rootPath, 0, source, errors);
    }

    private static ConfigNode FromYaml(YamlNode node, string path, int depth, string source, ConfigErrors errors)
    {
        if (depth > MaxDepth) throw new YamlException(node.Start, node.End, "document is nested too deeply");
        switch (node)
        {
            case YamlMappingNode map:
                var entries = new List<KeyValuePair<string, ConfigNode>>();
                foreach (var (keyNode, valueNode) in map.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key })
                    {
                        errors.Add(source, path, $"keys must be plain strings (line {keyNode.Start.Line})");
                        continue;
                    }
                    entries.Add(new(key, FromYaml(valueNode, ConfigNode.Child(path, key), depth + 1, source, errors)));
                }
                return new ConfigNode { Kind = ConfigNodeKind.Map, Path = path, Entries = entries };
            case YamlSequenceNode seq:
                var items = seq.Children.Select((x, i) => FromYaml(x, ConfigNode.Item(path, i), depth + 1, source, errors)).ToList();
                return new ConfigNode { Kind = ConfigNodeKind.List, Path = path, Items = items };
            case YamlScalarNode scalar:
                var quoted = scalar.Style is not ScalarStyle.Plain;
                if (!quoted && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL")
                    return new ConfigNode { Kind = ConfigNodeKind.Null, Path = path };
                return new ConfigNode { Kind = ConfigNodeKind.Scalar, Path = path, Value = scalar.Value ?? "", Quoted = quoted };
            default:
                errors.Add(source, path, "unsupported YAML node");
                return new ConfigNode { Kind = ConfigNodeKind.Null, Path = path };
        }
    }
}
