//! The citizen photo pipeline on a 12-megapixel camera JPEG: milliseconds per photo on one
//! core and the process's peak memory. A realistic photo is made first (4000 x 3000, smooth
//! gradients plus sensor-like noise, JPEG quality 92 as phones save them, with an EXIF block).
//! Run: cargo run --release -p server --example photo_bench [runs]

use std::time::Instant;

fn camera_like_jpeg() -> Vec<u8> {
    let (w, h) = (4000u32, 3000u32);
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let noise = (seed % 24) as i32 - 12;
        let base = |v: u32, scale: u32| ((v * 255 / scale) as i32 + noise).clamp(0, 255) as u8;
        image::Rgb([base(x, w), base(y, h), base((x + y) / 2, (w + h) / 2)])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92)
        .encode_image(&img)
        .expect("encode");
    // An APP1 Exif block with a GPS-looking payload right after SOI, as a phone writes it.
    let mut payload =
        b"Exif\0\0MM\0*\0\0\0\x08\0\0GPSLatitude 21.0285 GPSLongitude 105.8542".to_vec();
    payload.resize(2000, 0);
    let len = (payload.len() + 2) as u16;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10);
    let photo = camera_like_jpeg();
    let before = peak_rss_kb();
    let limits = server::photo::PhotoLimits::default();
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let out = server::photo::process_report_photo(&photo, &limits).expect("a valid photo");
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
        assert!(server::photo::jpeg_metadata_segments(&out.full).is_empty());
    }
    ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "12 MP JPEG ({} KB in): {:.0} ms median, {:.0} ms max over {runs} runs on one thread; \
         peak RSS {} MB (before the pipeline: {} MB)",
        photo.len() / 1024,
        ms[runs / 2],
        ms[runs - 1],
        peak_rss_kb() / 1024,
        before / 1024
    );
}
