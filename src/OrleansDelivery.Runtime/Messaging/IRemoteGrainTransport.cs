using OrleansDelivery.Runtime.Directory;

namespace OrleansDelivery.Runtime.Messaging;

/// <summary>
/// Carries a request to another silo and its response back. The request's arguments go out through
/// <see cref="GrainRequest.WriteArguments"/>, the result comes back through <see cref="GrainRequest{TResult}.ReadResult"/>.
/// </summary>
internal interface IRemoteGrainTransport
{
    void Send(SiloAddress silo, GrainRequest request);
}
