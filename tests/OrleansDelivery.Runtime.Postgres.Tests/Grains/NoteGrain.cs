namespace OrleansDelivery.Runtime.Postgres.Tests.Grains;

public sealed record NoteState
{
    public string Text { get; init; } = "";
}

public interface INoteGrain : IGrainWithStringKey
{
    Task SetAsync(string text);

    [ReadOnly]
    Task<string> GetAsync();
}

/// <summary>One persistent string: each call that changes it writes it.</summary>
public sealed class NoteGrain([PersistentState("note")] IPersistentState<NoteState> note) : Grain, INoteGrain
{
    public async Task SetAsync(string text)
    {
        note.State = new NoteState { Text = text };
        await note.WriteStateAsync();
    }

    public Task<string> GetAsync() => Task.FromResult(note.State.Text);
}
