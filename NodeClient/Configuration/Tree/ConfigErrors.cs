namespace Moltnet.Configuration.Tree;

/// <summary>Collects every problem found while loading a config, each naming its source, key and problem.</summary>
internal sealed class ConfigErrors
{
    private readonly List<string> _items = [];

    public IReadOnlyList<string> Items => _items;

    public bool Any => _items.Count > 0;

    /// <summary>Adds <c>source: path: problem</c> (the path is left out when empty).</summary>
    public void Add(string source, string path, string problem) =>
        _items.Add(path.Length == 0 ? $"{source}: {problem}" : $"{source}: {path}: {problem}");
}
