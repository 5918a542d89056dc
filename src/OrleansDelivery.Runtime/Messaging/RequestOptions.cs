namespace OrleansDelivery.Runtime;

/// <summary>How a request may share its activation with others; emitted by the code generator from method attributes.</summary>
[Flags]
public enum RequestOptions
{
    None = 0,

    /// <summary>From <see cref="ReadOnlyAttribute"/>: may interleave with other read-only requests.</summary>
    ReadOnly = 1,

    /// <summary>From <see cref="AlwaysInterleaveAttribute"/>: may interleave with any request.</summary>
    AlwaysInterleave = 2,
}
