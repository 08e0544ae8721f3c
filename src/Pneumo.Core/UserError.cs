namespace Pneumo;

/// <summary>
/// An error the user caused, not a bug: a bad option value, a missing or unreadable input file, a folder in the wrong
/// layout or state, a model directory that is incomplete or was changed. The message is one line for the user that
/// names the option, file or folder and what is wrong.
/// </summary>
/// <remarks>
/// Front ends show the message alone: the command line prints it as one line <c>error: MESSAGE</c> and exits with code 2,
/// the web service answers with the 4xx status of its <see cref="Code"/>. Any other exception is a bug (exit code 1, with
/// the stack trace logged). Throw <see cref="InvalidOperationException"/> or <see cref="ArgumentException"/> for broken
/// invariants instead.
/// </remarks>
public class UserError(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>What kind of refusal this is, for front ends to decide by (never by the message text).</summary>
    public ErrorCode Code { get; init; } = ErrorCode.InvalidInput;
}
