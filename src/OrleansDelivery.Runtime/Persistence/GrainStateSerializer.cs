using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansDelivery.Runtime;

/// <summary>
/// How state, stream events and call arguments become bytes: UTF-8 JSON, so an operator can read a stored
/// record with psql. One instance per silo, shared by every provider.
/// </summary>
public sealed class GrainStateSerializer
{
    public GrainStateSerializer(JsonSerializerOptions? options = null)
    {
        Options = options ?? CreateDefaultOptions();
        Options.MakeReadOnly(populateMissingResolver: true);
    }

    public JsonSerializerOptions Options { get; }

    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public T Deserialize<T>(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize<T>(utf8Json, Options)
        ?? throw new JsonException($"Stored JSON for {typeof(T).Name} was null.");

    public static JsonSerializerOptions CreateDefaultOptions() => new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}
