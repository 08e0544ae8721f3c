namespace Pneumo.Evaluation.Metrics;

/// <summary>Scores that are NaN or infinite were given to a metric: refused, one line naming what produced them.</summary>
/// <remarks>
/// A user error, not a bug: such scores come from a model with NaN or diverged weights (a damaged <c>--init</c> model,
/// a damaged checkpoint, a learning rate far too high), and the front ends show the line with exit code 2.
/// </remarks>
public sealed class NonFiniteScoresException : UserError
{
    public NonFiniteScoresException(string message) : base(message) => Code = ErrorCode.NonFiniteScore;
}
