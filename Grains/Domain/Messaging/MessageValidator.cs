using Moltnet.Wire;

namespace Moltnet.Grains.Domain.Messaging;

/// <summary>Step 5 of <c>POST /v1/messages</c>: shape validation, each failure a 422 (spec §1, §2.5).</summary>
public static class MessageValidator
{
    public const int MaxParticipants = 256;

    public static void Validate(string messageId, Actor from, IReadOnlyList<Part>? parts, Target target)
    {
        if (string.IsNullOrWhiteSpace(from.Id)) throw MoltnetException.Unprocessable("from.id is required");
        if (!Ids.IsValidMember(from.Id.Trim())) throw MoltnetException.Unprocessable($"invalid from.id \"{from.Id}\"");
        if (parts is null || parts.Count == 0) throw MoltnetException.Unprocessable("parts must not be empty");
        for (var i = 0; i < parts.Count; i++) ValidatePart(parts[i], i);
        if (!Ids.IsValid(messageId)) throw MoltnetException.Unprocessable($"invalid message id \"{messageId}\"");
        ValidateTarget(target);
    }

    private static void ValidatePart(Part? part, int index)
    {
        if (part is null) throw MoltnetException.Unprocessable($"parts[{index}] must be an object");
        if (!Part.Kinds.Contains(part.Kind))
            throw MoltnetException.Unprocessable($"parts[{index}].kind \"{part.Kind}\" is not supported");
        if (string.IsNullOrEmpty(part.Url)) return;
        if (!Uri.TryCreate(part.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "molt"))
            throw MoltnetException.Unprocessable($"parts[{index}].url must use http, https or molt");
        if (uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.Host))
            throw MoltnetException.Unprocessable($"parts[{index}].url must have a host");
    }

    private static void ValidateTarget(Target target)
    {
        switch (target.Kind)
        {
            case TargetKind.Room:
                RequireId(target.RoomId, "target.room_id");
                break;
            case TargetKind.Thread:
                RequireId(target.ThreadId, "target.thread_id");
                RequireId(target.RoomId, "target.room_id");
                if (!string.IsNullOrEmpty(target.ParentMessageId)) RequireId(target.ParentMessageId, "target.parent_message_id");
                break;
            case TargetKind.Dm:
                RequireId(target.DmId, "target.dm_id");
                var participants = NormalizeParticipants(target.ParticipantIds);
                if (participants.Count is < 2 or > MaxParticipants)
                    throw MoltnetException.Unprocessable($"target.participant_ids must list 2 to {MaxParticipants} distinct participants");
                break;
            default:
                throw MoltnetException.Unprocessable($"target.kind \"{target.Kind}\" must be room, thread or dm");
        }
    }

    /// <summary>Trimmed, de-duplicated (first occurrence kept) participant ids; each must be a valid member id.</summary>
    public static List<string> NormalizeParticipants(IReadOnlyList<string>? ids)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var raw in ids ?? [])
        {
            var id = raw?.Trim() ?? "";
            if (!Ids.IsValidMember(id)) throw MoltnetException.Unprocessable($"invalid participant id \"{raw}\"");
            if (seen.Add(id)) result.Add(id);
        }
        return result;
    }

    private static void RequireId(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value)) throw MoltnetException.Unprocessable($"{field} is required");
        if (!Ids.IsValid(value.Trim())) throw MoltnetException.Unprocessable($"invalid {field} \"{value}\"");
    }
}
