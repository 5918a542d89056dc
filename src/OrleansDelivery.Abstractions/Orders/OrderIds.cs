using System.Security.Cryptography;
using System.Text;

namespace OrleansDelivery.Orders;

/// <summary>Where an order's id comes from.</summary>
public static class OrderIds
{
    /// <summary>
    /// The order one customer's <c>Idempotency-Key</c> stands for: derived from both, so a retried checkout finds the
    /// order the first attempt placed without a lookup (or a database row) of its own, and two customers' keys never
    /// meet.
    /// </summary>
    public static Guid ForIdempotencyKey(Guid customerId, string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"orleans-delivery/checkout/{customerId:N}/{idempotencyKey}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}
