using Pneumo.Persistence;

namespace Pneumo.Evaluation.Metrics;

/// <summary>How <see cref="ReferralResult"/> is computed from labels, calibrated probabilities, a threshold and a referral rule.</summary>
public static class ReferralComputation
{
    /// <summary>The counts every referral rate is made of.</summary>
    private readonly record struct Counts(int Normal, int Pneumonia, int NormalCovered, int PneumoniaCovered, int ReferredNormal, int ReferredPneumonia,
                                          int Tp, int Fp, int Tn, int Fn)
    {
        public int N => Normal + Pneumonia;
        public int Referred => ReferredNormal + ReferredPneumonia;
        public int Decided => Tp + Fp + Tn + Fn;
        public double NormalCoverage => Ratio(NormalCovered, Normal);
        public double PneumoniaCoverage => Ratio(PneumoniaCovered, Pneumonia);
        public double ReferralRate => Ratio(Referred, N);
        public double DecidedAccuracy => Ratio(Tp + Tn, Decided);
        public double DecidedSensitivity => Ratio(Tp, Tp + Fn);
        public double DecidedSpecificity => Ratio(Tn, Tn + Fp);

        /// <summary>NaN for 0 / 0: a rate over no image means nothing (and a bootstrap resample where it happens is left out).</summary>
        private static double Ratio(int part, int whole) => whole == 0 ? double.NaN : (double)part / whole;

        public static Counts Of(IReadOnlyList<int> labels, IReadOnlyList<double> probabilities, double threshold, ReferralRule rule)
        {
            ConfusionMatrix.Check(labels, probabilities);
            int normal = 0, pneumonia = 0, normalCovered = 0, pneumoniaCovered = 0, referredNormal = 0, referredPneumonia = 0, tp = 0, fp = 0, tn = 0, fn = 0;
            for (int i = 0; i < labels.Count; i++)
            {
                double p = probabilities[i];
                bool sick = labels[i] == 1, called = p >= threshold;
                if (sick) { pneumonia++; if (rule.IncludesPneumonia(p)) pneumoniaCovered++; }
                else { normal++; if (rule.IncludesNormal(p)) normalCovered++; }
                if (rule.Refers(p, called))
                {
                    if (sick) referredPneumonia++; else referredNormal++;
                }
                else if (called) { if (sick) tp++; else fp++; }
                else if (sick) fn++;
                else tn++;
            }
            return new Counts(normal, pneumonia, normalCovered, pneumoniaCovered, referredNormal, referredPneumonia, tp, fp, tn, fn);
        }
    }

    extension(ReferralResult)
    {
        /// <summary>
        /// Per-class coverage of <paramref name="rule"/>'s conformal sets, its referral rate, and accuracy, sensitivity and
        /// specificity among the images it decides (labelled by <paramref name="threshold"/>), each with its percentile
        /// bootstrap interval over images.
        /// </summary>
        /// <param name="labels">1 = PNEUMONIA.</param>
        /// <param name="probabilities">Probabilities of PNEUMONIA on the scale the rule was fitted on (calibrated).</param>
        /// <param name="threshold">The model's threshold on that scale.</param>
        /// <param name="rule">The model's referral rule.</param>
        /// <param name="resamples">Bootstrap resamples; every rate uses the same ones (<paramref name="seed"/>).</param>
        /// <param name="seed">The bootstrap's seed.</param>
        public static ReferralResult Compute(IReadOnlyList<int> labels, IReadOnlyList<double> probabilities, double threshold, ReferralRule rule,
                                             int resamples = Bootstrap.DefaultResamples, int seed = 0)
        {
            var c = Counts.Of(labels, probabilities, threshold, rule);
            ConfidenceInterval Interval(Func<Counts, double> rate) =>
                Bootstrap.Statistic(labels, probabilities, (l, p) => rate(Counts.Of(l, p, threshold, rule)), resamples, seed);
            return new ReferralResult
            {
                CoverageTarget = rule.Coverage, Rule = rule.Describe(), NormalQuantile = rule.NormalQuantile, PneumoniaQuantile = rule.PneumoniaQuantile,
                Threshold = threshold,
                N = c.N, NormalImages = c.Normal, PneumoniaImages = c.Pneumonia, NormalCovered = c.NormalCovered, PneumoniaCovered = c.PneumoniaCovered,
                Referred = c.Referred, ReferredNormal = c.ReferredNormal, ReferredPneumonia = c.ReferredPneumonia,
                Decided = c.Decided, DecidedTp = c.Tp, DecidedFp = c.Fp, DecidedTn = c.Tn, DecidedFn = c.Fn,
                NormalCoverage = Interval(x => x.NormalCoverage),
                PneumoniaCoverage = Interval(x => x.PneumoniaCoverage),
                ReferralRate = Interval(x => x.ReferralRate),
                DecidedAccuracy = Interval(x => x.DecidedAccuracy),
                DecidedSensitivity = Interval(x => x.DecidedSensitivity),
                DecidedSpecificity = Interval(x => x.DecidedSpecificity),
            };
        }
    }
}
