using System.CommandLine;
using System.Text;

namespace Moltnet.Cli.Commands;

/// <summary><c>moltnet completion bash|zsh</c>: a static completion script generated from the command tree.</summary>
public static class CompletionCommand
{
    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print a shell completion script (bash or zsh).") { shell };
        command.SetAction(parse =>
        {
            var root = parse.RootCommandResult.Command;
            parse.InvocationConfiguration.Output.Write(parse.GetValue(shell) == "zsh" ? Zsh(root) : Bash(root));
            return 0;
        });
        return command;
    }

    /// <summary>Every command path ("" for the root, "admin room") with its subcommand names and flags.</summary>
    public static IEnumerable<(string Path, IReadOnlyList<string> Words)> Table(Command root)
    {
        var stack = new Stack<(string, Command)>([("", root)]);
        while (stack.Count > 0)
        {
            var (path, command) = stack.Pop();
            var words = command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name))
                .Concat(command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(o => o.StartsWith("--", StringComparison.Ordinal)))
                .Distinct().Order(StringComparer.Ordinal).ToList();
            yield return (path, words);
            foreach (var sub in command.Subcommands.Where(c => !c.Hidden))
                stack.Push((path.Length == 0 ? sub.Name : $"{path} {sub.Name}", sub));
        }
    }

    private static string Bash(Command root)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# moltnet bash completion: source <(moltnet completion bash)");
        sb.AppendLine("_moltnet() {");
        sb.AppendLine("  local cur cmdpath w i");
        sb.AppendLine("  cur=\"${COMP_WORDS[COMP_CWORD]}\"");
        sb.AppendLine("  cmdpath=\"\"");
        sb.AppendLine("  for ((i = 1; i < COMP_CWORD; i++)); do");
        sb.AppendLine("    w=\"${COMP_WORDS[i]}\"");
        sb.AppendLine("    [[ \"$w\" == -* ]] && continue");
        sb.AppendLine("    if _moltnet_words \"${cmdpath:+$cmdpath }$w\" >/dev/null; then cmdpath=\"${cmdpath:+$cmdpath }$w\"; fi");
        sb.AppendLine("  done");
        sb.AppendLine("  COMPREPLY=($(compgen -W \"$(_moltnet_words \"$cmdpath\")\" -- \"$cur\"))");
        sb.AppendLine("}");
        AppendWords(sb, root);
        sb.AppendLine("complete -o default -F _moltnet moltnet");
        return sb.ToString();
    }

    private static string Zsh(Command root)
    {
        var sb = new StringBuilder();
        sb.AppendLine("#compdef moltnet");
        sb.AppendLine("# moltnet zsh completion: moltnet completion zsh > \"${fpath[1]}/_moltnet\"");
        sb.AppendLine("_moltnet() {");
        sb.AppendLine("  local cmdpath w");
        sb.AppendLine("  local -a candidates");
        sb.AppendLine("  cmdpath=\"\"");
        sb.AppendLine("  for w in \"${(@)words[2,CURRENT-1]}\"; do");
        sb.AppendLine("    [[ \"$w\" == -* ]] && continue");
        sb.AppendLine("    if _moltnet_words \"${cmdpath:+$cmdpath }$w\" >/dev/null; then cmdpath=\"${cmdpath:+$cmdpath }$w\"; fi");
        sb.AppendLine("  done");
        sb.AppendLine("  candidates=(${(s: :)$(_moltnet_words \"$cmdpath\")})");
        sb.AppendLine("  compadd -a candidates");
        sb.AppendLine("}");
        AppendWords(sb, root);
        sb.AppendLine("compdef _moltnet moltnet");
        return sb.ToString();
    }

    /// <summary>The shell function both scripts share: the words that may follow a command path.</summary>
    private static void AppendWords(StringBuilder sb, Command root)
    {
        sb.AppendLine("_moltnet_words() {");
        sb.AppendLine("  case \"$1\" in");
        foreach (var (path, words) in Table(root))
            sb.AppendLine($"    \"{path}\") echo \"{string.Join(' ', words)}\" ;;");
        sb.AppendLine("    *) return 1 ;;");
        sb.AppendLine("  esac");
        sb.AppendLine("}");
    }
}
