using System.ComponentModel.DataAnnotations;

namespace OrleansDelivery.Host.Tracking;

/// <summary>The <c>Tracking</c> section: how the live relays make up for a stream that missed a step or a notification.</summary>
public sealed class TrackingOptions
{
    public const string Section = "Tracking";

    /// <summary>
    /// How often each node reads its watched, unfinished orders from their grains and its connected customers' inboxes,
    /// and how old a step or a notification must be before its absence counts as missed. Shorter catches a lost one
    /// sooner at the price of one read per watched order and per connected customer per period; the stream itself
    /// delivers in milliseconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00", ErrorMessage = "Tracking:CatchUpPeriod must be between 50 ms and 1 hour.")]
    public TimeSpan CatchUpPeriod { get; set; } = TimeSpan.FromSeconds(10);
}
