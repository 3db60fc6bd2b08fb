namespace Moltnet.Cli.Client;

/// <summary>A <c>room:&lt;id&gt;</c> or <c>dm:&lt;id&gt;</c> target (split at the first colon).</summary>
public sealed record Target(string Kind, string Id)
{
    public const string Room = "room";
    public const string Dm = "dm";

    public static Target Parse(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) throw new CliException("--target is required (room:<id> or dm:<id>)");
        var colon = raw.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == raw.Length - 1) throw new CliException("target must be room:<id> or dm:<id>");
        var kind = raw[..colon];
        var id = raw[(colon + 1)..];
        if (kind is not (Room or Dm)) throw new CliException($"unsupported target kind \"{kind}\" (use room:<id> or dm:<id>)");
        return new Target(kind, id);
    }

    /// <summary>The history/lookup path of the target: <c>/v1/rooms/{id}</c> or <c>/v1/dms/{id}</c>.</summary>
    public string Path => Kind == Room ? $"/v1/rooms/{Uri.EscapeDataString(Id)}" : $"/v1/dms/{Uri.EscapeDataString(Id)}";

    /// <summary>Refuses targets the attachment does not cover (spec node-and-cli §4 "Allowed check").</summary>
    public void CheckAllowed(ClientAttachment attachment)
    {
        if (Kind == Dm)
        {
            if (attachment.Dms?.Enabled != true)
                throw new CliException($"direct messages are not enabled for member \"{attachment.MemberId}\"");
            return;
        }
        var room = attachment.Rooms?.FirstOrDefault(r => r.Id == Id)
            ?? throw new CliException($"room \"{Id}\" is not attached for member \"{attachment.MemberId}\"");
        if (room.CanWrite == false || room.Access?.CanWrite == false)
            throw new CliException($"room \"{Id}\" is read-only for member \"{attachment.MemberId}\"");
    }

    public override string ToString() => $"{Kind}:{Id}";
}
