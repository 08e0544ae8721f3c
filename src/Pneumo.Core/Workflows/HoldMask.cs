using Pneumo.Models;
using Pneumo.Pruning;
using Pneumo.Training;
using Pneumo.Training.Callbacks;

namespace Pneumo.Workflows;

/// <summary>Re-applies a pruning mask after every optimizer step, so pruned weights stay zero while the network retrains.</summary>
/// <remarks>
/// After the step, not only after the epoch: Adam's momentum moves a zeroed weight again at the next step, and the
/// step's loss must be that of the pruned network. It lives here, not in Pruning or Training, because those two are
/// one layer and do not use each other.
/// </remarks>
public sealed class HoldMask(PruningMask mask, ClassifierModel model) : Callback
{
    public override string Name => "pruning_mask";

    public override void OnStepEnd(TrainingContext context) => mask.Apply(model);
}
