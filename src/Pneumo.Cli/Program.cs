using Pneumo.Cli;

return await PneumoApp.RunAsync(args, Spectre.Console.AnsiConsole.Console);
