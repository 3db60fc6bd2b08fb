using System.Text;

namespace Moltnet.Web.Tests.Observability;

/// <summary>One span as received over OTLP; ids in lower-case hex, "" for an absent parent.</summary>
internal sealed record OtlpSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    int Kind,
    string Scope,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<(string TraceId, string SpanId)> Links,
    IReadOnlyDictionary<string, string> Resource);

/// <summary>
/// Just enough of the protobuf wire format to read an OTLP <c>ExportTraceServiceRequest</c>:
/// ResourceSpans(resource=1, scope_spans=2) → ScopeSpans(scope=1, spans=2) → Span(trace_id=1, span_id=2,
/// parent_span_id=4, name=5, kind=6, attributes=9, links=13); KeyValue(key=1, value=2); AnyValue(string=1, bool=2,
/// int=3, double=4).
/// </summary>
internal static class OtlpProtobuf
{
    public static List<OtlpSpan> ReadTraces(byte[] body)
    {
        var spans = new List<OtlpSpan>();
        foreach (var rs in Fields(body).Where(f => f.Number == 1))
        {
            var resource = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var r in Fields(rs.Bytes).Where(f => f.Number == 1))
                foreach (var kv in Fields(r.Bytes).Where(f => f.Number == 1)) AddAttribute(resource, kv.Bytes);
            foreach (var ss in Fields(rs.Bytes).Where(f => f.Number == 2))
            {
                var scope = "";
                foreach (var f in Fields(ss.Bytes))
                {
                    if (f.Number == 1) scope = Text(Fields(f.Bytes).FirstOrDefault(x => x.Number == 1).Bytes);
                    if (f.Number == 2) spans.Add(ReadSpan(f.Bytes, scope, resource));
                }
            }
        }
        return spans;
    }

    private static OtlpSpan ReadSpan(ReadOnlyMemory<byte> span, string scope, IReadOnlyDictionary<string, string> resource)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var links = new List<(string, string)>();
        foreach (var f in Fields(span))
        {
            switch (f.Number)
            {
                case 1: traceId = Hex(f.Bytes); break;
                case 2: spanId = Hex(f.Bytes); break;
                case 4: parent = Hex(f.Bytes); break;
                case 5: name = Text(f.Bytes); break;
                case 6: kind = (int)f.Varint; break;
                case 9: AddAttribute(attributes, f.Bytes); break;
                case 13:
                    var link = Fields(f.Bytes).ToList();
                    links.Add((Hex(link.First(x => x.Number == 1).Bytes), Hex(link.First(x => x.Number == 2).Bytes)));
                    break;
            }
        }
        return new OtlpSpan(traceId, spanId, parent, name, kind, scope, attributes, links, resource);
    }

    private static void AddAttribute(Dictionary<string, string> into, ReadOnlyMemory<byte> keyValue)
    {
        string key = "", value = "";
        foreach (var f in Fields(keyValue))
        {
            if (f.Number == 1) key = Text(f.Bytes);
            if (f.Number != 2) continue;
            foreach (var v in Fields(f.Bytes))
            {
                value = v.Number switch
                {
                    1 => Text(v.Bytes),
                    2 => v.Varint != 0 ? "true" : "false",
                    3 => ((long)v.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    4 => BitConverter.Int64BitsToDouble((long)v.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => value,
                };
            }
        }
        into[key] = value;
    }

    private readonly record struct Field(int Number, ulong Varint, ReadOnlyMemory<byte> Bytes);

    /// <summary>The fields of one message: varints and fixed-width values in <see cref="Field.Varint"/>, length-delimited
    /// ones in <see cref="Field.Bytes"/>.</summary>
    private static IEnumerable<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var pos = 0;
        while (pos < message.Length)
        {
            var key = ReadVarint(message.Span, ref pos);
            var number = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    yield return new Field(number, ReadVarint(message.Span, ref pos), default);
                    break;
                case 1:
                    yield return new Field(number, BitConverter.ToUInt64(message.Span.Slice(pos, 8)), default);
                    pos += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message.Span, ref pos);
                    yield return new Field(number, 0, message.Slice(pos, length));
                    pos += length;
                    break;
                case 5:
                    yield return new Field(number, BitConverter.ToUInt32(message.Span.Slice(pos, 4)), default);
                    pos += 4;
                    break;
                default:
                    throw new InvalidDataException($"unsupported protobuf wire type {key & 7}");
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[pos++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }

    private static string Hex(ReadOnlyMemory<byte> bytes) => Convert.ToHexStringLower(bytes.Span);

    private static string Text(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
