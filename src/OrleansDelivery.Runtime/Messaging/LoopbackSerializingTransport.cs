using System.Buffers;
using System.Text.Json;
using OrleansDelivery.Runtime.Activation;
using OrleansDelivery.Runtime.Directory;

namespace OrleansDelivery.Runtime.Messaging;

/// <summary>
/// Sends local calls the way a remote call would go: arguments written to JSON and read into a fresh request,
/// the result written back and read again. Used with <see cref="Hosting.SiloOptions.SerializeLocalCalls"/> to prove
/// every call can cross a process boundary. Requests the runtime itself makes without a generated factory
/// (stream deliveries) pass through unchanged.
/// </summary>
internal sealed class LoopbackSerializingTransport(GrainRuntime runtime) : IRemoteGrainTransport
{
    public void Send(SiloAddress silo, GrainRequest request)
    {
        if (!runtime.Registry.TryCreateRequest(request.MethodId, out var delivered))
        {
            runtime.Catalog.Deliver(request);
            return;
        }

        var options = runtime.Serializer.Options;
        try
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                request.WriteArguments(writer, options);
            }

            var reader = new Utf8JsonReader(buffer.WrittenSpan);
            reader.Read();
            delivered.ReadArguments(ref reader, options);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or InvalidOperationException)
        {
            request.Reject(new InvalidOperationException($"The arguments of {request.InterfaceName}.{request.MethodName} cannot be serialized: {exception.Message}", exception));
            return;
        }

        delivered.Target = request.Target;
        delivered.Caller = request.Caller;
        delivered.DeadlineTimestamp = request.DeadlineTimestamp;
        request.CompleteFrom(delivered, options);
        runtime.Catalog.Deliver(delivered);
    }
}
