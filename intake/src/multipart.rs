//! Multipart bodies from citizens and staff: the report and addition forms (photos plus JSON or
//! plain text parts) and the pages' single-file uploads. Every limit is enforced while reading,
//! so an oversized part is refused as soon as it passes its limit, never buffered whole.

use futures_util::StreamExt;
use shared::report::MAX_PHOTOS;
use shared::{ApiError, ErrorCode};

/// The largest text part (the report as JSON, or one field of the plain form).
pub const REPORT_JSON_LIMIT: usize = 64 * 1024;
/// The report form has about fifteen fields and five photos: anything far beyond is not a form.
pub const MAX_PARTS: usize = 40;

fn too_many_parts() -> ApiError {
    ApiError::with_message(
        ErrorCode::MalformedRequest,
        "Biểu mẫu có quá nhiều phần.",
        "The form has too many parts.",
    )
}

fn too_many_photos() -> ApiError {
    ApiError::field(
        "photos",
        shared::FieldCode::TooLong,
        "Chỉ gửi được tối đa 5 ảnh.",
        "You can send at most 5 photos.",
    )
}

fn photo_too_large(limit: usize) -> ApiError {
    ApiError::with_message(
        ErrorCode::PayloadTooLarge,
        format!("Ảnh quá lớn (tối đa {} MB mỗi ảnh).", limit / (1024 * 1024)),
        format!(
            "A photo is too large (at most {} MB each).",
            limit / (1024 * 1024)
        ),
    )
}

/// Reads a field to the end, refusing it past `limit` bytes as soon as it gets there.
pub async fn read_field(
    field: &mut actix_multipart::Field,
    limit: usize,
    too_large: impl Fn() -> ApiError,
) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| ApiError::new(ErrorCode::MalformedRequest))?;
        if bytes.len() + chunk.len() > limit {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The text parts of a form (name, value) and its photos.
pub type FormParts = (Vec<(String, String)>, Vec<Vec<u8>>);

/// Reads a multipart body: `photos` parts (empty ones, a form's unused file inputs, are
/// skipped) and every other part as text. Used by the API (whose text part is JSON) and by
/// the pages' plain form posts alike.
pub async fn read_multipart(
    mut form: actix_multipart::Multipart,
    max_photo_bytes: usize,
) -> Result<FormParts, ApiError> {
    let mut fields = Vec::new();
    let mut photos = Vec::new();
    let mut parts = 0;
    while let Some(field) = form.next().await {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(too_many_parts());
        }
        let mut field = field.map_err(|_| ApiError::new(ErrorCode::MalformedRequest))?;
        let name = field.name().unwrap_or("").to_string();
        if name == "photos" {
            let bytes = read_field(&mut field, max_photo_bytes, || {
                photo_too_large(max_photo_bytes)
            })
            .await?;
            if bytes.is_empty() {
                continue;
            }
            if photos.len() == MAX_PHOTOS {
                return Err(too_many_photos());
            }
            photos.push(bytes);
        } else {
            let bytes = read_field(&mut field, REPORT_JSON_LIMIT, || {
                ApiError::new(ErrorCode::PayloadTooLarge)
            })
            .await?;
            let text =
                String::from_utf8(bytes).map_err(|_| ApiError::new(ErrorCode::MalformedRequest))?;
            fields.push((name, text));
        }
    }
    Ok((fields, photos))
}

/// The JSON part `name` of a multipart body, parsed.
pub fn json_part<T: serde::de::DeserializeOwned>(
    fields: &[(String, String)],
    name: &str,
) -> Result<T, ApiError> {
    let (_, text) = fields.iter().find(|(k, _)| k == name).ok_or_else(|| {
        ApiError::field(
            name,
            shared::FieldCode::Required,
            "Thiếu nội dung gửi.",
            "The content is missing.",
        )
    })?;
    serde_json::from_str(text).map_err(|e| {
        ApiError::with_message(
            ErrorCode::MalformedRequest,
            format!("Dữ liệu JSON không hợp lệ: {e}"),
            format!("The JSON body is not valid: {e}"),
        )
    })
}

/// Reads the single file of a multipart form (the first part with a file name), up to `limit`
/// bytes; the parts before it are read and dropped.
pub async fn read_upload(
    mut form: actix_multipart::Multipart,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|_| ApiError::new(ErrorCode::MalformedRequest))?;
        let is_file = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .is_some();
        let bytes = read_field(&mut field, limit, || {
            ApiError::new(ErrorCode::PayloadTooLarge)
        })
        .await?;
        if is_file {
            return Ok(bytes);
        }
    }
    Err(ApiError::field(
        "file",
        shared::FieldCode::Required,
        "Vui lòng chọn một tệp.",
        "Please choose a file.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
    use std::future::Future;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};

    struct Woken(AtomicBool);

    impl Wake for Woken {
        fn wake(self: Arc<Self>) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    /// Runs a read over a body that is all there; `None` if it went pending without asking to
    /// be woken again: in the server, that request would wait for ever.
    fn run<F: Future>(read: F) -> Option<F::Output> {
        let woken = Arc::new(Woken(AtomicBool::new(false)));
        let waker = Waker::from(woken.clone());
        let mut cx = Context::from_waker(&waker);
        let mut read = std::pin::pin!(read);
        loop {
            woken.0.store(false, Ordering::SeqCst);
            if let Poll::Ready(out) = read.as_mut().poll(&mut cx) {
                return Some(out);
            }
            if !woken.0.load(Ordering::SeqCst) {
                return None;
            }
        }
    }

    fn form(body: &[u8], chunk: usize) -> actix_multipart::Multipart {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("multipart/form-data; boundary=B0undary"),
        );
        let chunks: Vec<Result<bytes::Bytes, actix_web::error::PayloadError>> = body
            .chunks(chunk)
            .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
            .collect();
        actix_multipart::Multipart::new(&headers, futures_util::stream::iter(chunks))
    }

    const BODY: &[u8] = b"--B0undary\r\n\
        Content-Disposition: form-data; name=\"report\"\r\n\r\n\
        {\"kind\":\"feedback\"}\r\n\
        --B0undary\r\n\
        Content-Disposition: form-data; name=\"photos\"; filename=\"a.jpg\"\r\n\
        Content-Type: image/jpeg\r\n\r\n\
        \xFF\xD8\xFF\xD9\r\n\
        --B0undary\r\n\
        Content-Disposition: form-data; name=\"photos\"; filename=\"\"\r\n\r\n\
        \r\n\
        --B0undary--\r\n";

    #[test]
    fn a_form_is_read_whatever_its_chunks() {
        for chunk in [1, 2, 3, 7, 64, BODY.len()] {
            let (fields, photos) = run(read_multipart(form(BODY, chunk), 1024))
                .expect("finished")
                .unwrap();
            assert_eq!(
                fields,
                [("report".into(), "{\"kind\":\"feedback\"}".into())]
            );
            assert_eq!(
                photos,
                [b"\xFF\xD8\xFF\xD9".to_vec()],
                "the empty one skipped"
            );
            let file = run(read_upload(form(BODY, chunk), 1024)).expect("finished");
            assert_eq!(file.unwrap(), b"\xFF\xD8\xFF\xD9");
        }
        let too_large = run(read_multipart(form(BODY, 5), 3)).expect("finished");
        assert_eq!(too_large.unwrap_err().code, ErrorCode::PayloadTooLarge);
    }

    #[test]
    fn a_truncated_form_is_refused_not_waited_for() {
        // Found by the fuzz target `multipart`: with actix-multipart 0.7, a body that ended
        // with "\r", "\r\n", or part of a boundary inside a part left the read pending for ever
        // once all of it had arrived (the request hung until the client went away). Fixed in
        // actix-multipart 0.8.2.
        for end in 0..BODY.len() - 2 {
            for chunk in [1, 3, 16, BODY.len()] {
                let cut = &BODY[..end];
                let read = run(read_multipart(form(cut, chunk), 1024))
                    .unwrap_or_else(|| panic!("cut at {end}, chunks of {chunk}: waits for ever"));
                assert!(read.is_err(), "cut at {end}, chunks of {chunk}: accepted");
                assert!(run(read_upload(form(cut, chunk), 1024)).is_some());
            }
        }
    }
}
