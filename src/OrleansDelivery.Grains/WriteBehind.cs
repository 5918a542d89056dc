namespace OrleansDelivery.Grains;

/// <summary>
/// Writes a projection's state at most once per <see cref="Interval"/> while it changes, and once more when the
/// activation ends. For projections only: what a crash loses between writes is a few seconds of derived data.
/// </summary>
internal sealed class WriteBehind
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private Func<Task>? _write;
    private bool _dirty;

    public void Start(Grain grain, Func<Task> write)
    {
        _write = write;
        grain.RegisterGrainTimer(() => FlushAsync(), new GrainTimerCreationOptions(Interval, Interval) { KeepAlive = false });
    }

    public void MarkDirty() => _dirty = true;

    public async Task FlushAsync()
    {
        if (_dirty && _write is not null)
        {
            _dirty = false;
            await _write();
        }
    }
}
