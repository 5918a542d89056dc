using System.Text;

namespace OrleansDelivery.Runtime;

/// <summary>The limit every grain storage provider applies to the parts of a state record's key.</summary>
public static class GrainStorageKeys
{
    /// <summary>
    /// Most UTF-8 bytes of grain type + grain key + state name together. PostgreSQL's primary-key index takes
    /// entries up to about 2,700 bytes; this leaves room for the service id. 1,000 characters of Latin or
    /// Cyrillic fit; 1,000 characters of CJK (3 bytes each) do not.
    /// </summary>
    public const int MaxUtf8Bytes = 2048;

    /// <summary>Throws <see cref="ArgumentException"/> naming the grain when its key is too long to store.</summary>
    public static void Validate(string stateName, GrainId grainId)
    {
        var bytes = Encoding.UTF8.GetByteCount(grainId.Type) + Encoding.UTF8.GetByteCount(grainId.Key) + Encoding.UTF8.GetByteCount(stateName);
        if (bytes > MaxUtf8Bytes)
        {
            throw new ArgumentException(
                $"The state '{stateName}' of grain type '{grainId.Type}' cannot be stored: grain type, key and state name take {bytes:N0} UTF-8 bytes, and at most {MaxUtf8Bytes:N0} are allowed.",
                nameof(grainId));
        }
    }
}
