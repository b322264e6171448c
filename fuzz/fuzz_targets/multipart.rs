//! The multipart reader on an arbitrary body (boundary `fuzzBoundary`), cut into chunks of a
//! size the first byte picks (0: the body in one piece), as the network delivers it: the report
//! and addition forms (`read_multipart`, then their JSON part or plain fields, validated) and
//! the pages' single-file upload (`read_upload`). Nothing may panic, nothing may wait for ever
//! (the whole body is there: pending without a wake-up would hang the request), and whatever is
//! read must be within the limits.
#![no_main]

use actix_web::error::PayloadError;
use actix_web::http::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use bytes::Bytes;
use intake::multipart::{json_part, read_multipart, read_upload, MAX_PARTS, REPORT_JSON_LIMIT};
use libfuzzer_sys::fuzz_target;
use shared::report::{CitizenAddition, NewReport, MAX_PHOTOS};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// Small, so that inputs of a few kilobytes reach the limit.
const PHOTO_LIMIT: usize = 4096;

struct Woken(AtomicBool);

impl Wake for Woken {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Polls the read to its end; a read that goes pending without asking to be woken again is a
/// failure (with actix-multipart 0.7 a truncated boundary did that, and the request hung).
fn run<F: Future>(read: F) -> F::Output {
    let woken = Arc::new(Woken(AtomicBool::new(false)));
    let waker = Waker::from(woken.clone());
    let mut cx = Context::from_waker(&waker);
    let mut read = std::pin::pin!(read);
    loop {
        woken.0.store(false, Ordering::SeqCst);
        if let Poll::Ready(out) = read.as_mut().poll(&mut cx) {
            return out;
        }
        assert!(
            woken.0.load(Ordering::SeqCst),
            "pending with all of the body there and no wake-up: the request would hang"
        );
    }
}

fn form(chunk: usize, body: &[u8]) -> actix_multipart::Multipart {
    let mut headers = HeaderMap::new();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("multipart/form-data; boundary=fuzzBoundary"),
    );
    let chunks: Vec<Result<Bytes, PayloadError>> = if chunk == 0 {
        vec![Ok(Bytes::copy_from_slice(body))]
    } else {
        body.chunks(chunk)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect()
    };
    actix_multipart::Multipart::new(&headers, futures_util::stream::iter(chunks))
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(first % 64);

    if let Ok((fields, photos)) = run(read_multipart(form(chunk, body), PHOTO_LIMIT)) {
        assert!(fields.len() + photos.len() <= MAX_PARTS);
        assert!(photos.len() <= MAX_PHOTOS);
        assert!(photos
            .iter()
            .all(|p| !p.is_empty() && p.len() <= PHOTO_LIMIT));
        assert!(fields.iter().all(|(_, v)| v.len() <= REPORT_JSON_LIMIT));
        let total: usize = fields.iter().map(|(_, v)| v.len()).sum::<usize>()
            + photos.iter().map(Vec::len).sum::<usize>();
        assert!(total <= body.len(), "more read than sent");

        // The API: the JSON part, then the same validation as the server.
        if let Ok(report) = json_part::<NewReport>(&fields, "report") {
            let _ = shared::report::new_report(&report);
        }
        if let Ok(addition) = json_part::<CitizenAddition>(&fields, "addition") {
            let _ = shared::report::check_addition(&addition, photos.len());
        }
        // The pages: the same forms as plain fields.
        if let Ok(report) = shared::report::report_from_form(&fields) {
            let _ = shared::report::new_report(&report);
        }
        let addition = shared::forms::addition_from_form(&fields);
        let _ = shared::report::check_addition(&addition, photos.len());
    }

    if let Ok(file) = run(read_upload(form(chunk, body), PHOTO_LIMIT)) {
        assert!(file.len() <= PHOTO_LIMIT && file.len() <= body.len());
    }
});
