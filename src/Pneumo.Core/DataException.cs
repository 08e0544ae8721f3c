namespace Pneumo;

/// <summary>Bad input data: a missing or malformed dataset folder, an unreadable image. The message is one line for the user.</summary>
public class DataException(string message, Exception? inner = null) : UserError(message, inner);
