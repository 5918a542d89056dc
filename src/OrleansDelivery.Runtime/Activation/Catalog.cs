using System.Collections.Concurrent;

namespace OrleansDelivery.Runtime.Activation;

/// <summary>The activations living in this silo, at most one per grain.</summary>
internal sealed class Catalog(GrainRuntime runtime)
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private volatile bool _acceptingActivations = true;

    public int Count => _activations.Count;

    public ICollection<ActivationData> Activations => _activations.Values;

    /// <summary>Queues the request on the grain's activation, creating the activation if there is none.</summary>
    public void Deliver(GrainRequest request)
    {
        var grainId = request.Target;
        while (true)
        {
            if (!_activations.TryGetValue(grainId, out var activation))
            {
                if (!_acceptingActivations)
                {
                    request.Reject(new SiloUnavailableException($"The silo is shutting down and activates no grains; the call {request.InterfaceName}.{request.MethodName} to {grainId} was not run."));
                    return;
                }

                if (!runtime.Registry.TryGetClass(grainId.Type, out var grainClass))
                {
                    request.Reject(new GrainRegistrationException($"No grain class has the grain type '{grainId.Type}'."));
                    return;
                }

                var created = new ActivationData(runtime, grainClass, grainId);
                activation = _activations.GetOrAdd(grainId, created);
                if (ReferenceEquals(activation, created))
                {
                    // Queue the request first so it is the first call the new activation sees.
                    created.TryEnqueue(request);
                    created.Activate();
                    return;
                }
            }

            // False only when that activation has just ended: look again, a new one will be made.
            if (activation.TryEnqueue(request))
            {
                return;
            }
        }
    }

    public bool TryGet(GrainId grainId, out ActivationData activation) => _activations.TryGetValue(grainId, out activation!);

    public void Remove(ActivationData activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));

    /// <summary>Drops every activation without running grain code (the silo's host was disposed without stopping).</summary>
    public void Kill()
    {
        _acceptingActivations = false;
        foreach (var activation in _activations.Values)
        {
            activation.Kill();
        }

        _activations.Clear();
    }

    /// <summary>Stops new activations and deactivates every activation, letting running turns finish.</summary>
    public async Task DeactivateAllAsync(CancellationToken cancellationToken)
    {
        _acceptingActivations = false;
        var reason = new DeactivationReason(DeactivationReasonCode.ShuttingDown, "The silo is shutting down.");
        var ended = new List<Task>();
        foreach (var activation in _activations.Values)
        {
            activation.DeactivateOnIdle(reason);
            ended.Add(activation.Ended);
        }

        await Task.WhenAll(ended).WaitAsync(cancellationToken);
    }
}
