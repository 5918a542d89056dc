namespace OrleansDelivery.Postgres.Tests.Grains;

/// <summary>A grain with one persisted note; it tells which silo it lives on, for failover tests.</summary>
public interface INoteGrain : IGrainWithStringKey
{
    Task<NoteState> GetAsync();

    Task SetAsync(string text);

    Task<string> GetSiloAsync();
}

/// <summary>Another grain type that names its state "note" too, to prove the two never share a row.</summary>
public interface ILabelGrain : IGrainWithStringKey
{
    Task<NoteState> GetAsync();

    Task SetAsync(string text);
}

public interface IGuidNoteGrain : IGrainWithGuidKey
{
    Task SetAsync(string text);
}

public interface INumberedNoteGrain : IGrainWithIntegerCompoundKey
{
    Task SetAsync(string text);
}

[GenerateSerializer, Alias("test.note-state")]
public sealed record NoteState
{
    [Id(0)]
    public string? Text { get; init; }

    [Id(1)]
    public int Writes { get; init; }
}

public sealed class NoteGrain([PersistentState("note")] IPersistentState<NoteState> note, ILocalSiloDetails silo) : Grain, INoteGrain
{
    public Task<NoteState> GetAsync() => Task.FromResult(note.State);

    public async Task SetAsync(string text)
    {
        note.State = new NoteState { Text = text, Writes = note.State.Writes + 1 };
        await note.WriteStateAsync();
    }

    public Task<string> GetSiloAsync() => Task.FromResult(silo.SiloAddress.ToParsableString());
}

public sealed class LabelGrain([PersistentState("note")] IPersistentState<NoteState> note) : Grain, ILabelGrain
{
    public Task<NoteState> GetAsync() => Task.FromResult(note.State);

    public async Task SetAsync(string text)
    {
        note.State = new NoteState { Text = text, Writes = note.State.Writes + 1 };
        await note.WriteStateAsync();
    }
}

public sealed class GuidNoteGrain([PersistentState("note")] IPersistentState<NoteState> note) : Grain, IGuidNoteGrain
{
    public async Task SetAsync(string text)
    {
        note.State = new NoteState { Text = text, Writes = note.State.Writes + 1 };
        await note.WriteStateAsync();
    }
}

public sealed class NumberedNoteGrain([PersistentState("note")] IPersistentState<NoteState> note) : Grain, INumberedNoteGrain
{
    public async Task SetAsync(string text)
    {
        note.State = new NoteState { Text = text, Writes = note.State.Writes + 1 };
        await note.WriteStateAsync();
    }
}
