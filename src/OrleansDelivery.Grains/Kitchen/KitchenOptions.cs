namespace OrleansDelivery.Grains.Kitchen;

/// <summary>
/// The kitchen simulator (<c>Kitchen:Simulate</c>, on by default in Development) and how fast its clock runs
/// (<c>Kitchen:TimeScale</c>: 1 is real time, 60 turns a minute into a second).
/// </summary>
public sealed class KitchenOptions
{
    public const string Section = "Kitchen";

    public bool Simulate { get; set; }

    public double TimeScale { get; set; } = 1;
}
