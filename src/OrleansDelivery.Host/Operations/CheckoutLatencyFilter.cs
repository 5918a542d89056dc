using OrleansDelivery.Grains.Operations;

namespace OrleansDelivery.Host.Operations;

/// <summary>Times a checkout as its customer waits for it, into the business meter's checkout histogram.</summary>
internal sealed class CheckoutLatencyFilter(DeliveryMetrics metrics, TimeProvider time) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var started = time.GetTimestamp();
        var status = StatusCodes.Status500InternalServerError;
        try
        {
            var result = await next(context);
            status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : context.HttpContext.Response.StatusCode;
            return result;
        }
        finally
        {
            metrics.CheckoutTook(time.GetElapsedTime(started), status);
        }
    }
}
