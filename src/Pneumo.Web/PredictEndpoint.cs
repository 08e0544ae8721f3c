using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using Pneumo.Data;
using Pneumo.Imaging.Dicom;
using Pneumo.Diagnosis;
using Pneumo.Explain;
using Pneumo.Imaging;
using Pneumo.Persistence;

namespace Pneumo.Web;

/// <summary>
/// <c>POST /api/predict</c>: an X-ray in the multipart form field <c>file</c>, answered with a <see cref="PredictResponse"/>.
/// </summary>
/// <remarks>
/// The answer is the <see cref="Prediction"/> contract, as <c>predict --format json</c> gives it, plus the service's own
/// fields (<see cref="PredictResponse"/>). Every refusal is an <see cref="ErrorCode"/> (the library's exceptions carry
/// theirs) whose status comes from <see cref="ErrorStatus"/>, never from a message's text.
/// Checks, in order, each answered with a one-sentence JSON <see cref="ApiError"/>: a multipart body (415), its size
/// (413 above <see cref="WebServerOptions.MaxUploadBytes"/>, from Content-Length when sent, else while reading), a
/// well-formed multipart body within the form limits (400 or 413 naming the limit, see <see cref="FormErrors"/>), a
/// non-empty <c>file</c> field (400), JPEG, PNG or DICOM content whatever the file is called (415; DICOM is recognised by
/// "DICM" at offset 128, and is 415 too when the server cannot read DICOM), the pixel count from the header before any
/// decoding (413 above <see cref="WebServerOptions.MaxPixels"/>), a DICOM modality that is a radiograph (422, unless
/// <see cref="WebServerOptions.AnyModality"/>), a decodable image (400; 415 for a DICOM layout that is not read).
/// A DICOM answer carries what was read and the window used, never a patient attribute (none is read).
/// Uploads are held in memory only, up to the size limit (never in ASP.NET's temporary files); nothing is written to disk. At most <see cref="WebServerOptions.MaxConcurrentJobs"/> requests decode and diagnose at once (more with <see cref="WebServerOptions.Batching"/>, to fill the batches).
/// </remarks>
public sealed class PredictEndpoint(Diagnoser diagnoser, WebServerOptions options)
{
    public const string FileField = "file";
    private const string UploadName = "the uploaded image";

    private readonly SemaphoreSlim jobs = new(options.ConcurrentJobs, options.ConcurrentJobs);
    private readonly FormOptions formOptions = new()
    {
        MultipartBodyLengthLimit = options.MaxUploadBytes,
        // The whole upload in memory: above this threshold ASP.NET would spill it to ASPNETCORE_*.tmp in the temporary
        // folder, where a DICOM file's patient name and ID would sit in clear (and stay after a crash).
        MemoryBufferThreshold = (int)Math.Min(int.MaxValue, options.MaxUploadBytes + 64 * 1024),
        ValueCountLimit = 16,
        KeyLengthLimit = 256,
    };

    private string TooLarge => $"the upload is larger than the {options.MaxUploadBytes / (1024.0 * 1024):0.#} MB limit";

    /// <summary>The request delegate: answers the request (a plain <c>Task</c>, so the routing cannot drop the result).</summary>
    public async Task HandleAsync(HttpContext context) => await (await AnswerAsync(context)).ExecuteAsync(context);

    private async Task<IResult> AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        var cancel = context.RequestAborted;
        if (!request.HasFormContentType || !MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return ApiError.Result(ErrorCode.UnsupportedFormat, $"send the image as multipart/form-data, in the field '{FileField}'");
        // The multipart envelope adds a few hundred bytes to the file; allow a little more than the file limit.
        if (request.ContentLength > options.MaxUploadBytes + 64 * 1024)
            return ApiError.Result(ErrorCode.TooLarge, TooLarge);

        byte[] bytes;
        try
        {
            context.Features.Set<IFormFeature>(new FormFeature(request, formOptions));
            var form = await request.ReadFormAsync(cancel);
            var file = form.Files.GetFile(FileField);
            if (file is null) return ApiError.Result(ErrorCode.MalformedRequest, $"no file: send the image in the multipart form field '{FileField}'");
            if (file.Length == 0) return ApiError.Result(ErrorCode.MalformedRequest, "the uploaded file is empty");
            if (file.Length > options.MaxUploadBytes) return ApiError.Result(ErrorCode.TooLarge, TooLarge);
            bytes = new byte[file.Length];
            await using var stream = file.OpenReadStream();
            await stream.ReadExactlyAsync(bytes, cancel);
        }
        catch (Exception e) when (!cancel.IsCancellationRequested && FormErrors.Classify(e, TooLarge) is { } error)
        {
            return ApiError.Result(error.Code, error.Message);
        }

        var format = ImageFormats.Sniff(bytes);
        if (format is null)
            return ApiError.Result(ErrorCode.UnsupportedFormat, $"the file is not a {ImageFormats.Names} image (its content is checked, not its name)");
        ImageHeader header;
        try { header = format.ReadHeader(bytes, UploadName); }
        catch (UserError e) when (e.Code == ErrorCode.CorruptImage)
        {
            return ApiError.Result(e.Code, $"the file starts like a {format.Name.ToUpperInvariant()} image but its header is corrupt");
        }
        catch (UserError e) { return ApiError.Result(e.Code, Reason(e.Message)); }
        if (header.Pixels > options.MaxPixels)
            return ApiError.Result(ErrorCode.TooLarge,
                $"the image is {header.Width}x{header.Height} pixels, more than the {options.MaxPixels / 1e6:0.#}-megapixel limit");

        bool explain = !string.Equals(request.Query["explain"], "false", StringComparison.OrdinalIgnoreCase);
        var clock = Stopwatch.StartNew();
        DiagnosisResult result;
        await jobs.WaitAsync(cancel);
        try { result = await diagnoser.DiagnoseAsync(bytes, UploadName, explain, cancel); }
        catch (UserError e) { return ApiError.Result(e.Code, Explained(e)); }  // the user's input (or the model's), never a 500
        finally { jobs.Release(); }

        var png = result.Explanation is null ? null : "data:image/png;base64," + Convert.ToBase64String(result.Explanation.OverlayPng);
        var response = new PredictResponse(Prediction.From(result), png, result.Explanation?.Target.FolderName(),
                                           new UploadedImage(format.Name, header.Width, header.Height, bytes.Length),
                                           clock.ElapsedMilliseconds, HeatmapOverlay.Notice);
        return Results.Json(response, Json.CompactOptions);
    }

    /// <summary>The one sentence for a diagnosis that was refused, by its code: what failed, then the library's reason.</summary>
    private static string Explained(UserError e) => e.Code switch
    {
        // Spoken to a browser user: no command-line option, what is analysed instead.
        ErrorCode.UnsupportedModality when e is DicomException { Modality: { } modality } => ModalityRefusal(modality),
        ErrorCode.NonFiniteScore => $"no diagnosis: {Reason(e.Message)}",
        ErrorCode.CorruptImage => $"cannot decode the image: {Reason(e.Message)}",
        _ => Reason(e.Message),
    };

    /// <summary>The refusal of a DICOM file that is not a radiograph, worded for the page's users.</summary>
    public static string ModalityRefusal(string modality) =>
        $"DICOM modality {modality} is not a radiograph (CR, DX or RG): this service analyses chest X-ray radiographs only; upload a chest X-ray";

    /// <summary>The decoder's message without the image's name in front.</summary>
    private static string Reason(string message) =>
        message.StartsWith(UploadName + ": ", StringComparison.Ordinal) ? message[(UploadName.Length + 2)..] : message;
}
