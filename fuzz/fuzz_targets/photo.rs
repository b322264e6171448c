//! The photo pipeline on arbitrary bytes: a citizen's report photo (`process_report_photo`), a
//! staff portrait (`portrait_jpeg`), the redaction of a stored photo (`redact_jpeg`, on the
//! pipeline's own output as the server does, and on the raw bytes) and the metadata scanner.
//! None may panic; whatever they return must be a sound JPEG within the limits.
#![no_main]

use intake::photo::{
    jpeg_metadata_segments, portrait_jpeg, process_report_photo, redact_jpeg, PhotoLimits,
    PORTRAIT_SIDE,
};
use libfuzzer_sys::fuzz_target;
use shared::redaction::{RedactionMode, RedactionRegion, RedactionRequest};

/// Decodes a JPEG the way a browser would (any error is a failed assertion) and returns its
/// size.
fn jpeg_size(what: &str, bytes: &[u8]) -> (u32, u32) {
    assert!(
        bytes.starts_with(&[0xFF, 0xD8]) && bytes.ends_with(&[0xFF, 0xD9]),
        "{what}: not a whole JPEG"
    );
    assert_eq!(
        jpeg_metadata_segments(bytes),
        Vec::<String>::new(),
        "{what}: metadata in the output"
    );
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg)
        .unwrap_or_else(|e| panic!("{what}: the output does not decode: {e}"));
    assert!(img.width() > 0 && img.height() > 0, "{what}: empty");
    (img.width(), img.height())
}

/// The regions a redaction of this input uses: up to three, read from its last bytes, kept
/// only if the API would accept them; else one blur over the middle and a black corner.
fn regions(data: &[u8]) -> Vec<RedactionRegion> {
    let tail = &data[data.len().saturating_sub(27)..];
    let read: Vec<RedactionRegion> = tail
        .chunks_exact(9)
        .map(|c| {
            let n = |i: usize| u16::from_le_bytes([c[i], c[i + 1]]) % 1001;
            RedactionRegion {
                x: n(0),
                y: n(2),
                w: n(4),
                h: n(6),
                mode: if c[8] & 1 == 0 {
                    RedactionMode::Black
                } else {
                    RedactionMode::Blur
                },
            }
        })
        .collect();
    RedactionRequest { regions: read }
        .validated()
        .unwrap_or_else(|_| {
            vec![
                RedactionRegion {
                    x: 250,
                    y: 250,
                    w: 500,
                    h: 500,
                    mode: RedactionMode::Blur,
                },
                RedactionRegion {
                    x: 0,
                    y: 0,
                    w: 100,
                    h: 100,
                    mode: RedactionMode::Black,
                },
            ]
        })
}

fn check_redaction(what: &str, original: &[u8], regions: &[RedactionRegion], thumb_side: u32) {
    let Ok((full, thumb)) = redact_jpeg(original, regions, thumb_side) else {
        return;
    };
    let (w, h) = jpeg_size(what, &full);
    let source = image::load_from_memory_with_format(original, image::ImageFormat::Jpeg)
        .expect("redact_jpeg decoded it");
    assert_eq!((w, h), (source.width(), source.height()), "{what}: resized");
    let (tw, th) = jpeg_size(what, &thumb);
    assert!(
        tw.max(th) <= thumb_side.max(1) && tw <= w && th <= h,
        "{what}: thumbnail {tw}x{th}"
    );
}

fuzz_target!(|data: &[u8]| {
    let _ = jpeg_metadata_segments(data);

    let limits = PhotoLimits::default();
    if let Ok(p) = process_report_photo(data, &limits) {
        assert_eq!(p.content_type, "image/jpeg");
        assert!(
            p.full.len() <= limits.max_bytes,
            "stored photo larger than an upload"
        );
        let (w, h) = jpeg_size("full", &p.full);
        assert_eq!((w, h), (p.width, p.height), "reported size");
        assert!(w.max(h) <= limits.full_side, "full {w}x{h}");
        assert!(u64::from(w) * u64::from(h) <= limits.max_pixels);
        let (tw, th) = jpeg_size("thumb", &p.thumb);
        assert!(
            tw.max(th) <= limits.thumb_side && tw <= w && th <= h,
            "thumb {tw}x{th}"
        );
        // What the server redacts is this stored full-size photo.
        check_redaction("redacted", &p.full, &regions(data), limits.thumb_side);
    }

    if let Ok(jpeg) = portrait_jpeg(data) {
        let (w, h) = jpeg_size("portrait", &jpeg);
        assert!(w.max(h) <= PORTRAIT_SIDE, "portrait {w}x{h}");
    }

    // A stored photo is the pipeline's output, but the redaction must not fall over on a
    // damaged file either; one of at most the stored size (2048 a side), as a larger one never
    // reaches it (and `image` decodes a 729-byte file claiming 4096 x 3072 into grey pixels,
    // a second of work that would slow the search down and find nothing new).
    let stored_size =
        image::ImageReader::with_format(std::io::Cursor::new(data), image::ImageFormat::Jpeg)
            .into_dimensions()
            .is_ok_and(|(w, h)| w.max(h) <= limits.full_side);
    if stored_size {
        check_redaction("redacted raw", data, &regions(data), 64);
    }
});
