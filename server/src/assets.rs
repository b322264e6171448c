//! The WASM bundles and their JavaScript, served compressed. Each file is read and compressed
//! (brotli at its best level, and gzip for older browsers) once, on its first request, and kept
//! in memory: a citizen on a slow mobile connection gets the smallest bytes there are, and no
//! request pays for compression again.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

struct Compressed {
    content_type: &'static str,
    etag: String,
    identity: Vec<u8>,
    brotli: Vec<u8>,
    gzip: Vec<u8>,
}

/// Brotli's best level for the release bundles (under 2 MB: a second or two each). A bigger
/// file is an unoptimised development bundle (`WASM_PROFILE=wasm-dev`), where level 11 takes
/// half a minute and the edit loop matters more than the bytes.
fn brotli_quality(len: usize) -> i32 {
    if len <= 2 * 1024 * 1024 {
        11
    } else {
        5
    }
}

pub struct Assets {
    dir: PathBuf,
    cache: Mutex<HashMap<String, Arc<Compressed>>>,
    /// Held while a file is compressed: a request arriving during the warm-up waits for that
    /// work instead of compressing the same bundle again beside it on the same two cores.
    compressing: Mutex<()>,
}

impl Assets {
    pub fn new(dir: &str) -> Assets {
        Assets {
            dir: PathBuf::from(dir),
            cache: Mutex::new(HashMap::new()),
            compressing: Mutex::new(()),
        }
    }

    /// Compresses every bundle now, so that the first citizen after a start does not wait
    /// for it (brotli at its best level takes a second or more per bundle).
    pub fn warm(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            if let Some(name) = entry.file_name().to_str() {
                let _ = self.load(name);
            }
        }
    }

    fn load(&self, name: &str) -> Option<Arc<Compressed>> {
        if let Some(hit) = self.cache.lock().ok()?.get(name) {
            return Some(hit.clone());
        }
        let _one_at_a_time = self.compressing.lock().ok()?;
        // Someone may have compressed it while this request waited.
        if let Some(hit) = self.cache.lock().ok()?.get(name) {
            return Some(hit.clone());
        }
        let content_type = match name.rsplit_once('.')?.1 {
            "wasm" => "application/wasm",
            "js" => "text/javascript; charset=utf-8",
            "css" => "text/css; charset=utf-8",
            _ => return None,
        };
        let identity = std::fs::read(self.dir.join(name)).ok()?;
        let digest = {
            use sha2::Digest;
            hex::encode(&sha2::Sha256::digest(&identity)[..12])
        };
        let brotli = self.cached(name, &digest, "br", || {
            let mut out = Vec::new();
            let params = brotli::enc::BrotliEncoderParams {
                quality: brotli_quality(identity.len()),
                lgwin: 22,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut &identity[..], &mut out, &params).ok()?;
            Some(out)
        })?;
        let gzip = self.cached(name, &digest, "gz", || {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            gz.write_all(&identity).ok()?;
            gz.finish().ok()
        })?;
        let entry = Arc::new(Compressed {
            content_type,
            etag: format!("\"{digest}\""),
            identity,
            brotli,
            gzip,
        });
        self.cache
            .lock()
            .ok()?
            .insert(name.to_string(), entry.clone());
        Some(entry)
    }
}

impl Assets {
    /// The compressed form of a bundle, kept on disk beside it (`pkg/.compressed/NAME.DIGEST.EXT`)
    /// so that a restart, or each browser test's fresh server, does not pay brotli's best
    /// level again (seconds per bundle); a new build has a new digest, and the old file goes.
    fn cached(
        &self,
        name: &str,
        digest: &str,
        ext: &str,
        compress: impl FnOnce() -> Option<Vec<u8>>,
    ) -> Option<Vec<u8>> {
        let dir = self.dir.join(".compressed");
        let path = dir.join(format!("{name}.{digest}.{ext}"));
        if let Ok(bytes) = std::fs::read(&path) {
            return Some(bytes);
        }
        let bytes = compress()?;
        // A read-only site directory only costs the cache: the bytes are served anyway.
        if std::fs::create_dir_all(&dir).is_ok() {
            if let Ok(old) = std::fs::read_dir(&dir) {
                let prefix = format!("{name}.");
                for entry in old.flatten() {
                    let file = entry.file_name();
                    let file = file.to_string_lossy();
                    if file.starts_with(&prefix) && file.ends_with(&format!(".{ext}")) {
                        let _ = std::fs::remove_file(entry.path());
                    }
                }
            }
            let partial = dir.join(format!("{name}.{digest}.{ext}.partial"));
            if std::fs::write(&partial, &bytes).is_ok() {
                let _ = std::fs::rename(&partial, &path);
            }
        }
        Some(bytes)
    }
}

/// `GET /pkg/{file}`: only plain file names (no paths), compressed as the browser accepts.
pub async fn serve(
    assets: web::Data<Assets>,
    file: web::Path<String>,
    req: HttpRequest,
) -> HttpResponse {
    let name = file.into_inner();
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
        && !name.starts_with('.');
    if !plain {
        return HttpResponse::NotFound().finish();
    }
    let assets = assets.into_inner();
    let Ok(Some(asset)) = web::block(move || assets.load(&name)).await else {
        return HttpResponse::NotFound().finish();
    };
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    if if_none_match == Some(asset.etag.as_str()) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, asset.etag.clone()))
            .finish();
    }
    let accepts = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (encoding, body) = if accepts.contains("br") {
        (Some("br"), asset.brotli.clone())
    } else if accepts.contains("gzip") {
        (Some("gzip"), asset.gzip.clone())
    } else {
        (None, asset.identity.clone())
    };
    let mut res = HttpResponse::Ok();
    res.content_type(asset.content_type)
        .insert_header((header::ETAG, asset.etag.clone()))
        .insert_header((header::VARY, "Accept-Encoding"))
        // The names do not change with the contents, so a browser revalidates (cheaply, by
        // ETag) rather than keeping a stale bundle after an upgrade.
        .insert_header((
            header::CACHE_CONTROL,
            "public, max-age=300, must-revalidate",
        ));
    if let Some(e) = encoding {
        // Set here, the Compress middleware leaves the body as it is.
        res.insert_header((header::CONTENT_ENCODING, e));
    }
    res.body(body)
}
