namespace OrleansDelivery.Runtime;

/// <summary>
/// The identity of a grain: its stable type name and its key. Two grains are the same grain exactly when
/// both parts are equal, whichever silo or process holds them.
/// </summary>
public readonly record struct GrainId
{
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(key);
        Type = type;
        Key = key;
    }

    /// <summary>The grain type name, from <see cref="GrainTypeAttribute"/> or the class name.</summary>
    public string Type { get; }

    /// <summary>The key as text: a string key as is, a <see cref="Guid"/> as 32 hex digits, an integer in invariant digits.</summary>
    public string Key { get; }

    public override string ToString() => $"{Type}/{Key}";
}
