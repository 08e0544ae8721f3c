namespace Pneumo.Persistence;

/// <summary>A folder is locked by another job; the message names the folder and, when known, the other process.</summary>
public sealed class RunFolderLockedException(string folder, int? pid)
    : UserError($"{folder}: in use by another pneumo process{(pid is null ? "" : $" (pid {pid})")}; wait for it to end or use another folder")
{
    public string Folder { get; } = folder;
    public int? Pid { get; } = pid;
}
