//! Staff photos: decoded with limits, turned upright, shrunk, and re-encoded as a fresh JPEG so
//! that no metadata of the original file survives.

use shared::redaction::{RedactionMode, RedactionRegion};
use shared::{ApiError, ErrorCode};
use std::io::Cursor;

pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
const MAX_SIDE: u32 = 12_000;
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
pub const PORTRAIT_SIDE: u32 = 480;

fn not_an_image() -> ApiError {
    ApiError::with_message(
        ErrorCode::UnsupportedMediaType,
        "Tệp không phải ảnh JPEG, PNG hoặc WebP hợp lệ.",
        "The file is not a valid JPEG, PNG or WebP image.",
    )
}

/// `img` shrunk to fit within `side` x `side`, keeping its proportions; as it is when it fits
/// already. Never enlarged: `DynamicImage::thumbnail` alone scales a small image *up* to the
/// box, which made a 200 x 150 report photo's "thumbnail" 320 x 240, larger than the photo
/// itself (found by the fuzz target `photo`).
fn fit_within(img: image::DynamicImage, side: u32) -> image::DynamicImage {
    if img.width().max(img.height()) > side {
        img.thumbnail(side, side)
    } else {
        img
    }
}

/// Returns a JPEG of `PORTRAIT_SIDE` pixels on its long side.
pub fn portrait_jpeg(bytes: &[u8]) -> Result<Vec<u8>, ApiError> {
    use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| not_an_image())?;
    if !matches!(
        reader.format(),
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)
    ) {
        return Err(not_an_image());
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| not_an_image())?;
    let orientation = decoder.orientation().map_err(|_| not_an_image())?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => ApiError::with_message(
            ErrorCode::PayloadTooLarge,
            "Ảnh quá lớn (quá nhiều điểm ảnh).",
            "The image is too large (too many pixels).",
        ),
        _ => not_an_image(),
    })?;
    img.apply_orientation(orientation);
    // Always PORTRAIT_SIDE on its long side, a smaller photo enlarged: the pages show every
    // portrait at that size.
    let img = img.thumbnail(PORTRAIT_SIDE, PORTRAIT_SIDE).to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .map_err(|_| ApiError::new(ErrorCode::Internal))?;
    Ok(out)
}

/// Limits on what a citizen may upload as a photo of a report.
#[derive(Debug, Clone)]
pub struct PhotoLimits {
    pub max_bytes: usize,
    /// Checked from the header, before anything is decoded.
    pub max_pixels: u64,
    /// What the decoder may allocate.
    pub max_decode_bytes: u64,
    /// The long side of the stored full-size photo.
    pub full_side: u32,
    /// The long side of the stored thumbnail.
    pub thumb_side: u32,
}

impl Default for PhotoLimits {
    fn default() -> Self {
        PhotoLimits {
            max_bytes: MAX_UPLOAD_BYTES,
            max_pixels: 50_000_000,
            max_decode_bytes: MAX_DECODE_BYTES,
            full_side: 2048,
            thumb_side: 320,
        }
    }
}

/// A photo ready to store: both sizes re-encoded as fresh JPEGs, upright, without metadata.
pub struct ProcessedPhoto {
    pub full: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
}

fn too_many_pixels() -> ApiError {
    ApiError::with_message(
        ErrorCode::PayloadTooLarge,
        "Ảnh quá lớn (quá nhiều điểm ảnh).",
        "The image is too large (too many pixels).",
    )
}

/// HEIF/HEIC (an ISO-BMFF `ftyp` box naming a HEIF brand): recognised to say what to do, since
/// no well-kept pure-Rust decoder exists; the page's own shrinking turns it into a JPEG when
/// the phone's browser can decode it.
fn is_heif(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(
            &bytes[8..12],
            b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1"
        )
}

/// Decodes a JPEG, PNG or WebP (told by its bytes, never by its name) within the limits and
/// turns it upright by its EXIF orientation. Never panics: a decoder panic on a hostile file
/// is caught and answered like any other broken file.
fn decode_upright(bytes: &[u8], limits: &PhotoLimits) -> Result<image::DynamicImage, ApiError> {
    use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
    if bytes.is_empty() {
        return Err(not_an_image());
    }
    if bytes.len() > limits.max_bytes {
        return Err(ApiError::with_message(
            ErrorCode::PayloadTooLarge,
            format!(
                "Ảnh quá lớn (tối đa {} MB).",
                limits.max_bytes / (1024 * 1024)
            ),
            format!(
                "The photo is too large (at most {} MB).",
                limits.max_bytes / (1024 * 1024)
            ),
        ));
    }
    if is_heif(bytes) {
        return Err(ApiError::with_message(
            ErrorCode::UnsupportedMediaType,
            "Ảnh HEIC chưa được hỗ trợ. Vui lòng chọn ảnh JPEG, hoặc đặt máy ảnh ở chế độ \"Tương thích nhất\".",
            "HEIC photos are not supported yet. Please choose a JPEG, or set the camera to \"Most Compatible\".",
        ));
    }
    let format = image::guess_format(bytes).map_err(|_| not_an_image())?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(not_an_image());
    }
    let decode = || -> Result<DynamicImage, ApiError> {
        if format == ImageFormat::Jpeg {
            return decode_jpeg_strict(bytes, limits);
        }
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        let mut l = Limits::default();
        l.max_image_width = Some(MAX_SIDE);
        l.max_image_height = Some(MAX_SIDE);
        l.max_alloc = Some(limits.max_decode_bytes);
        reader.limits(l);
        let mut decoder = reader.into_decoder().map_err(|e| match e {
            image::ImageError::Limits(_) => too_many_pixels(),
            _ => not_an_image(),
        })?;
        let (w, h) = decoder.dimensions();
        if u64::from(w) * u64::from(h) > limits.max_pixels {
            return Err(too_many_pixels());
        }
        let orientation = decoder
            .orientation()
            .unwrap_or(image::metadata::Orientation::NoTransforms);
        let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
            image::ImageError::Limits(_) => too_many_pixels(),
            _ => not_an_image(),
        })?;
        img.apply_orientation(orientation);
        Ok(img)
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode)).unwrap_or_else(|_| {
        tracing::warn!("an image decoder panicked on an upload");
        Err(not_an_image())
    })
}

/// JPEG in zune-jpeg's strict mode (the decoder `image` itself uses, which by default fills
/// damaged data in with grey): a corrupted or truncated photo is refused, not half-stored.
fn decode_jpeg_strict(bytes: &[u8], limits: &PhotoLimits) -> Result<image::DynamicImage, ApiError> {
    use zune_core::bytestream::ZCursor;
    use zune_core::colorspace::ColorSpace;
    use zune_core::options::DecoderOptions;
    let options = DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(MAX_SIDE as usize)
        .set_max_height(MAX_SIDE as usize)
        .jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(|_| not_an_image())?;
    let info = decoder.info().ok_or_else(not_an_image)?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    if u64::from(w) * u64::from(h) > limits.max_pixels
        || u64::from(w) * u64::from(h) * 3 > limits.max_decode_bytes
    {
        return Err(too_many_pixels());
    }
    let pixels = decoder.decode().map_err(|_| not_an_image())?;
    let orientation = decoder
        .exif()
        .and_then(|e| image::metadata::Orientation::from_exif_chunk(e))
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let rgb = image::RgbImage::from_raw(w, h, pixels).ok_or_else(not_an_image)?;
    let mut img = image::DynamicImage::ImageRgb8(rgb);
    img.apply_orientation(orientation);
    Ok(img)
}

/// Logs the real cause and answers with a bare "internal" error (the server's
/// `AppError::internal`, without the server).
fn internal(cause: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %cause, "internal error");
    ApiError::new(ErrorCode::Internal)
}

fn encode_jpeg(img: &image::RgbImage, quality: u8) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .map_err(|_| ApiError::new(ErrorCode::Internal))?;
    Ok(out)
}

/// The segments of a JPEG that can carry metadata (APP1 Exif/XMP, APP13 IPTC, maker notes in
/// APPn, COM), named, up to the start of the image data. A fresh encode has only APP0 (JFIF).
pub fn jpeg_metadata_segments(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return vec!["not a JPEG".into()];
    }
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            found.push(format!("garbage at {i}"));
            break;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        // The length counts its own two bytes: less is a broken file (and, before this check, a
        // slice out of order: found by the fuzz target `photo`).
        if len < 2 {
            found.push(format!("bad segment length at {i}"));
            break;
        }
        let body = &bytes[(i + 4).min(bytes.len())..(i + 2 + len).min(bytes.len())];
        match marker {
            0xE0 if body.starts_with(b"JFIF\0") => {}
            0xE0..=0xEF => {
                let tag: String = body
                    .iter()
                    .take_while(|b| **b != 0 && b.is_ascii_graphic())
                    .take(24)
                    .map(|b| *b as char)
                    .collect();
                found.push(format!("APP{} {tag}", marker - 0xE0));
            }
            0xFE => found.push("COM".into()),
            _ => {}
        }
        i += 2 + len;
    }
    found
}

/// A citizen's photo for a report: decoded within the limits, turned upright, re-encoded as a
/// full-size JPEG (long side at most `full_side`) and a thumbnail. The result is checked for
/// metadata; if any survived, the photo is refused rather than stored. The original bytes are
/// never returned. CPU work: call it from `spawn_blocking`.
pub fn process_report_photo(
    bytes: &[u8],
    limits: &PhotoLimits,
) -> Result<ProcessedPhoto, ApiError> {
    let img = decode_upright(bytes, limits)?;
    let full = fit_within(img, limits.full_side).to_rgb8();
    let thumb = fit_within(
        image::DynamicImage::ImageRgb8(full.clone()),
        limits.thumb_side,
    )
    .to_rgb8();
    let (width, height) = full.dimensions();
    let full = encode_jpeg(&full, 82)?;
    let thumb = encode_jpeg(&thumb, 75)?;
    for out in [&full, &thumb] {
        let left = jpeg_metadata_segments(out);
        if !left.is_empty() {
            tracing::error!(segments = ?left, "metadata survived re-encoding; photo refused");
            return Err(ApiError::with_message(
                ErrorCode::UnsupportedMediaType,
                "Không xử lý được ảnh này một cách an toàn. Vui lòng chọn ảnh khác.",
                "This photo could not be processed safely. Please choose another one.",
            ));
        }
    }
    Ok(ProcessedPhoto {
        full,
        thumb,
        width,
        height,
        content_type: "image/jpeg",
    })
}

/// On its longer side, a blurred region keeps this many colour cells, whatever its size: a face
/// filling the region comes out as a few smooth blobs, and a face smaller than the region
/// vanishes inside one cell.
pub const BLUR_CELLS: u32 = 6;

/// A region of a `width` x `height` image in pixels (left, top, width, height), widened to
/// whole pixels outward so that no sliver at its edge escapes; at least one pixel each way.
fn region_pixels(r: &RedactionRegion, width: u32, height: u32) -> (u32, u32, u32, u32) {
    let full = u64::from(shared::redaction::FULL);
    let floor = |v: u16, side: u32| (u64::from(v) * u64::from(side) / full) as u32;
    let ceil = |v: u16, side: u32| (u64::from(v) * u64::from(side)).div_ceil(full) as u32;
    let x0 = floor(r.x, width).min(width.saturating_sub(1));
    let y0 = floor(r.y, height).min(height.saturating_sub(1));
    let x1 = ceil(r.x.saturating_add(r.w), width).clamp(x0 + 1, width);
    let y1 = ceil(r.y.saturating_add(r.h), height).clamp(y0 + 1, height);
    (x0, y0, x1 - x0, y1 - y0)
}

/// Replaces a region by its own content shrunk to at most [`BLUR_CELLS`] cells a side and
/// stretched back smoothly: only the average colours of a few large cells survive.
fn blur_region(img: &mut image::RgbImage, (x, y, w, h): (u32, u32, u32, u32)) {
    use image::imageops::{self, FilterType};
    let long = w.max(h);
    let cells = |side: u32| (side * BLUR_CELLS).div_ceil(long).clamp(1, BLUR_CELLS);
    let crop = imageops::crop_imm(&*img, x, y, w, h).to_image();
    // Triangle when shrinking averages every pixel of a cell; when stretching, it interpolates
    // between cells, so no block edges show.
    let small = imageops::resize(&crop, cells(w), cells(h), FilterType::Triangle);
    let smooth = imageops::resize(&small, w, h, FilterType::Triangle);
    imageops::replace(img, &smooth, i64::from(x), i64::from(y));
}

fn black_region(img: &mut image::RgbImage, (x, y, w, h): (u32, u32, u32, u32)) {
    for py in y..y + h {
        for px in x..x + w {
            img.put_pixel(px, py, image::Rgb([0, 0, 0]));
        }
    }
}

/// The redacted copy of a stored photo (its full-size JPEG): the regions blacked out or
/// blurred, re-encoded as a full-size JPEG and a thumbnail of at most `thumb_side` pixels.
/// Black regions are painted before the blurs and again after, so a blur overlapping a black
/// region averages black, never what lies beneath, and the black stays black. The input is
/// never changed. CPU work: call it from `spawn_blocking`.
pub fn redact_jpeg(
    original: &[u8],
    regions: &[RedactionRegion],
    thumb_side: u32,
) -> Result<(Vec<u8>, Vec<u8>), ApiError> {
    let mut img = image::load_from_memory_with_format(original, image::ImageFormat::Jpeg)
        .map_err(internal)?
        .to_rgb8();
    let (width, height) = img.dimensions();
    let (black, blur): (Vec<_>, Vec<_>) =
        regions.iter().partition(|r| r.mode == RedactionMode::Black);
    for r in &black {
        black_region(&mut img, region_pixels(r, width, height));
    }
    for r in &blur {
        blur_region(&mut img, region_pixels(r, width, height));
    }
    for r in &black {
        black_region(&mut img, region_pixels(r, width, height));
    }
    let thumb = fit_within(image::DynamicImage::ImageRgb8(img.clone()), thumb_side).to_rgb8();
    Ok((encode_jpeg(&img, 82)?, encode_jpeg(&thumb, 75)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn testdata(name: &str) -> Vec<u8> {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/testdata/photos");
        std::fs::read(dir.join(name)).unwrap_or_else(|e| {
            panic!(
                "test photos must be in {} (shared/ beside the repository): {e}",
                dir.display()
            )
        })
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn gps_tagged_camera_photos_come_out_without_any_metadata() {
        for name in [
            "gps_DSCN0010.jpg",
            "gps_DSCN0012.jpg",
            "tests_45-gps_ifd.jpg",
            "xmp_BlueSquare.jpg",
            "Canon_40D.jpg",
            "mobile_jolla.jpg",
        ] {
            let original = testdata(name);
            let p = process_report_photo(&original, &PhotoLimits::default())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            for out in [&p.full, &p.thumb] {
                assert_eq!(jpeg_metadata_segments(out), Vec::<String>::new(), "{name}");
                for marker in [
                    &b"Exif"[..],
                    b"GPS",
                    b"http://ns.adobe.com/xap",
                    b"Photoshop 3.0",
                ] {
                    assert!(
                        !contains(out, marker),
                        "{name}: {:?}",
                        String::from_utf8_lossy(marker)
                    );
                }
            }
            assert!(p.width.max(p.height) <= 2048 && p.width > 0);
            let thumb = image::load_from_memory(&p.thumb).unwrap();
            assert!(thumb.width().max(thumb.height()) <= 320);
        }
        assert!(
            !jpeg_metadata_segments(&testdata("gps_DSCN0010.jpg")).is_empty(),
            "the scanner sees the original's EXIF"
        );
    }

    #[test]
    fn the_exif_orientation_is_applied() {
        let landscape = process_report_photo(
            &testdata("orientation_landscape_3.jpg"),
            &PhotoLimits::default(),
        )
        .unwrap();
        assert!(landscape.width > landscape.height);
        for name in ["orientation_portrait_6.jpg", "orientation_portrait_8.jpg"] {
            let raw = image::load_from_memory(&testdata(name)).unwrap();
            let p = process_report_photo(&testdata(name), &PhotoLimits::default()).unwrap();
            // Stored sideways by the camera, shown upright: the sides swap.
            assert!(raw.width() > raw.height(), "{name} is stored sideways");
            assert!(
                p.height > p.width,
                "{name} came out {}x{}",
                p.width,
                p.height
            );
        }
    }

    #[test]
    fn broken_fake_and_unsupported_files_are_refused_cleanly() {
        let limits = PhotoLimits::default();
        let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF".to_vec();
        let truncated = testdata("gps_DSCN0010.jpg")[..4000].to_vec();
        for (what, bytes) in [
            ("corrupted", testdata("corrupted.jpg")),
            ("pdf", pdf),
            ("truncated", truncated),
            ("empty", Vec::new()),
            (
                "random",
                (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect(),
            ),
        ] {
            let err = match process_report_photo(&bytes, &limits) {
                Err(e) => e,
                Ok(_) => panic!("{what} was accepted"),
            };
            assert!(
                err.status() == 415 || err.status() == 413,
                "{what}: {}",
                err.status()
            );
            assert!(!err.message.vi.is_empty() && !err.message.en.is_empty());
        }
        // Its damage is in the metadata; its pixels are a sound 88x64 JPEG (libjpeg and
        // zune-jpeg agree), so it is kept, and the damaged metadata dropped with the rest.
        let invalid = process_report_photo(&testdata("invalid_image01137.jpg"), &limits).unwrap();
        assert_eq!((invalid.width, invalid.height), (88, 64));
        assert!(jpeg_metadata_segments(&invalid.full).is_empty());
        let heic = process_report_photo(&testdata("mobile_iphone_13_pro_max.HEIC"), &limits)
            .err()
            .expect("HEIC refused");
        assert!(heic.message.vi.contains("HEIC"));
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_decoding() {
        // A valid PNG header claiming 100,000 x 100,000 pixels, and almost no data.
        let mut png = Vec::new();
        {
            let img = image::RgbImage::new(1, 1);
            image::DynamicImage::ImageRgb8(img)
                .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
                .unwrap();
        }
        // IHDR width and height live at bytes 16..24; the CRC after them is left wrong on purpose.
        png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let err = process_report_photo(&png, &PhotoLimits::default())
            .err()
            .expect("refused");
        assert!(err.status() == 413 || err.status() == 415);
        let small = PhotoLimits {
            max_pixels: 100,
            ..Default::default()
        };
        let err = process_report_photo(&testdata("Canon_40D.jpg"), &small)
            .err()
            .expect("refused");
        assert_eq!(err.status(), 413);
        let tiny = PhotoLimits {
            max_bytes: 1000,
            ..Default::default()
        };
        assert_eq!(
            process_report_photo(&testdata("Canon_40D.jpg"), &tiny)
                .err()
                .unwrap()
                .status(),
            413
        );
    }

    fn region(x: u16, y: u16, w: u16, h: u16, mode: RedactionMode) -> RedactionRegion {
        RedactionRegion { x, y, w, h, mode }
    }

    /// Deterministic noise (an LCG): every pixel unrelated to its neighbours, the finest
    /// detail an image can hold, like the features of a face at a larger scale.
    fn noise(width: u32, height: u32, seed: u32) -> image::RgbImage {
        let mut state = seed;
        image::RgbImage::from_fn(width, height, |_, _| {
            let mut next = || {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 24) as u8
            };
            image::Rgb([next(), next(), next()])
        })
    }

    fn jpeg(img: &image::RgbImage) -> Vec<u8> {
        encode_jpeg(img, 95).unwrap()
    }

    fn decode(bytes: &[u8]) -> image::RgbImage {
        image::load_from_memory(bytes).unwrap().to_rgb8()
    }

    /// Mean absolute difference per channel between two same-sized areas.
    fn mean_diff(
        a: &image::RgbImage,
        b: &image::RgbImage,
        (x, y, w, h): (u32, u32, u32, u32),
    ) -> f64 {
        let mut sum = 0u64;
        for py in y..y + h {
            for px in x..x + w {
                for c in 0..3 {
                    sum += u64::from(a.get_pixel(px, py)[c].abs_diff(b.get_pixel(px, py)[c]));
                }
            }
        }
        sum as f64 / f64::from(w * h * 3)
    }

    #[test]
    fn regions_cover_whole_pixels_outward() {
        let r = region(100, 250, 200, 500, RedactionMode::Black);
        assert_eq!(region_pixels(&r, 1000, 1000), (100, 250, 200, 500));
        // 10.0 % .. 30.0 % of 333 px is 33.3 .. 99.9: pixels 33 to 99 inclusive.
        assert_eq!(region_pixels(&r, 333, 10), (33, 2, 67, 6));
        let tiny = region(999, 999, 1, 1, RedactionMode::Black);
        assert_eq!(region_pixels(&tiny, 10, 10), (9, 9, 1, 1));
        let whole = region(0, 0, 1000, 1000, RedactionMode::Blur);
        assert_eq!(region_pixels(&whole, 640, 480), (0, 0, 640, 480));
    }

    #[test]
    fn a_black_region_is_black_and_the_rest_is_left_alone() {
        let bytes = jpeg(&noise(400, 300, 7));
        let (full, thumb) = redact_jpeg(
            &bytes,
            &[region(250, 100, 500, 500, RedactionMode::Black)],
            80,
        )
        .unwrap();
        let out = decode(&full);
        assert_eq!(out.dimensions(), (400, 300));
        // The region is pixels 100..300 x 30..180; inside, a JPEG block (16 px for colour)
        // away from its edge: black.
        for y in 46..164 {
            for x in 116..284 {
                let p = out.get_pixel(x, y);
                assert!(p.0.iter().all(|&c| c < 12), "({x},{y}) is {:?}", p.0);
            }
        }
        // Outside, the same pixels as the photo re-encoded without any region.
        let (unredacted, _) = redact_jpeg(&bytes, &[], 80).unwrap();
        let unredacted = decode(&unredacted);
        assert!(mean_diff(&out, &unredacted, (0, 192, 400, 108)) < 1.0);
        assert!(mean_diff(&out, &unredacted, (0, 0, 96, 300)) < 1.0);
        assert!(mean_diff(&out, &unredacted, (100, 30, 200, 150)) > 60.0);
        let thumb_img = decode(&thumb);
        assert_eq!(thumb_img.dimensions(), (80, 60));
        let centre = thumb_img.get_pixel(40, 20);
        assert!(centre.0.iter().all(|&c| c < 12), "{:?}", centre.0);
        assert!(jpeg_metadata_segments(&full).is_empty());
        assert!(jpeg_metadata_segments(&thumb).is_empty());
    }

    #[test]
    fn a_blurred_region_keeps_no_detail_smaller_than_a_sixth_of_it() {
        // Two different "faces": unrelated fine detail, the same overall colour. Blurred, they
        // must come out nearly the same, though the originals differ on every pixel.
        // The region is pixels 100..280 x 37..218; measured a JPEG block inside its edges.
        let area = (112, 56, 160, 152);
        let regions = [region(250, 125, 450, 600, RedactionMode::Blur)];
        let a = jpeg(&noise(400, 300, 1));
        let b = jpeg(&noise(400, 300, 2));
        let (ra, _) = redact_jpeg(&a, &regions, 320).unwrap();
        let (rb, _) = redact_jpeg(&b, &regions, 320).unwrap();
        let (da, db) = (decode(&a), decode(&b));
        let (ra, rb) = (decode(&ra), decode(&rb));
        let apart = mean_diff(&da, &db, area);
        let blurred_apart = mean_diff(&ra, &rb, area);
        assert!(apart > 60.0, "the originals differ: {apart}");
        assert!(
            blurred_apart < 6.0,
            "blurred, they still differ by {blurred_apart}"
        );
        // Neighbouring pixels of the blurred region differ by almost nothing: no edges left.
        let mut step = 0u64;
        let (x, y, w, h) = area;
        for py in y..y + h {
            for px in x..x + w - 1 {
                for c in 0..3 {
                    step +=
                        u64::from(ra.get_pixel(px, py)[c].abs_diff(ra.get_pixel(px + 1, py)[c]));
                }
            }
        }
        let step = step as f64 / f64::from((w - 1) * h * 3);
        assert!(step < 2.0, "neighbours still differ by {step}");
        // Outside the region the photo is as it was.
        let (unredacted, _) = redact_jpeg(&a, &[], 320).unwrap();
        assert!(mean_diff(&ra, &decode(&unredacted), (0, 0, 96, 300)) < 1.0);
    }

    #[test]
    fn a_blur_over_a_black_region_does_not_bring_back_what_was_under_it() {
        let bytes = jpeg(&noise(200, 200, 3));
        let black = region(0, 0, 500, 1000, RedactionMode::Black);
        let blur = region(250, 0, 750, 1000, RedactionMode::Blur);
        let (full, _) = redact_jpeg(&bytes, &[blur, black], 100).unwrap();
        let out = decode(&full);
        for y in 10..190 {
            for x in 10..90 {
                assert!(out.get_pixel(x, y).0.iter().all(|&c| c < 12));
            }
        }
    }

    #[test]
    fn the_metadata_scanner_takes_any_bytes() {
        // A segment length of 0 or 1 (less than its own two bytes).
        for len in [0u8, 1] {
            let bytes = [0xFF, 0xD8, 0xFF, 0xE1, 0, len, b'E', b'x'];
            assert_eq!(jpeg_metadata_segments(&bytes), ["bad segment length at 2"]);
        }
        for n in 0..64usize {
            let bytes: Vec<u8> = (0..n).map(|i| [0xFF, 0xD8, 0xE1, 0x00][i % 4]).collect();
            let _ = jpeg_metadata_segments(&bytes);
        }
    }

    #[test]
    fn a_small_photo_is_never_enlarged() {
        // Found by the fuzz target `photo`: a 5 x 3 photo came out with a 320 x 192 thumbnail.
        let small = jpeg(&noise(40, 30, 5));
        let p = process_report_photo(&small, &PhotoLimits::default()).unwrap();
        assert_eq!((p.width, p.height), (40, 30));
        assert_eq!(decode(&p.thumb).dimensions(), (40, 30));
        let (_, thumb) = redact_jpeg(&small, &[], 320).unwrap();
        assert_eq!(decode(&thumb).dimensions(), (40, 30));
        // A large one still shrinks to fit.
        let large = jpeg(&noise(3000, 1000, 6));
        let p = process_report_photo(&large, &PhotoLimits::default()).unwrap();
        assert_eq!((p.width, p.height), (2048, 683));
        assert_eq!(decode(&p.thumb).dimensions(), (320, 107));
    }

    #[test]
    fn a_real_photo_is_redacted_at_its_stored_size() {
        let stored =
            process_report_photo(&testdata("Canon_40D.jpg"), &PhotoLimits::default()).unwrap();
        let (full, thumb) = redact_jpeg(
            &stored.full,
            &[
                region(0, 0, 300, 300, RedactionMode::Blur),
                region(700, 700, 300, 300, RedactionMode::Black),
            ],
            320,
        )
        .unwrap();
        let out = decode(&full);
        assert_eq!(out.dimensions(), (stored.width, stored.height));
        let corner = out.get_pixel(stored.width - 5, stored.height - 5);
        assert!(corner.0.iter().all(|&c| c < 12));
        let thumb = decode(&thumb);
        assert!(thumb.width().max(thumb.height()) <= 320);
    }
}
