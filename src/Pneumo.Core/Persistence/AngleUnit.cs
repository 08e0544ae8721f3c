namespace Pneumo.Persistence;

/// <summary>Unit of a shear angle. The paper states radians; Keras' <c>shear_range</c> is in degrees.</summary>
public enum AngleUnit
{
    Radians,
    Degrees,
}
