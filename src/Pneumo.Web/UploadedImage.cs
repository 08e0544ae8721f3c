namespace Pneumo.Web;

/// <summary>What was received: the sniffed format and the image's size.</summary>
public sealed record UploadedImage(string Format, int Width, int Height, long Bytes);
