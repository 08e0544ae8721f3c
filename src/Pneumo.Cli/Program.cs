using Pneumo.Cli;
using Pneumo.Cli.Infrastructure;

return await PneumoApp.RunAsync(args, Terminal.ForProcess());
