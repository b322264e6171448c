//! Staff photos: decoded with limits, turned upright, shrunk, and re-encoded as a fresh JPEG so
//! that no metadata of the original file survives.

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

/// Returns a JPEG of at most `PORTRAIT_SIDE` pixels a side.
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
    let img = img.thumbnail(PORTRAIT_SIDE, PORTRAIT_SIDE).to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .map_err(|_| ApiError::new(ErrorCode::Internal))?;
    Ok(out)
}
