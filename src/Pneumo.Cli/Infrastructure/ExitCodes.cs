namespace Pneumo.Cli.Infrastructure;

/// <summary>0 success, 1 the job failed, 2 bad usage or bad input.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
}
