namespace OrleansDelivery.Runtime;

/// <summary>Well-known grain storage names.</summary>
public static class GrainStorageNames
{
    public const string Default = "Default";
}

/// <summary>Well-known stream provider names.</summary>
public static class StreamProviderNames
{
    public const string Default = "Default";
}
