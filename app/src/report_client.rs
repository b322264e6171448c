//! The report page once its WASM has loaded: photos are shrunk in the browser before they
//! travel, the upload shows its progress, and the report is kept as a draft in IndexedDB
//! (photos included) until the server has acknowledged it, so a phone that loses its
//! connection, or a tab that is closed mid-upload, loses nothing. Without JavaScript the
//! page's plain multipart form post does the same job, minus the shrinking.

use idb::{Database, KeyPath, ObjectStore, Transaction, TransactionMode};
use js_sys::{Array, Object, Promise, Reflect};
use shared::report::{ReportReceipt, MAX_PHOTOS};
use shared::{ApiError, ErrorCode, Lang};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, CanvasRenderingContext2d, FormData, HtmlCanvasElement, HtmlFormElement, HtmlInputElement,
    ImageBitmap, ProgressEvent, XmlHttpRequest,
};

/// A photo travels as at most this many bytes: a 12 MP camera JPEG of 3 to 8 MB becomes a
/// few hundred KB, which a weak 3G uplink sends in seconds.
pub const PHOTO_TARGET_BYTES: f64 = 500.0 * 1024.0;

/// Longest edge and JPEG quality, tried in order until the photo fits. The server keeps at
/// most 2048 px anyway; text on a receipt or a fee board stays legible down to 1280 px.
const ATTEMPTS: &[(u32, f64)] = &[
    (2048, 0.82),
    (2048, 0.7),
    (1600, 0.72),
    (1280, 0.7),
    (1024, 0.6),
];

fn window() -> web_sys::Window {
    web_sys::window().expect("the report page runs in a browser window")
}

fn js_err(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

/// Re-draws the photo on a canvas, smaller, as a JPEG. The browser applies the EXIF
/// orientation while decoding, and the canvas carries no metadata, so the camera's GPS
/// position never leaves the phone. A photo the browser cannot decode (HEIC on most
/// Android browsers) is an error: the caller then sends the original and lets the server
/// decide.
pub async fn shrink_photo(file: &Blob) -> Result<Blob, JsValue> {
    let w = window();
    let bitmap: ImageBitmap = JsFuture::from(w.create_image_bitmap_with_blob(file)?)
        .await?
        .dyn_into()?;
    let (width, height) = (bitmap.width(), bitmap.height());
    let canvas: HtmlCanvasElement = w
        .document()
        .ok_or("no document")?
        .create_element("canvas")?
        .dyn_into()?;
    let mut smallest: Option<Blob> = None;
    for &(edge, quality) in ATTEMPTS {
        let scale = (f64::from(edge) / f64::from(width.max(height))).min(1.0);
        let cw = (f64::from(width) * scale).round().max(1.0);
        let ch = (f64::from(height) * scale).round().max(1.0);
        canvas.set_width(cw as u32);
        canvas.set_height(ch as u32);
        let ctx: CanvasRenderingContext2d = canvas
            .get_context("2d")?
            .ok_or("no 2d context")?
            .dyn_into()?;
        ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, cw, ch)?;
        let blob = canvas_blob(&canvas, "image/jpeg", quality).await?;
        if blob.size() <= PHOTO_TARGET_BYTES {
            bitmap.close();
            return Ok(blob);
        }
        smallest = Some(blob);
    }
    bitmap.close();
    smallest.ok_or_else(|| "no attempt".into())
}

/// `canvas.toBlob` as a future.
async fn canvas_blob(
    canvas: &HtmlCanvasElement,
    kind: &str,
    quality: f64,
) -> Result<Blob, JsValue> {
    let mut failed = None;
    let promise = Promise::new(&mut |resolve, reject| {
        let on_blob = Closure::once_into_js(move |blob: JsValue| {
            let _ = if blob.is_null() {
                reject.call1(&JsValue::NULL, &"toBlob gave nothing".into())
            } else {
                resolve.call1(&JsValue::NULL, &blob)
            };
        });
        if let Err(e) = canvas.to_blob_with_type_and_encoder_options(
            on_blob.unchecked_ref(),
            kind,
            &JsValue::from_f64(quality),
        ) {
            failed = Some(e);
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    JsFuture::from(promise).await?.dyn_into()
}

/// How an upload ended when it did not give a receipt.
pub enum UploadError {
    /// No answer: the phone is offline or the connection dropped. The draft stays.
    NoConnection,
    /// The server refused the report itself (bad input): sending it again will not help.
    Refused(ApiError),
    /// The server is busy or failing (429, 5xx): the draft stays and is sent again later.
    TryLater(ApiError),
}

/// Posts the report to the API with `XMLHttpRequest`, the one browser API that reports
/// upload progress; `on_progress` gets the percentage sent.
pub async fn upload(
    body: &FormData,
    on_progress: impl Fn(u32) + 'static,
) -> Result<ReportReceipt, UploadError> {
    let no_connection = |_| UploadError::NoConnection;
    let xhr = XmlHttpRequest::new().map_err(no_connection)?;
    xhr.open_with_async("POST", "/api/v1/reports", true)
        .map_err(no_connection)?;
    xhr.set_request_header("Accept", "application/json")
        .map_err(no_connection)?;
    // Five photos of 500 KB on a 750 kbps uplink take under a minute.
    xhr.set_timeout(180_000);
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            on_progress((e.loaded() * 100.0 / e.total()).floor() as u32);
        }
    });
    if let Ok(up) = xhr.upload() {
        up.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    // `loadend` follows load, error, abort and timeout alike.
    let finished = Promise::new(&mut |resolve, _| xhr.set_onloadend(Some(&resolve)));
    xhr.send_with_opt_form_data(Some(body))
        .map_err(no_connection)?;
    let _ = JsFuture::from(finished).await;
    drop(progress);
    let status = xhr.status().unwrap_or(0);
    if status == 0 {
        return Err(UploadError::NoConnection);
    }
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    if status == 200 {
        return serde_json::from_str(&text)
            .map_err(|_| UploadError::TryLater(ApiError::new(ErrorCode::Internal)));
    }
    let error: ApiError = serde_json::from_str(&text).unwrap_or_else(|_| {
        ApiError::new(if status == 429 {
            ErrorCode::RateLimited
        } else {
            ErrorCode::Internal
        })
    });
    if status == 429 || status >= 500 {
        Err(UploadError::TryLater(error))
    } else {
        Err(UploadError::Refused(error))
    }
}

/// A report not yet acknowledged by the server: the form's fields and the photos as they
/// will travel. Its idempotency key (a form field) makes a resend store it once.
#[derive(Clone)]
pub struct Draft {
    pub fields: Vec<(String, String)>,
    pub photos: Vec<Blob>,
}

impl Draft {
    /// Reads the form as the plain post would send it, then shrinks its photos;
    /// `on_photo(i, n)` is told before the i-th of n photos.
    pub async fn from_form(
        form: &HtmlFormElement,
        on_photo: impl Fn(usize, usize),
    ) -> Result<Draft, JsValue> {
        let data = FormData::new_with_form(form)?;
        let mut fields = Vec::new();
        for entry in js_sys::try_iter(&data)?.ok_or("FormData is not iterable")? {
            let pair: Array = entry?.dyn_into()?;
            if let Some(value) = pair.get(1).as_string() {
                fields.push((pair.get(0).as_string().unwrap_or_default(), value));
            }
        }
        let mut photos = Vec::new();
        let input = form
            .query_selector("input[type=file][name=photos]")?
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok());
        if let Some(files) = input.and_then(|i| i.files()) {
            let n = files.length() as usize;
            for i in 0..files.length() {
                let Some(file) = files.get(i) else { continue };
                on_photo(i as usize, n);
                let original: Blob = file.into();
                photos.push(shrink_photo(&original).await.unwrap_or(original));
            }
        }
        Ok(Draft { fields, photos })
    }

    pub fn key(&self) -> String {
        self.field("idempotency_key")
    }

    fn field(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Checks the report as the server will, before anything travels.
    pub fn check(&self) -> Result<String, ApiError> {
        let report = shared::report::report_from_form(&self.fields)?;
        shared::report::new_report(&report)?;
        if self.photos.len() > MAX_PHOTOS {
            return Err(ApiError::field(
                "photos",
                shared::FieldCode::TooLong,
                "Chỉ gửi được tối đa 5 ảnh.",
                "You can send at most 5 photos.",
            ));
        }
        serde_json::to_string(&report).map_err(|_| ApiError::new(ErrorCode::Internal))
    }

    /// The API's multipart body: the report as JSON and the photos.
    pub fn body(&self, report_json: &str) -> Result<FormData, JsValue> {
        let body = FormData::new()?;
        body.append_with_str("report", report_json)?;
        for (i, photo) in self.photos.iter().enumerate() {
            body.append_with_blob_and_filename("photos", photo, &format!("anh-{}.jpg", i + 1))?;
        }
        Ok(body)
    }

    fn to_js(&self) -> Result<JsValue, JsValue> {
        let o = Object::new();
        Reflect::set(&o, &"key".into(), &self.key().into())?;
        let fields = serde_json::to_string(&self.fields).map_err(js_err)?;
        Reflect::set(&o, &"fields".into(), &fields.into())?;
        let photos: Array = self.photos.iter().collect();
        Reflect::set(&o, &"photos".into(), &photos)?;
        Reflect::set(&o, &"saved_at".into(), &js_sys::Date::now().into())?;
        Ok(o.into())
    }

    fn from_js(v: &JsValue) -> Option<Draft> {
        let fields = Reflect::get(v, &"fields".into()).ok()?.as_string()?;
        let photos: Array = Reflect::get(v, &"photos".into()).ok()?.dyn_into().ok()?;
        Some(Draft {
            fields: serde_json::from_str(&fields).ok()?,
            photos: photos
                .iter()
                .filter_map(|p| p.dyn_into::<Blob>().ok())
                .collect(),
        })
    }
}

/// Drafts kept in IndexedDB, which stores photos as blobs and survives a closed tab.
pub mod drafts {
    use super::*;

    const STORE: &str = "report_drafts";

    async fn open() -> Result<Database, JsValue> {
        Database::builder("minhbach")
            .version(1)
            .add_object_store(
                ObjectStore::builder(STORE).key_path(Some(KeyPath::new_single("key"))),
            )
            .build()
            .await
            .map_err(js_err)
    }

    /// The drafts' store, in a transaction of its own.
    async fn store(mode: TransactionMode) -> Result<(Database, Transaction, ObjectStore), JsValue> {
        let db = open().await?;
        let tx = db.transaction(&[STORE], mode).map_err(js_err)?;
        let store = tx.object_store(STORE).map_err(js_err)?;
        Ok((db, tx, store))
    }

    pub async fn save(draft: &Draft) -> Result<(), JsValue> {
        let (db, tx, store) = store(TransactionMode::ReadWrite).await?;
        store
            .put(&draft.to_js()?, None)
            .map_err(js_err)?
            .await
            .map_err(js_err)?;
        // Resolved only once the transaction has committed: then the draft is on disk.
        tx.await.map_err(js_err)?;
        db.close();
        Ok(())
    }

    pub async fn all() -> Result<Vec<Draft>, JsValue> {
        let (db, _tx, store) = store(TransactionMode::ReadOnly).await?;
        let rows = store
            .get_all(None, None)
            .map_err(js_err)?
            .await
            .map_err(js_err)?;
        db.close();
        Ok(rows.iter().filter_map(Draft::from_js).collect())
    }

    pub async fn remove(key: &str) -> Result<(), JsValue> {
        let (db, tx, store) = store(TransactionMode::ReadWrite).await?;
        store
            .delete(JsValue::from_str(key))
            .map_err(js_err)?
            .await
            .map_err(js_err)?;
        tx.await.map_err(js_err)?;
        db.close();
        Ok(())
    }
}

pub fn is_online() -> bool {
    window().navigator().on_line()
}

/// Draws the receipt (tracking code, secret, time) on a canvas and downloads it as a PNG,
/// so a citizen without a pen keeps it in the phone's gallery.
pub fn save_receipt_image(receipt: &ReportReceipt, lang: Lang) -> Result<(), JsValue> {
    let document = window().document().ok_or("no document")?;
    let canvas: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    let (w, h) = (
        720.0,
        if receipt.secret.is_some() {
            420.0
        } else {
            300.0
        },
    );
    canvas.set_width(w as u32);
    canvas.set_height(h as u32);
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or("no 2d context")?
        .dyn_into()?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, w, h);
    ctx.set_fill_style_str("#0b3d91");
    ctx.set_font("bold 28px sans-serif");
    ctx.fill_text(
        lang.pick(
            "Minh Bạch — Phiếu tiếp nhận phản ánh",
            "Minh Bạch — Report receipt",
        ),
        32.0,
        56.0,
    )?;
    ctx.set_fill_style_str("#1a1a1a");
    ctx.set_font("22px sans-serif");
    ctx.fill_text(
        &format!(
            "{}{}",
            lang.pick("Tiếp nhận lúc: ", "Received at: "),
            crate::format::datetime_vn(receipt.created_at)
        ),
        32.0,
        100.0,
    )?;
    let mut y = 156.0;
    let mut line = |label: &str, value: &str| -> Result<(), JsValue> {
        ctx.set_font("22px sans-serif");
        ctx.fill_text(label, 32.0, y)?;
        ctx.set_font("bold 40px monospace");
        ctx.fill_text(value, 32.0, y + 50.0)?;
        y += 110.0;
        Ok(())
    };
    line(
        lang.pick("Mã tra cứu", "Tracking code"),
        &receipt.tracking_code,
    )?;
    if let Some(secret) = &receipt.secret {
        line(
            lang.pick("Mã bí mật (chỉ bạn giữ)", "Secret (only you hold it)"),
            secret,
        )?;
    }
    ctx.set_font("18px sans-serif");
    ctx.fill_text(
        lang.pick(
            "Tra cứu tại trang /track bằng hai mã này.",
            "Follow it on the /track page with these codes.",
        ),
        32.0,
        h - 24.0,
    )?;
    let url = canvas.to_data_url_with_type("image/png")?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(&format!("minh-bach-{}.png", receipt.tracking_code));
    link.click();
    Ok(())
}

/// Copies the codes to the clipboard (where the browser allows it).
pub fn copy_receipt(receipt: &ReportReceipt, lang: Lang) {
    let mut text = format!(
        "{}: {}",
        lang.pick("Mã tra cứu", "Tracking code"),
        receipt.tracking_code
    );
    if let Some(secret) = &receipt.secret {
        text.push_str(&format!("\n{}: {secret}", lang.pick("Mã bí mật", "Secret")));
    }
    let _ = window().navigator().clipboard().write_text(&text);
}

use crate::pages::report::SendState;
use leptos::prelude::*;
use std::cell::Cell;

thread_local! {
    /// One delivery at a time: the `online` event, the page load and a retry timer may all
    /// want to send the saved drafts at once.
    static DELIVERING: Cell<bool> = const { Cell::new(false) };
}

/// The form's submit: read, check, shrink the photos, save the draft, send it.
pub async fn send_form(
    form: HtmlFormElement,
    state: RwSignal<SendState>,
    receipts: RwSignal<Vec<ReportReceipt>>,
) {
    state.set(SendState::Preparing);
    let draft =
        match Draft::from_form(&form, |i, n| state.set(SendState::Shrinking(i + 1, n))).await {
            Ok(d) => d,
            Err(_) => return state.set(SendState::Refused(ApiError::new(ErrorCode::Internal))),
        };
    if let Err(e) = draft.check() {
        return state.set(SendState::Refused(e));
    }
    // Saved before anything travels: if the tab is closed or the phone goes offline during
    // the upload, the next visit to the page sends it.
    let _ = drafts::save(&draft).await;
    deliver(draft, state, receipts).await;
}

/// Sends every saved draft (after a reload, or when the connection returns).
pub async fn send_saved_drafts(state: RwSignal<SendState>, receipts: RwSignal<Vec<ReportReceipt>>) {
    for draft in drafts::all().await.unwrap_or_default() {
        deliver(draft, state, receipts).await;
    }
}

async fn deliver(draft: Draft, state: RwSignal<SendState>, receipts: RwSignal<Vec<ReportReceipt>>) {
    if DELIVERING.with(|d| d.replace(true)) {
        return;
    }
    deliver_one(draft, state, receipts).await;
    DELIVERING.with(|d| d.set(false));
}

async fn deliver_one(
    draft: Draft,
    state: RwSignal<SendState>,
    receipts: RwSignal<Vec<ReportReceipt>>,
) {
    let key = draft.key();
    let json = match draft.check() {
        Ok(json) => json,
        Err(e) => {
            let _ = drafts::remove(&key).await;
            return state.set(SendState::Refused(e));
        }
    };
    if !is_online() {
        return state.set(SendState::Waiting);
    }
    let Ok(body) = draft.body(&json) else {
        return state.set(SendState::Waiting);
    };
    state.set(SendState::Uploading(0));
    match upload(&body, move |p| state.set(SendState::Uploading(p))).await {
        Ok(receipt) => {
            let _ = drafts::remove(&key).await;
            receipts.update(|r| r.push(receipt));
            state.set(SendState::Idle);
        }
        Err(UploadError::NoConnection) => state.set(SendState::Waiting),
        Err(UploadError::TryLater(e)) => {
            state.set(SendState::Retrying(e));
            set_timeout(
                move || leptos::task::spawn_local(send_saved_drafts(state, receipts)),
                std::time::Duration::from_secs(30),
            );
        }
        Err(UploadError::Refused(e)) => {
            // The citizen corrects the form, which still holds everything, and sends again.
            let _ = drafts::remove(&key).await;
            state.set(SendState::Refused(e));
        }
    }
}
