namespace OrleansDelivery.Runtime;

/// <summary>
/// Base of every generated grain proxy. A reference is just an identity and a way to send: creating one
/// activates nothing, and two references to the same grain are equal.
/// </summary>
public abstract class GrainReference(GrainId grainId, IGrainCallSender sender) : IEquatable<GrainReference>
{
    public GrainId GrainId { get; } = grainId;

    /// <summary>Sends a request and returns the task of its result. Called by generated proxy methods.</summary>
    protected Task<TResult> InvokeAsync<TResult>(GrainRequest<TResult> request)
    {
        sender.Send(GrainId, request);
        return request.ResultTask;
    }

    public bool Equals(GrainReference? other) => other is not null && GrainId.Equals(other.GrainId);

    public override bool Equals(object? obj) => obj is GrainReference other && Equals(other);

    public override int GetHashCode() => GrainId.GetHashCode();

    public override string ToString() => GrainId.ToString();
}
