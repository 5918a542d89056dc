using System.Globalization;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Grains.Orders;

/// <summary>
/// One per silo and day (a stateless worker with a single local activation), taking numbers from its current block
/// and a new block of <see cref="BlockSize"/> when it runs out.
/// </summary>
[StatelessWorker(1)]
public sealed class OrderNumberAllocatorGrain : Grain, IOrderNumberAllocatorGrain
{
    public const int BlockSize = 20;

    private int _next;
    private int _end;

    public async Task<string> NextAsync()
    {
        var day = this.GetPrimaryKeyString();
        if (_next >= _end)
        {
            _next = await GrainFactory.GetGrain<IOrderNumberGrain>(day).ReserveAsync(BlockSize);
            _end = _next + BlockSize;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{day}-{_next++:D4}");
    }
}
