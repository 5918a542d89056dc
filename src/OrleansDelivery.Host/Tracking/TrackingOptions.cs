using System.ComponentModel.DataAnnotations;

namespace OrleansDelivery.Host.Tracking;

/// <summary>The <c>Tracking</c> section: how the live-tracking relay makes up for a stream that missed a step.</summary>
public sealed class TrackingOptions
{
    public const string Section = "Tracking";

    /// <summary>
    /// How often each node reads its watched, unfinished orders from their grains, and how old a step must be before
    /// its absence counts as missed. Shorter catches a lost step sooner at the price of one order read per watched
    /// order per period; the stream itself delivers in milliseconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00", ErrorMessage = "Tracking:CatchUpPeriod must be between 50 ms and 1 hour.")]
    public TimeSpan CatchUpPeriod { get; set; } = TimeSpan.FromSeconds(10);
}
