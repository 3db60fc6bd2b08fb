using Moltnet.Wire;

namespace Moltnet.Grains.Domain.Messaging;

/// <summary>One artifact per part that is not plain text or carries a url, filename or media type (spec §1).</summary>
public static class ArtifactExtractor
{
    public static IReadOnlyList<Artifact> Extract(Message message)
    {
        var result = new List<Artifact>();
        for (var i = 0; i < message.Parts.Count; i++)
        {
            var p = message.Parts[i];
            if (p.Kind == "text" && string.IsNullOrEmpty(p.Url) && string.IsNullOrEmpty(p.Filename) && string.IsNullOrEmpty(p.MediaType))
                continue;
            var id = $"art_{message.Id}_{i}";
            result.Add(new Artifact
            {
                Id = id,
                NetworkId = message.NetworkId,
                Fqid = Ids.Fqid(message.NetworkId, "artifacts", id),
                MessageId = message.Id,
                Target = message.Target,
                PartIndex = i,
                Kind = p.Kind,
                MediaType = NullIfEmpty(p.MediaType),
                Filename = NullIfEmpty(p.Filename),
                Url = NullIfEmpty(p.Url),
                CreatedAt = message.CreatedAt,
            });
        }
        return result;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
