using System.Text.Json;

namespace OrleansDelivery.Runtime.Reminders;

/// <summary>The call a reminder tick makes: <see cref="IRemindable.ReceiveReminder"/>, written by hand as the generator would.</summary>
internal sealed class ReminderTickRequest : GrainRequest<VoidResult>
{
    public const string Id = "OrleansDelivery.Runtime.IRemindable.ReceiveReminder(System.String,OrleansDelivery.Runtime.TickStatus)";

    public string ReminderName { get; set; } = "";

    public TickStatus Status { get; set; }

    public override string InterfaceName => nameof(IRemindable);

    public override string MethodName => nameof(IRemindable.ReceiveReminder);

    public override string MethodId => Id;

    public override void WriteArguments(Utf8JsonWriter writer, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        JsonSerializer.Serialize(writer, ReminderName, options);
        JsonSerializer.Serialize(writer, Status, options);
        writer.WriteEndArray();
    }

    public override void ReadArguments(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected the arguments array.");
        }

        reader.Read();
        ReminderName = JsonSerializer.Deserialize<string>(ref reader, options) ?? "";
        reader.Read();
        Status = JsonSerializer.Deserialize<TickStatus>(ref reader, options);
        reader.Read();
        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException("Expected the end of the arguments array.");
        }
    }

    protected override ValueTask<VoidResult> InvokeAsync(object grain) =>
        grain is IRemindable remindable
            ? VoidResult.From(remindable.ReceiveReminder(ReminderName, Status))
            : throw new InvalidOperationException($"Grain {Target} has a reminder '{ReminderName}' but does not implement IRemindable.");
}
