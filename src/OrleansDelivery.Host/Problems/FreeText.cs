namespace OrleansDelivery.Host.Problems;

/// <summary>
/// Text a person typed may hold line breaks and tabs, but no other control characters: a NUL or an escape sequence
/// is never meant, and some stores and terminals treat them specially.
/// </summary>
internal static class FreeText
{
    public static bool HasControlCharacters(string? text) =>
        text is not null && text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));
}
