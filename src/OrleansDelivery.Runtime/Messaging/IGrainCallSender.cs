namespace OrleansDelivery.Runtime;

/// <summary>
/// Sends requests made through grain references. The silo's implementation decides where the target
/// activation lives: in this process, or (with a cluster) on another silo.
/// </summary>
public interface IGrainCallSender
{
    /// <summary>Sends the request to <paramref name="target"/>; the outcome arrives on the request's result task.</summary>
    void Send(GrainId target, GrainRequest request);
}
